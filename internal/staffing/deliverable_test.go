package staffing

import (
	"slices"
	"testing"

	"github.com/samwise-sam/samwise/internal/auth"
)

func TestEveryRoleHasADeliverableAndARefreshInterval(t *testing.T) {
	for _, r := range auth.TeamRoles {
		if DefaultTitle(r) == "" || DefaultRefreshDays(r) <= 0 {
			t.Errorf("%s: title %q, every %d days", r, DefaultTitle(r), DefaultRefreshDays(r))
		}
	}
	if RoleDuty(auth.TeamTechnicalLead) == "" {
		t.Error("the technical lead's change-control duty is not stated")
	}
}

func TestADeliverableTakesItsRolesDefaults(t *testing.T) {
	d := Deliverable{Role: auth.TeamSalesEngineer, Link: "  https://wiki.example.com/acme/diagram  ", OwnerID: new(int64)}
	d.Normalize()
	if d.Title != "Configuration diagram of the client's solution" || d.RefreshDays != 180 || d.OwnerID != nil ||
		d.Link != "https://wiki.example.com/acme/diagram" {
		t.Errorf("%+v", d)
	}
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
}

func TestDeliverableLinksMustBeWebAddresses(t *testing.T) {
	cases := []struct {
		link string
		ok   bool
	}{
		{"https://example.com/plan", true},
		{"http://intranet.local/x?y=1", true},
		{"", true}, // a note may stand in for a link
		{"javascript:alert(1)", false},
		{"file:///etc/passwd", false},
		{"ftp://example.com/x", false},
		{"example.com/plan", false},
		{"https://", false},
	}
	for _, tc := range cases {
		d := Deliverable{Role: auth.TeamAccountManager, Link: tc.link}
		d.Normalize()
		err := d.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%q: %v", tc.link, err)
		}
	}
	d := Deliverable{Role: "chef", Title: string(make([]rune, 201)), RefreshDays: -3, Note: string(make([]byte, 2001))}
	if got := accountFields(d.Validate()); !slices.Equal(got, []string{"role", "title", "note", "refresh_days"}) {
		t.Errorf("fields %v", got)
	}
}

func TestDeliverableStateFollowsItsRefreshDay(t *testing.T) {
	today := day("2026-03-02")
	base := Deliverable{Role: auth.TeamAccountManager, Link: "https://x.example", RefreshDays: 30}
	with := func(updated string, mod func(*Deliverable)) Deliverable {
		d := base
		if updated != "" {
			d.UpdatedOn = day(updated)
		}
		if mod != nil {
			mod(&d)
		}
		return d
	}
	cases := []struct {
		name string
		d    Deliverable
		want DeliverableState
	}{
		{"updated recently", with("2026-02-20", nil), Current},
		{"due in exactly 15 days", with("2026-02-15", nil), Current},
		{"due in 14 days", with("2026-02-14", nil), DueSoon},
		{"due today", with("2026-01-31", nil), DueSoon},
		{"one day past due", with("2026-01-30", nil), Stale},
		{"never updated", with("", nil), Missing},
		{"no link nor note", with("2026-02-20", func(d *Deliverable) { d.Link = "" }), Missing},
		{"a note instead of a link", with("2026-02-20", func(d *Deliverable) { d.Link, d.Note = "", "In the shared drive" }), Current},
	}
	for _, tc := range cases {
		if got := tc.d.State(today); got != tc.want {
			t.Errorf("%s: %s (due %s), want %s", tc.name, got, tc.d.DueOn(), tc.want)
		}
	}
}

func TestSlotsArrangeTheTeamByRoleWithTheOwnerAsAccountManager(t *testing.T) {
	today := day("2026-03-02")
	seats := []Seat{
		{PersonID: 1, Role: auth.TeamSalesEngineer},
		{PersonID: 1, Role: auth.TeamTechnicalLead}, // one person, two roles
		{PersonID: 2, Role: auth.TeamTechnicalLead}, // one role, two people
		{PersonID: 3, Role: auth.TeamProfessionalServices, AsNeeded: true},
	}
	ds := []Deliverable{{Role: auth.TeamTechnicalLead, Link: "https://ops.example", UpdatedOn: day("2025-01-01"), RefreshDays: 180}}
	slots := Slots(9, seats, ds, today)
	if len(slots) != len(auth.TeamRoles) {
		t.Fatalf("%d slots", len(slots))
	}
	by := map[auth.TeamRole]RoleSlot{}
	for _, s := range slots {
		by[s.Role] = s
	}
	cases := []struct {
		role   auth.TeamRole
		seats  int
		filled bool
		state  DeliverableState
	}{
		{auth.TeamExecutivePartner, 0, false, ""},
		{auth.TeamAccountManager, 0, true, Missing}, // the owner, with no account plan yet
		{auth.TeamSalesEngineer, 1, true, Missing},
		{auth.TeamProfessionalServices, 1, true, ""}, // only as needed: nothing expected
		{auth.TeamCustomerServiceManager, 0, false, ""},
		{auth.TeamTechnicalLead, 2, true, Stale},
	}
	for _, tc := range cases {
		s := by[tc.role]
		if len(s.Seats) != tc.seats || s.Filled() != tc.filled || s.State != tc.state {
			t.Errorf("%s: %d seats, filled %v, state %q; want %d %v %q", tc.role, len(s.Seats), s.Filled(), s.State, tc.seats, tc.filled, tc.state)
		}
	}
	if by[auth.TeamAccountManager].Owner != 9 {
		t.Error("the owner is not shown as the account manager")
	}
	seated := Slots(9, []Seat{{PersonID: 9, Role: auth.TeamAccountManager}}, nil, today)
	if seated[1].Owner != 0 || len(seated[1].Seats) != 1 {
		t.Errorf("an owner seated as account manager appears twice: %+v", seated[1])
	}
}

func TestTheRoleHoldersAndTheOwnerKeepADeliverable(t *testing.T) {
	owner := int64(7)
	seats := []Seat{{PersonID: 1, Role: auth.TeamSalesEngineer}, {PersonID: 2, Role: auth.TeamTechnicalLead, AsNeeded: true}}
	d := &Deliverable{Role: auth.TeamSalesEngineer, OwnerID: &owner}
	cases := []struct {
		name   string
		person int64
		role   auth.TeamRole
		d      *Deliverable
		want   bool
	}{
		{"the role's holder", 1, auth.TeamSalesEngineer, d, true},
		{"the deliverable's owner", 7, auth.TeamSalesEngineer, d, true},
		{"an as-needed holder", 2, auth.TeamTechnicalLead, nil, true},
		{"a holder of another role", 1, auth.TeamTechnicalLead, nil, false},
		{"nobody", 0, auth.TeamSalesEngineer, d, false},
	}
	for _, tc := range cases {
		if got := KeepsDeliverable(tc.person, tc.role, seats, tc.d); got != tc.want {
			t.Errorf("%s: %v", tc.name, got)
		}
	}
}
