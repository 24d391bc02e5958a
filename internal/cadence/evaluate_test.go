package cadence

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

// naiveEvaluateAll is EvaluateAll as it was written first: Resolve and
// Evaluate for each subject.
func naiveEvaluateAll(s Settings, o Overrides, subjects []Subject, today account.Date) []Row {
	rows := make([]Row, len(subjects))
	for i, sub := range subjects {
		iv := Resolve(s, sub.Tier, sub.Level, sub.StakeholderID, o.Agreements[sub.AccountID], o.Accelerations[sub.AccountID], today)
		rows[i] = Row{Subject: sub, Interval: iv, Status: Evaluate(s.Policy(iv, sub.Started), today, sub.Last, sub.Prev)}
	}
	return rows
}

// EvaluateRows, which works on day numbers, gives the same rows as Resolve
// and Evaluate for each subject: for every tier (and none, and a stray
// one), every level (and an unknown one), with and without agreements and
// accelerations, for stakeholders never touched, touched once and touched
// often, on ordinary days and at the edges of the range the fast path
// takes (and outside it, and on dates no calendar has).
func TestEvaluateRowsAgreesWithEvaluate(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	base := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	randDay := func() account.Date {
		switch rng.IntN(20) {
		case 0:
			return account.Date{}
		case 1:
			return account.Date{Year: 1899 + rng.IntN(2), Month: time.Month(1 + rng.IntN(12)), Day: 1 + rng.IntN(28)}
		case 2:
			return account.Date{Year: 2149 + rng.IntN(2), Month: time.Month(1 + rng.IntN(12)), Day: 1 + rng.IntN(28)}
		case 3:
			return account.Date{Year: 2026, Month: time.February, Day: 29 + rng.IntN(3)} // no such day
		case 4:
			return account.Date{Year: 1600 + rng.IntN(1000), Month: time.Month(1 + rng.IntN(12)), Day: 1 + rng.IntN(31)}
		}
		return account.DateOf(base.AddDate(0, 0, rng.IntN(1500)-1200))
	}
	tiers := []portfolio.Tier{portfolio.TierA, portfolio.TierB, portfolio.TierC, "", "X"}
	levels := append(append([]account.Level{}, account.Levels...), "", "board")
	for round := range 40 {
		s := DefaultSettings()
		if round%2 == 1 {
			for _, tier := range Tiers {
				for _, l := range account.Levels {
					s.CheckIn[tier][l] = 1 + rng.IntN(400)
				}
			}
			s.DueSoonDays = rng.IntN(30)
			s.Tolerance = rng.Float64() * 0.99
		}
		if round%5 == 4 {
			delete(s.CheckIn[portfolio.TierB], account.Executive) // a policy missing a level: the default answers
		}
		o := Overrides{Agreements: map[int64][]Agreement{}, Accelerations: map[int64][]Acceleration{}}
		if round%3 != 0 {
			for acct := int64(1); acct <= 30; acct++ {
				switch rng.IntN(4) {
				case 0:
					o.Agreements[acct] = append(o.Agreements[acct], Agreement{ID: acct, AccountID: acct, StakeholderID: int64(rng.IntN(3)) * (acct*10 + 1), IntervalDays: 1 + rng.IntN(200)})
				case 1:
					start := randDay()
					o.Accelerations[acct] = append(o.Accelerations[acct], Acceleration{ID: acct, AccountID: acct, StakeholderID: int64(rng.IntN(2)) * (acct*10 + 2),
						IntervalDays: 1 + rng.IntN(60), StartsOn: start, EndsOn: start.AddDays(rng.IntN(200))})
				}
			}
		}
		subs := make([]Subject, 2000)
		for i := range subs {
			acct := int64(1 + rng.IntN(30))
			sub := Subject{AccountID: acct, StakeholderID: acct*10 + int64(rng.IntN(5)), Tier: tiers[rng.IntN(len(tiers))],
				Level: levels[rng.IntN(len(levels))], Started: randDay()}
			if rng.IntN(4) > 0 {
				sub.Last = randDay()
				if rng.IntN(3) > 0 {
					sub.Prev = sub.Last.AddDays(-rng.IntN(300))
					if rng.IntN(10) == 0 {
						sub.Prev = randDay()
					}
				}
			}
			subs[i] = sub
		}
		// Rows of one account together, as the store reads them, and
		// scattered.
		if round%4 == 0 {
			for i := range subs {
				subs[i].AccountID = int64(1 + i*30/len(subs))
			}
		}
		for _, today := range []account.Date{account.DateOf(base), randDay(), {Year: 2149, Month: 12, Day: 31}, {Year: 1900, Month: 1, Day: 1}, {}} {
			want := naiveEvaluateAll(s, o, subs, today)
			got := EvaluateAll(s, o, subs, today)
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("round %d, today %v, subject %+v:\n got %+v\nwant %+v", round, today, subs[i], got[i], want[i])
				}
			}
		}
	}
}

// The day numbers count days since 1970 on the proleptic Gregorian
// calendar, both ways, as time.Time does.
func TestDayNumbersAgreeWithTime(t *testing.T) {
	for d := time.Date(1899, 12, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2151; d = d.AddDate(0, 0, 1) {
		want := d.Unix() / 86400
		date := account.DateOf(d)
		if got := daysFromCivil(date.Year, date.Month, date.Day); got != want {
			t.Fatalf("%v: %d, want %d", date, got, want)
		}
		if got := dateOfNumber(want); got != date {
			t.Fatalf("%d: %v, want %v", want, got, date)
		}
	}
}

func BenchmarkEvaluateAll(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := DefaultSettings()
	base := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	subs := make([]Subject, 460_000)
	for i := range subs {
		subs[i] = Subject{AccountID: int64(i / 5), StakeholderID: int64(i), Tier: Tiers[i%3], Level: account.Levels[i%4],
			Started: account.DateOf(base.AddDate(0, 0, -1000)), Last: account.DateOf(base.AddDate(0, 0, -rng.IntN(300))),
			Prev: account.DateOf(base.AddDate(0, 0, -300-rng.IntN(300)))}
	}
	today := account.DateOf(base)
	for b.Loop() {
		EvaluateAll(s, Overrides{}, subs, today)
	}
}
