package portfolio

import (
	"math"
	"testing"
)

func TestStrategicScore(t *testing.T) {
	crit := []Criterion{{ID: 1, Weight: 3}, {ID: 2, Weight: 1}, {ID: 3, Weight: 0}}
	tests := []struct {
		name    string
		ratings map[int64]int
		want    float64
		ok      bool
		err     bool
	}{
		{"all ones score 0", map[int64]int{1: 1, 2: 1}, 0, true, false},
		{"all fives score 100", map[int64]int{1: 5, 2: 5}, 100, true, false},
		{"weights count: 3×(4/4) + 1×(0/4) over 4 = 75", map[int64]int{1: 5, 2: 1}, 75, true, false},
		{"a middle rating is half way", map[int64]int{1: 3, 2: 3}, 50, true, false},
		{"a zero-weight criterion need not be rated", map[int64]int{1: 2, 2: 2}, 25, true, false},
		{"a missing rating means not scored, not zero", map[int64]int{1: 5}, 0, false, false},
		{"a rating of 6 is an error", map[int64]int{1: 6, 2: 1}, 0, false, true},
		{"a rating of 0 is an error", map[int64]int{1: 0, 2: 1}, 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := Score(crit, tt.ratings)
			if (err != nil) != tt.err || ok != tt.ok || math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Score = %v, %v, %v; want %v, %v, err %v", got, ok, err, tt.want, tt.ok, tt.err)
			}
		})
	}
	if _, ok, _ := Score([]Criterion{{ID: 1, Weight: 0}}, nil); ok {
		t.Error("no weighted criterion should leave the account not scored")
	}
	if _, _, err := Score([]Criterion{{ID: 1, Weight: -1}}, map[int64]int{1: 3}); err == nil {
		t.Error("a negative weight should be an error")
	}
	if n := len(DefaultCriteria()); n != 6 {
		t.Errorf("default criteria = %d, want the six of good practice", n)
	}
}
