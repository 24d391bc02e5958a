package store

import (
	"context"

	"github.com/samwise-sam/samwise/internal/account"
)

const stakeholderCols = `id, account_id, name, title, email, phone, level, buying_role, active, external_id, created_at, updated_at`

func scanStakeholder(r rowScanner) (account.Stakeholder, error) {
	var s account.Stakeholder
	var created, updated int64
	err := r.Scan(&s.ID, &s.AccountID, &s.Name, &s.Title, &s.Email, &s.Phone, &s.Level, &s.BuyingRole, &s.Active,
		&s.ExternalID, &created, &updated)
	s.CreatedAt, s.UpdatedAt = fromMS(created), fromMS(updated)
	return s, err
}

// Stakeholder returns one stakeholder.
func (db *DB) Stakeholder(ctx context.Context, sc account.Scope, id int64) (account.Stakeholder, error) {
	var s account.Stakeholder
	err := db.read(ctx, func(tx *Tx) (err error) {
		s, err = tx.stakeholder(sc.OrgID, id)
		return err
	})
	return s, err
}

func (tx *Tx) stakeholder(orgID, id int64) (account.Stakeholder, error) {
	s, err := scanStakeholder(tx.QueryRow(`SELECT `+stakeholderCols+` FROM stakeholders WHERE org_id = $1 AND id = $2`, orgID, id))
	if isNoRows(err) {
		return s, account.Errorf(account.ENOTFOUND, "Stakeholder %d not found.", id)
	}
	return s, err
}

// Stakeholders lists stakeholders. Sorts: name (default), level, updated_at.
func (db *DB) Stakeholders(ctx context.Context, sc account.Scope, f account.StakeholderFilter) ([]account.Stakeholder, string, error) {
	l := &lister[account.Stakeholder]{table: "stakeholders", cols: stakeholderCols, scan: scanStakeholder, orgID: sc.OrgID,
		id: func(s *account.Stakeholder) int64 { return s.ID }, def: "name",
		sorts: map[string]sortKey[account.Stakeholder]{
			"name":       {"name", func(s *account.Stakeholder) any { return s.Name }},
			"level":      {"level", func(s *account.Stakeholder) any { return string(s.Level) }},
			"updated_at": {"updated_at", func(s *account.Stakeholder) any { return ms(s.UpdatedAt) }},
		}}
	if f.AccountID != 0 {
		l.where("account_id = ?", f.AccountID)
	}
	if f.Level != "" {
		l.where("level = ?", string(f.Level))
	}
	if f.BuyingRole != "" {
		l.where("buying_role = ?", string(f.BuyingRole))
	}
	if f.Active != nil {
		l.where("active = ?", *f.Active)
	}
	l.search(f.Q, "name", "title", "email")
	l.visibleTo(f.VisibleTo, "account_id")
	var out []account.Stakeholder
	var next string
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, next, err = l.run(tx, f.Page)
		return err
	})
	return out, next, err
}

// CreateStakeholder validates and inserts s.
func (db *DB) CreateStakeholder(ctx context.Context, sc account.Scope, s *account.Stakeholder) error {
	return db.CreateStakeholderWithValues(ctx, sc, s, nil)
}

// CreateStakeholderWithValues validates and inserts s with its custom
// values (as SetCustomValues takes them) in one transaction: a bad value
// saves neither.
func (db *DB) CreateStakeholderWithValues(ctx context.Context, sc account.Scope, s *account.Stakeholder, custom map[string]string) error {
	s.Normalize()
	if err := s.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("account_id", "accounts", sc.OrgID, &s.AccountID); err != nil {
			return err
		}
		s.CreatedAt, s.UpdatedAt = tx.now, tx.now
		err := tx.QueryRow(`INSERT INTO stakeholders (org_id, account_id, name, title, email, phone, level, buying_role,
			active, external_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			sc.OrgID, s.AccountID, s.Name, s.Title, s.Email, s.Phone, s.Level, s.BuyingRole, s.Active, s.ExternalID, ms(tx.now)).Scan(&s.ID)
		if err != nil {
			return err
		}
		if err := tx.audit(sc, "create", "stakeholder", s.ID, s.AccountID, nil, s); err != nil {
			return err
		}
		return tx.setCustomValues(sc, "stakeholder", s.ID, s.AccountID, custom)
	})
}

// UpdateStakeholder replaces every editable field of stakeholder s.ID.
func (db *DB) UpdateStakeholder(ctx context.Context, sc account.Scope, s *account.Stakeholder) error {
	return db.UpdateStakeholderWithValues(ctx, sc, s, nil)
}

// UpdateStakeholderWithValues is UpdateStakeholder and SetCustomValues in
// one transaction.
func (db *DB) UpdateStakeholderWithValues(ctx context.Context, sc account.Scope, s *account.Stakeholder, custom map[string]string) error {
	s.Normalize()
	if err := s.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.stakeholder(sc.OrgID, s.ID)
		if err != nil {
			return err
		}
		if s.AccountID != old.AccountID {
			return account.Invalid("account_id", "cannot change; a stakeholder stays with their account")
		}
		s.CreatedAt, s.UpdatedAt = old.CreatedAt, tx.now
		_, err = tx.Exec(`UPDATE stakeholders SET name = $3, title = $4, email = $5, phone = $6, level = $7,
			buying_role = $8, active = $9, external_id = $10, updated_at = $11 WHERE org_id = $1 AND id = $2`,
			sc.OrgID, s.ID, s.Name, s.Title, s.Email, s.Phone, s.Level, s.BuyingRole, s.Active, s.ExternalID, ms(tx.now))
		if err != nil {
			return err
		}
		if err := tx.audit(sc, "update", "stakeholder", s.ID, s.AccountID, &old, s); err != nil {
			return err
		}
		return tx.setCustomValues(sc, "stakeholder", s.ID, s.AccountID, custom)
	})
}

// DeleteStakeholder removes a stakeholder; touches keep their other attendees.
func (db *DB) DeleteStakeholder(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.stakeholder(sc.OrgID, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM stakeholders WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "stakeholder", id, old.AccountID, &old, nil)
	})
}
