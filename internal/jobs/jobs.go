// Package jobs runs samwise's background work inside `samwise serve`.
//
// Today that is the daily recompute of revenue and A-B-C tiers. The job is
// idempotent — a second run on the same day records no new tier changes —
// so several instances on one database may each run it: the work is done at
// least once a day, and running it twice costs only time. Work that must
// happen exactly once (e.g. sending mail) will need a lease in the database
// before it is added here.
package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
)

// TierRecompute recomputes each organisation's revenue and tiers when they
// were last recorded more than a day ago, checking every interval until ctx
// ends.
type TierRecompute struct {
	DB       *store.DB
	Log      *slog.Logger
	Interval time.Duration // how often to check; default 15 minutes
	Now      func() time.Time
}

// Run blocks until ctx is done.
func (j TierRecompute) Run(ctx context.Context) {
	if j.Interval <= 0 {
		j.Interval = 15 * time.Minute
	}
	if j.Now == nil {
		j.Now = time.Now
	}
	if j.Log == nil {
		j.Log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(j.Interval)
	defer t.Stop()
	for {
		j.Once(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Once recomputes every organisation whose tiers are a day old or were
// never recorded, and returns how many it recomputed.
func (j TierRecompute) Once(ctx context.Context) int {
	now := time.Now
	if j.Now != nil {
		now = j.Now
	}
	log := j.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	orgs, err := j.DB.Organisations(ctx)
	if err != nil {
		log.Error("tier recompute: list organisations", "err", err)
		return 0
	}
	done := 0
	for _, o := range orgs {
		sc := account.Scope{OrgID: o.ID, Actor: "nightly job"}
		_, at, err := j.DB.PortfolioPolicy(ctx, sc)
		if err != nil {
			log.Error("tier recompute: read policy", "org", o.Slug, "err", err)
			continue
		}
		if !at.IsZero() && now().Sub(at) < 24*time.Hour {
			continue
		}
		n, err := j.DB.RecomputeTiers(ctx, sc, "nightly")
		if err != nil {
			log.Error("tier recompute", "org", o.Slug, "err", err)
			continue
		}
		done++
		log.Info("tiers recomputed", "org", o.Slug, "changed", n)
	}
	return done
}
