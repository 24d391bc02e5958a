package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
)

// TestTrendChartMatchesItsGoldenFile renders the adherence trend for fixed
// points and compares it with testdata. After an intended change, rewrite
// the files with SAMWISE_UPDATE_GOLDEN=1 go test ./internal/web -run TrendChart
// and look at them in a browser.
func TestTrendChartMatchesItsGoldenFile(t *testing.T) {
	pt := func(day string, pct float64, n int) cadence.Point {
		d, err := account.ParseDate(day)
		if err != nil {
			t.Fatal(err)
		}
		return cadence.Point{Day: d, Percent: pct, Tally: cadence.Tally{Stakeholders: n}}
	}
	tests := []struct {
		name   string
		points []cadence.Point
	}{
		{"six months", []cadence.Point{pt("2025-10-31", 62, 40), pt("2025-11-30", 70, 41), pt("2025-12-31", 55.5, 41),
			pt("2026-01-31", 80, 42), pt("2026-02-28", 100, 42), pt("2026-03-02", 0, 43)}},
		{"one month", []cadence.Point{pt("2026-03-02", 75, 4)}},
		{"no data", nil},
		{"a gap before the first stakeholders", []cadence.Point{pt("2026-01-31", 0, 0), pt("2026-02-28", 50, 2), pt("2026-03-02", 100, 2)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(newTrendChart(tt.points).SVG)
			path := filepath.Join("testdata", "trend-"+strings.ReplaceAll(tt.name, " ", "-")+".svg")
			if os.Getenv("SAMWISE_UPDATE_GOLDEN") != "" {
				if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with SAMWISE_UPDATE_GOLDEN=1 to create it)", err)
			}
			if got+"\n" != string(want) {
				t.Errorf("chart differs from %s:\n%s", path, got)
			}
		})
	}
}
