package auth

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// user returns a principal with role r, linked to person 7.
func user(r Role) *Principal {
	return &Principal{User: &User{ID: 1, OrgID: 3, PersonID: ptr(int64(7)), Email: "ann@example.com", Role: r}}
}

func viaToken(p *Principal, s TokenScope) *Principal {
	p.Token = &Token{ID: 12, UserID: p.User.ID, Scope: s}
	return p
}

// The route-level matrix, written out independently of roleActions.
var wantActions = map[Role]map[Action]bool{
	RoleAdministrator: {ReadRecords: true, WriteRecords: true, CreateAccounts: true, ManagePeople: true, SetPortfolioPolicy: true,
		ReadAudit: true, ManageUsers: true, ManageSettings: true, ManageOwnTokens: true},
	RoleLeader: {ReadRecords: true, WriteRecords: true, CreateAccounts: true, ManagePeople: true, SetPortfolioPolicy: true,
		ReadAudit: true, ManageOwnTokens: true},
	RoleAccountManager: {ReadRecords: true, WriteRecords: true, CreateAccounts: true, ManageOwnTokens: true},
	RoleTeamMember:     {ReadRecords: true, WriteRecords: true, ManageOwnTokens: true},
	RoleViewer:         {ReadRecords: true, ManageOwnTokens: true},
}

func TestEveryRoleIsAllowedExactlyItsActions(t *testing.T) {
	for _, r := range Roles {
		for _, a := range Actions {
			t.Run(fmt.Sprintf("%s/%s", r, a), func(t *testing.T) {
				want := wantActions[r][a]
				if got := user(r).Allowed(a); got != want {
					t.Errorf("session: Allowed = %v, want %v", got, want)
				}
				// A read-write token has the role's rights, except managing tokens.
				wantRW := want && a != ManageOwnTokens
				if got := viaToken(user(r), ScopeReadWrite).Allowed(a); got != wantRW {
					t.Errorf("read-write token: Allowed = %v, want %v", got, wantRW)
				}
				// A read token only reads, whatever the role.
				wantR := want && (a == ReadRecords || a == ReadAudit)
				if got := viaToken(user(r), ScopeRead).Allowed(a); got != wantR {
					t.Errorf("read token: Allowed = %v, want %v", got, wantR)
				}
			})
		}
	}
}

func TestNobodyAndDisabledUsersMayDoNothing(t *testing.T) {
	disabled := user(RoleAdministrator)
	disabled.User.Disabled = true
	unknownRole := user(Role("superuser"))
	for name, p := range map[string]*Principal{"nil": nil, "empty": {}, "disabled": disabled, "unknown role": unknownRole} {
		for _, a := range Actions {
			if p.Allowed(a) {
				t.Errorf("%s principal allowed %s", name, a)
			}
		}
		acc := AccountAccess{AccountID: 1, OwnerID: 7}
		if CanReadAccount(p, acc) || CanEditAccount(p, acc, PartTouch) {
			t.Errorf("%s principal reads or edits an account", name)
		}
	}
}

// accounts in the record-level tests: person 7 (the principal) owns one,
// sits on the team of another in a given role, and is an outsider to a third.
func owned(ntk bool) AccountAccess {
	return AccountAccess{AccountID: 1, OwnerID: 7, Team: []TeamMember{{AccountID: 1, PersonID: 8, Role: TeamSalesEngineer}}, NeedToKnow: ntk}
}

func onTeam(ntk bool, roles ...TeamRole) AccountAccess {
	a := AccountAccess{AccountID: 2, OwnerID: 9, NeedToKnow: ntk}
	for _, r := range roles {
		a.Team = append(a.Team, TeamMember{AccountID: 2, PersonID: 7, Role: r})
	}
	a.Team = append(a.Team, TeamMember{AccountID: 2, PersonID: 9, Role: TeamAccountManager})
	return a
}

func outsider(ntk bool) AccountAccess {
	return AccountAccess{AccountID: 3, OwnerID: 9, Team: []TeamMember{{AccountID: 3, PersonID: 8, Role: TeamTechnicalLead}}, NeedToKnow: ntk}
}

func TestReadingAnAccountFollowsRoleInvolvementAndNeedToKnow(t *testing.T) {
	type relation struct {
		name string
		acc  func(bool) AccountAccess
	}
	relations := []relation{{"owner", owned}, {"team", func(n bool) AccountAccess { return onTeam(n, TeamTechnicalLead) }}, {"outsider", outsider}}
	for _, r := range Roles {
		for _, rel := range relations {
			for _, ntk := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/need_to_know=%v", r, rel.name, ntk), func(t *testing.T) {
					// Everyone reads everything, unless need-to-know hides
					// accounts a non-leader is not involved in.
					want := !ntk || r == RoleAdministrator || r == RoleLeader || rel.name != "outsider"
					for _, p := range []*Principal{user(r), viaToken(user(r), ScopeRead), viaToken(user(r), ScopeReadWrite)} {
						if got := CanReadAccount(p, rel.acc(ntk)); got != want {
							t.Errorf("token=%v: CanReadAccount = %v, want %v", p.Token != nil, got, want)
						}
					}
				})
			}
		}
	}
}

func TestUsersWithoutAPersonAreInvolvedInNoAccount(t *testing.T) {
	p := user(RoleAccountManager)
	p.User.PersonID = nil
	if CanReadAccount(p, owned(true)) {
		t.Error("unlinked account manager reads a need-to-know account")
	}
	if !CanReadAccount(p, owned(false)) {
		t.Error("unlinked account manager cannot read an open account")
	}
	if CanEditAccount(p, AccountAccess{AccountID: 1}, PartTouch) {
		t.Error("unlinked account manager edits an ownerless account")
	}
}

func TestEditingByRoleAndInvolvement(t *testing.T) {
	for _, r := range Roles {
		for _, part := range Parts {
			for _, ntk := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/need_to_know=%v", r, part, ntk), func(t *testing.T) {
					leads := r == RoleAdministrator || r == RoleLeader
					cases := []struct {
						name string
						acc  AccountAccess
						want bool
					}{
						// The owner counts as the account manager: every part.
						{"owner", owned(ntk), leads || r == RoleAccountManager || r == RoleTeamMember},
						{"outsider", outsider(ntk), leads},
						// On the team as technical lead: account managers edit
						// all, team members what a technical lead covers.
						{"technical lead", onTeam(ntk, TeamTechnicalLead), leads || r == RoleAccountManager ||
							r == RoleTeamMember && (part == PartTouch || part == PartTechnology)},
					}
					for _, c := range cases {
						if got := CanEditAccount(user(r), c.acc, part); got != c.want {
							t.Errorf("%s: CanEditAccount = %v, want %v", c.name, got, c.want)
						}
						if got := CanEditAccount(viaToken(user(r), ScopeReadWrite), c.acc, part); got != c.want {
							t.Errorf("%s via read-write token: CanEditAccount = %v, want %v", c.name, got, c.want)
						}
						if CanEditAccount(viaToken(user(r), ScopeRead), c.acc, part) {
							t.Errorf("%s via read token: edits", c.name)
						}
					}
				})
			}
		}
	}
}

// The team-role matrix, written out independently of teamCovers.
var wantCovers = map[TeamRole][]Part{
	TeamExecutivePartner:       {PartStakeholder, PartTouch, PartPlan},
	TeamAccountManager:         {PartAccount, PartTeam, PartStakeholder, PartTouch, PartOpportunity, PartContract, PartPlan, PartTechnology},
	TeamSalesEngineer:          {PartTouch, PartOpportunity, PartTechnology},
	TeamProfessionalServices:   {PartTouch, PartTechnology},
	TeamCustomerServiceManager: {PartStakeholder, PartTouch, PartContract},
	TeamTechnicalLead:          {PartTouch, PartTechnology},
}

func TestTeamMembersEditWhatTheirTeamRoleCovers(t *testing.T) {
	for _, tr := range TeamRoles {
		for _, part := range Parts {
			t.Run(fmt.Sprintf("%s/%s", tr, part), func(t *testing.T) {
				want := false
				for _, p := range wantCovers[tr] {
					want = want || p == part
				}
				if got := CanEditAccount(user(RoleTeamMember), onTeam(false, tr), part); got != want {
					t.Errorf("CanEditAccount = %v, want %v", got, want)
				}
				// A viewer on the same team seat edits nothing.
				if CanEditAccount(user(RoleViewer), onTeam(false, tr), part) {
					t.Error("viewer edits")
				}
			})
		}
	}
}

func TestSeveralTeamRolesCoverTheirUnion(t *testing.T) {
	acc := onTeam(false, TeamSalesEngineer, TeamCustomerServiceManager)
	for part, want := range map[Part]bool{PartOpportunity: true, PartContract: true, PartStakeholder: true,
		PartTechnology: true, PartPlan: false, PartAccount: false, PartTeam: false} {
		if got := CanEditAccount(user(RoleTeamMember), acc, part); got != want {
			t.Errorf("%s: CanEditAccount = %v, want %v", part, got, want)
		}
	}
}

func TestAnUnknownPartIsNeverEditable(t *testing.T) {
	if CanEditAccount(user(RoleAdministrator), owned(false), Part("everything")) {
		t.Error("unknown part editable")
	}
}

func TestReadsEveryAccountDecidesWhetherListsNeedAFilter(t *testing.T) {
	for _, r := range Roles {
		for _, ntk := range []bool{false, true} {
			want := !ntk || r == RoleAdministrator || r == RoleLeader
			if got := ReadsEveryAccount(user(r), OrgSettings{NeedToKnow: ntk}); got != want {
				t.Errorf("%s need_to_know=%v: %v, want %v", r, ntk, got, want)
			}
		}
	}
	if ReadsEveryAccount(nil, OrgSettings{}) {
		t.Error("nobody reads every account")
	}
}

func TestVisiblePersonNeverOpensListsByMistake(t *testing.T) {
	unlinked := user(RoleAccountManager)
	unlinked.User.PersonID = nil
	cases := []struct {
		name string
		p    *Principal
		ntk  bool
		want int64
	}{
		{"leader under need-to-know sees all", user(RoleLeader), true, 0},
		{"account manager without need-to-know sees all", user(RoleAccountManager), false, 0},
		{"account manager under need-to-know sees their own", user(RoleAccountManager), true, 7},
		{"viewer under need-to-know sees their own", user(RoleViewer), true, 7},
		{"unlinked user under need-to-know sees none", unlinked, true, NoOne},
		{"nobody sees none", nil, false, NoOne},
	}
	for _, c := range cases {
		if got := VisiblePerson(c.p, OrgSettings{NeedToKnow: c.ntk}); got != c.want {
			t.Errorf("%s: VisiblePerson = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestScopeNamesTheUserOrTheirToken(t *testing.T) {
	p := user(RoleViewer)
	if sc := p.Scope(); sc.OrgID != 3 || sc.UserID != 1 || sc.Actor != "ann@example.com" {
		t.Errorf("session scope = %+v", sc)
	}
	if sc := viaToken(p, ScopeRead).Scope(); sc.Actor != "token 12 (ann@example.com)" || sc.UserID != 1 {
		t.Errorf("token scope = %+v", sc)
	}
	if sc := (*Principal)(nil).Scope(); sc.OrgID != 0 || sc.Actor != "anonymous" {
		t.Errorf("nobody's scope = %+v", sc)
	}
}

func TestThePrincipalTravelsInTheContext(t *testing.T) {
	ctx := context.Background()
	if FromContext(ctx) != nil {
		t.Error("empty context has a principal")
	}
	p := user(RoleLeader)
	if FromContext(NewContext(ctx, p)) != p {
		t.Error("principal lost")
	}
}

// TestThePackageDocMatchesTheRules keeps the matrices in doc.go (copied into
// the README) honest: each "yes" and "-" must agree with the code.
func TestThePackageDocMatchesTheRules(t *testing.T) {
	raw, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	row := func(label string) []string {
		for _, l := range lines {
			l = strings.TrimPrefix(strings.TrimPrefix(l, "//"), "\t")
			if rest, ok := strings.CutPrefix(l, label+" "); ok {
				return strings.Fields(rest)
			}
		}
		t.Fatalf("doc.go has no row %q", label)
		return nil
	}
	actionRows := map[Action]string{ReadRecords: "read records", WriteRecords: "write records", CreateAccounts: "create accounts",
		ManagePeople: "manage people", SetPortfolioPolicy: "set portfolio policy", ReadAudit: "read audit trail",
		ManageUsers: "manage users", ManageSettings: "manage settings", ManageOwnTokens: "manage own API tokens"}
	for _, a := range Actions {
		cells := row(actionRows[a])
		if len(cells) != len(Roles) {
			t.Fatalf("row %q has %d cells", actionRows[a], len(cells))
		}
		for i, r := range Roles {
			if got, want := cells[i] == "yes", user(r).Allowed(a); got != want {
				t.Errorf("doc says %s may %s: %v; code says %v", r, a, got, want)
			}
		}
	}
	partRows := map[Part]string{PartAccount: "account data", PartTeam: "team", PartStakeholder: "stakeholders",
		PartTouch: "touches", PartOpportunity: "opportunities", PartContract: "contracts", PartPlan: "plan", PartTechnology: "technology"}
	for _, part := range Parts {
		cells := row(partRows[part])
		if len(cells) != len(TeamRoles) {
			t.Fatalf("row %q has %d cells", partRows[part], len(cells))
		}
		for i, tr := range TeamRoles {
			if got, want := cells[i] == "yes", tr.Covers(part); got != want {
				t.Errorf("doc says %s covers %s: %v; code says %v", tr, part, got, want)
			}
		}
	}
}
