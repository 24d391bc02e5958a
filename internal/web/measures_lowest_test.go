package web

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/samwise-sam/samwise/internal/measure"
)

// lowestGrades picks what sorting every grade by score (stably) and taking
// the first n would: the page lists the weakest accounts without sorting a
// whole portfolio.
func TestLowestGradesAreTheFirstOfAStableSortByScore(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		name     string
		grades   int
		n        int
		maxScore int
	}{
		{"no grades", 0, 25, 10},
		{"fewer grades than shown", 7, 25, 10},
		{"exactly as many as shown", 25, 25, 10},
		{"many grades over every score", 5000, 25, 10},
		{"many grades at one score", 300, 25, 0},
		{"a few scores only", 300, 25, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			gs := make([]measure.Grade, c.grades)
			for i := range gs {
				gs[i] = measure.Grade{AccountID: int64(i + 1), Score: r.IntN(c.maxScore + 1)}
			}
			want := slices.Clone(gs)
			slices.SortStableFunc(want, func(a, b measure.Grade) int { return cmp.Compare(a.Score, b.Score) })
			want = want[:min(c.n, len(want))]
			got := lowestGrades(gs, c.n)
			if !slices.EqualFunc(got, want, func(a, b measure.Grade) bool { return a.AccountID == b.AccountID && a.Score == b.Score }) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
}
