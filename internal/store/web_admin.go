package store

import (
	"context"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
)

// FirstAdmin is what the first-run setup page asks for: the organisation's
// name (used only when the database has no organisation yet) and the first
// administrator, whose password is already hashed.
type FirstAdmin struct {
	OrgName      string
	Name         string
	Email        string
	PasswordHash string
}

// SetUpFirstAdmin creates, in one transaction, the first administrator of
// an installation that has no user at all: the organisation when there is
// none (otherwise the oldest one, e.g. demo data loaded without users), a
// person record for the administrator among "our people" (or the existing
// person with the same e-mail), and the user linked to it. ECONFLICT when
// any user exists already, so the page can be used once only, however many
// browsers submit it at the same moment.
func (db *DB) SetUpFirstAdmin(ctx context.Context, fa FirstAdmin) (auth.User, account.Organisation, error) {
	u := auth.User{Email: fa.Email, Name: fa.Name, Role: auth.RoleAdministrator, PasswordHash: fa.PasswordHash}
	u.Normalize()
	var fields []account.FieldError
	if err := u.Validate(); err != nil {
		fields = append(fields, account.ErrorFields(err)...)
	}
	if u.PasswordHash == "" {
		fields = append(fields, account.FieldError{Field: "password", Message: "is required"})
	}
	var org account.Organisation
	orgName := strings.TrimSpace(fa.OrgName)
	if len([]rune(orgName)) > 200 {
		fields = append(fields, account.FieldError{Field: "org_name", Message: "must be at most 200 characters"})
	}
	if len(fields) > 0 {
		return u, org, &account.Error{Code: account.EINVALID, Message: "The administrator has invalid field(s).", Fields: fields}
	}
	err := db.write(ctx, func(tx *Tx) error {
		if db.dialect == Postgres {
			// Two browsers submitting at once must not both find no user:
			// this lock mode conflicts with itself and with inserts, so the
			// second transaction waits and then sees the first one's user.
			// SQLite needs nothing: its write transactions already run one
			// at a time.
			if _, err := tx.Exec(`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return account.Errorf(account.ECONFLICT, "samwise is already set up: sign in, or ask an administrator for an account.")
		}
		var at int64
		createdOrg := false
		err := tx.QueryRow(`SELECT id, name, slug, created_at FROM orgs ORDER BY id LIMIT 1`).Scan(&org.ID, &org.Name, &org.Slug, &at)
		switch {
		case err == nil:
			org.CreatedAt = fromMS(at)
		case !isNoRows(err):
			return err
		case orgName == "":
			return account.Invalid("org_name", "is required")
		default:
			org = account.Organisation{Name: orgName, Slug: slugOf(orgName), CreatedAt: tx.now}
			if err := tx.QueryRow(`INSERT INTO orgs (name, slug, created_at) VALUES ($1, $2, $3) RETURNING id`,
				org.Name, org.Slug, ms(tx.now)).Scan(&org.ID); err != nil {
				return err
			}
			createdOrg = true
		}

		// The administrator's person record: ownership and team seats are
		// held by people, so without one the administrator could own nothing.
		p := account.Person{Name: u.Name, Email: u.Email}
		p.Normalize()
		createdPerson := false
		err = tx.QueryRow(`SELECT id, name, email, title, external_id FROM people WHERE org_id = $1 AND email = $2 ORDER BY id LIMIT 1`,
			org.ID, p.Email).Scan(&p.ID, &p.Name, &p.Email, &p.Title, &p.ExternalID)
		switch {
		case isNoRows(err):
			if err := p.Validate(); err != nil {
				return err
			}
			p.CreatedAt, p.UpdatedAt = tx.now, tx.now
			if err := tx.QueryRow(`INSERT INTO people (org_id, name, email, title, manager_id, external_id, created_at, updated_at)
				VALUES ($1, $2, $3, $4, NULL, $5, $6, $6) RETURNING id`,
				org.ID, p.Name, p.Email, p.Title, p.ExternalID, ms(tx.now)).Scan(&p.ID); err != nil {
				return err
			}
			createdPerson = true
		case err != nil:
			return err
		}

		u.OrgID, u.PersonID = org.ID, &p.ID
		u.CreatedAt, u.UpdatedAt = tx.now, tx.now
		if err := tx.QueryRow(`INSERT INTO users (org_id, person_id, email, name, role, password_hash, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			org.ID, p.ID, u.Email, u.Name, u.Role, u.PasswordHash, false, ms(tx.now)).Scan(&u.ID); err != nil {
			return err
		}

		// The trail names the new administrator as the actor of their own
		// setup: nobody else was there.
		sc := account.Scope{OrgID: org.ID, UserID: u.ID, Actor: u.Email}
		if createdOrg {
			if err := tx.auditRaw(sc, "create", "organisation", org.ID, 0,
				map[string]Change{"name": {New: org.Name}, "slug": {New: org.Slug}}); err != nil {
				return err
			}
		}
		if createdPerson {
			if err := tx.audit(sc, "create", "person", p.ID, 0, nil, &p); err != nil {
				return err
			}
		}
		return tx.audit(sc, "create", "user", u.ID, 0, nil, &u)
	})
	if err != nil {
		return auth.User{}, account.Organisation{}, err
	}
	return u, org, nil
}

// slugOf turns an organisation's name into its slug: lower-case letters and
// digits of the name joined by dashes, at most 40 characters; "default" when
// nothing is left.
func slugOf(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	if b.Len() == 0 {
		return "default"
	}
	return strings.TrimRight(b.String()[:min(b.Len(), 40)], "-")
}

// Organisation returns the scope's organisation.
func (db *DB) Organisation(ctx context.Context, sc account.Scope) (account.Organisation, error) {
	var o account.Organisation
	err := db.read(ctx, func(tx *Tx) error {
		var at int64
		err := tx.QueryRow(`SELECT id, name, slug, created_at FROM orgs WHERE id = $1`, sc.OrgID).Scan(&o.ID, &o.Name, &o.Slug, &at)
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "Organisation %d not found.", sc.OrgID)
		}
		o.CreatedAt = fromMS(at)
		return err
	})
	return o, err
}

// AuditEntities lists the entity names that occur in the organisation's
// audit trail, in alphabetical order, for the audit page's filter. It walks
// the (org_id, entity, entity_id) index one distinct name at a time (a
// "loose index scan" written as a recursive query, which both databases
// run), so it costs one index seek per name rather than a scan of a trail
// that may hold millions of entries.
func (db *DB) AuditEntities(ctx context.Context, sc account.Scope) ([]string, error) {
	var out []string
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`WITH RECURSIVE e(name) AS (
				SELECT MIN(entity) FROM audit WHERE org_id = $1
				UNION ALL
				SELECT (SELECT MIN(entity) FROM audit WHERE org_id = $1 AND entity > e.name) FROM e WHERE e.name IS NOT NULL
			)
			SELECT name FROM e WHERE name IS NOT NULL`, sc.OrgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	return out, err
}
