package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/store"
)

// A manager schedules a review from the account page, sees it late on
// /reviews and /week, marks it held with the outcome and recommendations,
// sees the next one scheduled, and opens the Operations Review Report; on a
// desktop and on a phone.
func TestBrowserScheduleAReviewMarkItHeldAndReadTheReport(t *testing.T) {
	ctx := newBrowser(t, 90*time.Second)
	f := newFixture(t, store.SQLite)
	// A review held last year, so the list has every state.
	if err := f.db.CreateReview(context.Background(), f.sc, &cadence.Review{AccountID: f.initech.ID, Kind: cadence.AnnualReview,
		Status: cadence.ReviewHeld, ScheduledOn: day("2025-03-01"), HeldOn: day("2025-03-03"), Outcome: "Renewed"}); err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 800))
	navigate(t, ctx, "open Acme", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d#reviews", f.srv.URL, f.acme.ID)))
	checkPage(t, ctx, "account reviews section")
	// The link is there; following it by its address avoids clicking
	// through the sticky bar when the page is scrolled to the section.
	href := eval[string](t, ctx, `document.querySelector('#reviews a[href$="/reviews/new"]').getAttribute("href")`)
	navigate(t, ctx, "schedule a review", chromedp.Navigate(f.srv.URL+href))
	browse(t, ctx, "fill the review form",
		chromedp.SetValue(chromedp.ID("kind"), "qbr"),
		chromedp.SetValue(chromedp.ID("scheduled_on"), "2026-02-23"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=stakeholder_ids][value="%d"]`, f.carol.ID))),
		chromedp.SendKeys(chromedp.ID("agenda"), "Pilot results and the rollout plan"),
	)
	screenshot(t, ctx, "reviews-form-desktop")
	navigate(t, ctx, "submit", chromedp.Click(chromedp.CSS(`form button[type=submit].primary`)))
	checkPage(t, ctx, "review page")
	if got := eval[string](t, ctx, `document.querySelector("h1 .badge").textContent`); got != "Late" {
		t.Fatalf("state after scheduling in the past: %q", got)
	}
	screenshot(t, ctx, "reviews-review-desktop")
	navigate(t, ctx, "open /reviews late", chromedp.Navigate(f.srv.URL+"/reviews?state=late"))
	checkPage(t, ctx, "reviews list")
	if n := eval[int](t, ctx, `document.querySelectorAll("tbody tr.rv-row-late").length`); n != 1 {
		t.Fatalf("%d late rows", n)
	}
	screenshot(t, ctx, "reviews-list-desktop")
	navigate(t, ctx, "open my week", chromedp.Navigate(f.srv.URL+"/week#week-reviews"))
	navigate(t, ctx, "mark held from the week", chromedp.Click(chromedp.CSS(`#week-reviews a[href$="#mark-held"]`)))
	browse(t, ctx, "fill mark held",
		chromedp.SetValue(chromedp.CSS(`#mark-held input[name=held_on]`), "2026-02-27"),
		chromedp.SendKeys(chromedp.ID("held-outcome"), "Pilot accepted; rollout to two more plants"),
		chromedp.SendKeys(chromedp.ID("held-recommendations"), "Start the analytics pilot in Q3"),
	)
	navigate(t, ctx, "mark held", chromedp.Click(chromedp.CSS(`#mark-held button[type=submit]`)))
	if got := eval[string](t, ctx, `document.querySelector(".alert").textContent`); !strings.Contains(got, "next one is scheduled") {
		t.Errorf("notice %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector("h1 .badge").textContent`); got != "Held" {
		t.Errorf("state after marking held: %q", got)
	}
	navigate(t, ctx, "open the report", chromedp.Click(chromedp.CSS(`.page-head a[href$="/report"]`)))
	checkPage(t, ctx, "report")
	text := eval[string](t, ctx, `document.querySelector(".report").innerText`)
	for _, w := range []string{"Acme Corp", "Quarterly check-in", "Samwise Core", "Pilot accepted", "Start the analytics pilot in Q3"} {
		if !strings.Contains(text, w) {
			t.Errorf("report lacks %q", w)
		}
	}
	screenshot(t, ctx, "reviews-report-desktop")
	navigate(t, ctx, "account again", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d", f.srv.URL, f.acme.ID)))
	if n := eval[int](t, ctx, `document.querySelectorAll("#reviews tbody tr").length`); n != 2 {
		t.Errorf("%d reviews on the account page, want the held one and the next", n)
	}
	screenshot(t, ctx, "reviews-account-desktop")

	browse(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, p := range []struct{ name, path string }{
		{"reviews-list-phone", "/reviews?state=all"},
		{"reviews-report-phone", eval[string](t, ctx, `document.querySelector("#reviews a[href$='/report']").getAttribute("href")`)},
		{"reviews-week-phone", "/week"},
	} {
		navigate(t, ctx, "open "+p.path, chromedp.Navigate(f.srv.URL+p.path))
		checkPage(t, ctx, p.name)
		screenshot(t, ctx, p.name)
	}
}
