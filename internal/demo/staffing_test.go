package demo_test

import (
	"context"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/staffing"
	"github.com/samwise-sam/samwise/internal/store"
)

func TestDemoStaffingOverloadsOneManagerAndShowsEveryDeliverableState(t *testing.T) {
	ctx := context.Background()
	db, _, res := loadDemo(t, store.SQLite)
	sc := res.Scope
	for range 2 { // the second run must change nothing
		if err := demo.SeedStaffing(ctx, db, sc, demoNow); err != nil {
			t.Fatal(err)
		}
	}
	w, err := db.Workload(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	over := w.Overloaded()
	if len(over) != 1 || over[0].Name != "Tom Becker" {
		t.Fatalf("overloaded %+v, want Tom Becker alone", over)
	}
	related, err := db.Relationships(ctx, sc, w.Candidates(), demoNow.Add(-store.RelationshipWindow))
	if err != nil {
		t.Fatal(err)
	}
	p := staffing.Rebalance(w, related)
	if !p.Feasible() || len(p.Moves) == 0 {
		t.Errorf("plan %+v: the demo's overload should be fixable by moves", p)
	}

	today := account.DateOf(demoNow)
	states := map[staffing.DeliverableState]int{}
	teams := 0
	st, err := db.Staffing(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range st.Accounts {
		ds, err := db.Deliverables(ctx, sc, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 0 {
			continue
		}
		teams++
		seats, _ := db.TeamSeats(ctx, sc, a.ID)
		for _, s := range staffing.Slots(a.OwnerID, seats, ds, today) {
			if s.State != "" {
				states[s.State]++
			}
		}
	}
	t.Logf("deliverable states %v; %d moves for %d points over", states, len(p.Moves), over[0].Load-over[0].Capacity)
	if teams != 12 {
		t.Errorf("%d accounts with deliverables, want 12", teams)
	}
	for _, s := range staffing.DeliverableStates {
		if states[s] == 0 {
			t.Errorf("no deliverable is %s: %v", s, states)
		}
	}
	q := staffing.QuarterOf(today)
	for _, m := range w.Managers {
		if m.Accounts == 0 {
			continue
		}
		if _, ok, err := db.Goals(ctx, sc, m.ID, q.Key); err != nil || !ok {
			t.Errorf("%s has no goals for %s (%v)", m.Name, q.Key, err)
		}
	}
	entries, _, err := db.Audit(ctx, sc, store.AuditFilter{Entity: "deliverable", Page: account.Page{Limit: 500}})
	if err != nil || len(entries) == 0 || len(entries) > 12*5 {
		t.Errorf("%d deliverable entries (%v): the second run must not record again", len(entries), err)
	}
}
