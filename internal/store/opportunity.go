package store

import (
	"context"
	"database/sql"

	"github.com/samwise-sam/samwise/internal/account"
)

const opportunityCols = `id, account_id, owner_id, name, product, kind, stage, amount, currency, expected_close,
	actual_close, external_id, created_at, updated_at`

func scanOpportunity(r rowScanner) (account.Opportunity, error) {
	var o account.Opportunity
	var owner sql.NullInt64
	var expected, actual string
	var created, updated int64
	err := r.Scan(&o.ID, &o.AccountID, &owner, &o.Name, &o.Product, &o.Kind, &o.Stage, &o.Amount, &o.Currency,
		&expected, &actual, &o.ExternalID, &created, &updated)
	o.OwnerID = idPtr(owner)
	o.ExpectedClose, o.ActualClose = parseDate(expected), parseDate(actual)
	o.CreatedAt, o.UpdatedAt = fromMS(created), fromMS(updated)
	return o, err
}

// Opportunity returns one opportunity.
func (db *DB) Opportunity(ctx context.Context, sc account.Scope, id int64) (account.Opportunity, error) {
	var o account.Opportunity
	err := db.read(ctx, func(tx *Tx) (err error) {
		o, err = tx.opportunity(sc.OrgID, id)
		return err
	})
	return o, err
}

func (tx *Tx) opportunity(orgID, id int64) (account.Opportunity, error) {
	o, err := scanOpportunity(tx.QueryRow(`SELECT `+opportunityCols+` FROM opportunities WHERE org_id = $1 AND id = $2`, orgID, id))
	if isNoRows(err) {
		return o, account.Errorf(account.ENOTFOUND, "Opportunity %d not found.", id)
	}
	return o, err
}

// Opportunities lists opportunities. Sorts: name (default), amount,
// expected_close, updated_at.
func (db *DB) Opportunities(ctx context.Context, sc account.Scope, f account.OpportunityFilter) ([]account.Opportunity, string, error) {
	l := &lister[account.Opportunity]{table: "opportunities", cols: opportunityCols, scan: scanOpportunity, orgID: sc.OrgID,
		id: func(o *account.Opportunity) int64 { return o.ID }, def: "name",
		sorts: map[string]sortKey[account.Opportunity]{
			"name":           {"name", func(o *account.Opportunity) any { return o.Name }},
			"amount":         {"amount", func(o *account.Opportunity) any { return o.Amount }},
			"expected_close": {"expected_close", func(o *account.Opportunity) any { return o.ExpectedClose.String() }},
			"updated_at":     {"updated_at", func(o *account.Opportunity) any { return ms(o.UpdatedAt) }},
		}}
	if f.AccountID != 0 {
		l.where("account_id = ?", f.AccountID)
	}
	if f.OwnerID != 0 {
		l.where("owner_id = ?", f.OwnerID)
	}
	if f.Stage != "" {
		l.where("stage = ?", string(f.Stage))
	}
	if f.Kind != "" {
		l.where("kind = ?", string(f.Kind))
	}
	l.search(f.Q, "name", "product")
	l.visibleTo(f.VisibleTo, "account_id")
	var out []account.Opportunity
	var next string
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, next, err = l.run(tx, f.Page)
		return err
	})
	return out, next, err
}

// CreateOpportunity validates and inserts o.
func (db *DB) CreateOpportunity(ctx context.Context, sc account.Scope, o *account.Opportunity) error {
	o.Normalize()
	if err := o.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("account_id", "accounts", sc.OrgID, &o.AccountID); err != nil {
			return err
		}
		if err := tx.mustExist("owner_id", "people", sc.OrgID, o.OwnerID); err != nil {
			return err
		}
		o.CreatedAt, o.UpdatedAt = tx.now, tx.now
		err := tx.QueryRow(`INSERT INTO opportunities (org_id, account_id, owner_id, name, product, kind, stage, amount,
			currency, expected_close, actual_close, external_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			sc.OrgID, o.AccountID, nullID(o.OwnerID), o.Name, o.Product, o.Kind, o.Stage, o.Amount, o.Currency,
			o.ExpectedClose.String(), o.ActualClose.String(), o.ExternalID, ms(tx.now)).Scan(&o.ID)
		if err != nil {
			return err
		}
		return tx.audit(sc, "create", "opportunity", o.ID, o.AccountID, nil, o)
	})
}

// UpdateOpportunity replaces every editable field of opportunity o.ID.
func (db *DB) UpdateOpportunity(ctx context.Context, sc account.Scope, o *account.Opportunity) error {
	o.Normalize()
	if err := o.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.opportunity(sc.OrgID, o.ID)
		if err != nil {
			return err
		}
		if o.AccountID != old.AccountID {
			return account.Invalid("account_id", "cannot change")
		}
		if err := tx.mustExist("owner_id", "people", sc.OrgID, o.OwnerID); err != nil {
			return err
		}
		o.CreatedAt, o.UpdatedAt = old.CreatedAt, tx.now
		_, err = tx.Exec(`UPDATE opportunities SET owner_id = $3, name = $4, product = $5, kind = $6, stage = $7,
			amount = $8, currency = $9, expected_close = $10, actual_close = $11, external_id = $12, updated_at = $13
			WHERE org_id = $1 AND id = $2`,
			sc.OrgID, o.ID, nullID(o.OwnerID), o.Name, o.Product, o.Kind, o.Stage, o.Amount, o.Currency,
			o.ExpectedClose.String(), o.ActualClose.String(), o.ExternalID, ms(tx.now))
		if err != nil {
			return err
		}
		return tx.audit(sc, "update", "opportunity", o.ID, o.AccountID, &old, o)
	})
}

// DeleteOpportunity removes an opportunity.
func (db *DB) DeleteOpportunity(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.opportunity(sc.OrgID, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM opportunities WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "opportunity", id, old.AccountID, &old, nil)
	})
}
