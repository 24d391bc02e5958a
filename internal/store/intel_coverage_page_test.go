package store_test

import (
	"context"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// TestCoverageListAfterAKeyVisitsEveryFindingOnce pages through the
// findings of the organisation of
// TestCoverageListGivesTheFindingsOfTheFullMatrices — accounts of one name,
// stakeholders of one name at one level, departures, every rule — on both
// databases, for several scopes (one of an account of namesakes), thresholds, rules and page lengths,
// following the key of each page's last finding; the pages together are the
// findings of the full matrices, in order, each once, with the counts of
// every finding on every page. It also starts after each finding, and after
// places no finding holds (an account renamed or gone since).
func TestCoverageListAfterAKeyVisitsEveryFindingOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		org := newCoverageOrg(t, d)
		db, sc, today := org.db, org.sc, org.today
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		// Stakeholders of one name at one level: findings only their ids
		// tell apart.
		twins := &account.Account{Name: "Twins", Lifecycle: account.Customer, OwnerID: &org.people[0].ID}
		must(db.CreateAccount(ctx, sc, twins))
		for _, role := range []account.BuyingRole{account.DecisionMaker, account.DecisionMaker, account.DecisionMaker, account.Champion, account.Champion} {
			s := &account.Stakeholder{AccountID: twins.ID, Name: "Sam Same", Level: account.Executive, BuyingRole: role, Active: true}
			must(db.CreateStakeholder(ctx, sc, s))
			must(db.SetStakeholderMap(ctx, sc, &intel.StakeholderMap{StakeholderID: s.ID, Influence: 5, Attitude: -1}))
		}
		scopes := []store.MapScope{{}, {VisibleTo: org.people[0].ID}, {AccountID: twins.ID}}
		options := []intel.CoverageOptions{{}, {QuietDays: 1, DepartedDays: 10}}
		rules := append([]intel.Rule{""}, intel.Rules...)
		for _, o := range options {
			for si, m := range scopes {
				full, err := db.Coverage(ctx, sc, m, today, o, nil)
				must(err)
				for _, rule := range rules {
					var all []intel.Finding
					for _, f := range full {
						if rule == "" || f.Rule == rule {
							all = append(all, f)
						}
					}
					for _, limit := range []int{1, 3, 7} {
						before := db.CoverageFallbacks()
						var got []intel.Finding
						after := store.CoverageKey{}
						for pages := 0; ; pages++ {
							if pages > len(all)+1 {
								t.Fatalf("%+v, scope %d, rule %q, limit %d: no end after %d pages", o, si, rule, limit, pages)
							}
							list, err := db.CoverageListAfter(ctx, sc, m, today, o, nil, rule, after, limit)
							must(err)
							if list.Total != len(full) || list.Matching != len(all) {
								t.Fatalf("%+v, scope %d, rule %q, page %d: total %d, matching %d; want %d, %d",
									o, si, rule, pages, list.Total, list.Matching, len(full), len(all))
							}
							if len(list.Findings) > limit {
								t.Fatalf("%d findings on a page of %d", len(list.Findings), limit)
							}
							got = append(got, list.Findings...)
							if len(list.Findings) < limit {
								break
							}
							after = store.CoverageKeyOf(list.Findings[len(list.Findings)-1])
						}
						if !reflect.DeepEqual(got, all) {
							t.Fatalf("%+v, scope %d, rule %q, limit %d: the pages hold\n%+v\nwant\n%+v", o, si, rule, limit, got, all)
						}
						if db.CoverageFallbacks() != before {
							t.Errorf("%+v, scope %d, rule %q: the counts disagreed with the rules", o, si, rule)
						}
					}
				}
				if si != 0 {
					continue
				}
				if len(full) < 30 {
					t.Fatalf("%+v: only %d findings", o, len(full))
				}
				// After each finding: the rest of them.
				for i, f := range full {
					list, err := db.CoverageListAfter(ctx, sc, m, today, o, nil, "", store.CoverageKeyOf(f), -1)
					must(err)
					if rest := full[i+1:]; len(list.Findings) != len(rest) || (len(rest) > 0 && !reflect.DeepEqual(list.Findings, rest)) {
						t.Fatalf("%+v: after finding %d (%+v):\n got %+v\nwant %+v", o, i, f, list.Findings, rest)
					}
				}
				// After an account no finding holds: every finding of a later
				// rule, or of the rule and a later account name.
				for _, f := range full {
					key := store.CoverageKey{Rule: f.Rule, AccountName: f.AccountName + "\x00", AccountID: 1}
					var rest []intel.Finding
					for _, g := range full {
						if r := slices.Index(intel.Rules, g.Rule) - slices.Index(intel.Rules, f.Rule); r > 0 ||
							(r == 0 && strings.Compare(g.AccountName, key.AccountName) > 0) {
							rest = append(rest, g)
						}
					}
					list, err := db.CoverageListAfter(ctx, sc, m, today, o, nil, "", key, 5)
					must(err)
					if len(rest) > 5 {
						rest = rest[:5]
					}
					if len(list.Findings) != len(rest) || (len(rest) > 0 && !reflect.DeepEqual(list.Findings, rest)) {
						t.Fatalf("%+v: after %+v:\n got %+v\nwant %+v", o, key, list.Findings, rest)
					}
				}
			}
		}
		if _, err := db.CoverageListAfter(ctx, sc, store.MapScope{}, today, intel.CoverageOptions{}, nil, "", store.CoverageKey{Rule: "no_such_rule"}, 5); err == nil {
			t.Error("a key of no rule is accepted")
		}
	})
}

// BenchmarkCoveragePages measures, on the SQLite database SAMWISE_BENCH_DB
// (see BenchmarkCoverage), the pages GET /api/v1/coverage reads: the first
// page of its default length (1000, read as 1001 to know whether there is
// a next) and of 50, the page after that one, a page from the middle of
// the longest rule, and every finding, as the API read them before paging.
func BenchmarkCoveragePages(b *testing.B) {
	path := os.Getenv("SAMWISE_BENCH_DB")
	if path == "" {
		b.Skip("set SAMWISE_BENCH_DB")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	orgs, err := db.Organisations(ctx)
	if err != nil || len(orgs) == 0 {
		b.Fatalf("%s has no organisation (%v)", path, err)
	}
	sc := account.Scope{OrgID: orgs[0].ID, Actor: "bench"}
	today := account.DateOf(time.Now())
	o := intel.DefaultCoverageOptions()
	first, err := db.CoverageList(ctx, sc, store.MapScope{}, today, o, time.UTC, "", 50)
	if err != nil || len(first.Findings) < 50 {
		b.Fatalf("first page: %d findings (%v)", len(first.Findings), err)
	}
	b.Logf("%d findings: %v", first.Total, first.Counts)
	longest := intel.Rules[0]
	for _, r := range intel.Rules {
		if first.Counts[r] > first.Counts[longest] {
			longest = r
		}
	}
	pages := []struct {
		name  string
		after store.CoverageKey
		limit int
	}{
		{"first-page-1001", store.CoverageKey{}, 1001},
		{"first-page-51", store.CoverageKey{}, 51},
		{"second-page-51", store.CoverageKeyOf(first.Findings[49]), 51},
		{"middle-page-1001", store.CoverageKey{Rule: longest, AccountName: "M"}, 1001},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			cpu := cadenceProcessCPU()
			for b.Loop() {
				l, err := db.CoverageListAfter(ctx, sc, store.MapScope{}, today, o, time.UTC, "", p.after, p.limit)
				if err != nil || len(l.Findings) != p.limit {
					b.Fatalf("%d findings, want %d (%v)", len(l.Findings), p.limit, err)
				}
			}
			b.ReportMetric(float64(cadenceProcessCPU()-cpu)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
		})
	}
	b.Run("every-finding", func(b *testing.B) {
		cpu := cadenceProcessCPU()
		for b.Loop() {
			if _, err := db.Coverage(ctx, sc, store.MapScope{}, today, o, time.UTC); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cadenceProcessCPU()-cpu)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
	})
}
