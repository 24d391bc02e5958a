package store

import (
	"cmp"
	"context"
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
// One query whatever the size. The two latest check-ins come from
// cadence_checkins, which triggers keep current as touches are written (see
// migration 00005). Reading them from touch_stakeholders instead — a window
// function ROW_NUMBER() OVER (PARTITION BY stakeholder_id ORDER BY
// occurred_at DESC) ≤ 2, or two correlated LIMIT subqueries per stakeholder
// (lastCheckIn) — gives the same answer but took 12 s and 7.4 s for 100,000
// accounts on SQLite, against the 2 s target (BENCHMARKS.md).
func (db *DB) CadenceSubjects(ctx context.Context, sc account.Scope, c CadenceScope, loc *time.Location) ([]cadence.Subject, error) {
	var out []cadence.Subject
	// The accounts (into a map: one scan is cheaper than a join that looks
	// an account up for each of its stakeholders) and the stakeholders are
	// read side by side, in two read transactions, as Ranking does: on two
	// cores the accounts' scan costs no wall time. The two snapshots may
	// differ by a write committed in between; a stakeholder whose account is
	// not in the map shows without its name, for this one view.
	type acct struct {
		name  string
		owner int64
	}
	// Slices in id order, found through an idIndex (portfolio.go): half a
	// million map look-ups cost more than the database's scan.
	var accountIDs []int64
	var accounts []acct
	readAccounts := func(tx *Tx) error {
		filter, fargs := c.accountFilter("id", sc.OrgID, 2)
		rows, err := tx.Query(`SELECT id, name, COALESCE(owner_id, 0) FROM accounts WHERE org_id = $1`+filter,
			append([]any{sc.OrgID}, fargs...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var a acct
			if err := rows.Scan(&id, &a.name, &a.owner); err != nil {
				return err
			}
			accountIDs = append(accountIDs, id)
			accounts = append(accounts, a)
		}
		return rows.Err()
	}
	// For a whole organisation the check-ins are read by a scan of their
	// own, side by side with the stakeholders, rather than joined: half a
	// million index look-ups cost more than a second scan and a map.
	filter, fargs := c.accountFilter("s.account_id", sc.OrgID, 3)
	whole := filter == ""
	// The check-ins in stakeholder order, like the stakeholders' scan (both
	// tables are read in key order), so the two are merged, not looked up.
	var checkinIDs []int64
	var checkins [][2]int64
	readCheckins := func(tx *Tx) error {
		checkinIDs, checkins = nil, nil
		rows, err := tx.Query(`SELECT stakeholder_id, last_at, prev_at FROM cadence_checkins WHERE org_id = $1`, sc.OrgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var lp [2]int64
			if err := rows.Scan(&id, &lp[0], &lp[1]); err != nil {
				return err
			}
			checkinIDs = append(checkinIDs, id)
			checkins = append(checkins, lp)
		}
		return rows.Err()
	}
	var chunks [][]cadence.Subject
	var chunk []cadence.Subject
	readStakeholders := func(tx *Tx) error {
		// For a whole organisation, reading the table straight through beats
		// walking the (org_id, id) index and looking every row up (0.26 s
		// against 0.37 s in SQLite's own shell); a unary + keeps SQLite off
		// the index and means nothing to PostgreSQL's planner.
		q := `SELECT s.account_id, s.id, s.name, s.level, s.created_at, COALESCE(c.last_at, 0), COALESCE(c.prev_at, 0)
			FROM stakeholders s LEFT JOIN cadence_checkins c ON c.org_id = s.org_id AND c.stakeholder_id = s.id
			WHERE s.org_id = $1 AND s.active = $2` + filter
		if whole {
			q = `SELECT s.account_id, s.id, s.name, s.level, s.created_at, 0, 0 FROM stakeholders s WHERE +s.org_id = $1 AND s.active = $2`
		}
		rows, err := tx.Query(q, append([]any{sc.OrgID, true}, fargs...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		days := newDayCache(loc)
		for rows.Next() {
			var s cadence.Subject
			var created, last, prev int64
			if err := rows.Scan(&s.AccountID, &s.StakeholderID, &s.Name, &s.Level, &created, &last, &prev); err != nil {
				return err
			}
			s.Started = days.day(created)
			if last != 0 {
				s.Last = days.day(last)
			}
			if prev != 0 {
				s.Prev = days.day(prev)
			}
			// In chunks: growing one slice of half a million subjects
			// copies and clears it again and again.
			if len(chunk) == cap(chunk) {
				if len(chunk) > 0 {
					chunks = append(chunks, chunk)
				}
				chunk = make([]cadence.Subject, 0, 16384)
			}
			chunk = append(chunk, s)
		}
		chunks = append(chunks, chunk)
		return rows.Err()
	}
	var errA, errC error
	var wg sync.WaitGroup
	wg.Go(func() { errA = db.read(ctx, readAccounts) })
	if whole {
		wg.Go(func() { errC = db.read(ctx, readCheckins) })
	}
	errS := db.read(ctx, readStakeholders)
	wg.Wait()
	out = slices.Concat(chunks...)
	if err := errors.Join(errA, errC, errS); err != nil {
		return nil, err
	}
	days := newDayCache(loc)
	ax := newIDIndex(accountIDs)
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
	sorted := slices.IsSortedFunc(out, func(x, y cadence.Subject) int { return cmp.Compare(x.StakeholderID, y.StakeholderID) })
	j := 0
	for i := range out {
		if k := ax.at(out[i].AccountID); k >= 0 {
			out[i].AccountName, out[i].OwnerID = accounts[k].name, accounts[k].owner
		}
		if !whole {
			continue
		}
		id := out[i].StakeholderID
		var lp [2]int64
		var ok bool
		if sorted {
			for j < len(checkinIDs) && checkinIDs[j] < id {
				j++
			}
			ok = j < len(checkinIDs) && checkinIDs[j] == id
		} else if k, found := slices.BinarySearch(checkinIDs, id); found {
			j, ok = k, true
		}
		if ok {
			lp = checkins[j]
			if lp[0] != 0 {
				out[i].Last = days.day(lp[0])
			}
			if lp[1] != 0 {
				out[i].Prev = days.day(lp[1])
			}
		}
	}
	return out, nil
}

// dayCache turns instants (unix ms) into calendar days in one zone,
// remembering the day of each quarter hour it has seen: every zone's offset
// from UTC, daylight saving included, is a whole number of quarter hours, so
// all instants of a quarter hour fall on the same day. Half a million
// stakeholders' check-ins fall in a few tens of thousands of quarter hours,
// and a map look-up costs a fraction of a time-zone conversion.
type dayCache struct {
	loc  *time.Location
	base int64          // the first quarter hour of days
	days []account.Date // by quarter hour from base; zero: not yet known
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
// tiers (AccountTiers; an untiered account counts as tier C) and the two
// latest check-ins, put through cadence.EvaluateAll.
func (db *DB) Adherence(ctx context.Context, sc account.Scope, c CadenceScope, loc *time.Location, today account.Date) ([]cadence.Row, cadence.Settings, error) {
	s, err := db.CadenceSettings(ctx, sc)
	if err != nil {
		return nil, s, err
	}
	o, err := db.CadenceOverrides(ctx, sc, c.AccountID)
	if err != nil {
		return nil, s, err
	}
	// The tiers and the subjects are read side by side (two cores).
	var tiers map[int64]portfolio.Tier
	var errT error
	done := make(chan struct{})
	go func() {
		defer close(done)
		tiers, errT = db.AccountTiers(ctx, sc)
	}()
	subs, err := db.CadenceSubjects(ctx, sc, c, loc)
	<-done
	if err := errors.Join(err, errT); err != nil {
		return nil, s, err
	}
	// The tiers by account in an id-indexed slice: a map look-up per
	// stakeholder costs more than building it.
	tierIDs := make([]int64, 0, len(tiers))
	tierOfID := make([]portfolio.Tier, 0, len(tiers))
	for id, t := range tiers {
		tierIDs, tierOfID = append(tierIDs, id), append(tierOfID, t)
	}
	ti := newIDIndex(tierIDs)
	for i := range subs {
		if k := ti.at(subs[i].AccountID); k >= 0 {
			subs[i].Tier = tierOfID[k]
		}
		if subs[i].Tier == "" {
			subs[i].Tier = portfolio.TierC
		}
	}
	return cadence.EvaluateAll(s, o, subs, today), s, nil
}
