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
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/staffing"
	"github.com/samwise-sam/samwise/internal/store"
)

// elementShot saves a screenshot of one element (e.g. the team section).
func elementShot(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	dir := cmpOr(os.Getenv(EnvScreenshots), "/tmp/shots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// staffBrowserFixture overloads Ann: five accounts (Acme, Initech and three
// more) against a capacity of 2, with Bob and Cleo able to take them; and
// gives Acme a team with a stale account plan and a current diagram.
func staffBrowserFixture(t *testing.T) (*fixture, account.Person) {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t, store.SQLite)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	cleo := account.Person{Name: "Cleo Park", Email: "cleo@example.com", Title: "Sales engineer"}
	must(f.db.CreatePerson(ctx, f.sc, &cleo))
	for _, name := range []string{"Umbrella Health", "Vandelay Imports", "Wonka Foods"} {
		must(f.db.CreateAccount(ctx, f.sc, &account.Account{Name: name, Lifecycle: account.Customer, OwnerID: &f.ann.ID}))
	}
	must(f.db.SetCapacity(ctx, f.sc, f.ann.ID, ptr(2)))
	must(f.db.SetCapacity(ctx, f.sc, f.bob.ID, ptr(3)))
	must(f.db.SetCapacity(ctx, f.sc, cleo.ID, ptr(2)))
	must(f.db.AddSeat(ctx, f.sc, &staffing.Seat{AccountID: f.acme.ID, PersonID: cleo.ID, Role: auth.TeamSalesEngineer}))
	must(f.db.AddSeat(ctx, f.sc, &staffing.Seat{AccountID: f.acme.ID, PersonID: f.bob.ID, Role: auth.TeamTechnicalLead, AsNeeded: true}))
	must(f.db.SetDeliverable(ctx, f.sc, &staffing.Deliverable{AccountID: f.acme.ID, Role: auth.TeamAccountManager, Title: "Acme account plan 2026",
		Link: "https://docs.example.com/acme/plan", OwnerID: &f.ann.ID, UpdatedOn: account.Date{Year: 2025, Month: 9, Day: 1}}))
	must(f.db.SetDeliverable(ctx, f.sc, &staffing.Deliverable{AccountID: f.acme.ID, Role: auth.TeamSalesEngineer,
		Link: "https://docs.example.com/acme/diagram", OwnerID: &cleo.ID, UpdatedOn: account.Date{Year: 2026, Month: 2, Day: 10}}))
	hooli := account.Account{Name: "Hooli", Lifecycle: account.Customer}
	stray := account.Account{Name: "Stray Co", Lifecycle: account.Prospect}
	must(f.db.CreateAccount(ctx, f.sc, &hooli))
	must(f.db.CreateAccount(ctx, f.sc, &stray))
	must(f.db.SetExemption(ctx, f.sc, stray.ID, "Served by the partner desk"))
	must(f.db.SetGoals(ctx, f.sc, &staffing.Goals{PersonID: f.ann.ID, Period: "2026-Q1", Revenue: 100_000_00, Retention: 95, Touches: 2}))
	return f, cleo
}

func TestBrowserAcceptMovesUntilTheOverloadIsGoneThenSeeTheTeam(t *testing.T) {
	start := time.Now()
	ctx := newBrowser(t, 90*time.Second)
	f, _ := staffBrowserFixture(t)

	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 800))
	navigate(t, ctx, "open the workload board", chromedp.Navigate(f.srv.URL+"/workload"))
	if over := eval[[]string](t, ctx, `[...document.querySelectorAll("tr.row-over .cell-title a")].map(a => a.textContent)`); len(over) != 1 || over[0] != "Ann Lee" {
		t.Fatalf("overloaded rows %v, want Ann Lee", over)
	}
	moves := eval[int](t, ctx, `document.querySelectorAll("button.accept-move").length`)
	if moves != 3 {
		t.Errorf("%d proposed moves, want 3 (Ann carries 5 points against a capacity of 2)", moves)
	}
	checkPage(t, ctx, "workload board")
	screenshot(t, ctx, "workload-desktop")

	// Accept the proposals one at a time, as a leader would.
	for i := 0; eval[int](t, ctx, `document.querySelectorAll("button.accept-move").length`) > 0; i++ {
		if i > 5 {
			t.Fatal("the proposals never run out")
		}
		navigate(t, ctx, fmt.Sprintf("accept move %d", i+1), chromedp.Click(chromedp.CSS("button.accept-move")))
		if notice := eval[string](t, ctx, `(document.querySelector(".alert-info") || {}).innerText || ""`); !strings.HasPrefix(notice, "Accepted:") {
			t.Fatalf("after accepting move %d the page says %q", i+1, notice)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("tr.row-over").length`); n != 0 {
		t.Errorf("%d managers still over capacity", n)
	}
	body := eval[string](t, ctx, `document.body.innerText`)
	for _, want := range []string{"Every manager is within capacity", "2 / 2 points"} {
		if !strings.Contains(body, want) {
			t.Errorf("the settled board lacks %q", want)
		}
	}
	checkPage(t, ctx, "settled workload board")
	screenshot(t, ctx, "workload-settled-desktop")

	// The team and its deliverables on the account page.
	navigate(t, ctx, "open Acme", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d", f.srv.URL, f.acme.ID)))
	team := eval[string](t, ctx, `document.getElementById("team").innerText`)
	for _, want := range []string{"Acme account plan 2026", "Stale", "Configuration diagram of the client's solution", "Current",
		"Cleo Park", "Bob Stone", "As needed", "No one changes the client's configuration without the technical lead's notice."} {
		if !strings.Contains(team, want) {
			t.Errorf("the team section lacks %q:\n%s", want, team)
		}
	}
	checkPage(t, ctx, "account page with its team")
	browse(t, ctx, "scroll to the team", chromedp.ScrollIntoView(chromedp.CSS("#team")))
	elementShot(t, ctx, "#team", "account-team-desktop")

	// Record the technical lead's missing operating document through the form.
	navigate(t, ctx, "open the technical lead's deliverable", chromedp.Click(chromedp.CSS(`#role-technical_lead a[href$="/deliverables/technical_lead"]`)))
	browse(t, ctx, "fill in the deliverable",
		chromedp.SendKeys(chromedp.ID("link"), "https://docs.example.com/acme/runbook"),
	)
	navigate(t, ctx, "save it as updated today", chromedp.Click(chromedp.CSS(`button[name=refreshed]`)))
	if row := eval[string](t, ctx, `document.getElementById("role-technical_lead").innerText`); !strings.Contains(row, "Current") || !strings.Contains(row, "Updated 2 Mar 2026") {
		t.Errorf("the technical lead's row after saving: %q", row)
	}

	navigate(t, ctx, "open the team view", chromedp.Navigate(f.srv.URL+"/team"))
	if rows := eval[string](t, ctx, `document.querySelector("main").innerText`); !strings.Contains(rows, "Acme account plan 2026") {
		t.Errorf("the team view lacks the stale plan:\n%s", rows)
	}
	checkPage(t, ctx, "team view")
	screenshot(t, ctx, "team-desktop")

	// Phone width.
	browse(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	navigate(t, ctx, "open the board on a phone", chromedp.Navigate(f.srv.URL+"/workload"))
	checkPage(t, ctx, "workload board on a phone")
	screenshot(t, ctx, "workload-phone")
	navigate(t, ctx, "open Acme on a phone", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d", f.srv.URL, f.acme.ID)))
	checkPage(t, ctx, "account page on a phone")
	browse(t, ctx, "scroll to the team", chromedp.ScrollIntoView(chromedp.CSS("#team")))
	elementShot(t, ctx, "#team", "account-team-phone")
	navigate(t, ctx, "open Ann's page on a phone", chromedp.Navigate(fmt.Sprintf("%s/people/%d", f.srv.URL, f.ann.ID)))
	checkPage(t, ctx, "person page on a phone")
	screenshot(t, ctx, "person-phone")
	browse(t, ctx, "desktop viewport again", chromedp.EmulateViewport(1280, 800))
	navigate(t, ctx, "open Ann's page", chromedp.Navigate(fmt.Sprintf("%s/people/%d", f.srv.URL, f.ann.ID)))
	checkPage(t, ctx, "person page")
	screenshot(t, ctx, "person-desktop")

	t.Logf("browser flow took %v", time.Since(start).Round(time.Millisecond))
}
