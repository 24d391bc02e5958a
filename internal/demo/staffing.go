package demo

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/staffing"
	"github.com/samwise-sam/samwise/internal/store"
)

// demoTeams is how many of the largest customers get a staffed account team
// with deliverables.
const demoTeams = 12

// SeedStaffing gives the demo organisation its staffing: capacities that
// leave the busiest account manager over capacity (so the workload board
// has moves to propose) and everyone else with room, account teams on the
// largest customers with their deliverables — some current, some due soon,
// some stale, some missing — and goals for the current quarter for every
// account manager. It is idempotent: capacities are set only if nobody has
// one yet, teams only on accounts without deliverables, goals only where
// none are set. Call it after tiers are computed, since loads follow tiers.
func SeedStaffing(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	st, err := db.Staffing(ctx, sc)
	if err != nil {
		return fmt.Errorf("staffing: %w", err)
	}
	w := staffing.Compute(st.Settings, st.Managers, st.Accounts)
	if err := seedCapacities(ctx, db, sc, w); err != nil {
		return err
	}
	people, err := db.AllPeople(ctx, sc)
	if err != nil {
		return err
	}
	byName := map[string]int64{}
	for _, p := range people {
		byName[p.Name] = p.ID
	}
	if err := seedTeams(ctx, db, sc, st.Accounts, byName, account.DateOf(now)); err != nil {
		return err
	}
	return seedGoals(ctx, db, sc, w, staffing.QuarterOf(account.DateOf(now)))
}

// seedCapacities makes the most loaded manager carry a quarter more than
// their capacity and gives the others room: their load and half again, at
// least six points and at least the default.
func seedCapacities(ctx context.Context, db *store.DB, sc account.Scope, w staffing.Workload) error {
	if slices.ContainsFunc(w.Managers, func(m staffing.ManagerLoad) bool { return m.CapacitySet }) || len(w.Managers) == 0 {
		return nil
	}
	busiest := slices.MaxFunc(w.Managers, func(a, b staffing.ManagerLoad) int {
		return cmp.Or(cmp.Compare(a.Load, b.Load), cmp.Compare(b.ID, a.ID))
	})
	for _, m := range w.Managers {
		c := max(w.Settings.DefaultCapacity, m.Load+max(6, m.Load/2))
		if m.ID == busiest.ID {
			c = max(1, m.Load*4/5)
		}
		if err := db.SetCapacity(ctx, sc, m.ID, &c); err != nil {
			return fmt.Errorf("capacity of %s: %w", m.Name, err)
		}
	}
	return nil
}

// seedTeams staffs the largest customers' teams and records deliverables.
func seedTeams(ctx context.Context, db *store.DB, sc account.Scope, accounts []staffing.Account, byName map[string]int64, today account.Date) error {
	owned := slices.Clone(accounts)
	owned = slices.DeleteFunc(owned, func(a staffing.Account) bool { return a.OwnerID == 0 })
	slices.SortStableFunc(owned, func(a, b staffing.Account) int {
		return cmp.Or(cmp.Compare(b.Revenue, a.Revenue), cmp.Compare(a.ID, b.ID))
	})
	for i, a := range owned[:min(demoTeams, len(owned))] {
		have, err := db.Deliverables(ctx, sc, a.ID)
		if err != nil {
			return err
		}
		if len(have) > 0 {
			continue // seeded before
		}
		for _, s := range demoSeats(i) {
			id, ok := byName[s.name]
			if !ok {
				continue
			}
			seat := staffing.Seat{AccountID: a.ID, PersonID: id, Role: s.role, AsNeeded: s.asNeeded}
			if err := db.AddSeat(ctx, sc, &seat); err != nil && account.ErrorCode(err) != account.ECONFLICT {
				return fmt.Errorf("team of %s: %w", a.Name, err)
			}
		}
		for _, d := range demoDeliverables(i, a, byName, today) {
			if err := db.SetDeliverable(ctx, sc, &d); err != nil {
				return fmt.Errorf("deliverable of %s: %w", a.Name, err)
			}
		}
	}
	return nil
}

type demoSeat struct {
	name     string
	role     auth.TeamRole
	asNeeded bool
}

// demoSeats is who sits on the team of the i-th largest customer: one
// person may hold two roles, and some seats are held as needed.
func demoSeats(i int) []demoSeat {
	pick := func(names ...string) string { return names[i%len(names)] }
	return []demoSeat{
		{pick("Sam Leader", "Ann Lee", "Raj Patel"), auth.TeamExecutivePartner, false},
		{pick("Chloe Martin", "Omar Haddad"), auth.TeamSalesEngineer, false},
		{"Grace Kim", auth.TeamCustomerServiceManager, i%4 == 3},
		{pick("Omar Haddad", "Chloe Martin"), auth.TeamTechnicalLead, false},
		{pick("Kenji Sato", "Emma Wilson"), auth.TeamProfessionalServices, true},
	}
}

// demoDeliverables are the i-th team's deliverables. Their ages are spread
// so that, across the teams, every state shows: most current, some due
// within two weeks, some past their refresh day; every fifth team has no
// operating document yet (missing).
func demoDeliverables(i int, a staffing.Account, byName map[string]int64, today account.Date) []staffing.Deliverable {
	slug := strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, a.Name), "-")
	seats := demoSeats(i)
	ownerOf := func(r auth.TeamRole) *int64 {
		if r == auth.TeamAccountManager {
			id := a.OwnerID
			return &id
		}
		for _, s := range seats {
			if s.role == r {
				if id, ok := byName[s.name]; ok {
					return &id
				}
			}
		}
		return nil
	}
	var out []staffing.Deliverable
	for j, r := range []auth.TeamRole{auth.TeamAccountManager, auth.TeamExecutivePartner, auth.TeamSalesEngineer,
		auth.TeamCustomerServiceManager, auth.TeamTechnicalLead} {
		if r == auth.TeamTechnicalLead && i%5 == 4 {
			continue
		}
		refresh := staffing.DefaultRefreshDays(r)
		// Ages from a fifth of the interval to a fifth past it.
		age := refresh/5 + (i*37+j*53)%refresh
		d := staffing.Deliverable{AccountID: a.ID, Role: r, OwnerID: ownerOf(r), UpdatedOn: today.AddDays(-age), RefreshDays: refresh,
			Link: fmt.Sprintf("https://docs.example.com/accounts/%s/%s", slug, strings.ReplaceAll(string(r), "_", "-"))}
		if r == auth.TeamCustomerServiceManager && i%3 == 0 {
			d.Link, d.Note = "", "Shared drive: Customer Success / "+a.Name+" / Operations reviews"
		}
		out = append(out, d)
	}
	return out
}

// seedGoals sets goals for the quarter for every manager who owns accounts:
// revenue uplift and touches in proportion to their book, 95% retention.
func seedGoals(ctx context.Context, db *store.DB, sc account.Scope, w staffing.Workload, q staffing.Period) error {
	for _, m := range w.Managers {
		if m.Accounts == 0 {
			continue
		}
		if _, ok, err := db.Goals(ctx, sc, m.ID, q.Key); err != nil || ok {
			if err != nil {
				return err
			}
			continue
		}
		g := staffing.Goals{PersonID: m.ID, Period: q.Key, Revenue: int64(m.Accounts) * 25_000_00, Retention: 95, Touches: m.Accounts * 4}
		if err := db.SetGoals(ctx, sc, &g); err != nil {
			return fmt.Errorf("goals of %s: %w", m.Name, err)
		}
	}
	return nil
}
