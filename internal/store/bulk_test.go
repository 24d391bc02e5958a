package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

var bulkNow = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// bulkPortfolio writes a person, two accounts with a stakeholder each, and a
// touch, opportunity and contract on the first account.
func bulkPortfolio(w *store.BulkWriter) (p account.Person, a, b account.Account, s, s2 account.Stakeholder, err error) {
	p = account.Person{Name: "Ann Lee", Email: "ann@example.com"}
	if err = w.Person(&p); err != nil {
		return
	}
	a = account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &p.ID}
	if err = w.Account(&a); err != nil {
		return
	}
	b = account.Account{Name: "Acme Europe", ParentID: &a.ID}
	if err = w.Account(&b); err != nil {
		return
	}
	s = account.Stakeholder{AccountID: a.ID, Name: "Carla Chief", Level: account.Executive, Active: true}
	if err = w.Stakeholder(&s); err != nil {
		return
	}
	s2 = account.Stakeholder{AccountID: b.ID, Name: "Erik Europe", Active: true}
	if err = w.Stakeholder(&s2); err != nil {
		return
	}
	t := account.Touch{AccountID: a.ID, Kind: account.Meeting, OccurredAt: bulkNow.Add(-time.Hour),
		Summary: "Kick-off", PeopleIDs: []int64{p.ID, p.ID}, StakeholderIDs: []int64{s.ID}}
	if err = w.Touch(&t); err != nil {
		return
	}
	o := account.Opportunity{AccountID: a.ID, Name: "Expansion", Stage: account.Won, ActualClose: account.DateOf(bulkNow)}
	if err = w.Opportunity(&o); err != nil {
		return
	}
	c := account.Contract{AccountID: a.ID, Product: "Core", Start: account.DateOf(bulkNow), AutoRenew: true}
	err = w.Contract(&c)
	return
}

func TestBulkWritesRecordsThatReadBackLikeCreatedOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		db.Now = func() time.Time { return bulkNow }
		var p account.Person
		var a, b account.Account
		var s account.Stakeholder
		counts, err := db.Bulk(ctx, sc, store.BulkOptions{Large: true}, func(w *store.BulkWriter) (err error) {
			p, a, b, s, _, err = bulkPortfolio(w)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		want := store.BulkCounts{People: 1, Accounts: 2, Stakeholders: 2, Touches: 1, TouchPeople: 1,
			TouchStakeholders: 1, Opportunities: 1, Contracts: 1}
		if counts != want {
			t.Errorf("counts %+v, want %+v", counts, want)
		}
		got, err := db.Account(ctx, sc, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Acme Europe" || got.ParentID == nil || *got.ParentID != a.ID || got.Lifecycle != account.Prospect ||
			got.Currency != "USD" || !got.CreatedAt.Equal(bulkNow) {
			t.Errorf("account read back as %+v", got)
		}
		touches, _, err := db.Touches(ctx, sc, account.TouchFilter{StakeholderID: s.ID})
		if err != nil || len(touches) != 1 {
			t.Fatalf("touches of the stakeholder: %v, %v", touches, err)
		}
		if tc := touches[0]; !slices.Equal(tc.PeopleIDs, []int64{p.ID}) || !slices.Equal(tc.StakeholderIDs, []int64{s.ID}) {
			t.Errorf("touch attendees %v / %v", tc.PeopleIDs, tc.StakeholderIDs)
		}
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{})
		if err != nil || len(entries) != 1 || entries[0].Action != "bulk_load" || entries[0].Changes["touches"].New != float64(1) {
			t.Errorf("audit trail: %+v, %v; want one bulk_load entry with the counts", entries, err)
		}
	})
}

func TestBulkRejectsBadRecordsAndWritesNothing(t *testing.T) {
	other := func(w *store.BulkWriter) error { // a stakeholder of another account at a touch
		_, a, _, _, s2, err := bulkPortfolio(w)
		if err != nil {
			return err
		}
		return w.Touch(&account.Touch{AccountID: a.ID, Kind: account.Call, OccurredAt: bulkNow, Summary: "x",
			StakeholderIDs: []int64{s2.ID}})
	}
	for _, c := range []struct {
		name  string
		field string
		fn    func(w *store.BulkWriter) error
	}{
		{"an account without a name", "name", func(w *store.BulkWriter) error {
			return w.Account(&account.Account{Name: " "})
		}},
		{"an owner the load did not write", "owner_id", func(w *store.BulkWriter) error {
			return w.Account(&account.Account{Name: "Acme", OwnerID: ptr[int64](1)})
		}},
		{"a parent written later", "parent_id", func(w *store.BulkWriter) error {
			next := int64(1 << 40)
			return w.Account(&account.Account{Name: "Acme", ParentID: &next})
		}},
		{"a stakeholder of no account", "account_id", func(w *store.BulkWriter) error {
			return w.Stakeholder(&account.Stakeholder{AccountID: 12345, Name: "Nobody"})
		}},
		{"a touch with another account's stakeholder", "stakeholder_ids", other},
		{"a won opportunity without a close date", "actual_close", func(w *store.BulkWriter) error {
			_, a, _, _, _, err := bulkPortfolio(w)
			if err != nil {
				return err
			}
			return w.Opportunity(&account.Opportunity{AccountID: a.ID, Name: "x", Stage: account.Won})
		}},
		{"a contract ending before it starts", "end", func(w *store.BulkWriter) error {
			_, a, _, _, _, err := bulkPortfolio(w)
			if err != nil {
				return err
			}
			return w.Contract(&account.Contract{AccountID: a.ID, Product: "x", Start: account.DateOf(bulkNow),
				End: account.DateOf(bulkNow).AddDays(-1)})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db, sc := storetest.New(t, store.SQLite)
			_, err := db.Bulk(ctx, sc, store.BulkOptions{}, c.fn)
			if account.ErrorCode(err) != account.EINVALID {
				t.Fatalf("error %v, want invalid", err)
			}
			if fields := account.ErrorFields(err); len(fields) == 0 || fields[0].Field != c.field {
				t.Errorf("fields %+v, want %s", fields, c.field)
			}
			if as, _, err := db.Accounts(ctx, sc, account.AccountFilter{}); err != nil || len(as) != 0 {
				t.Errorf("accounts after a failed load: %v, %v", as, err)
			}
		})
	}
}

func TestBulkStopsAtTheCallersErrorAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	db, sc := storetest.New(t, store.SQLite)
	boom := errors.New("boom")
	_, err := db.Bulk(ctx, sc, store.BulkOptions{Large: true}, func(w *store.BulkWriter) error {
		a := account.Account{Name: "Acme"}
		if err := w.Account(&a); err != nil {
			return err
		}
		// Enough rows for several batches to reach the database first.
		for i := range 120_000 {
			if err := w.Stakeholder(&account.Stakeholder{AccountID: a.ID, Name: fmt.Sprint("S", i)}); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want the caller's", err)
	}
	if ss, _, err := db.Stakeholders(ctx, sc, account.StakeholderFilter{}); err != nil || len(ss) != 0 {
		t.Errorf("stakeholders after a failed load: %d, %v", len(ss), err)
	}
	// The write connection is usable, with its foreign keys back on: deleting
	// an account cascades to its stakeholders.
	a := &account.Account{Name: "After"}
	if err := db.CreateAccount(ctx, sc, a); err != nil {
		t.Fatal(err)
	}
	s := &account.Stakeholder{AccountID: a.ID, Name: "Cascaded"}
	if err := db.CreateStakeholder(ctx, sc, s); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteAccount(ctx, sc, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Stakeholder(ctx, sc, s.ID); account.ErrorCode(err) != account.ENOTFOUND {
		t.Errorf("stakeholder of a deleted account: %v, want not found (foreign keys off?)", err)
	}
}

func TestBulkStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, sc := storetest.New(t, store.SQLite)
	_, err := db.Bulk(ctx, sc, store.BulkOptions{}, func(w *store.BulkWriter) error {
		a := account.Account{Name: "Acme"}
		if err := w.Account(&a); err != nil {
			return err
		}
		for i := 0; ; i++ {
			if i == 1000 {
				cancel()
			}
			if err := w.Stakeholder(&account.Stakeholder{AccountID: a.ID, Name: fmt.Sprint("S", i)}); err != nil {
				return err
			}
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if ss, _, err := db.Stakeholders(context.Background(), sc, account.StakeholderFilter{}); err != nil || len(ss) != 0 {
		t.Errorf("stakeholders after a cancelled load: %d, %v", len(ss), err)
	}
}

func TestBulkIdsFollowExistingRowsAndOrdinaryInsertsFollowThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		before := &account.Account{Name: "Before"}
		if err := db.CreateAccount(ctx, sc, before); err != nil {
			t.Fatal(err)
		}
		var bulk []int64
		_, err := db.Bulk(ctx, sc, store.BulkOptions{}, func(w *store.BulkWriter) error {
			for i := range 3 {
				a := account.Account{Name: fmt.Sprint("Bulk ", i)}
				if err := w.Account(&a); err != nil {
					return err
				}
				bulk = append(bulk, a.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		after := &account.Account{Name: "After"}
		if err := db.CreateAccount(ctx, sc, after); err != nil {
			t.Fatalf("an ordinary insert after a bulk load: %v", err)
		}
		ids := append(append([]int64{before.ID}, bulk...), after.ID)
		for i := 1; i < len(ids); i++ {
			if ids[i] <= ids[i-1] {
				t.Errorf("ids %v, want strictly increasing", ids)
				break
			}
		}
	})
}

func TestBulkRefusesAnUnknownOrganisation(t *testing.T) {
	db, _ := storetest.New(t, store.SQLite)
	_, err := db.Bulk(context.Background(), account.Scope{OrgID: 424242}, store.BulkOptions{},
		func(*store.BulkWriter) error { return nil })
	if account.ErrorCode(err) != account.ENOTFOUND {
		t.Errorf("error %v, want not found", err)
	}
}

func TestBulkHasAccountsSeesEarlierLoads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		check := func(want bool) {
			t.Helper()
			_, err := db.Bulk(ctx, sc, store.BulkOptions{}, func(w *store.BulkWriter) error {
				has, err := w.HasAccounts()
				if err == nil && has != want {
					err = fmt.Errorf("HasAccounts = %v, want %v", has, want)
				}
				if err != nil {
					return err
				}
				return w.Account(&account.Account{Name: "One more"})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		check(false)
		check(true)
	})
}

// TestLargeBulkLoadsKeepCadenceCheckinsAsTheTriggerWould loads the same
// touches twice, once with the trigger maintaining cadence_checkins and once
// with the writer computing them (Large), and expects the same rows: the two
// latest check-ins per stakeholder, business reviews left out, ties and
// out-of-order times included.
func TestLargeBulkLoadsKeepCadenceCheckinsAsTheTriggerWould(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		u := storetest.URL(t, d)
		var db *store.DB
		if d == store.SQLite {
			var err error
			if db, err = store.Open(ctx, u); err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		} else {
			db = storetest.Open(t, d)
		}
		driver := map[store.Dialect]string{store.SQLite: "sqlite", store.Postgres: "pgx"}[d]
		raw, err := sql.Open(driver, u)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		day := func(n int) time.Time { return bulkNow.AddDate(0, 0, -n) }
		touches := []struct {
			kind account.TouchKind
			at   time.Time
			who  []int // indexes into the stakeholders below
		}{
			{account.Call, day(30), []int{0, 1}},
			{account.Meeting, day(10), []int{0}},
			{account.BusinessReview, day(1), []int{0, 1, 2}}, // not a check-in
			{account.Email, day(20), []int{0, 1}},            // out of order: between the two
			{account.Call, day(10), []int{1}},                // a tie for stakeholder 1
			{account.Email, day(10), []int{1}},
			{account.Event, day(400), []int{3}}, // one check-in only
		}
		var lastOrg account.Scope
		var lastIDs []int64
		load := func(large bool) []string {
			org := account.Organisation{Name: "Checkins", Slug: fmt.Sprintf("checkins-%v-%d", large, time.Now().UnixNano())}
			if err := db.CreateOrganisation(ctx, &org); err != nil {
				t.Fatal(err)
			}
			sc := account.Scope{OrgID: org.ID}
			_, err := db.Bulk(ctx, sc, store.BulkOptions{Large: large}, func(w *store.BulkWriter) error {
				a := account.Account{Name: "Acme"}
				if err := w.Account(&a); err != nil {
					return err
				}
				var ids []int64
				for i := range 5 { // the last one is never touched
					s := account.Stakeholder{AccountID: a.ID, Name: fmt.Sprint("S", i)}
					if err := w.Stakeholder(&s); err != nil {
						return err
					}
					ids = append(ids, s.ID)
				}
				lastIDs = ids
				for _, x := range touches {
					tc := account.Touch{AccountID: a.ID, Kind: x.kind, OccurredAt: x.at, Summary: "x"}
					for _, i := range x.who {
						tc.StakeholderIDs = append(tc.StakeholderIDs, ids[i])
					}
					if err := w.Touch(&tc); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			lastOrg = sc
			rows, err := raw.Query(`SELECT s.name, c.last_at, c.prev_at FROM cadence_checkins c
				JOIN stakeholders s ON s.org_id = c.org_id AND s.id = c.stakeholder_id WHERE c.org_id = $1 ORDER BY s.name`, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var name string
				var last, prev int64
				if err := rows.Scan(&name, &last, &prev); err != nil {
					t.Fatal(err)
				}
				out = append(out, fmt.Sprintf("%s %s %s", name, time.UnixMilli(last).UTC().Format(time.DateOnly),
					time.UnixMilli(prev).UTC().Format(time.DateOnly)))
			}
			return out
		}
		byTrigger, byWriter := load(false), load(true)
		if !slices.Equal(byTrigger, byWriter) {
			t.Errorf("cadence check-ins differ:\ntrigger: %q\nwriter:  %q", byTrigger, byWriter)
		}
		if len(byTrigger) != 3 {
			t.Errorf("check-ins %q, want three stakeholders (one only at a business review, one never touched)", byTrigger)
		}
		// The trigger is back: an ordinary touch after a large load moves the pair.
		s3 := lastIDs[3]
		st, err := db.Stakeholder(ctx, lastOrg, s3)
		if err != nil {
			t.Fatal(err)
		}
		tc := &account.Touch{AccountID: st.AccountID, Kind: account.Call, OccurredAt: day(5), Summary: "after",
			StakeholderIDs: []int64{s3}}
		if err := db.CreateTouch(ctx, lastOrg, tc); err != nil {
			t.Fatal(err)
		}
		var last, prev int64
		err = raw.QueryRow(`SELECT last_at, prev_at FROM cadence_checkins WHERE org_id = $1 AND stakeholder_id = $2`,
			lastOrg.OrgID, s3).Scan(&last, &prev)
		if err != nil || last != day(5).UnixMilli() || prev != day(400).UnixMilli() {
			t.Errorf("after an ordinary touch: last %d prev %d (%v), want the trigger to have moved them", last, prev, err)
		}
	})
}
