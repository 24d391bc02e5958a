package access

import (
	"context"

	"github.com/samwise-sam/samwise/internal/account"
)

// Unrestricted lets everyone do everything inside one organisation. Adapter
// tests that are not about access use it; production wiring never does.
type Unrestricted struct {
	S      account.Scope
	Person int64
}

func (u Unrestricted) Scope(context.Context) account.Scope       { return u.S }
func (Unrestricted) Allow(context.Context, Rule) error           { return nil }
func (Unrestricted) CanReadAccount(context.Context, int64) error { return nil }
func (Unrestricted) CanEdit(context.Context, int64, Part) error  { return nil }
func (Unrestricted) VisibleTo(context.Context) int64             { return 0 }
func (Unrestricted) CanCreateAccount(context.Context) error      { return nil }
func (u Unrestricted) PersonID(context.Context) int64            { return u.Person }
