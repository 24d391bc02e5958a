package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// TestCoverageListGivesTheFindingsOfTheFullMatrices builds an organisation
// of varied accounts — without stakeholders, with only low levels, with
// everyone gone, with champions touched long ago, lately, only at business
// reviews or around midnight, with departures inside and outside the window,
// blockers, relationships of every strength (some by one person alone), and
// names that sort differently by bytes and by case — and checks, on both
// databases, in three time zones, for several scopes, thresholds, rules and
// page lengths, that CoverageList counts and lists exactly what running the
// rules over the full matrices (AccountMaps, as /coverage did) gives, and
// that Coverage gives the same findings too.
func TestCoverageListGivesTheFindingsOfTheFullMatrices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		org := newCoverageOrg(t, d)
		db, sc, today, people, accounts, edge := org.db, org.sc, org.today, org.people, org.accounts, org.edge
		berlin, _ := time.LoadLocation("Europe/Berlin")
		auckland, _ := time.LoadLocation("Pacific/Auckland")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		scopes := []store.MapScope{{}, {VisibleTo: people[0].ID}, {VisibleTo: people[3].ID}, {AccountID: accounts[3].ID}, {AccountID: accounts[0].ID}, {AccountID: edge.ID}}
		options := []intel.CoverageOptions{{}, {QuietDays: 1, DepartedDays: 10}, {QuietDays: 30}, {QuietDays: 60, DepartedDays: 1}}
		rules := append([]intel.Rule{""}, intel.Rules...)
		seen := map[intel.Rule]bool{}
		for _, loc := range []*time.Location{time.UTC, berlin, auckland} {
			for _, o := range options {
				for si, m := range scopes {
					maps, err := db.AccountMaps(ctx, sc, m, loc)
					must(err)
					want := intel.PortfolioCoverage(maps, today, o)
					got, err := db.Coverage(ctx, sc, m, today, o, loc)
					must(err)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s, %+v, scope %d: Coverage\n got %+v\nwant %+v", loc, o, si, got, want)
					}
					for _, rule := range rules {
						var all []intel.Finding
						for _, f := range want {
							if rule == "" || f.Rule == rule {
								all = append(all, f)
							}
						}
						for _, limit := range []int{-1, 0, 1, 3, 7, 100} {
							before := db.CoverageFallbacks()
							list, err := db.CoverageList(ctx, sc, m, today, o, loc, rule, limit)
							must(err)
							if db.CoverageFallbacks() != before {
								t.Errorf("%s, %+v, scope %d, rule %q: the counts disagreed with the rules", loc, o, si, rule)
							}
							first := all
							if limit >= 0 && len(first) > limit {
								first = first[:limit]
							}
							if len(list.Findings) != len(first) || (len(first) > 0 && !reflect.DeepEqual(list.Findings, first)) {
								t.Fatalf("%s, %+v, scope %d, rule %q, limit %d:\n got %+v\nwant %+v", loc, o, si, rule, limit, list.Findings, first)
							}
							counts := intel.CountByRule(want)
							if list.Total != len(want) || list.Matching != len(all) || !reflect.DeepEqual(nonZero(list.Counts), counts) {
								t.Fatalf("%s, %+v, scope %d, rule %q: counts %v (total %d, matching %d), want %v (total %d, matching %d)",
									loc, o, si, rule, list.Counts, list.Total, list.Matching, counts, len(want), len(all))
							}
						}
					}
					for _, f := range want {
						seen[f.Rule] = true
					}
					if si == 0 && loc == time.UTC {
						t.Logf("%+v: %d findings %v", o, len(want), intel.CountByRule(want))
					}
				}
			}
		}
		for _, r := range intel.Rules {
			if !seen[r] {
				t.Errorf("the organisation raises no finding of rule %s: the test does not cover it", r)
			}
		}
	})
}

func nonZero(m map[intel.Rule]int) map[intel.Rule]int {
	out := map[intel.Rule]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

// coverageOrg is the organisation of
// TestCoverageListGivesTheFindingsOfTheFullMatrices, as of now.
type coverageOrg struct {
	db       *store.DB
	sc       account.Scope
	now      time.Time
	today    account.Date
	people   []*account.Person
	accounts []*account.Account // edge last
	edge     *account.Account
}

// newCoverageOrg builds it on dialect d.
func newCoverageOrg(t *testing.T, d store.Dialect) coverageOrg {
	t.Helper()
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
	rng := rand.New(rand.NewPCG(7, 11))
	var people []*account.Person
	for i := range 4 {
		p := &account.Person{Name: fmt.Sprintf("Person %c", 'A'+i), Email: fmt.Sprintf("p%d@example.com", i)}
		must(db.CreatePerson(ctx, sc, p))
		people = append(people, p)
	}
	names := []string{"acme", "Acme", "Beta", "beta", "Zeta", "Älpha", "Delta Co", "Delta Co", "ëpsilon", "Gamma", "gamma ray",
		"Iota", "Kappa", "Lambda", "Mu", "Nu", "Xi", "Omicron", "Pi", "Rho", "Sigma", "Tau", "Upsilon", "Phi", "Chi", "Psi", "Omega"}
	var accounts []*account.Account
	var stakes []*account.Stakeholder
	roles := account.BuyingRoles
	for i, name := range names {
		a := &account.Account{Name: name, Lifecycle: account.Customer}
		if i%5 != 4 {
			a.OwnerID = &people[i%3].ID
		}
		must(db.CreateAccount(ctx, sc, a))
		accounts = append(accounts, a)
		if i%7 == 3 {
			must(db.AddTeamMember(ctx, sc, &auth.TeamMember{AccountID: a.ID, PersonID: people[3].ID, Role: auth.TeamExecutivePartner}))
		}
		kind := i % 9
		if kind == 0 {
			continue // no stakeholders
		}
		n := 1 + rng.IntN(9)
		for j := range n {
			lv := account.Levels[rng.IntN(len(account.Levels))]
			if kind == 1 {
				lv = account.Levels[2+rng.IntN(2)] // only low levels
			}
			s := &account.Stakeholder{AccountID: a.ID, Name: fmt.Sprintf("Stake %d", rng.IntN(5)), Level: lv,
				BuyingRole: roles[rng.IntN(len(roles))], Active: kind != 2 && rng.IntN(8) != 0}
			if j == 0 && kind == 3 {
				s.BuyingRole = account.Champion
			}
			must(db.CreateStakeholder(ctx, sc, s))
			stakes = append(stakes, s)
		}
	}
	today := account.DateOf(now)
	for _, s := range stakes {
		switch rng.IntN(4) {
		case 0: // unplaced
		case 1:
			must(db.SetStakeholderMap(ctx, sc, &intel.StakeholderMap{StakeholderID: s.ID, Influence: 1 + rng.IntN(5),
				Attitude: intel.Attitude(rng.IntN(5) - 2), Function: "IT"}))
		default:
			m := &intel.StakeholderMap{StakeholderID: s.ID, Influence: 1 + rng.IntN(5), Attitude: intel.Attitude(rng.IntN(5) - 2)}
			if rng.IntN(2) == 0 {
				// Around the 10- and 90-day windows, and in the future.
				m.LeftOn = today.AddDays([]int{0, -1, -9, -10, -11, -89, -90, -91, -200, 3}[rng.IntN(10)])
				m.LeftTo = "Globex"
			}
			must(db.SetStakeholderMap(ctx, sc, m))
		}
		for _, p := range people {
			if rng.IntN(5) == 0 {
				st := intel.Strengths[rng.IntN(len(intel.Strengths))]
				must(db.SetRelationship(ctx, sc, &intel.Relationship{StakeholderID: s.ID, PersonID: p.ID, Strength: st}))
			}
		}
	}
	// One account known strongly by one person only, one by two.
	for k, acct := range []int{3, 12} {
		for n, s := range stakes {
			if s.AccountID == accounts[acct].ID {
				p := people[0]
				if k == 1 && n%2 == 1 {
					p = people[1]
				}
				must(db.SetRelationship(ctx, sc, &intel.Relationship{StakeholderID: s.ID, PersonID: p.ID, Strength: intel.Strong}))
			}
		}
	}
	// Touches: long ago, lately, at business reviews only, and around
	// midnight at the edges of the quiet windows in every zone used.
	for _, s := range stakes {
		for range rng.IntN(4) {
			kind := account.TouchKinds[rng.IntN(len(account.TouchKinds))]
			var at time.Time
			switch rng.IntN(4) {
			case 0:
				at = now.AddDate(0, 0, -rng.IntN(400))
			case 1:
				at = now.Add(-time.Duration(rng.IntN(90*24)) * time.Hour)
			default:
				day := now.AddDate(0, 0, -[]int{1, 2, 29, 30, 31, 59, 60, 61}[rng.IntN(8)])
				at = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(5)-2)*time.Hour*12 + time.Duration(rng.IntN(3)-1)*time.Minute)
			}
			must(db.CreateTouch(ctx, sc, &account.Touch{AccountID: s.AccountID, Kind: kind, OccurredAt: at, Summary: "touch",
				PeopleIDs: []int64{people[rng.IntN(len(people))].ID}, StakeholderIDs: []int64{s.ID}}))
		}
	}

	berlin, _ := time.LoadLocation("Europe/Berlin")
	auckland, _ := time.LoadLocation("Pacific/Auckland")
	// Champions touched at the first instant of the 30-day quiet window in
	// each zone and just before it, at a business review (which is not a
	// check-in) or a call; one never touched, one touched at instant 0.
	edge := &account.Account{Name: "Edge", Lifecycle: account.Customer, OwnerID: &people[0].ID}
	must(db.CreateAccount(ctx, sc, edge))
	accounts = append(accounts, edge)
	champion := func(name string) *account.Stakeholder {
		s := &account.Stakeholder{AccountID: edge.ID, Name: name, Level: account.Executive, BuyingRole: account.Champion, Active: true}
		must(db.CreateStakeholder(ctx, sc, s))
		return s
	}
	champion("Never touched")
	// Decision makers nobody knows: with no relationship, with "none"
	// only; and one known weakly, twice.
	for i, strengths := range [][]intel.Strength{nil, {intel.NoRelationship}, {intel.Weak, intel.Moderate}} {
		s := &account.Stakeholder{AccountID: edge.ID, Name: fmt.Sprintf("Decider %d", i), Level: account.SeniorManagement,
			BuyingRole: account.DecisionMaker, Active: true}
		must(db.CreateStakeholder(ctx, sc, s))
		for k, st := range strengths {
			must(db.SetRelationship(ctx, sc, &intel.Relationship{StakeholderID: s.ID, PersonID: people[k].ID, Strength: st}))
		}
	}
	for _, loc := range []*time.Location{time.UTC, berlin, auckland} {
		from := time.Date(today.Year, today.Month, today.Day-30, 0, 0, 0, 0, loc)
		for _, at := range []time.Time{from, from.Add(-time.Millisecond)} {
			for _, kind := range []account.TouchKind{account.BusinessReview, account.Call} {
				s := champion(fmt.Sprintf("%s %s %s", kind, loc, at.Format(time.RFC3339Nano)))
				must(db.CreateTouch(ctx, sc, &account.Touch{AccountID: edge.ID, Kind: kind, OccurredAt: at, Summary: "edge",
					StakeholderIDs: []int64{s.ID}}))
			}
		}
	}
	if s := champion("Touched at instant 0"); db.CreateTouch(ctx, sc, &account.Touch{AccountID: edge.ID, Kind: account.Call,
		OccurredAt: time.UnixMilli(0), Summary: "epoch", StakeholderIDs: []int64{s.ID}}) != nil {
		t.Log("a touch at instant 0 is refused")
	}
	return coverageOrg{db: db, sc: sc, now: now, today: today, people: people, accounts: accounts, edge: edge}
}
