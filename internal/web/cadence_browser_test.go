package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/store"
)

// A manager opens their week, sees who is overdue and over-contacted, logs a
// touch with one click and sees the state change; then the account's
// Cadence section and the adherence page, on a desktop and on a phone.
func TestBrowserMyWeekLogATouchAndSeeTheStateChange(t *testing.T) {
	ctx := newBrowser(t, 90*time.Second)
	f := newFixture(t, store.SQLite)
	bg := context.Background()
	// Carol met twice four days apart: over-contacted. An agreement and an
	// acceleration so the section shows both kinds of override.
	if err := f.db.CreateTouch(bg, f.sc, &account.Touch{AccountID: f.acme.ID, Kind: account.Call, OccurredAt: now.Add(-7 * 24 * time.Hour),
		StakeholderIDs: []int64{f.carol.ID}, Summary: "Catch-up"}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetAgreement(bg, f.sc, &cadence.Agreement{AccountID: f.acme.ID, StakeholderID: f.carol.ID, IntervalDays: 60,
		AgreedBy: f.carol.ID, AgreedOn: account.Date{Year: 2026, Month: 1, Day: 12}, Note: "Every two months, in person"}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.AddAcceleration(bg, f.sc, &cadence.Acceleration{AccountID: f.initech.ID, IntervalDays: 14,
		StartsOn: account.Date{Year: 2026, Month: 2, Day: 15}, EndsOn: account.Date{Year: 2026, Month: 4, Day: 30}, Initiative: "Migration go-live"}); err != nil {
		t.Fatal(err)
	}
	initechSH := account.Stakeholder{AccountID: f.initech.ID, Name: "Ines Park", Title: "CTO", Level: account.Executive, Active: true}
	if err := f.db.CreateStakeholder(bg, f.sc, &initechSH); err != nil {
		t.Fatal(err)
	}

	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 800))
	navigate(t, ctx, "open my week", chromedp.Navigate(f.srv.URL+"/week"))
	overdue := eval[[]string](t, ctx, `[...document.querySelectorAll("#overdue tbody .person-name")].map(e => e.textContent)`)
	if strings.Join(overdue, ",") != "Dan Ortiz,Ines Park" && strings.Join(overdue, ",") != "Ines Park,Dan Ortiz" {
		t.Fatalf("overdue on /week: %v", overdue)
	}
	if over := eval[string](t, ctx, `document.getElementById("over-contacted").innerText`); !strings.Contains(over, "Carol Diaz") {
		t.Errorf("over-contacted section: %q", over)
	}
	checkPage(t, ctx, "my week")
	screenshot(t, ctx, "cadence-week-desktop")

	navigate(t, ctx, "log a touch with Dan", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#week-%d button[type=submit]`, f.dan.ID))))
	if loc := eval[string](t, ctx, `location.pathname + location.hash`); loc != "/week#logged" {
		t.Fatalf("after the one-click log the browser is at %q", loc)
	}
	if n := eval[int](t, ctx, fmt.Sprintf(`document.querySelectorAll("#week-%d").length`, f.dan.ID)); n != 0 {
		t.Error("Dan is still listed as overdue after the touch")
	}
	navigate(t, ctx, "open Acme's cadence", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d#cadence", f.srv.URL, f.acme.ID)))
	if st := eval[string](t, ctx, fmt.Sprintf(`document.querySelector("#cadence-%d .cad-state").innerText`, f.dan.ID)); st != "On track" {
		t.Errorf("Dan's state on the account page is %q", st)
	}
	if st := eval[string](t, ctx, fmt.Sprintf(`document.querySelector("#cadence-%d").innerText`, f.carol.ID)); !strings.Contains(st, "Agreed") || !strings.Contains(st, "Over-contacted") {
		t.Errorf("Carol's row: %q", st)
	}
	browse(t, ctx, "unfold the cadence forms", chromedp.Click(chromedp.CSS("#agree summary")), chromedp.Click(chromedp.CSS("#accelerate summary")))
	checkPage(t, ctx, "account cadence section")
	browse(t, ctx, "scroll to the section", chromedp.Evaluate[chromedp.Void](`document.getElementById("cadence").scrollIntoView()`))
	sectionShot(t, ctx, "cadence-account-desktop")

	navigate(t, ctx, "open adherence", chromedp.Navigate(f.srv.URL+"/adherence?by=account"))
	// The fixture's stakeholders were all added this month: one point, and
	// the eleven months before are gaps, not 100%.
	if n := eval[int](t, ctx, `document.querySelectorAll("svg.trend circle").length`); n != 1 {
		t.Errorf("the trend has %d points, want 1", n)
	}
	if alt := eval[string](t, ctx, `document.querySelector("svg.trend title").textContent`); strings.Count(alt, "no stakeholders") != 11 {
		t.Errorf("the trend's text is %q", alt)
	}
	checkPage(t, ctx, "adherence")
	screenshot(t, ctx, "cadence-adherence-desktop")

	browse(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	navigate(t, ctx, "adherence on a phone", chromedp.Navigate(f.srv.URL+"/adherence"))
	checkPage(t, ctx, "adherence on a phone")
	screenshot(t, ctx, "cadence-adherence-phone")
	navigate(t, ctx, "my week on a phone", chromedp.Navigate(f.srv.URL+"/week"))
	checkPage(t, ctx, "my week on a phone")
	screenshot(t, ctx, "cadence-week-phone")
	navigate(t, ctx, "account on a phone", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d", f.srv.URL, f.acme.ID)))
	checkPage(t, ctx, "account cadence on a phone")
	sectionShot(t, ctx, "cadence-account-phone")
	navigate(t, ctx, "policy", chromedp.Navigate(f.srv.URL+"/cadence/policy"))
	checkPage(t, ctx, "policy on a phone")
	screenshot(t, ctx, "cadence-policy-phone")
}

// sectionShot saves just the Cadence section of the account page.
func sectionShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("cadence")))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	writeShot(t, name, buf)
}

func writeShot(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := cmpOr(os.Getenv(EnvScreenshots), "/tmp/shots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
