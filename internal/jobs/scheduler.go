package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/samwise-sam/samwise/internal/store"
)

// Job is work a Scheduler runs once per period: the period is a key such as
// "2026-04-10" for daily work, and Period returns "" when the job is not
// due yet (e.g. before the hour it should run).
type Job struct {
	Name   string
	Period func(now time.Time) string
	// Lease is how long an instance may hold a run before another may take
	// it over as abandoned; default 10 minutes. It must exceed the run.
	Lease time.Duration
	Run   func(ctx context.Context, period string) error
}

// Daily is a Period for work due once a day from hour (0-23) in loc.
func Daily(hour int, loc *time.Location) func(time.Time) string {
	if loc == nil {
		loc = time.UTC
	}
	return func(now time.Time) string {
		t := now.In(loc)
		if t.Hour() < hour {
			return ""
		}
		return t.Format(time.DateOnly)
	}
}

// Scheduler runs jobs inside `samwise serve`, safely on several instances
// sharing one database: before running a job for a period an instance
// claims the (job, period) row in job_runs (store.ClaimJob); the instance
// that wins runs it, the others skip it. A run that fails is released for
// any instance to retry at the next tick; one whose instance dies is taken
// over once its lease runs out. A finished run is never repeated.
type Scheduler struct {
	DB       *store.DB
	Log      *slog.Logger
	Holder   string        // this instance's name in job_runs; default host:pid
	Interval time.Duration // how often to look for due work; default 1 minute
	Now      func() time.Time
	Jobs     []Job

	once sync.Once // fills the defaults, so that Tick is safe to call concurrently
}

func (s *Scheduler) defaults() { s.once.Do(s.fillDefaults) }

func (s *Scheduler) fillDefaults() {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Interval <= 0 {
		s.Interval = time.Minute
	}
	if s.Holder == "" {
		host, _ := os.Hostname()
		s.Holder = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
}

// Run ticks every Interval until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	s.defaults()
	t := time.NewTicker(s.Interval)
	defer t.Stop()
	for {
		s.Tick(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick runs every job that is due and not yet run for its period, and
// returns how many this instance ran.
func (s *Scheduler) Tick(ctx context.Context) int {
	s.defaults()
	ran := 0
	for _, j := range s.Jobs {
		if ctx.Err() != nil {
			return ran
		}
		period := j.Period(s.Now())
		if period == "" {
			continue
		}
		lease := j.Lease
		if lease <= 0 {
			lease = 10 * time.Minute
		}
		won, err := s.DB.ClaimJob(ctx, j.Name, period, s.Holder, lease)
		if err != nil {
			s.Log.Error("job claim", "job", j.Name, "period", period, "err", err)
			continue
		}
		if !won {
			continue
		}
		ran++
		start := time.Now()
		if err := j.Run(ctx, period); err != nil {
			s.Log.Error("job failed; released for a retry", "job", j.Name, "period", period, "err", err)
			if err := s.DB.ReleaseJob(context.WithoutCancel(ctx), j.Name, period, s.Holder); err != nil {
				s.Log.Error("job release", "job", j.Name, "err", err)
			}
			continue
		}
		if err := s.DB.FinishJob(context.WithoutCancel(ctx), j.Name, period, s.Holder); err != nil {
			s.Log.Error("job finish", "job", j.Name, "err", err)
			continue
		}
		s.Log.Info("job done", "job", j.Name, "period", period, "took", time.Since(start).Round(time.Millisecond))
	}
	return ran
}

// Hourly is a Period for work due once an hour.
func Hourly(now time.Time) string { return now.UTC().Format("2006-01-02T15") }

// Job is the tier recompute as a scheduled job, looked at hourly: Once
// itself recomputes only organisations whose tiers are a day old, so tiers
// stay at most a day (and an hour) old, and the claim saves the other
// instances the look.
func (j TierRecompute) Job() Job {
	return Job{Name: "tier-recompute", Period: Hourly, Lease: 30 * time.Minute,
		Run: func(ctx context.Context, _ string) error { j.Once(ctx); return nil }}
}
