package store

import (
	"context"
	"encoding/json"
	"maps"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
)

// Custom fields: definitions in custom_fields, values as canonical text in
// custom_values (one row per record and field; an empty value is no row).

const customFieldCols = `id, entity, key, label, type, choices, position, created_at, updated_at`

func scanCustomField(r rowScanner) (exchange.CustomField, error) {
	var f exchange.CustomField
	var choices string
	var c, u int64
	err := r.Scan(&f.ID, &f.Entity, &f.Key, &f.Label, &f.Type, &choices, &f.Position, &c, &u)
	f.Created, f.Updated = fromMS(c), fromMS(u)
	if err == nil {
		_ = json.Unmarshal([]byte(choices), &f.Choices)
	}
	return f, err
}

// CustomFields lists an organisation's custom fields for entity (account or
// stakeholder; "" for both), in display order.
func (db *DB) CustomFields(ctx context.Context, sc account.Scope, entity string) ([]exchange.CustomField, error) {
	var out []exchange.CustomField
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, err = tx.customFields(sc.OrgID, entity)
		return err
	})
	return out, err
}

func (tx *Tx) customFields(orgID int64, entity string) ([]exchange.CustomField, error) {
	rows, err := tx.Query(`SELECT `+customFieldCols+` FROM custom_fields WHERE org_id = $1 AND (entity = $2 OR $2 = '') ORDER BY entity, position, id`, orgID, entity)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exchange.CustomField
	for rows.Next() {
		f, err := scanCustomField(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func builtinColumns(entity string) []string {
	if entity == "stakeholder" {
		return exchange.FieldNames(exchange.Stakeholders)
	}
	return exchange.FieldNames(exchange.Accounts)
}

func fieldProblems(probs []exchange.Problem) error {
	if len(probs) == 0 {
		return nil
	}
	e := &account.Error{Code: account.EINVALID, Message: "The custom field has invalid values."}
	for _, p := range probs {
		e.Fields = append(e.Fields, account.FieldError{Field: p.Column, Message: p.Reason})
	}
	return e
}

// SaveCustomField creates (f.ID == 0) or updates a custom field definition.
// The entity and key of an existing field do not change (files name it by key).
func (db *DB) SaveCustomField(ctx context.Context, sc account.Scope, f *exchange.CustomField) error {
	f.Normalize()
	if err := fieldProblems(f.Validate(builtinColumns(f.Entity))); err != nil {
		return err
	}
	choices, _ := json.Marshal(f.Choices)
	return db.write(ctx, func(tx *Tx) error {
		if f.ID == 0 {
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM custom_fields WHERE org_id = $1 AND entity = $2 AND key = $3`, sc.OrgID, f.Entity, f.Key).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return account.Invalid("key", "is already used by another field")
			}
			if err := tx.QueryRow(`SELECT COALESCE(MAX(position), 0) + 1 FROM custom_fields WHERE org_id = $1 AND entity = $2`, sc.OrgID, f.Entity).Scan(&f.Position); err != nil {
				return err
			}
			f.Created, f.Updated = tx.now, tx.now
			if err := tx.QueryRow(`INSERT INTO custom_fields (org_id, entity, key, label, type, choices, position, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, sc.OrgID, f.Entity, f.Key, f.Label, f.Type, string(choices), f.Position, ms(tx.now)).Scan(&f.ID); err != nil {
				return err
			}
			return tx.audit(sc, "create", "custom_field", f.ID, 0, nil, f)
		}
		old, err := scanCustomField(tx.QueryRow(`SELECT `+customFieldCols+` FROM custom_fields WHERE org_id = $1 AND id = $2`, sc.OrgID, f.ID))
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "Custom field %d not found.", f.ID)
		}
		if err != nil {
			return err
		}
		f.Entity, f.Key, f.Position, f.Created, f.Updated = old.Entity, old.Key, old.Position, old.Created, tx.now
		if old.Type != f.Type {
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM custom_values WHERE org_id = $1 AND field_id = $2`, sc.OrgID, f.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return account.Invalid("type", "cannot change while %d record(s) have a value", n)
			}
		}
		if _, err := tx.Exec(`UPDATE custom_fields SET label = $3, type = $4, choices = $5, updated_at = $6 WHERE org_id = $1 AND id = $2`,
			sc.OrgID, f.ID, f.Label, f.Type, string(choices), ms(tx.now)); err != nil {
			return err
		}
		return tx.audit(sc, "update", "custom_field", f.ID, 0, &old, f)
	})
}

// DeleteCustomField removes a field and every value of it.
func (db *DB) DeleteCustomField(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := scanCustomField(tx.QueryRow(`SELECT `+customFieldCols+` FROM custom_fields WHERE org_id = $1 AND id = $2`, sc.OrgID, id))
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "Custom field %d not found.", id)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM custom_values WHERE org_id = $1 AND field_id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM custom_fields WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "custom_field", id, 0, &old, nil)
	})
}

// CustomValues returns the custom values of records (by id, then key).
func (db *DB) CustomValues(ctx context.Context, sc account.Scope, entity string, ids []int64) (map[int64]map[string]string, error) {
	out := map[int64]map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, err = tx.customValues(sc.OrgID, entity, ids)
		return err
	})
	return out, err
}

func (tx *Tx) customValues(orgID int64, entity string, ids []int64) (map[int64]map[string]string, error) {
	out := map[int64]map[string]string{}
	q, args := inList(`SELECT v.record_id, f.key, v.value FROM custom_values v JOIN custom_fields f ON f.org_id = v.org_id AND f.id = v.field_id
		WHERE v.org_id = $1 AND f.entity = '`+entitySQL(entity)+`' AND v.record_id IN `, orgID, ids)
	rows, err := tx.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k, v string
		if err := rows.Scan(&id, &k, &v); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[string]string{}
		}
		out[id][k] = v
	}
	return out, rows.Err()
}

func entitySQL(entity string) string {
	if entity == "stakeholder" {
		return "stakeholder"
	}
	return "account"
}

// SetCustomValues sets a record's custom values (keys not given keep their
// value; an empty value clears it). The caller checks the record exists and
// may be edited.
func (db *DB) SetCustomValues(ctx context.Context, sc account.Scope, entity string, recordID, accountID int64, values map[string]string) error {
	return db.write(ctx, func(tx *Tx) error {
		return tx.setCustomValues(sc, entity, recordID, accountID, values)
	})
}

// setCustomValues is SetCustomValues inside tx: a record and its custom
// values are saved in one transaction (see CreateStakeholderWithValues).
func (tx *Tx) setCustomValues(sc account.Scope, entity string, recordID, accountID int64, values map[string]string) error {
	if len(values) == 0 {
		return nil
	}
	fields, err := tx.customFields(sc.OrgID, entity)
	if err != nil {
		return err
	}
	byKey := map[string]exchange.CustomField{}
	for _, f := range fields {
		byKey[f.Key] = f
	}
	e := &account.Error{Code: account.EINVALID, Message: "Some custom fields have invalid values."}
	clean := map[string]string{}
	for k, v := range values {
		f, ok := byKey[k]
		if !ok {
			e.Fields = append(e.Fields, account.FieldError{Field: "cf_" + k, Message: "is not a custom field"})
			continue
		}
		cv, err := f.Value(v, nil)
		if err != nil {
			e.Fields = append(e.Fields, account.FieldError{Field: "cf_" + k, Message: err.Error()})
			continue
		}
		clean[k] = cv
	}
	if len(e.Fields) > 0 {
		return e
	}
	oldAll, err := tx.customValues(sc.OrgID, entity, []int64{recordID})
	if err != nil {
		return err
	}
	old := oldAll[recordID]
	next := maps.Clone(old)
	if next == nil {
		next = map[string]string{}
	}
	for k, v := range clean {
		if v == "" {
			delete(next, k)
		} else {
			next[k] = v
		}
	}
	if maps.Equal(old, next) {
		return nil
	}
	if err := tx.writeCustomValues(sc.OrgID, byKey, recordID, clean); err != nil {
		return err
	}
	return tx.audit(sc, "update_fields", entity, recordID, accountID, old, next)
}

// writeCustomValues upserts (or, for "", deletes) values by key.
func (tx *Tx) writeCustomValues(orgID int64, byKey map[string]exchange.CustomField, recordID int64, values map[string]string) error {
	for k, v := range values {
		f, ok := byKey[k]
		if !ok {
			continue
		}
		if _, err := tx.Exec(`DELETE FROM custom_values WHERE org_id = $1 AND field_id = $2 AND record_id = $3`, orgID, f.ID, recordID); err != nil {
			return err
		}
		if v == "" {
			continue
		}
		if _, err := tx.Exec(`INSERT INTO custom_values (org_id, field_id, record_id, value) VALUES ($1, $2, $3, $4)`, orgID, f.ID, recordID, v); err != nil {
			return err
		}
	}
	return nil
}

// The importer's side of custom fields.

func (im *importer) customDefs(entity string) (map[string]exchange.CustomField, error) {
	if im.custom == nil {
		im.custom = map[string]map[string]exchange.CustomField{}
	}
	if m, ok := im.custom[entity]; ok {
		return m, nil
	}
	fs, err := im.tx.customFields(im.sc.OrgID, entity)
	if err != nil {
		return nil, err
	}
	m := map[string]exchange.CustomField{}
	for _, f := range fs {
		m[f.Key] = f
	}
	im.custom[entity] = m
	return m, nil
}

// checkCustom validates a line's custom values, putting them in canonical form.
func (im *importer) checkCustom(r *exchange.Record, entity string) ([]exchange.Problem, error) {
	if len(r.Custom) == 0 {
		return nil, nil
	}
	defs, err := im.customDefs(entity)
	if err != nil {
		return nil, err
	}
	var probs []exchange.Problem
	for k, v := range r.Custom {
		f, ok := defs[k]
		if !ok {
			delete(r.Custom, k)
			continue
		}
		cv, err := f.Value(v, nil)
		if err != nil {
			probs = append(probs, exchange.Problem{Line: r.Line, Column: im.customColumn(k), Reason: err.Error()})
			continue
		}
		r.Custom[k] = cv
	}
	return probs, nil
}

func (im *importer) customColumn(key string) string {
	for _, h := range im.p.Header() {
		if n := strings.ToLower(strings.TrimSpace(h)); n == key || n == "cf_"+key {
			return h
		}
	}
	return "cf_" + key
}

func (im *importer) storedCustom(entity string, id int64) (map[string]string, error) {
	all, err := im.tx.customValues(im.sc.OrgID, entity, []int64{id})
	if err != nil {
		return nil, err
	}
	return all[id], nil
}

// customDiffers reports whether the line changes any custom value.
func (im *importer) customDiffers(r *exchange.Record, entity string, id int64) (bool, error) {
	if len(r.Custom) == 0 {
		return false, nil
	}
	stored, err := im.storedCustom(entity, id)
	if err != nil {
		return false, err
	}
	for k, v := range r.Custom {
		if stored[k] != v {
			return true, nil
		}
	}
	return false, nil
}

func (im *importer) writeCustom(r *exchange.Record, entity string, id int64, _ bool) error {
	if len(r.Custom) == 0 {
		return nil
	}
	defs, err := im.customDefs(entity)
	if err != nil {
		return err
	}
	if id >= im.first[importTables[exchange.Kind(entity+"s")]] && im.first[importTables[exchange.Kind(entity+"s")]] > 0 {
		// New record: nothing to delete first.
		for k, v := range r.Custom {
			if f, ok := defs[k]; ok && v != "" {
				if err := im.exec(`INSERT INTO custom_values (org_id, field_id, record_id, value) VALUES ($1, $2, $3, $4)`, im.sc.OrgID, f.ID, id, v); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return im.tx.writeCustomValues(im.sc.OrgID, defs, id, r.Custom)
}

// undoOld is what import_updated keeps of a record: its stored values and
// its custom values.
type undoOld struct {
	Record json.RawMessage   `json:"record"`
	Custom map[string]string `json:"custom,omitempty"`
}

func (im *importer) recordUpdateCustom(table, entity string, id int64, old any) error {
	custom, err := im.storedCustom(entity, id)
	if err != nil {
		return err
	}
	return im.recordUpdateWith(table, id, old, custom)
}

// AccountsByCustom lists accounts filtered as an export is (f) and sorted
// by a custom field (sortKey, "" for name; those without a value last), a
// page at a time by offset: the account list uses it when a custom field
// filters or sorts it. more says whether another page follows.
func (db *DB) AccountsByCustom(ctx context.Context, sc account.Scope, f ExportFilter, sortKey string, desc bool, limit, offset int) (out []account.Account, more bool, err error) {
	err = db.read(ctx, func(tx *Tx) error {
		where, args := exportWhere(exchange.Accounts, sc.OrgID, f)
		q := `SELECT ` + prefixCols(accountCols, "x") + ` FROM accounts x`
		order := `x.name_key, x.id`
		if sortKey != "" {
			fl, err := scanCustomField(tx.QueryRow(`SELECT `+customFieldCols+` FROM custom_fields WHERE org_id = $1 AND entity = 'account' AND key = $2`, sc.OrgID, sortKey))
			if isNoRows(err) {
				return account.Invalid("sort", "there is no custom field %q", sortKey)
			}
			if err != nil {
				return err
			}
			args = append(args, fl.ID)
			q += ` LEFT JOIN custom_values v ON v.org_id = x.org_id AND v.record_id = x.id AND v.field_id = $` + itoa(len(args))
			val := "v.value"
			if fl.Type == "number" {
				val = "CAST(v.value AS DOUBLE PRECISION)"
				if tx.db.dialect == SQLite {
					val = "CAST(v.value AS REAL)"
				}
			}
			dir := " ASC"
			if desc {
				dir = " DESC"
			}
			order = `CASE WHEN v.value IS NULL THEN 1 ELSE 0 END, ` + val + dir + `, x.name_key, x.id`
		}
		q += ` WHERE x.org_id = $1` + where + ` ORDER BY ` + order + ` LIMIT ` + itoa(limit+1) + ` OFFSET ` + itoa(max(0, offset))
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
			out = append(out, a)
		}
		return rows.Err()
	})
	if len(out) > limit {
		out, more = out[:limit], true
	}
	return out, more, err
}
