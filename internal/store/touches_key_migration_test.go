package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// Migration 00019 rebuilds touches without its UNIQUE (org_id, id) on
// SQLite, and touch_people and touch_stakeholders with foreign keys to
// touches (id). Every row, every cadence check-in and every account contact
// survives it both ways; afterwards the triggers still keep check-ins and
// contacts, a deleted touch still takes its attendees along, and an
// attendee of a touch that does not exist is still refused.
func TestMigrationRebuildsTouchesWithoutTheirSecondKey(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	db := freshDatabase(t, SQLite)
	p, err := db.provider()
	check(t, err)
	_, err = p.UpTo(ctx, 18)
	check(t, err)
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	org := account.Organisation{Name: "Org", Slug: "org"}
	check(t, db.CreateOrganisation(ctx, &org))
	sc := account.Scope{OrgID: org.ID, Actor: "test"}
	a := account.Account{Name: "Acme", Lifecycle: account.Customer}
	check(t, db.CreateAccount(ctx, sc, &a))
	person := account.Person{Name: "Ann Manager", Email: "ann@example.com"}
	check(t, db.CreatePerson(ctx, sc, &person))
	var contacts []int64
	for _, name := range []string{"Cleo CIO", "Dan Director"} {
		s := account.Stakeholder{AccountID: a.ID, Name: name, Level: account.Executive, Active: true}
		check(t, db.CreateStakeholder(ctx, sc, &s))
		contacts = append(contacts, s.ID)
	}
	for i, kind := range []account.TouchKind{account.Meeting, account.Call, account.BusinessReview, account.Email} {
		tc := account.Touch{AccountID: a.ID, Kind: kind, OccurredAt: now.AddDate(0, 0, -10+i), Summary: "Touch " + string(kind),
			PeopleIDs: []int64{person.ID}, StakeholderIDs: contacts[:1+i%2]}
		check(t, db.CreateTouch(ctx, sc, &tc))
	}

	// What the tables hold, in one string per table.
	snapshot := func(t *testing.T) map[string]string {
		t.Helper()
		out := map[string]string{}
		for name, q := range map[string]string{
			"touches":            `SELECT group_concat(org_id || ',' || id || ',' || account_id || ',' || kind || ',' || occurred_at || ',' || summary || ',' || next_step || ',' || created_at || ',' || updated_at, ';') FROM (SELECT * FROM touches ORDER BY id)`,
			"touch_people":       `SELECT group_concat(org_id || ',' || touch_id || ',' || person_id, ';') FROM (SELECT * FROM touch_people ORDER BY touch_id, person_id)`,
			"touch_stakeholders": `SELECT group_concat(org_id || ',' || touch_id || ',' || stakeholder_id || ',' || account_id || ',' || occurred_at, ';') FROM (SELECT * FROM touch_stakeholders ORDER BY touch_id, stakeholder_id)`,
			"cadence_checkins":   `SELECT group_concat(stakeholder_id || ',' || last_at || ',' || prev_at, ';') FROM (SELECT * FROM cadence_checkins ORDER BY stakeholder_id)`,
			"account_contacts":   `SELECT group_concat(account_id || ',' || person_id || ',' || last_touch_at || ',' || touches, ';') FROM (SELECT * FROM account_contacts ORDER BY account_id, person_id)`,
		} {
			var s string
			check(t, db.w.QueryRowContext(ctx, q).Scan(&s))
			out[name] = s
		}
		return out
	}
	before := snapshot(t)

	_, err = p.UpTo(ctx, 19)
	check(t, err)
	if after := snapshot(t); !equalMaps(before, after) {
		t.Fatalf("after 00019:\n%v\nwant\n%v", after, before)
	}
	var n int
	check(t, db.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_autoindex_touches_1'`).Scan(&n))
	if n != 0 {
		t.Error("touches still has its UNIQUE (org_id, id) index")
	}
	rows, err := db.w.QueryContext(ctx, `PRAGMA foreign_key_check`)
	check(t, err)
	if rows.Next() {
		t.Error("foreign_key_check reports a violation after 00019")
	}
	rows.Close()

	// The triggers work on the new tables: a new touch moves the contact's
	// check-ins and the account contact.
	later := account.Touch{AccountID: a.ID, Kind: account.Meeting, OccurredAt: now, Summary: "After", PeopleIDs: []int64{person.ID}, StakeholderIDs: contacts[1:]}
	check(t, db.CreateTouch(ctx, sc, &later))
	var last, touchCount int64
	check(t, db.w.QueryRowContext(ctx, `SELECT last_at FROM cadence_checkins WHERE stakeholder_id = $1`, contacts[1]).Scan(&last))
	if last != ms(now) {
		t.Errorf("check-in after a new touch = %d, want %d", last, ms(now))
	}
	check(t, db.w.QueryRowContext(ctx, `SELECT touches FROM account_contacts WHERE account_id = $1 AND person_id = $2`, a.ID, person.ID).Scan(&touchCount))
	if touchCount != 5 {
		t.Errorf("account contact counts %d touches, want 5", touchCount)
	}
	// Deleting a touch takes its attendees along (and the trigger moves the
	// check-in back).
	check(t, db.DeleteTouch(ctx, sc, later.ID))
	check(t, db.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM touch_stakeholders WHERE touch_id = $1`, later.ID).Scan(&n))
	if n != 0 {
		t.Errorf("%d attendees left of a deleted touch", n)
	}
	if after := snapshot(t); !equalMaps(before, after) {
		t.Fatalf("after adding and deleting a touch:\n%v\nwant\n%v", after, before)
	}
	// An attendee of a touch that does not exist is refused.
	if _, err := db.w.ExecContext(ctx, `INSERT INTO touch_people (org_id, touch_id, person_id) VALUES ($1, 999999, $2)`, org.ID, person.ID); err == nil {
		t.Error("an attendee of a missing touch was accepted")
	}

	_, err = p.DownTo(ctx, 18)
	check(t, err)
	if after := snapshot(t); !equalMaps(before, after) {
		t.Fatalf("after down to 18:\n%v\nwant\n%v", after, before)
	}
	check(t, db.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_autoindex_touches_1'`).Scan(&n))
	if n != 1 {
		t.Error("down did not give touches its UNIQUE (org_id, id) back")
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// On SQLite an import leaves new touches' ids to SQLite and checks every
// statement's last id against the ids it assigned: a batch whose ids are
// not the ones SQLite gives fails instead of linking attendees to the
// wrong touches.
func TestImportRowsRefuseIDsSQLiteDoesNotGive(t *testing.T) {
	ctx := context.Background()
	db := freshDatabase(t, SQLite)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	org := account.Organisation{Name: "Org", Slug: "org"}
	if err := db.CreateOrganisation(ctx, &org); err != nil {
		t.Fatal(err)
	}
	sc := account.Scope{OrgID: org.ID, Actor: "test"}
	a := account.Account{Name: "Acme", Lifecycle: account.Customer}
	if err := db.CreateAccount(ctx, sc, &a); err != nil {
		t.Fatal(err)
	}
	write := func(first int64) error {
		errRollback := errors.New("roll back")
		err := db.write(ctx, func(tx *Tx) error {
			var max int64
			if err := tx.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM touches`).Scan(&max); err != nil {
				return err
			}
			im := &importer{ctx: ctx, tx: tx, sc: sc}
			b := newImportRows(org.ID, 1, SQLite).touches
			args := []any{a.ID, "call", int64(1), "one", "", a.ID, "call", int64(2), "two", ""}
			if err := im.writeRows(&b, args, 2, max+first); err != nil {
				return err
			}
			return errRollback
		})
		if errors.Is(err, errRollback) {
			return nil
		}
		return err
	}
	if err := write(1); err != nil {
		t.Fatalf("the ids SQLite gives: %v", err)
	}
	if err := write(5); err == nil || !strings.Contains(err.Error(), "the import assigned") {
		t.Fatalf("ids SQLite does not give: %v", err)
	}
}
