package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/staffing"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// staffed is a small organisation for the staffing tests: Ann owns two
// active accounts and a former customer, Bob owns nothing but has a
// capacity, Cy neither; one account has no owner.
type staffed struct {
	db                 *store.DB
	sc                 account.Scope
	ann, bob, cy       *account.Person
	acme, globex, gone *account.Account
	orphan             *account.Account
	now                time.Time
}

func newStaffed(t *testing.T, d store.Dialect) *staffed {
	t.Helper()
	ctx := context.Background()
	db, sc := storetest.New(t, d)
	s := &staffed{db: db, sc: sc, now: time.Date(2026, 2, 15, 12, 0, 0, 0, time.UTC)}
	db.Now = func() time.Time { return s.now }
	s.ann = &account.Person{Name: "Ann", Email: "ann@example.com"}
	s.bob = &account.Person{Name: "Bob", Email: "bob@example.com"}
	s.cy = &account.Person{Name: "Cy", Email: "cy@example.com"}
	for _, p := range []*account.Person{s.ann, s.bob, s.cy} {
		must(t, db.CreatePerson(ctx, sc, p))
	}
	s.acme = &account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &s.ann.ID}
	s.globex = &account.Account{Name: "Globex", Lifecycle: account.Prospect, OwnerID: &s.ann.ID}
	s.gone = &account.Account{Name: "Gone", Lifecycle: account.FormerCustomer, OwnerID: &s.ann.ID}
	s.orphan = &account.Account{Name: "Orphan", Lifecycle: account.Customer}
	for _, a := range []*account.Account{s.acme, s.globex, s.gone, s.orphan} {
		must(t, db.CreateAccount(ctx, sc, a))
	}
	must(t, db.SetCapacity(ctx, sc, s.bob.ID, ptr(12)))
	return s
}

// onDay reads a "YYYY-MM-DD" day of a test case.
func onDay(s string) account.Date {
	d, err := account.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestStaffingSettingsDefaultThenSaveWithoutTouchingOtherSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		s, err := db.StaffingSettings(ctx, sc)
		must(t, err)
		if s != staffing.DefaultSettings {
			t.Fatalf("fresh organisation: %+v", s)
		}
		must(t, db.SetOrgSettings(ctx, sc, auth.OrgSettings{NeedToKnow: true}))
		want := staffing.Settings{Points: staffing.LoadPoints{A: 8, B: 3, C: 1}, DefaultCapacity: 30, ExemptBelow: 5_000_00}
		must(t, db.SetStaffingSettings(ctx, sc, want))
		if got, _ := db.StaffingSettings(ctx, sc); got != want {
			t.Errorf("saved %+v, read %+v", want, got)
		}
		if o, _ := db.OrgSettings(ctx, sc); !o.NeedToKnow {
			t.Error("saving the staffing policy lost need-to-know")
		}
		if err := db.SetStaffingSettings(ctx, sc, staffing.Settings{DefaultCapacity: -1}); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("negative capacity: %v", err)
		}
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{Entity: "staffing_settings"})
		must(t, err)
		if len(entries) != 1 || entries[0].Changes["default_capacity"].New != float64(30) {
			t.Errorf("audit %+v", entries)
		}
	})
}

func TestStaffingGathersManagersAccountsRevenueAndExemptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newStaffed(t, d)
		db, sc := s.db, s.sc
		for _, c := range []*account.Contract{
			{AccountID: s.acme.ID, Product: "Core", AnnualValue: 100_000_00, Start: onDay("2025-01-01"), Status: account.ContractActive},
			{AccountID: s.acme.ID, Product: "Ops", AnnualValue: 20_000_00, Start: onDay("2025-01-01"), Status: account.ContractActive},
			{AccountID: s.acme.ID, Product: "Old", AnnualValue: 99_000_00, Start: onDay("2023-01-01"), End: onDay("2024-01-01"), Status: account.ContractExpired},
		} {
			must(t, db.CreateContract(ctx, sc, c))
		}
		must(t, db.SetExemption(ctx, sc, s.orphan.ID, "  Served by the partner desk "))
		st, err := db.Staffing(ctx, sc)
		must(t, err)

		var mgrs []string
		for _, m := range st.Managers {
			mgrs = append(mgrs, m.Name)
			if m.Name == "Bob" && (!m.CapacitySet || m.Capacity != 12) {
				t.Errorf("Bob: %+v", m)
			}
			if m.Name == "Ann" && (m.CapacitySet || m.Capacity != staffing.DefaultSettings.DefaultCapacity) {
				t.Errorf("Ann: %+v", m)
			}
		}
		if !slices.Equal(mgrs, []string{"Ann", "Bob"}) {
			t.Errorf("managers %v, want Ann (owns accounts) and Bob (has a capacity)", mgrs)
		}
		byName := map[string]staffing.Account{}
		for _, a := range st.Accounts {
			byName[a.Name] = a
		}
		if _, ok := byName["Gone"]; ok {
			t.Error("a former customer carries load")
		}
		if a := byName["Acme"]; a.Revenue != 120_000_00 || a.OwnerID != s.ann.ID || a.Tier != "" {
			t.Errorf("Acme %+v: revenue is the active contracts' annual value", a)
		}
		if a := byName["Orphan"]; !a.Exempt || a.ExemptReason != "Served by the partner desk" || a.OwnerID != 0 {
			t.Errorf("Orphan %+v", a)
		}

		w, err := db.Workload(ctx, sc)
		must(t, err)
		if m, _ := w.Manager(s.ann.ID); m.Load != 2 || m.Accounts != 2 { // two untiered accounts count as C
			t.Errorf("Ann's load %+v", m)
		}
		// A tier (here set by hand) gives its points.
		must(t, db.OverrideTier(ctx, sc, s.acme.ID, portfolio.TierA, "Key account"))
		w, err = db.Workload(ctx, sc)
		must(t, err)
		if m, _ := w.Manager(s.ann.ID); m.Load != 5+1 || m.Tiers.A != 1 || m.Tiers.Untiered != 1 {
			t.Errorf("Ann's load with Acme in tier A: %+v", m)
		}
		if len(w.Unassigned) != 0 || len(w.Exempt) != 1 {
			t.Errorf("unassigned %v, exempt %v", w.Unassigned, w.Exempt)
		}
		must(t, db.ClearExemption(ctx, sc, s.orphan.ID))
		if err := db.ClearExemption(ctx, sc, s.orphan.ID); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("clearing twice: %v", err)
		}
		if err := db.SetExemption(ctx, sc, s.orphan.ID, " "); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("an exemption without a reason: %v", err)
		}
		w, _ = db.Workload(ctx, sc)
		if len(w.Unassigned) != 1 || w.Unassigned[0].ID != s.orphan.ID {
			t.Errorf("after clearing the exemption, unassigned %v", w.Unassigned)
		}

		// Capacity back to the default takes Bob off the board.
		must(t, db.SetCapacity(ctx, sc, s.bob.ID, nil))
		if w, _ := db.Workload(ctx, sc); len(w.Managers) != 1 {
			t.Errorf("managers %v", w.Managers)
		}
		if err := db.SetCapacity(ctx, sc, s.bob.ID, ptr(-1)); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("negative capacity: %v", err)
		}
		if err := db.SetCapacity(ctx, sc, 999999, ptr(1)); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("capacity of nobody: %v", err)
		}
	})
}

func TestRelationshipsAreTheTeamAndTouchesOfTheLastYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newStaffed(t, d)
		db, sc := s.db, s.sc
		must(t, db.AddTeamMember(ctx, sc, &auth.TeamMember{AccountID: s.acme.ID, PersonID: s.bob.ID, Role: auth.TeamSalesEngineer}))
		for _, tc := range []*account.Touch{
			{AccountID: s.acme.ID, Kind: account.Call, Summary: "recent", OccurredAt: s.now.AddDate(0, -6, 0), PeopleIDs: []int64{s.cy.ID, s.bob.ID}},
			{AccountID: s.globex.ID, Kind: account.Call, Summary: "old", OccurredAt: s.now.AddDate(-2, 0, 0), PeopleIDs: []int64{s.cy.ID}},
		} {
			must(t, db.CreateTouch(ctx, sc, tc))
		}
		rel, err := db.Relationships(ctx, sc, []int64{s.acme.ID, s.globex.ID, s.orphan.ID}, s.now.Add(-store.RelationshipWindow))
		must(t, err)
		if got := rel[s.acme.ID]; !slices.Equal(got, []int64{s.bob.ID, s.cy.ID}) {
			t.Errorf("Acme %v, want Bob (team, touch) once and Cy (touch)", got)
		}
		if got, ok := rel[s.globex.ID]; ok {
			t.Errorf("Globex %v: a touch two years ago is no strong relationship", got)
		}
	})
}

func TestMovingAnAccountIsAnAuditedOwnerChangeAndStaleMovesAreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newStaffed(t, d)
		db, sc := s.db, s.sc
		a, err := db.MoveAccount(ctx, sc, s.acme.ID, s.ann.ID, s.bob.ID)
		must(t, err)
		if a.OwnerID == nil || *a.OwnerID != s.bob.ID {
			t.Fatalf("moved %+v", a)
		}
		got, _ := db.Account(ctx, sc, s.acme.ID)
		if *got.OwnerID != s.bob.ID || got.Name != "Acme" || got.Lifecycle != account.Customer {
			t.Errorf("after the move %+v", got)
		}
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{AccountID: s.acme.ID, Entity: "account"})
		must(t, err)
		if len(entries) == 0 || entries[0].Action != "update" || len(entries[0].Changes) != 1 ||
			entries[0].Changes["owner_id"].New != float64(s.bob.ID) {
			t.Errorf("audit %+v", entries[0])
		}
		// The same proposal again: Ann no longer owns Acme.
		if _, err := db.MoveAccount(ctx, sc, s.acme.ID, s.ann.ID, s.cy.ID); account.ErrorCode(err) != account.ECONFLICT {
			t.Errorf("stale move: %v", err)
		}
		// Assigning an account without an owner.
		if _, err := db.MoveAccount(ctx, sc, s.orphan.ID, 0, s.cy.ID); err != nil {
			t.Error(err)
		}
		if _, err := db.MoveAccount(ctx, sc, s.globex.ID, s.ann.ID, 0); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("move to nobody: %v", err)
		}
		if _, err := db.MoveAccount(ctx, sc, s.globex.ID, s.ann.ID, 987654); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("move to a stranger: %v", err)
		}
	})
}

func TestGoalsAreSavedPerPeriodAndMeasuredFromTheRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newStaffed(t, d)
		db, sc := s.db, s.sc
		g := &staffing.Goals{PersonID: s.ann.ID, Period: "2026q1", Revenue: 50_000_00, Retention: 90, Touches: 12}
		must(t, db.SetGoals(ctx, sc, g))
		got, ok, err := db.Goals(ctx, sc, s.ann.ID, "2026-Q1")
		must(t, err)
		if !ok || got.Revenue != 50_000_00 || got.Retention != 90 || got.Touches != 12 || !got.UpdatedAt.Equal(s.now) {
			t.Errorf("goals %+v %v", got, ok)
		}
		g.Touches = 15
		must(t, db.SetGoals(ctx, sc, g))
		if _, ok, _ := db.Goals(ctx, sc, s.ann.ID, "2026-Q2"); ok {
			t.Error("goals of another period")
		}
		if err := db.SetGoals(ctx, sc, &staffing.Goals{PersonID: s.ann.ID, Period: "later"}); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("bad period: %v", err)
		}
		entries, _, _ := db.Audit(ctx, sc, store.AuditFilter{Entity: "goals"})
		if len(entries) != 2 || entries[0].Action != "update" || entries[1].Action != "create" {
			t.Errorf("audit %+v", entries)
		}

		for _, o := range []*account.Opportunity{
			{AccountID: s.acme.ID, Name: "won in Q1", Stage: account.Won, Amount: 30_000_00, ActualClose: onDay("2026-02-01")},
			{AccountID: s.globex.ID, Name: "won in Q1 too", Stage: account.Won, Amount: 5_000_00, ActualClose: onDay("2026-01-01")},
			{AccountID: s.acme.ID, Name: "won last year", Stage: account.Won, Amount: 70_000_00, ActualClose: onDay("2025-12-31")},
			{AccountID: s.acme.ID, Name: "lost", Stage: account.Lost, Amount: 70_000_00, ActualClose: onDay("2026-02-02")},
			{AccountID: s.orphan.ID, Name: "not hers", Stage: account.Won, Amount: 70_000_00, ActualClose: onDay("2026-02-02")},
		} {
			must(t, db.CreateOpportunity(ctx, sc, o))
		}
		for _, c := range []*account.Contract{
			{AccountID: s.acme.ID, Product: "Core", Start: onDay("2025-01-01"), End: onDay("2026-01-31"), AutoRenew: true, Status: account.ContractActive},
			{AccountID: s.globex.ID, Product: "Core", Start: onDay("2025-01-01"), End: onDay("2026-02-01"), Status: account.ContractExpired},
			{AccountID: s.globex.ID, Product: "Ops", Start: onDay("2025-04-01"), End: onDay("2026-03-31"), Status: account.ContractActive},
		} {
			must(t, db.CreateContract(ctx, sc, c))
		}
		for _, tc := range []*account.Touch{
			{AccountID: s.acme.ID, Kind: account.Call, Summary: "in", OccurredAt: time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC), PeopleIDs: []int64{s.ann.ID}},
			{AccountID: s.orphan.ID, Kind: account.Call, Summary: "any account counts", OccurredAt: s.now, PeopleIDs: []int64{s.ann.ID, s.bob.ID}},
			{AccountID: s.acme.ID, Kind: account.Call, Summary: "last year", OccurredAt: time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC), PeopleIDs: []int64{s.ann.ID}},
			{AccountID: s.acme.ID, Kind: account.Call, Summary: "without her", OccurredAt: s.now, PeopleIDs: []int64{s.bob.ID}},
		} {
			must(t, db.CreateTouch(ctx, sc, tc))
		}
		q, _ := staffing.ParsePeriod("2026-Q1")
		a, err := db.GoalActuals(ctx, sc, s.ann.ID, q, account.DateOf(s.now), time.UTC)
		must(t, err)
		want := staffing.Actuals{Revenue: 35_000_00, Due: 2, Renewed: 1, Upcoming: 1, Touches: 2}
		if a != want {
			t.Errorf("actuals %+v, want %+v", a, want)
		}
		// In a zone ahead of UTC the last-year touch at 23:00 UTC falls on 1 January.
		a, _ = db.GoalActuals(ctx, sc, s.ann.ID, q, account.DateOf(s.now), time.FixedZone("CET", 3600))
		if a.Touches != 3 {
			t.Errorf("touches in CET %d, want 3", a.Touches)
		}
	})
}

func TestTeamSeatsCarryAsNeededAndTheTeamCanBeReplacedWholesale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newStaffed(t, d)
		db, sc := s.db, s.sc
		se := &staffing.Seat{AccountID: s.acme.ID, PersonID: s.bob.ID, Role: auth.TeamSalesEngineer, AsNeeded: true}
		must(t, db.AddSeat(ctx, sc, se))
		if err := db.AddSeat(ctx, sc, &staffing.Seat{AccountID: s.acme.ID, PersonID: s.bob.ID, Role: auth.TeamSalesEngineer}); account.ErrorCode(err) != account.ECONFLICT {
			t.Errorf("the same seat twice: %v", err)
		}
		must(t, db.AddSeat(ctx, sc, &staffing.Seat{AccountID: s.acme.ID, PersonID: s.bob.ID, Role: auth.TeamTechnicalLead}))
		seats, err := db.TeamSeats(ctx, sc, s.acme.ID)
		must(t, err)
		if len(seats) != 2 || seats[0].Role != auth.TeamSalesEngineer || !seats[0].AsNeeded || seats[1].AsNeeded {
			t.Fatalf("seats %+v", seats)
		}
		// The access rules still see the team.
		if team, _ := db.AccountTeam(ctx, sc, s.acme.ID); len(team) != 2 {
			t.Errorf("AccountTeam %+v", team)
		}

		must(t, db.ReplaceTeam(ctx, sc, s.acme.ID, []staffing.Seat{
			{PersonID: s.bob.ID, Role: auth.TeamSalesEngineer}, // as needed no more
			{PersonID: s.cy.ID, Role: auth.TeamTechnicalLead},  // Bob's technical lead seat goes to Cy
			{PersonID: s.cy.ID, Role: auth.TeamExecutivePartner, AsNeeded: true},
		}))
		seats, _ = db.TeamSeats(ctx, sc, s.acme.ID)
		type seat struct {
			person   int64
			role     auth.TeamRole
			asNeeded bool
		}
		var got []seat
		for _, st := range seats {
			got = append(got, seat{st.PersonID, st.Role, st.AsNeeded})
		}
		want := []seat{{s.cy.ID, auth.TeamExecutivePartner, true}, {s.bob.ID, auth.TeamSalesEngineer, false}, {s.cy.ID, auth.TeamTechnicalLead, false}}
		if !slices.Equal(got, want) {
			t.Errorf("after replacing: %+v, want %+v", got, want)
		}
		entries, _, _ := db.Audit(ctx, sc, store.AuditFilter{AccountID: s.acme.ID, Entity: "team_member"})
		actions := map[string]int{}
		for _, e := range entries {
			actions[e.Action]++
		}
		if actions["create"] != 4 || actions["delete"] != 1 || actions["update"] != 1 {
			t.Errorf("audited %v", actions)
		}
		if err := db.ReplaceTeam(ctx, sc, s.acme.ID, []staffing.Seat{{PersonID: s.cy.ID, Role: auth.TeamTechnicalLead}, {PersonID: s.cy.ID, Role: auth.TeamTechnicalLead}}); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("a duplicate seat: %v", err)
		}
		if err := db.ReplaceTeam(ctx, sc, s.acme.ID, []staffing.Seat{{PersonID: 424242, Role: auth.TeamTechnicalLead}}); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("a stranger: %v", err)
		}
		if seats, _ := db.TeamSeats(ctx, sc, s.acme.ID); len(seats) != 3 {
			t.Errorf("a refused replacement changed the team: %+v", seats)
		}
	})
}

func TestDeliverablesAreKeptPerRoleAndTheStaleOnesListed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newStaffed(t, d)
		db, sc := s.db, s.sc
		today := account.DateOf(s.now)
		plan := &staffing.Deliverable{AccountID: s.acme.ID, Role: auth.TeamAccountManager, Link: "https://docs.example.com/acme-plan",
			OwnerID: &s.ann.ID, UpdatedOn: onDay("2025-10-01")} // 90 days → due 2025-12-30: stale
		must(t, db.SetDeliverable(ctx, sc, plan))
		diagram := &staffing.Deliverable{AccountID: s.acme.ID, Role: auth.TeamSalesEngineer, Note: "In the shared drive",
			OwnerID: &s.bob.ID, UpdatedOn: onDay("2026-02-01")}
		must(t, db.SetDeliverable(ctx, sc, diagram))
		ds, err := db.Deliverables(ctx, sc, s.acme.ID)
		must(t, err)
		if len(ds) != 2 || ds[0].Title != "Account plan" || ds[0].RefreshDays != 90 || *ds[0].OwnerID != s.ann.ID ||
			ds[0].State(today) != staffing.Stale || ds[1].State(today) != staffing.Current {
			t.Fatalf("deliverables %+v", ds)
		}
		bad := &staffing.Deliverable{AccountID: s.acme.ID, Role: auth.TeamTechnicalLead, Link: "javascript:alert(1)"}
		if err := db.SetDeliverable(ctx, sc, bad); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("a javascript link: %v", err)
		}

		// Refreshing the plan replaces it and is audited.
		plan.UpdatedOn = today
		must(t, db.SetDeliverable(ctx, sc, plan))
		entries, _, _ := db.Audit(ctx, sc, store.AuditFilter{AccountID: s.acme.ID, Entity: "deliverable"})
		if len(entries) != 3 || entries[0].Action != "update" || entries[0].Changes["updated_on"].New != today.String() {
			t.Errorf("audit %+v", entries)
		}
		plan.UpdatedOn = onDay("2025-10-01")
		must(t, db.SetDeliverable(ctx, sc, plan))

		// A technical lead seated on Globex with nothing recorded is missing;
		// an as-needed seat is not.
		must(t, db.AddSeat(ctx, sc, &staffing.Seat{AccountID: s.globex.ID, PersonID: s.cy.ID, Role: auth.TeamTechnicalLead}))
		must(t, db.AddSeat(ctx, sc, &staffing.Seat{AccountID: s.globex.ID, PersonID: s.cy.ID, Role: auth.TeamSalesEngineer, AsNeeded: true}))
		items, err := db.DeliverablesNeedingAttention(ctx, sc, today.AddDays(staffing.DueSoonDays), 0, 100)
		must(t, err)
		type row struct {
			account  string
			role     auth.TeamRole
			recorded bool
		}
		var got []row
		for _, it := range items {
			got = append(got, row{it.AccountName, it.Role, it.Recorded})
		}
		want := []row{{"Acme", auth.TeamAccountManager, true}, {"Globex", auth.TeamTechnicalLead, false}}
		if !slices.Equal(got, want) {
			t.Errorf("needing attention %+v, want %+v", got, want)
		}
		// Under need-to-know Cy sees only Globex, where Cy sits.
		items, _ = db.DeliverablesNeedingAttention(ctx, sc, today.AddDays(staffing.DueSoonDays), s.cy.ID, 100)
		if len(items) != 1 || items[0].AccountName != "Globex" {
			t.Errorf("Cy sees %+v", items)
		}

		// Deleting a deliverable's owner leaves it without one.
		must(t, db.DeletePerson(ctx, sc, s.bob.ID))
		ds, _ = db.Deliverables(ctx, sc, s.acme.ID)
		if ds[1].OwnerID != nil {
			t.Errorf("the diagram still names deleted Bob: %+v", ds[1])
		}
	})
}
