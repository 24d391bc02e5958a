package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
	"github.com/samwise-sam/samwise/internal/web"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func ptr[T any](v T) *T { return &v }

// fixture is a small portfolio behind the web handler on an httptest server:
// two of our people, three accounts (Initech a child of Acme), stakeholders,
// an opportunity, a contract and a touch on Acme.
type fixture struct {
	t        *testing.T
	db       *store.DB
	sc       account.Scope
	srv      *httptest.Server
	client   *http.Client
	routes   []web.Route
	ann, bob account.Person
	acme     account.Account
	globex   account.Account
	initech  account.Account
	carol    account.Stakeholder // Acme, active
	dan      account.Stakeholder // Acme, active
	erin     account.Stakeholder // Acme, inactive
}

// now is the fixed clock of every fixture.
var now = time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)

func newFixture(t *testing.T, d store.Dialect) *fixture {
	t.Helper()
	db, sc := storetest.New(t, d)
	// Changes are audited under Ann's e-mail, so the timeline names her.
	sc.Actor = "ann@example.com"
	db.Now = func() time.Time { return now }
	f := &fixture{t: t, db: db, sc: sc}
	return f.seed().serve(access.Unrestricted{S: sc, Person: f.ann.ID})
}

// newEmptyFixture is an organisation without any records.
func newEmptyFixture(t *testing.T, d store.Dialect) *fixture {
	t.Helper()
	db, sc := storetest.New(t, d)
	db.Now = func() time.Time { return now }
	f := &fixture{t: t, db: db, sc: sc}
	return f.serve(access.Unrestricted{S: sc})
}

func (f *fixture) seed() *fixture {
	t, ctx := f.t, context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.ann = account.Person{Name: "Ann Lee", Email: "ann@example.com", Title: "Account manager"}
	must(f.db.CreatePerson(ctx, f.sc, &f.ann))
	f.bob = account.Person{Name: "Bob Stone", Email: "bob@example.com", Title: "Account manager", ManagerID: &f.ann.ID}
	must(f.db.CreatePerson(ctx, f.sc, &f.bob))

	f.acme = account.Account{Name: "Acme Corp", Domain: "acme.example", Industry: "Manufacturing", Employees: 5200,
		AnnualRevenue: 12_400_000_00, Currency: "USD", Country: "United States", Region: "North America",
		Lifecycle: account.Customer, OwnerID: &f.ann.ID}
	must(f.db.CreateAccount(ctx, f.sc, &f.acme))
	f.globex = account.Account{Name: "Globex", Domain: "globex.example", Industry: "Energy", Employees: 900,
		AnnualRevenue: 3_100_000_00, Currency: "EUR", Country: "Germany", Lifecycle: account.Prospect, OwnerID: &f.bob.ID}
	must(f.db.CreateAccount(ctx, f.sc, &f.globex))
	f.initech = account.Account{Name: "Initech", Industry: "Software", Employees: 120, AnnualRevenue: 950_000_00,
		Lifecycle: account.Customer, OwnerID: &f.ann.ID, ParentID: &f.acme.ID}
	must(f.db.CreateAccount(ctx, f.sc, &f.initech))

	f.carol = account.Stakeholder{AccountID: f.acme.ID, Name: "Carol Diaz", Title: "COO", Email: "carol@acme.example",
		Level: account.Executive, BuyingRole: account.DecisionMaker, Active: true}
	must(f.db.CreateStakeholder(ctx, f.sc, &f.carol))
	f.dan = account.Stakeholder{AccountID: f.acme.ID, Name: "Dan Ortiz", Title: "IT lead",
		Level: account.MiddleManagement, BuyingRole: account.Champion, Active: true}
	must(f.db.CreateStakeholder(ctx, f.sc, &f.dan))
	f.erin = account.Stakeholder{AccountID: f.acme.ID, Name: "Erin Moss", Level: account.Operational, Active: false}
	must(f.db.CreateStakeholder(ctx, f.sc, &f.erin))

	must(f.db.CreateOpportunity(ctx, f.sc, &account.Opportunity{AccountID: f.acme.ID, Name: "Plant rollout",
		Product: "Samwise Ops", Kind: account.Upsell, Stage: account.Proposal, Amount: 250_000_00,
		ExpectedClose: account.Date{Year: 2026, Month: 6, Day: 30}}))
	must(f.db.CreateContract(ctx, f.sc, &account.Contract{AccountID: f.acme.ID, Product: "Samwise Core",
		AnnualValue: 480_000_00, Start: account.Date{Year: 2025, Month: 1, Day: 1}, End: account.Date{Year: 2026, Month: 12, Day: 31},
		AutoRenew: true, Status: account.ContractActive}))
	must(f.db.CreateTouch(ctx, f.sc, &account.Touch{AccountID: f.acme.ID, Kind: account.Meeting,
		OccurredAt: now.Add(-72 * time.Hour), PeopleIDs: []int64{f.ann.ID}, StakeholderIDs: []int64{f.carol.ID},
		Summary: "Quarterly check-in", NextStep: "Send the rollout plan"}))
	return f
}

func (f *fixture) serve(g access.Guard) *fixture {
	mux := http.NewServeMux()
	f.routes = web.Register(mux, web.Deps{DB: f.db, Guard: g, Now: func() time.Time { return now }})
	f.srv = httptest.NewServer(withCSP(mux))
	f.t.Cleanup(f.srv.Close)
	// Redirects are part of what the tests check, so they are not followed.
	f.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f
}

// csp is as strict as the server's policy will be: no inline script, no
// inline style, nothing from other origins. The browser test reports any
// violation, so pages that would break under it fail here first.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

func withCSP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		h.ServeHTTP(w, r)
	})
}

// response is a finished request: status, Location and body.
type response struct {
	status   int
	location string
	body     string
}

func (f *fixture) get(path string) response {
	f.t.Helper()
	return f.do(http.MethodGet, path, nil)
}

func (f *fixture) post(path string, form url.Values) response {
	f.t.Helper()
	return f.do(http.MethodPost, path, form)
}

func (f *fixture) do(method, path string, form url.Values) response {
	f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return response{status: res.StatusCode, location: res.Header.Get("Location"), body: string(b)}
}
