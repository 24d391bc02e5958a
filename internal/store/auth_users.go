package store

import (
	"context"
	"database/sql"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
)

const userCols = `id, org_id, person_id, email, name, role, password_hash, disabled, created_at, updated_at, last_sign_in_at`

func scanUser(r rowScanner) (auth.User, error) {
	var u auth.User
	var person sql.NullInt64
	var created, updated, signIn int64
	err := r.Scan(&u.ID, &u.OrgID, &person, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &created, &updated, &signIn)
	u.PersonID = idPtr(person)
	u.CreatedAt, u.UpdatedAt, u.LastSignInAt = fromMS(created), fromMS(updated), fromMS(signIn)
	return u, err
}

// CountUsers counts the users of the whole installation, so that serve can
// tell whether the first administrator still has to be created.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.read(ctx, func(tx *Tx) error {
		return tx.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n)
	})
	return n, err
}

// UserByEmail finds a user by e-mail across all organisations (the address
// is unique in the installation and tells which organisation a user signs
// in to). ENOTFOUND if there is none.
func (db *DB) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	var u auth.User
	err := db.read(ctx, func(tx *Tx) (err error) {
		u, err = scanUser(tx.QueryRow(`SELECT `+userCols+` FROM users WHERE email = $1`, auth.NormalizeEmail(email)))
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "No user has the e-mail %s.", auth.NormalizeEmail(email))
		}
		return err
	})
	return u, err
}

// User returns one user of the organisation.
func (db *DB) User(ctx context.Context, sc account.Scope, id int64) (auth.User, error) {
	var u auth.User
	err := db.read(ctx, func(tx *Tx) (err error) {
		u, err = tx.user(sc.OrgID, id)
		return err
	})
	return u, err
}

func (tx *Tx) user(orgID, id int64) (auth.User, error) {
	u, err := scanUser(tx.QueryRow(`SELECT `+userCols+` FROM users WHERE org_id = $1 AND id = $2`, orgID, id))
	if isNoRows(err) {
		return u, account.Errorf(account.ENOTFOUND, "User %d not found.", id)
	}
	return u, err
}

// Users lists every user of the organisation by e-mail (users are few).
func (db *DB) Users(ctx context.Context, sc account.Scope) ([]auth.User, error) {
	var out []auth.User
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT `+userCols+` FROM users WHERE org_id = $1 ORDER BY email`, sc.OrgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				return err
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	return out, err
}

// CreateUser validates and inserts u into the organisation, filling its id
// and timestamps. u.PasswordHash must already be a hash (auth.HashPassword)
// or empty (no password sign-in). A user given no person is linked to the
// organisation's person with the same e-mail, if there is one not yet
// linked, so that ownership and team seats apply at once.
func (db *DB) CreateUser(ctx context.Context, sc account.Scope, u *auth.User) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		u.OrgID = sc.OrgID
		if u.PersonID == nil {
			var pid int64
			err := tx.QueryRow(`SELECT id FROM people p WHERE org_id = $1 AND email = $2
				AND NOT EXISTS (SELECT 1 FROM users u WHERE u.org_id = p.org_id AND u.person_id = p.id)`, sc.OrgID, u.Email).Scan(&pid)
			switch {
			case err == nil:
				u.PersonID = &pid
			case !isNoRows(err):
				return err
			}
		}
		if err := tx.mustExist("person_id", "people", sc.OrgID, u.PersonID); err != nil {
			return err
		}
		u.CreatedAt, u.UpdatedAt, u.LastSignInAt = tx.now, tx.now, fromMS(0)
		err := tx.QueryRow(`INSERT INTO users (org_id, person_id, email, name, role, password_hash, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			sc.OrgID, nullID(u.PersonID), u.Email, u.Name, u.Role, u.PasswordHash, u.Disabled, ms(tx.now)).Scan(&u.ID)
		if err != nil {
			return err
		}
		return tx.audit(sc, "create", "user", u.ID, 0, nil, u)
	})
}

// UpdateUser changes a user's e-mail, name, role, person and disabled flag
// (not the password: SetPassword). Disabling a user ends their sessions. The
// organisation always keeps at least one enabled administrator, so nobody
// can lock everyone out of user management.
func (db *DB) UpdateUser(ctx context.Context, sc account.Scope, u *auth.User) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.user(sc.OrgID, u.ID)
		if err != nil {
			return err
		}
		if err := tx.mustExist("person_id", "people", sc.OrgID, u.PersonID); err != nil {
			return err
		}
		wasAdmin := old.Role == auth.RoleAdministrator && !old.Disabled
		isAdmin := u.Role == auth.RoleAdministrator && !u.Disabled
		if wasAdmin && !isAdmin {
			var others int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM users WHERE org_id = $1 AND id <> $2 AND role = $3 AND NOT disabled`,
				sc.OrgID, u.ID, auth.RoleAdministrator).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return account.Errorf(account.ECONFLICT, "%s is the last administrator; make someone else administrator first.", old.Email)
			}
		}
		_, err = tx.Exec(`UPDATE users SET person_id = $3, email = $4, name = $5, role = $6, disabled = $7, updated_at = $8
			WHERE org_id = $1 AND id = $2`,
			sc.OrgID, u.ID, nullID(u.PersonID), u.Email, u.Name, u.Role, u.Disabled, ms(tx.now))
		if err != nil {
			return err
		}
		if u.Disabled && !old.Disabled {
			if _, err := tx.Exec(`DELETE FROM sessions WHERE org_id = $1 AND user_id = $2`, sc.OrgID, u.ID); err != nil {
				return err
			}
		}
		u.OrgID, u.PasswordHash = old.OrgID, old.PasswordHash
		u.CreatedAt, u.UpdatedAt, u.LastSignInAt = old.CreatedAt, tx.now, old.LastSignInAt
		return tx.audit(sc, "update", "user", u.ID, 0, &old, u)
	})
}

// SetPassword replaces a user's password hash (already hashed; "" removes
// password sign-in). It does not end sessions: a handler changing a
// password should also call DeleteUserSessions and sign the user in afresh.
// The audit trail records that the password changed, never the hash.
func (db *DB) SetPassword(ctx context.Context, sc account.Scope, userID int64, hash string) error {
	return db.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE users SET password_hash = $3, updated_at = $4 WHERE org_id = $1 AND id = $2`,
			sc.OrgID, userID, hash, ms(tx.now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return account.Errorf(account.ENOTFOUND, "User %d not found.", userID)
		}
		return tx.auditRaw(sc, "set_password", "user", userID, 0, map[string]Change{"password": {Old: nil, New: "(changed)"}})
	})
}
