package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/web"
)

// BenchmarkMeasuresPage measures the server time of GET /measures: the
// grader over every account of the portfolio, the NPS of key contacts with
// its trend, the open follow-ups and the assessment rounds. On the database
// `samwise gen --accounts 100000` makes (SAMWISE_BENCH_DB) it grades about
// 85,000 accounts; it reports the median and the page's size.
func BenchmarkMeasuresPage(b *testing.B) {
	db, sc := benchDB(b)
	mux := http.NewServeMux()
	web.Register(mux, web.Deps{DB: db, Guard: access.Unrestricted{S: sc}, Log: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	var took []time.Duration
	size := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		start := time.Now()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/measures", nil))
		took = append(took, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET /measures: %d", rec.Code)
		}
		size = rec.Body.Len()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(size)/1024, "page-KiB")
}
