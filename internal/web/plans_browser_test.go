package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/store"
)

func byName(name string) chromedp.CSS { return chromedp.CSS(fmt.Sprintf(`[name=%q]`, name)) }

// The "done when": the team drafts a plan from an account and
// shares it; the client opens the link in a fresh browser without signing
// in, comments and signs off; the team sees the feedback and agreement,
// records KPI progress and compares version 1 with version 2. Desktop and
// phone screenshots of every page on the way.
func TestBrowserDraftShareClientSignOffTrackAndCompare(t *testing.T) {
	team := newBrowser(t, 3*time.Minute)
	f := newFixture(t, store.SQLite)
	browse(t, team, "desktop viewport", chromedp.EmulateViewport(1280, 800))

	navigate(t, team, "open Acme's plans", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d/plans", f.srv.URL, f.acme.ID)))
	checkPage(t, team, "account plans")
	browse(t, team, "fill the draft form", chromedp.SetValue(chromedp.ID("plan-title"), "Acme 2026 plan"), chromedp.SetValue(chromedp.ID("plan-years"), "2"))
	navigate(t, team, "draft the plan", chromedp.Click(chromedp.CSS(`.plan-draft button[type=submit]`)))
	if p := eval[string](t, team, `location.pathname`); !strings.HasSuffix(p, "/versions/1/edit") {
		t.Fatalf("after drafting the browser is at %s", p)
	}
	base := strings.TrimSuffix(eval[string](t, team, `location.pathname`), "/versions/1/edit")
	browse(t, team, "write the plan",
		chromedp.SendKeys(chromedp.ID("summary"), "Grow the platform footprint together."),
		chromedp.SendKeys(byName("objectives[0].title"), "Cut onboarding time"),
		chromedp.SendKeys(byName("initiatives[0].title"), "Onboarding pilot"),
		chromedp.SendKeys(byName("initiatives[0].our_owner"), "Ann Lee"),
		chromedp.SendKeys(byName("initiatives[0].their_owner"), "Carol Diaz"),
		chromedp.SetValue(byName("initiatives[0].status"), "on_track"),
		chromedp.SendKeys(byName("kpis[0].name"), "Onboarding days"),
		chromedp.SendKeys(byName("kpis[0].unit"), "days"),
		chromedp.SendKeys(byName("kpis[0].baseline"), "30"),
		chromedp.SendKeys(byName("kpis[0].target"), "10"),
		chromedp.SendKeys(byName("risks[0].risk"), "Budget freeze"),
		chromedp.SendKeys(byName("risks[0].mitigation"), "Phase the rollout"),
		chromedp.SendKeys(byName("resolution[0].who"), "Customer success"),
		chromedp.SendKeys(byName("resolution[0].what"), "Weekly issue review"),
	)
	navigate(t, team, "save", chromedp.Click(chromedp.CSS(`button[name=then][value=edit]`)))
	// A second risk, internal, now that a blank row is there for it.
	browse(t, team, "add an internal risk",
		chromedp.SendKeys(byName("risks[1].risk"), secretRow+" champion may leave"),
		chromedp.Click(byName("risks[1].internal")))
	checkPage(t, team, "plan editor")
	screenshot(t, team, "plans-editor-desktop")
	navigate(t, team, "save and view", chromedp.Click(chromedp.CSS(`button[name=then][value=view]`)))
	if body := eval[string](t, team, `document.body.innerText`); !strings.Contains(body, secretRow) || !strings.Contains(body, "Onboarding pilot") {
		t.Fatalf("the team's page lacks the plan: %.300s", body)
	}
	checkPage(t, team, "plan")

	navigate(t, team, "open sharing", chromedp.Click(chromedp.CSS(`.plan-tabs a[href$="/shares"]`)))
	browse(t, team, "name the link", chromedp.SendKeys(chromedp.ID("share-label"), "Carol Diaz"))
	navigate(t, team, "create the link", chromedp.Click(chromedp.CSS(`form[action$="/shares"] button[type=submit]`)))
	link := eval[string](t, team, `document.getElementById("share-link").textContent`)
	if !strings.Contains(link, "/shared/plans/sw_") {
		t.Fatalf("no link shown: %q", link)
	}
	checkPage(t, team, "sharing")
	screenshot(t, team, "plans-share-desktop")

	// The client: a separate browser with a fresh profile, never signed in.
	client := newBrowser(t, 2*time.Minute)
	browse(t, client, "desktop viewport", chromedp.EmulateViewport(1280, 800))
	navigate(t, client, "open the link", chromedp.Navigate(link))
	html := eval[string](t, client, `document.documentElement.outerHTML`)
	if strings.Contains(html, secretRow) || !strings.Contains(html, "Onboarding pilot") {
		t.Fatal("the client's page shows internal content, or not the plan")
	}
	if strings.Contains(html, "Sign out") || strings.Contains(html, "Ann Lee</span>") {
		t.Error("the client's page shows the team's menu")
	}
	checkPage(t, client, "client page")
	screenshot(t, client, "plans-client-desktop")
	browse(t, client, "open the KPI comment form", chromedp.Click(chromedp.CSS(`#sec-kpis summary`)),
		chromedp.SendKeys(chromedp.ID("c-kpis-author"), "Carol Diaz"),
		chromedp.SendKeys(chromedp.ID("c-kpis-body"), "Ten days is ambitious for our sites"),
		chromedp.SendKeys(chromedp.ID("c-kpis-proposal"), "Target 14 days"))
	navigate(t, client, "send the comment", chromedp.Click(chromedp.CSS(`#sec-kpis form button[type=submit]`)))
	if n := eval[string](t, client, `document.querySelector(".alert-info").innerText`); !strings.Contains(n, "comment was sent") {
		t.Errorf("after commenting: %q", n)
	}
	browse(t, client, "sign off", chromedp.SendKeys(chromedp.ID("sign-name"), "Carol Diaz"), chromedp.SendKeys(chromedp.ID("sign-role"), "VP Operations"))
	navigate(t, client, "submit the sign-off", chromedp.Click(chromedp.CSS(`#signoff button[type=submit]`)))
	if n := eval[string](t, client, `document.body.innerText`); !strings.Contains(n, "Signed off by Carol Diaz, VP Operations") {
		t.Errorf("after signing: %.300s", n)
	}
	browse(t, client, "phone viewport", chromedp.EmulateViewport(390, 844))
	navigate(t, client, "reload on a phone", chromedp.Reload())
	checkPage(t, client, "client page on a phone")
	screenshot(t, client, "plans-client-phone")

	// The team sees the feedback and the agreement.
	navigate(t, team, "open the plan", chromedp.Navigate(f.srv.URL+base))
	body := eval[string](t, team, `document.body.innerText`)
	for _, want := range []string{"Ten days is ambitious", "Target 14 days", "agreed by Carol Diaz", "Agreed"} {
		if !strings.Contains(body, want) {
			t.Errorf("the team's page lacks %q", want)
		}
	}
	screenshot(t, team, "plans-plan-desktop")
	navigate(t, team, "start tracking", chromedp.Click(chromedp.CSS(`form[action$="/move"] input[value=active] + button`)))

	// KPI progress.
	navigate(t, team, "open tracking", chromedp.Click(chromedp.CSS(`.plan-tabs a[href$="/track"]`)))
	browse(t, team, "record an actual", chromedp.SetValue(chromedp.ID("actual-on"), "2026-03-01"), chromedp.SendKeys(chromedp.ID("actual-value"), "24"))
	navigate(t, team, "submit the actual", chromedp.Click(chromedp.CSS(`.plan-actual-form button[type=submit]`)))
	browse(t, team, "record another", chromedp.SetValue(chromedp.ID("actual-on"), "2026-03-02"), chromedp.SendKeys(chromedp.ID("actual-value"), "21"))
	navigate(t, team, "submit it", chromedp.Click(chromedp.CSS(`.plan-actual-form button[type=submit]`)))
	if n := eval[int](t, team, `document.querySelectorAll("svg.plan-chart circle.plan-dot").length`); n != 2 {
		t.Errorf("the KPI chart has %d points, want 2", n)
	}
	checkPage(t, team, "tracking")
	screenshot(t, team, "plans-track-desktop")

	// Version 2, then the comparison.
	navigate(t, team, "back to the plan", chromedp.Click(chromedp.CSS(`.plan-tabs a[href="`+base+`"]`)))
	navigate(t, team, "draft version 2", chromedp.Click(chromedp.CSS(`form[action$="/revise"] button`)))
	browse(t, team, "answer the client", chromedp.SetValue(byName("kpis[0].target"), "14"), chromedp.SetValue(chromedp.ID("note"), "Target 14 days, as Carol proposed"))
	navigate(t, team, "save version 2", chromedp.Click(chromedp.CSS(`button[name=then][value=view]`)))
	navigate(t, team, "compare", chromedp.Navigate(f.srv.URL+base+"/compare?a=1&b=2"))
	if n := eval[string](t, team, `[...document.querySelectorAll(".plan-diff-new dd")].map(e => e.textContent).join(",")`); !strings.Contains(n, "14") {
		t.Errorf("highlighted changes: %q", n)
	}
	if n := eval[string](t, team, `[...document.querySelectorAll(".plan-diff-old dd")].map(e => e.textContent).join(",")`); !strings.Contains(n, "10") {
		t.Errorf("highlighted old values: %q", n)
	}
	checkPage(t, team, "compare")
	screenshot(t, team, "plans-compare-desktop")

	navigate(t, team, "the portfolio of plans", chromedp.Navigate(f.srv.URL+"/plans"))
	checkPage(t, team, "plans")
	screenshot(t, team, "plans-list-desktop")

	browse(t, team, "phone viewport", chromedp.EmulateViewport(390, 844))
	for _, p := range []struct{ path, name string }{
		{"/plans", "plans-list-phone"}, {base, "plans-plan-phone"}, {base + "/track", "plans-track-phone"},
		{base + "/compare?a=1&b=2", "plans-compare-phone"}, {base + "/versions/2/edit", "plans-editor-phone"},
	} {
		navigate(t, team, "open "+p.path, chromedp.Navigate(f.srv.URL+p.path))
		checkPage(t, team, p.name)
		screenshot(t, team, p.name)
	}
}
