package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/store"
)

// portfolioBrowserFixture adds a dozen rated customers with revenue to the
// fixture, so the ranking and its charts have something to show; Acme is
// not rated yet.
func portfolioBrowserFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t, store.SQLite)
	cs, err := f.db.EnsureCriteria(ctx, f.sc, now.AddDate(0, -3, 0))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"Bluth Company", "Cyberdyne", "Dunder Mifflin", "Encom", "Gringotts", "Hooli", "Ingen",
		"Massive Dynamic", "Oscorp", "Pied Piper", "Soylent", "Tyrell"}
	for i, name := range names {
		a := &account.Account{Name: name, Lifecycle: account.Customer, OwnerID: &f.bob.ID}
		if err := f.db.CreateAccount(ctx, f.sc, a); err != nil {
			t.Fatal(err)
		}
		amount := int64(2_000_000_00 / (i + 1))
		if err := f.db.CreateOpportunity(ctx, f.sc, &account.Opportunity{AccountID: a.ID, Name: "Renewal", Stage: account.Won,
			Amount: amount, ActualClose: account.Date{Year: 2026, Month: 1, Day: 10 + i}}); err != nil {
			t.Fatal(err)
		}
		sub := portfolio.Submission{Reason: "Annual review"}
		for j, c := range cs {
			sub.Ratings = append(sub.Ratings, portfolio.CriterionRating{Key: c.Key, Value: 1 + (i+j)%4})
		}
		if _, err := f.db.RateAccount(ctx, f.sc, a.ID, sub); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.RecomputeTiers(ctx, f.sc, "fixture"); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestBrowserRateAnAccountSeeItMoveAndDesignateIt is the portfolio's "done
// when": in the browser, tier by score, rate an account, see its score and
// tier on the portfolio page and in its chart, designate it strategic.
func TestBrowserRateAnAccountSeeItMoveAndDesignateIt(t *testing.T) {
	start := time.Now()
	ctx := newBrowser(t, 90*time.Second)
	f := portfolioBrowserFixture(t)
	acme := fmt.Sprint(f.acme.ID)
	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 800))

	// The leader tiers by score.
	navigate(t, ctx, "open the criteria", chromedp.Navigate(f.srv.URL+"/portfolio/criteria"))
	checkPage(t, ctx, "criteria page")
	screenshot(t, ctx, "portfolio-criteria-desktop")
	navigate(t, ctx, "tier by score",
		chromedp.Click(chromedp.CSS(`input[name=method][value=score]`)),
		chromedp.Click(chromedp.CSS(`#policy form.card button[type=submit]`)))
	if got := eval[string](t, ctx, `document.querySelector(".alert-info") ? document.querySelector(".alert-info").innerText : ""`); !strings.Contains(got, "Tiering saved") {
		t.Errorf("after saving the policy the page says %q", got)
	}

	// Before: Acme is not scored, tier C, and not in the scatter.
	navigate(t, ctx, "open the portfolio", chromedp.Navigate(f.srv.URL+"/portfolio?q=acme"))
	row := eval[string](t, ctx, `document.getElementById("rank-`+acme+`").innerText`)
	if !strings.Contains(row, "not scored") {
		t.Errorf("Acme before rating: %q", row)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('svg.scatter circle[data-id="`+acme+`"]').length`); n != 0 {
		t.Errorf("an unscored account has %d dots in the scatter", n)
	}

	// Rate Acme through its page.
	navigate(t, ctx, "open Acme", chromedp.Click(chromedp.CSS(`#rank-`+acme+` td.cell-title a`)))
	navigate(t, ctx, "open the rating form", chromedp.Click(chromedp.CSS(`a[href="/accounts/`+acme+`/rating"]`)))
	checkPage(t, ctx, "rating form")
	var steps []chromedp.Action[chromedp.Void]
	for _, c := range portfolio.DefaultCriteria() {
		v := "5"
		if c.Key == "relationships" {
			v = "4"
		}
		steps = append(steps, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="rating-%s"][value="%s"]`, c.Key, v))))
	}
	steps = append(steps,
		chromedp.SendKeys(chromedp.ID("note-growth"), "Opening two plants next year"),
		chromedp.SendKeys(chromedp.ID("rating-reason"), "Quarterly business review with their COO"))
	browse(t, ctx, "fill in the rating", steps...)
	screenshot(t, ctx, "portfolio-rating-desktop")
	navigate(t, ctx, "save the rating", chromedp.Click(chromedp.CSS(`.rating-form button[type=submit]`)))
	standing := eval[string](t, ctx, `document.getElementById("standing").innerText`)
	// Five fives and a four: 100 × 23/24 = 95.8, tier A by score.
	for _, want := range []string{"95.8", "Opening two plants next year"} {
		if !strings.Contains(standing, want) {
			t.Errorf("the account's standing %q lacks %q", standing, want)
		}
	}
	if tier := eval[string](t, ctx, `document.querySelector(".standing-tier .tier-badge").textContent`); tier != "A" {
		t.Errorf("Acme's tier after the rating is %q, want A", tier)
	}
	checkPage(t, ctx, "account page after rating")

	// After: on the portfolio page and in its chart.
	navigate(t, ctx, "back to the portfolio", chromedp.Navigate(f.srv.URL+"/portfolio?focus="+acme))
	row = eval[string](t, ctx, `document.getElementById("rank-`+acme+`").innerText`)
	if !strings.Contains(row, "95.8") || !strings.HasPrefix(strings.TrimSpace(row), "1") {
		t.Errorf("Acme's row after rating: %q, want rank 1 with 95.8", row)
	}
	if tier := eval[string](t, ctx, `document.querySelector("#rank-`+acme+` .tier-badge").textContent`); tier != "A" {
		t.Errorf("Acme's tier on the portfolio page is %q", tier)
	}
	dot := eval[string](t, ctx, `(document.querySelector('svg.scatter circle[data-id="`+acme+`"]') || {getAttribute(){return ""}}).getAttribute("class")`)
	if !strings.Contains(dot, "tier-a") || !strings.Contains(dot, "focus") {
		t.Errorf("Acme's dot in the scatter has class %q, want tier-a focus", dot)
	}
	if title := eval[string](t, ctx, `document.querySelector('svg.scatter circle[data-id="`+acme+`"] title').textContent`); !strings.Contains(title, "score 95.8") {
		t.Errorf("the dot's title is %q", title)
	}
	checkPage(t, ctx, "portfolio")
	screenshot(t, ctx, "portfolio-desktop")

	// Designate it from the ranking.
	navigate(t, ctx, "decide on Acme", chromedp.Click(chromedp.CSS(`#rank-`+acme+` .cell-actions a`)))
	browse(t, ctx, "fill in the designation",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("decide").open = true`),
		chromedp.Click(chromedp.ID("decision-designated")),
		chromedp.SendKeys(chromedp.ID("decision-reason"), "Highest score; a joint plan with their COO"))
	navigate(t, ctx, "save the decision", chromedp.Click(chromedp.CSS(`#decide button[type=submit]`)))
	if h1 := eval[string](t, ctx, `document.querySelector("h1").innerText`); !strings.Contains(h1, "Strategic") {
		t.Errorf("after designation the heading reads %q", h1)
	}
	navigate(t, ctx, "the portfolio shows the designation", chromedp.Navigate(f.srv.URL+"/portfolio?decision=designated"))
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll("td.cell-title a")].map(a => a.textContent)`); len(got) != 1 || got[0] != "Acme Corp" {
		t.Errorf("designated accounts: %v", got)
	}
	if cls := eval[string](t, ctx, `document.querySelector('svg.scatter circle[data-id="`+acme+`"]').getAttribute("class")`); !strings.Contains(cls, "strategic") {
		t.Errorf("the designated account's dot has class %q", cls)
	}
	navigate(t, ctx, "the strategic pipeline", chromedp.Navigate(f.srv.URL+"/portfolio/pipeline"))
	if got := eval[string](t, ctx, `document.querySelector(".stage-designated").innerText`); !strings.Contains(got, "Acme Corp") {
		t.Errorf("the designated column reads %q", got)
	}
	checkPage(t, ctx, "pipeline")
	screenshot(t, ctx, "portfolio-pipeline-desktop")
	navigate(t, ctx, "the account page", chromedp.Navigate(f.srv.URL+"/accounts/"+acme))
	screenshot(t, ctx, "portfolio-account-desktop")

	// Phone.
	browse(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, p := range []struct{ path, name string }{
		{"/portfolio", "portfolio-phone"},
		{"/portfolio/pipeline", "portfolio-pipeline-phone"},
		{"/accounts/" + acme + "/rating", "portfolio-rating-phone"},
		{"/accounts/" + acme, "portfolio-account-phone"},
		{"/portfolio/criteria", "portfolio-criteria-phone"},
	} {
		navigate(t, ctx, "open "+p.path+" on a phone", chromedp.Navigate(f.srv.URL+p.path))
		checkPage(t, ctx, p.path+" on a phone")
		screenshot(t, ctx, p.name)
	}
	t.Logf("portfolio browser flow took %v", time.Since(start).Round(time.Millisecond))
}
