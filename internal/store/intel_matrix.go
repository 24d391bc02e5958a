package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
)

// visibleAccounts is a condition confining col (an account id) to the
// accounts person owns or is on the team of; person 0 sees all. orgArg and
// personArg are the placeholders holding the two values.
func visibleAccounts(col, orgArg, personArg string) string {
	return col + ` IN (SELECT id FROM accounts WHERE org_id = ` + orgArg + ` AND owner_id = ` + personArg +
		` UNION SELECT account_id FROM account_team WHERE org_id = ` + orgArg + ` AND person_id = ` + personArg + `)`
}

// MapScope chooses the accounts whose relationship matrices are read: one
// account, or every account visible to a person (0: all).
type MapScope struct {
	AccountID int64
	VisibleTo int64
	// accounts, when set, narrows the scope further to these accounts: the
	// few a page of coverage findings comes from (see CoverageList).
	accounts []int64
}

// where is the condition confining col (an account id) to the scope, with
// the values of its placeholders ($2 on; $1 is the organisation).
func (m MapScope) where(col string) (string, []any) {
	if m.accounts != nil {
		// Integers written as literals (see inList).
		q, _ := inList(` AND `+col+` IN `, 0, m.accounts)
		return q, nil
	}
	switch {
	case m.AccountID != 0:
		return ` AND ` + col + ` = $2`, []any{m.AccountID}
	case m.VisibleTo != 0:
		return ` AND ` + visibleAccounts(col, "$1", "$2"), []any{m.VisibleTo}
	}
	return "", nil
}

// AccountMap returns one account's relationship matrix: every stakeholder
// (those who left included) with their placement, our people's
// relationships and the last touches, as calendar days in loc.
func (db *DB) AccountMap(ctx context.Context, sc account.Scope, accountID int64, loc *time.Location) (intel.AccountMap, error) {
	var out intel.AccountMap
	err := db.read(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		maps, err := tx.accountMaps(sc.OrgID, MapScope{AccountID: accountID}, loc, mapRead{keepEmpty: true})
		if err != nil {
			return err
		}
		out = maps[0]
		return nil
	})
	return out, err
}

// AccountMaps returns the matrices of every account in scope that has at
// least one stakeholder, by account name, in five queries whatever the
// number of accounts.
func (db *DB) AccountMaps(ctx context.Context, sc account.Scope, m MapScope, loc *time.Location) ([]intel.AccountMap, error) {
	var out []intel.AccountMap
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, err = tx.accountMaps(sc.OrgID, m, loc, mapRead{})
		return err
	})
	return out, err
}

// Coverage runs the coverage rules over the matrices in scope as of today
// (a calendar day in loc), ordered as intel.SortFindings does. The matrices
// are read only as far as the rules look (see mapRead.coverage).
func (db *DB) Coverage(ctx context.Context, sc account.Scope, m MapScope, today account.Date, o intel.CoverageOptions, loc *time.Location) ([]intel.Finding, error) {
	var maps []intel.AccountMap
	err := db.read(ctx, func(tx *Tx) (err error) {
		maps, err = tx.accountMaps(sc.OrgID, m, loc, mapRead{coverage: true})
		return err
	})
	if err != nil {
		return nil, err
	}
	return intel.PortfolioCoverage(maps, today, o), nil
}

func dayIn(v int64, loc *time.Location) account.Date {
	if v == 0 {
		return account.Date{}
	}
	if loc == nil {
		loc = time.UTC
	}
	return account.DateOf(time.UnixMilli(v).In(loc))
}

// mapRead says how much of the matrices accountMaps reads.
type mapRead struct {
	// keepEmpty keeps accounts without stakeholders.
	keepEmpty bool
	// coverage reads only what intel.Coverage looks at: the last touch of
	// champions alone (the rules ask it of no one else) and no last touch
	// per relationship. At 100,000 accounts the last touch of every
	// stakeholder was a third of the time, reading 8 million attendances.
	coverage bool
}

func (tx *Tx) accountMaps(orgID int64, m MapScope, loc *time.Location, how mapRead) ([]intel.AccountMap, error) {
	keepEmpty := how.keepEmpty
	cond, extra := m.where("a.id")
	args := append([]any{orgID}, extra...)
	var out []intel.AccountMap
	index := map[int64]int{}
	err := tx.each(`SELECT a.id, a.name, a.owner_id, COALESCE(p.name, '') FROM accounts a
		LEFT JOIN people p ON p.org_id = a.org_id AND p.id = a.owner_id
		WHERE a.org_id = $1`+cond+` AND (`+boolSQL(keepEmpty)+` OR EXISTS (SELECT 1 FROM stakeholders s WHERE s.org_id = a.org_id AND s.account_id = a.id))
		ORDER BY a.name_key, a.id`, args, func(r *sql.Rows) error {
		var am intel.AccountMap
		var owner sql.NullInt64
		if err := r.Scan(&am.AccountID, &am.AccountName, &owner, &am.OwnerName); err != nil {
			return err
		}
		am.OwnerID = idPtr(owner)
		am.Players = []intel.Player{}
		index[am.AccountID] = len(out)
		out = append(out, am)
		return nil
	})
	if err != nil || len(out) == 0 {
		return out, err
	}

	cond, _ = m.where("s.account_id")
	player := map[int64][2]int{} // stakeholder → (account index, player index)
	err = tx.each(`SELECT s.id, s.account_id, s.name, s.title, s.level, s.buying_role, s.active,
		COALESCE(m.function, ''), COALESCE(m.influence, 3), COALESCE(m.attitude, 0), COALESCE(m.left_on, ''), COALESCE(m.left_to, '')
		FROM stakeholders s LEFT JOIN stakeholder_maps m ON m.org_id = s.org_id AND m.stakeholder_id = s.id
		WHERE s.org_id = $1`+cond+` ORDER BY s.account_id, s.name, s.id`, args, func(r *sql.Rows) error {
		var p intel.Player
		var acct int64
		var left string
		var att int
		if err := r.Scan(&p.StakeholderID, &acct, &p.Name, &p.Title, &p.Level, &p.BuyingRole, &p.Active,
			&p.Function, &p.Influence, &att, &left, &p.LeftTo); err != nil {
			return err
		}
		p.Attitude, p.LeftOn, p.Links = intel.Attitude(att), parseDate(left), []intel.Link{}
		i, ok := index[acct]
		if !ok {
			return nil
		}
		player[p.StakeholderID] = [2]int{i, len(out[i].Players)}
		out[i].Players = append(out[i].Players, p)
		return nil
	})
	if err != nil {
		return nil, err
	}

	cond, _ = m.where("ts.account_id")
	lastTouches := `SELECT ts.stakeholder_id, MAX(ts.occurred_at) FROM touch_stakeholders ts
		WHERE ts.org_id = $1` + cond + ` GROUP BY ts.stakeholder_id`
	if how.coverage {
		// A touch's attendees are stakeholders of its account (setAttendees),
		// so the scope of the stakeholder is the scope of the touch.
		cond, _ = m.where("s.account_id")
		lastTouches = `SELECT s.id, (SELECT MAX(ts.occurred_at) FROM touch_stakeholders ts
			WHERE ts.org_id = s.org_id AND ts.stakeholder_id = s.id) FROM stakeholders s
			WHERE s.org_id = $1` + cond + ` AND s.buying_role = '` + string(account.Champion) + `'`
	}
	err = tx.each(lastTouches, args, func(r *sql.Rows) error {
		var id int64
		var at sql.NullInt64 // NULL: a champion never touched
		if err := r.Scan(&id, &at); err != nil {
			return err
		}
		if ix, ok := player[id]; ok && at.Valid {
			out[ix[0]].Players[ix[1]].LastTouch = dayIn(at.Int64, loc)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	cond, _ = m.where("r.account_id")
	err = tx.each(`SELECT r.stakeholder_id, r.person_id, p.name, r.strength, r.note FROM relationships r
		JOIN people p ON p.org_id = r.org_id AND p.id = r.person_id
		WHERE r.org_id = $1`+cond+` ORDER BY p.name, r.person_id`, args, func(r *sql.Rows) error {
		var sid int64
		var l intel.Link
		if err := r.Scan(&sid, &l.PersonID, &l.PersonName, &l.Strength, &l.Note); err != nil {
			return err
		}
		if ix, ok := player[sid]; ok {
			pl := &out[ix[0]].Players[ix[1]]
			pl.Links = append(pl.Links, l)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	if how.coverage {
		return out, nil
	}
	// The last touch each of our people had with each stakeholder they have a
	// relationship with.
	err = tx.each(`SELECT ts.stakeholder_id, tp.person_id, MAX(ts.occurred_at) FROM relationships r
		JOIN touch_stakeholders ts ON ts.org_id = r.org_id AND ts.stakeholder_id = r.stakeholder_id
		JOIN touch_people tp ON tp.org_id = ts.org_id AND tp.touch_id = ts.touch_id AND tp.person_id = r.person_id
		WHERE r.org_id = $1`+cond+` GROUP BY ts.stakeholder_id, tp.person_id`, args, func(r *sql.Rows) error {
		var sid, pid, at int64
		if err := r.Scan(&sid, &pid, &at); err != nil {
			return err
		}
		if ix, ok := player[sid]; ok {
			pl := &out[ix[0]].Players[ix[1]]
			for k := range pl.Links {
				if pl.Links[k].PersonID == pid {
					pl.Links[k].LastTouch = dayIn(at, loc)
				}
			}
		}
		return nil
	})
	return out, err
}

func boolSQL(b bool) string {
	if b {
		return "1 = 1"
	}
	return "1 = 0"
}

// StakeholderMap returns a stakeholder's placement (the default one when
// nobody placed them yet).
func (db *DB) StakeholderMap(ctx context.Context, sc account.Scope, stakeholderID int64) (intel.StakeholderMap, error) {
	var m intel.StakeholderMap
	err := db.read(ctx, func(tx *Tx) (err error) {
		if _, err := tx.stakeholder(sc.OrgID, stakeholderID); err != nil {
			return err
		}
		m, err = tx.stakeholderMap(sc.OrgID, stakeholderID)
		return err
	})
	return m, err
}

func (tx *Tx) stakeholderMap(orgID, stakeholderID int64) (intel.StakeholderMap, error) {
	m := intel.DefaultMap(stakeholderID)
	var left string
	var att int
	var updated int64
	err := tx.QueryRow(`SELECT function, influence, attitude, left_on, left_to, updated_at FROM stakeholder_maps
		WHERE org_id = $1 AND stakeholder_id = $2`, orgID, stakeholderID).Scan(&m.Function, &m.Influence, &att, &left, &m.LeftTo, &updated)
	if isNoRows(err) {
		return m, nil
	}
	m.Attitude, m.LeftOn, m.UpdatedAt = intel.Attitude(att), parseDate(left), fromMS(updated)
	return m, err
}

// SetStakeholderMap places a stakeholder in the matrix (function,
// influence, attitude) and records a departure: setting LeftOn marks the
// stakeholder inactive (their relationships stay, as history); clearing it
// makes them active again.
func (db *DB) SetStakeholderMap(ctx context.Context, sc account.Scope, m *intel.StakeholderMap) error {
	m.Normalize()
	if err := m.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		s, err := tx.stakeholder(sc.OrgID, m.StakeholderID)
		if err != nil {
			return err
		}
		old, err := tx.stakeholderMap(sc.OrgID, m.StakeholderID)
		if err != nil {
			return err
		}
		m.UpdatedAt = tx.now
		if _, err := tx.Exec(`INSERT INTO stakeholder_maps (org_id, stakeholder_id, function, influence, attitude, left_on, left_to, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (org_id, stakeholder_id) DO UPDATE SET function = excluded.function, influence = excluded.influence,
			attitude = excluded.attitude, left_on = excluded.left_on, left_to = excluded.left_to, updated_at = excluded.updated_at`,
			sc.OrgID, m.StakeholderID, m.Function, m.Influence, int(m.Attitude), m.LeftOn.String(), m.LeftTo, ms(tx.now)); err != nil {
			return err
		}
		switch {
		case old.LeftOn.IsZero() && !m.LeftOn.IsZero() && s.Active:
			if _, err := tx.Exec(`UPDATE stakeholders SET active = $3, updated_at = $4 WHERE org_id = $1 AND id = $2`,
				sc.OrgID, s.ID, false, ms(tx.now)); err != nil {
				return err
			}
		case !old.LeftOn.IsZero() && m.LeftOn.IsZero() && !s.Active:
			if _, err := tx.Exec(`UPDATE stakeholders SET active = $3, updated_at = $4 WHERE org_id = $1 AND id = $2`,
				sc.OrgID, s.ID, true, ms(tx.now)); err != nil {
				return err
			}
		}
		action := "update"
		if !m.LeftOn.IsZero() && old.LeftOn.IsZero() {
			action = "left"
		}
		return tx.audit(sc, action, "stakeholder_map", s.ID, s.AccountID, mapAudit(old), mapAudit(*m))
	})
}

type mapAuditView struct {
	Function  string `json:"function"`
	Influence int    `json:"influence"`
	Attitude  int    `json:"attitude"`
	LeftOn    string `json:"left_on"`
	LeftTo    string `json:"left_to"`
}

func mapAudit(m intel.StakeholderMap) *mapAuditView {
	return &mapAuditView{m.Function, m.Influence, int(m.Attitude), m.LeftOn.String(), m.LeftTo}
}

// MarkStakeholderLeft records that a stakeholder left the client on a day,
// and where to if known, keeping their placement otherwise.
func (db *DB) MarkStakeholderLeft(ctx context.Context, sc account.Scope, stakeholderID int64, on account.Date, to string) error {
	if on.IsZero() {
		return account.Invalid("left_on", "is required")
	}
	m, err := db.StakeholderMap(ctx, sc, stakeholderID)
	if err != nil {
		return err
	}
	m.LeftOn, m.LeftTo = on, to
	return db.SetStakeholderMap(ctx, sc, &m)
}

const relationshipCols = `id, account_id, stakeholder_id, person_id, strength, note, created_at, updated_at`

func scanRelationship(r rowScanner) (intel.Relationship, error) {
	var x intel.Relationship
	var created, updated int64
	err := r.Scan(&x.ID, &x.AccountID, &x.StakeholderID, &x.PersonID, &x.Strength, &x.Note, &created, &updated)
	x.CreatedAt, x.UpdatedAt = fromMS(created), fromMS(updated)
	return x, err
}

// AccountRelationships lists an account's relationships (with
// stakeholders who left too), by stakeholder and person.
func (db *DB) AccountRelationships(ctx context.Context, sc account.Scope, accountID int64) ([]intel.Relationship, error) {
	out := []intel.Relationship{}
	err := db.read(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		return tx.each(`SELECT `+relationshipCols+` FROM relationships WHERE org_id = $1 AND account_id = $2
			ORDER BY stakeholder_id, person_id`, []any{sc.OrgID, accountID}, func(r *sql.Rows) error {
			x, err := scanRelationship(r)
			out = append(out, x)
			return err
		})
	})
	return out, err
}

// SetRelationship records the strength of one of our people's relationship
// with a stakeholder, replacing the earlier strength of the same pair.
func (db *DB) SetRelationship(ctx context.Context, sc account.Scope, x *intel.Relationship) error {
	x.Normalize()
	if err := x.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		s, err := tx.stakeholder(sc.OrgID, x.StakeholderID)
		if err != nil {
			if account.ErrorCode(err) == account.ENOTFOUND {
				return account.Invalid("stakeholder_id", "refers to no stakeholder in this organisation")
			}
			return err
		}
		if x.AccountID != 0 && x.AccountID != s.AccountID {
			return account.Invalid("stakeholder_id", "is not a stakeholder of this account")
		}
		x.AccountID = s.AccountID
		if err := tx.mustExist("person_id", "people", sc.OrgID, &x.PersonID); err != nil {
			return err
		}
		old, err := scanRelationship(tx.QueryRow(`SELECT `+relationshipCols+` FROM relationships WHERE org_id = $1 AND stakeholder_id = $2 AND person_id = $3`,
			sc.OrgID, x.StakeholderID, x.PersonID))
		switch {
		case isNoRows(err):
			x.CreatedAt, x.UpdatedAt = tx.now, tx.now
			if err := tx.QueryRow(`INSERT INTO relationships (org_id, account_id, stakeholder_id, person_id, strength, note, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
				sc.OrgID, x.AccountID, x.StakeholderID, x.PersonID, string(x.Strength), x.Note, ms(tx.now)).Scan(&x.ID); err != nil {
				return err
			}
			return tx.audit(sc, "create", "relationship", x.ID, x.AccountID, nil, x)
		case err != nil:
			return err
		}
		x.ID, x.CreatedAt, x.UpdatedAt = old.ID, old.CreatedAt, tx.now
		if _, err := tx.Exec(`UPDATE relationships SET strength = $3, note = $4, updated_at = $5 WHERE org_id = $1 AND id = $2`,
			sc.OrgID, x.ID, string(x.Strength), x.Note, ms(tx.now)); err != nil {
			return err
		}
		return tx.audit(sc, "update", "relationship", x.ID, x.AccountID, &old, x)
	})
}

// DeleteRelationship forgets one of our people's relationship with a
// stakeholder (a mistake; a stakeholder who left keeps theirs as history).
func (db *DB) DeleteRelationship(ctx context.Context, sc account.Scope, stakeholderID, personID int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := scanRelationship(tx.QueryRow(`SELECT `+relationshipCols+` FROM relationships WHERE org_id = $1 AND stakeholder_id = $2 AND person_id = $3`,
			sc.OrgID, stakeholderID, personID))
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "No relationship between person %d and stakeholder %d.", personID, stakeholderID)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM relationships WHERE org_id = $1 AND id = $2`, sc.OrgID, old.ID); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "relationship", old.ID, old.AccountID, &old, nil)
	})
}
