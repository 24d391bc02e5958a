package auth

import (
	"slices"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
)

// Role is what a user may do in samwise. Every user has exactly one.
type Role string

const (
	RoleAdministrator  Role = "administrator"   // users and settings, and everything a SAM leader does
	RoleLeader         Role = "leader"          // the SAM leader: sees and edits everything, sets portfolio policy
	RoleAccountManager Role = "account_manager" // edits the accounts they own or are on the team of
	RoleTeamMember     Role = "team_member"     // edits what their account-team role covers on their accounts
	RoleViewer         Role = "viewer"          // reads only
)

// Roles lists every role, from the most to the least powerful.
var Roles = []Role{RoleAdministrator, RoleLeader, RoleAccountManager, RoleTeamMember, RoleViewer}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Label names the role for people.
func (r Role) Label() string {
	if r == RoleLeader {
		return "SAM leader"
	}
	return account.Label(r)
}

// ParseRole reads a role as typed on a command line or sent by a form:
// the stored value ("account_manager"), with dashes or in any case.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_"))
	if r == "admin" {
		r = RoleAdministrator
	}
	if !r.Valid() {
		return "", account.Invalid("role", "must be one of %s", joinValues(Roles))
	}
	return r, nil
}

// TeamRole is a seat on an enterprise account team. Each comes with a
// deliverable (see the package doc) and, for users with RoleTeamMember, with
// the parts of the account they may edit.
type TeamRole string

const (
	TeamExecutivePartner       TeamRole = "executive_partner"        // the company's vision, confidence
	TeamAccountManager         TeamRole = "account_manager"          // the account plan
	TeamSalesEngineer          TeamRole = "sales_engineer"           // the configuration diagram
	TeamProfessionalServices   TeamRole = "professional_services"    // the production solution
	TeamCustomerServiceManager TeamRole = "customer_service_manager" // the operations review report
	TeamTechnicalLead          TeamRole = "technical_lead"           // the operating document, change control
)

// TeamRoles lists every account-team role, in display order.
var TeamRoles = []TeamRole{TeamExecutivePartner, TeamAccountManager, TeamSalesEngineer,
	TeamProfessionalServices, TeamCustomerServiceManager, TeamTechnicalLead}

// Valid reports whether r is one of TeamRoles.
func (r TeamRole) Valid() bool { return slices.Contains(TeamRoles, r) }

// Label names the team role for people.
func (r TeamRole) Label() string { return account.Label(r) }

// ParseTeamRole reads a team role, accepting dashes and any case.
func ParseTeamRole(s string) (TeamRole, error) {
	r := TeamRole(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_"))
	if !r.Valid() {
		return "", account.Invalid("role", "must be one of %s", joinValues(TeamRoles))
	}
	return r, nil
}

func joinValues[T ~string](vs []T) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}
