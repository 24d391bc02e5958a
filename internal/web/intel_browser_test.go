package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
)

// An account manager writes Acme's profile and vision in the browser, sees
// the relationship matrix flag the decision maker nobody knows, records the
// champion's departure and finds it raised on the account page and the
// coverage page, then opens an opportunity from the whitespace matrix; on
// a desktop and on a phone.
func TestBrowserKnowTheAccountFromProfileToWhitespace(t *testing.T) {
	ctx := newBrowser(t, 120*time.Second)
	f := newFixture(t, store.SQLite)
	tick := 0
	f.db.Now = func() time.Time { tick++; return now.Add(time.Duration(tick) * time.Second) }
	bg := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	core, analytics := intelSeed(t, f)
	must(f.db.SetRoadmapItem(bg, f.sc, &intel.RoadmapItem{AccountID: f.acme.ID, ProductID: core.ID, State: intel.InPlace, Since: account.Date{Year: 2025, Month: 1, Day: 1}}))
	must(f.db.SetRoadmapItem(bg, f.sc, &intel.RoadmapItem{AccountID: f.initech.ID, ProductID: core.ID, State: intel.CouldUse, Fit: 3, EstimatedValue: 45_000_00}))
	must(f.db.SetStakeholderMap(bg, f.sc, &intel.StakeholderMap{StakeholderID: f.carol.ID, Function: "Operations", Influence: 5, Attitude: 1}))
	must(f.db.SetStakeholderMap(bg, f.sc, &intel.StakeholderMap{StakeholderID: f.dan.ID, Function: "IT", Influence: 4, Attitude: 2}))
	must(f.db.SetRelationship(bg, f.sc, &intel.Relationship{StakeholderID: f.dan.ID, PersonID: f.ann.ID, Strength: intel.Strong}))
	must(f.db.SetRelationship(bg, f.sc, &intel.Relationship{StakeholderID: f.dan.ID, PersonID: f.bob.ID, Strength: intel.Weak}))

	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 800))
	profile := fmt.Sprintf("%s/accounts/%d/profile", f.srv.URL, f.acme.ID)
	navigate(t, ctx, "open the profile", chromedp.Navigate(profile))
	browse(t, ctx, "fill in the profile",
		chromedp.Click(chromedp.CSS("#edit-profile summary")),
		chromedp.SendKeys(chromedp.ID("summary"), "Family-owned manufacturer moving to subscription services."),
		chromedp.SendKeys(chromedp.ID("sec-buying"), "Carol Diaz — signs off\nCentral procurement"),
		chromedp.SendKeys(chromedp.ID("sec-target_market"), "Automotive suppliers\nAerospace"),
		chromedp.SendKeys(chromedp.ID("sec-goal_short"), "Open the Ohio plant"),
		chromedp.SendKeys(chromedp.ID("sec-goal_long"), "Half of revenue from services by 2030"),
		chromedp.SendKeys(chromedp.ID("sec-our_competitor"), "Globex"))
	navigate(t, ctx, "save the profile", chromedp.Click(chromedp.CSS("#edit-profile button[type=submit]")))
	browse(t, ctx, "add a vision item",
		chromedp.Click(chromedp.CSS("#add-vision summary")),
		chromedp.SendKeys(chromedp.ID("v-text"), "Run every plant on one platform"),
		chromedp.SetValue(chromedp.ID("v-source_stakeholder_id"), fmt.Sprint(f.carol.ID)))
	navigate(t, ctx, "save the vision item", chromedp.Click(chromedp.CSS("#add-vision button[type=submit]")))
	browse(t, ctx, "add a need",
		chromedp.Click(chromedp.CSS("#add-need summary")),
		chromedp.SendKeys(chromedp.ID("nn-text"), "See output of every plant in one place"),
		chromedp.SetValue(chromedp.ID("nn-priority"), "high"),
		chromedp.SetValue(chromedp.ID("nn-product_ids"), fmt.Sprint(analytics.ID)))
	navigate(t, ctx, "save the need", chromedp.Click(chromedp.CSS("#add-need button[type=submit]")))
	body := eval[string](t, ctx, `document.querySelector("main").innerText`)
	for _, want := range []string{"Family-owned manufacturer", "Automotive suppliers", "Run every plant on one platform", "Carol Diaz",
		"See output of every plant", "Growth signals"} {
		if !strings.Contains(body, want) {
			t.Errorf("profile page lacks %q", want)
		}
	}
	checkPage(t, ctx, "profile")
	screenshot(t, ctx, "intel-profile-desktop")

	matrix := fmt.Sprintf("%s/accounts/%d/relationships", f.srv.URL, f.acme.ID)
	navigate(t, ctx, "open the matrix", chromedp.Navigate(matrix))
	if n := eval[int](t, ctx, `document.querySelectorAll("tr.matrix-gap").length`); n == 0 {
		t.Error("no level gap is flagged in the matrix")
	}
	if flags := eval[string](t, ctx, fmt.Sprintf(`document.getElementById("sh-%d").innerText`, f.carol.ID)); !strings.Contains(flags, "Decision maker nobody knows") {
		t.Errorf("Carol's card: %q", flags)
	}
	checkPage(t, ctx, "matrix")
	screenshot(t, ctx, "intel-relationships-desktop")
	browse(t, ctx, "mark Dan as left",
		chromedp.SetValue(chromedp.ID("lf-stakeholder"), fmt.Sprint(f.dan.ID)),
		chromedp.SetValue(chromedp.ID("lf-on"), "2026-02-27"),
		chromedp.SendKeys(chromedp.ID("lf-to"), "Globex"))
	navigate(t, ctx, "record the departure", chromedp.Click(chromedp.CSS(`form[action$="/relationships/left"] button`)))
	navigate(t, ctx, "open the account", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d", f.srv.URL, f.acme.ID)))
	if alert := eval[string](t, ctx, `document.querySelector("#intel .intel-alert").innerText`); !strings.Contains(alert, "Dan Ortiz") || !strings.Contains(alert, "Globex") {
		t.Errorf("account page alert: %q", alert)
	}
	browse(t, ctx, "scroll to the section", chromedp.Evaluate[chromedp.Void](`document.getElementById("intel").scrollIntoView()`))
	intelShot(t, ctx, "intel-account-section-desktop")

	navigate(t, ctx, "open coverage", chromedp.Navigate(f.srv.URL+"/coverage"))
	if txt := eval[string](t, ctx, `document.querySelector(".coverage-table").innerText`); !strings.Contains(txt, "Key player left") {
		t.Errorf("coverage: %q", txt)
	}
	checkPage(t, ctx, "coverage")
	screenshot(t, ctx, "intel-coverage-desktop")

	navigate(t, ctx, "open the roadmap", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d/roadmap", f.srv.URL, f.acme.ID)))
	browse(t, ctx, "assess analytics",
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#product-%d summary", analytics.ID))),
		chromedp.SetValue(chromedp.ID(fmt.Sprintf("st-%d", analytics.ID)), "could_use"),
		chromedp.SendKeys(chromedp.ID(fmt.Sprintf("fi-%d", analytics.ID)), "4"),
		chromedp.SendKeys(chromedp.ID(fmt.Sprintf("ev-%d", analytics.ID)), "90000"))
	navigate(t, ctx, "save the roadmap", chromedp.Click(chromedp.CSS(fmt.Sprintf("#product-%d button[type=submit]", analytics.ID))))
	checkPage(t, ctx, "roadmap")
	screenshot(t, ctx, "intel-roadmap-desktop")

	navigate(t, ctx, "open whitespace", chromedp.Navigate(f.srv.URL+"/whitespace"))
	if total := eval[string](t, ctx, `document.querySelector(".ws-matrix tfoot").innerText`); !strings.Contains(total, "$135K") {
		t.Errorf("whitespace totals: %q", total)
	}
	checkPage(t, ctx, "whitespace")
	screenshot(t, ctx, "intel-whitespace-desktop")
	navigate(t, ctx, "click the cell", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/whitespace/opportunity?account=%d&product=%d"]`, f.acme.ID, analytics.ID))))
	if v := eval[string](t, ctx, `document.getElementById("amount").value`); v != "90000" {
		t.Errorf("prefilled amount %q", v)
	}
	navigate(t, ctx, "open the opportunity", chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	if loc := eval[string](t, ctx, `location.pathname + location.hash`); loc != fmt.Sprintf("/accounts/%d#opportunities", f.acme.ID) {
		t.Errorf("after creating the opportunity the browser is at %q", loc)
	}
	if txt := eval[string](t, ctx, `document.getElementById("opportunities").innerText`); !strings.Contains(txt, "Samwise Analytics for Acme Corp") {
		t.Errorf("opportunities: %q", txt)
	}
	navigate(t, ctx, "open products", chromedp.Navigate(f.srv.URL+"/products"))
	checkPage(t, ctx, "products")
	screenshot(t, ctx, "intel-products-desktop")

	browse(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844))
	for _, p := range []struct{ path, name string }{
		{fmt.Sprintf("/accounts/%d/profile", f.acme.ID), "profile"},
		{fmt.Sprintf("/accounts/%d/relationships", f.acme.ID), "relationships"},
		{fmt.Sprintf("/accounts/%d/roadmap", f.acme.ID), "roadmap"},
		{"/whitespace", "whitespace"},
		{"/coverage", "coverage"},
	} {
		navigate(t, ctx, "open "+p.name+" on a phone", chromedp.Navigate(f.srv.URL+p.path))
		checkPage(t, ctx, p.name+" on a phone")
		screenshot(t, ctx, "intel-"+p.name+"-phone")
	}
}

func intelShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("intel")))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	writeShot(t, name, buf)
}
