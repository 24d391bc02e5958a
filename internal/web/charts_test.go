package web

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/portfolio"
)

// golden compares got with testdata/name, rewriting the file first when
// SAMWISE_UPDATE_GOLDEN is set (then look at the files in a browser).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
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
}

// TestParetoChartMatchesItsGoldenFile draws DOMAIN.md's example and the
// edge cases. After an intended change: SAMWISE_UPDATE_GOLDEN=1 go test
// ./internal/web -run 'ParetoChart|ScatterChart'.
func TestParetoChartMatchesItsGoldenFile(t *testing.T) {
	many := make([]int64, 5000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range many {
		many[i] = int64(1e9 * math.Pow(rng.Float64(), 5))
	}
	// Highest first, and tiered as the rule would.
	for i := range many {
		for j := i; j > 0 && many[j] > many[j-1]; j-- {
			many[j], many[j-1] = many[j-1], many[j]
		}
	}
	tests := []struct {
		name string
		in   paretoInput
	}{
		{"domain-example", paretoInput{Revenues: []int64{50, 30, 10, 6, 4}, Thresholds: portfolio.DefaultThresholds, Focus: 2, FocusName: "Initech <Ops>"}},
		{"no-revenue", paretoInput{Revenues: []int64{0, 0}, Thresholds: portfolio.DefaultThresholds, Focus: -1}},
		{"five-thousand", paretoInput{Revenues: many, Thresholds: portfolio.Thresholds{A: 0.7, B: 0.9}, Focus: 10, FocusName: "Big"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := paretoChart(tt.in)
			if !strings.Contains(string(c.SVG), "<title") || c.Label == "" {
				t.Error("the chart needs a title for screen readers")
			}
			golden(t, "pareto-"+tt.name+".svg", string(c.SVG))
		})
	}
}

func TestScatterChartMatchesItsGoldenFile(t *testing.T) {
	var dense []scatterPoint
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 2000 {
		rev := int64(0)
		if i%10 != 0 {
			rev = int64(1e5 * math.Pow(10, 5*rng.Float64()))
		}
		dense = append(dense, scatterPoint{ID: int64(i + 1), Name: fmt.Sprintf("Account %d", i), Score: math.Round(rng.Float64() * 100),
			Revenue: rev, Tier: portfolio.TierC, Strategic: i%250 == 0, Focus: i == 7})
	}
	tests := []struct {
		name string
		in   scatterInput
	}{
		{"few", scatterInput{Points: []scatterPoint{
			{ID: 1, Name: "Acme & Sons", Score: 87.5, Revenue: 1_250_000_00, Tier: "A", Strategic: true},
			{ID: 2, Name: "Globex", Score: 40, Revenue: 90_000_00, Tier: "B"},
			{ID: 3, Name: "Initech", Score: 12.25, Revenue: 0, Tier: "C"},
			{ID: 4, Name: "Umbrella", Score: 66.7, Revenue: 3_000_00, Tier: "", Focus: true},
		}, Floors: &portfolio.ScoreFloors{A: 70, B: 40}}},
		{"empty", scatterInput{}},
		{"dense", scatterInput{Points: dense, Currency: "EUR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := scatterChart(tt.in)
			golden(t, "scatter-"+tt.name+".svg", string(c.SVG))
		})
	}
}

func TestPercentagesReadNaturally(t *testing.T) {
	for share, want := range map[float64]string{0.8: "80%", 0.95: "95%", 0.975: "97.5%", 0: "0%", 1: "100%", 0.333333: "33.3%"} {
		if got := pct(share); got != want {
			t.Errorf("pct(%v) = %q, want %q", share, got, want)
		}
	}
}
