package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/outcome"
)

// Outcomes, part two: renewals and the measures of retention, revenue,
// lifetime value and program ROI. Each measure is one or two aggregate
// queries whose rows (one per account, or per group) feed the functions of
// package outcome.

// ---- Renewals --------------------------------------------------------------

// Renewal is a contract seen from its renewal.
type Renewal struct {
	ContractID   int64                  `json:"contract_id"`
	AccountID    int64                  `json:"account_id"`
	AccountName  string                 `json:"account_name"`
	Product      string                 `json:"product"`
	AnnualValue  int64                  `json:"annual_value"`
	Currency     string                 `json:"currency"`
	Status       account.ContractStatus `json:"status"`
	AutoRenew    bool                   `json:"auto_renew"`
	Start        account.Date           `json:"start"`
	End          account.Date           `json:"end"`
	RenewalDate  account.Date           `json:"renewal_date"`
	RenewsOn     account.Date           `json:"renews_on"`
	NoticeDays   int                    `json:"notice_days"`
	NoticeBy     account.Date           `json:"notice_by"`
	OwnerID      *int64                 `json:"owner_id"`
	Forecast     outcome.Forecast       `json:"forecast"`
	Outcome      outcome.RenewalOutcome `json:"outcome"`
	Reason       string                 `json:"reason"`
	SuccessorID  *int64                 `json:"successor_id"`
	RenewedValue int64                  `json:"renewed_value"`
}

const renewalCols = `c.id, c.account_id, a.name, c.product, c.annual_value, c.currency, c.status, c.auto_renew, c.start_date,
	c.end_date, c.renewal_date, c.notice_days, c.renewal_owner_id, c.renewal_forecast, c.renewal_outcome, c.outcome_reason,
	c.successor_id, c.renewed_value`

func scanRenewal(r rowScanner) (Renewal, error) {
	var x Renewal
	var start, end, ren string
	var owner, succ sql.NullInt64
	err := r.Scan(&x.ContractID, &x.AccountID, &x.AccountName, &x.Product, &x.AnnualValue, &x.Currency, &x.Status, &x.AutoRenew,
		&start, &end, &ren, &x.NoticeDays, &owner, &x.Forecast, &x.Outcome, &x.Reason, &succ, &x.RenewedValue)
	x.Start, x.End, x.RenewalDate = parseDate(start), parseDate(end), parseDate(ren)
	x.OwnerID, x.SuccessorID = idPtr(owner), idPtr(succ)
	x.RenewsOn = outcome.RenewsOn(x.RenewalDate, x.End)
	x.NoticeBy = outcome.NoticeBy(x.RenewsOn, x.NoticeDays)
	return x, err
}

// RenewalFilter narrows the renewal calendar.
type RenewalFilter struct {
	From, To  account.Date // renewals on days in [From, To)
	Forecast  string       // likely, at_risk, lost, or "none" for not forecast
	Outcome   string       // an outcome, or "none" for still undecided
	AccountID int64
	VisibleTo int64
	Limit     int  // at most this many (default 1000)
	All       bool // every renewal, whatever Limit says (exports, a page's "show all")
	// After continues a list after the renewal it names (keyset paging
	// in the list's order: renewal day, then contract id).
	After RenewalKey
}

// RenewalKey is a renewal's place in the calendar's order.
type RenewalKey struct {
	On         account.Date
	ContractID int64
}

// Key is r's place in the calendar's order.
func (r Renewal) Key() RenewalKey { return RenewalKey{On: r.RenewsOn, ContractID: r.ContractID} }

// renewalWhere is the FROM and WHERE clauses of the renewals f selects, with
// their arguments.
func renewalWhere(orgID int64, f RenewalFilter) (string, []any) {
	args := []any{orgID, f.From.String(), f.To.String()}
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	q := ` FROM contracts c JOIN accounts a ON a.org_id = c.org_id AND a.id = c.account_id
		WHERE c.org_id = $1 AND c.status IN ('active', 'expired')
		AND ((c.renewal_date = '' AND c.end_date >= $2 AND c.end_date < $3) OR (c.renewal_date >= $2 AND c.renewal_date < $3))`
	switch f.Forecast {
	case "":
	case "none":
		q += ` AND c.renewal_forecast = ''`
	default:
		q += ` AND c.renewal_forecast = ` + arg(f.Forecast)
	}
	switch f.Outcome {
	case "":
	case "none":
		q += ` AND c.renewal_outcome = ''`
	default:
		q += ` AND c.renewal_outcome = ` + arg(f.Outcome)
	}
	if f.AccountID != 0 {
		q += ` AND c.account_id = ` + arg(f.AccountID)
	}
	if f.VisibleTo != 0 {
		p := arg(f.VisibleTo)
		q += ` AND c.account_id IN (SELECT id FROM accounts WHERE org_id = $1 AND owner_id = ` + p +
			` UNION SELECT account_id FROM account_team WHERE org_id = $1 AND person_id = ` + p + `)`
	}
	return q, args
}

// renewals lists the renewals f selects, soonest first.
func (tx *Tx) renewals(orgID int64, f RenewalFilter) ([]Renewal, error) {
	where, args := renewalWhere(orgID, f)
	const day = `CASE WHEN c.renewal_date <> '' THEN c.renewal_date ELSE c.end_date END`
	if f.After.ContractID > 0 {
		n := len(args)
		where += ` AND (` + day + ` > $` + itoa(n+1) + ` OR (` + day + ` = $` + itoa(n+1) + ` AND c.id > $` + itoa(n+2) + `))`
		args = append(args, f.After.On.String(), f.After.ContractID)
	}
	q := `SELECT ` + renewalCols + where + ` ORDER BY ` + day + `, c.id`
	if !f.All {
		if f.Limit <= 0 {
			f.Limit = 1000
		}
		q += ` LIMIT ` + itoa(f.Limit)
	}
	out := []Renewal{}
	err := tx.each(q, args, func(r *sql.Rows) error {
		x, err := scanRenewal(r)
		out = append(out, x)
		return err
	})
	return out, err
}

// Renewals lists the contracts coming up for renewal in a window, soonest
// first. Pending and cancelled contracts do not renew.
func (db *DB) Renewals(ctx context.Context, sc account.Scope, f RenewalFilter) ([]Renewal, error) {
	var out []Renewal
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, err = tx.renewals(sc.OrgID, f)
		return err
	})
	return out, err
}

// RenewalList is Renewals with how many renewals f selects in all, read in
// the same transaction: a page shows the first rows and the true count.
func (db *DB) RenewalList(ctx context.Context, sc account.Scope, f RenewalFilter) ([]Renewal, int, error) {
	var out []Renewal
	total := 0
	err := db.read(ctx, func(tx *Tx) (err error) {
		where, args := renewalWhere(sc.OrgID, f)
		if err := tx.QueryRow(`SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
			return err
		}
		out, err = tx.renewals(sc.OrgID, f)
		return err
	})
	return out, total, err
}

// Renewal returns one contract's renewal.
func (db *DB) Renewal(ctx context.Context, sc account.Scope, contractID int64) (Renewal, error) {
	var x Renewal
	err := db.read(ctx, func(tx *Tx) (err error) {
		x, err = tx.renewal(sc.OrgID, contractID)
		return err
	})
	return x, err
}

func (tx *Tx) renewal(orgID, id int64) (Renewal, error) {
	x, err := scanRenewal(tx.QueryRow(`SELECT `+renewalCols+` FROM contracts c JOIN accounts a ON a.org_id = c.org_id AND a.id = c.account_id
		WHERE c.org_id = $1 AND c.id = $2`, orgID, id))
	if isNoRows(err) {
		return x, account.Errorf(account.ENOTFOUND, "Contract %d not found.", id)
	}
	return x, err
}

// RenewalUpdate is what may be recorded about a renewal.
type RenewalUpdate struct {
	RenewalDate  account.Date           `json:"renewal_date"`
	NoticeDays   int                    `json:"notice_days"`
	OwnerID      *int64                 `json:"owner_id"`
	Forecast     outcome.Forecast       `json:"forecast"`
	Outcome      outcome.RenewalOutcome `json:"outcome"`
	Reason       string                 `json:"reason"`
	SuccessorID  *int64                 `json:"successor_id"`
	RenewedValue int64                  `json:"renewed_value"`
}

// UpdateRenewal replaces the renewal fields of a contract. An outcome that
// continues the contract without a successor needs the renewed value (the
// ARR after the renewal); with a successor, the successor carries it.
func (db *DB) UpdateRenewal(ctx context.Context, sc account.Scope, contractID int64, u RenewalUpdate) (Renewal, error) {
	var x Renewal
	zeroIsNil(&u.OwnerID, &u.SuccessorID)
	if err := outcome.ValidateRenewal(u.Forecast, u.Outcome, u.Reason, u.NoticeDays, u.RenewedValue); err != nil {
		return x, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		old, err := tx.renewal(sc.OrgID, contractID)
		if err != nil {
			return err
		}
		if err := tx.mustExist("owner_id", "people", sc.OrgID, u.OwnerID); err != nil {
			return err
		}
		if u.SuccessorID != nil {
			succ, err := tx.contract(sc.OrgID, *u.SuccessorID)
			switch {
			case account.ErrorCode(err) == account.ENOTFOUND, err == nil && succ.AccountID != old.AccountID:
				return account.Invalid("successor_id", "must be another contract of the same account")
			case err != nil:
				return err
			case succ.ID == contractID:
				return account.Invalid("successor_id", "cannot be the contract itself")
			}
		}
		if u.Outcome.Continues() && u.SuccessorID == nil && u.RenewedValue == 0 {
			switch u.Outcome {
			case outcome.Renewed:
				u.RenewedValue = old.AnnualValue
			default:
				return account.Invalid("renewed_value", "is required when the contract was expanded or contracted without a successor contract")
			}
		}
		if u.Outcome == outcome.Expanded && u.SuccessorID == nil && u.RenewedValue <= old.AnnualValue {
			return account.Invalid("renewed_value", "must be above the contract's annual value when it expanded")
		}
		if u.Outcome == outcome.Contracted && u.SuccessorID == nil && u.RenewedValue >= old.AnnualValue {
			return account.Invalid("renewed_value", "must be below the contract's annual value when it contracted")
		}
		if !u.Outcome.Continues() {
			u.RenewedValue = 0
		}
		if _, err := tx.Exec(`UPDATE contracts SET renewal_date = $3, notice_days = $4, renewal_owner_id = $5, renewal_forecast = $6,
			renewal_outcome = $7, outcome_reason = $8, successor_id = $9, renewed_value = $10, updated_at = $11
			WHERE org_id = $1 AND id = $2`, sc.OrgID, contractID, u.RenewalDate.String(), u.NoticeDays, nullID(u.OwnerID),
			string(u.Forecast), string(u.Outcome), u.Reason, nullID(u.SuccessorID), u.RenewedValue, ms(tx.now)); err != nil {
			return err
		}
		if x, err = tx.renewal(sc.OrgID, contractID); err != nil {
			return err
		}
		return tx.audit(sc, "update", "renewal", contractID, old.AccountID, &old, &x)
	})
	return x, err
}

// ---- Retention -------------------------------------------------------------

// arrOn is the SQL for the ARR a contract contributes on day $n (see the
// migration 00011 for the rule), with $a the boolean true.
func arrOn(day, truth string) string {
	return `CASE WHEN c.start_date > ` + day + ` THEN 0
		WHEN c.end_date = '' OR c.end_date >= ` + day + ` THEN c.annual_value
		WHEN c.renewal_outcome IN ('renewed', 'expanded', 'contracted') AND c.successor_id IS NULL THEN c.renewed_value
		WHEN c.status = 'active' AND c.auto_renew = ` + truth + ` AND c.renewal_outcome = '' THEN c.annual_value
		ELSE 0 END`
}

// accountARR reads every account's ARR on two days (only accounts with
// contracts started by the second), with its tier and designation.
func (tx *Tx) accountARR(orgID int64, from, to account.Date) ([]outcome.AccountARR, error) {
	var out []outcome.AccountARR
	err := tx.each(`SELECT c.account_id, CAST(SUM(`+arrOn("$2", "$4")+`) AS BIGINT), CAST(SUM(`+arrOn("$3", "$4")+`) AS BIGINT)
		FROM contracts c WHERE c.org_id = $1 AND c.status <> 'pending' AND c.start_date <= $3
			AND (c.end_date = '' OR c.end_date >= $2 OR c.renewal_outcome IN ('renewed', 'expanded', 'contracted')
				OR (c.status = 'active' AND c.auto_renew = $4))
		GROUP BY c.account_id`, []any{orgID, from.String(), to.String(), true}, func(r *sql.Rows) error {
		var a outcome.AccountARR
		if err := r.Scan(&a.AccountID, &a.Start, &a.End); err != nil {
			return err
		}
		if a.Start > 0 {
			out = append(out, a)
		}
		return nil
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	// Tiers and designations of the whole portfolio: one scan, joined here
	// (the ARR rows come in account order).
	x := newIDIndex(accountIDs(out))
	err = tx.each(`SELECT account_id, tier, decision FROM portfolio_accounts WHERE org_id = $1 AND (tier <> '' OR decision = 'designated')`,
		[]any{orgID}, func(r *sql.Rows) error {
			var id int64
			var tier, decision string
			if err := r.Scan(&id, &tier, &decision); err != nil {
				return err
			}
			if i := x.at(id); i >= 0 {
				out[i].Tier, out[i].Strategic = tier, decision == "designated"
			}
			return nil
		})
	return out, err
}

func accountIDs(as []outcome.AccountARR) []int64 {
	ids := make([]int64, len(as))
	for i, a := range as {
		ids[i] = a.AccountID
	}
	return ids
}

// RetentionReport measures retention over [from, to) for the portfolio, by
// tier and for the strategic accounts; tier limits it ("-": untiered).
func (db *DB) RetentionReport(ctx context.Context, sc account.Scope, from, to account.Date, tier string) (outcome.RetentionReport, error) {
	var rep outcome.RetentionReport
	if err := checkPeriod(from, to); err != nil {
		return rep, err
	}
	err := db.read(ctx, func(tx *Tx) error {
		s, err := tx.outcomeSettings(sc.OrgID)
		if err != nil {
			return err
		}
		as, err := tx.accountARR(sc.OrgID, from, to)
		if err != nil {
			return err
		}
		rep = outcome.Report(as, from, to, tier, s.RetentionTarget)
		return nil
	})
	return rep, err
}

func checkPeriod(from, to account.Date) error {
	switch {
	case from.IsZero():
		return account.Invalid("from", "is required")
	case to.IsZero():
		return account.Invalid("to", "is required")
	case !from.Before(to):
		return account.Invalid("to", "must be after from")
	case to.DaysSince(from) > 366*10:
		return account.Invalid("to", "must be at most ten years after from")
	}
	return nil
}

// ---- Revenue ---------------------------------------------------------------

// RevenueMeasures are a period's revenue figures with the managers' names
// and goals.
type RevenueMeasures struct {
	outcome.RevenueReport
	Period   string           // the goal period the dates match ("2026", "2026-Q4"), "" if none
	Names    map[int64]string // managers' names
	Currency string           // the most common currency of the figures
}

// Revenue measures the pipeline (open opportunities, any close date) and
// the business won and lost in [from, to), per manager (the opportunity's
// owner), per tier and for the strategic accounts; tier limits it.
func (db *DB) Revenue(ctx context.Context, sc account.Scope, from, to account.Date, tier string) (RevenueMeasures, error) {
	var m RevenueMeasures
	if err := checkPeriod(from, to); err != nil {
		return m, err
	}
	m.Period = periodKey(from, to)
	err := db.read(ctx, func(tx *Tx) error {
		s, err := tx.outcomeSettings(sc.OrgID)
		if err != nil {
			return err
		}
		if tier == "" {
			if m.RevenueReport, err = tx.revenueFast(sc.OrgID, from, to, s.Probabilities); err != nil {
				return err
			}
		} else {
			rows, err := tx.revenueRows(sc.OrgID, from, to)
			if err != nil {
				return err
			}
			m.RevenueReport = outcome.RevenueOf(rows, from, to, tier, s.Probabilities)
		}
		m.Names = map[int64]string{}
		if err := tx.each(`SELECT id, name FROM people WHERE org_id = $1`, []any{sc.OrgID}, func(r *sql.Rows) error {
			var id int64
			var name string
			err := r.Scan(&id, &name)
			m.Names[id] = name
			return err
		}); err != nil {
			return err
		}
		if m.Period != "" {
			goals, err := tx.int64s(`SELECT person_id, revenue FROM manager_goals WHERE org_id = $1 AND period = $2`, sc.OrgID, m.Period)
			if err != nil {
				return err
			}
			for id, g := range goals {
				r, ok := m.Managers[id]
				if !ok {
					r = &outcome.Revenue{Key: "manager"}
					*r = outcome.Tally("manager", nil, s.Probabilities)
					m.Managers[id] = r
				}
				*r = r.WithGoal(g)
			}
		}
		m.Currency, err = tx.mainCurrency(sc.OrgID)
		return err
	})
	return m, err
}

// OutcomeCurrency is the currency most of the organisation's (first 1,000) accounts use,
// the one its outcome figures are shown in (USD when it has none).
func (db *DB) OutcomeCurrency(ctx context.Context, sc account.Scope) (string, error) {
	var c string
	err := db.read(ctx, func(tx *Tx) (err error) {
		c, err = tx.mainCurrency(sc.OrgID)
		return err
	})
	return c, err
}

func (tx *Tx) mainCurrency(orgID int64) (string, error) {
	var c string
	// The first thousand accounts decide: counting the currencies of
	// 100,000 accounts would cost more than the measures themselves.
	err := tx.QueryRow(`SELECT currency FROM (SELECT currency FROM accounts WHERE org_id = $1 ORDER BY id LIMIT 1000) x
		GROUP BY currency ORDER BY COUNT(*) DESC, currency LIMIT 1`, orgID).Scan(&c)
	if isNoRows(err) {
		return "USD", nil
	}
	return c, err
}

// revenueRows groups the opportunities of the pipeline and of the period by
// manager (the opportunity's owner), tier, designation and stage: a join
// and a sort over every opportunity, used when the figures are limited to
// one tier.
func (tx *Tx) revenueRows(orgID int64, from, to account.Date) ([]outcome.StageRow, error) {
	var rows []outcome.StageRow
	err := tx.each(`SELECT COALESCE(o.owner_id, 0), COALESCE(pa.tier, ''), COALESCE(pa.decision, ''), o.stage,
			COUNT(*), CAST(SUM(o.amount) AS BIGINT)
		FROM opportunities o LEFT JOIN portfolio_accounts pa ON pa.org_id = o.org_id AND pa.account_id = o.account_id
		WHERE o.org_id = $1 AND (o.stage IN ('prospecting', 'engaging', 'proposal')
			OR (o.stage IN ('won', 'lost') AND o.actual_close >= $2 AND o.actual_close < $3))
		GROUP BY COALESCE(o.owner_id, 0), COALESCE(pa.tier, ''), COALESCE(pa.decision, ''), o.stage`,
		[]any{orgID, from.String(), to.String()}, func(r *sql.Rows) error {
			var row outcome.StageRow
			var decision string
			if err := r.Scan(&row.ManagerID, &row.Tier, &decision, &row.Stage, &row.Count, &row.Amount); err != nil {
				return err
			}
			row.Strategic = decision == "designated"
			rows = append(rows, row)
			return nil
		})
	return rows, err
}

// revenueFast computes the whole portfolio's figures without joining every
// opportunity: per manager and stage straight from the opportunities_pipeline
// index (no sort, no join), then tiers A and B and the strategic accounts by
// joining only their opportunities (CROSS JOIN keeps SQLite's loop on the
// accounts: one seek each into a covering index); tier C (with the accounts not tiered yet,
// which count as C) and the accounts that are not strategic are the
// difference. At 500,000 opportunities the join and sort of revenueRows cost
// seconds on SQLite.
func (tx *Tx) revenueFast(orgID int64, from, to account.Date, probs map[account.Stage]float64) (outcome.RevenueReport, error) {
	rep := outcome.RevenueReport{From: from, To: to, Managers: map[int64]*outcome.Revenue{}, Tiers: map[string]outcome.Revenue{}}
	var all []outcome.StageRow
	byManager := map[int64][]outcome.StageRow{}
	scan := func(r *sql.Rows) error {
		var row outcome.StageRow
		var owner sql.NullInt64
		if err := r.Scan(&row.Stage, &owner, &row.Count, &row.Amount); err != nil {
			return err
		}
		row.ManagerID = owner.Int64
		all = append(all, row)
		byManager[row.ManagerID] = append(byManager[row.ManagerID], row)
		return nil
	}
	pipeline := tx.indexedBy("opportunities", "opportunities_pipeline")
	if err := tx.each(`SELECT stage, owner_id, COUNT(*), CAST(SUM(amount) AS BIGINT) FROM `+pipeline+`
		WHERE org_id = $1 AND stage IN ('engaging', 'proposal', 'prospecting') GROUP BY stage, owner_id`, []any{orgID}, scan); err != nil {
		return rep, err
	}
	if err := tx.each(`SELECT stage, owner_id, COUNT(*), CAST(SUM(amount) AS BIGINT) FROM `+pipeline+`
		WHERE org_id = $1 AND stage IN ('lost', 'won') AND actual_close >= $2 AND actual_close < $3 GROUP BY stage, owner_id`,
		[]any{orgID, from.String(), to.String()}, scan); err != nil {
		return rep, err
	}
	var a, b, strategic []outcome.StageRow
	if err := tx.each(`SELECT pa.tier, pa.decision, o.stage, COUNT(*), CAST(SUM(o.amount) AS BIGINT)
		FROM portfolio_accounts pa CROSS JOIN `+tx.indexedBy("opportunities AS o", "opportunities_account_stage")+`
		WHERE o.org_id = pa.org_id AND o.account_id = pa.account_id
			AND pa.org_id = $1 AND (pa.tier IN ('A', 'B') OR pa.decision = 'designated')
			AND (o.stage IN ('prospecting', 'engaging', 'proposal') OR (o.stage IN ('won', 'lost') AND o.actual_close >= $2 AND o.actual_close < $3))
		GROUP BY pa.tier, pa.decision, o.stage`, []any{orgID, from.String(), to.String()}, func(r *sql.Rows) error {
		var row outcome.StageRow
		var decision string
		if err := r.Scan(&row.Tier, &decision, &row.Stage, &row.Count, &row.Amount); err != nil {
			return err
		}
		switch row.Tier {
		case "A":
			a = append(a, row)
		case "B":
			b = append(b, row)
		}
		if decision == "designated" {
			strategic = append(strategic, row)
		}
		return nil
	}); err != nil {
		return rep, err
	}
	rep.All = outcome.Tally("all", all, probs)
	for id, rows := range byManager {
		r := outcome.Tally("manager", rows, probs)
		rep.Managers[id] = &r
	}
	rep.Tiers["A"] = outcome.Tally("tier A", a, probs)
	rep.Tiers["B"] = outcome.Tally("tier B", b, probs)
	rep.Tiers["C"] = outcome.Tally("tier C", minusRows(all, a, b), probs)
	rep.Tiers[""] = outcome.Tally("tier ", nil, probs)
	rep.Strategic = outcome.Tally("strategic", strategic, probs)
	rep.Rest = outcome.Tally("rest", minusRows(all, strategic), probs)
	return rep, nil
}

// minusRows is the per-stage totals of all less those of parts.
func minusRows(all []outcome.StageRow, parts ...[]outcome.StageRow) []outcome.StageRow {
	tot := map[account.Stage]*outcome.StageRow{}
	add := func(rows []outcome.StageRow, sign int64) {
		for _, r := range rows {
			t, ok := tot[r.Stage]
			if !ok {
				t = &outcome.StageRow{Stage: r.Stage}
				tot[r.Stage] = t
			}
			t.Count += sign * r.Count
			t.Amount += sign * r.Amount
		}
	}
	add(all, 1)
	for _, p := range parts {
		add(p, -1)
	}
	out := make([]outcome.StageRow, 0, len(tot))
	for _, st := range account.Stages {
		if t, ok := tot[st]; ok {
			out = append(out, *t)
		}
	}
	return out
}

// periodKey names the goal period [from, to) is, if it is a calendar year
// or quarter.
func periodKey(from, to account.Date) string {
	if from.Day != 1 || to.Day != 1 {
		return ""
	}
	if from.Month == 1 && to.Month == 1 && to.Year == from.Year+1 {
		return fmt.Sprintf("%04d", from.Year)
	}
	if (from.Month-1)%3 == 0 && to.Time().Equal(from.Time().AddDate(0, 3, 0)) {
		return fmt.Sprintf("%04d-Q%d", from.Year, (from.Month-1)/3+1)
	}
	return ""
}

// ---- Lifetime value and ROI ------------------------------------------------

// AccountCLV computes an account's customer lifetime value on day today:
// its ARR in force that day, the margin and discount rate of the settings,
// and the retention probability of their source (for grr and logo: the
// portfolio's over the year before today).
func (db *DB) AccountCLV(ctx context.Context, sc account.Scope, accountID int64, today account.Date) (outcome.CLV, error) {
	var c outcome.CLV
	err := db.read(ctx, func(tx *Tx) error {
		if err := tx.mustExist("account_id", "accounts", sc.OrgID, &accountID); err != nil {
			return account.Errorf(account.ENOTFOUND, "Account %d not found.", accountID)
		}
		s, err := tx.outcomeSettings(sc.OrgID)
		if err != nil {
			return err
		}
		var arr sql.NullInt64
		if err := tx.QueryRow(`SELECT CAST(SUM(`+arrOn("$3", "$4")+`) AS BIGINT) FROM contracts c
			WHERE c.org_id = $1 AND c.account_id = $2 AND c.status <> 'pending'`, sc.OrgID, accountID, today.String(), true).Scan(&arr); err != nil {
			return err
		}
		var r float64
		var ok bool
		if s.RetentionSource != outcome.SourceFixed {
			as, err := tx.accountARR(sc.OrgID, today.AddDays(-365), today)
			if err != nil {
				return err
			}
			ret := outcome.Retain(as)
			r, ok = ret.GRR, ret.Defined
			if s.RetentionSource == outcome.SourceLogo {
				r = ret.Logo
			}
		}
		c = outcome.LifetimeOf(arr.Int64, s, r, ok)
		return nil
	})
	return c, err
}

// ProgramROI measures whether the program paid over [from, to): retention
// of the strategic accounts against the rest, and the time the account
// teams spent on the strategic accounts (touches by kind).
func (db *DB) ProgramROI(ctx context.Context, sc account.Scope, from, to account.Date, loc *time.Location) (outcome.ROI, outcome.RetentionReport, error) {
	var roi outcome.ROI
	var rep outcome.RetentionReport
	if err := checkPeriod(from, to); err != nil {
		return roi, rep, err
	}
	if loc == nil {
		loc = time.UTC
	}
	err := db.read(ctx, func(tx *Tx) error {
		s, err := tx.outcomeSettings(sc.OrgID)
		if err != nil {
			return err
		}
		as, err := tx.accountARR(sc.OrgID, from, to)
		if err != nil {
			return err
		}
		rep = outcome.Report(as, from, to, "", s.RetentionTarget)
		start := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, loc)
		end := time.Date(to.Year, to.Month, to.Day, 0, 0, 0, 0, loc)
		counts := map[account.TouchKind]int64{}
		// IN (not a join) so the planner walks the touches of each designated
		// account (touches_account) rather than every touch of the period.
		err = tx.each(`SELECT t.kind, COUNT(*) FROM touches t
			WHERE t.org_id = $1 AND t.account_id IN (SELECT account_id FROM portfolio_accounts WHERE org_id = $1 AND decision = 'designated')
			AND t.occurred_at >= $2 AND t.occurred_at < $3 GROUP BY t.kind`,
			[]any{sc.OrgID, ms(start), ms(end)}, func(r *sql.Rows) error {
				var k string
				var n int64
				err := r.Scan(&k, &n)
				counts[account.TouchKind(k)] = n
				return err
			})
		if err != nil {
			return err
		}
		var touches []outcome.TouchCount
		for _, k := range account.TouchKinds {
			touches = append(touches, outcome.TouchCount{Kind: k, Count: counts[k], Hours: s.HoursPerTouch[k]})
		}
		roi = outcome.ReturnOnProgram(rep.Strategic, rep.Rest, touches, s, from, to)
		return nil
	})
	return roi, rep, err
}

// WindowCount is how many contracts renew within a calendar window, and
// their annual value.
type WindowCount struct {
	Count int
	Value int64
}

// RenewalCounts counts the renewals of the calendar windows (30, 60, 90 and
// 180 days from today, each including the shorter ones) in one query;
// visibleTo limits them to the accounts a person may see.
func (db *DB) RenewalCounts(ctx context.Context, sc account.Scope, today account.Date, visibleTo int64) (map[int]WindowCount, error) {
	out := map[int]WindowCount{}
	args := []any{sc.OrgID, today.String(), today.AddDays(181).String()}
	cases := ""
	for _, w := range outcome.Windows {
		args = append(args, today.AddDays(w+1).String())
		cases += ` WHEN d < $` + itoa(len(args)) + ` THEN ` + itoa(w)
	}
	vis := ""
	if visibleTo != 0 {
		args = append(args, visibleTo)
		n := itoa(len(args))
		vis = ` AND c.account_id IN (SELECT id FROM accounts WHERE org_id = $1 AND owner_id = $` + n +
			` UNION SELECT account_id FROM account_team WHERE org_id = $1 AND person_id = $` + n + `)`
	}
	q := `SELECT CASE` + cases + ` ELSE 0 END AS w, COUNT(*), CAST(SUM(v) AS BIGINT) FROM (
		SELECT CASE WHEN c.renewal_date <> '' THEN c.renewal_date ELSE c.end_date END AS d, c.annual_value AS v
		FROM contracts c WHERE c.org_id = $1 AND c.status IN ('active', 'expired')
		AND ((c.renewal_date = '' AND c.end_date >= $2 AND c.end_date < $3) OR (c.renewal_date >= $2 AND c.renewal_date < $3))` + vis + `
	) x GROUP BY 1`
	err := db.read(ctx, func(tx *Tx) error {
		return tx.each(q, args, func(r *sql.Rows) error {
			var w int
			var c WindowCount
			var v sql.NullInt64
			if err := r.Scan(&w, &c.Count, &v); err != nil {
				return err
			}
			c.Value = v.Int64
			out[w] = c
			return nil
		})
	})
	// Each window includes the shorter ones.
	run := WindowCount{}
	for _, w := range outcome.Windows {
		run.Count += out[w].Count
		run.Value += out[w].Value
		out[w] = run
	}
	return out, err
}
