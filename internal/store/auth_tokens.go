package store

import (
	"context"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
)

const tokenCols = `t.id, t.org_id, t.user_id, u.email, t.name, t.scope, t.created_at, t.expires_at, t.last_used_at, t.revoked_at`

const tokenFrom = ` FROM api_tokens t JOIN users u ON u.org_id = t.org_id AND u.id = t.user_id`

func scanToken(r rowScanner) (auth.Token, error) {
	var t auth.Token
	var created, expires, used, revoked int64
	err := r.Scan(&t.ID, &t.OrgID, &t.UserID, &t.UserEmail, &t.Name, &t.Scope, &created, &expires, &used, &revoked)
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromMS(created), fromMS(expires), fromMS(used), fromMS(revoked)
	return t, err
}

// tokenUseAudit is how often a token's use reaches the audit trail: its
// first use, and again after each hour of silence. Its writes are audited
// anyway, each naming the token as the actor.
const tokenUseAudit = time.Hour

var errTokenInvalid = account.Errorf(account.EUNAUTHORIZED, "The API token is not valid.")

// CreateToken stores a new API token for t.UserID (a user of the
// organisation) and returns its secret — the only time it is ever
// available: the database keeps its SHA-256 hash. t.ExpiresAt zero means
// it never expires.
func (db *DB) CreateToken(ctx context.Context, sc account.Scope, t *auth.Token) (string, error) {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return "", err
	}
	secret, hash := auth.NewTokenSecret()
	err := db.write(ctx, func(tx *Tx) error {
		u, err := tx.user(sc.OrgID, t.UserID)
		if isNotFound(err) {
			return account.Invalid("user_id", "refers to no user in this organisation")
		} else if err != nil {
			return err
		}
		if !t.ExpiresAt.IsZero() && !t.ExpiresAt.After(tx.now) {
			return account.Invalid("expires_at", "must be in the future")
		}
		t.OrgID, t.UserEmail, t.CreatedAt = sc.OrgID, u.Email, tx.now
		t.LastUsedAt, t.RevokedAt = time.Time{}, time.Time{}
		err = tx.QueryRow(`INSERT INTO api_tokens (org_id, user_id, name, secret_hash, scope, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			sc.OrgID, t.UserID, t.Name, hash, t.Scope, ms(tx.now), ms(t.ExpiresAt)).Scan(&t.ID)
		if err != nil {
			return err
		}
		return tx.audit(sc, "create", "token", t.ID, 0, nil, t)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// TokenBySecret returns the token a script presented, with its user. An
// unknown, malformed, expired or revoked token, or one whose user is
// disabled, is EUNAUTHORIZED. last_used_at is written (in a second, short
// transaction) when it is more than a minute old, and the audit trail
// records the use when the token had been silent for an hour.
func (db *DB) TokenBySecret(ctx context.Context, secret string) (auth.Token, auth.User, error) {
	var t auth.Token
	var u auth.User
	if !auth.WellFormed(secret, auth.TokenPrefix) {
		return t, u, errTokenInvalid
	}
	var now time.Time
	err := db.read(ctx, func(tx *Tx) error {
		now = tx.now
		var err error
		t, err = scanToken(tx.QueryRow(`SELECT `+tokenCols+tokenFrom+` WHERE t.secret_hash = $1`, auth.HashSecret(secret)))
		if isNoRows(err) {
			return errTokenInvalid
		}
		if err != nil {
			return err
		}
		u, err = tx.user(t.OrgID, t.UserID)
		return err
	})
	if err != nil {
		return auth.Token{}, auth.User{}, err
	}
	switch {
	case t.Status(now) == "revoked":
		return auth.Token{}, auth.User{}, account.Errorf(account.EUNAUTHORIZED, "The API token has been revoked.")
	case t.Status(now) == "expired":
		return auth.Token{}, auth.User{}, account.Errorf(account.EUNAUTHORIZED, "The API token expired on %s.", t.ExpiresAt.Format(time.DateOnly))
	case u.Disabled:
		return auth.Token{}, auth.User{}, account.Errorf(account.EUNAUTHORIZED, "The API token's user is disabled.")
	}
	if now.Sub(t.LastUsedAt) >= touchInterval {
		last := t.LastUsedAt
		err := db.write(ctx, func(tx *Tx) error {
			if _, err := tx.Exec(`UPDATE api_tokens SET last_used_at = $3 WHERE org_id = $1 AND id = $2`, t.OrgID, t.ID, ms(tx.now)); err != nil {
				return err
			}
			t.LastUsedAt = tx.now
			if last.IsZero() || tx.now.Sub(last) >= tokenUseAudit {
				sc := (&auth.Principal{User: &u, Token: &t}).Scope()
				var old any
				if !last.IsZero() {
					old = last
				}
				return tx.auditRaw(sc, "use", "token", t.ID, 0, map[string]Change{"last_used_at": {Old: old, New: tx.now}})
			}
			return nil
		})
		if err != nil {
			return auth.Token{}, auth.User{}, err
		}
	}
	return t, u, nil
}

// Token returns one API token of the organisation (never its secret).
func (db *DB) Token(ctx context.Context, sc account.Scope, id int64) (auth.Token, error) {
	var t auth.Token
	err := db.read(ctx, func(tx *Tx) (err error) {
		t, err = tx.token(sc.OrgID, id)
		return err
	})
	return t, err
}

func (tx *Tx) token(orgID, id int64) (auth.Token, error) {
	t, err := scanToken(tx.QueryRow(`SELECT `+tokenCols+tokenFrom+` WHERE t.org_id = $1 AND t.id = $2`, orgID, id))
	if isNoRows(err) {
		return t, account.Errorf(account.ENOTFOUND, "API token %d not found.", id)
	}
	return t, err
}

// Tokens lists the API tokens of one user, or of the whole organisation
// when userID is 0, oldest first, revoked and expired ones included.
func (db *DB) Tokens(ctx context.Context, sc account.Scope, userID int64) ([]auth.Token, error) {
	var out []auth.Token
	err := db.read(ctx, func(tx *Tx) error {
		q, args := `SELECT `+tokenCols+tokenFrom+` WHERE t.org_id = $1`, []any{sc.OrgID}
		if userID != 0 {
			q, args = q+` AND t.user_id = $2`, append(args, userID)
		}
		rows, err := tx.Query(q+` ORDER BY t.id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanToken(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}

// RevokeToken stops a token from working, for good. Revoking a revoked
// token changes nothing.
func (db *DB) RevokeToken(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.token(sc.OrgID, id)
		if err != nil || !old.RevokedAt.IsZero() {
			return err
		}
		if _, err := tx.Exec(`UPDATE api_tokens SET revoked_at = $3 WHERE org_id = $1 AND id = $2`, sc.OrgID, id, ms(tx.now)); err != nil {
			return err
		}
		t := old
		t.RevokedAt = tx.now
		return tx.audit(sc, "revoke", "token", id, 0, &old, &t)
	})
}

func isNotFound(err error) bool { return account.ErrorCode(err) == account.ENOTFOUND }
