package portfolio

import "testing"

func TestParetoTiers(t *testing.T) {
	tests := []struct {
		name string
		revs []int64
		want string
	}{
		{"the worked example of DOMAIN.md", []int64{50, 30, 10, 6, 4}, "AABBC"},
		{"the account crossing 80% is still A (79 then 19 starting at 79%, then 2 at 98%)", []int64{79, 2, 19}, "ACA"},
		{"zero revenue is always C", []int64{100, 0}, "AC"},
		{"all zero", []int64{0, 0}, "CC"},
		{"one account takes everything", []int64{10}, "A"},
		{"four equal accounts are all A (the last starts at 75%)", []int64{25, 25, 25, 25}, "AAAA"},
		{"negative revenue counts as none", []int64{-5, 10}, "CA"},
		{"empty portfolio", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rs []Revenue
			for i, v := range tt.revs {
				rs = append(rs, Revenue{AccountID: int64(i + 1), Name: string(rune('a' + i)), Amount: v})
			}
			got := ParetoTiers(rs, DefaultThresholds)
			s := ""
			for i := range tt.revs {
				s += string(got[int64(i+1)])
			}
			if s != tt.want {
				t.Errorf("tiers = %s, want %s", s, tt.want)
			}
		})
	}
}

func TestParetoTiesAreBrokenByNameThenID(t *testing.T) {
	rs := []Revenue{{AccountID: 2, Name: "b", Amount: 40}, {AccountID: 1, Name: "b", Amount: 40}, {AccountID: 3, Name: "a", Amount: 20}}
	// Order: (1,b,40) (2,b,40) (3,a,20): shares before 0, 40, 80 → A, A, B.
	got := ParetoTiers(rs, DefaultThresholds)
	if got[1] != TierA || got[2] != TierA || got[3] != TierB {
		t.Errorf("got %v", got)
	}
}

func TestParetoBandsCountWhatParetoTiersGive(t *testing.T) {
	for _, revs := range [][]int64{{50, 30, 10, 6, 4}, {79, 19, 2}, {100, 0, 0}, {0}, nil, {25, 25, 25, 25}} {
		var rs []Revenue
		for i, v := range revs {
			rs = append(rs, Revenue{AccountID: int64(i), Name: "x", Amount: v})
		}
		var want [3]int
		for _, tier := range ParetoTiers(rs, DefaultThresholds) {
			want[map[Tier]int{TierA: 0, TierB: 1, TierC: 2}[tier]]++
		}
		if got := ParetoBands(revs, DefaultThresholds); got != want {
			t.Errorf("ParetoBands(%v) = %v, want %v", revs, got, want)
		}
	}
}
