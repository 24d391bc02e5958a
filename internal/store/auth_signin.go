package store

import (
	"context"
	"time"

	"github.com/samwise-sam/samwise/internal/auth"
)

// The store implements what the sign-in service needs.
var _ auth.SignInStore = (*DB)(nil)

// RecordSignInAttempt stores a sign-in attempt for the rate limiter (at
// a.At, or the transaction's time when zero). When u is the user the e-mail
// belongs to, the same transaction also records the attempt in the user's
// audit trail — "sign_in", or "sign_in_failed" with the reason — and, on
// success, the user's last sign-in time.
func (db *DB) RecordSignInAttempt(ctx context.Context, a auth.Attempt, u *auth.User) error {
	return db.write(ctx, func(tx *Tx) error {
		at := a.At
		if at.IsZero() {
			at = tx.now
		}
		if _, err := tx.Exec(`INSERT INTO sign_in_attempts (email, address, at, ok) VALUES ($1, $2, $3, $4)`,
			auth.NormalizeEmail(a.Email), a.Address, ms(at), a.OK); err != nil {
			return err
		}
		if u == nil {
			return nil
		}
		sc := (&auth.Principal{User: u}).Scope()
		changes := map[string]Change{"address": {New: a.Address}}
		if !a.OK {
			changes["reason"] = Change{New: a.Reason}
			return tx.auditRaw(sc, "sign_in_failed", "user", u.ID, 0, changes)
		}
		if _, err := tx.Exec(`UPDATE users SET last_sign_in_at = $3 WHERE org_id = $1 AND id = $2`, u.OrgID, u.ID, ms(at)); err != nil {
			return err
		}
		return tx.auditRaw(sc, "sign_in", "user", u.ID, 0, changes)
	})
}

// RecentSignInAttempts returns the attempts for email or from address made
// at or after since, oldest first.
func (db *DB) RecentSignInAttempts(ctx context.Context, email, address string, since time.Time) ([]auth.Attempt, error) {
	var out []auth.Attempt
	err := db.read(ctx, func(tx *Tx) error {
		// Two index range scans; the second leaves out what the first found.
		rows, err := tx.Query(`SELECT email, address, at, ok FROM sign_in_attempts WHERE email = $1 AND at >= $3
			UNION ALL
			SELECT email, address, at, ok FROM sign_in_attempts WHERE address = $2 AND email <> $1 AND at >= $3
			ORDER BY at`, auth.NormalizeEmail(email), address, ms(since))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a auth.Attempt
			var at int64
			if err := rows.Scan(&a.Email, &a.Address, &at, &a.OK); err != nil {
				return err
			}
			a.At = fromMS(at)
			out = append(out, a)
		}
		return rows.Err()
	})
	return out, err
}

// PruneSignInAttempts deletes attempts made before before; the limiter
// needs only auth.DefaultLimits.Lookback() of history.
func (db *DB) PruneSignInAttempts(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`DELETE FROM sign_in_attempts WHERE at < $1`, ms(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
