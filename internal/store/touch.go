package store

import (
	"context"

	"github.com/samwise-sam/samwise/internal/account"
)

const touchCols = `id, account_id, kind, occurred_at, summary, next_step, created_at, updated_at`

func scanTouch(r rowScanner) (account.Touch, error) {
	var t account.Touch
	var occurred, created, updated int64
	err := r.Scan(&t.ID, &t.AccountID, &t.Kind, &occurred, &t.Summary, &t.NextStep, &created, &updated)
	t.OccurredAt, t.CreatedAt, t.UpdatedAt = fromMS(occurred), fromMS(created), fromMS(updated)
	t.PeopleIDs, t.StakeholderIDs = []int64{}, []int64{}
	return t, err
}

// Touch returns one touch with who was present.
func (db *DB) Touch(ctx context.Context, sc account.Scope, id int64) (account.Touch, error) {
	var t account.Touch
	err := db.read(ctx, func(tx *Tx) (err error) {
		t, err = tx.touch(sc.OrgID, id)
		return err
	})
	return t, err
}

func (tx *Tx) touch(orgID, id int64) (account.Touch, error) {
	t, err := scanTouch(tx.QueryRow(`SELECT `+touchCols+` FROM touches WHERE org_id = $1 AND id = $2`, orgID, id))
	if isNoRows(err) {
		return t, account.Errorf(account.ENOTFOUND, "Touch %d not found.", id)
	}
	if err != nil {
		return t, err
	}
	ts := []account.Touch{t}
	err = tx.attendees(orgID, ts)
	return ts[0], err
}

// attendees fills PeopleIDs and StakeholderIDs of ts with two queries.
func (tx *Tx) attendees(orgID int64, ts []account.Touch) error {
	if len(ts) == 0 {
		return nil
	}
	ids := make([]int64, len(ts))
	at := make(map[int64]*account.Touch, len(ts))
	for i := range ts {
		ids[i] = ts[i].ID
		at[ts[i].ID] = &ts[i]
	}
	for _, j := range []struct {
		table, col string
		people     bool
	}{{"touch_people", "person_id", true}, {"touch_stakeholders", "stakeholder_id", false}} {
		q, args := inList(`SELECT touch_id, `+j.col+` FROM `+j.table+` WHERE org_id = $1 AND touch_id IN `, orgID, ids)
		rows, err := tx.Query(q+` ORDER BY touch_id, `+j.col, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var tid, oid int64
			if err := rows.Scan(&tid, &oid); err != nil {
				rows.Close()
				return err
			}
			if j.people {
				at[tid].PeopleIDs = append(at[tid].PeopleIDs, oid)
			} else {
				at[tid].StakeholderIDs = append(at[tid].StakeholderIDs, oid)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// Touches lists touches, newest first by default. Sorts: occurred_at,
// updated_at. Filtering by person or stakeholder lists the touches they were
// present at.
func (db *DB) Touches(ctx context.Context, sc account.Scope, f account.TouchFilter) ([]account.Touch, string, error) {
	l := &lister[account.Touch]{table: "touches", cols: touchCols, scan: scanTouch, orgID: sc.OrgID,
		id: func(t *account.Touch) int64 { return t.ID }, def: "-occurred_at",
		sorts: map[string]sortKey[account.Touch]{
			"occurred_at": {"occurred_at", func(t *account.Touch) any { return ms(t.OccurredAt) }},
			"updated_at":  {"updated_at", func(t *account.Touch) any { return ms(t.UpdatedAt) }},
		}}
	if f.AccountID != 0 {
		l.where("account_id = ?", f.AccountID)
	}
	if f.Kind != "" {
		l.where("kind = ?", string(f.Kind))
	}
	if f.PersonID != 0 {
		l.where("id IN (SELECT touch_id FROM touch_people WHERE org_id = ? AND person_id = ?)", sc.OrgID, f.PersonID)
	}
	if f.StakeholderID != 0 {
		l.where("id IN (SELECT touch_id FROM touch_stakeholders WHERE org_id = ? AND stakeholder_id = ?)", sc.OrgID, f.StakeholderID)
	}
	l.search(f.Q, "summary", "next_step")
	l.visibleTo(f.VisibleTo, "account_id")
	var out []account.Touch
	var next string
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, next, err = l.run(tx, f.Page)
		if err != nil {
			return err
		}
		return tx.attendees(sc.OrgID, out)
	})
	return out, next, err
}

// CreateTouch validates and inserts t with its attendees. Stakeholders must
// belong to the touch's account.
func (db *DB) CreateTouch(ctx context.Context, sc account.Scope, t *account.Touch) error {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("account_id", "accounts", sc.OrgID, &t.AccountID); err != nil {
			return err
		}
		t.CreatedAt, t.UpdatedAt = tx.now, tx.now
		err := tx.QueryRow(`INSERT INTO touches (org_id, account_id, kind, occurred_at, summary, next_step, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			sc.OrgID, t.AccountID, t.Kind, ms(t.OccurredAt), t.Summary, t.NextStep, ms(tx.now)).Scan(&t.ID)
		if err != nil {
			return err
		}
		if err := tx.setAttendees(sc.OrgID, t); err != nil {
			return err
		}
		return tx.audit(sc, "create", "touch", t.ID, t.AccountID, nil, t)
	})
}

// UpdateTouch replaces every editable field of touch t.ID and its attendees.
func (db *DB) UpdateTouch(ctx context.Context, sc account.Scope, t *account.Touch) error {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.touch(sc.OrgID, t.ID)
		if err != nil {
			return err
		}
		if t.AccountID != old.AccountID {
			return account.Invalid("account_id", "cannot change; log a new touch on the other account")
		}
		t.CreatedAt, t.UpdatedAt = old.CreatedAt, tx.now
		_, err = tx.Exec(`UPDATE touches SET kind = $3, occurred_at = $4, summary = $5, next_step = $6, updated_at = $7
			WHERE org_id = $1 AND id = $2`, sc.OrgID, t.ID, t.Kind, ms(t.OccurredAt), t.Summary, t.NextStep, ms(tx.now))
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM touch_people WHERE org_id = $1 AND touch_id = $2`,
			`DELETE FROM touch_stakeholders WHERE org_id = $1 AND touch_id = $2`} {
			if _, err := tx.Exec(q, sc.OrgID, t.ID); err != nil {
				return err
			}
		}
		if err := tx.setAttendees(sc.OrgID, t); err != nil {
			return err
		}
		return tx.audit(sc, "update", "touch", t.ID, t.AccountID, &old, t)
	})
}

func (tx *Tx) setAttendees(orgID int64, t *account.Touch) error {
	for _, pid := range t.PeopleIDs {
		if err := tx.mustExist("people_ids", "people", orgID, &pid); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO touch_people (org_id, touch_id, person_id) VALUES ($1, $2, $3)`, orgID, t.ID, pid); err != nil {
			return err
		}
	}
	for _, sid := range t.StakeholderIDs {
		var acct int64
		err := tx.QueryRow(`SELECT account_id FROM stakeholders WHERE org_id = $1 AND id = $2`, orgID, sid).Scan(&acct)
		if isNoRows(err) || (err == nil && acct != t.AccountID) {
			return account.Invalid("stakeholder_ids", "lists %d, who is not a stakeholder of this account", sid)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO touch_stakeholders (org_id, touch_id, stakeholder_id, account_id, occurred_at)
			VALUES ($1, $2, $3, $4, $5)`, orgID, t.ID, sid, t.AccountID, ms(t.OccurredAt)); err != nil {
			return err
		}
	}
	return nil
}

// DeleteTouch removes a touch.
func (db *DB) DeleteTouch(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.touch(sc.OrgID, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM touches WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "touch", id, old.AccountID, &old, nil)
	})
}
