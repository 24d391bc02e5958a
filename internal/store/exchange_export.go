package store

import (
	"context"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
)

// ExportFilter narrows an export to what a list shows. Zero values do not
// filter.
type ExportFilter struct {
	VisibleTo int64  `json:"-"`                                                    // need to know: only accounts this person owns or is on the team of
	AccountID int64  `json:"account_id,omitempty"`                                 // records of one account
	Q         string `json:"q,omitempty" doc:"Accounts: name or domain contains."` // accounts: name or domain contains
	Industry  string `json:"industry,omitempty"`
	Lifecycle string `json:"lifecycle,omitempty"`
	OwnerID   int64  `json:"owner_id,omitempty"`
	// Custom filters accounts on a custom field's value (key → value).
	Custom map[string]string `json:"custom,omitempty"`
}

// References are exported as the key that finds the record again on import:
// the external id if it has one, else the domain (accounts) or e-mail
// address (people, stakeholders), else the name.
const (
	accountRefSQL     = `CASE WHEN a.external_id <> '' THEN a.external_id WHEN a.domain <> '' THEN a.domain ELSE a.name END`
	personRefSQL      = `CASE WHEN %s.external_id <> '' THEN %s.external_id ELSE %s.email END`
	stakeholderRefSQL = `CASE WHEN s.external_id <> '' THEN s.external_id WHEN s.email <> '' THEN s.email ELSE s.name END`
)

func personRef(alias string) string { return strings.ReplaceAll(personRefSQL, "%s", alias) }

func prefixCols(cols, alias string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// extraScanner scans a record's columns and then some more.
type extraScanner struct {
	r     rowScanner
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.r.Scan(append(dest, e.extra...)...) }

// Export streams every record of kind in the organisation (narrowed by f),
// as Records with references and custom values filled, in id order. It reads
// one snapshot and holds one page of records in memory at a time.
func (db *DB) Export(ctx context.Context, sc account.Scope, kind exchange.Kind, f ExportFilter, fn func(r *exchange.Record) error) error {
	return db.read(ctx, func(tx *Tx) error {
		where, args := exportWhere(kind, sc.OrgID, f)
		var q string
		switch kind {
		case exchange.People:
			q = `SELECT ` + prefixCols(personCols, "x") + `, COALESCE(` + personRef("m") + `, '') FROM people x
				LEFT JOIN people m ON m.org_id = x.org_id AND m.id = x.manager_id WHERE x.org_id = $1` + where
		case exchange.Accounts:
			q = `SELECT ` + prefixCols(accountCols, "x") + `, COALESCE(` + strings.ReplaceAll(accountRefSQL, "a.", "pa.") + `, ''), COALESCE(` + personRef("o") + `, '')
				FROM accounts x LEFT JOIN accounts pa ON pa.org_id = x.org_id AND pa.id = x.parent_id
				LEFT JOIN people o ON o.org_id = x.org_id AND o.id = x.owner_id WHERE x.org_id = $1` + where
		case exchange.Stakeholders:
			q = `SELECT ` + prefixCols(stakeholderCols, "x") + `, ` + accountRefSQL + ` FROM stakeholders x
				JOIN accounts a ON a.org_id = x.org_id AND a.id = x.account_id WHERE x.org_id = $1` + where
		case exchange.Touches:
			q = `SELECT ` + prefixCols(touchCols, "x") + `, ` + accountRefSQL + ` FROM touches x
				JOIN accounts a ON a.org_id = x.org_id AND a.id = x.account_id WHERE x.org_id = $1` + where
		case exchange.Opportunities:
			q = `SELECT ` + prefixCols(opportunityCols, "x") + `, ` + accountRefSQL + `, COALESCE(` + personRef("o") + `, '') FROM opportunities x
				JOIN accounts a ON a.org_id = x.org_id AND a.id = x.account_id
				LEFT JOIN people o ON o.org_id = x.org_id AND o.id = x.owner_id WHERE x.org_id = $1` + where
		case exchange.Contracts:
			q = `SELECT ` + prefixCols(contractCols, "x") + `, ` + accountRefSQL + ` FROM contracts x
				JOIN accounts a ON a.org_id = x.org_id AND a.id = x.account_id WHERE x.org_id = $1` + where
		case exchange.Products:
			q = exportProductsSQL + where
		default:
			return account.Invalid("kind", "cannot export %q", kind)
		}
		q += ` ORDER BY x.id`
		ex := &exporter{tx: tx, sc: sc, kind: kind, fn: fn}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := ex.take()
			var err error
			switch kind {
			case exchange.People:
				r.Person, err = scanPerson(extraScanner{rows, []any{&r.Refs[exchange.RefManager]}})
			case exchange.Accounts:
				r.Account, err = scanAccount(extraScanner{rows, []any{&r.Refs[exchange.RefParent], &r.Refs[exchange.RefOwner]}})
			case exchange.Stakeholders:
				r.Stakeholder, err = scanStakeholder(extraScanner{rows, []any{&r.Refs[exchange.RefAccount]}})
			case exchange.Touches:
				r.Touch, err = scanTouch(extraScanner{rows, []any{&r.Refs[exchange.RefAccount]}})
			case exchange.Opportunities:
				r.Opportunity, err = scanOpportunity(extraScanner{rows, []any{&r.Refs[exchange.RefAccount], &r.Refs[exchange.RefOwner]}})
			case exchange.Contracts:
				r.Contract, err = scanContract(extraScanner{rows, []any{&r.Refs[exchange.RefAccount]}})
			case exchange.Products:
				err = scanExportProduct(rows, r)
			}
			if err != nil {
				return err
			}
			if len(ex.page) == cap(ex.page) {
				if err := ex.flush(); err != nil {
					return err
				}
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return ex.flush()
	})
}

// ExportCount counts the records Export would stream (for a background
// export's progress bar).
func (db *DB) ExportCount(ctx context.Context, sc account.Scope, kind exchange.Kind, f ExportFilter) (int64, error) {
	table, ok := importTables[kind]
	if !ok {
		return 0, account.Invalid("kind", "cannot export %q", kind)
	}
	var n int64
	err := db.read(ctx, func(tx *Tx) error {
		where, args := exportWhere(kind, sc.OrgID, f)
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` x WHERE x.org_id = $1`+where, args...).Scan(&n)
	})
	return n, err
}

// exporter gathers a page of records, fills what needs a second query
// (touch attendees, custom values) for the whole page, then hands them on.
type exporter struct {
	tx   *Tx
	sc   account.Scope
	kind exchange.Kind
	fn   func(*exchange.Record) error
	page []*exchange.Record
	pool []*exchange.Record
}

const exportPage = 500

func (ex *exporter) take() *exchange.Record {
	if ex.page == nil {
		ex.page = make([]*exchange.Record, 0, exportPage)
		ex.pool = make([]*exchange.Record, exportPage)
		for i := range ex.pool {
			ex.pool[i] = &exchange.Record{}
		}
	}
	r := ex.pool[len(ex.page)]
	r.Reset(ex.kind, 0)
	ex.page = append(ex.page, r)
	return r
}

func (ex *exporter) flush() error {
	if len(ex.page) == 0 {
		return nil
	}
	if err := ex.fill(); err != nil {
		return err
	}
	for _, r := range ex.page {
		if err := ex.fn(r); err != nil {
			return err
		}
	}
	ex.page = ex.page[:0]
	return nil
}

func (ex *exporter) ids() []int64 {
	ids := make([]int64, len(ex.page))
	for i, r := range ex.page {
		switch ex.kind {
		case exchange.Accounts:
			ids[i] = r.Account.ID
		case exchange.Stakeholders:
			ids[i] = r.Stakeholder.ID
		case exchange.Touches:
			ids[i] = r.Touch.ID
		}
	}
	return ids
}

func (ex *exporter) fill() error {
	switch ex.kind {
	case exchange.Accounts, exchange.Stakeholders:
		entity := "account"
		if ex.kind == exchange.Stakeholders {
			entity = "stakeholder"
		}
		ids := ex.ids()
		vals, err := ex.tx.customValues(ex.sc.OrgID, entity, ids)
		if err != nil {
			return err
		}
		for i, r := range ex.page {
			if v := vals[ids[i]]; v != nil {
				r.Custom = v
			}
		}
	case exchange.Touches:
		ids := ex.ids()
		byID := make(map[int64]*exchange.Record, len(ids))
		for i, r := range ex.page {
			byID[ids[i]] = r
		}
		for _, part := range []struct{ q string }{
			{`SELECT tp.touch_id, ` + personRef("p") + ` FROM touch_people tp JOIN people p ON p.org_id = tp.org_id AND p.id = tp.person_id
				WHERE tp.org_id = $1 AND tp.touch_id IN `},
			{`SELECT ts.touch_id, ` + stakeholderRefSQL + ` FROM touch_stakeholders ts JOIN stakeholders s ON s.org_id = ts.org_id AND s.id = ts.stakeholder_id
				WHERE ts.org_id = $1 AND ts.touch_id IN `},
		} {
			q, args := inList(part.q, ex.sc.OrgID, ids)
			rows, err := ex.tx.Query(q+` ORDER BY 1, 2`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				var ref string
				if err := rows.Scan(&id, &ref); err != nil {
					rows.Close()
					return err
				}
				if r := byID[id]; r != nil {
					if strings.Contains(part.q, "touch_people") {
						r.PeopleRefs = append(r.PeopleRefs, ref)
					} else {
						r.StakeholderRefs = append(r.StakeholderRefs, ref)
					}
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

func exportWhere(kind exchange.Kind, orgID int64, f ExportFilter) (string, []any) {
	args := []any{orgID}
	var sb strings.Builder
	arg := func(v any) string {
		args = append(args, v)
		return "$" + itoa(len(args))
	}
	acct := "x.account_id"
	if kind == exchange.Accounts {
		acct = "x.id"
	}
	if f.VisibleTo != 0 && kind != exchange.People && kind != exchange.Products { // the catalog is everyone's
		p := arg(f.VisibleTo)
		sb.WriteString(` AND ` + acct + ` IN (SELECT id FROM accounts WHERE org_id = $1 AND owner_id = ` + p +
			` UNION SELECT account_id FROM account_team WHERE org_id = $1 AND person_id = ` + p + `)`)
	}
	if f.AccountID != 0 && kind != exchange.People && kind != exchange.Products {
		sb.WriteString(` AND ` + acct + ` = ` + arg(f.AccountID))
	}
	if kind == exchange.Accounts {
		if f.Q != "" {
			p := arg("%" + strings.ToLower(f.Q) + "%")
			sb.WriteString(` AND (x.name_key LIKE ` + p + ` OR x.domain LIKE ` + p + `)`)
		}
		if f.Industry != "" {
			sb.WriteString(` AND x.industry = ` + arg(f.Industry))
		}
		if f.Lifecycle != "" {
			sb.WriteString(` AND x.lifecycle = ` + arg(f.Lifecycle))
		}
		if f.OwnerID != 0 {
			sb.WriteString(` AND x.owner_id = ` + arg(f.OwnerID))
		}
		for k, v := range f.Custom {
			sb.WriteString(` AND x.id IN (SELECT v.record_id FROM custom_values v JOIN custom_fields cf ON cf.org_id = v.org_id AND cf.id = v.field_id
				WHERE v.org_id = $1 AND cf.entity = 'account' AND cf.key = ` + arg(k) + ` AND v.value = ` + arg(v) + `)`)
		}
	}
	return sb.String(), args
}

// CustomKeys lists the custom field keys of a kind, for export headers.
func (db *DB) CustomKeys(ctx context.Context, sc account.Scope, kind exchange.Kind) ([]string, error) {
	entity := ""
	switch kind {
	case exchange.Accounts:
		entity = "account"
	case exchange.Stakeholders:
		entity = "stakeholder"
	default:
		return nil, nil
	}
	fs, err := db.CustomFields(ctx, sc, entity)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.Key
	}
	return keys, nil
}
