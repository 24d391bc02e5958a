package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// TestAdherenceAgreesWithTheTouchesWritten builds an organisation of a few
// accounts — tiered and untiered, owned and not, with agreements and
// accelerations, stakeholders of every level, inactive and deleted ones,
// touches of every kind with several attendees, written out of order — and
// checks, on both databases and in two time zones, that Adherence for the
// whole organisation, for one account and for one owner gives exactly the
// rows that Resolve and Evaluate give from the touches as the test wrote
// them.
func TestAdherenceAgreesWithTheTouchesWritten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		rng := rand.New(rand.NewPCG(3, 5))
		var owners []*account.Person
		for i := range 3 {
			p := &account.Person{Name: fmt.Sprintf("Owner %d", i), Email: fmt.Sprintf("o%d@example.com", i)}
			must(db.CreatePerson(ctx, sc, p))
			owners = append(owners, p)
		}
		type stake struct {
			s        *account.Stakeholder
			checkins []time.Time
		}
		var accounts []*account.Account
		tierOf := map[int64]portfolio.Tier{}
		var stakes []*stake
		for i := range 8 {
			a := &account.Account{Name: fmt.Sprintf("Account %d", i), Lifecycle: account.Customer}
			if i%4 != 3 {
				a.OwnerID = &owners[i%3].ID
			}
			must(db.CreateAccount(ctx, sc, a))
			accounts = append(accounts, a)
			if tier := []portfolio.Tier{portfolio.TierA, portfolio.TierB, portfolio.TierC, ""}[i%4]; tier != "" {
				must(db.OverrideTier(ctx, sc, a.ID, tier, "test"))
				tierOf[a.ID] = tier
			}
			for j := range 6 {
				s := &account.Stakeholder{AccountID: a.ID, Name: fmt.Sprintf("Person %d.%d", i, j),
					Level: account.Levels[(i+j)%len(account.Levels)], Active: j != 5}
				must(db.CreateStakeholder(ctx, sc, s))
				stakes = append(stakes, &stake{s: s})
			}
		}
		// A deleted stakeholder takes its check-ins with it.
		gone := stakes[len(stakes)-2]
		kinds := []account.TouchKind{account.Call, account.Meeting, account.Email, account.BusinessReview}
		for range 120 {
			a := accounts[rng.IntN(len(accounts))]
			var who []int64
			var ss []*stake
			for _, st := range stakes {
				if st.s.AccountID == a.ID && rng.IntN(3) == 0 {
					who, ss = append(who, st.s.ID), append(ss, st)
				}
			}
			if len(who) == 0 {
				continue
			}
			// Out of order, some near midnight so that the zone decides the day.
			at := now.Add(-time.Duration(rng.IntN(400*24)) * time.Hour).Add(time.Duration(rng.IntN(60)) * time.Minute)
			kind := kinds[rng.IntN(len(kinds))]
			must(db.CreateTouch(ctx, sc, &account.Touch{AccountID: a.ID, Kind: kind, OccurredAt: at, Summary: "x", StakeholderIDs: who}))
			if kind != account.BusinessReview {
				for _, st := range ss {
					st.checkins = append(st.checkins, at)
				}
			}
		}
		must(db.DeleteStakeholder(ctx, sc, gone.s.ID))
		must(db.SetAgreement(ctx, sc, &cadence.Agreement{AccountID: accounts[0].ID, IntervalDays: 21, AgreedOn: account.DateOf(now)}))
		must(db.SetAgreement(ctx, sc, &cadence.Agreement{AccountID: accounts[1].ID, StakeholderID: stakes[7].s.ID, IntervalDays: 14, AgreedOn: account.DateOf(now)}))
		must(db.AddAcceleration(ctx, sc, &cadence.Acceleration{AccountID: accounts[2].ID, IntervalDays: 7, StartsOn: account.DateOf(now.AddDate(0, 0, -10)),
			EndsOn: account.DateOf(now.AddDate(0, 0, 10)), Initiative: "renewal"}))
		settings, err := db.CadenceSettings(ctx, sc)
		must(err)
		o, err := db.CadenceOverrides(ctx, sc, 0)
		must(err)

		kolkata, err := time.LoadLocation("Asia/Kolkata")
		if err != nil {
			kolkata = time.FixedZone("IST", 5*3600+1800)
		}
		for _, loc := range []*time.Location{time.UTC, kolkata} {
			today := cadence.Day(now, loc)
			want := func(keep func(a *account.Account) bool) []cadence.Row {
				var subs []cadence.Subject
				for _, st := range stakes {
					if !st.s.Active || st == gone {
						continue
					}
					var a *account.Account
					for _, x := range accounts {
						if x.ID == st.s.AccountID {
							a = x
						}
					}
					if !keep(a) {
						continue
					}
					sub := cadence.Subject{AccountID: a.ID, AccountName: a.Name, StakeholderID: st.s.ID, Name: st.s.Name,
						Level: st.s.Level, Tier: tierOf[a.ID], Started: cadence.Day(now, loc)}
					if a.OwnerID != nil {
						sub.OwnerID = *a.OwnerID
					}
					if sub.Tier == "" {
						sub.Tier = portfolio.TierC
					}
					days := slices.Clone(st.checkins)
					slices.SortFunc(days, func(x, y time.Time) int { return y.Compare(x) })
					if len(days) > 0 {
						sub.Last = cadence.Day(days[0], loc)
					}
					if len(days) > 1 {
						sub.Prev = cadence.Day(days[1], loc)
					}
					subs = append(subs, sub)
				}
				rows := make([]cadence.Row, len(subs))
				for i, sub := range subs {
					iv := cadence.Resolve(settings, sub.Tier, sub.Level, sub.StakeholderID, o.Agreements[sub.AccountID], o.Accelerations[sub.AccountID], today)
					rows[i] = cadence.Row{Subject: sub, Interval: iv, Status: cadence.Evaluate(settings.Policy(iv, sub.Started), today, sub.Last, sub.Prev)}
				}
				return rows
			}
			check := func(name string, scope store.CadenceScope, keep func(a *account.Account) bool) {
				t.Helper()
				got, _, err := db.Adherence(ctx, sc, scope, loc, today)
				must(err)
				// Split between two goroutines as for a large organisation,
				// the answer is the same.
				restore := store.SetCadenceParallelRows(1)
				split, _, err := db.Adherence(ctx, sc, scope, loc, today)
				restore()
				must(err)
				if !reflect.DeepEqual(got, split) {
					t.Fatalf("%s in %s: read in two halves:\n%+v\nin one:\n%+v", name, loc, split, got)
				}
				exp := want(keep)
				if scope.TallyOnly {
					for i := range exp {
						exp[i].Name = ""
					}
				}
				byID := func(x, y cadence.Row) int { return int(x.StakeholderID - y.StakeholderID) }
				slices.SortFunc(got, byID)
				slices.SortFunc(exp, byID)
				if len(got) != len(exp) {
					t.Fatalf("%s in %s: %d rows, want %d", name, loc, len(got), len(exp))
				}
				for i := range exp {
					// Pointers into the overrides differ between two reads; compare what they point to.
					g, e := got[i], exp[i]
					if (g.Interval.Agreement == nil) != (e.Interval.Agreement == nil) || (g.Interval.Acceleration == nil) != (e.Interval.Acceleration == nil) ||
						(g.Interval.Agreement != nil && g.Interval.Agreement.ID != e.Interval.Agreement.ID) ||
						(g.Interval.Acceleration != nil && g.Interval.Acceleration.ID != e.Interval.Acceleration.ID) {
						t.Fatalf("%s in %s: interval %+v, want %+v", name, loc, g.Interval, e.Interval)
					}
					g.Interval.Agreement, g.Interval.Acceleration, e.Interval.Agreement, e.Interval.Acceleration = nil, nil, nil, nil
					if !reflect.DeepEqual(g, e) {
						t.Fatalf("%s in %s:\n got %+v\nwant %+v", name, loc, g, e)
					}
				}
			}
			check("the whole organisation", store.CadenceScope{}, func(*account.Account) bool { return true })
			check("the whole organisation, counted", store.CadenceScope{TallyOnly: true}, func(*account.Account) bool { return true })
			for _, a := range accounts[:3] {
				check(a.Name, store.CadenceScope{AccountID: a.ID}, func(x *account.Account) bool { return x.ID == a.ID })
			}
			for _, tally := range []bool{false, true} {
				check("the first owner's accounts", store.CadenceScope{PersonID: owners[0].ID, TallyOnly: tally}, func(x *account.Account) bool {
					return x.OwnerID != nil && *x.OwnerID == owners[0].ID
				})
			}
		}
	})
}
