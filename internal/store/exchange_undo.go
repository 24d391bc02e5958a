package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
)

// undoOrder deletes children before parents.
var undoOrder = []string{"contracts", "opportunities", "touches", "stakeholders", "accounts", "people", "products"}

// accountChildren are the tables whose rows hang off an account.
var accountChildren = []string{"stakeholders", "touches", "opportunities", "contracts"}

// UndoImport reverts a finished import: the records it created are removed
// and the records it updated get their earlier values back. It refuses (a
// conflict naming the reason) when any of those records changed since, or
// when records were added to accounts the batch created.
func (db *DB) UndoImport(ctx context.Context, sc account.Scope, id int64) (ImportBatch, error) {
	var b ImportBatch
	err := db.write(ctx, func(tx *Tx) error {
		var stamp int64
		row := tx.QueryRow(`SELECT `+importBatchCols+`, stamp FROM import_batches WHERE org_id = $1 AND id = $2`, sc.OrgID, id)
		var err error
		b, err = scanImportBatchStamp(row, &stamp)
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "Import %d not found.", id)
		}
		if err != nil {
			return err
		}
		if b.Status != "done" {
			return account.Errorf(account.ECONFLICT, "Only a finished import can be undone; import %d is %s.", id, b.Status)
		}
		type span struct {
			table       string
			first, last int64
		}
		var spans []span
		rows, err := tx.Query(`SELECT entity, first_id, last_id FROM import_created WHERE org_id = $1 AND batch_id = $2`, sc.OrgID, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var s span
			if err := rows.Scan(&s.table, &s.first, &s.last); err != nil {
				rows.Close()
				return err
			}
			if _, ok := tableKind[s.table]; !ok {
				rows.Close()
				return fmt.Errorf("undo: unknown table %q", s.table)
			}
			spans = append(spans, s)
		}
		rows.Close()
		type upd struct {
			table string
			id    int64
			old   undoOld
		}
		var upds []upd
		rows, err = tx.Query(`SELECT entity, record_id, old FROM import_updated WHERE org_id = $1 AND batch_id = $2`, sc.OrgID, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var u upd
			var js string
			if err := rows.Scan(&u.table, &u.id, &js); err != nil {
				rows.Close()
				return err
			}
			if err := json.Unmarshal([]byte(js), &u.old); err != nil {
				rows.Close()
				return fmt.Errorf("undo: read earlier values of %s %d: %w", u.table, u.id, err)
			}
			if _, ok := tableKind[u.table]; !ok {
				rows.Close()
				return fmt.Errorf("undo: unknown table %q", u.table)
			}
			upds = append(upds, u)
		}
		rows.Close()

		// Nothing may have changed since.
		for _, s := range spans {
			var n int64
			if err := tx.QueryRow(`SELECT COUNT(*) FROM `+s.table+` WHERE org_id = $1 AND id BETWEEN $2 AND $3 AND updated_at <> $4`,
				sc.OrgID, s.first, s.last, stamp).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return account.Errorf(account.ECONFLICT, "Cannot undo import %d: %d of the %s it created changed since.", id, n, s.table)
			}
			// updated_at misses a change made in the import's own
			// millisecond; the audit trail, written with every change,
			// does not.
			if n, err = tx.changedSince(sc.OrgID, s.table, s.first, s.last, stamp); err != nil {
				return err
			}
			if n > 0 {
				return account.Errorf(account.ECONFLICT, "Cannot undo import %d: %d of the %s it created changed since.", id, n, s.table)
			}
			if s.table == "products" {
				if n, err = tx.productsInUse(sc.OrgID, s.first, s.last); err != nil {
					return err
				}
				if n > 0 {
					return account.Errorf(account.ECONFLICT, "Cannot undo import %d: %d roadmap entries or needs refer to the products it created since.", id, n)
				}
			}
			if s.table == "accounts" {
				for _, c := range accountChildren {
					if err := tx.QueryRow(`SELECT COUNT(*) FROM `+c+` WHERE org_id = $1 AND account_id BETWEEN $2 AND $3 AND created_at > $4`,
						sc.OrgID, s.first, s.last, stamp).Scan(&n); err != nil {
						return err
					}
					if n > 0 {
						return account.Errorf(account.ECONFLICT, "Cannot undo import %d: %d %s were added to the accounts it created since.", id, n, c)
					}
				}
			}
		}
		for _, u := range upds {
			var at int64
			err := tx.QueryRow(`SELECT updated_at FROM `+u.table+` WHERE org_id = $1 AND id = $2`, sc.OrgID, u.id).Scan(&at)
			if isNoRows(err) {
				return account.Errorf(account.ECONFLICT, "Cannot undo import %d: a record it updated (%s %d) was deleted since.", id, u.table, u.id)
			}
			if err != nil {
				return err
			}
			n, err := tx.changedSince(sc.OrgID, u.table, u.id, u.id, stamp)
			if err != nil {
				return err
			}
			if at != stamp || n > 0 {
				return account.Errorf(account.ECONFLICT, "Cannot undo import %d: a record it updated (%s %d) changed since.", id, u.table, u.id)
			}
		}

		// Put back what was updated.
		im := &importer{ctx: ctx, tx: tx, sc: sc, stmts: map[string]*sql.Stmt{}}
		defer im.closeStmts()
		for _, u := range upds {
			if err := im.restore(u.table, u.old); err != nil {
				return fmt.Errorf("undo: restore %s %d: %w", u.table, u.id, err)
			}
			if ent := customEntityOf[u.table]; ent != "" {
				defs, err := im.customDefs(ent)
				if err != nil {
					return err
				}
				vals := map[string]string{}
				for k := range defs {
					vals[k] = u.old.Custom[k]
				}
				if err := tx.writeCustomValues(sc.OrgID, defs, u.id, vals); err != nil {
					return err
				}
			}
		}
		// Remove what was created.
		for _, t := range undoOrder {
			for _, s := range spans {
				if s.table != t {
					continue
				}
				if t == "accounts" {
					if _, err := tx.Exec(`UPDATE accounts SET parent_id = NULL WHERE org_id = $1 AND parent_id BETWEEN $2 AND $3 AND id NOT BETWEEN $2 AND $3`, sc.OrgID, s.first, s.last); err != nil {
						return err
					}
				}
				if _, err := tx.Exec(`DELETE FROM `+t+` WHERE org_id = $1 AND id BETWEEN $2 AND $3`, sc.OrgID, s.first, s.last); err != nil {
					return fmt.Errorf("undo: remove created %s: %w", t, err)
				}
			}
		}
		b.Status, b.UndoneAt = "undone", tx.now
		if _, err := tx.Exec(`UPDATE import_batches SET status = 'undone', undone_at = $3 WHERE org_id = $1 AND id = $2`, sc.OrgID, id, ms(tx.now)); err != nil {
			return err
		}
		return tx.auditRaw(sc, "undo_import", "import_batch", id, 0, map[string]Change{
			"status": {Old: "done", New: "undone"}, "removed": {New: b.Created}, "restored": {New: len(upds)},
		})
	})
	return b, err
}

var tableKind = map[string]exchange.Kind{
	"people": exchange.People, "accounts": exchange.Accounts, "stakeholders": exchange.Stakeholders,
	"touches": exchange.Touches, "opportunities": exchange.Opportunities, "contracts": exchange.Contracts,
	"products": exchange.Products,
}

var customEntityOf = map[string]string{"accounts": "account", "stakeholders": "stakeholder"}

func scanImportBatchStamp(r rowScanner, stamp *int64) (ImportBatch, error) {
	var b ImportBatch
	var s, f, u int64
	err := r.Scan(&b.ID, &b.UserID, &b.Actor, &b.Kind, &b.FileName, &b.Status, &b.OnError, &b.Lines, &b.Created,
		&b.Updated, &b.Unchanged, &b.Rejected, &b.Message, &s, &f, &u, stamp)
	b.StartedAt, b.FinishedAt, b.UndoneAt = fromMS(s), fromMS(f), fromMS(u)
	return b, err
}

// restore writes a record's earlier values back.
func (im *importer) restore(table string, old undoOld) error {
	switch table {
	case "people":
		var p account.Person
		if err := json.Unmarshal(old.Record, &p); err != nil {
			return err
		}
		return im.updatePerson(&p)
	case "accounts":
		var a account.Account
		if err := json.Unmarshal(old.Record, &a); err != nil {
			return err
		}
		return im.updateAccount(&a)
	case "stakeholders":
		var s account.Stakeholder
		if err := json.Unmarshal(old.Record, &s); err != nil {
			return err
		}
		return im.updateStakeholder(&s)
	case "touches":
		var t account.Touch
		if err := json.Unmarshal(old.Record, &t); err != nil {
			return err
		}
		return im.restoreTouch(&t)
	case "opportunities":
		var o account.Opportunity
		if err := json.Unmarshal(old.Record, &o); err != nil {
			return err
		}
		return im.updateOpportunity(&o)
	case "contracts":
		var c account.Contract
		if err := json.Unmarshal(old.Record, &c); err != nil {
			return err
		}
		return im.updateContract(&c)
	case "products":
		var p importedProduct
		if err := json.Unmarshal(old.Record, &p); err != nil {
			return err
		}
		return im.updateProduct(&p)
	}
	return fmt.Errorf("unknown table %q", table)
}

// auditEntity is the audit trail's name for the records of each table.
var auditEntity = map[string]string{"people": "person", "accounts": "account", "stakeholders": "stakeholder",
	"touches": "touch", "opportunities": "opportunity", "contracts": "contract", "products": "product"}

// changedSince counts the audit entries of changes other than imports to
// the table's records with ids in [first, last], at or after the instant.
func (tx *Tx) changedSince(orgID int64, table string, first, last, at int64) (int64, error) {
	var n int64
	err := tx.QueryRow(`SELECT COUNT(*) FROM audit WHERE org_id = $1 AND at >= $2 AND entity = $3
		AND entity_id BETWEEN $4 AND $5 AND action NOT LIKE 'import%'`, orgID, at, auditEntity[table], first, last).Scan(&n)
	return n, err
}
