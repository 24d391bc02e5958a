package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// checkDerived fails when what migration 00014's triggers keep differs from
// the same recomputed from the touches and the accounts.
func checkDerived(t *testing.T, db *store.DB, sc account.Scope, after string) {
	t.Helper()
	kept, want, err := db.DerivedRowsForTest(context.Background(), sc.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(kept, want) {
		t.Fatalf("after %s:\nkept %q\nwant %q", after, kept, want)
	}
}

func TestAccountContactsAndPortfolioRowsFollowEveryWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newStaffed(t, d)
		db, sc := s.db, s.sc
		checkDerived(t, db, sc, "creating people and accounts")

		t1 := &account.Touch{AccountID: s.acme.ID, Kind: account.Call, Summary: "one", OccurredAt: s.now.AddDate(0, -6, 0), PeopleIDs: []int64{s.cy.ID, s.bob.ID}}
		t2 := &account.Touch{AccountID: s.acme.ID, Kind: account.Meeting, Summary: "two", OccurredAt: s.now.AddDate(0, -1, 0), PeopleIDs: []int64{s.cy.ID}}
		t3 := &account.Touch{AccountID: s.globex.ID, Kind: account.Call, Summary: "three", OccurredAt: s.now.AddDate(-2, 0, 0), PeopleIDs: []int64{s.cy.ID, s.ann.ID}}
		for _, tc := range []*account.Touch{t1, t2, t3} {
			must(t, db.CreateTouch(ctx, sc, tc))
		}
		checkDerived(t, db, sc, "logging touches")

		// Cy's latest touch of Acme moves back in time: the latest is now t1.
		t2.OccurredAt = s.now.AddDate(0, -9, 0)
		must(t, db.UpdateTouch(ctx, sc, t2))
		checkDerived(t, db, sc, "moving a touch back in time")

		// Bob leaves t1, Ann joins it.
		t1.PeopleIDs = []int64{s.cy.ID, s.ann.ID}
		must(t, db.UpdateTouch(ctx, sc, t1))
		checkDerived(t, db, sc, "changing who was present")

		must(t, db.DeleteTouch(ctx, sc, t1.ID))
		checkDerived(t, db, sc, "deleting the latest touch")

		rel, err := db.Relationships(ctx, sc, []int64{s.acme.ID, s.globex.ID}, s.now.AddDate(-1, 0, 0))
		must(t, err)
		if got := rel[s.acme.ID]; !slices.Equal(got, []int64{s.cy.ID}) {
			t.Errorf("Acme's relationships %v, want only Cy (t2, nine months ago)", got)
		}
		if got, ok := rel[s.globex.ID]; ok {
			t.Errorf("Globex's relationships %v, want none (t3 is two years old)", got)
		}

		s.acme.Name, s.acme.OwnerID = "Acme Industries", &s.bob.ID
		must(t, db.UpdateAccount(ctx, sc, s.acme))
		checkDerived(t, db, sc, "renaming an account and changing its owner")

		must(t, db.DeletePerson(ctx, sc, s.cy.ID))
		checkDerived(t, db, sc, "deleting a person present at touches")

		must(t, db.DeleteAccount(ctx, sc, s.globex.ID))
		checkDerived(t, db, sc, "deleting an account with touches")

		late := &account.Account{Name: "Late", Lifecycle: account.Customer}
		must(t, db.CreateAccount(ctx, sc, late))
		checkDerived(t, db, sc, "creating an account without an owner")
		r, err := db.Ranking(ctx, sc)
		must(t, err)
		if len(r.Rows) != 4 { // Acme, Gone, Orphan, Late
			t.Errorf("ranking has %d accounts, want 4", len(r.Rows))
		}
		for _, row := range r.Rows {
			if row.ID == s.acme.ID && (row.OwnerID != s.bob.ID || row.Name != "acme industries") {
				t.Errorf("Acme ranks with owner %d and sort name %q, want Bob's and the new name", row.OwnerID, row.Name)
			}
		}
	})
}

func TestABulkLoadCanSuspendTheContactsTriggerAndRebuildTheRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newStaffed(t, d)
		db, sc := s.db, s.sc
		must(t, db.CreateTouch(ctx, sc, &account.Touch{AccountID: s.acme.ID, Kind: account.Call, Summary: "before",
			OccurredAt: s.now.AddDate(0, -1, 0), PeopleIDs: []int64{s.bob.ID}}))
		var touch int64
		must(t, db.RebuildAccountContactsForTest(ctx, sc.OrgID, func(exec func(string, ...any) error) error {
			// What a bulk load writes: the touch and who was present,
			// with the trigger suspended.
			touch = 900_001
			if err := exec(`INSERT INTO touches (org_id, id, account_id, kind, occurred_at, summary, created_at, updated_at)
				VALUES ($1, $2, $3, 'call', $4, 'bulk', $4, $4)`, sc.OrgID, touch, s.globex.ID, s.now.AddDate(0, -2, 0).UnixMilli()); err != nil {
				return err
			}
			return exec(`INSERT INTO touch_people (org_id, touch_id, person_id) VALUES ($1, $2, $3), ($1, $2, $4)`, sc.OrgID, touch, s.ann.ID, s.cy.ID)
		}))
		checkDerived(t, db, sc, "a load with the trigger suspended and the rows rebuilt")
		// The trigger is back.
		must(t, db.CreateTouch(ctx, sc, &account.Touch{AccountID: s.globex.ID, Kind: account.Call, Summary: "after",
			OccurredAt: s.now, PeopleIDs: []int64{s.bob.ID, s.ann.ID}}))
		checkDerived(t, db, sc, "a touch logged after the load")
	})
}

// TestALargeBulkLoadWritesTheContactsTheTriggerWould loads touches with the
// writer computing account_contacts (Large) onto an organisation that has
// rows already (a bulk load only touches accounts it writes): counts, the
// latest instant whatever the order, and the trigger back afterwards.
func TestALargeBulkLoadWritesTheContactsTheTriggerWould(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newStaffed(t, d)
		db, sc := s.db, s.sc
		must(t, db.CreateTouch(ctx, sc, &account.Touch{AccountID: s.acme.ID, Kind: account.Call, Summary: "before",
			OccurredAt: s.now.AddDate(0, -1, 0), PeopleIDs: []int64{s.bob.ID}}))
		checkDerived(t, db, sc, "an ordinary touch")
		_, err := db.Bulk(ctx, sc, store.BulkOptions{Large: true}, func(w *store.BulkWriter) error {
			a := account.Account{Name: "Bulk Co"}
			if err := w.Account(&a); err != nil {
				return err
			}
			var ids []int64
			for _, n := range []string{"Dee", "Eve"} {
				p := account.Person{Name: n, Email: n + "@example.com"}
				if err := w.Person(&p); err != nil {
					return err
				}
				ids = append(ids, p.ID)
			}
			for i, x := range []struct {
				acc int64
				at  time.Time
				who []int64
			}{
				{a.ID, s.now.AddDate(0, 0, -1), []int64{ids[0]}},
				{a.ID, s.now.AddDate(0, -2, 0), []int64{ids[1], ids[0]}},
				{a.ID, s.now.AddDate(0, -5, 0), []int64{ids[1]}}, // out of order
			} {
				tc := account.Touch{AccountID: x.acc, Kind: account.Meeting, OccurredAt: x.at, Summary: fmt.Sprint("bulk ", i), PeopleIDs: x.who}
				if err := w.Touch(&tc); err != nil {
					return err
				}
			}
			return nil
		})
		must(t, err)
		checkDerived(t, db, sc, "a large bulk load")
		must(t, db.CreateTouch(ctx, sc, &account.Touch{AccountID: s.globex.ID, Kind: account.Call, Summary: "after",
			OccurredAt: s.now, PeopleIDs: []int64{s.cy.ID}}))
		checkDerived(t, db, sc, "a touch logged after the load (the trigger is back)")
	})
}
