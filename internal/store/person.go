package store

import (
	"context"
	"database/sql"

	"github.com/samwise-sam/samwise/internal/account"
)

const personCols = `id, name, email, title, manager_id, external_id, created_at, updated_at`

func scanPerson(r rowScanner) (account.Person, error) {
	var p account.Person
	var mgr sql.NullInt64
	var created, updated int64
	err := r.Scan(&p.ID, &p.Name, &p.Email, &p.Title, &mgr, &p.ExternalID, &created, &updated)
	p.ManagerID = idPtr(mgr)
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return p, err
}

// Person returns one of our people.
func (db *DB) Person(ctx context.Context, sc account.Scope, id int64) (account.Person, error) {
	var p account.Person
	err := db.read(ctx, func(tx *Tx) (err error) {
		p, err = tx.person(sc.OrgID, id)
		return err
	})
	return p, err
}

func (tx *Tx) person(orgID, id int64) (account.Person, error) {
	p, err := scanPerson(tx.QueryRow(`SELECT `+personCols+` FROM people WHERE org_id = $1 AND id = $2`, orgID, id))
	if isNoRows(err) {
		return p, account.Errorf(account.ENOTFOUND, "Person %d not found.", id)
	}
	return p, err
}

// People lists our people. Sorts: name (default), email, updated_at.
func (db *DB) People(ctx context.Context, sc account.Scope, f account.PersonFilter) ([]account.Person, string, error) {
	l := &lister[account.Person]{table: "people", cols: personCols, scan: scanPerson, orgID: sc.OrgID,
		id: func(p *account.Person) int64 { return p.ID }, def: "name",
		sorts: map[string]sortKey[account.Person]{
			"name":       {"name", func(p *account.Person) any { return p.Name }},
			"email":      {"email", func(p *account.Person) any { return p.Email }},
			"updated_at": {"updated_at", func(p *account.Person) any { return ms(p.UpdatedAt) }},
		}}
	if f.ManagerID != 0 {
		l.where("manager_id = ?", f.ManagerID)
	}
	l.search(f.Q, "name", "email")
	var out []account.Person
	var next string
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, next, err = l.run(tx, f.Page)
		return err
	})
	return out, next, err
}

// AllPeople returns every person of the organisation by name (people are few:
// tens to hundreds), for pickers and name look-ups.
func (db *DB) AllPeople(ctx context.Context, sc account.Scope) ([]account.Person, error) {
	var out []account.Person
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT `+personCols+` FROM people WHERE org_id = $1 ORDER BY name, id`, sc.OrgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPerson(rows)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// CreatePerson validates and inserts p.
func (db *DB) CreatePerson(ctx context.Context, sc account.Scope, p *account.Person) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("manager_id", "people", sc.OrgID, p.ManagerID); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = tx.now, tx.now
		err := tx.QueryRow(`INSERT INTO people (org_id, name, email, title, manager_id, external_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			sc.OrgID, p.Name, p.Email, p.Title, nullID(p.ManagerID), p.ExternalID, ms(tx.now)).Scan(&p.ID)
		if err != nil {
			return err
		}
		return tx.audit(sc, "create", "person", p.ID, 0, nil, p)
	})
}

// UpdatePerson replaces every editable field of person p.ID.
func (db *DB) UpdatePerson(ctx context.Context, sc account.Scope, p *account.Person) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.person(sc.OrgID, p.ID)
		if err != nil {
			return err
		}
		if err := tx.mustExist("manager_id", "people", sc.OrgID, p.ManagerID); err != nil {
			return err
		}
		// A manager chain must not loop.
		for cur, depth := nullID(p.ManagerID), 0; cur != nil && depth < 100; depth++ {
			if cur.(int64) == p.ID {
				return account.Invalid("manager_id", "would make the person their own manager")
			}
			var next sql.NullInt64
			if err := tx.QueryRow(`SELECT manager_id FROM people WHERE org_id = $1 AND id = $2`, sc.OrgID, cur).Scan(&next); err != nil {
				return err
			}
			cur = nil
			if next.Valid {
				cur = next.Int64
			}
		}
		p.CreatedAt, p.UpdatedAt = old.CreatedAt, tx.now
		_, err = tx.Exec(`UPDATE people SET name = $3, email = $4, title = $5, manager_id = $6, external_id = $7,
			updated_at = $8 WHERE org_id = $1 AND id = $2`,
			sc.OrgID, p.ID, p.Name, p.Email, p.Title, nullID(p.ManagerID), p.ExternalID, ms(tx.now))
		if err != nil {
			return err
		}
		return tx.audit(sc, "update", "person", p.ID, 0, &old, p)
	})
}

// DeletePerson removes a person. Accounts and opportunities they owned become
// unassigned and their reports lose their manager, in the same transaction.
func (db *DB) DeletePerson(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.person(sc.OrgID, id)
		if err != nil {
			return err
		}
		for _, q := range []string{
			`UPDATE accounts SET owner_id = NULL, updated_at = $3 WHERE org_id = $1 AND owner_id = $2`,
			`UPDATE opportunities SET owner_id = NULL, updated_at = $3 WHERE org_id = $1 AND owner_id = $2`,
			`UPDATE people SET manager_id = NULL, updated_at = $3 WHERE org_id = $1 AND manager_id = $2`,
			`UPDATE users SET person_id = NULL, updated_at = $3 WHERE org_id = $1 AND person_id = $2`,
		} {
			if _, err := tx.Exec(q, sc.OrgID, id, ms(tx.now)); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`DELETE FROM people WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "person", id, 0, &old, nil)
	})
}
