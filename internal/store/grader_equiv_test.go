package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// The grader reads its inputs packed and in parallel (grader.go); before, it
// joined every stakeholder to its check-in row by row (GraderInputsBefore,
// kept in grader_export_test.go). Over the demo portfolio with everything
// the practice keeps about it (owners, goals, tiers, cadences, reviews,
// the relationship matrix, roadmaps, visions, NPS answers, former
// customers) and over a generated one, both must grade every account alike:
// the whole organisation, each person's accounts under need-to-know, and
// each account asked for by id.
func TestTheGraderGradesEveryAccountAsBeforeItsReadsWerePacked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db := storetest.Open(t, d)
		now := time.Date(2026, 3, 1, 15, 30, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		res, err := demo.Install(ctx, db, now)
		must(t, err)
		must(t, demo.Seed(ctx, db, res.Scope, now))
		gen, err := demo.Generate(ctx, db, demo.Options{Accounts: 150, Seed: 1019, Now: now})
		must(t, err)
		for _, org := range []struct {
			name string
			sc   account.Scope
		}{{"demo", res.Scope}, {"generated", account.Scope{OrgID: gen.Org.ID, Actor: "test"}}} {
			t.Run(org.name, func(t *testing.T) {
				sc := org.sc
				for i, today := range []account.Date{account.DateOf(now), account.DateOf(now.AddDate(0, 7, 0))} {
					all := sameGrades(t, db, sc, store.GraderScope{}, today)
					if len(all) < 100 {
						t.Fatalf("%d accounts graded", len(all))
					}
					people, err := db.AllPeople(ctx, sc)
					must(t, err)
					for _, p := range people {
						sameGrades(t, db, sc, store.GraderScope{VisibleTo: p.ID}, today)
					}
					if i > 0 {
						continue // one account at a time: once is enough
					}
					accts, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: 500}})
					must(t, err)
					former := 0
					for _, a := range accts {
						if a.Lifecycle == account.FormerCustomer {
							former++
						}
						sameGrades(t, db, sc, store.GraderScope{AccountID: a.ID}, today)
					}
					if org.name == "demo" && former == 0 {
						t.Error("the demo has no former customer to grade by id")
					}
				}
				passing := map[int]int{}
				gs, err := db.Grades(ctx, sc, store.GraderScope{}, account.DateOf(now))
				must(t, err)
				for _, g := range gs {
					for _, c := range g.Checks {
						if c.Pass {
							passing[c.N]++
						}
					}
				}
				// Checks 5 and 7 read the stakeholders: both outcomes must occur
				// (the generated organisation has no cadence policy: check 5
				// fails throughout).
				checks := []int{5, 7}
				if org.name == "generated" {
					checks = []int{7}
				}
				for _, n := range checks {
					if passing[n] == 0 || passing[n] == len(gs) {
						t.Errorf("check %d passes for %d of %d accounts: the comparison does not tell", n, passing[n], len(gs))
					}
				}
			})
		}
		_, err = db.Grades(ctx, res.Scope, store.GraderScope{AccountID: 987654321}, account.DateOf(now))
		_, _, errBefore := db.GradesBefore(ctx, res.Scope, store.GraderScope{AccountID: 987654321}, account.DateOf(now))
		if account.ErrorCode(err) != account.ENOTFOUND || account.ErrorCode(errBefore) != account.ENOTFOUND {
			t.Fatalf("an unknown account: %v (before: %v)", err, errBefore)
		}
	})
}

// sameGrades grades gs both ways, fails on any difference and returns the grades.
func sameGrades(t *testing.T, db *store.DB, sc account.Scope, gs store.GraderScope, today account.Date) []measure.Grade {
	t.Helper()
	ctx := context.Background()
	got, err := db.Grades(ctx, sc, gs, today)
	must(t, err)
	want, wantIns, err := db.GradesBefore(ctx, sc, gs, today)
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("%+v on %s: account %d graded\n%+v\nbefore\n%+v", gs, today, want[i].AccountID, got[i], want[i])
			}
		}
		t.Fatalf("%+v on %s: %d grades, %d before", gs, today, len(got), len(want))
	}
	ins, err := db.GraderInputs(ctx, sc, gs, today)
	must(t, err)
	// Levels are listed once each now; the checks count distinct levels.
	distinct := func(ls []string) []string {
		out := slices.Clone(ls)
		slices.Sort(out)
		return slices.Compact(out)
	}
	for i := range wantIns {
		wantIns[i].Levels, wantIns[i].KnownLevels = distinct(wantIns[i].Levels), distinct(wantIns[i].KnownLevels)
		ins[i].Levels, ins[i].KnownLevels = distinct(ins[i].Levels), distinct(ins[i].KnownLevels)
		if !reflect.DeepEqual(ins[i], wantIns[i]) {
			t.Fatalf("%+v on %s: inputs\n%+v\nbefore\n%+v", gs, today, ins[i], wantIns[i])
		}
	}
	return got
}
