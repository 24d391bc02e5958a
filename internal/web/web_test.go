package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// contains fails the test unless body holds every one of wants.
func contains(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func lacks(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("page should not contain %q", w)
		}
	}
}

// rowNames returns the account names of the list's rows, in order.
func rowNames(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<td class="cell-title"><a href="/accounts/\d+">([^<]*)</a>`).FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// href finds the href of the first link whose text contains text.
func href(t *testing.T, body, text string) string {
	t.Helper()
	re := regexp.MustCompile(`<a[^>]*href="([^"]*)"[^>]*>[^<]*` + regexp.QuoteMeta(text))
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link %q on the page", text)
	}
	return html.UnescapeString(m[1])
}

func TestEveryRouteDeclaresAKnownRule(t *testing.T) {
	f := newFixture(t, store.SQLite)
	known := []access.Rule{access.Public, access.SignedIn, access.ReadRecords, access.WriteRecords,
		access.ManageUsers, access.ReadAudit, access.SetPolicy, access.ManageSettings, access.ManageOwnTokens}
	if len(f.routes) < 10 {
		t.Fatalf("only %d routes registered", len(f.routes))
	}
	seen := map[string]bool{}
	for _, r := range f.routes {
		method, path, ok := strings.Cut(r.Pattern, " ")
		if !ok || path == "" || !slices.Contains([]string{"GET", "POST"}, method) {
			t.Errorf("route %q does not name a method and a path", r.Pattern)
		}
		if !slices.Contains(known, r.Rule) {
			t.Errorf("route %q has rule %q, which is not an access rule", r.Pattern, r.Rule)
		}
		if seen[r.Pattern] {
			t.Errorf("route %q registered twice", r.Pattern)
		}
		seen[r.Pattern] = true
		// GET never changes state, and a POST does: it may not sit behind
		// a rule that only grants reading. (Signing in and setting up are
		// public posts; signing out needs only a session.)
		// Background exports are the exception: starting or cancelling one
		// writes only the user's own export job, never account data, and a
		// viewer may export what they may read.
		ownExport := path == "/data/exports" || path == "/data/exports/{id}/cancel"
		if method == "POST" && (r.Rule == access.ReadRecords || r.Rule == access.ReadAudit) && !ownExport {
			t.Errorf("POST route %q changes state but requires only %q", r.Pattern, r.Rule)
		}
	}
}

// denyingGuard is Unrestricted except that every route rule fails with err.
type denyingGuard struct {
	access.Unrestricted
	err error
}

func (g denyingGuard) Allow(_ context.Context, rule access.Rule) error {
	if rule == access.Public {
		return nil
	}
	return g.err
}

func TestRouteRulesSendStrangersToSignInAndRefuseTheForbidden(t *testing.T) {
	f := newFixture(t, store.SQLite)
	cases := []struct {
		name      string
		err       error
		method    string
		path      string
		status    int
		location  string
		wantWords string
	}{
		{"stranger opening a page is sent to sign in and back", account.Errorf(account.EUNAUTHORIZED, "Please sign in."),
			"GET", "/accounts?q=acme", http.StatusSeeOther, "/signin?next=%2Faccounts%3Fq%3Dacme", ""},
		{"stranger posting a form is sent to sign in", account.Errorf(account.EUNAUTHORIZED, "Please sign in."),
			"POST", fmt.Sprintf("/accounts/%d/touches", f.acme.ID), http.StatusSeeOther, "/signin", ""},
		{"viewer writing sees a 403 page", account.Errorf(account.EFORBIDDEN, "Viewers cannot change records."),
			"GET", "/accounts/new", http.StatusForbidden, "", "Viewers cannot change records."},
		{"static files stay public", account.Errorf(account.EUNAUTHORIZED, "Please sign in."),
			"GET", "/static/app.css", http.StatusOK, "", ":root"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := f.serveAgain(denyingGuard{Unrestricted: access.Unrestricted{S: f.sc}, err: c.err})
			var form url.Values
			if c.method == "POST" {
				form = url.Values{"summary": {"x"}}
			}
			res := g.do(c.method, c.path, form)
			if res.status != c.status || res.location != c.location {
				t.Errorf("got %d to %q, want %d to %q", res.status, res.location, c.status, c.location)
			}
			contains(t, res.body, c.wantWords)
		})
	}
}

// serveAgain puts the same database behind another guard.
func (f *fixture) serveAgain(g access.Guard) *fixture {
	c := *f
	return c.serve(g)
}

func TestFrontPageRedirectsToAccounts(t *testing.T) {
	f := newFixture(t, store.SQLite)
	res := f.get("/")
	if res.status != http.StatusSeeOther || res.location != "/accounts" {
		t.Fatalf("GET / = %d to %q", res.status, res.location)
	}
}

func TestAccountListShowsNamesOwnersAndMoney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		res := f.get("/accounts")
		if res.status != http.StatusOK {
			t.Fatalf("status %d", res.status)
		}
		if got, want := rowNames(res.body), []string{"Acme Corp", "Globex", "Initech"}; !slices.Equal(got, want) {
			t.Errorf("rows %v, want %v", got, want)
		}
		contains(t, res.body, "Ann Lee", "Bob Stone", "$12.4M", "€3.1M", "$950K", "2 Mar 2026", "Add account",
			`<span class="badge lc-customer">Customer</span>`, "5,200", "United States")
	})
}

func TestAccountListFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		cases := []struct {
			name  string
			query string
			want  []string
		}{
			{"search matches names case-insensitively", "q=ACM", []string{"Acme Corp"}},
			{"search matches domains", "q=globex.example", []string{"Globex"}},
			{"industry", "industry=Energy", []string{"Globex"}},
			{"lifecycle", "lifecycle=customer", []string{"Acme Corp", "Initech"}},
			{"owner", fmt.Sprintf("owner=%d", f.bob.ID), []string{"Globex"}},
			{"filters combine", fmt.Sprintf("lifecycle=customer&owner=%d&q=init", f.ann.ID), []string{"Initech"}},
			{"an unknown lifecycle is ignored", "lifecycle=bogus", []string{"Acme Corp", "Globex", "Initech"}},
			{"an unknown sort falls back to name", "sort=password", []string{"Acme Corp", "Globex", "Initech"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := f.get("/accounts?" + c.query)
				if res.status != http.StatusOK {
					t.Fatalf("status %d", res.status)
				}
				if got := rowNames(res.body); !slices.Equal(got, c.want) {
					t.Errorf("rows %v, want %v", got, c.want)
				}
			})
		}
		res := f.get("/accounts?industry=Energy")
		contains(t, res.body, `<option selected>Energy</option>`, "Clear filters")
	})
}

func TestAccountListSortHeadersToggleAndKeepFilters(t *testing.T) {
	f := newFixture(t, store.SQLite)
	res := f.get("/accounts?lifecycle=customer")
	// Sorted by name ascending now: clicking Name sorts descending; clicking a
	// figure sorts biggest first; the filter rides along.
	if got := href(t, res.body, "Name"); got != "/accounts?lifecycle=customer&sort=-name" {
		t.Errorf("Name header links to %q", got)
	}
	if got := href(t, res.body, "Annual revenue"); got != "/accounts?lifecycle=customer&sort=-annual_revenue" {
		t.Errorf("Annual revenue header links to %q", got)
	}
	contains(t, res.body, `aria-sort="ascending"`)

	cases := []struct {
		sort string
		want []string
		next string // where the same header leads now
	}{
		{"-annual_revenue", []string{"Acme Corp", "Globex", "Initech"}, "/accounts?sort=annual_revenue"},
		{"annual_revenue", []string{"Initech", "Globex", "Acme Corp"}, "/accounts?sort=-annual_revenue"},
		{"-employees", []string{"Acme Corp", "Globex", "Initech"}, "/accounts?sort=employees"},
		{"industry", []string{"Globex", "Acme Corp", "Initech"}, "/accounts?sort=-industry"},
		{"-name", []string{"Initech", "Globex", "Acme Corp"}, "/accounts"},
	}
	header := map[string]string{"annual_revenue": "Annual revenue", "employees": "Employees", "industry": "Industry", "name": "Name"}
	for _, c := range cases {
		t.Run(c.sort, func(t *testing.T) {
			res := f.get("/accounts?sort=" + c.sort)
			if got := rowNames(res.body); !slices.Equal(got, c.want) {
				t.Errorf("rows %v, want %v", got, c.want)
			}
			if got := href(t, res.body, header[strings.TrimPrefix(c.sort, "-")]); got != c.next {
				t.Errorf("header now links to %q, want %q", got, c.next)
			}
		})
	}
}

func TestAccountListPagesWithCursorsKeepingFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		for i := range 55 {
			a := account.Account{Name: fmt.Sprintf("Zenith %02d", i), Industry: "Retail", Lifecycle: account.Prospect}
			if err := f.db.CreateAccount(context.Background(), f.sc, &a); err != nil {
				t.Fatal(err)
			}
		}
		first := f.get("/accounts?industry=Retail&sort=-name")
		rows := rowNames(first.body)
		if len(rows) != 50 || rows[0] != "Zenith 54" {
			t.Fatalf("first page has %d rows starting %v", len(rows), rows[:min(1, len(rows))])
		}
		lacks(t, first.body, "First page")
		next := href(t, first.body, "Next page")
		u, err := url.Parse(next)
		if err != nil {
			t.Fatal(err)
		}
		if q := u.Query(); q.Get("industry") != "Retail" || q.Get("sort") != "-name" || q.Get("cursor") == "" {
			t.Errorf("next link %q lost the filters or the cursor", next)
		}
		second := f.get(next)
		if got := rowNames(second.body); len(got) != 5 || got[0] != "Zenith 04" || got[4] != "Zenith 00" {
			t.Errorf("second page rows %v", got)
		}
		lacks(t, second.body, "Next page")
		if got := href(t, second.body, "First page"); got != "/accounts?industry=Retail&sort=-name" {
			t.Errorf("first page link %q", got)
		}

		// A mangled cursor shows the first page rather than an error.
		res := f.get("/accounts?industry=Retail&cursor=garbage")
		if res.status != http.StatusOK || len(rowNames(res.body)) != 50 {
			t.Errorf("mangled cursor: status %d, %d rows", res.status, len(rowNames(res.body)))
		}
	})
}

func TestAccountListSaysWhatToDoWhenEmpty(t *testing.T) {
	t.Run("no match offers to clear the filters", func(t *testing.T) {
		f := newFixture(t, store.SQLite)
		res := f.get("/accounts?q=nothing-like-this")
		contains(t, res.body, "No accounts match.", `<a href="/accounts">clear filters</a>`)
		lacks(t, res.body, "<table")
	})
	t.Run("an empty organisation offers to add the first account", func(t *testing.T) {
		f := newEmptyFixture(t, store.SQLite)
		res := f.get("/accounts")
		contains(t, res.body, "No accounts yet.", "Add the first account")
	})
}

func TestAccountPageShowsTheAccountAndItsRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		res := f.get(fmt.Sprintf("/accounts/%d", f.acme.ID))
		if res.status != http.StatusOK {
			t.Fatalf("status %d", res.status)
		}
		contains(t, res.body,
			"<h1>Acme Corp", `href="https://acme.example"`, "Manufacturing", "Ann Lee",
			fmt.Sprintf(`<a href="/accounts/%d">Initech</a>`, f.initech.ID), // child account
			"Carol Diaz", "Executive", "Decision maker", "Inactive", // stakeholders
			"Plant rollout", "Proposal", "Upsell", "$250K", "30 Jun 2026", // opportunity
			"Samwise Core", "$480K", "1 Jan 2025", "31 Dec 2026", // contract
			"Quarterly check-in", "Send the rollout plan", // the touch
			"Ann Lee</strong> added stakeholder Carol Diaz", // a change
			"Add stakeholder", "Log a touch",
		)
		// The touch form preselects the signed-in person and offers only
		// active stakeholders.
		contains(t, res.body, fmt.Sprintf(`<option value="%d" selected>Ann Lee</option>`, f.ann.ID))
		contains(t, res.body, fmt.Sprintf(`name="stakeholder_ids" value="%d"`, f.dan.ID))
		lacks(t, res.body, fmt.Sprintf(`name="stakeholder_ids" value="%d"`, f.erin.ID))
		// Creating the touch is not shown twice (as a touch and as a change).
		lacks(t, res.body, "added a meeting", "added touch")

		child := f.get(fmt.Sprintf("/accounts/%d", f.initech.ID))
		contains(t, child.body, fmt.Sprintf(`<dt>Parent</dt><dd><a href="/accounts/%d">Acme Corp</a>`, f.acme.ID))
	})
}

func TestTimelineDescribesChangesInWords(t *testing.T) {
	f := newFixture(t, store.SQLite)
	a := f.acme
	a.Industry = "Retail"
	a.OwnerID = &f.bob.ID
	if err := f.db.UpdateAccount(context.Background(), f.sc, &a); err != nil {
		t.Fatal(err)
	}
	g := f.globex
	g.Industry = "Utilities"
	if err := f.db.UpdateAccount(context.Background(), f.sc, &g); err != nil {
		t.Fatal(err)
	}
	res := f.get(fmt.Sprintf("/accounts/%d", f.acme.ID))
	contains(t, res.body, "<strong>Ann Lee</strong> changed the account:",
		"<li>changed owner from Ann Lee to Bob Stone</li>", "<li>changed industry from Manufacturing to Retail</li>",
		"<strong>Ann Lee</strong> created the account")
	other := f.get(fmt.Sprintf("/accounts/%d", f.globex.ID))
	contains(t, other.body, "<strong>Ann Lee</strong> changed industry from Energy to Utilities")
	lacks(t, other.body, "Retail")
}

func TestLoggingATouchRedirectsToItOnTheTimeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		path := fmt.Sprintf("/accounts/%d", f.acme.ID)
		res := f.post(path+"/touches", url.Values{
			"kind":            {"call"},
			"occurred_at":     {"2026-03-02T09:30"},
			"people_ids":      {strconv.FormatInt(f.ann.ID, 10), strconv.FormatInt(f.bob.ID, 10)},
			"stakeholder_ids": {strconv.FormatInt(f.dan.ID, 10)},
			"summary":         {"Walked through the renewal terms"},
			"next_step":       {"Draft the renewal"},
		})
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, path+"#touch-") {
			t.Fatalf("POST touch = %d to %q", res.status, res.location)
		}
		page := f.get(path)
		id := strings.TrimPrefix(res.location, path+"#touch-")
		contains(t, page.body, `id="touch-`+id+`"`, "Walked through the renewal terms", "Draft the renewal",
			"2 Mar 2026, 09:30", "Ann Lee, Bob Stone", "Dan Ortiz")
		// Newest first: the new call comes before the older meeting.
		if strings.Index(page.body, "Walked through") > strings.Index(page.body, "Quarterly check-in") {
			t.Error("the new touch is not above the older one")
		}
	})
}

func TestTouchFormShowsErrorsInlineAndKeepsInput(t *testing.T) {
	f := newFixture(t, store.SQLite)
	path := fmt.Sprintf("/accounts/%d/touches", f.acme.ID)
	cases := []struct {
		name   string
		form   url.Values
		errors []string
		kept   []string
	}{
		{"a touch needs a summary",
			url.Values{"kind": {"email"}, "occurred_at": {"2026-03-01T10:00"}, "summary": {"  "}, "next_step": {"Call back <soon>"},
				"stakeholder_ids": {strconv.FormatInt(f.carol.ID, 10)}},
			[]string{`<a href="#touch-summary">Summary is required</a>`, `<p class="field-error">is required</p>`},
			[]string{`value="Call back &lt;soon&gt;"`, `value="email" selected`, `value="2026-03-01T10:00"`,
				fmt.Sprintf(`value="%d" checked`, f.carol.ID)}},
		{"a time that is not one",
			url.Values{"kind": {"call"}, "occurred_at": {"yesterday"}, "summary": {"Called"}},
			[]string{`<a href="#touch-when">When must be a date and time`},
			[]string{`value="yesterday"`, ">Called</textarea>"}},
		{"a stakeholder of another account",
			url.Values{"kind": {"call"}, "occurred_at": {"2026-03-01T10:00"}, "summary": {"Called"},
				"stakeholder_ids": {"999999"}},
			[]string{`<a href="#touch-stakeholders">Stakeholders lists 999999, who is not a stakeholder of this account</a>`},
			[]string{">Called</textarea>"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := f.post(path, c.form)
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.status)
			}
			contains(t, res.body, `<details class="card log-touch" id="log-touch" open>`, `role="alert"`)
			contains(t, res.body, c.errors...)
			contains(t, res.body, c.kept...)
		})
	}
}

func TestAccountFormShowsErrorsInlineAndKeepsInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		res := f.post("/accounts", url.Values{
			"name": {""}, "domain": {"bad domain/x"}, "employees": {"lots"}, "annual_revenue": {"12.345"},
			"currency": {"usd"}, "lifecycle": {"customer"}, "country": {"Spain"},
		})
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", res.status)
		}
		contains(t, res.body,
			"Please correct the highlighted fields.",
			// the summary in the form's order, each line linked to its field
			`<li><a href="#name">Name is required</a></li>`+
				`<li><a href="#domain">Domain must be a bare domain such as example.com</a></li>`+
				`<li><a href="#annual_revenue">Annual revenue must have at most 2 decimals</a></li>`+
				`<li><a href="#employees">Employees must be a whole number such as 1200</a></li>`,
			// under each field, tied to it for screen readers
			`aria-describedby="name-error">`, `<p class="field-error" id="name-error">is required</p>`,
			`<p class="field-error" id="employees-error">must be a whole number such as 1200</p>`,
			// the user's input, as typed
			`value="lots"`, `value="12.345"`, `value="bad domain/x"`, `value="Spain"`, `value="usd"`,
			`<option value="customer" selected>Customer</option>`,
		)

		// The store's own validation (after parsing succeeded) shows the same way.
		res = f.post("/accounts", url.Values{"name": {"Umbrella"}, "currency": {"dollars"}, "lifecycle": {"prospect"}})
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", res.status)
		}
		contains(t, res.body, `id="currency-error">must be a three-letter ISO 4217 code such as USD</p>`, `value="Umbrella"`)

		res = f.post("/accounts", url.Values{"name": {"Umbrella"}, "currency": {"usd"}, "lifecycle": {"prospect"},
			"annual_revenue": {"1,250,000.50"}, "employees": {"1,200"}, "owner_id": {strconv.FormatInt(f.bob.ID, 10)},
			"parent_id": {strconv.FormatInt(f.globex.ID, 10)}})
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/accounts/") {
			t.Fatalf("valid create = %d to %q", res.status, res.location)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(res.location, "/accounts/"), 10, 64)
		got, err := f.db.Account(context.Background(), f.sc, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.AnnualRevenue != 1_250_000_50 || got.Employees != 1200 || got.Currency != "USD" ||
			*got.OwnerID != f.bob.ID || *got.ParentID != f.globex.ID {
			t.Errorf("created %+v", got)
		}
	})
}

func TestEditingAnAccountPrefillsAndSaves(t *testing.T) {
	f := newFixture(t, store.SQLite)
	path := fmt.Sprintf("/accounts/%d", f.acme.ID)
	form := f.get(path + "/edit")
	contains(t, form.body, `value="Acme Corp"`, `value="12400000"`, `value="5200"`,
		fmt.Sprintf(`<option value="%d" selected>Ann Lee</option>`, f.ann.ID))
	// An account is not offered as its own parent.
	lacks(t, form.body, fmt.Sprintf(`<option value="%d">Acme Corp</option>`, f.acme.ID))

	res := f.post(path, url.Values{"name": {"Acme Corporation"}, "industry": {"Manufacturing"}, "currency": {"USD"},
		"lifecycle": {"customer"}, "annual_revenue": {"12400000"}, "owner_id": {strconv.FormatInt(f.ann.ID, 10)},
		"parent_id": {strconv.FormatInt(f.initech.ID, 10)}})
	// Initech is Acme's child, so making it Acme's parent would loop.
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("cycle: status %d", res.status)
	}
	contains(t, res.body, `id="parent_id"`, "would make the account its own ancestor", `value="Acme Corporation"`)

	res = f.post(path, url.Values{"name": {"Acme Corporation"}, "industry": {"Manufacturing"}, "currency": {"USD"},
		"lifecycle": {"customer"}, "annual_revenue": {"12400000"}, "owner_id": {strconv.FormatInt(f.ann.ID, 10)}})
	if res.status != http.StatusSeeOther || res.location != path {
		t.Fatalf("save = %d to %q", res.status, res.location)
	}
	page := f.get(path)
	contains(t, page.body, "<h1>Acme Corporation", "changed name from Acme Corp to Acme Corporation")
}

func TestStakeholderFormsAddAndEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		acct := fmt.Sprintf("/accounts/%d", f.acme.ID)
		blank := f.get(acct + "/stakeholders/new")
		contains(t, blank.body, "New stakeholder", `name="active" value="1" checked`, "Acme Corp")

		res := f.post(acct+"/stakeholders", url.Values{"name": {"Fay Wu"}, "email": {"not an email"},
			"level": {"senior_management"}, "buying_role": {"influencer"}, "active": {"1"}})
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", res.status)
		}
		contains(t, res.body, `id="email-error">must be an e-mail address such as ann@example.com</p>`,
			`value="Fay Wu"`, `value="not an email"`, `<option value="senior_management" selected>`)

		res = f.post(acct+"/stakeholders", url.Values{"name": {"Fay Wu"}, "email": {"fay@acme.example"},
			"level": {"senior_management"}, "buying_role": {"influencer"}, "active": {"1"}})
		if res.status != http.StatusSeeOther || res.location != acct+"#stakeholders" {
			t.Fatalf("create = %d to %q", res.status, res.location)
		}
		contains(t, f.get(acct).body, "Fay Wu", "Senior management", "added stakeholder Fay Wu")

		edit := fmt.Sprintf("/stakeholders/%d/edit", f.dan.ID)
		contains(t, f.get(edit).body, `value="Dan Ortiz"`, `<option value="champion" selected>`)
		// Leaving "active" unticked marks the stakeholder inactive.
		res = f.post(edit, url.Values{"name": {"Dan Ortiz"}, "title": {"CIO"}, "level": {"executive"}, "buying_role": {"champion"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("edit = %d", res.status)
		}
		got, err := f.db.Stakeholder(context.Background(), f.sc, f.dan.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Active || got.Title != "CIO" || got.Level != account.Executive {
			t.Errorf("after edit: %+v", got)
		}
		contains(t, f.get(acct).body, "updated stakeholder Dan Ortiz:", "changed title from IT lead to CIO")
	})
}

func TestDeletingAsksFirstThenRemoves(t *testing.T) {
	f := newFixture(t, store.SQLite)
	path := fmt.Sprintf("/accounts/%d", f.globex.ID)
	confirm := f.get(path + "/delete")
	contains(t, confirm.body, "Delete Globex?", `<form method="post" action="`+path+`/delete"`)
	if _, err := f.db.Account(context.Background(), f.sc, f.globex.ID); err != nil {
		t.Fatal("the confirmation page deleted the account")
	}
	res := f.post(path+"/delete", url.Values{})
	if res.status != http.StatusSeeOther || res.location != "/accounts" {
		t.Fatalf("delete = %d to %q", res.status, res.location)
	}
	if got := f.get(path); got.status != http.StatusNotFound {
		t.Errorf("deleted account answers %d", got.status)
	}

	sh := fmt.Sprintf("/stakeholders/%d", f.erin.ID)
	contains(t, f.get(sh+"/delete").body, "Delete Erin Moss from Acme Corp?")
	if res := f.post(sh+"/delete", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("delete stakeholder = %d", res.status)
	}
	lacks(t, f.get(fmt.Sprintf("/accounts/%d", f.acme.ID)).body, "<span class=\"person-name\">Erin Moss")
}

func TestUnknownRecordsAre404Pages(t *testing.T) {
	f := newFixture(t, store.SQLite)
	other := newFixture(t, store.SQLite) // another organisation's records are unknown here
	for _, path := range []string{
		"/accounts/999999", "/accounts/abc", "/accounts/-1", "/accounts/999999/edit", "/accounts/999999/delete",
		"/accounts/999999/stakeholders/new", "/stakeholders/999999/edit",
		fmt.Sprintf("/accounts/%d", other.acme.ID+1000), "/static/nope.css",
	} {
		t.Run(path, func(t *testing.T) {
			res := f.get(path)
			if res.status != http.StatusNotFound {
				t.Fatalf("status %d, want 404", res.status)
			}
			contains(t, res.body, "<h1>Not found</h1>", "Go to accounts")
		})
	}
	res := f.post("/accounts/999999/touches", url.Values{"summary": {"x"}, "kind": {"call"}})
	if res.status != http.StatusNotFound {
		t.Errorf("touch on unknown account: %d", res.status)
	}
}

func TestUserDataRendersInert(t *testing.T) {
	f := newFixture(t, store.SQLite)
	evil := `<script>alert(1)</script>`
	s := account.Stakeholder{AccountID: f.acme.ID, Name: evil, Title: `"><img src=x onerror=alert(2)>`, Active: true}
	if err := f.db.CreateStakeholder(context.Background(), f.sc, &s); err != nil {
		t.Fatal(err)
	}
	a := account.Account{Name: `Evil <b>Corp</b>`, Domain: `javascript:alert(3)`, Lifecycle: account.Prospect}
	if err := f.db.CreateAccount(context.Background(), f.sc, &a); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fmt.Sprintf("/accounts/%d", f.acme.ID), fmt.Sprintf("/stakeholders/%d/edit", s.ID),
		"/accounts", fmt.Sprintf("/accounts/%d", a.ID)} {
		res := f.get(path)
		lacks(t, res.body, evil, "<img src=x", "<b>Corp</b>", `href="javascript:`)
	}
	page := f.get(fmt.Sprintf("/accounts/%d", f.acme.ID)).body
	contains(t, page, "&lt;script&gt;alert(1)&lt;/script&gt;")
}

func TestPagesCarryNoInlineScriptOrStyle(t *testing.T) {
	f := newFixture(t, store.SQLite)
	inline := []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`), // a script with a body
		regexp.MustCompile(`<script(?:(?:\s)(?:[^s>]|s[^r>])*)?>`),
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`\son[a-z]+=`),
		regexp.MustCompile(`<style`),
	}
	for _, path := range []string{"/accounts", fmt.Sprintf("/accounts/%d", f.acme.ID), "/accounts/new",
		fmt.Sprintf("/accounts/%d/edit", f.acme.ID), fmt.Sprintf("/stakeholders/%d/edit", f.carol.ID), "/people",
		"/accounts/424242"} {
		body := f.get(path).body
		for _, re := range inline {
			if m := re.FindString(body); m != "" {
				t.Errorf("%s has inline code or style: %q", path, m)
			}
		}
		contains(t, body, `<script src="/static/app.js?v=`, `<link rel="stylesheet" href="/static/app.css?v=`)
	}
}

func TestStaticFilesAreVersionedForLongCaching(t *testing.T) {
	f := newFixture(t, store.SQLite)
	page := f.get("/accounts").body
	m := regexp.MustCompile(`href="(/static/app\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no versioned stylesheet link")
	}
	res, err := http.Get(f.srv.URL + m[1])
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("versioned css: %d %q %q", res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"))
	}
	res, err = http.Get(f.srv.URL + "/static/app.css?v=old")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stale version cached: %q", res.Header.Get("Cache-Control"))
	}
}

func TestPeopleListShowsManagersAndAccountsOwned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		res := f.get("/people")
		if res.status != http.StatusOK {
			t.Fatalf("status %d", res.status)
		}
		contains(t, res.body, "Ann Lee", "bob@example.com", "Account manager",
			fmt.Sprintf(`<a href="/accounts?owner=%d">2</a>`, f.ann.ID), // Acme and Initech
			fmt.Sprintf(`<a href="/accounts?owner=%d">1</a>`, f.bob.ID),
			`<td data-label="Manager">Ann Lee</td>`)
	})
}

// needToKnowGuard lets its principal see only the accounts of one person
// and edit none of them: a viewer under the need-to-know rule.
type needToKnowGuard struct {
	access.Unrestricted
	visible  int64
	readable map[int64]bool
}

func (g needToKnowGuard) VisibleTo(context.Context) int64 { return g.visible }

func (g needToKnowGuard) CanReadAccount(_ context.Context, id int64) error {
	if !g.readable[id] {
		return account.Errorf(account.ENOTFOUND, "Account %d not found.", id)
	}
	return nil
}

func (needToKnowGuard) CanEdit(context.Context, int64, access.Part) error {
	return account.Errorf(account.EFORBIDDEN, "Viewers cannot change records.")
}

func (needToKnowGuard) CanCreateAccount(context.Context) error {
	return account.Errorf(account.EFORBIDDEN, "Viewers cannot add accounts.")
}

func TestPagesAskTheGuardAboutEachAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		g := f.serveAgain(needToKnowGuard{Unrestricted: access.Unrestricted{S: f.sc, Person: f.bob.ID},
			visible: f.bob.ID, readable: map[int64]bool{f.globex.ID: true}})

		list := g.get("/accounts")
		if got := rowNames(list.body); !slices.Equal(got, []string{"Globex"}) {
			t.Errorf("need-to-know list shows %v", got)
		}
		lacks(t, list.body, "Add account")
		// Asking for another owner's accounts by URL shows nothing of theirs.
		if got := rowNames(g.get(fmt.Sprintf("/accounts?owner=%d", f.ann.ID)).body); len(got) != 0 {
			t.Errorf("another owner's accounts leak: %v", got)
		}

		page := g.get(fmt.Sprintf("/accounts/%d", f.globex.ID))
		if page.status != http.StatusOK {
			t.Fatalf("readable account: %d", page.status)
		}
		lacks(t, page.body, "/edit\"", "Add stakeholder", "Log a touch", "/delete\"")

		for _, c := range []struct {
			method, path string
			status       int
		}{
			{"GET", fmt.Sprintf("/accounts/%d", f.acme.ID), http.StatusNotFound},
			{"GET", fmt.Sprintf("/accounts/%d/edit", f.acme.ID), http.StatusNotFound},
			{"GET", fmt.Sprintf("/stakeholders/%d/edit", f.carol.ID), http.StatusNotFound},
			{"POST", fmt.Sprintf("/accounts/%d/touches", f.acme.ID), http.StatusNotFound},
			{"GET", fmt.Sprintf("/accounts/%d/edit", f.globex.ID), http.StatusForbidden},
			{"POST", fmt.Sprintf("/accounts/%d", f.globex.ID), http.StatusForbidden},
			{"POST", fmt.Sprintf("/accounts/%d/delete", f.globex.ID), http.StatusForbidden},
			{"POST", fmt.Sprintf("/accounts/%d/touches", f.globex.ID), http.StatusForbidden},
			{"POST", fmt.Sprintf("/accounts/%d/stakeholders", f.globex.ID), http.StatusForbidden},
			{"GET", "/accounts/new", http.StatusForbidden},
			{"POST", "/accounts", http.StatusForbidden},
		} {
			var form url.Values
			if c.method == "POST" {
				form = url.Values{"name": {"x"}, "summary": {"x"}, "kind": {"call"}}
			}
			if res := g.do(c.method, c.path, form); res.status != c.status {
				t.Errorf("%s %s = %d, want %d", c.method, c.path, res.status, c.status)
			}
		}
		if _, err := f.db.Account(context.Background(), f.sc, f.globex.ID); err != nil {
			t.Errorf("a forbidden delete deleted: %v", err)
		}

		// The people list does not reveal how many accounts others own.
		people := g.get("/people").body
		contains(t, people, fmt.Sprintf(`<a href="/accounts?owner=%d">1</a>`, f.bob.ID))
		lacks(t, people, fmt.Sprintf(`/accounts?owner=%d"`, f.ann.ID))
	})
}
