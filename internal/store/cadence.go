package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

// CadenceSettings returns the organisation's cadence policy: the saved one
// completed with defaults, or the defaults when none was saved.
func (db *DB) CadenceSettings(ctx context.Context, sc account.Scope) (cadence.Settings, error) {
	var s cadence.Settings
	err := db.read(ctx, func(tx *Tx) (err error) {
		s, err = tx.cadenceSettings(sc.OrgID)
		return err
	})
	return s, err
}

func (tx *Tx) cadenceSettings(orgID int64) (cadence.Settings, error) {
	var raw string
	err := tx.QueryRow(`SELECT policy FROM cadence_policies WHERE org_id = $1`, orgID).Scan(&raw)
	if isNoRows(err) {
		return cadence.DefaultSettings(), nil
	}
	if err != nil {
		return cadence.Settings{}, err
	}
	var s cadence.Settings
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return cadence.Settings{}, fmt.Errorf("read cadence policy: %w", err)
	}
	return s.Complete(), nil
}

// SetCadenceSettings validates and saves the organisation's cadence policy.
func (db *DB) SetCadenceSettings(ctx context.Context, sc account.Scope, s cadence.Settings) error {
	s = s.Complete()
	if err := s.Validate(); err != nil {
		return err
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.cadenceSettings(sc.OrgID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO cadence_policies (org_id, policy, updated_at, updated_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org_id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			sc.OrgID, string(raw), ms(tx.now), sc.UserID); err != nil {
			return err
		}
		return tx.audit(sc, "update", "cadence_policy", sc.OrgID, 0, &old, &s)
	})
}

// checkStakeholder checks that a stakeholder id (0 allowed) belongs to the
// account.
func (tx *Tx) checkStakeholder(field string, orgID, accountID, id int64) error {
	if id == 0 {
		return nil
	}
	var n int
	err := tx.QueryRow(`SELECT COUNT(*) FROM stakeholders WHERE org_id = $1 AND account_id = $2 AND id = $3`, orgID, accountID, id).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return account.Invalid(field, "refers to no stakeholder of this account")
	}
	return nil
}

// SetAgreement records a cadence agreed with the client for a stakeholder
// (or the whole account when StakeholderID is 0), replacing any earlier
// agreement for the same one.
func (db *DB) SetAgreement(ctx context.Context, sc account.Scope, a *cadence.Agreement) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("account_id", "accounts", sc.OrgID, &a.AccountID); err != nil {
			return err
		}
		if err := tx.checkStakeholder("stakeholder_id", sc.OrgID, a.AccountID, a.StakeholderID); err != nil {
			return err
		}
		if err := tx.checkStakeholder("agreed_by", sc.OrgID, a.AccountID, a.AgreedBy); err != nil {
			return err
		}
		olds, err := tx.agreements(sc.OrgID, a.AccountID)
		if err != nil {
			return err
		}
		var old *cadence.Agreement
		for i := range olds {
			if olds[i].StakeholderID == a.StakeholderID {
				old = &olds[i]
			}
		}
		a.UpdatedAt = tx.now
		if old == nil {
			a.CreatedAt = tx.now
			err = tx.QueryRow(`INSERT INTO cadence_agreements (org_id, account_id, stakeholder_id, interval_days, agreed_by, agreed_on, note, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
				sc.OrgID, a.AccountID, a.StakeholderID, a.IntervalDays, a.AgreedBy, a.AgreedOn.String(), a.Note, ms(tx.now)).Scan(&a.ID)
		} else {
			a.ID, a.CreatedAt = old.ID, old.CreatedAt
			_, err = tx.Exec(`UPDATE cadence_agreements SET interval_days = $1, agreed_by = $2, agreed_on = $3, note = $4, updated_at = $5
				WHERE org_id = $6 AND id = $7`, a.IntervalDays, a.AgreedBy, a.AgreedOn.String(), a.Note, ms(tx.now), sc.OrgID, a.ID)
		}
		if err != nil {
			return err
		}
		action := "create"
		if old != nil {
			action = "update"
		}
		return tx.audit(sc, action, "cadence_agreement", a.ID, a.AccountID, old, a)
	})
}

// DeleteAgreement removes an agreed cadence of an account; the tier default
// applies again.
func (db *DB) DeleteAgreement(ctx context.Context, sc account.Scope, accountID, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		olds, err := tx.agreements(sc.OrgID, accountID)
		if err != nil {
			return err
		}
		for _, o := range olds {
			if o.ID == id {
				if _, err := tx.Exec(`DELETE FROM cadence_agreements WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
					return err
				}
				return tx.audit(sc, "delete", "cadence_agreement", id, accountID, &o, nil)
			}
		}
		return account.Errorf(account.ENOTFOUND, "Agreed cadence %d not found.", id)
	})
}

// AddAcceleration records a temporary faster cadence.
func (db *DB) AddAcceleration(ctx context.Context, sc account.Scope, a *cadence.Acceleration) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("account_id", "accounts", sc.OrgID, &a.AccountID); err != nil {
			return err
		}
		if err := tx.checkStakeholder("stakeholder_id", sc.OrgID, a.AccountID, a.StakeholderID); err != nil {
			return err
		}
		if a.OpportunityID != 0 {
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM opportunities WHERE org_id = $1 AND account_id = $2 AND id = $3`,
				sc.OrgID, a.AccountID, a.OpportunityID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return account.Invalid("opportunity_id", "refers to no opportunity of this account")
			}
		}
		a.CreatedAt = tx.now
		err := tx.QueryRow(`INSERT INTO cadence_accelerations (org_id, account_id, stakeholder_id, interval_days, starts_on, ends_on, opportunity_id, initiative, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			sc.OrgID, a.AccountID, a.StakeholderID, a.IntervalDays, a.StartsOn.String(), a.EndsOn.String(), a.OpportunityID, a.Initiative, ms(tx.now)).Scan(&a.ID)
		if err != nil {
			return err
		}
		return tx.audit(sc, "create", "cadence_acceleration", a.ID, a.AccountID, nil, a)
	})
}

// DeleteAcceleration removes an acceleration of an account (ending it early
// and forgetting it).
func (db *DB) DeleteAcceleration(ctx context.Context, sc account.Scope, accountID, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		o, err := tx.cadenceOverrides(sc.OrgID, accountID)
		if err != nil {
			return err
		}
		for _, a := range o.Accelerations[accountID] {
			if a.ID == id {
				if _, err := tx.Exec(`DELETE FROM cadence_accelerations WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
					return err
				}
				return tx.audit(sc, "delete", "cadence_acceleration", id, accountID, &a, nil)
			}
		}
		return account.Errorf(account.ENOTFOUND, "Acceleration %d not found.", id)
	})
}

func (tx *Tx) agreements(orgID, accountID int64) ([]cadence.Agreement, error) {
	o, err := tx.cadenceOverrides(orgID, accountID)
	return o.Agreements[accountID], err
}

// CadenceOverrides returns the agreements and accelerations of one account,
// or of every account of the organisation when accountID is 0.
func (db *DB) CadenceOverrides(ctx context.Context, sc account.Scope, accountID int64) (cadence.Overrides, error) {
	var o cadence.Overrides
	err := db.read(ctx, func(tx *Tx) (err error) {
		o, err = tx.cadenceOverrides(sc.OrgID, accountID)
		return err
	})
	return o, err
}

func (tx *Tx) cadenceOverrides(orgID, accountID int64) (cadence.Overrides, error) {
	o := cadence.Overrides{Agreements: map[int64][]cadence.Agreement{}, Accelerations: map[int64][]cadence.Acceleration{}}
	filter, args := "", []any{orgID}
	if accountID != 0 {
		filter, args = " AND account_id = $2", append(args, accountID)
	}
	rows, err := tx.Query(`SELECT id, account_id, stakeholder_id, interval_days, agreed_by, agreed_on, note, created_at, updated_at
		FROM cadence_agreements WHERE org_id = $1`+filter+` ORDER BY account_id, stakeholder_id`, args...)
	if err != nil {
		return o, err
	}
	for rows.Next() {
		var a cadence.Agreement
		var on string
		var created, updated int64
		if err := rows.Scan(&a.ID, &a.AccountID, &a.StakeholderID, &a.IntervalDays, &a.AgreedBy, &on, &a.Note, &created, &updated); err != nil {
			rows.Close()
			return o, err
		}
		a.AgreedOn, _ = account.ParseDate(on)
		a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
		o.Agreements[a.AccountID] = append(o.Agreements[a.AccountID], a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return o, err
	}
	rows, err = tx.Query(`SELECT id, account_id, stakeholder_id, interval_days, starts_on, ends_on, opportunity_id, initiative, created_at
		FROM cadence_accelerations WHERE org_id = $1`+filter+` ORDER BY account_id, starts_on, id`, args...)
	if err != nil {
		return o, err
	}
	defer rows.Close()
	for rows.Next() {
		var a cadence.Acceleration
		var starts, ends string
		var created int64
		if err := rows.Scan(&a.ID, &a.AccountID, &a.StakeholderID, &a.IntervalDays, &starts, &ends, &a.OpportunityID, &a.Initiative, &created); err != nil {
			return o, err
		}
		a.StartsOn, _ = account.ParseDate(starts)
		a.EndsOn, _ = account.ParseDate(ends)
		a.CreatedAt = fromMS(created)
		o.Accelerations[a.AccountID] = append(o.Accelerations[a.AccountID], a)
	}
	return o, rows.Err()
}

// CadenceScope says whose stakeholders adherence covers: one account, the
// accounts a person owns or sits on the team of, or (both zero) the whole
// organisation.
type CadenceScope struct {
	AccountID int64
	PersonID  int64
	// TallyOnly leaves the stakeholders' names (Subject.Name) empty, for
	// views that count stakeholders — adherence by tier, manager or
	// account — and never name one: for a whole organisation half a
	// million names are a fifth of the read.
	TallyOnly bool
}

// accountFilter is the SQL condition on a column holding account ids, with
// its arguments numbered from $n.
func (c CadenceScope) accountFilter(col string, orgID int64, n int) (string, []any) {
	switch {
	case c.AccountID != 0:
		return fmt.Sprintf(" AND %s = $%d", col, n), []any{c.AccountID}
	case c.PersonID != 0:
		return fmt.Sprintf(" AND %s IN (SELECT id FROM accounts WHERE org_id = $%d AND owner_id = $%d"+
				" UNION SELECT account_id FROM account_team WHERE org_id = $%d AND person_id = $%d)", col, n, n+1, n+2, n+3),
			[]any{orgID, c.PersonID, orgID, c.PersonID}
	}
	return "", nil
}

// CadenceSubjects loads every active stakeholder in scope with its account
// and the days (in loc) of its two most recent check-ins — touches of any
// kind but business_review that the stakeholder was present at. Tiers are
// not filled in (see AccountTiers).
//
// A bounded number of queries whatever the size. The two latest check-ins
// come from cadence_checkins, which triggers keep current as touches are
// written (see migration 00005). Reading them from touch_stakeholders
// instead — a window function ROW_NUMBER() OVER (PARTITION BY
// stakeholder_id ORDER BY occurred_at DESC) ≤ 2, or two correlated LIMIT
// subqueries per stakeholder — gives the same answer but took 12 s and
// 7.4 s for 100,000 accounts on SQLite, against the 2 s target
// (BENCHMARKS.md).
func (db *DB) CadenceSubjects(ctx context.Context, sc account.Scope, c CadenceScope, loc *time.Location) ([]cadence.Subject, error) {
	rows, err := db.cadenceRows(ctx, sc, c, loc, false)
	if err != nil {
		return nil, err
	}
	out := make([]cadence.Subject, len(rows))
	for i := range rows {
		out[i] = rows[i].Subject
	}
	return out, nil
}

// cadenceStakeholder is one stakeholder as read, before its account, tier
// and days are attached: small, so that half a million of them are cheap
// to gather in chunks.
type cadenceStakeholder struct {
	accountID, id       int64
	name                string
	created, last, prev int64 // unix ms; 0: none
	level               int8  // index in account.Levels
}

// levelIndex turns the level of the stakeholder s into its index in
// account.Levels in SQL, other for none of them (no level): an integer
// column costs modernc's SQLite less than a string the Go side then has to
// allocate (the CHECK constraint of both dialects allows only these four).
func levelIndex(other int) string {
	q := `CASE s.level`
	for i, l := range account.Levels {
		q += ` WHEN '` + string(l) + `' THEN ` + itoa(i)
	}
	return q + ` ELSE ` + itoa(other) + ` END`
}

// levelCase is levelIndex with -1 for no level.
var levelCase = levelIndex(-1)

// cadenceRows reads every active stakeholder in scope into rows whose
// Subject is complete but for Tier, which is filled in (untiered: C) only
// when tiers is true. Interval and Status are left for the caller.
//
// What it costs for a whole organisation (100,000 accounts, 460,000 active
// stakeholders) is modernc's SQLite stepping rows, and in that mostly a
// mutex taken around every column value: so it reads few columns, as
// integers where it can, with each table scanned straight through rather
// than looked up row by row, on two read connections side by side
// (BENCHMARKS.md, "Cadence").
func (db *DB) cadenceRows(ctx context.Context, sc account.Scope, c CadenceScope, loc *time.Location, tiers bool) ([]cadence.Row, error) {
	filter, fargs := c.accountFilter("s.account_id", sc.OrgID, 3)
	whole := filter == ""

	// The accounts, the tiers and (for a whole organisation) the
	// check-ins, in one read transaction beside the stakeholders'. The two
	// snapshots may differ by a write committed in between; a stakeholder
	// whose account is not among these shows without its name, for this
	// one view.
	type acct struct {
		name  string
		owner int64
	}
	// Slices in id order, found through an idIndex (portfolio.go): half a
	// million map look-ups cost more than the database's scan.
	var accountIDs, tierIDs, checkinIDs []int64
	var accounts []acct
	var tierOf []portfolio.Tier
	var checkins [][2]int64
	readOthers := func(tx *Tx) error {
		// For a whole organisation the accounts table is read straight
		// through (0.06 s of CPU against 0.17 s walking the org_id index
		// and looking each row up); a unary + keeps SQLite off the index
		// and means nothing to PostgreSQL.
		q, args := `SELECT id, name, COALESCE(owner_id, 0) FROM accounts WHERE +org_id = $1`, []any{sc.OrgID}
		if !whole {
			f, a := c.accountFilter("id", sc.OrgID, 2)
			q, args = `SELECT id, name, COALESCE(owner_id, 0) FROM accounts WHERE org_id = $1`+f, append(args, a...)
		}
		err := scanEach(tx, q, args, func(rows *sql.Rows) error {
			var id int64
			var a acct
			if err := rows.Scan(&id, &a.name, &a.owner); err != nil {
				return err
			}
			accountIDs, accounts = append(accountIDs, id), append(accounts, a)
			return nil
		})
		if err != nil {
			return err
		}
		if tiers {
			f, a := c.accountFilter("account_id", sc.OrgID, 2)
			err := scanEach(tx, `SELECT account_id, tier FROM portfolio_accounts WHERE org_id = $1 AND tier <> ''`+f,
				append([]any{sc.OrgID}, a...), func(rows *sql.Rows) error {
					var id int64
					var t string
					if err := rows.Scan(&id, &t); err != nil {
						return err
					}
					tierIDs, tierOf = append(tierIDs, id), append(tierOf, internTier(t))
					return nil
				})
			if err != nil {
				return err
			}
		}
		if !whole {
			return nil
		}
		// For a whole organisation the check-ins are read by a scan of
		// their own, side by side with the stakeholders, rather than
		// joined: half a million index look-ups cost more than a second
		// scan and a merge.
		return scanEach(tx, `SELECT stakeholder_id, last_at, prev_at FROM cadence_checkins WHERE org_id = $1`,
			[]any{sc.OrgID}, func(rows *sql.Rows) error {
				var id int64
				var lp [2]int64
				if err := rows.Scan(&id, &lp[0], &lp[1]); err != nil {
					return err
				}
				checkinIDs, checkins = append(checkinIDs, id), append(checkins, lp)
				return nil
			})
	}

	var chunks [][]cadenceStakeholder
	var chunk []cadenceStakeholder
	readStakeholders := func(tx *Tx) error {
		var s cadenceStakeholder
		var level int64
		cols, dest := "s.account_id, s.id, "+levelCase+", s.created_at", []any{&s.accountID, &s.id, &level, &s.created}
		if !c.TallyOnly {
			cols, dest = cols+", s.name", append(dest, &s.name)
		}
		// For a whole organisation, reading the table straight through
		// beats walking the (org_id, id) index and looking every row up.
		q := `SELECT ` + cols + ` FROM stakeholders s WHERE +s.org_id = $1 AND s.active = $2`
		if !whole {
			q = `SELECT ` + cols + `, COALESCE(c.last_at, 0), COALESCE(c.prev_at, 0)
				FROM stakeholders s LEFT JOIN cadence_checkins c ON c.org_id = s.org_id AND c.stakeholder_id = s.id
				WHERE s.org_id = $1 AND s.active = $2` + filter
			dest = append(dest, &s.last, &s.prev)
		}
		return scanEach(tx, q, append([]any{sc.OrgID, true}, fargs...), func(rows *sql.Rows) error {
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			if level < 0 || level >= int64(len(account.Levels)) {
				return fmt.Errorf("stakeholder %d has an unknown level", s.id)
			}
			s.level = int8(level)
			// In chunks: growing one slice of half a million copies and
			// clears it again and again.
			if len(chunk) == cap(chunk) {
				if len(chunk) > 0 {
					chunks = append(chunks, chunk)
				}
				chunk = make([]cadenceStakeholder, 0, 16384)
			}
			chunk = append(chunk, s)
			return nil
		})
	}
	var errO error
	var wg sync.WaitGroup
	wg.Go(func() { errO = db.read(ctx, readOthers) })
	errS := db.read(ctx, readStakeholders)
	wg.Wait()
	if err := errors.Join(errO, errS); err != nil {
		return nil, err
	}
	if len(chunk) > 0 {
		chunks = append(chunks, chunk)
	}
	n := 0
	for _, ch := range chunks {
		n += len(ch)
	}

	// Each stakeholder's check-ins by a merge with the stakeholders when
	// both came in id order (SQLite reads both tables in key order),
	// otherwise by a binary search.
	if !slices.IsSorted(checkinIDs) { // PostgreSQL promises no order
		perm := make([]int, len(checkinIDs))
		for i := range perm {
			perm[i] = i
		}
		slices.SortFunc(perm, func(x, y int) int { return cmp.Compare(checkinIDs[x], checkinIDs[y]) })
		ids, lps := make([]int64, len(perm)), make([][2]int64, len(perm))
		for i, k := range perm {
			ids[i], lps[i] = checkinIDs[k], checkins[k]
		}
		checkinIDs, checkins = ids, lps
	}
	ax, tx := newIDIndex(accountIDs), newIDIndex(tierIDs)
	out := make([]cadence.Row, n)
	// Filled in two halves side by side: writing half a million rows of
	// 300 bytes is a good part of the work.
	fill := func(from, to int) {
		days := newDayCache(loc)
		days.direct = n < parallelRows // a few hundred rows: the table costs more than it saves
		j := -1
		var prevID int64
		i := 0
		for _, ch := range chunks {
			if i+len(ch) <= from {
				i += len(ch)
				continue
			}
			for m := range ch {
				if i >= to {
					return
				}
				if i < from {
					i++
					continue
				}
				s := &ch[m]
				r := &out[i].Subject
				i++
				r.AccountID, r.StakeholderID, r.Name, r.Level = s.accountID, s.id, s.name, account.Levels[s.level]
				if k := ax.at(s.accountID); k >= 0 {
					r.AccountName, r.OwnerID = accounts[k].name, accounts[k].owner
				}
				if tiers {
					r.Tier = portfolio.TierC
					if k := tx.at(s.accountID); k >= 0 && tierOf[k] != "" {
						r.Tier = tierOf[k]
					}
				}
				r.Started = days.day(s.created)
				last, prev := s.last, s.prev
				if whole {
					// Walk on from the last one while the stakeholders come
					// in id order and close together; search otherwise
					// (PostgreSQL returns them in any order).
					if j < 0 || s.id < prevID || j+8 < len(checkinIDs) && checkinIDs[j+8] < s.id {
						j, _ = slices.BinarySearch(checkinIDs, s.id)
					}
					for j < len(checkinIDs) && checkinIDs[j] < s.id {
						j++
					}
					if j < len(checkinIDs) && checkinIDs[j] == s.id {
						last, prev = checkins[j][0], checkins[j][1]
					}
					prevID = s.id
				}
				if last != 0 {
					r.Last = days.day(last)
				}
				if prev != 0 {
					r.Prev = days.day(prev)
				}
			}
		}
	}
	if n < parallelRows {
		fill(0, n)
		return out, nil
	}
	half := n / 2
	wg.Go(func() { fill(0, half) })
	fill(half, n)
	wg.Wait()
	return out, nil
}

// parallelRows is how many rows make it worth splitting the work between
// two goroutines (and a day cache worth its 3.6 MB).
var parallelRows = 20_000

// internTier returns the tier constant for a stored tier, so that half a
// million rows share three strings.
func internTier(t string) portfolio.Tier {
	for _, c := range cadence.Tiers {
		if string(c) == t {
			return c
		}
	}
	return portfolio.Tier(t)
}

// scanEach runs a query and calls fn for each row.
func scanEach(tx *Tx, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.Query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// dayCache turns instants (unix ms) into calendar days in one zone,
// remembering the day of each quarter hour it has seen: every zone's offset
// from UTC, daylight saving included, is a whole number of quarter hours, so
// all instants of a quarter hour fall on the same day. Half a million
// stakeholders' check-ins fall in a few tens of thousands of quarter hours,
// and a map look-up costs a fraction of a time-zone conversion.
type dayCache struct {
	loc    *time.Location
	direct bool           // convert each instant, remember nothing
	base   int64          // the first quarter hour of days
	days   []account.Date // by quarter hour from base; zero: not yet known
}

// dayCacheSpan is how many quarter hours the cache covers around the first
// instant it is asked about: about four years, 3.6 MB. Instants outside
// are converted each time.
const dayCacheSpan = 150_000

func newDayCache(loc *time.Location) *dayCache {
	if loc == nil {
		loc = time.UTC
	}
	return &dayCache{loc: loc}
}

const quarterHourMS = 15 * 60 * 1000

func (c *dayCache) day(ms int64) account.Date {
	q := ms / quarterHourMS
	if ms < 0 && ms%quarterHourMS != 0 {
		q-- // floor, for instants before 1970
	}
	if c.direct {
		return cadence.Day(fromMS(q*quarterHourMS), c.loc)
	}
	if c.days == nil {
		c.base, c.days = q-dayCacheSpan*2/3, make([]account.Date, dayCacheSpan)
	}
	i := q - c.base
	if i < 0 || i >= int64(len(c.days)) {
		return cadence.Day(fromMS(q*quarterHourMS), c.loc)
	}
	if d := c.days[i]; !d.IsZero() {
		return d
	}
	d := cadence.Day(fromMS(q*quarterHourMS), c.loc)
	c.days[i] = d
	return d
}

// SortRows orders rows by account name, then stakeholder name, for
// display. CadenceSubjects leaves them in storage order: sorting half a
// million rows in SQL or Go cost as much as loading them, and pages that
// show them sort or group them their own way.
func SortRows(rows []cadence.Row) {
	slices.SortFunc(rows, func(x, y cadence.Row) int {
		return cmp.Or(cmp.Compare(x.AccountName, y.AccountName), cmp.Compare(x.AccountID, y.AccountID),
			cmp.Compare(x.Name, y.Name), cmp.Compare(x.StakeholderID, y.StakeholderID))
	})
}

// CadenceHistories loads every active stakeholder in scope with the days of
// all its check-ins since from (in loc), for adherence trends. Its cost
// grows with the number of touches in the window, unlike CadenceSubjects.
func (db *DB) CadenceHistories(ctx context.Context, sc account.Scope, c CadenceScope, since time.Time, loc *time.Location) ([]cadence.History, error) {
	subs, err := db.CadenceSubjects(ctx, sc, c, loc)
	if err != nil {
		return nil, err
	}
	out := make([]cadence.History, len(subs))
	index := make(map[int64]int, len(subs))
	for i, s := range subs {
		out[i] = cadence.History{Subject: s}
		index[s.StakeholderID] = i
	}
	err = db.read(ctx, func(tx *Tx) error {
		filter, fargs := c.accountFilter("ts.account_id", sc.OrgID, 3)
		rows, err := tx.Query(`SELECT ts.stakeholder_id, ts.occurred_at
			FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id
			WHERE ts.org_id = $1 AND ts.occurred_at >= $2 AND t.kind <> 'business_review'`+filter+`
			ORDER BY ts.stakeholder_id, ts.occurred_at DESC`, append([]any{sc.OrgID, ms(since)}, fargs...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, at int64
			if err := rows.Scan(&id, &at); err != nil {
				return err
			}
			if i, ok := index[id]; ok {
				out[i].Days = append(out[i].Days, cadence.Day(fromMS(at), loc))
			}
		}
		return rows.Err()
	})
	return out, err
}

// LastReviews returns the most recent business-review touch of each account
// in scope.
func (db *DB) LastReviews(ctx context.Context, sc account.Scope, c CadenceScope) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	err := db.read(ctx, func(tx *Tx) error {
		filter, fargs := c.accountFilter("account_id", sc.OrgID, 2)
		rows, err := tx.Query(`SELECT account_id, MAX(occurred_at) FROM touches
			WHERE org_id = $1 AND kind = 'business_review'`+filter+` GROUP BY account_id`, append([]any{sc.OrgID}, fargs...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, at int64
			if err := rows.Scan(&id, &at); err != nil {
				return err
			}
			out[id] = fromMS(at)
		}
		return rows.Err()
	})
	return out, err
}

// Adherence evaluates every active stakeholder in scope on day today (a
// calendar day in loc, the viewer's zone): the policy, the overrides, the
// tiers (an untiered account counts as tier C) and the two latest
// check-ins, put through cadence.EvaluateRows.
func (db *DB) Adherence(ctx context.Context, sc account.Scope, c CadenceScope, loc *time.Location, today account.Date) ([]cadence.Row, cadence.Settings, error) {
	s, err := db.CadenceSettings(ctx, sc)
	if err != nil {
		return nil, s, err
	}
	o, err := db.CadenceOverrides(ctx, sc, c.AccountID)
	if err != nil {
		return nil, s, err
	}
	rows, err := db.cadenceRows(ctx, sc, c, loc, true)
	if err != nil {
		return nil, s, err
	}
	if len(rows) < parallelRows {
		cadence.EvaluateRows(s, o, rows, today)
		return rows, s, nil
	}
	// In two halves side by side (two cores).
	var wg sync.WaitGroup
	half := len(rows) / 2
	wg.Go(func() { cadence.EvaluateRows(s, o, rows[:half], today) })
	cadence.EvaluateRows(s, o, rows[half:], today)
	wg.Wait()
	return rows, s, nil
}
