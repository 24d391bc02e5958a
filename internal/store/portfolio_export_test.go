package store

import (
	"context"
	"database/sql"
	"fmt"
)

// DerivedRowsForTest returns, for the organisation, what migration 00014's
// triggers keep (account_contacts and the mirrored owner and sort name of
// portfolio_accounts) and the same recomputed from the source tables, as
// comparable lines, so tests can check the triggers after each write.
func (db *DB) DerivedRowsForTest(ctx context.Context, orgID int64) (kept, want []string, err error) {
	lines := func(tx *Tx, q string) ([]string, error) {
		var out []string
		err := tx.each(q, []any{orgID}, func(r *sql.Rows) error {
			var a, b, c, d any
			if err := r.Scan(&a, &b, &c, &d); err != nil {
				return err
			}
			out = append(out, fmt.Sprint(a, " ", b, " ", c, " ", d))
			return nil
		})
		return out, err
	}
	err = db.read(ctx, func(tx *Tx) error {
		k1, err := lines(tx, `SELECT 'contact:' || account_id, person_id, last_touch_at, touches FROM account_contacts WHERE org_id = $1 ORDER BY account_id, person_id`)
		if err != nil {
			return err
		}
		w1, err := lines(tx, `SELECT 'contact:' || t.account_id, tp.person_id, MAX(t.occurred_at), COUNT(*) FROM touches t
			JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id WHERE t.org_id = $1 GROUP BY t.account_id, tp.person_id ORDER BY t.account_id, tp.person_id`)
		if err != nil {
			return err
		}
		k2, err := lines(tx, `SELECT 'account:' || account_id, owner_id, name_key, 0 FROM portfolio_accounts WHERE org_id = $1 ORDER BY account_id`)
		if err != nil {
			return err
		}
		w2, err := lines(tx, `SELECT 'account:' || id, COALESCE(owner_id, 0), name_key, 0 FROM accounts WHERE org_id = $1 ORDER BY id`)
		kept, want = append(k1, k2...), append(w1, w2...)
		return err
	})
	return kept, want, err
}

// RebuildAccountContactsForTest does what a bulk load would: suspends the
// attendance trigger, runs fn (raw inserts through exec), loses every
// account_contacts row of the organisation and rebuilds them.
func (db *DB) RebuildAccountContactsForTest(ctx context.Context, orgID int64, fn func(exec func(q string, args ...any) error) error) error {
	return db.write(ctx, func(tx *Tx) error {
		restore, err := tx.suspendAccountContacts(ctx)
		if err != nil {
			return err
		}
		if err := fn(func(q string, args ...any) error { _, err := tx.ExecContext(ctx, q, args...); return err }); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM account_contacts WHERE org_id = $1`, orgID); err != nil {
			return err
		}
		return tx.rebuildAccountContacts(ctx, orgID, 0, restore)
	})
}
