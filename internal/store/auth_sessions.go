package store

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
)

// touchInterval is how stale last_seen_at / last_used_at may get before a
// read of the session or token writes it again: a write on every request
// would serialise all requests on SQLite's single writer for a figure that
// people read to the minute.
const touchInterval = time.Minute

var errSessionEnded = account.Errorf(account.EUNAUTHORIZED, "Your session has ended; please sign in again.")

// CreateSession starts a session for u lasting ttl and returns the secret
// for the cookie (shown nowhere else: only its hash is stored). userAgent
// and address are kept for the user's list of sessions.
func (db *DB) CreateSession(ctx context.Context, u auth.User, ttl time.Duration, userAgent, address string) (string, auth.Session, error) {
	if u.Disabled {
		return "", auth.Session{}, auth.ErrDisabled
	}
	if ttl <= 0 {
		return "", auth.Session{}, account.Invalid("ttl", "must be positive")
	}
	secret, hash := auth.NewSessionSecret()
	s := auth.Session{UserID: u.ID, OrgID: u.OrgID, UserAgent: clip(userAgent, 300), Address: clip(address, 100)}
	err := db.write(ctx, func(tx *Tx) error {
		s.CreatedAt, s.LastSeenAt, s.ExpiresAt = tx.now, tx.now, tx.now.Add(ttl)
		_, err := tx.Exec(`INSERT INTO sessions (id_hash, org_id, user_id, created_at, expires_at, last_seen_at, user_agent, address)
			VALUES ($1, $2, $3, $4, $5, $4, $6, $7)`,
			hash, s.OrgID, s.UserID, ms(s.CreatedAt), ms(s.ExpiresAt), s.UserAgent, s.Address)
		return err
	})
	if err != nil {
		return "", auth.Session{}, err
	}
	return secret, s, nil
}

// SessionByToken returns the session whose cookie secret is secret, with
// its user. An unknown, expired or malformed secret, or a disabled user, is
// EUNAUTHORIZED. Reading is one read transaction; last_seen_at is written
// in a second one only when it is more than a minute old.
func (db *DB) SessionByToken(ctx context.Context, secret string) (auth.Session, auth.User, error) {
	var s auth.Session
	var u auth.User
	if !auth.WellFormed(secret, auth.SessionPrefix) {
		return s, u, errSessionEnded
	}
	hash := auth.HashSecret(secret)
	var now time.Time
	err := db.read(ctx, func(tx *Tx) error {
		now = tx.now
		var created, expires, seen int64
		row := tx.QueryRow(`SELECT s.created_at, s.expires_at, s.last_seen_at, s.user_agent, s.address, `+prefixed("u.", userCols)+`
			FROM sessions s JOIN users u ON u.org_id = s.org_id AND u.id = s.user_id WHERE s.id_hash = $1`, hash)
		var err error
		u, err = scanUser(scanPrefix{row, []any{&created, &expires, &seen, &s.UserAgent, &s.Address}})
		if isNoRows(err) {
			return errSessionEnded
		}
		s.UserID, s.OrgID = u.ID, u.OrgID
		s.CreatedAt, s.ExpiresAt, s.LastSeenAt = fromMS(created), fromMS(expires), fromMS(seen)
		return err
	})
	if err != nil {
		return s, u, err
	}
	if !now.Before(s.ExpiresAt) || u.Disabled {
		return auth.Session{}, auth.User{}, errSessionEnded
	}
	if now.Sub(s.LastSeenAt) >= touchInterval {
		err := db.write(ctx, func(tx *Tx) error {
			_, err := tx.Exec(`UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1`, hash, ms(tx.now))
			s.LastSeenAt = tx.now
			return err
		})
		if err != nil {
			return s, u, err
		}
	}
	return s, u, nil
}

// DeleteSession ends the session with the given cookie secret (signing
// out). Ending a session that does not exist is not an error.
func (db *DB) DeleteSession(ctx context.Context, secret string) error {
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`DELETE FROM sessions WHERE id_hash = $1`, auth.HashSecret(secret))
		return err
	})
}

// DeleteUserSessions ends every session of a user ("sign out everywhere")
// and returns how many there were; the audit trail records it.
func (db *DB) DeleteUserSessions(ctx context.Context, sc account.Scope, userID int64) (int64, error) {
	var n int64
	err := db.write(ctx, func(tx *Tx) error {
		if _, err := tx.user(sc.OrgID, userID); err != nil {
			return err
		}
		res, err := tx.Exec(`DELETE FROM sessions WHERE org_id = $1 AND user_id = $2`, sc.OrgID, userID)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		return tx.auditRaw(sc, "sign_out_everywhere", "user", userID, 0, map[string]Change{"sessions": {Old: n, New: 0}})
	})
	return n, err
}

// DeleteExpiredSessions removes sessions past their expiry, for a periodic
// clean-up; expired sessions are refused anyway.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := db.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`DELETE FROM sessions WHERE expires_at <= $1`, ms(tx.now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// scanPrefix scans leading columns into extra before handing the rest of
// the row to a record's scan function.
type scanPrefix struct {
	r     rowScanner
	extra []any
}

func (p scanPrefix) Scan(dest ...any) error { return p.r.Scan(slices.Concat(p.extra, dest)...) }

// prefixed qualifies every column of a column list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// clip cuts s to at most n characters, for free text from clients.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
