package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
)

const accountCols = `id, name, domain, industry, employees, annual_revenue, currency, region, country,
	parent_id, lifecycle, owner_id, external_id, created_at, updated_at`

func scanAccount(r rowScanner) (account.Account, error) {
	var a account.Account
	var parent, owner sql.NullInt64
	var created, updated int64
	err := r.Scan(&a.ID, &a.Name, &a.Domain, &a.Industry, &a.Employees, &a.AnnualRevenue, &a.Currency,
		&a.Region, &a.Country, &parent, &a.Lifecycle, &owner, &a.ExternalID, &created, &updated)
	a.ParentID, a.OwnerID = idPtr(parent), idPtr(owner)
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return a, err
}

// Account returns one account of the organisation.
func (db *DB) Account(ctx context.Context, sc account.Scope, id int64) (account.Account, error) {
	var a account.Account
	err := db.read(ctx, func(tx *Tx) (err error) {
		a, err = tx.account(sc.OrgID, id)
		return err
	})
	return a, err
}

func (tx *Tx) account(orgID, id int64) (account.Account, error) {
	a, err := scanAccount(tx.QueryRow(`SELECT `+accountCols+` FROM accounts WHERE org_id = $1 AND id = $2`, orgID, id))
	if isNoRows(err) {
		return a, account.Errorf(account.ENOTFOUND, "Account %d not found.", id)
	}
	return a, err
}

// AccountsByID returns the named accounts keyed by id, in one query (for
// pages that show names beside ids).
func (db *DB) AccountsByID(ctx context.Context, sc account.Scope, ids []int64) (map[int64]account.Account, error) {
	out := make(map[int64]account.Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := db.read(ctx, func(tx *Tx) error {
		q, args := inList(`SELECT `+accountCols+` FROM accounts WHERE org_id = $1 AND id IN `, sc.OrgID, ids)
		rows, err := tx.Query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAccount(rows)
			if err != nil {
				return err
			}
			out[a.ID] = a
		}
		return rows.Err()
	})
	return out, err
}

var accountSorts = map[string]sortKey[account.Account]{
	"name":           {"name_key", func(a *account.Account) any { return strings.ToLower(a.Name) }},
	"updated_at":     {"updated_at", func(a *account.Account) any { return ms(a.UpdatedAt) }},
	"created_at":     {"created_at", func(a *account.Account) any { return ms(a.CreatedAt) }},
	"annual_revenue": {"annual_revenue", func(a *account.Account) any { return a.AnnualRevenue }},
	"employees":      {"employees", func(a *account.Account) any { return a.Employees }},
	"industry":       {"industry", func(a *account.Account) any { return a.Industry }},
}

// Accounts lists accounts. Sorts: name (default), updated_at, created_at,
// annual_revenue, employees, industry.
func (db *DB) Accounts(ctx context.Context, sc account.Scope, f account.AccountFilter) ([]account.Account, string, error) {
	l := &lister[account.Account]{table: "accounts", cols: accountCols, scan: scanAccount, orgID: sc.OrgID,
		id: func(a *account.Account) int64 { return a.ID }, sorts: accountSorts, def: "name"}
	if f.OwnerID != 0 {
		l.where("owner_id = ?", f.OwnerID)
	}
	if f.ParentID != 0 {
		l.where("parent_id = ?", f.ParentID)
	}
	if f.Industry != "" {
		l.where("industry = ?", f.Industry)
	}
	if f.Lifecycle != "" {
		l.where("lifecycle = ?", string(f.Lifecycle))
	}
	if f.Country != "" {
		l.where("country = ?", f.Country)
	}
	if f.Region != "" {
		l.where("region = ?", f.Region)
	}
	l.search(f.Q, "name", "domain")
	l.visibleTo(f.VisibleTo, "id")
	var out []account.Account
	var next string
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, next, err = l.run(tx, f.Page)
		return err
	})
	return out, next, err
}

// CreateAccount validates and inserts a, filling its id and timestamps.
func (db *DB) CreateAccount(ctx context.Context, sc account.Scope, a *account.Account) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.checkAccountRefs(sc.OrgID, a); err != nil {
			return err
		}
		a.CreatedAt, a.UpdatedAt = tx.now, tx.now
		err := tx.QueryRow(`INSERT INTO accounts (org_id, name, name_key, domain, industry, employees, annual_revenue,
			currency, region, country, parent_id, lifecycle, owner_id, external_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id`,
			sc.OrgID, a.Name, strings.ToLower(a.Name), a.Domain, a.Industry, a.Employees, a.AnnualRevenue, a.Currency,
			a.Region, a.Country, nullID(a.ParentID), a.Lifecycle, nullID(a.OwnerID), a.ExternalID, ms(tx.now)).Scan(&a.ID)
		if err != nil {
			return err
		}
		return tx.audit(sc, "create", "account", a.ID, a.ID, nil, a)
	})
}

// UpdateAccount replaces every editable field of the account a.ID.
func (db *DB) UpdateAccount(ctx context.Context, sc account.Scope, a *account.Account) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.account(sc.OrgID, a.ID)
		if err != nil {
			return err
		}
		if err := tx.checkAccountRefs(sc.OrgID, a); err != nil {
			return err
		}
		a.CreatedAt, a.UpdatedAt = old.CreatedAt, tx.now
		_, err = tx.Exec(`UPDATE accounts SET name = $3, name_key = $4, domain = $5, industry = $6, employees = $7,
			annual_revenue = $8, currency = $9, region = $10, country = $11, parent_id = $12, lifecycle = $13,
			owner_id = $14, external_id = $15, updated_at = $16 WHERE org_id = $1 AND id = $2`,
			sc.OrgID, a.ID, a.Name, strings.ToLower(a.Name), a.Domain, a.Industry, a.Employees, a.AnnualRevenue,
			a.Currency, a.Region, a.Country, nullID(a.ParentID), a.Lifecycle, nullID(a.OwnerID), a.ExternalID, ms(tx.now))
		if err != nil {
			return err
		}
		return tx.audit(sc, "update", "account", a.ID, a.ID, &old, a)
	})
}

// checkAccountRefs rejects an owner or parent outside the organisation and a
// parent chain that would loop back to the account.
func (tx *Tx) checkAccountRefs(orgID int64, a *account.Account) error {
	if err := tx.mustExist("owner_id", "people", orgID, a.OwnerID); err != nil {
		return err
	}
	if err := tx.mustExist("parent_id", "accounts", orgID, a.ParentID); err != nil {
		return err
	}
	if a.ParentID == nil || a.ID == 0 {
		return nil
	}
	// Walk up from the new parent; meeting the account itself means a cycle.
	cur := *a.ParentID
	for depth := 0; cur != 0 && depth < 100; depth++ {
		if cur == a.ID {
			return account.Invalid("parent_id", "would make the account its own ancestor")
		}
		var next sql.NullInt64
		if err := tx.QueryRow(`SELECT parent_id FROM accounts WHERE org_id = $1 AND id = $2`, orgID, cur).Scan(&next); err != nil {
			return err
		}
		cur = next.Int64
	}
	return nil
}

// DeleteAccount removes an account with its stakeholders, touches,
// opportunities and contracts; child accounts lose their parent.
func (db *DB) DeleteAccount(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.account(sc.OrgID, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE accounts SET parent_id = NULL, updated_at = $3 WHERE org_id = $1 AND parent_id = $2`, sc.OrgID, id, ms(tx.now)); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM accounts WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "account", id, id, &old, nil)
	})
}

// Industries lists the distinct industries in use (for filters).
func (db *DB) Industries(ctx context.Context, sc account.Scope) ([]string, error) {
	var out []string
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT DISTINCT industry FROM accounts WHERE org_id = $1 AND industry <> '' ORDER BY industry`, sc.OrgID)
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

// inList appends "(7, 12, …)" for ids to q; orgID is the only argument
// ($1). The ids are integers written as literals: nothing to escape, no limit
// on how many (PostgreSQL takes at most 65,535 arguments), and no numbered
// placeholders, whose binding costs O(n²) on SQLite.
func inList(q string, orgID int64, ids []int64) (string, []any) {
	b := make([]byte, 0, len(q)+2+len(ids)*8)
	b = append(b, q...)
	b = append(b, '(')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, id, 10)
	}
	b = append(b, ')')
	return string(b), []any{orgID}
}
