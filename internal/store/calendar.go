package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
)

// Personal calendar feeds (migration 00007). A feed's URL carries a secret
// of 256 bits, stored only as its SHA-256 like API tokens (auth.HashSecret):
// fast to look up, useless to whoever reads the database. A user has at
// most one working feed; making a new one revokes the old.

// CalendarPrefix starts every calendar-feed secret.
const CalendarPrefix = "swc_"

// CalendarFeed is a user's calendar feed, never its secret.
type CalendarFeed struct {
	ID         int64
	UserID     int64
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never fetched
}

func newCalendarSecret() (secret, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (Go 1.24+)
	s := CalendarPrefix + base64.RawURLEncoding.EncodeToString(b)
	return s, auth.HashSecret(s)
}

// CreateCalendarFeed makes a new feed for the user, revoking any earlier
// one, and returns its secret: the only time it is seen.
func (db *DB) CreateCalendarFeed(ctx context.Context, sc account.Scope, userID int64) (string, CalendarFeed, error) {
	secret, hash := newCalendarSecret()
	var f CalendarFeed
	err := db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("user_id", "users", sc.OrgID, &userID); err != nil {
			return err
		}
		if err := tx.revokeCalendarFeeds(sc, userID); err != nil {
			return err
		}
		f = CalendarFeed{UserID: userID, CreatedAt: tx.now}
		if err := tx.QueryRow(`INSERT INTO calendar_tokens (org_id, user_id, secret_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			sc.OrgID, userID, hash, ms(tx.now)).Scan(&f.ID); err != nil {
			return err
		}
		return tx.auditRaw(sc, "create", "calendar_feed", f.ID, 0, map[string]Change{"user_id": {New: userID}})
	})
	return secret, f, err
}

// RevokeCalendarFeed stops the user's feed from working (nothing to do if
// there is none).
func (db *DB) RevokeCalendarFeed(ctx context.Context, sc account.Scope, userID int64) error {
	return db.write(ctx, func(tx *Tx) error { return tx.revokeCalendarFeeds(sc, userID) })
}

func (tx *Tx) revokeCalendarFeeds(sc account.Scope, userID int64) error {
	rows, err := tx.Query(`SELECT id FROM calendar_tokens WHERE org_id = $1 AND user_id = $2 AND revoked_at = 0`, sc.OrgID, userID)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.Exec(`UPDATE calendar_tokens SET revoked_at = $1 WHERE org_id = $2 AND id = $3`, ms(tx.now), sc.OrgID, id); err != nil {
			return err
		}
		if err := tx.auditRaw(sc, "revoke", "calendar_feed", id, 0, map[string]Change{"revoked_at": {New: tx.now}}); err != nil {
			return err
		}
	}
	return nil
}

// CalendarFeedOf returns the user's working feed; ok is false when none.
func (db *DB) CalendarFeedOf(ctx context.Context, sc account.Scope, userID int64) (f CalendarFeed, ok bool, err error) {
	err = db.read(ctx, func(tx *Tx) error {
		var created, used int64
		err := tx.QueryRow(`SELECT id, created_at, last_used_at FROM calendar_tokens WHERE org_id = $1 AND user_id = $2 AND revoked_at = 0
			ORDER BY id DESC LIMIT 1`, sc.OrgID, userID).Scan(&f.ID, &created, &used)
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		f.UserID, f.CreatedAt, f.LastUsedAt, ok = userID, fromMS(created), fromMS(used), true
		return nil
	})
	return f, ok, err
}

// CalendarFeedBySecret finds the working feed with this secret and its
// user (enabled). Anything else — malformed, unknown, revoked, a disabled
// user — is ENOTFOUND, so the URL reveals nothing.
func (db *DB) CalendarFeedBySecret(ctx context.Context, secret string) (CalendarFeed, auth.User, error) {
	notFound := account.Errorf(account.ENOTFOUND, "No such calendar.")
	var f CalendarFeed
	var u auth.User
	if !auth.WellFormed(secret, CalendarPrefix) {
		return f, u, notFound
	}
	var orgID, used int64
	err := db.read(ctx, func(tx *Tx) error {
		var created, revoked int64
		err := tx.QueryRow(`SELECT org_id, id, user_id, created_at, last_used_at, revoked_at FROM calendar_tokens WHERE secret_hash = $1`,
			auth.HashSecret(secret)).Scan(&orgID, &f.ID, &f.UserID, &created, &used, &revoked)
		if isNoRows(err) || (err == nil && revoked != 0) {
			return notFound
		}
		if err != nil {
			return err
		}
		f.CreatedAt, f.LastUsedAt = fromMS(created), fromMS(used)
		u, err = tx.user(orgID, f.UserID)
		if err == nil && u.Disabled {
			return notFound
		}
		return err
	})
	if err != nil {
		return CalendarFeed{}, auth.User{}, err
	}
	// Calendar apps poll every few minutes to hours; record use at most
	// hourly so polling does not turn into writes.
	if time.Since(f.LastUsedAt) >= time.Hour {
		err = db.write(ctx, func(tx *Tx) error {
			_, err := tx.Exec(`UPDATE calendar_tokens SET last_used_at = $1 WHERE org_id = $2 AND id = $3`, ms(tx.now), orgID, f.ID)
			f.LastUsedAt = tx.now
			return err
		})
	}
	return f, u, err
}
