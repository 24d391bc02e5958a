package auth

import "slices"

// Action is something a route does, checked before any record is read. The
// values match internal/access's Rule values where both name the same right,
// so an access.Rule converts with Action(rule).
type Action string

const (
	ReadRecords        Action = "read_records"      // see accounts and everything on them (subject to need-to-know)
	WriteRecords       Action = "write_records"     // change records at all (which ones: CanEditAccount)
	CreateAccounts     Action = "create_accounts"   // add an account to the portfolio
	ManagePeople       Action = "manage_people"     // add, change and remove our people
	SetPortfolioPolicy Action = "set_policy"        // score criteria, tiers, cadence policy
	ReadAudit          Action = "read_audit"        // the whole audit trail
	ManageUsers        Action = "manage_users"      // users, their roles, their tokens
	ManageSettings     Action = "manage_settings"   // organisation settings such as need-to-know
	ManageOwnTokens    Action = "manage_own_tokens" // create and revoke one's own API tokens
)

// Actions lists every action, in the order of the matrix in the package doc.
var Actions = []Action{ReadRecords, WriteRecords, CreateAccounts, ManagePeople, SetPortfolioPolicy,
	ReadAudit, ManageUsers, ManageSettings, ManageOwnTokens}

// readOnly are the actions a read-scoped token may take.
var readOnly = []Action{ReadRecords, ReadAudit}

// roleActions is the route-level matrix. An administrator holds every
// right of a SAM leader as well: the first user of a new installation is an
// administrator and must be able to set the portfolio up alone.
var roleActions = map[Role][]Action{
	RoleAdministrator:  Actions,
	RoleLeader:         {ReadRecords, WriteRecords, CreateAccounts, ManagePeople, SetPortfolioPolicy, ReadAudit, ManageOwnTokens},
	RoleAccountManager: {ReadRecords, WriteRecords, CreateAccounts, ManageOwnTokens},
	RoleTeamMember:     {ReadRecords, WriteRecords, ManageOwnTokens},
	RoleViewer:         {ReadRecords, ManageOwnTokens},
}

// Allowed reports whether the principal may take action a at all. Nobody
// and disabled users may do nothing; a read-scoped token only reads, whatever
// its user's role; and no token may manage tokens, so a leaked token cannot
// mint itself a successor.
func (p *Principal) Allowed(a Action) bool {
	if !p.SignedIn() || !slices.Contains(roleActions[p.User.Role], a) {
		return false
	}
	if p.Token == nil {
		return true
	}
	if a == ManageOwnTokens {
		return false
	}
	return p.Token.Scope == ScopeReadWrite || slices.Contains(readOnly, a)
}

// Part is what of an account an edit changes. Team members edit only the
// parts their account-team role covers. The values match internal/access's
// Part values, so an access.Part converts with Part(p).
type Part string

const (
	PartAccount     Part = "account"     // core data: name, domain, owner, lifecycle, hierarchy; deleting the account
	PartTeam        Part = "team"        // who sits on the account team
	PartStakeholder Part = "stakeholder" // the client's people, the relationship matrix, contact cadence
	PartTouch       Part = "touch"       // interactions: meetings, calls, check-ins, business reviews
	PartOpportunity Part = "opportunity" // the sales pipeline on the account
	PartContract    Part = "contract"    // contracts and renewals
	PartPlan        Part = "plan"        // profile, business vision, needs, the strategic account plan
	PartTechnology  Part = "technology"  // technology roadmap, configuration, whitespace
)

// Parts lists every part, in the order of the matrix in the package doc.
var Parts = []Part{PartAccount, PartTeam, PartStakeholder, PartTouch, PartOpportunity,
	PartContract, PartPlan, PartTechnology}

// teamCovers says which parts each account-team role edits, following each
// role's deliverable: everyone on the team logs touches; the executive
// partner owns the executive relationships and the vision in the plan; the
// sales engineer sells (opportunities) and draws the configuration
// (technology); professional services and the technical lead build and run
// the solution (technology); the customer service manager keeps the
// operational contacts and the contracts; the account manager, accountable
// for the whole account, edits everything.
var teamCovers = map[TeamRole][]Part{
	TeamExecutivePartner:       {PartStakeholder, PartTouch, PartPlan},
	TeamAccountManager:         Parts,
	TeamSalesEngineer:          {PartTouch, PartOpportunity, PartTechnology},
	TeamProfessionalServices:   {PartTouch, PartTechnology},
	TeamCustomerServiceManager: {PartStakeholder, PartTouch, PartContract},
	TeamTechnicalLead:          {PartTouch, PartTechnology},
}

// Covers reports whether a team role edits part.
func (r TeamRole) Covers(part Part) bool { return slices.Contains(teamCovers[r], part) }

// AccountAccess is what the record-level rules need to know about one
// account: who owns it, who is on its team, and whether its organisation
// restricts reading to the team.
type AccountAccess struct {
	AccountID  int64
	OwnerID    int64 // the accountable account manager's person id; 0 if none
	Team       []TeamMember
	NeedToKnow bool
}

// Involved reports whether the person owns the account or sits on its team.
func (a AccountAccess) Involved(personID int64) bool {
	if personID == 0 {
		return false
	}
	if a.OwnerID == personID {
		return true
	}
	return slices.ContainsFunc(a.Team, func(m TeamMember) bool { return m.PersonID == personID })
}

// covers reports whether the person may edit part as a team member: the
// owner counts as the team's account manager.
func (a AccountAccess) covers(personID int64, part Part) bool {
	if personID == 0 {
		return false
	}
	if a.OwnerID == personID {
		return true
	}
	return slices.ContainsFunc(a.Team, func(m TeamMember) bool { return m.PersonID == personID && m.Role.Covers(part) })
}

// ReadsEveryAccount reports whether the principal may read every account of
// its organisation, so lists need no per-account filter. When it is false,
// lists show only the accounts the principal's person is involved in (see
// CanReadAccount).
func ReadsEveryAccount(p *Principal, s OrgSettings) bool {
	if !p.Allowed(ReadRecords) {
		return false
	}
	switch p.Role() {
	case RoleAdministrator, RoleLeader:
		return true
	}
	return !s.NeedToKnow
}

// NoOne is the person id VisiblePerson returns when a list must show no
// account at all; no person has it.
const NoOne int64 = -1

// VisiblePerson turns ReadsEveryAccount into the value account lists filter
// on (account.Page.VisibleTo): 0 when the principal reads every account;
// otherwise the principal's person, whose owned and team accounts alone are
// listed; and NoOne for a principal who may not read records or is linked to
// no person — never 0, which would show everything.
func VisiblePerson(p *Principal, s OrgSettings) int64 {
	switch {
	case ReadsEveryAccount(p, s):
		return 0
	case !p.Allowed(ReadRecords) || p.PersonID() == 0:
		return NoOne
	}
	return p.PersonID()
}

// CanReadAccount reports whether the principal may read the account and
// everything on it. Without need-to-know everyone who may read records reads
// every account; with it, only administrators, SAM leaders and the people
// involved in the account do.
func CanReadAccount(p *Principal, a AccountAccess) bool {
	if ReadsEveryAccount(p, OrgSettings{NeedToKnow: a.NeedToKnow}) {
		return true
	}
	return p.Allowed(ReadRecords) && a.Involved(p.PersonID())
}

// CanEditAccount reports whether the principal may change part of the
// account. Administrators and SAM leaders edit everything; account managers
// edit every part of the accounts they own or are on the team of; team
// members edit the parts their team roles cover on their accounts (the owner
// counts as the account manager); viewers and read-only tokens edit nothing.
func CanEditAccount(p *Principal, a AccountAccess, part Part) bool {
	if !p.Allowed(WriteRecords) || !slices.Contains(Parts, part) {
		return false
	}
	switch p.Role() {
	case RoleAdministrator, RoleLeader:
		return true
	case RoleAccountManager:
		return a.Involved(p.PersonID())
	case RoleTeamMember:
		return a.covers(p.PersonID(), part)
	}
	return false
}
