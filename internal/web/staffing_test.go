package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/staffing"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

// overloadAnn gives Ann (who owns Acme and Initech, 2 points untiered) a
// capacity of 1, so one of her accounts has to move.
func (f *fixture) overloadAnn() {
	f.t.Helper()
	if err := f.db.SetCapacity(context.Background(), f.sc, f.ann.ID, ptr(1)); err != nil {
		f.t.Fatal(err)
	}
}

func TestTheWorkloadBoardProposesAMoveAndAcceptingItFixesTheOverload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		f.overloadAnn()
		res := f.get("/workload")
		if res.status != http.StatusOK {
			t.Fatalf("status %d", res.status)
		}
		contains(t, res.body, `class="row-over" id="manager-`+id(f.ann.ID)+`"`, "Over by 1", "Proposed moves",
			`name="account_id" value="`+id(f.initech.ID)+`"`, // Initech: no revenue, so it moves rather than Acme
			`name="to_id" value="`+id(f.bob.ID)+`"`, "This is the best possible set.")
		lacks(t, res.body, `name="account_id" value="`+id(f.acme.ID)+`"`)

		move := url.Values{"account_id": {id(f.initech.ID)}, "from_id": {id(f.ann.ID)}, "to_id": {id(f.bob.ID)}}
		res = f.post("/workload/moves", move)
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/workload?moved=") {
			t.Fatalf("accept: %d %q", res.status, res.location)
		}
		a, _ := f.db.Account(context.Background(), f.sc, f.initech.ID)
		if a.OwnerID == nil || *a.OwnerID != f.bob.ID {
			t.Fatalf("Initech's owner is %v", a.OwnerID)
		}
		res = f.get(res.location)
		contains(t, res.body, "Accepted: Initech now belongs to Bob Stone.", "Every manager is within capacity")
		lacks(t, res.body, "row-over", "Accept<span")

		// The same proposal again is out of date.
		res = f.post("/workload/moves", move)
		if res.status != http.StatusConflict {
			t.Errorf("stale accept: %d", res.status)
		}
		contains(t, res.body, "out of date")
		entries, _, _ := f.db.Audit(context.Background(), f.sc, store.AuditFilter{AccountID: f.initech.ID, Entity: "account", Page: account.Page{Limit: 1}})
		if len(entries) != 1 || entries[0].Changes["owner_id"].New != float64(f.bob.ID) {
			t.Errorf("the move is not audited as an owner change: %+v", entries)
		}
	})
}

func TestAMoveOntoAManagerWithoutRoomIsRefused(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	if err := f.db.SetCapacity(ctx, f.sc, f.bob.ID, ptr(1)); err != nil { // Bob is full with Globex
		t.Fatal(err)
	}
	res := f.post("/workload/moves", url.Values{"account_id": {id(f.initech.ID)}, "from_id": {id(f.ann.ID)}, "to_id": {id(f.bob.ID)}})
	if res.status != http.StatusConflict {
		t.Fatalf("status %d", res.status)
	}
	contains(t, res.body, "no longer has room")
	if a, _ := f.db.Account(ctx, f.sc, f.initech.ID); *a.OwnerID != f.ann.ID {
		t.Error("the refused move was made")
	}
	res = f.post("/workload/moves", url.Values{"account_id": {id(f.initech.ID)}, "from_id": {id(f.ann.ID)}})
	if res.status != http.StatusUnprocessableEntity {
		t.Errorf("a move without a receiver: %d", res.status)
	}
}

func TestAccountsWithoutAnOwnerAreAssignedOrExempted(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	orphan := account.Account{Name: "Hooli", Lifecycle: account.Customer}
	stray := account.Account{Name: "Stray Co", Lifecycle: account.Prospect}
	for _, a := range []*account.Account{&orphan, &stray} {
		if err := f.db.CreateAccount(ctx, f.sc, a); err != nil {
			t.Fatal(err)
		}
	}
	res := f.get("/workload")
	contains(t, res.body, "Accounts without an owner", "Hooli", "Stray Co", `id="assign-`+id(orphan.ID)+`"`)

	res = f.post("/workload/moves", url.Values{"account_id": {id(orphan.ID)}, "from_id": {"0"}, "to_id": {id(f.bob.ID)}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", res.status, res.body)
	}
	if a, _ := f.db.Account(ctx, f.sc, orphan.ID); a.OwnerID == nil || *a.OwnerID != f.bob.ID {
		t.Errorf("Hooli's owner %v", a.OwnerID)
	}

	res = f.post("/workload/exempt", url.Values{"account_id": {id(stray.ID)}, "reason": {""}})
	if res.status != http.StatusUnprocessableEntity {
		t.Errorf("an exemption without a reason: %d", res.status)
	}
	contains(t, res.body, "say why")
	res = f.post("/workload/exempt", url.Values{"account_id": {id(stray.ID)}, "reason": {"Reseller's client"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("exempt: %d", res.status)
	}
	res = f.get("/workload")
	contains(t, res.body, "Exempt from needing an owner", "Reseller&#39;s client", "Every account that needs an owner has one.")
	res = f.post("/workload/exempt/remove", url.Values{"account_id": {id(stray.ID)}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("unexempt: %d", res.status)
	}
	contains(t, f.get("/workload").body, `id="assign-`+id(stray.ID)+`"`)
}

func TestTheStaffingPolicyFormShowsMistakesAndSaves(t *testing.T) {
	f := newFixture(t, store.SQLite)
	res := f.post("/workload/settings", url.Values{"points_a": {"five"}, "points_b": {"2"}, "points_c": {"1"},
		"default_capacity": {"-3"}, "exempt_below": {"10,000"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.status)
	}
	contains(t, res.body, "A points must be a whole number", `value="five"`)
	res = f.post("/workload/settings", url.Values{"points_a": {"8"}, "points_b": {"3"}, "points_c": {"1"},
		"default_capacity": {"-3"}, "exempt_below": {""}})
	contains(t, res.body, "Default capacity must be between 0 and")
	res = f.post("/workload/settings", url.Values{"points_a": {"8"}, "points_b": {"3"}, "points_c": {"1"},
		"default_capacity": {"25"}, "exempt_below": {"10,000"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.status, res.body)
	}
	s, _ := f.db.StaffingSettings(context.Background(), f.sc)
	if s != (staffing.Settings{Points: staffing.LoadPoints{A: 8, B: 3, C: 1}, DefaultCapacity: 25, ExemptBelow: 10_000_00}) {
		t.Errorf("saved %+v", s)
	}
	contains(t, f.get("/workload?done=policy").body, "The staffing policy is saved", "A 8 · B 3 · C 1")
}

func TestAPersonsPageShowsLoadAccountsAndGoalProgress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		res := f.get("/people/" + id(f.ann.ID))
		if res.status != http.StatusOK {
			t.Fatalf("status %d", res.status)
		}
		// The fixture's clock is 2 March 2026: Q1.
		contains(t, res.body, "Ann Lee", "2 of 40 points", "(the default capacity)", "Acme Corp", "Initech",
			"Goals · Q1 2026", "No goals are set for Q1 2026", `href="/people/`+id(f.ann.ID)+`?period=2025-Q4#goals"`)

		res = f.post("/people/"+id(f.ann.ID)+"/capacity", url.Values{"capacity": {"many"}})
		if res.status != http.StatusUnprocessableEntity {
			t.Errorf("bad capacity: %d", res.status)
		}
		contains(t, res.body, "Capacity must be a whole number")
		res = f.post("/people/"+id(f.ann.ID)+"/capacity", url.Values{"capacity": {"12"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("capacity: %d", res.status)
		}
		contains(t, f.get(res.location).body, "2 of 12 points", "The capacity is saved")

		res = f.post("/people/"+id(f.ann.ID)+"/goals", url.Values{"period": {"2026-Q1"}, "revenue": {"100000"}, "retention": {"150"}, "touches": {"10"}})
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad goals: %d", res.status)
		}
		contains(t, res.body, "Retention must be a percentage", `value="100000"`)
		res = f.post("/people/"+id(f.ann.ID)+"/goals", url.Values{"period": {"2026-Q1"}, "revenue": {"100000"}, "retention": {"95%"}, "touches": {"10"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("goals: %d %s", res.status, res.body)
		}
		res = f.get(res.location)
		// One touch Ann attended on 27 February; 61 of 90 days gone.
		contains(t, res.body, "The goals are saved", "Revenue uplift", "$0", "of $100K", "Communication", "of 10 touches",
			"Nothing due yet", "Behind")
		g, ok, _ := f.db.Goals(context.Background(), f.sc, f.ann.ID, "2026-Q1")
		if !ok || g.Revenue != 100_000_00 || g.Retention != 95 || g.Touches != 10 {
			t.Errorf("saved %+v", g)
		}
		if res := f.get("/people/" + id(f.ann.ID) + "?period=someday"); res.status != http.StatusNotFound {
			t.Errorf("a period that is not one: %d", res.status)
		}
	})
}

func TestTheAccountTeamIsManagedOnTheAccountPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		page := "/accounts/" + id(f.acme.ID)
		res := f.get(page)
		contains(t, res.body, `id="team"`, "Account team", "Executive partner", "Technical lead",
			"No one changes the client&#39;s configuration without the technical lead&#39;s notice.",
			`<a href="/people/`+id(f.ann.ID)+`">Ann Lee</a>`, "Owner", // the owner counts as the account manager
			"Account plan", `<span class="badge dl-missing">Missing</span>`)

		add := url.Values{"person_id": {id(f.bob.ID)}, "role": {"technical_lead"}, "as_needed": {"1"}}
		res = f.post(page+"/team", add)
		if res.status != http.StatusSeeOther || res.location != page+"?team=added#team" {
			t.Fatalf("add: %d %q", res.status, res.location)
		}
		res = f.post(page+"/team", add)
		if res.location != page+"?team_problem=duplicate#team" {
			t.Errorf("the same seat twice: %q", res.location)
		}
		contains(t, f.get(res.location).body, "That person already holds that role on this account.")
		res = f.get(page + "?team=added")
		contains(t, res.body, "Added to the team.", "As needed")

		res = f.post(page+"/team/remove", url.Values{"person_id": {id(f.bob.ID)}, "role": {"technical_lead"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("remove: %d", res.status)
		}
		if seats, _ := f.db.TeamSeats(context.Background(), f.sc, f.acme.ID); len(seats) != 0 {
			t.Errorf("seats left: %+v", seats)
		}
	})
}

func TestDeliverablesAreRecordedWithValidLinksAndStaleOnesListed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		form := "/accounts/" + id(f.acme.ID) + "/deliverables/account_manager"
		res := f.get(form)
		contains(t, res.body, "Account manager deliverable", `value="Account plan"`, `value="90"`, `value="2026-03-02"`)

		res = f.post(form, url.Values{"title": {"Account plan 2026"}, "link": {"javascript:alert(1)"}, "updated_on": {"2025-10-01"}, "refresh_days": {"90"}})
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad link: %d", res.status)
		}
		contains(t, res.body, "Link must be a web address", `value="Account plan 2026"`)
		res = f.post(form, url.Values{"title": {"Account plan 2026"}, "link": {"https://docs.example.com/acme"}, "owner_id": {id(f.ann.ID)},
			"updated_on": {"2026-04-01"}, "refresh_days": {"90"}})
		contains(t, res.body, "Last updated cannot be in the future")

		res = f.post(form, url.Values{"title": {"Account plan 2026"}, "link": {"https://docs.example.com/acme"}, "owner_id": {id(f.ann.ID)},
			"updated_on": {"2025-10-01"}, "refresh_days": {"90"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.status, res.body)
		}
		res = f.get(res.location)
		contains(t, res.body, "The deliverable is saved.", `<a href="https://docs.example.com/acme" rel="noopener noreferrer" target="_blank">Account plan 2026</a>`,
			"Updated 1 Oct 2025", "Due 30 Dec 2025", `<span class="badge dl-stale">Stale</span>`, "Owner: Ann Lee")

		res = f.get("/team")
		contains(t, res.body, "Team deliverables", "Acme Corp", "Account plan 2026", `<span class="badge dl-stale">Stale</span>`)
		res = f.get("/team?state=missing")
		lacks(t, res.body, "Account plan 2026")

		// "Save, updated today" brings it up to date.
		res = f.post(form, url.Values{"title": {"Account plan 2026"}, "link": {"https://docs.example.com/acme"}, "owner_id": {id(f.ann.ID)},
			"updated_on": {"2025-10-01"}, "refresh_days": {"90"}, "refreshed": {"1"}})
		if res.status != http.StatusSeeOther {
			t.Fatal(res.status)
		}
		contains(t, f.get(res.location).body, "Updated 2 Mar 2026", `<span class="badge dl-current">Current</span>`)
		contains(t, f.get("/team").body, "Nothing needs attention.")

		if res := f.get("/accounts/" + id(f.acme.ID) + "/deliverables/chef"); res.status != http.StatusNotFound {
			t.Errorf("an unknown role: %d", res.status)
		}
	})
}

// teamRoleGuard may write records but not edit account teams, and acts as
// one person: as a team member whose team role does not cover the team.
type teamRoleGuard struct {
	access.Unrestricted
}

func (g teamRoleGuard) CanEdit(_ context.Context, _ int64, part access.Part) error {
	if part == access.PartTeam {
		return account.Errorf(account.EFORBIDDEN, "You may read this account but not change its teams.")
	}
	return nil
}

func TestATeamMemberUpdatesTheDeliverableOfTheirOwnRoleOnly(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	if err := f.db.AddSeat(ctx, f.sc, &staffing.Seat{AccountID: f.acme.ID, PersonID: f.bob.ID, Role: auth.TeamSalesEngineer}); err != nil {
		t.Fatal(err)
	}
	g := f.serve(teamRoleGuard{access.Unrestricted{S: f.sc, Person: f.bob.ID}})
	base := "/accounts/" + id(f.acme.ID)
	res := g.get(base)
	contains(t, res.body, fmt.Sprintf(`href="%s/deliverables/sales_engineer"`, base))
	lacks(t, res.body, fmt.Sprintf(`href="%s/deliverables/technical_lead"`, base), `action="`+base+`/team"`)
	if res := g.get(base + "/deliverables/sales_engineer"); res.status != http.StatusOK {
		t.Errorf("own role's deliverable: %d", res.status)
	}
	if res := g.get(base + "/deliverables/technical_lead"); res.status != http.StatusForbidden {
		t.Errorf("another role's deliverable: %d", res.status)
	}
	if res := g.post(base+"/team", url.Values{"person_id": {id(f.bob.ID)}, "role": {"technical_lead"}}); res.status != http.StatusForbidden {
		t.Errorf("seating themselves: %d", res.status)
	}
	res = g.post(base+"/deliverables/sales_engineer", url.Values{"title": {"Diagram"}, "note": {"On the whiteboard"}, "updated_on": {"2026-03-01"}})
	if res.status != http.StatusSeeOther {
		t.Errorf("saving own deliverable: %d %s", res.status, res.body)
	}
}

// ownRowGuard lists only one person's accounts.
type ownRowGuard struct {
	access.Unrestricted
}

func (g ownRowGuard) VisibleTo(context.Context) int64 { return g.Person }

func (g ownRowGuard) Allow(_ context.Context, r access.Rule) error {
	if r == access.SetPolicy {
		return account.Errorf(account.EFORBIDDEN, "no")
	}
	return nil
}

func TestUnderNeedToKnowTheBoardShowsOnlyOnesOwnRow(t *testing.T) {
	f := newFixture(t, store.SQLite)
	f.overloadAnn()
	g := f.serve(ownRowGuard{access.Unrestricted{S: f.sc, Person: f.bob.ID}})
	res := g.get("/workload")
	contains(t, res.body, "you see your own workload only", "Bob Stone")
	lacks(t, res.body, "Ann Lee", "Proposed moves", "Accounts without an owner", "Save policy")
	res = g.get("/people/" + id(f.ann.ID))
	contains(t, res.body, "Need-to-know is on")
	lacks(t, res.body, "Acme Corp")
}

// TestTheWorkloadListsShowTheirFirstRowsAndAllOnRequest: a portfolio with
// more accounts without an owner than the page lists shows the first ones,
// the full count and a way to see every one.
func TestTheWorkloadListsShowTheirFirstRowsAndAllOnRequest(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	for i := range 105 {
		a := account.Account{Name: fmt.Sprintf("Orphan %03d", i), Lifecycle: account.Customer}
		if err := f.db.CreateAccount(ctx, f.sc, &a); err != nil {
			t.Fatal(err)
		}
	}
	body := f.get("/workload").body
	if n := strings.Count(body, `id="assign-`); n != 100 {
		t.Errorf("the page lists %d assign forms, want the first 100", n)
	}
	contains(t, body, `<span class="count">105</span>`, "Showing the first 100 of 105", `href="/workload?all=1#unassigned"`)
	all := f.get("/workload?all=1").body
	if n := strings.Count(all, `id="assign-`); n != 105 {
		t.Errorf("?all=1 lists %d assign forms, want 105", n)
	}
	if strings.Contains(all, "Showing the first") {
		t.Errorf("?all=1 still says it shows only the first rows")
	}
}
