package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// portfolio is a small organisation of records to list, made through the
// store so that list tests are quick.
type portfolio struct {
	ann, bob, cat                int64 // our people; bob and cat report to ann
	acme, bolt, crux, dyna, echo int64 // accounts
	acmeCFO, acmeOps, boltCEO    int64 // stakeholders
	names                        map[int64]string
}

func (e *env) portfolio() portfolio {
	e.t.Helper()
	ctx, db, sc := context.Background(), e.db, e.sc
	must := func(err error) {
		e.t.Helper()
		if err != nil {
			e.t.Fatal(err)
		}
	}
	p := portfolio{names: map[int64]string{}}
	person := func(name, email string, mgr *int64) int64 {
		r := account.Person{Name: name, Email: email, ManagerID: mgr}
		must(db.CreatePerson(ctx, sc, &r))
		p.names[r.ID] = name
		return r.ID
	}
	p.ann = person("Ann Leader", "ann@us.example", nil)
	p.bob = person("Bob Manager", "bob@us.example", &p.ann)
	p.cat = person("Cat Manager", "cat@us.example", &p.ann)
	acct := func(a account.Account) int64 {
		must(db.CreateAccount(ctx, sc, &a))
		p.names[a.ID] = a.Name
		return a.ID
	}
	p.acme = acct(account.Account{Name: "Acme", Domain: "acme.example", Industry: "Retail", Country: "DE", Region: "EMEA", Lifecycle: account.Customer, AnnualRevenue: 900, Employees: 50, OwnerID: &p.bob})
	p.bolt = acct(account.Account{Name: "Bolt", Domain: "bolt.example", Industry: "Energy", Country: "US", Region: "AMER", Lifecycle: account.Prospect, AnnualRevenue: 100, Employees: 500, OwnerID: &p.cat})
	p.crux = acct(account.Account{Name: "crux", Domain: "crux.example", Industry: "Retail", Country: "US", Region: "AMER", Lifecycle: account.Customer, AnnualRevenue: 500, OwnerID: &p.bob, ParentID: &p.acme})
	p.dyna = acct(account.Account{Name: "Dyna", Domain: "dyna-retail.example", Industry: "Media", Country: "FR", Region: "EMEA", Lifecycle: account.FormerCustomer, AnnualRevenue: 700, ParentID: &p.acme})
	p.echo = acct(account.Account{Name: "Echo", Domain: "echo.example", Industry: "Energy", Country: "DE", Region: "EMEA", Lifecycle: account.Customer, AnnualRevenue: 300})
	sh := func(s account.Stakeholder) int64 {
		must(db.CreateStakeholder(ctx, sc, &s))
		p.names[s.ID] = s.Name
		return s.ID
	}
	p.acmeCFO = sh(account.Stakeholder{AccountID: p.acme, Name: "Fay Finance", Title: "CFO", Level: account.Executive, BuyingRole: account.DecisionMaker, Active: true})
	p.acmeOps = sh(account.Stakeholder{AccountID: p.acme, Name: "Gus Ops", Title: "Ops lead", Email: "gus@acme.example", Level: account.Operational, BuyingRole: account.User, Active: false})
	p.boltCEO = sh(account.Stakeholder{AccountID: p.bolt, Name: "Hal Boss", Title: "CEO", Level: account.Executive, BuyingRole: account.Champion, Active: true})
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i, t := range []account.Touch{
		{AccountID: p.acme, Kind: account.Meeting, OccurredAt: day, Summary: "Pricing workshop", PeopleIDs: []int64{p.bob}, StakeholderIDs: []int64{p.acmeCFO}},
		{AccountID: p.acme, Kind: account.Call, OccurredAt: day.AddDate(0, 0, 1), Summary: "Ops review", NextStep: "Send SLA report", PeopleIDs: []int64{p.cat}, StakeholderIDs: []int64{p.acmeOps}},
		{AccountID: p.bolt, Kind: account.Email, OccurredAt: day.AddDate(0, 0, 2), Summary: "Intro", PeopleIDs: []int64{p.cat}, StakeholderIDs: []int64{p.boltCEO}},
	} {
		t.Summary = fmt.Sprintf("%s %d", t.Summary, i)
		must(db.CreateTouch(ctx, sc, &t))
	}
	for _, o := range []account.Opportunity{
		{AccountID: p.acme, OwnerID: &p.bob, Name: "Acme upsell", Product: "Analytics", Kind: account.Upsell, Stage: account.Proposal, Amount: 50},
		{AccountID: p.acme, Name: "Acme renewal", Product: "Platform", Kind: account.Renewal, Stage: account.Won, ActualClose: account.Date{Year: 2026, Month: 2, Day: 1}, Amount: 80},
		{AccountID: p.bolt, OwnerID: &p.cat, Name: "Bolt pilot", Product: "Platform", Kind: account.NewBusiness, Stage: account.Prospecting, Amount: 10},
	} {
		must(db.CreateOpportunity(ctx, sc, &o))
	}
	for _, c := range []account.Contract{
		{AccountID: p.acme, Product: "Platform", AnnualValue: 800, Start: account.Date{Year: 2025, Month: 1, Day: 1}, End: account.Date{Year: 2026, Month: 12, Day: 31}, Status: account.ContractActive},
		{AccountID: p.acme, Product: "Analytics", AnnualValue: 200, Start: account.Date{Year: 2024, Month: 1, Day: 1}, End: account.Date{Year: 2024, Month: 12, Day: 31}, Status: account.ContractExpired},
		{AccountID: p.echo, Product: "Platform", AnnualValue: 300, Start: account.Date{Year: 2026, Month: 1, Day: 1}, Status: account.ContractPending},
	} {
		must(db.CreateContract(ctx, sc, &c))
	}
	return p
}

// names lists the "name" (or "summary", "product") of each item of a page.
func (e *env) names(p string) []string {
	e.t.Helper()
	r := e.do(http.MethodGet, p, nil)
	want(e.t, r, http.StatusOK)
	var page struct {
		Items []map[string]any `json:"items"`
	}
	r.decode(e.t, &page)
	out := []string{}
	for _, it := range page.Items {
		for _, k := range []string{"name", "summary", "product"} {
			if v, ok := it[k].(string); ok {
				out = append(out, v)
				break
			}
		}
	}
	return out
}

func TestListsFilterAndSort(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		p := e.portfolio()
		q := url.QueryEscape
		cases := []struct {
			name string
			path string
			want []string
		}{
			{"accounts by name, case-insensitively", "/api/v1/accounts", []string{"Acme", "Bolt", "crux", "Dyna", "Echo"}},
			{"accounts by name, descending", "/api/v1/accounts?sort=-name", []string{"Echo", "Dyna", "crux", "Bolt", "Acme"}},
			{"accounts by revenue, largest first", "/api/v1/accounts?sort=-annual_revenue", []string{"Acme", "Dyna", "crux", "Echo", "Bolt"}},
			{"accounts by employees", "/api/v1/accounts?sort=employees&limit=2", []string{"crux", "Dyna"}},
			{"accounts of an owner", path("/api/v1/accounts?owner=%d", p.bob), []string{"Acme", "crux"}},
			{"accounts in an industry", "/api/v1/accounts?industry=Energy", []string{"Bolt", "Echo"}},
			{"the industry must match exactly", "/api/v1/accounts?industry=retail", []string{}},
			{"accounts in a lifecycle", "/api/v1/accounts?lifecycle=customer", []string{"Acme", "crux", "Echo"}},
			{"accounts in a country", "/api/v1/accounts?country=DE", []string{"Acme", "Echo"}},
			{"accounts in a region", "/api/v1/accounts?region=AMER", []string{"Bolt", "crux"}},
			{"children of an account", path("/api/v1/accounts?parent=%d", p.acme), []string{"crux", "Dyna"}},
			{"a search matches name or domain", "/api/v1/accounts?q=RETAIL", []string{"Dyna"}},
			{"filters combine", "/api/v1/accounts?region=EMEA&lifecycle=customer&sort=-annual_revenue", []string{"Acme", "Echo"}},

			{"stakeholders of an account", path("/api/v1/stakeholders?account=%d", p.acme), []string{"Fay Finance", "Gus Ops"}},
			{"stakeholders at a level", "/api/v1/stakeholders?level=executive", []string{"Fay Finance", "Hal Boss"}},
			{"stakeholders in a buying role", "/api/v1/stakeholders?buying_role=champion", []string{"Hal Boss"}},
			{"former stakeholders", "/api/v1/stakeholders?active=false", []string{"Gus Ops"}},
			{"current stakeholders", "/api/v1/stakeholders?active=true", []string{"Fay Finance", "Hal Boss"}},
			{"a stakeholder search matches title or email", "/api/v1/stakeholders?q=" + q("acme.example"), []string{"Gus Ops"}},

			{"people by name", "/api/v1/people", []string{"Ann Leader", "Bob Manager", "Cat Manager"}},
			{"reports of a manager", path("/api/v1/people?manager=%d", p.ann), []string{"Bob Manager", "Cat Manager"}},
			{"people by e-mail, descending", "/api/v1/people?sort=-email", []string{"Cat Manager", "Bob Manager", "Ann Leader"}},
			{"a people search", "/api/v1/people?q=leader", []string{"Ann Leader"}},

			{"touches, newest first", "/api/v1/touches", []string{"Intro 2", "Ops review 1", "Pricing workshop 0"}},
			{"touches, oldest first", "/api/v1/touches?sort=occurred_at", []string{"Pricing workshop 0", "Ops review 1", "Intro 2"}},
			{"touches with an account", path("/api/v1/touches?account=%d", p.bolt), []string{"Intro 2"}},
			{"touches a person of ours was at", path("/api/v1/touches?person=%d", p.cat), []string{"Intro 2", "Ops review 1"}},
			{"touches a stakeholder was at", path("/api/v1/touches?stakeholder=%d", p.acmeCFO), []string{"Pricing workshop 0"}},
			{"touches of a kind", "/api/v1/touches?kind=call", []string{"Ops review 1"}},
			{"a touch search matches the next step", "/api/v1/touches?q=sla", []string{"Ops review 1"}},

			{"opportunities of an account", path("/api/v1/opportunities?account=%d", p.acme), []string{"Acme renewal", "Acme upsell"}},
			{"opportunities of an owner", path("/api/v1/opportunities?owner=%d", p.cat), []string{"Bolt pilot"}},
			{"opportunities at a stage", "/api/v1/opportunities?stage=won", []string{"Acme renewal"}},
			{"opportunities of a kind", "/api/v1/opportunities?kind=upsell", []string{"Acme upsell"}},
			{"opportunities by amount, largest first", "/api/v1/opportunities?sort=-amount", []string{"Acme renewal", "Acme upsell", "Bolt pilot"}},
			{"an opportunity search matches the product", "/api/v1/opportunities?q=analytics", []string{"Acme upsell"}},

			{"contracts by end, open-ended first", "/api/v1/contracts", []string{"Platform", "Analytics", "Platform"}},
			{"contracts of an account by value", path("/api/v1/contracts?account=%d&sort=-annual_value", p.acme), []string{"Platform", "Analytics"}},
			{"contracts in a status", "/api/v1/contracts?status=expired", []string{"Analytics"}},
			{"a contract search", "/api/v1/contracts?q=ANALY", []string{"Analytics"}},

			{"an account's stakeholders", path("/api/v1/accounts/%d/stakeholders", p.acme), []string{"Fay Finance", "Gus Ops"}},
			{"an account's stakeholders, filtered", path("/api/v1/accounts/%d/stakeholders?level=executive", p.acme), []string{"Fay Finance"}},
			{"an account's touches", path("/api/v1/accounts/%d/touches?sort=occurred_at", p.acme), []string{"Pricing workshop 0", "Ops review 1"}},
			{"an account's opportunities", path("/api/v1/accounts/%d/opportunities?stage=proposal", p.acme), []string{"Acme upsell"}},
			{"an account's contracts", path("/api/v1/accounts/%d/contracts?sort=start", p.acme), []string{"Analytics", "Platform"}},
			{"an account without records", path("/api/v1/accounts/%d/touches", p.crux), []string{}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := *e
				e.t = t
				if got := e.names(c.path); !slices.Equal(got, c.want) {
					t.Errorf("GET %s = %q, want %q", c.path, got, c.want)
				}
			})
		}
	})
}

func TestPagingWithCursorsVisitsEveryRecordOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		var all []int64
		for i := range 11 {
			// Equal revenues on purpose: the id breaks ties, so no record is
			// skipped or repeated at a page boundary.
			a := account.Account{Name: fmt.Sprintf("Account %02d", i), AnnualRevenue: int64(i % 3)}
			if err := e.db.CreateAccount(context.Background(), e.sc, &a); err != nil {
				t.Fatal(err)
			}
			all = append(all, a.ID)
		}
		acct := all[0]
		for i := range 5 {
			s := account.Stakeholder{AccountID: acct, Name: fmt.Sprintf("Stakeholder %d", i)}
			if err := e.db.CreateStakeholder(context.Background(), e.sc, &s); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			name, path string
			limit      int
			total      int
		}{
			{"accounts by name", "/api/v1/accounts?sort=name", 4, 11},
			{"accounts by revenue with ties", "/api/v1/accounts?sort=-annual_revenue", 3, 11},
			{"accounts filtered", "/api/v1/accounts?q=account+0", 2, 10},
			{"an account's stakeholders", path("/api/v1/accounts/%d/stakeholders", acct), 2, 5},
			{"the audit trail", "/api/v1/audit", 5, 16},
		} {
			t.Run(c.name, func(t *testing.T) {
				e := *e
				e.t = t
				var seen []int64
				pages := 0
				cursor := ""
				for {
					p := fmt.Sprintf("%s&limit=%d", c.path, c.limit)
					if !strings.Contains(c.path, "?") {
						p = fmt.Sprintf("%s?limit=%d", c.path, c.limit)
					}
					if cursor != "" {
						p += "&cursor=" + url.QueryEscape(cursor)
					}
					ids, next := e.ids(p)
					pages++
					if len(ids) > c.limit {
						t.Fatalf("page of %d items, limit %d", len(ids), c.limit)
					}
					seen = append(seen, ids...)
					if next == "" {
						break
					}
					if pages > c.total {
						t.Fatal("paging does not end")
					}
					cursor = next
				}
				if len(seen) != c.total {
					t.Errorf("visited %d records, want %d: %v", len(seen), c.total, seen)
				}
				sorted := slices.Clone(seen)
				slices.Sort(sorted)
				if len(slices.Compact(sorted)) != len(seen) {
					t.Errorf("a record appears twice: %v", seen)
				}
				if want := (c.total + c.limit - 1) / c.limit; pages != want {
					t.Errorf("%d pages, want %d", pages, want)
				}
			})
		}
	})
}

func TestSQLMetacharactersInSearchesAndFiltersAreData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		for _, a := range []map[string]any{
			{"name": "100% Natural", "industry": "Food"},
			{"name": "Under_Score", "industry": "Food"},
			{"name": `Robert'); DROP TABLE accounts;--`, "industry": "x' OR '1'='1"},
			{"name": `Back\slash`, "industry": "Food"},
			{"name": "Plain", "industry": "Food"},
		} {
			e.create("accounts", a)
		}
		q := url.QueryEscape
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"q=" + q("%"), []string{"100% Natural"}},
			{"q=" + q("_"), []string{"Under_Score"}},
			{"q=" + q(`\`), []string{`Back\slash`}},
			{"q=" + q("'); DROP TABLE accounts;--"), []string{`Robert'); DROP TABLE accounts;--`}},
			{"q=" + q("' OR '1'='1"), []string{}},
			{"industry=" + q("x' OR '1'='1"), []string{`Robert'); DROP TABLE accounts;--`}},
			{"industry=" + q("Food' OR 'a'='a"), []string{}},
			{"country=" + q("'; DELETE FROM accounts; --"), []string{}},
			{"q=" + q("$1"), []string{}},
		} {
			if got := e.names("/api/v1/accounts?" + c.query); !slices.Equal(got, c.want) {
				t.Errorf("?%s = %q, want %q", c.query, got, c.want)
			}
		}
		if got := e.names("/api/v1/accounts?limit=500"); len(got) != 5 {
			t.Errorf("after the searches the accounts are %q", got)
		}
	})
}

func TestAuditTrailFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		f := e.fixture()
		want(t, e.do(http.MethodPatch, path("/api/v1/accounts/%d", f.account), map[string]any{"industry": "Retail"}), http.StatusOK)
		entries := func(query string) []AuditEntry {
			t.Helper()
			r := e.do(http.MethodGet, "/api/v1/audit?"+query, nil)
			want(t, r, http.StatusOK)
			var page struct {
				Items []AuditEntry `json:"items"`
			}
			r.decode(t, &page)
			return page.Items
		}
		if got := entries(path("account=%d", f.account)); len(got) != 3 {
			t.Errorf("the account's trail has %d entries, want 3 (account created and changed, stakeholder created)", len(got))
		}
		got := entries(path("entity=account&entity_id=%d", f.account))
		if len(got) != 2 || got[0].Action != "update" || got[0].Changes["industry"].New != "Retail" {
			t.Errorf("the account's own entries: %+v", got)
		}
		if got := entries("entity=person"); len(got) != 1 || got[0].EntityID != f.person {
			t.Errorf("person entries: %+v", got)
		}
		if got := entries(path("user=%d", e.sc.UserID)); len(got) != 4 {
			t.Errorf("entries by the test user: %d, want 4", len(got))
		}
		if got := entries("user=999"); len(got) != 0 {
			t.Errorf("entries by another user: %+v", got)
		}
		future := url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		if got := entries("from=" + future); len(got) != 0 {
			t.Errorf("entries from the future: %+v", got)
		}
		if got := entries("to=" + future + "&sort=at"); len(got) != 4 || got[0].Entity != "person" {
			t.Errorf("entries before the future, oldest first: %+v", got)
		}
	})
}
