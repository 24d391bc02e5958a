package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/staffing"
)

// GraderScope narrows GraderInputs.
type GraderScope struct {
	AccountID int64 // one account (0: all)
	VisibleTo int64 // need-to-know: only accounts this person owns or is on the team of
}

// Grades grades the accounts in scope (measure.GradeAccount over
// GraderInputs), by account name. Large portfolios are graded on every
// processor at once: GradeAccount is a pure function.
func (db *DB) Grades(ctx context.Context, sc account.Scope, gs GraderScope, today account.Date) ([]measure.Grade, error) {
	ins, err := db.GraderInputs(ctx, sc, gs, today)
	if err != nil {
		return nil, err
	}
	out := make([]measure.Grade, len(ins))
	const chunk = 4096
	var wg sync.WaitGroup
	next := make(chan int, len(ins)/chunk+1)
	for i := 0; i < len(ins); i += chunk {
		next <- i
	}
	close(next)
	for range min(runtime.GOMAXPROCS(0), len(ins)/chunk+1) {
		wg.Go(func() {
			for from := range next {
				for i := from; i < min(from+chunk, len(ins)); i++ {
					out[i] = measure.GradeAccount(ins[i])
				}
			}
		})
	}
	wg.Wait()
	return out, nil
}

// GraderInputs gathers what the ten checks read for every account that is
// not a former customer (one with AccountID), by account name. The whole
// organisation is read in a fixed number of queries: staffing (00004),
// cadence (00005), reviews (00007), the relationship matrix, roadmap and
// vision (00008) and survey answers (00012). Levels and KnownLevels hold
// each level once, in the order of account.Levels: the checks count
// distinct levels.
//
// Staffing reads in two transactions of its own while the grader's facts
// are read in two more, all at the same time (separate snapshots, as for
// Staffing); the facts of the organisation's stakeholders come back packed
// in texts (see graderStakeholders). With one account, the facts are read
// for that account only. On `samwise gen --accounts 100000` (460,000
// active stakeholders) this took /measures from about 4.5 s of CPU a
// request to 1.1 – 1.9 s, and the account page (which grades its account)
// from 5.4 s to 0.5 s.
func (db *DB) GraderInputs(ctx context.Context, sc account.Scope, gs GraderScope, today account.Date) ([]measure.GraderInput, error) {
	var st Staffing
	var stErr error
	var wg sync.WaitGroup
	wg.Go(func() { st, stErr = db.Staffing(ctx, sc) })
	var f graderFacts
	err := db.readParallel(ctx,
		func(tx *Tx) error { return tx.graderFacts(sc.OrgID, gs, today, &f) },
		func(tx *Tx) (err error) {
			f.people, err = tx.graderStakeholders(sc.OrgID, gs.AccountID, ms(today.Time().AddDate(-1, 0, 0)))
			return err
		})
	wg.Wait()
	if err = errors.Join(stErr, err); err != nil {
		return nil, err
	}
	w := staffing.Compute(st.Settings, st.Managers, st.Accounts)
	exempt := map[int64]string{}
	for _, a := range w.Exempt {
		exempt[a.ID] = a.ExemptReason
	}
	year := strconv.Itoa(today.Year)
	quarter := staffing.QuarterOf(today).Key
	graded := make([]*staffing.Account, 0, len(st.Accounts))
	for i := range st.Accounts {
		a := &st.Accounts[i]
		if (gs.AccountID == 0 || a.ID == gs.AccountID) && (f.visible == nil || f.visible[a.ID] != 0) {
			graded = append(graded, a)
		}
	}
	if gs.AccountID != 0 && len(graded) == 0 {
		if f.one == nil {
			return nil, account.Errorf(account.ENOTFOUND, "There is no such account.")
		}
		// A former customer: graded all the same when asked for by id.
		graded = append(graded, f.one)
	}
	slices.SortFunc(graded, func(a, b *staffing.Account) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	out := make([]measure.GraderInput, len(graded))
	for i, a := range graded {
		people := f.people[a.ID]
		in := measure.GraderInput{AccountID: a.ID, AccountName: a.Name, Today: today, OwnerID: a.OwnerID,
			CurrentYear: year, CurrentQuarter: quarter, Tier: string(a.Tier), TierPlan: f.policies > 0,
			Agreed: f.agreed[a.ID] > 0, ActiveStakeholders: people.active,
			Levels: levelSet(people.levels), KnownLevels: levelSet(people.known), RoadmapItems: int(f.roadmap[a.ID]), VisionHorizons: f.horizons[a.ID]}
		if reason, ok := exempt[a.ID]; ok {
			in.Exempt, in.ExemptReason = true, reason
		}
		if m, ok := w.Manager(a.OwnerID); ok && a.OwnerID != 0 {
			in.OwnerName, in.ManagerLoad, in.ManagerCapacity = m.Name, m.Load, m.Capacity
		}
		if in.OwnerID != 0 && in.OwnerName == "" {
			in.OwnerName = "The manager"
		}
		for _, p := range []string{quarter, year} {
			if g, ok := f.goals[a.OwnerID][p]; ok {
				in.GoalsPeriod, in.GoalRevenue, in.GoalRetention, in.GoalTouches = p, g[0], int(g[1]), int(g[2])
				if g[0] > 0 && g[1] > 0 && g[2] > 0 {
					break
				}
			}
		}
		tier := a.Tier
		if !tier.Valid() {
			tier = portfolio.TierC // untiered accounts follow tier C (see cadence)
		}
		for _, l := range account.Levels {
			if d := f.settings.CheckIn[tier][l]; d > 0 && (in.CheckInDays == 0 || d < in.CheckInDays) {
				in.CheckInDays = d
			}
		}
		in.ReviewDays = f.settings.Review[tier]
		in.LastReviewHeld, in.NextReviewDue = f.held[a.ID], f.next[a.ID]
		if t, ok := f.nps[a.ID]; ok {
			in.LastKeyNPS = account.DateOf(t)
		}
		out[i] = in
	}
	return out, nil
}

// graderFacts are what the checks read besides staffing, per account.
type graderFacts struct {
	visible    map[int64]int64 // need-to-know: the accounts the person may see (nil: all)
	one        *staffing.Account
	policies   int
	settings   cadence.Settings
	agreed     map[int64]int64
	goals      map[int64]map[string][3]int64
	people     map[int64]stakeholderFacts
	held, next map[int64]account.Date
	roadmap    map[int64]int64
	horizons   map[int64][]int
	nps        map[int64]time.Time
}

// stakeholderFacts are an account's active stakeholders: how many, the
// levels they are at and the levels at which someone on our side knows them
// (a touch within a year, or a relationship in the matrix), as bit sets over
// account.Levels.
type stakeholderFacts struct {
	active        int
	levels, known uint8
}

// levelSets[m] lists the levels of bit set m, in the order of account.Levels.
var levelSets = func() [1 << 4][]string {
	var out [1 << 4][]string
	for m := range out {
		for i, l := range account.Levels {
			if m&(1<<i) != 0 {
				out[m] = append(out[m], string(l))
			}
		}
		out[m] = slices.Clip(out[m])
	}
	return out
}()

// levelSet is the levels of m; the slices are shared, clipped so that an
// append copies.
func levelSet(m uint8) []string { return levelSets[m&0xf] }

// graderFacts reads f, but for people, for the organisation or for one
// account (gs.AccountID).
func (tx *Tx) graderFacts(orgID int64, gs GraderScope, today account.Date, f *graderFacts) error {
	var err error
	// one narrows a query on a table with account_id to gs.AccountID.
	one, args := "", []any{orgID}
	if gs.AccountID != 0 {
		one, args = ` AND account_id = $2`, []any{orgID, gs.AccountID}
	}
	if gs.VisibleTo != 0 {
		if f.visible, err = tx.int64s(`SELECT id, id FROM accounts WHERE org_id = $1 AND owner_id = $2
				UNION SELECT account_id, account_id FROM account_team WHERE org_id = $1 AND person_id = $2`, orgID, gs.VisibleTo); err != nil {
			return err
		}
	}
	if gs.AccountID != 0 {
		// Read in case staffing does not list it (a former customer).
		var a staffing.Account
		var owner sql.NullInt64
		err := tx.QueryRow(`SELECT id, name, owner_id FROM accounts WHERE org_id = $1 AND id = $2`, orgID, gs.AccountID).
			Scan(&a.ID, &a.Name, &owner)
		switch {
		case isNoRows(err):
		case err != nil:
			return err
		default:
			a.OwnerID = owner.Int64
			if a.Tier, err = tx.computedTiersEffective(orgID, a.ID); err != nil {
				return err
			}
			f.one = &a
		}
	}
	if err := tx.QueryRow(`SELECT COUNT(*) FROM cadence_policies WHERE org_id = $1`, orgID).Scan(&f.policies); err != nil {
		return err
	}
	if f.settings, err = tx.cadenceSettings(orgID); err != nil {
		return err
	}
	if f.agreed, err = tx.int64s(`SELECT account_id, COUNT(*) FROM cadence_agreements WHERE org_id = $1`+one+` GROUP BY account_id`, args...); err != nil {
		return err
	}
	year, quarter := strconv.Itoa(today.Year), staffing.QuarterOf(today).Key
	f.goals = map[int64]map[string][3]int64{}
	if err := tx.each(`SELECT person_id, period, revenue, retention, touches FROM manager_goals WHERE org_id = $1 AND period IN ($2, $3)`,
		[]any{orgID, year, quarter}, func(r *sql.Rows) error {
			var p int64
			var period string
			var g [3]int64
			if err := r.Scan(&p, &period, &g[0], &g[1], &g[2]); err != nil {
				return err
			}
			if f.goals[p] == nil {
				f.goals[p] = map[string][3]int64{}
			}
			f.goals[p][period] = g
			return nil
		}); err != nil {
		return err
	}
	if f.held, f.next, err = tx.reviewDays(orgID, gs.AccountID, today); err != nil {
		return err
	}
	if f.roadmap, err = tx.int64s(`SELECT account_id, COUNT(*) FROM roadmap_items WHERE org_id = $1`+one+` AND state <> 'not_relevant' GROUP BY account_id`, args...); err != nil {
		return err
	}
	f.horizons = map[int64][]int{}
	if err := tx.each(`SELECT DISTINCT account_id, horizon_years FROM vision_items WHERE org_id = $1`+one+` AND superseded_at = 0`, args,
		func(r *sql.Rows) error {
			var acct int64
			var h int
			err := r.Scan(&acct, &h)
			f.horizons[acct] = append(f.horizons[acct], h)
			return err
		}); err != nil {
		return err
	}
	if gs.AccountID == 0 {
		f.nps, err = tx.lastKeyContactAnswers(orgID)
		return err
	}
	at, err := tx.int64s(`SELECT account_id, MAX(answered_at) FROM survey_responses WHERE org_id = $1 AND account_id = $2 AND key_contact = $3
		GROUP BY account_id`, orgID, gs.AccountID, true)
	f.nps = map[int64]time.Time{}
	for k, v := range at {
		f.nps[k] = fromMS(v)
	}
	return err
}

// graderStakeholders reads the facts of the active stakeholders of the
// organisation (or of one account) for checks 5 and 7: a level is known when
// the stakeholder was touched at or after since (cadence_checkins) or has a
// relationship other than "none" in the matrix.
//
// The stakeholders, the recent check-ins and the relationships are read as
// three packed texts (as for the ranking, rankRows) and joined here on the
// stakeholder id: at 100,000 accounts, joining 460,000 stakeholders to their
// check-ins in SQL and stepping the rows one by one into maps of slices took
// 2.7 s of CPU, nearly all of the page.
func (tx *Tx) graderStakeholders(orgID, accountID int64, since int64) (map[int64]stakeholderFacts, error) {
	// Each stakeholder is "id account·8+level ": two numbers, not three,
	// as a text is what reading them costs; level is its place in
	// account.Levels, 7 for none of them.
	level := levelIndex(7)
	// Read whole, the table is walked rather than its org_id index (fullScan).
	stakeholders, args := tx.fullScan("stakeholders s")+` WHERE s.org_id = $1 AND s.active = $2`, []any{orgID, true}
	if accountID != 0 {
		stakeholders, args = `stakeholders s WHERE s.org_id = $1 AND s.active = $2 AND s.account_id = $3`, []any{orgID, true, accountID}
	}
	var packed, recent, related sql.NullString
	if err := tx.QueryRow(`SELECT string_agg(s.id || ' ' || (s.account_id * 8 + `+level+`) || ' ', '') FROM `+stakeholders, args...).
		Scan(&packed); err != nil {
		return nil, err
	}
	out := map[int64]stakeholderFacts{}
	if !packed.Valid {
		return out, nil
	}
	q := `SELECT string_agg(c.stakeholder_id || ' ', '') FROM cadence_checkins c WHERE c.org_id = $1 AND c.last_at >= $2`
	rargs := []any{orgID, since}
	if accountID != 0 {
		q += ` AND c.stakeholder_id IN (SELECT id FROM stakeholders WHERE org_id = $1 AND account_id = $3)`
		rargs = append(rargs, accountID)
	}
	if err := tx.QueryRow(q, rargs...).Scan(&recent); err != nil {
		return nil, err
	}
	q, rargs = `SELECT string_agg(r.stakeholder_id || ' ', '') FROM relationships r WHERE r.org_id = $1 AND r.strength <> 'none'`, []any{orgID}
	if accountID != 0 {
		q += ` AND r.stakeholder_id IN (SELECT id FROM stakeholders WHERE org_id = $1 AND account_id = $2)`
		rargs = append(rargs, accountID)
	}
	if err := tx.QueryRow(q, rargs...).Scan(&related); err != nil {
		return nil, err
	}
	touched, err := sortedIDs(recent.String)
	if err != nil {
		return nil, fmt.Errorf("recent check-ins: %w", err)
	}
	matrix, err := sortedIDs(related.String)
	if err != nil {
		return nil, fmt.Errorf("relationships: %w", err)
	}
	// Stakeholders of one account mostly come one after the other: keep the
	// account at hand and store it when the next one starts.
	var cur int64
	var facts stakeholderFacts
	for s := packed.String; len(s) > 0; {
		var id, v int64
		if id, s, err = cutInt(s); err != nil {
			return nil, fmt.Errorf("stakeholders: %w", err)
		}
		if v, s, err = cutInt(s); err != nil {
			return nil, fmt.Errorf("stakeholder %d: %w", id, err)
		}
		acct, lvl := v>>3, v&7
		if lvl >= int64(len(account.Levels)) {
			return nil, fmt.Errorf("stakeholder %d: a level outside %v", id, account.Levels)
		}
		if acct != cur {
			if cur != 0 {
				out[cur] = facts
			}
			cur, facts = acct, out[acct]
		}
		bit := uint8(1) << lvl
		facts.active++
		facts.levels |= bit
		if _, ok := slices.BinarySearch(touched, id); ok {
			facts.known |= bit
		} else if _, ok := slices.BinarySearch(matrix, id); ok {
			facts.known |= bit
		}
	}
	out[cur] = facts
	return out, nil
}

// sortedIDs parses a packed text of ids ("1 2 3 ") into a sorted list.
func sortedIDs(s string) ([]int64, error) {
	out := make([]int64, 0, len(s)/7+1)
	for len(s) > 0 {
		var id int64
		var err error
		if id, s, err = cutInt(s); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	if !slices.IsSorted(out) {
		slices.Sort(out)
	}
	return out, nil
}

// computedTiersEffective returns one account's effective tier ("" none).
func (tx *Tx) computedTiersEffective(orgID, accountID int64) (portfolio.Tier, error) {
	var t string
	err := tx.QueryRow(`SELECT tier FROM portfolio_accounts WHERE org_id = $1 AND account_id = $2`, orgID, accountID).Scan(&t)
	if isNoRows(err) {
		return "", nil
	}
	return portfolio.Tier(t), err
}

// reviewDays returns, per account (or for one, accountID), the day of the
// last business review held and of the next one scheduled (today or later).
// Held reviews come from the reviews table and from business-review touches;
// scheduled ones from the reviews table.
func (tx *Tx) reviewDays(orgID, accountID int64, today account.Date) (held, next map[int64]account.Date, err error) {
	held, next = map[int64]account.Date{}, map[int64]account.Date{}
	one, args := "", []any{orgID}
	if accountID != 0 {
		one, args = ` AND account_id = $2`, []any{orgID, accountID}
	}
	// touches_reviews (00017) holds just these rows, in account order; the
	// latest of each account come back in one packed text.
	var packed sql.NullString
	if err := tx.QueryRow(`SELECT string_agg(account_id || ' ' || at || ' ', '') FROM (SELECT account_id, MAX(occurred_at) AS at FROM touches
		WHERE org_id = $1`+one+` AND kind = 'business_review' GROUP BY account_id) x`, args...).Scan(&packed); err != nil {
		return nil, nil, err
	}
	for s := packed.String; len(s) > 0; {
		var id, at int64
		if id, s, err = cutInt(s); err != nil {
			return nil, nil, fmt.Errorf("business-review touches: %w", err)
		}
		if at, s, err = cutInt(s); err != nil {
			return nil, nil, fmt.Errorf("business-review touches of account %d: %w", id, err)
		}
		held[id] = account.DateOf(time.UnixMilli(at).UTC())
	}
	err = tx.each(`SELECT account_id, MAX(held_on) FROM reviews WHERE org_id = $1`+one+` AND status = 'held' AND held_on <> '' GROUP BY account_id`, args,
		func(r *sql.Rows) error {
			var id int64
			var d string
			if err := r.Scan(&id, &d); err != nil {
				return err
			}
			if day := parseDate(d); !day.IsZero() && held[id].Before(day) {
				held[id] = day
			}
			return nil
		})
	if err != nil {
		return nil, nil, err
	}
	err = tx.each(`SELECT account_id, MIN(scheduled_on) FROM reviews WHERE org_id = $1`+one+` AND held_on = '' AND status = 'scheduled'
		AND scheduled_on >= $`+itoa(len(args)+1)+` GROUP BY account_id`, append(args, today.String()),
		func(r *sql.Rows) error {
			var id int64
			var d string
			if err := r.Scan(&id, &d); err != nil {
				return err
			}
			next[id] = parseDate(d)
			return nil
		})
	return held, next, err
}

// fullScan names a table to be read whole: SQLite otherwise walks an index
// on org_id and looks every row up by rowid, eight times slower for a whole
// organisation's stakeholders (BENCHMARKS.md, measures). PostgreSQL's
// planner chooses well by itself.
// table may carry an alias ("stakeholders s").
func (tx *Tx) fullScan(table string) string {
	if tx.db.dialect == SQLite {
		return table + " NOT INDEXED"
	}
	return table
}
