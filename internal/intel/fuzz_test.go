package intel

import (
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
)

// FuzzCoverage builds a matrix from bytes and checks that the rules never
// panic and every finding names the account and a known rule.
func FuzzCoverage(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 30)
	f.Add([]byte{255, 128, 7, 3, 3, 3}, 0)
	f.Fuzz(func(t *testing.T, b []byte, quiet int) {
		m := AccountMap{AccountID: 9, AccountName: "Fuzz"}
		for i := 0; i+3 < len(b) && i < 200; i += 4 {
			p := Player{StakeholderID: int64(i + 1), Name: "S", Level: account.Levels[int(b[i])%4],
				BuyingRole: account.BuyingRoles[int(b[i+1])%len(account.BuyingRoles)], Influence: int(b[i+2]) % 6, Attitude: Attitude(int(b[i+2])%5 - 2),
				Active: b[i+3]%7 != 0}
			if b[i+3]%5 == 0 {
				p.LeftOn = today.AddDays(-int(b[i+3]))
			}
			if b[i+3]%3 != 0 {
				p.LastTouch = today.AddDays(-int(b[i+1]))
			}
			for k := 0; k < int(b[i+3]%3); k++ {
				p.Links = append(p.Links, Link{PersonID: int64(k + int(b[i])%3), Strength: Strengths[int(b[i+k])%4]})
			}
			m.Players = append(m.Players, p)
		}
		for _, fd := range Coverage(m, today, CoverageOptions{QuietDays: quiet}) {
			if fd.AccountID != 9 || fd.AccountName != "Fuzz" || RuleLabel(fd.Rule) == string(fd.Rule) || fd.Detail == "" {
				t.Fatalf("finding %+v", fd)
			}
		}
	})
}
