package staffing

import (
	"slices"
	"strings"
	"testing"
)

func TestLoadIsTheSumOfTierPointsAndUntieredCountsAsC(t *testing.T) {
	w := Compute(DefaultSettings, managers(10), []Account{acct(1, 1, A, 0), acct(2, 1, B, 0), acct(3, 1, C, 0), acct(4, 1, "", 0)})
	m, _ := w.Manager(1)
	if m.Load != 5+2+1+1 || m.Accounts != 4 {
		t.Errorf("load %d over %d accounts, want 9 over 4", m.Load, m.Accounts)
	}
	if m.Tiers != (TierCounts{A: 1, B: 1, C: 1, Untiered: 1}) {
		t.Errorf("tier counts %+v", m.Tiers)
	}
}

func TestEditedPointsChangeTheLoad(t *testing.T) {
	s := Settings{Points: LoadPoints{A: 8, B: 3, C: 0}, DefaultCapacity: 10}
	w := Compute(s, managers(10), []Account{acct(1, 1, A, 0), acct(2, 1, B, 0), acct(3, 1, C, 0)})
	if m, _ := w.Manager(1); m.Load != 11 || !m.Overloaded() {
		t.Errorf("load %d overloaded %v, want 11 over capacity 10", m.Load, m.Overloaded())
	}
}

func TestOverloadedMeansAboveCapacityNotAtIt(t *testing.T) {
	cases := []struct {
		name       string
		load, cap  int
		overloaded bool
		percent    int
	}{
		{"below", 3, 10, false, 30},
		{"at capacity is full, not over", 10, 10, false, 100},
		{"one point above", 11, 10, true, 110},
		{"no capacity and no load", 0, 0, false, 0},
		{"no capacity but some load", 1, 0, true, 999},
	}
	for _, tc := range cases {
		m := ManagerLoad{Manager: Manager{Capacity: tc.cap}, Load: tc.load}
		if m.Overloaded() != tc.overloaded || m.Percent() != tc.percent {
			t.Errorf("%s: overloaded %v percent %d, want %v %d", tc.name, m.Overloaded(), m.Percent(), tc.overloaded, tc.percent)
		}
	}
}

func TestTheBoardShowsTheMostLoadedFirst(t *testing.T) {
	w := Compute(DefaultSettings, managers(10, 4, 20), []Account{acct(1, 1, A, 0), acct(2, 2, A, 0), acct(3, 3, A, 0)})
	var order []int64
	for _, m := range w.Managers {
		order = append(order, m.ID)
	}
	if !slices.Equal(order, []int64{2, 1, 3}) { // 125%, 50%, 25%
		t.Errorf("order %v, want [2 1 3]", order)
	}
	if over := w.Overloaded(); len(over) != 1 || over[0].ID != 2 {
		t.Errorf("overloaded %v, want manager 2", over)
	}
}

func TestAnOwnerMissingFromTheManagersGetsTheDefaultCapacity(t *testing.T) {
	w := Compute(DefaultSettings, nil, []Account{acct(1, 9, A, 0)})
	m, ok := w.Manager(9)
	if !ok || m.Capacity != DefaultSettings.DefaultCapacity || m.Load != 5 {
		t.Errorf("manager 9: %+v %v", m, ok)
	}
}

func TestUnassignedAccountsNeedAnOwnerUnlessExempt(t *testing.T) {
	s := DefaultSettings
	s.ExemptBelow = 1000
	flagged := acct(3, 0, A, 5000)
	flagged.Exempt, flagged.ExemptReason = true, "Served by the partner desk"
	w := Compute(s, managers(10), []Account{
		acct(1, 0, C, 500),  // below the threshold: exempt by policy
		acct(2, 0, B, 2000), // needs an owner
		flagged,             // exempt by its flag
		acct(4, 0, A, 9000), // needs an owner, heavier
		acct(5, 1, C, 10),   // owned: neither list
	})
	var need, exempt []int64
	for _, a := range w.Unassigned {
		need = append(need, a.ID)
	}
	for _, a := range w.Exempt {
		exempt = append(exempt, a.ID)
	}
	if !slices.Equal(need, []int64{4, 2}) {
		t.Errorf("needing an owner: %v, want [4 2] (heaviest first)", need)
	}
	if !slices.Equal(exempt, []int64{3, 1}) {
		t.Errorf("exempt: %v, want [3 1]", exempt)
	}
	if w.Exempt[0].ExemptReason != "Served by the partner desk" || !strings.Contains(w.Exempt[1].ExemptReason, "threshold") {
		t.Errorf("reasons %q, %q", w.Exempt[0].ExemptReason, w.Exempt[1].ExemptReason)
	}
}

func TestSuggestPrefersARelationshipThenTheMostRoom(t *testing.T) {
	w := Compute(DefaultSettings, managers(10, 20, 5), []Account{acct(1, 1, C, 0), acct(2, 3, C, 0)})
	a := acct(9, 0, A, 0)
	cases := []struct {
		name    string
		related []int64
		want    int64
		ok      bool
	}{
		{"no relationship: the most spare capacity", nil, 2, true},
		{"a related manager with room", []int64{1}, 1, true},
		{"a related manager without room is passed over", []int64{3}, 2, true},
	}
	for _, tc := range cases {
		m, ok := w.Suggest(a, tc.related)
		if ok != tc.ok || m.ID != tc.want {
			t.Errorf("%s: suggested %d (%v), want %d", tc.name, m.ID, ok, tc.want)
		}
	}
	full := Compute(DefaultSettings, managers(1), nil)
	if _, ok := full.Suggest(a, nil); ok {
		t.Error("suggested a manager without room for an A account")
	}
}

func TestCheckMoveRefusesStaleProposals(t *testing.T) {
	w := Compute(DefaultSettings, managers(2, 10, 5), []Account{acct(1, 1, A, 0), acct(2, 3, C, 0)})
	a := acct(1, 1, A, 0)
	cases := []struct {
		name     string
		a        Account
		from, to int64
		want     string
	}{
		{"a current proposal", a, 1, 2, ""},
		{"the owner changed meanwhile", acct(1, 3, A, 0), 1, 2, "owner has changed"},
		{"the receiver has no room any more", a, 1, 3, "no longer has room"},
		{"the receiver is not a manager", a, 1, 7, "not on the workload board"},
		{"to the same owner", a, 1, 1, "already belongs"},
	}
	for _, tc := range cases {
		got := w.CheckMove(tc.a, tc.from, tc.to)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSettingsOutsideTheirRangesAreRefusedFieldByField(t *testing.T) {
	if err := DefaultSettings.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	bad := Settings{Points: LoadPoints{A: -1, B: 2, C: 101}, DefaultCapacity: MaxCapacity + 1, ExemptBelow: -5}
	err := bad.Validate()
	var fields []string
	for _, f := range accountFields(err) {
		fields = append(fields, f)
	}
	if !slices.Equal(fields, []string{"load_points.a", "load_points.c", "default_capacity", "exempt_below"}) {
		t.Errorf("fields %v", fields)
	}
	if ValidCapacity(-1) == nil || ValidCapacity(MaxCapacity+1) == nil || ValidCapacity(0) != nil {
		t.Error("capacity range not enforced")
	}
}
