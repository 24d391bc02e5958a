package main

import (
	"fmt"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/server"
	"github.com/samwise-sam/samwise/internal/store"
)

// prepare readies the database for serving — the demo portfolio and its
// users when asked for — and returns the guard that applies the access rules
// to signed-in users.
func (s *serveCmd) prepare(e *env, db *store.DB, log *slog.Logger) (access.Guard, error) {
	if s.Demo {
		res, err := demo.Install(e.ctx, db, time.Now())
		if err != nil {
			return nil, fmt.Errorf("demo data: %w", err)
		}
		if res.Loaded {
			c := res.Counts
			fmt.Fprintf(e.stdout, "Loaded the demo portfolio: %d accounts, %d stakeholders, %d people, %d touches, %d opportunities, %d contracts.\n",
				c.Accounts, c.Stakeholders, c.People, c.Touches, c.Opportunities, c.Contracts)
		}
		if err := demo.Seed(e.ctx, db, res.Scope, time.Now()); err != nil {
			return nil, err
		}
		creds, err := demo.EnsureUsers(e.ctx, db, res.Scope)
		if err != nil {
			return nil, fmt.Errorf("demo users: %w", err)
		}
		fmt.Fprintln(e.stdout, "Demo sign-ins (new passwords at every start with --demo):")
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		for _, c := range creds {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Role.Label(), c.Email, c.Password)
		}
		tw.Flush()
	}
	n, err := db.CountUsers(e.ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		fmt.Fprintf(e.stdout, "No users yet: open http://%s/setup to create the first administrator, or run `samwise users create --admin --email you@example.com`.\n", s.Addr)
	}
	return server.Guard{DB: db}, nil
}
