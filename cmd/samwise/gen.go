package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/store"
)

type genCmd struct {
	Accounts int    `help:"How many accounts; the rest is proportional (per account about 5 stakeholders, 50 touches, 5 opportunities, 3 contracts)." required:""`
	Seed     uint64 `help:"Random seed: the same seed and size give the same data on the same day." default:"1"`
}

func (g *genCmd) Run(e *env) error {
	if g.Accounts < 1 || g.Accounts > demo.MaxAccounts {
		return fmt.Errorf("--accounts must be between 1 and %d (is %d)", demo.MaxAccounts, g.Accounts)
	}
	start := time.Now()
	// The day, not the instant: two runs on the same day write the same data.
	now := start.UTC().Truncate(24 * time.Hour)
	progress, finish := newProgress(e.stderr, g.Accounts)
	opts := demo.Options{Accounts: g.Accounts, Seed: g.Seed, Now: now, Progress: progress}
	var sum demo.Summary
	generate := func(db *store.DB) (err error) {
		sum, err = demo.Generate(e.ctx, db, opts)
		return err
	}
	var err error
	if store.NewSQLiteFile(e.dbURL) {
		// A new file is filled without a write-ahead log, under another
		// name, and put in place when complete: still all or nothing, and
		// each page is written once rather than twice (BENCHMARKS.md).
		err = store.CreateSQLite(e.ctx, e.dbURL, generate)
	} else {
		var db *store.DB
		if db, err = e.open(); err == nil {
			err = generate(db)
			db.Close()
		}
	}
	finish()
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	elapsed := time.Since(start)
	c := sum.Counts
	fmt.Fprintf(e.stdout, "Wrote organisation %q (%s, id %d) in %s:\n", sum.Org.Slug, sum.Org.Name, sum.Org.ID,
		elapsed.Round(time.Millisecond))
	for _, l := range []struct {
		what string
		n    int64
	}{{"people", c.People}, {"accounts", c.Accounts}, {"stakeholders", c.Stakeholders}, {"touches", c.Touches},
		{"touch people", c.TouchPeople}, {"touch stakeholders", c.TouchStakeholders},
		{"opportunities", c.Opportunities}, {"contracts", c.Contracts}} {
		fmt.Fprintf(e.stdout, "  %-20s %12d\n", l.what, l.n)
	}
	_, err = fmt.Fprintf(e.stdout, "  %-20s %12d  (%.0f rows/s)\n", "rows", c.Total(), float64(c.Total())/elapsed.Seconds())
	return err
}

// newProgress shows how far gen has got on w: a bar when w is a terminal, a
// line per tenth otherwise (so that logs of long runs show life). finish
// ends the display.
func newProgress(w io.Writer, total int) (update func(accounts int), finish func()) {
	const closing = "all accounts generated; building indexes and committing"
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription("accounts"),
			progressbar.OptionShowCount(), progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionSetWidth(30))
		return func(n int) {
				_ = bar.Set(n)
				if n == total {
					fmt.Fprintf(f, "\n%s…\n", closing)
				}
			}, func() {
				_ = bar.Exit()
			}
	}
	step := max(1, total/10)
	next := step
	return func(n int) {
		if n >= next || n == total {
			fmt.Fprintf(w, "gen: %d of %d accounts\n", n, total)
			next = (n/step + 1) * step
		}
		if n == total {
			fmt.Fprintf(w, "gen: %s\n", closing)
		}
	}, func() {}
}
