package web_test

import "testing"

// BenchmarkMeasuresPage measures the server time of GET /measures: the
// grader over every account of the portfolio, the NPS of key contacts with
// its trend, the open follow-ups and the assessment rounds. On the database
// `samwise gen --accounts 100000` makes (SAMWISE_BENCH_DB) it grades about
// 85,000 accounts; it reports the median and the page's size.
func BenchmarkMeasuresPage(b *testing.B) {
	benchPage(b, "/measures")
}
