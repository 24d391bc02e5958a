package demo

import (
	"context"
	"fmt"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
)

// Credential is a demo user's sign-in, printed when samwise serve --demo
// starts.
type Credential struct {
	Email    string
	Role     auth.Role
	Password string
}

// demoUsers has one user in every role. Users whose e-mail matches a demo
// person are linked to that person, so the account manager owns accounts and
// the team member sits on account teams.
var demoUsers = []struct {
	email, name string
	role        auth.Role
}{
	{"admin@example.com", "Alex Admin", auth.RoleAdministrator},
	{"sam.leader@example.com", "Sam Leader", auth.RoleLeader},
	{"ann.lee@example.com", "Ann Lee", auth.RoleAccountManager},
	{"omar.haddad@example.com", "Omar Haddad", auth.RoleTeamMember},
	{"viewer@example.com", "Val Viewer", auth.RoleViewer},
}

// EnsureUsers creates the demo users in the demo organisation, or gives the
// existing ones a new random password: no fixed demo password ever exists,
// and the ones returned are valid until the next start with --demo. It also
// seats the demo team member on the account teams of a few large accounts,
// once.
func EnsureUsers(ctx context.Context, db *store.DB, sc account.Scope) ([]Credential, error) {
	var out []Credential
	for _, du := range demoUsers {
		pw := auth.GeneratePassword()
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return nil, err
		}
		u, err := db.UserByEmail(ctx, du.email)
		switch {
		case err == nil && u.OrgID != sc.OrgID:
			return nil, fmt.Errorf("demo user %s belongs to another organisation; not touching it", du.email)
		case err == nil:
			if err := db.SetPassword(ctx, sc, u.ID, hash); err != nil {
				return nil, err
			}
		case account.ErrorCode(err) == account.ENOTFOUND:
			u = auth.User{Email: du.email, Name: du.name, Role: du.role, PasswordHash: hash}
			if err := db.CreateUser(ctx, sc, &u); err != nil {
				return nil, fmt.Errorf("demo user %s: %w", du.email, err)
			}
			if err := seatOnTeams(ctx, db, sc, u); err != nil {
				return nil, err
			}
		default:
			return nil, err
		}
		out = append(out, Credential{Email: du.email, Role: du.role, Password: pw})
	}
	return out, nil
}

// seatOnTeams puts a newly created team-member user on the teams of the ten
// largest customer accounts as sales engineer, so that role has accounts of
// its own to work on.
func seatOnTeams(ctx context.Context, db *store.DB, sc account.Scope, u auth.User) error {
	if u.Role != auth.RoleTeamMember || u.PersonID == nil {
		return nil
	}
	accts, _, err := db.Accounts(ctx, sc, account.AccountFilter{Lifecycle: account.Customer,
		Page: account.Page{Limit: 10, Sort: "-annual_revenue"}})
	if err != nil {
		return err
	}
	for _, a := range accts {
		m := auth.TeamMember{AccountID: a.ID, PersonID: *u.PersonID, Role: auth.TeamSalesEngineer}
		if err := db.AddTeamMember(ctx, sc, &m); err != nil && account.ErrorCode(err) != account.ECONFLICT {
			return err
		}
	}
	return nil
}
