package web

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseEntries: any textarea becomes entries without blank text, and
// every line with text yields exactly one entry.
func FuzzParseEntries(f *testing.F) {
	for _, s := range []string{"", "Carol — signs", "a\r\nb\n\n c — d — e ", " — note only", "\x00\xff"} {
		f.Add(s)
	}
	names := map[string]int64{"carol": 7}
	f.Fuzz(func(t *testing.T, raw string) {
		es := parseEntries(raw, names)
		lines := 0
		for _, l := range strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n") {
			if strings.TrimSpace(l) != "" {
				lines++
			}
		}
		if len(es) != lines {
			t.Fatalf("%d entries from %d lines", len(es), lines)
		}
		for _, e := range es {
			if e.StakeholderID != nil && strings.ToLower(e.Text) != "carol" {
				t.Fatalf("linked %q", e.Text)
			}
			if utf8.ValidString(raw) && !utf8.ValidString(e.Text) {
				t.Fatalf("invalid text %q", e.Text)
			}
		}
	})
}

// FuzzCoverageQuery: any query string gives a known rule (or none) and
// thresholds in range.
func FuzzCoverageQuery(f *testing.F) {
	for _, s := range []string{"", "rule=level_gap&quiet_days=30", "quiet_days=-1", "rule=%00", "quiet_days=99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		rule, o := coverageQuery(q)
		if o.QuietDays < 1 || o.QuietDays > 3650 || o.DepartedDays < 1 {
			t.Fatalf("options %+v", o)
		}
		if rule != "" && coverageURL("/coverage", string(rule), o.QuietDays) == "/coverage" {
			t.Fatal("a rule vanished from the URL")
		}
	})
}
