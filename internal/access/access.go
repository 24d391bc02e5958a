// Package access applies the access rules to requests: every route declares
// a Rule, and handlers ask a Guard before they read or change an account's
// records. The web and api adapters depend only on this package's types; the
// server wires a Guard that knows who is signed in.
//
// It must not import web, api or server.
package access

import (
	"context"

	"github.com/samwise-sam/samwise/internal/account"
)

// Rule is the route-level requirement a route declares beside its pattern.
type Rule string

const (
	Public       Rule = "public"        // anyone, signed in or not (health, sign-in page, share links)
	SignedIn     Rule = "signed_in"     // any signed-in user (sign-out, own profile)
	ReadRecords  Rule = "read_records"  // read account data (every role)
	WriteRecords Rule = "write_records" // change account data (not viewers, not read-only tokens)
	ManageUsers  Rule = "manage_users"  // administrators
	ManagePeople Rule = "manage_people" // add, change and remove our people (leaders, administrators)
	ReadAudit    Rule = "read_audit"    // administrators and SAM leaders
	SetPolicy    Rule = "set_policy"    // SAM leaders: portfolio policy, criteria, cadences
	// ManageSettings and ManageOwnTokens match auth's actions of the same
	// names: organisation settings (administrators), and one's own API
	// tokens (every role, but never through a token).
	ManageSettings  Rule = "manage_settings"
	ManageOwnTokens Rule = "manage_own_tokens"
)

// Part names what part of an account a write touches, so that a team member
// may edit what their account-team role covers and nothing else.
type Part string

const (
	PartAccount     Part = "account"     // the account's own fields
	PartTeam        Part = "team"        // who sits on the account team
	PartStakeholder Part = "stakeholder" // their people
	PartTouch       Part = "touch"       // interactions
	PartOpportunity Part = "opportunity"
	PartContract    Part = "contract"
)

// Guard answers, for the principal behind ctx, what they may see and do.
type Guard interface {
	Allower
	// Scope is the organisation and actor every store call of the request
	// runs as.
	Scope(ctx context.Context) account.Scope
	// CanReadAccount returns nil, or an ENOTFOUND error when the account is
	// hidden from the principal (need-to-know), so its existence is not
	// revealed.
	CanReadAccount(ctx context.Context, accountID int64) error
	// CanEdit returns nil, or an EFORBIDDEN error saying why not.
	CanEdit(ctx context.Context, accountID int64, part Part) error
	// VisibleTo returns the person whose accounts alone the principal may
	// list (need-to-know), or 0 when every account of the organisation is
	// visible.
	VisibleTo(ctx context.Context) int64
	// CanCreateAccount reports whether the principal may add accounts.
	CanCreateAccount(ctx context.Context) error
	// PersonID is the person record of the signed-in user (0 if none), e.g.
	// to preselect "our people present" when logging a touch.
	PersonID(ctx context.Context) int64
}

// Allower checks route-level rules. It is part of every Guard.
type Allower interface {
	// Allow returns nil, EUNAUTHORIZED when nobody is signed in and the rule
	// needs someone, or EFORBIDDEN when the principal's role lacks the rule.
	Allow(ctx context.Context, rule Rule) error
}
