package server

import (
	"context"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
)

// Guard applies the auth package's rules to the principal that the
// authenticate middleware put in the request's context, fetching from the
// store what the record-level rules need (owner, team, need-to-know).
type Guard struct{ DB *store.DB }

var _ access.Guard = Guard{}

func (g Guard) Scope(ctx context.Context) account.Scope { return auth.FromContext(ctx).Scope() }

func (g Guard) PersonID(ctx context.Context) int64 { return auth.FromContext(ctx).PersonID() }

// Allow checks a route's rule.
func (g Guard) Allow(ctx context.Context, rule access.Rule) error {
	p := auth.FromContext(ctx)
	switch {
	case rule == access.Public:
		return nil
	case !p.SignedIn():
		return account.Errorf(account.EUNAUTHORIZED, "Sign in first.")
	case rule == access.SignedIn:
		return nil
	case !p.Allowed(auth.Action(rule)):
		if p.ViaToken() && auth.Action(rule) == auth.WriteRecords {
			return account.Errorf(account.EFORBIDDEN, "This API token may only read.")
		}
		return account.Errorf(account.EFORBIDDEN, "Your role (%s) does not allow this.", p.Role().Label())
	}
	return nil
}

// CanReadAccount hides an account the principal may not read behind the same
// answer as a missing one, so need-to-know does not reveal what exists.
func (g Guard) CanReadAccount(ctx context.Context, accountID int64) error {
	_, err := g.readable(ctx, accountID)
	return err
}

func (g Guard) readable(ctx context.Context, accountID int64) (auth.AccountAccess, error) {
	p := auth.FromContext(ctx)
	if !p.SignedIn() {
		return auth.AccountAccess{}, account.Errorf(account.EUNAUTHORIZED, "Sign in first.")
	}
	a, err := g.DB.AccountAccess(ctx, p.Scope(), accountID)
	if err != nil {
		return a, err
	}
	if !auth.CanReadAccount(p, a) {
		return a, account.Errorf(account.ENOTFOUND, "Account %d not found.", accountID)
	}
	return a, nil
}

// CanEdit allows a change to part of an account when the role and the
// principal's place on the account allow it.
func (g Guard) CanEdit(ctx context.Context, accountID int64, part access.Part) error {
	a, err := g.readable(ctx, accountID)
	if err != nil {
		return err
	}
	p := auth.FromContext(ctx)
	if !auth.CanEditAccount(p, a, auth.Part(part)) {
		if p.ViaToken() && !p.Allowed(auth.WriteRecords) {
			return account.Errorf(account.EFORBIDDEN, "This API token may only read.")
		}
		return account.Errorf(account.EFORBIDDEN, "You may read this account but not change its %ss.", part)
	}
	return nil
}

func (g Guard) CanCreateAccount(ctx context.Context) error {
	p := auth.FromContext(ctx)
	if !p.SignedIn() {
		return account.Errorf(account.EUNAUTHORIZED, "Sign in first.")
	}
	if !p.Allowed(auth.CreateAccounts) {
		return account.Errorf(account.EFORBIDDEN, "Your role (%s) does not allow adding accounts.", p.Role().Label())
	}
	return nil
}

// VisibleTo returns the person whose accounts alone the principal may list,
// or 0 when the whole organisation is visible. A settings read error hides
// everything rather than everything showing.
func (g Guard) VisibleTo(ctx context.Context) int64 {
	p := auth.FromContext(ctx)
	s, err := g.DB.OrgSettings(ctx, p.Scope())
	if err != nil {
		s.NeedToKnow = true
	}
	return auth.VisiblePerson(p, s)
}
