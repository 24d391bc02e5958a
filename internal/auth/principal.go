package auth

import (
	"context"
	"fmt"

	"github.com/samwise-sam/samwise/internal/account"
)

// Principal is who is acting: a signed-in user, or a user's API token. The
// zero Principal (and a nil *Principal) is nobody, and may do nothing.
type Principal struct {
	User  *User  // nil: nobody is signed in
	Token *Token // non-nil when the request came with an API token
}

// SignedIn reports whether a user (enabled) is acting.
func (p *Principal) SignedIn() bool { return p != nil && p.User != nil && !p.User.Disabled }

// ViaToken reports whether the user acts through an API token.
func (p *Principal) ViaToken() bool { return p.SignedIn() && p.Token != nil }

// Role is the acting user's role, or "" for nobody.
func (p *Principal) Role() Role {
	if !p.SignedIn() {
		return ""
	}
	return p.User.Role
}

// PersonID is the person record the user is linked to, or 0.
func (p *Principal) PersonID() int64 {
	if !p.SignedIn() || p.User.PersonID == nil {
		return 0
	}
	return *p.User.PersonID
}

// Scope is what store calls made on the principal's behalf run in: the
// user's organisation, the user, and how the audit trail names them —
// "ann@example.com", or "token 12 (ann@example.com)" so that a script's
// changes can be told from its owner's.
func (p *Principal) Scope() account.Scope {
	if p == nil || p.User == nil {
		return account.Scope{Actor: "anonymous"}
	}
	sc := account.Scope{OrgID: p.User.OrgID, UserID: p.User.ID, Actor: p.User.Email}
	if p.Token != nil {
		sc.Actor = fmt.Sprintf("token %d (%s)", p.Token.ID, p.User.Email)
	}
	return sc
}

type ctxKey struct{}

// NewContext returns a context carrying p.
func NewContext(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the principal in ctx, or nil when there is none (which
// every rule treats as nobody).
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}
