package auth

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

func TestRolesReadFromTheCommandLine(t *testing.T) {
	for in, want := range map[string]Role{"administrator": RoleAdministrator, "admin": RoleAdministrator, "Leader": RoleLeader,
		"account-manager": RoleAccountManager, "team_member": RoleTeamMember, " viewer ": RoleViewer} {
		if got, err := ParseRole(in); got != want || err != nil {
			t.Errorf("ParseRole(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseRole("root"); account.ErrorCode(err) != account.EINVALID || !strings.Contains(err.Error(), "administrator, leader") {
		t.Errorf("ParseRole(root) = %v", err)
	}
	if got, err := ParseTeamRole("Sales-Engineer"); got != TeamSalesEngineer || err != nil {
		t.Errorf("ParseTeamRole = %q, %v", got, err)
	}
	if _, err := ParseTeamRole("leader"); err == nil {
		t.Error("leader is a team role")
	}
}

func TestRolesHaveLabelsForPeople(t *testing.T) {
	for r, want := range map[Role]string{RoleLeader: "SAM leader", RoleAccountManager: "Account manager", RoleViewer: "Viewer"} {
		if got := r.Label(); got != want {
			t.Errorf("%s.Label() = %q", r, got)
		}
	}
	if got := TeamCustomerServiceManager.Label(); got != "Customer service manager" {
		t.Errorf("team label = %q", got)
	}
}

func TestAUserNeedsAnEmailANameAndARole(t *testing.T) {
	u := User{Email: " Ann@Example.COM ", Name: " Ann Lee ", Role: RoleViewer, PersonID: ptr(int64(0))}
	u.Normalize()
	if err := u.Validate(); err != nil {
		t.Fatal(err)
	}
	if u.Email != "ann@example.com" || u.Name != "Ann Lee" || u.PersonID != nil {
		t.Errorf("normalised = %+v", u)
	}
	bad := User{Email: "not an address", Role: "root"}
	err := bad.Validate()
	fields := map[string]bool{}
	for _, f := range account.ErrorFields(err) {
		fields[f.Field] = true
	}
	if !fields["email"] || !fields["name"] || !fields["role"] {
		t.Errorf("Validate = %v", err)
	}
}

func TestThePasswordHashNeverLeavesAsJSON(t *testing.T) {
	raw, _ := json.Marshal(User{Email: "ann@example.com", PasswordHash: "$argon2id$secret"})
	if strings.Contains(string(raw), "argon2id") || strings.Contains(string(raw), "password") {
		t.Errorf("JSON = %s", raw)
	}
}

func TestTokenScopesAndStatus(t *testing.T) {
	for in, want := range map[string]TokenScope{"read": ScopeRead, "read-write": ScopeReadWrite, "READ_WRITE": ScopeReadWrite} {
		if got, err := ParseTokenScope(in); got != want || err != nil {
			t.Errorf("ParseTokenScope(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseTokenScope("write"); err == nil {
		t.Error("write is a scope")
	}
	now := t0
	for _, c := range []struct {
		tok  Token
		want string
	}{
		{Token{}, "active"},
		{Token{ExpiresAt: now.Add(time.Millisecond)}, "active"},
		{Token{ExpiresAt: now}, "expired"},
		{Token{ExpiresAt: now.Add(time.Hour), RevokedAt: now.Add(-time.Hour)}, "revoked"},
	} {
		if got := c.tok.Status(now); got != c.want {
			t.Errorf("%+v: Status = %s, want %s", c.tok, got, c.want)
		}
	}
	tok := Token{UserID: 1, Scope: ScopeRead}
	tok.Normalize()
	if tok.Name != "API token" || tok.Validate() != nil {
		t.Errorf("token = %+v, %v", tok, tok.Validate())
	}
	if (&Token{UserID: 1, Scope: "admin"}).Validate() == nil {
		t.Error("scope admin accepted")
	}
}
