package store

import (
	"context"

	"github.com/samwise-sam/samwise/internal/account"
)

const contractCols = `id, account_id, product, annual_value, currency, start_date, end_date, auto_renew, status,
	external_id, created_at, updated_at`

func scanContract(r rowScanner) (account.Contract, error) {
	var c account.Contract
	var start, end string
	var created, updated int64
	err := r.Scan(&c.ID, &c.AccountID, &c.Product, &c.AnnualValue, &c.Currency, &start, &end, &c.AutoRenew, &c.Status,
		&c.ExternalID, &created, &updated)
	c.Start, c.End = parseDate(start), parseDate(end)
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return c, err
}

// Contract returns one contract.
func (db *DB) Contract(ctx context.Context, sc account.Scope, id int64) (account.Contract, error) {
	var c account.Contract
	err := db.read(ctx, func(tx *Tx) (err error) {
		c, err = tx.contract(sc.OrgID, id)
		return err
	})
	return c, err
}

func (tx *Tx) contract(orgID, id int64) (account.Contract, error) {
	c, err := scanContract(tx.QueryRow(`SELECT `+contractCols+` FROM contracts WHERE org_id = $1 AND id = $2`, orgID, id))
	if isNoRows(err) {
		return c, account.Errorf(account.ENOTFOUND, "Contract %d not found.", id)
	}
	return c, err
}

// Contracts lists contracts. Sorts: end (default), start, annual_value,
// product, updated_at.
func (db *DB) Contracts(ctx context.Context, sc account.Scope, f account.ContractFilter) ([]account.Contract, string, error) {
	l := &lister[account.Contract]{table: "contracts", cols: contractCols, scan: scanContract, orgID: sc.OrgID,
		id: func(c *account.Contract) int64 { return c.ID }, def: "end",
		sorts: map[string]sortKey[account.Contract]{
			"end":          {"end_date", func(c *account.Contract) any { return c.End.String() }},
			"start":        {"start_date", func(c *account.Contract) any { return c.Start.String() }},
			"annual_value": {"annual_value", func(c *account.Contract) any { return c.AnnualValue }},
			"product":      {"product", func(c *account.Contract) any { return c.Product }},
			"updated_at":   {"updated_at", func(c *account.Contract) any { return ms(c.UpdatedAt) }},
		}}
	if f.AccountID != 0 {
		l.where("account_id = ?", f.AccountID)
	}
	if f.Status != "" {
		l.where("status = ?", string(f.Status))
	}
	l.search(f.Q, "product")
	l.visibleTo(f.VisibleTo, "account_id")
	var out []account.Contract
	var next string
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, next, err = l.run(tx, f.Page)
		return err
	})
	return out, next, err
}

// CreateContract validates and inserts c.
func (db *DB) CreateContract(ctx context.Context, sc account.Scope, c *account.Contract) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("account_id", "accounts", sc.OrgID, &c.AccountID); err != nil {
			return err
		}
		c.CreatedAt, c.UpdatedAt = tx.now, tx.now
		err := tx.QueryRow(`INSERT INTO contracts (org_id, account_id, product, annual_value, currency, start_date,
			end_date, auto_renew, status, external_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			sc.OrgID, c.AccountID, c.Product, c.AnnualValue, c.Currency, c.Start.String(), c.End.String(), c.AutoRenew,
			c.Status, c.ExternalID, ms(tx.now)).Scan(&c.ID)
		if err != nil {
			return err
		}
		return tx.audit(sc, "create", "contract", c.ID, c.AccountID, nil, c)
	})
}

// UpdateContract replaces every editable field of contract c.ID.
func (db *DB) UpdateContract(ctx context.Context, sc account.Scope, c *account.Contract) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.contract(sc.OrgID, c.ID)
		if err != nil {
			return err
		}
		if c.AccountID != old.AccountID {
			return account.Invalid("account_id", "cannot change")
		}
		c.CreatedAt, c.UpdatedAt = old.CreatedAt, tx.now
		_, err = tx.Exec(`UPDATE contracts SET product = $3, annual_value = $4, currency = $5, start_date = $6,
			end_date = $7, auto_renew = $8, status = $9, external_id = $10, updated_at = $11 WHERE org_id = $1 AND id = $2`,
			sc.OrgID, c.ID, c.Product, c.AnnualValue, c.Currency, c.Start.String(), c.End.String(), c.AutoRenew, c.Status,
			c.ExternalID, ms(tx.now))
		if err != nil {
			return err
		}
		return tx.audit(sc, "update", "contract", c.ID, c.AccountID, &old, c)
	})
}

// DeleteContract removes a contract.
func (db *DB) DeleteContract(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.contract(sc.OrgID, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM contracts WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "contract", id, old.AccountID, &old, nil)
	})
}
