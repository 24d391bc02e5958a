package demo

import (
	"context"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
)

// SeedHealth adds this feature's demo records (idempotent).
func SeedHealth(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	return nil
}
