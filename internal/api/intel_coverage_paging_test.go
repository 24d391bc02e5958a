package api

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// needToKnow is a principal who sees only the accounts of one person.
type needToKnow struct {
	access.Unrestricted
	person int64
}

func (g needToKnow) VisibleTo(context.Context) int64 { return g.person }

// coverageFixture builds an organisation with a few dozen coverage findings
// of every rule: accounts of one name, stakeholders of one name at one
// level, departures, blockers, a single thread. It returns the account
// manager of half the accounts and one of those accounts.
func coverageFixture(t *testing.T, e *env, now time.Time) (ann, annsAccount int64) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var people []*account.Person
	for i := range 2 {
		p := &account.Person{Name: fmt.Sprintf("Manager %d", i), Email: fmt.Sprintf("m%d@example.com", i)}
		must(e.db.CreatePerson(ctx, e.sc, p))
		people = append(people, p)
	}
	today := account.DateOf(now)
	roles := []account.BuyingRole{account.DecisionMaker, account.Champion, account.Blocker, account.DecisionMaker, account.Influencer}
	for i, name := range []string{"Acme", "Acme", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta"} {
		a := &account.Account{Name: name, Lifecycle: account.Customer, OwnerID: &people[i%2].ID}
		must(e.db.CreateAccount(ctx, e.sc, a))
		if i%2 == 0 {
			annsAccount = a.ID
		}
		for j := range 1 + i%4 {
			s := &account.Stakeholder{AccountID: a.ID, Name: fmt.Sprintf("Stake %d", j%2), Level: account.Levels[j%2],
				BuyingRole: roles[(i+j)%len(roles)], Active: true}
			must(e.db.CreateStakeholder(ctx, e.sc, s))
			m := &intel.StakeholderMap{StakeholderID: s.ID, Influence: 3 + (i+j)%3, Attitude: intel.Attitude((i+j)%3 - 1)}
			if (i+j)%5 == 1 && i >= 4 { // a champion left lately
				m.LeftOn = today.AddDays(-10)
			}
			must(e.db.SetStakeholderMap(ctx, e.sc, m))
			if j%3 == 1 {
				must(e.db.SetRelationship(ctx, e.sc, &intel.Relationship{StakeholderID: s.ID, PersonID: people[0].ID, Strength: intel.Strong}))
			}
		}
	}
	return people[0].ID, annsAccount
}

// GET /api/v1/coverage pages with a cursor: following next_cursor visits
// every finding of the unpaged computation once, in its order, with the
// counts and total of every finding on each page — for every rule, for one
// account and under need-to-know; without a limit a list of fewer than 1000
// findings comes whole, as before paging; a cursor it did not hand out, or
// one of another rule or account, is a 422.
func TestCoveragePagesThroughEveryFindingOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
		e.db.Now = func() time.Time { return now }
		ann, annsAccount := coverageFixture(t, e, now)
		today := account.DateOf(now)
		ctx := context.Background()

		type list struct {
			name  string
			e     *env
			query url.Values
			scope store.MapScope
			rule  intel.Rule
		}
		lists := []list{
			{name: "every finding", e: e, query: url.Values{}},
			{name: "one account", e: e, query: url.Values{"account": {fmt.Sprint(annsAccount)}}, scope: store.MapScope{AccountID: annsAccount}},
			{name: "need-to-know", e: e.as(needToKnow{Unrestricted: access.Unrestricted{S: e.sc}, person: ann}), query: url.Values{},
				scope: store.MapScope{VisibleTo: ann}},
		}
		for _, r := range intel.Rules {
			lists = append(lists, list{name: string(r), e: e, query: url.Values{"rule": {string(r)}}, rule: r})
		}
		for _, l := range lists {
			full, err := e.db.Coverage(ctx, e.sc, l.scope, today, intel.CoverageOptions{}, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			var wantFindings []Finding
			wantCounts := map[string]int{}
			for _, f := range full {
				if l.rule == "" || f.Rule == l.rule {
					wantFindings = append(wantFindings, findingOut(f))
					wantCounts[string(f.Rule)]++
				}
			}
			if l.name == "every finding" && len(wantFindings) < 24 {
				t.Fatalf("the fixture raises %d findings, want a few dozen", len(wantFindings))
			}
			if len(wantFindings) == 0 {
				t.Fatalf("%s: the fixture raises no finding", l.name)
			}

			var got []Finding
			cursor, pages := "", 0
			for {
				q := url.Values{"limit": {"3"}}
				for k, v := range l.query {
					q[k] = v
				}
				if cursor != "" {
					q.Set("cursor", cursor)
				}
				r := l.e.do(http.MethodGet, "/api/v1/coverage?"+q.Encode(), nil)
				want(t, r, 200)
				var page CoverageReport
				r.decode(t, &page)
				pages++
				if page.Total != len(wantFindings) || !reflect.DeepEqual(page.Counts, wantCounts) {
					t.Fatalf("%s, page %d: counts %v (total %d), want %v (total %d)", l.name, pages, page.Counts, page.Total, wantCounts, len(wantFindings))
				}
				got = append(got, page.Findings...)
				if page.NextCursor == "" {
					break
				}
				if len(page.Findings) != 3 || pages > len(wantFindings) {
					t.Fatalf("%s: page %d before the last holds %d findings, want 3", l.name, pages, len(page.Findings))
				}
				cursor = page.NextCursor
			}
			if !reflect.DeepEqual(got, wantFindings) || pages != (len(wantFindings)+2)/3 {
				t.Fatalf("%s: %d pages hold\n%+v\nwant %d pages of\n%+v", l.name, pages, got, (len(wantFindings)+2)/3, wantFindings)
			}

			var whole CoverageReport
			r := l.e.do(http.MethodGet, "/api/v1/coverage?"+l.query.Encode(), nil)
			want(t, r, 200)
			r.decode(t, &whole)
			if whole.NextCursor != "" || !reflect.DeepEqual(whole.Findings, wantFindings) {
				t.Fatalf("%s: without a limit, %d findings and next_cursor %q; want all %d", l.name, len(whole.Findings), whole.NextCursor, len(wantFindings))
			}
		}

		var first CoverageReport
		e.do(http.MethodGet, "/api/v1/coverage?rule=level_gap&limit=1", nil).decode(t, &first)
		cursor := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
		for name, q := range map[string]string{
			"not base64":         "cursor=%25%25%25",
			"not JSON":           "cursor=bm9wZQ",
			"too short":          "cursor=" + cursor(`["level_gap","Acme",1]`),
			"of no rule":         "cursor=" + cursor(`["no_rule","Acme",1,"",  "",0]`),
			"of no level":        "cursor=" + cursor(`["level_gap","Acme",1,"board","",0]`),
			"of no account":      "cursor=" + cursor(`["level_gap","Acme",0,"","",0]`),
			"of another rule":    "rule=quiet_champion&cursor=" + first.NextCursor,
			"of another account": fmt.Sprintf("account=%d&cursor=%s", annsAccount+1000, first.NextCursor),
		} {
			if r := e.do(http.MethodGet, "/api/v1/coverage?"+q, nil); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("a cursor %s: status %d, want 422: %s", name, r.Status, r.Body)
			}
		}
	})
}

// BenchmarkCoverageFirstPage measures GET /api/v1/coverage through the whole
// handler on the database named by SAMWISE_BENCH_DB (skipped without): the
// first page of the default length and of 50.
func BenchmarkCoverageFirstPage(b *testing.B) {
	if os.Getenv(EnvBenchDB) == "" {
		b.Skip("set " + EnvBenchDB)
	}
	db, sc, _ := benchDB(b)
	mux := http.NewServeMux()
	Register(mux, Deps{DB: db, Guard: access.Unrestricted{S: sc}})
	for _, target := range []string{"/api/v1/coverage", "/api/v1/coverage?limit=50"} {
		b.Run(target, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
				}
				b.ReportMetric(float64(rec.Body.Len()), "bytes/response")
			}
		})
	}
}
