package measure

import "testing"

// FuzzTokenWellFormed: no input panics the check that turns garbage away
// before the database, and only survey secrets pass it.
func FuzzTokenWellFormed(f *testing.F) {
	s, _ := NewToken()
	f.Add(s)
	f.Add("swv_")
	f.Add("sw_" + s[4:])
	f.Fuzz(func(t *testing.T, s string) {
		if TokenWellFormed(s) && (len(s) != 47 || s[:4] != TokenPrefix) {
			t.Fatalf("%q passed", s)
		}
	})
}

// FuzzSummariseRatings: averages stay within the scale whatever the input.
func FuzzSummariseRatings(f *testing.F) {
	f.Add([]byte{5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4, 3, 2, 1}, []byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		conv := func(bs []byte) []int {
			out := make([]int, len(bs))
			for i, v := range bs {
				out[i] = int(v)
			}
			return out
		}
		r := SummariseRatings([][]int{conv(a), conv(b)})
		if r.Respondents > 0 && (r.AverageTotal < 15 || r.AverageTotal > 75) {
			t.Fatalf("average %v", r.AverageTotal)
		}
		for _, s := range r.Sections {
			if r.Respondents > 0 && (s.Average < 1 || s.Average > 5) {
				t.Fatalf("section %+v", s)
			}
		}
	})
}
