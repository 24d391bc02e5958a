package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
	"github.com/samwise-sam/samwise/internal/web"
)

// outcomeFixture serves the hand-made outcome portfolio (demo.OutcomeFixture)
// with the clock at its Now.
func outcomeFixture(t *testing.T, d store.Dialect) (*fixture, *demo.OutcomeFixture) {
	t.Helper()
	db, sc := storetest.New(t, d)
	sc.Actor = "ann.archer@example.com"
	of, err := demo.SeedOutcomeFixture(context.Background(), db, sc)
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return of.Now }
	db.Now = clock
	f := &fixture{t: t, db: db, sc: sc}
	mux := http.NewServeMux()
	f.routes = web.Register(mux, web.Deps{DB: db, Guard: access.Unrestricted{S: sc, Person: of.Ann.ID}, Now: clock})
	f.srv = httptest.NewServer(withCSP(mux))
	t.Cleanup(f.srv.Close)
	f.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f, of
}

func ocHas(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("page lacks %q", p)
		}
	}
}

func TestTheOutcomesPageShowsTheHandWorkedFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f, _ := outcomeFixture(t, d)
		r := f.get("/outcomes?from=2025-01-01&to=2026-01-01")
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		ocHas(t, r.body,
			`id="oc-logo">66.7%`, `id="oc-grr">70.0%`, `id="oc-nrr">80.0%`, // the primer's retention example
			"Target met", "target 95.0%",
			`id="oc-won">$12K`, `id="oc-winrate">50.0%`, `id="oc-weighted">$4,600`, // pipeline 1000×10% + 200×30% + 500×60% (hundreds)
			"75.0%",        // Ann: 12,000 of a 16,000 goal
			"13 h", "20 h", // resolution median and p90
			"Yes: ROI 3455.6%", "$96,000.00", "$2,700.00", "27.0 h")
		if r := f.get("/outcomes?from=2025-01-01&to=2026-01-01&tier=B"); !strings.Contains(r.body, `id="oc-logo">0.0%`) {
			t.Errorf("tier B: Initech churned")
		}
		if r := f.get("/outcomes?from=nonsense"); r.status != 200 || !strings.Contains(r.body, "must be a day") {
			t.Errorf("a bad date is explained: %d", r.status)
		}
	})
}

func TestProblemsRenewalsAndSettingsPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f, of := outcomeFixture(t, d)
		r := f.get("/problems")
		ocHas(t, r.body, `id="oc-breached">1`, `id="oc-approaching">1`, "Invoice mismatch", "Data export fails", "Expiring certificate caught early")

		// Report a problem from the account page's link; a missing title is an inline error.
		r = f.get(fmt.Sprintf("/problems/new?account=%d", of.Acme.ID))
		ocHas(t, r.body, "Report a problem", "Acme")
		form := url.Values{"account_id": {fmt.Sprint(of.Acme.ID)}, "kind": {"problem"}, "title": {""}, "severity": {"critical"}, "status": {"open"}}
		if r = f.post("/problems", form); r.status != 422 || !strings.Contains(r.body, "is required") {
			t.Fatalf("empty title: %d", r.status)
		}
		form.Set("title", "Checkout down")
		if r = f.post("/problems", form); r.status != 303 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		form = url.Values{"account_id": {fmt.Sprint(of.Acme.ID)}, "kind": {"avoided"}, "title": {"Capacity alarm acted on"}, "severity": {"high"}, "status": {"resolved"}}
		if r = f.post("/problems", form); r.status != 303 || !strings.Contains(r.location, "avoided") {
			t.Fatalf("avoided: %d", r.status)
		}
		r = f.get(fmt.Sprintf("/problems/%d", of.Breach.ID))
		ocHas(t, r.body, "Breached", "Data export fails")
		edit := url.Values{"account_id": {fmt.Sprint(of.Initech.ID)}, "kind": {"problem"}, "title": {"Data export fails"}, "severity": {"low"}, "status": {"resolved"}, "escalation": {"0"}}
		if r = f.post(fmt.Sprintf("/problems/%d", of.Breach.ID), edit); r.status != 303 {
			t.Fatalf("resolve: %d %s", r.status, r.body)
		}

		r = f.get("/renewals?within=180")
		ocHas(t, r.body, "Hooli", "Globex", "At risk", "notice by")
		if r = f.post(fmt.Sprintf("/renewals/%d", of.GlobexSuccessor.ID), url.Values{"outcome": {"churned"}}); r.status != 422 || !strings.Contains(r.body, "reason is required") {
			t.Fatalf("churn without a reason: %d", r.status)
		}
		if r = f.post(fmt.Sprintf("/renewals/%d", of.GlobexSuccessor.ID), url.Values{"forecast": {"likely"}, "back": {"/renewals?within=180"}}); r.status != 303 {
			t.Fatalf("forecast: %d", r.status)
		}
		for _, p := range []string{"/problems/export?format=csv", "/renewals/export?format=csv&within=180", "/problems/export?format=xlsx"} {
			if r = f.get(p); r.status != 200 || len(r.body) < 20 {
				t.Errorf("%s: %d", p, r.status)
			}
		}
		// The problems export lists what the page is filtered to.
		all := strings.Count(f.get("/problems/export?format=csv").body, "\n")
		if none := strings.Count(f.get("/problems/export?format=csv&q=no-such-problem").body, "\n"); all < 2 || none != 1 {
			t.Errorf("problems export: %d lines unfiltered, %d for a search matching nothing (want the header alone)", all, none)
		}
		pg := f.get("/problems?severity=high&q=x").body
		if i := strings.Index(pg, `href="/problems/export?`); i < 0 || !strings.Contains(pg[i:i+80], "severity=high") || !strings.Contains(pg[i:i+80], "q=x") {
			t.Errorf("the problems page does not carry its filter to the export link: %q", pg[max(0, strings.Index(pg, "/problems/export")-20):][:200])
		}
		if r = f.get("/renewals/export?format=csv&within=180"); !strings.Contains(r.body, "Hooli") {
			t.Errorf("CSV lacks Hooli: %s", r.body)
		}

		r = f.get("/outcomes/settings")
		ocHas(t, r.body, "Retention target", `value="95"`, "Resolution targets")
		bad := url.Values{"retention_target": {"150"}, "margin_percent": {"60"}, "discount_rate": {"10"}, "retention_source": {"fixed"},
			"fixed_retention": {"90"}, "cost_per_hour": {"100"}}
		if r = f.post("/outcomes/settings", bad); r.status != 422 {
			t.Fatalf("bad target: %d", r.status)
		}

		r = f.get(fmt.Sprintf("/accounts/%d", of.Acme.ID))
		ocHas(t, r.body, `id="oc-clv">$396,000.00`, "Report a problem", "Record an avoided risk")
	})
}

func TestBrowserLeaderSeesOutcomesProblemsAndRenewals(t *testing.T) {
	ctx := newBrowser(t, 90*time.Second)
	f, of := outcomeFixture(t, store.SQLite)
	for _, vp := range []struct {
		name string
		act  chromedp.Action[chromedp.Void]
	}{
		{"desktop", chromedp.EmulateViewport(1280, 800)},
		{"phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))},
	} {
		browse(t, ctx, vp.name+" viewport", vp.act)
		navigate(t, ctx, "open the outcomes", chromedp.Navigate(f.srv.URL+"/outcomes?from=2025-01-01&to=2026-01-01"))
		got := eval[[]string](t, ctx, `["oc-logo","oc-grr","oc-nrr","oc-winrate","oc-roi"].map(id => document.getElementById(id).textContent.trim())`)
		want := []string{"66.7%", "70.0%", "80.0%", "50.0%", "Yes: ROI 3455.6%"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s figures %v, want %v", vp.name, got, want)
		}
		checkPage(t, ctx, "outcomes "+vp.name)
		screenshot(t, ctx, "outcomes-"+vp.name)
		navigate(t, ctx, "open the problems", chromedp.Navigate(f.srv.URL+"/problems"))
		checkPage(t, ctx, "problems "+vp.name)
		screenshot(t, ctx, "outcomes-problems-"+vp.name)
		navigate(t, ctx, "open the renewals", chromedp.Navigate(f.srv.URL+"/renewals?within=180"))
		checkPage(t, ctx, "renewals "+vp.name)
		screenshot(t, ctx, "outcomes-renewals-"+vp.name)
		navigate(t, ctx, "open the settings", chromedp.Navigate(f.srv.URL+"/outcomes/settings"))
		checkPage(t, ctx, "settings "+vp.name)
		screenshot(t, ctx, "outcomes-settings-"+vp.name)
		navigate(t, ctx, "open Acme", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d#outcomes", f.srv.URL, of.Acme.ID)))
		checkPage(t, ctx, "account "+vp.name)
		elementShot(t, ctx, "#outcomes", "outcomes-account-"+vp.name)
	}
	// Record a forecast in the browser: the at-risk list grows.
	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 800))
	navigate(t, ctx, "renewals", chromedp.Navigate(f.srv.URL+"/renewals?within=180"))
	sel := fmt.Sprintf("#fc-%d", of.GlobexSuccessor.ID)
	browse(t, ctx, "choose at risk", chromedp.SetValue(chromedp.CSS(sel), "at_risk"))
	navigate(t, ctx, "save", chromedp.Click(chromedp.CSS(fmt.Sprintf("#renewal-%d button[type=submit]", of.GlobexSuccessor.ID))))
	if n := eval[int](t, ctx, `document.querySelectorAll(".oc-risk li").length`); n != 2 {
		t.Errorf("at risk after the forecast: %d, want 2", n)
	}
}
