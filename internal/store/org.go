package store

import (
	"context"

	"github.com/samwise-sam/samwise/internal/account"
)

// CreateOrganisation adds a workspace.
func (db *DB) CreateOrganisation(ctx context.Context, o *account.Organisation) error {
	if o.Name == "" || o.Slug == "" {
		return account.Errorf(account.EINVALID, "An organisation needs a name and a slug.")
	}
	return db.write(ctx, func(tx *Tx) error {
		o.CreatedAt = tx.now
		return tx.QueryRow(`INSERT INTO orgs (name, slug, created_at) VALUES ($1, $2, $3) RETURNING id`,
			o.Name, o.Slug, ms(tx.now)).Scan(&o.ID)
	})
}

// Organisations lists every workspace, oldest first.
func (db *DB) Organisations(ctx context.Context) ([]account.Organisation, error) {
	var out []account.Organisation
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT id, name, slug, created_at FROM orgs ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o account.Organisation
			var at int64
			if err := rows.Scan(&o.ID, &o.Name, &o.Slug, &at); err != nil {
				return err
			}
			o.CreatedAt = fromMS(at)
			out = append(out, o)
		}
		return rows.Err()
	})
	return out, err
}

// OrganisationBySlug finds a workspace by its slug.
func (db *DB) OrganisationBySlug(ctx context.Context, slug string) (account.Organisation, error) {
	var o account.Organisation
	err := db.read(ctx, func(tx *Tx) error {
		var at int64
		err := tx.QueryRow(`SELECT id, name, slug, created_at FROM orgs WHERE slug = $1`, slug).Scan(&o.ID, &o.Name, &o.Slug, &at)
		o.CreatedAt = fromMS(at)
		return err
	})
	return o, err
}

// exists reports whether table has a row with id in the organisation.
func (tx *Tx) exists(table string, orgID, id int64) (bool, error) {
	var one int
	err := tx.QueryRow(`SELECT 1 FROM `+table+` WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&one)
	if err != nil {
		if isNoRows(err) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// mustExist returns a field error when an optional reference points nowhere.
func (tx *Tx) mustExist(field, table string, orgID int64, id *int64) error {
	if id == nil || *id == 0 {
		return nil
	}
	ok, err := tx.exists(table, orgID, *id)
	if err != nil {
		return err
	}
	if !ok {
		return account.Invalid(field, "refers to no %s in this organisation", singular[table])
	}
	return nil
}

var singular = map[string]string{
	"accounts": "account", "people": "person", "stakeholders": "stakeholder",
	"touches": "touch", "opportunities": "opportunity", "contracts": "contract",
}
