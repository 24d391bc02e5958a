package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/health"
)

// Account health and churn risk. The rules live in internal/health; this
// file gathers the signals' raw inputs, keeps daily snapshots, alerts,
// weights and trained models (migration 00013), and rebuilds the history
// of renewal outcomes the back-test and the model learn from.

// ---- Settings and weights ---------------------------------------------------

// HealthSettings returns the organisation's health policy: the saved one
// completed with defaults, or the defaults.
func (db *DB) HealthSettings(ctx context.Context, sc account.Scope) (health.Settings, error) {
	var s health.Settings
	err := db.read(ctx, func(tx *Tx) (err error) {
		s, err = tx.healthSettings(sc.OrgID)
		return err
	})
	return s, err
}

func (tx *Tx) healthSettings(orgID int64) (health.Settings, error) {
	var raw string
	err := tx.QueryRow(`SELECT settings FROM health_settings WHERE org_id = $1`, orgID).Scan(&raw)
	if isNoRows(err) {
		return health.DefaultSettings(), nil
	}
	if err != nil {
		return health.Settings{}, err
	}
	var s health.Settings
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return health.Settings{}, fmt.Errorf("read health settings: %w", err)
	}
	return s.Complete(), nil
}

// Sources of a change of weights.
const (
	WeightsManual   = "manual"
	WeightsBacktest = "backtest"
)

// SetHealthSettings validates and saves the health policy, keeping the
// previous weights in the history with who changed them, why, and whether
// they came from a back-test (source WeightsBacktest) or by hand.
func (db *DB) SetHealthSettings(ctx context.Context, sc account.Scope, s health.Settings, source, reason string) error {
	if err := s.Validate(); err != nil {
		return err
	}
	s = s.Complete()
	if source != WeightsBacktest {
		source = WeightsManual
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.healthSettings(sc.OrgID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO health_settings (org_id, settings, updated_at, updated_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			sc.OrgID, string(raw), ms(tx.now), sc.UserID); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO health_weight_versions (org_id, at, user_id, source, reason, settings) VALUES ($1, $2, $3, $4, $5, $6)`,
			sc.OrgID, ms(tx.now), sc.UserID, source, strings.TrimSpace(reason), string(raw)); err != nil {
			return err
		}
		return tx.audit(sc, "update", "health_settings", sc.OrgID, 0, &old, &s)
	})
}

// HealthWeightVersion is one saved change of the health weights.
type HealthWeightVersion struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	UserID   int64           `json:"user_id"`
	Source   string          `json:"source"`
	Reason   string          `json:"reason"`
	Settings health.Settings `json:"settings"`
}

// HealthWeightHistory lists the changes of the weights, newest first.
func (db *DB) HealthWeightHistory(ctx context.Context, sc account.Scope, limit int) ([]HealthWeightVersion, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var out []HealthWeightVersion
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT id, at, user_id, source, reason, settings FROM health_weight_versions
			WHERE org_id = $1 ORDER BY at DESC, id DESC LIMIT `+itoa(limit), sc.OrgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v HealthWeightVersion
			var at int64
			var raw string
			if err := rows.Scan(&v.ID, &at, &v.UserID, &v.Source, &v.Reason, &raw); err != nil {
				return err
			}
			v.At = fromMS(at)
			if err := json.Unmarshal([]byte(raw), &v.Settings); err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, err
}

// ---- Inputs -------------------------------------------------------------------

// healthAccount is what health needs to know of a customer account.
type healthAccount struct {
	id, owner int64
	name      string
	created   account.Date
	firstDay  account.Date // the earliest of creation and first contract start
}

type healthContract struct {
	account    int64
	value      int64
	start, end account.Date
	status     string
	autoRenew  bool
	renewal    account.Date // renewal_date, else the end date
	forecast   string       // renewal_forecast (migration 00011)
	outcome    string       // renewal_outcome
}

// healthARRAt is the annualised value of the contracts in force on day d
// (started, not ended, active or since expired).
func healthARRAt(cs []healthContract, d account.Date) int64 {
	var sum int64
	for _, c := range cs {
		if c.status != "active" && c.status != "expired" {
			continue
		}
		if !c.start.IsZero() && d.Before(c.start) {
			continue
		}
		if !c.end.IsZero() && c.end.Before(d) {
			continue
		}
		sum += c.value
	}
	return sum
}

// healthInputs loads the customer accounts (one when accountID is set) with
// the raw inputs of their signals on day today. adherence is the adherent
// share by account, from Adherence.
func (tx *Tx) healthInputs(orgID, accountID int64, today account.Date, adherence map[int64]float64) ([]healthAccount, map[int64]health.Inputs, map[int64][]healthContract, error) {
	filter, args := "", []any{orgID}
	if accountID != 0 {
		filter, args = " AND id = $2", append(args, accountID)
	}
	rows, err := tx.Query(`SELECT id, name, COALESCE(owner_id, 0), created_at FROM accounts
		WHERE org_id = $1 AND lifecycle = 'customer'`+filter+` ORDER BY id`, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	var accts []healthAccount
	index := map[int64]int{}
	for rows.Next() {
		var a healthAccount
		var created int64
		if err := rows.Scan(&a.id, &a.name, &a.owner, &created); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		a.created = account.DateOf(fromMS(created).UTC())
		a.firstDay = a.created
		index[a.id] = len(accts)
		accts = append(accts, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}
	cfilter := ""
	if accountID != 0 {
		cfilter = " AND account_id = $2"
	}
	rows, err = tx.Query(`SELECT account_id, annual_value, start_date, end_date, status, auto_renew,
		renewal_date, renewal_forecast, renewal_outcome FROM contracts WHERE org_id = $1`+cfilter, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	contracts := map[int64][]healthContract{}
	for rows.Next() {
		var c healthContract
		var start, end, renewal string
		if err := rows.Scan(&c.account, &c.value, &start, &end, &c.status, &c.autoRenew, &renewal, &c.forecast, &c.outcome); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		c.start, c.end, c.renewal = parseDate(start), parseDate(end), parseDate(renewal)
		if c.renewal.IsZero() {
			c.renewal = c.end
		}
		contracts[c.account] = append(contracts[c.account], c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}
	ins := make(map[int64]health.Inputs, len(accts))
	yearAgo := account.DateOf(today.Time().AddDate(-1, 0, 0))
	for k := range accts {
		a := &accts[k]
		var in health.Inputs
		if v, ok := adherence[a.id]; ok {
			in.AdherencePct = &v
		}
		cs := contracts[a.id]
		for _, c := range cs {
			if !c.start.IsZero() && c.start.Before(a.firstDay) {
				a.firstDay = c.start
			}
		}
		if len(cs) > 0 {
			now, then := healthARRAt(cs, today), healthARRAt(cs, yearAgo)
			in.ARRNow, in.ARRYearAgo = &now, &then
		}
		// Renewal: the earliest renewal of an active contract whose outcome
		// is not recorded yet (its renewal date, else its end; a past one
		// is overdue and counts as today). The forecast is the one
		// recorded on the contract; without one, auto-renewal counts as
		// "likely".
		var next *healthContract
		for m := range cs {
			c := &cs[m]
			if c.status != "active" || c.renewal.IsZero() || c.outcome != "" {
				continue
			}
			if next == nil || c.renewal.Before(next.renewal) {
				next = c
			}
		}
		if next != nil {
			d := next.renewal.DaysSince(today)
			in.RenewalDays = &d
			switch {
			case next.forecast != "":
				in.Forecast = health.Forecast(next.forecast)
			case next.autoRenew:
				in.Forecast = health.ForecastLikely
			}
		}
		ins[a.id] = in
	}
	return accts, ins, contracts, nil
}

// healthAdherence is the adherent share of each account's active
// stakeholders on day today; accounts without stakeholders are absent (no
// data rather than a perfect 100).
func (db *DB) healthAdherence(ctx context.Context, sc account.Scope, accountID int64, today account.Date) (map[int64]float64, error) {
	rows, _, err := db.Adherence(ctx, sc, CadenceScope{AccountID: accountID}, time.UTC, today)
	if err != nil {
		return nil, err
	}
	type tally struct{ n, ok int }
	t := map[int64]*tally{}
	for _, r := range rows {
		x := t[r.AccountID]
		if x == nil {
			x = &tally{}
			t[r.AccountID] = x
		}
		x.n++
		if r.Adherent() {
			x.ok++
		}
	}
	out := make(map[int64]float64, len(t))
	for id, x := range t {
		out[id] = 100 * float64(x.ok) / float64(x.n)
	}
	return out, nil
}

// ---- Snapshots and alerts -----------------------------------------------------

// HealthSnapshot is an account's health on one day.
type HealthSnapshot struct {
	AccountID int64          `json:"account_id"`
	Day       account.Date   `json:"day"`
	Score     *float64       `json:"score"` // nil: no signal had data
	Signals   health.Signals `json:"signals"`
	Tier      string         `json:"tier"`
	ARR       int64          `json:"arr"`
}

// HealthSnapshotStats says what a snapshot run did.
type HealthSnapshotStats struct {
	Accounts int `json:"accounts"`
	Scored   int `json:"scored"`
	Alerts   int `json:"alerts"`
}

// SnapshotHealth scores every customer account on day today with the
// weights in force, stores the day's snapshot (replacing one already taken
// that day) and raises an alert for each sharp drop against the account's
// previous snapshot. Running it twice a day is harmless. This is the daily
// job.
func (db *DB) SnapshotHealth(ctx context.Context, sc account.Scope, today account.Date) (HealthSnapshotStats, error) {
	var st HealthSnapshotStats
	adh, err := db.healthAdherence(ctx, sc, 0, today)
	if err != nil {
		return st, err
	}
	tiers, err := db.AccountTiers(ctx, sc)
	if err != nil {
		return st, err
	}
	err = db.write(ctx, func(tx *Tx) error {
		st = HealthSnapshotStats{}
		set, err := tx.healthSettings(sc.OrgID)
		if err != nil {
			return err
		}
		accts, ins, _, err := tx.healthInputs(sc.OrgID, 0, today, adh)
		if err != nil {
			return err
		}
		if err := tx.healthExtraSignals(sc.OrgID, 0, today, ins); err != nil {
			return err
		}
		prev, err := tx.healthPrevScores(sc.OrgID, today)
		if err != nil {
			return err
		}
		for _, a := range accts {
			in := ins[a.id]
			sig := health.Normalise(in)
			s := health.Compute(sig, set.Weights)
			snap := HealthSnapshot{AccountID: a.id, Day: today, Signals: sig, Tier: string(tiers[a.id])}
			if in.ARRNow != nil {
				snap.ARR = *in.ARRNow
			}
			if s.Scored {
				v := s.Value
				snap.Score = &v
				st.Scored++
			}
			if err := tx.putHealthSnapshot(sc.OrgID, snap); err != nil {
				return err
			}
			st.Accounts++
			if p, ok := prev[a.id]; ok && health.Drop(health.Score{Value: p, Scored: true}, s, set.DropAlert) {
				raised, err := tx.raiseHealthAlert(sc, a, today, p, s.Value)
				if err != nil {
					return err
				}
				if raised {
					st.Alerts++
				}
			}
		}
		return nil
	})
	return st, err
}

// healthPrevScores is each account's score at its latest scored snapshot
// before day.
func (tx *Tx) healthPrevScores(orgID int64, day account.Date) (map[int64]float64, error) {
	rows, err := tx.Query(`SELECT s.account_id, s.score FROM health_snapshots s
		JOIN (SELECT account_id, MAX(day) AS day FROM health_snapshots
			WHERE org_id = $1 AND day < $2 AND score IS NOT NULL GROUP BY account_id) m
		ON m.account_id = s.account_id AND m.day = s.day
		WHERE s.org_id = $1`, orgID, day.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]float64{}
	for rows.Next() {
		var id int64
		var v float64
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}

func (tx *Tx) putHealthSnapshot(orgID int64, s HealthSnapshot) error {
	raw, err := json.Marshal(s.Signals)
	if err != nil {
		return err
	}
	var score any
	if s.Score != nil {
		score = *s.Score
	}
	_, err = tx.Exec(`INSERT INTO health_snapshots (org_id, account_id, day, score, signals, tier, arr, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (org_id, account_id, day) DO UPDATE SET score = excluded.score, signals = excluded.signals,
			tier = excluded.tier, arr = excluded.arr, created_at = excluded.created_at`,
		orgID, s.AccountID, s.Day.String(), score, string(raw), s.Tier, s.ARR, ms(tx.now))
	return err
}

// HealthSnapshotCount counts the organisation's snapshots.
func (db *DB) HealthSnapshotCount(ctx context.Context, sc account.Scope) (int, error) {
	var n int
	err := db.read(ctx, func(tx *Tx) error {
		return tx.QueryRow(`SELECT COUNT(*) FROM health_snapshots WHERE org_id = $1`, sc.OrgID).Scan(&n)
	})
	return n, err
}

// PutHealthSnapshots stores snapshots as given (imported or demo history),
// replacing any of the same account and day.
func (db *DB) PutHealthSnapshots(ctx context.Context, sc account.Scope, snaps []HealthSnapshot) error {
	return db.write(ctx, func(tx *Tx) error {
		for _, s := range snaps {
			if s.Day.IsZero() {
				return account.Invalid("day", "is required")
			}
			id := s.AccountID
			if err := tx.mustExist("account_id", "accounts", sc.OrgID, &id); err != nil {
				return err
			}
			if err := tx.putHealthSnapshot(sc.OrgID, s); err != nil {
				return err
			}
		}
		return tx.auditRaw(sc, "import", "health_snapshots", 0, 0, map[string]Change{"count": {New: len(snaps)}})
	})
}

func (tx *Tx) raiseHealthAlert(sc account.Scope, a healthAccount, day account.Date, prev, cur float64) (bool, error) {
	msg := health.DropMessage(a.name, prev, cur)
	var id int64
	err := tx.QueryRow(`INSERT INTO health_alerts (org_id, account_id, owner_id, day, prev_score, score, message, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (org_id, account_id, day) DO NOTHING RETURNING id`,
		sc.OrgID, a.id, a.owner, day.String(), prev, cur, msg, ms(tx.now)).Scan(&id)
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, tx.auditRaw(sc, "create", "health_alert", id, a.id, map[string]Change{
		"message": {New: msg}, "prev_score": {New: math.Round(prev)}, "score": {New: math.Round(cur)}})
}

// HealthAlert is a sharp drop of an account's health.
type HealthAlert struct {
	ID          int64        `json:"id"`
	AccountID   int64        `json:"account_id"`
	AccountName string       `json:"account_name"`
	OwnerID     int64        `json:"owner_id"`
	Day         account.Date `json:"day"`
	PrevScore   float64      `json:"prev_score"`
	Score       float64      `json:"score"`
	Message     string       `json:"message"`
	Closed      bool         `json:"closed"`
}

// HealthAlerts lists the open alerts (all when all is set), newest first,
// on the accounts visible to person (0: every account), or of one account.
func (db *DB) HealthAlerts(ctx context.Context, sc account.Scope, person, accountID int64, all bool) ([]HealthAlert, error) {
	q := `SELECT h.id, h.account_id, a.name, h.owner_id, h.day, h.prev_score, h.score, h.message, h.closed_at
		FROM health_alerts h JOIN accounts a ON a.org_id = h.org_id AND a.id = h.account_id WHERE h.org_id = $1`
	args := []any{sc.OrgID}
	if !all {
		q += ` AND h.closed_at = 0`
	}
	if accountID != 0 {
		args = append(args, accountID)
		q += ` AND h.account_id = $` + itoa(len(args))
	}
	if person != 0 {
		args = append(args, sc.OrgID, person)
		q += fmt.Sprintf(` AND h.account_id IN (SELECT id FROM accounts WHERE org_id = $%d AND owner_id = $%d
			UNION SELECT account_id FROM account_team WHERE org_id = $%d AND person_id = $%d)`, len(args)-1, len(args), len(args)-1, len(args))
	}
	q += ` ORDER BY h.day DESC, h.id DESC LIMIT 200`
	var out []HealthAlert
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h HealthAlert
			var day string
			var closed int64
			if err := rows.Scan(&h.ID, &h.AccountID, &h.AccountName, &h.OwnerID, &day, &h.PrevScore, &h.Score, &h.Message, &closed); err != nil {
				return err
			}
			h.Day, h.Closed = parseDate(day), closed != 0
			out = append(out, h)
		}
		return rows.Err()
	})
	return out, err
}

// CloseHealthAlert dismisses an alert; it returns the alert so callers can
// check access to its account first with HealthAlert.
func (db *DB) CloseHealthAlert(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		var accountID, closed int64
		err := tx.QueryRow(`SELECT account_id, closed_at FROM health_alerts WHERE org_id = $1 AND id = $2`, sc.OrgID, id).Scan(&accountID, &closed)
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "Health alert %d not found.", id)
		}
		if err != nil || closed != 0 {
			return err
		}
		if _, err := tx.Exec(`UPDATE health_alerts SET closed_at = $1, closed_by = $2 WHERE org_id = $3 AND id = $4`,
			ms(tx.now), sc.UserID, sc.OrgID, id); err != nil {
			return err
		}
		return tx.auditRaw(sc, "close", "health_alert", id, accountID, map[string]Change{"closed": {Old: false, New: true}})
	})
}

// HealthAlertAccount returns the account an alert is about.
func (db *DB) HealthAlertAccount(ctx context.Context, sc account.Scope, id int64) (int64, error) {
	var accountID int64
	err := db.read(ctx, func(tx *Tx) error {
		err := tx.QueryRow(`SELECT account_id FROM health_alerts WHERE org_id = $1 AND id = $2`, sc.OrgID, id).Scan(&accountID)
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "Health alert %d not found.", id)
		}
		return err
	})
	return accountID, err
}

// ---- Reading health -----------------------------------------------------------

// AccountHealth is an account's health now, with its history and risk.
type AccountHealth struct {
	AccountID int64 `json:"account_id"`
	// Score is today's score with the weights in force, computed live from
	// the account's current signals.
	Score   health.Score     `json:"score"`
	Signals health.Signals   `json:"signals"`
	History []HealthSnapshot `json:"history"` // oldest first, the last 180 days
	Risk    *HealthRisk      `json:"risk,omitempty"`
	// RiskNote says why there is no risk figure (no trained model, too
	// little history, not a customer).
	RiskNote string        `json:"risk_note,omitempty"`
	Alerts   []HealthAlert `json:"alerts"`
}

// HealthRisk is the churn model's prediction for an account.
type HealthRisk struct {
	Probability float64         `json:"probability"` // 0-1
	Factors     []health.Factor `json:"factors"`
	TrainedAt   time.Time       `json:"trained_at"`
}

// AccountHealth computes an account's current health (customers only:
// prospects and former customers have nothing to renew) and loads its
// snapshot history and churn risk.
func (db *DB) AccountHealth(ctx context.Context, sc account.Scope, accountID int64, today account.Date) (AccountHealth, error) {
	out := AccountHealth{AccountID: accountID, Score: health.Score{Band: health.Unscored}}
	adh, err := db.healthAdherence(ctx, sc, accountID, today)
	if err != nil {
		return out, err
	}
	tiers, err := db.AccountTiers(ctx, sc)
	if err != nil {
		return out, err
	}
	run, err := db.LatestHealthModel(ctx, sc)
	if err != nil {
		return out, err
	}
	err = db.read(ctx, func(tx *Tx) error {
		if ok, err := tx.exists("accounts", sc.OrgID, accountID); err != nil {
			return err
		} else if !ok {
			return account.Errorf(account.ENOTFOUND, "Account %d not found.", accountID)
		}
		set, err := tx.healthSettings(sc.OrgID)
		if err != nil {
			return err
		}
		accts, ins, _, err := tx.healthInputs(sc.OrgID, accountID, today, adh)
		if err != nil {
			return err
		}
		if err := tx.healthExtraSignals(sc.OrgID, accountID, today, ins); err != nil {
			return err
		}
		out.History, err = tx.healthSnapshots(sc.OrgID, []int64{accountID}, today.AddDays(-180), today)
		if err != nil {
			return err
		}
		if len(accts) == 0 {
			out.RiskNote = "Health is measured for customers only."
			return nil
		}
		in := ins[accountID]
		out.Signals = health.Normalise(in)
		out.Score = health.Compute(out.Signals, set.Weights)
		snap := HealthSnapshot{AccountID: accountID, Day: today, Signals: out.Signals, Tier: string(tiers[accountID])}
		if in.ARRNow != nil {
			snap.ARR = *in.ARRNow
		}
		fields, err := tx.healthCustomFeatures(sc.OrgID, []int64{accountID})
		if err != nil {
			return err
		}
		out.Risk, out.RiskNote = healthRiskOf(run, healthRecordOf(snap, accts[0].firstDay, fields[accountID]))
		return nil
	})
	if err != nil {
		return out, err
	}
	out.Alerts, err = db.HealthAlerts(ctx, sc, 0, accountID, false)
	return out, err
}

// healthRiskOf predicts with the latest model run, or says why it cannot.
func healthRiskOf(run *HealthModelRun, r health.Record) (*HealthRisk, string) {
	switch {
	case run == nil:
		return nil, "No churn model yet: run “samwise model train” (or wait for the nightly run). The rule-based health score stands in."
	case run.Model == nil:
		return nil, run.Message
	}
	return &HealthRisk{Probability: run.Model.Risk(r), Factors: run.Model.Factors(r, 3), TrainedAt: run.TrainedAt}, ""
}

// healthRecordOf turns a snapshot into the model's record: its signals, tier,
// log₁₀ of ARR in whole units and tenure in years since firstDay.
func healthRecordOf(s HealthSnapshot, firstDay account.Date, fields healthCustom) health.Record {
	r := health.Record{AccountID: s.AccountID, At: s.Day, Signals: s.Signals,
		Numbers: map[string]float64{"log_arr": math.Log10(1 + float64(max(s.ARR, 0))/100)},
		Choices: map[string]string{}}
	if !firstDay.IsZero() {
		r.Numbers["tenure_years"] = math.Max(0, float64(s.Day.DaysSince(firstDay))/365.25)
	}
	if s.Tier != "" {
		r.Choices["tier"] = s.Tier
	}
	for k, v := range fields.numbers {
		r.Numbers["field:"+k] = v
	}
	for k, v := range fields.choices {
		r.Choices["field:"+k] = v
	}
	return r
}

// snapshots loads the snapshots of the given accounts (nil: all) from
// from to to inclusive, oldest first.
func (tx *Tx) healthSnapshots(orgID int64, ids []int64, from, to account.Date) ([]HealthSnapshot, error) {
	q := `SELECT account_id, day, score, signals, tier, arr FROM health_snapshots WHERE org_id = $1 AND day >= $2 AND day <= $3`
	args := []any{orgID, from.String(), to.String()}
	if len(ids) == 1 {
		q += ` AND account_id = $4`
		args = append(args, ids[0])
	}
	rows, err := tx.Query(q+` ORDER BY account_id, day`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []HealthSnapshot
	for rows.Next() {
		s, err := scanHealthSnapshot(rows)
		if err != nil {
			return nil, err
		}
		if len(ids) > 1 && !want[s.AccountID] {
			continue
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func scanHealthSnapshot(r rowScanner) (HealthSnapshot, error) {
	var s HealthSnapshot
	var day, raw string
	var score sql.NullFloat64
	if err := r.Scan(&s.AccountID, &day, &score, &raw, &s.Tier, &s.ARR); err != nil {
		return s, err
	}
	s.Day = parseDate(day)
	if score.Valid {
		v := score.Float64
		s.Score = &v
	}
	if err := json.Unmarshal([]byte(raw), &s.Signals); err != nil {
		return s, fmt.Errorf("read health signals: %w", err)
	}
	return s, nil
}

// HealthRow is one account of the portfolio health list.
type HealthRow struct {
	AccountID int64          `json:"account_id"`
	Name      string         `json:"name"`
	OwnerID   int64          `json:"owner_id"`
	Tier      string         `json:"tier"`
	ARR       int64          `json:"arr"`
	Day       account.Date   `json:"day"`   // of the latest snapshot
	Score     health.Score   `json:"score"` // its signals with today's weights
	Signals   health.Signals `json:"signals"`
	// Change is the score's change over about 30 days (nil: no snapshot
	// that old).
	Change *float64    `json:"change,omitempty"`
	Risk   *HealthRisk `json:"risk,omitempty"`
}

// HealthPortfolio lists the customer accounts visible to person (0: all)
// with their latest snapshot, scored with the weights in force, its change
// over 30 days and the churn risk when a model is trained. Accounts never
// snapshotted are listed unscored.
func (db *DB) HealthPortfolio(ctx context.Context, sc account.Scope, person int64, today account.Date) ([]HealthRow, *HealthModelRun, error) {
	run, err := db.LatestHealthModel(ctx, sc)
	if err != nil {
		return nil, nil, err
	}
	var out []HealthRow
	err = db.read(ctx, func(tx *Tx) error {
		set, err := tx.healthSettings(sc.OrgID)
		if err != nil {
			return err
		}
		q := `SELECT id, name, COALESCE(owner_id, 0), created_at FROM accounts WHERE org_id = $1 AND lifecycle = 'customer'`
		args := []any{sc.OrgID}
		if person != 0 {
			q += ` AND id IN (SELECT id FROM accounts WHERE org_id = $1 AND owner_id = $2 UNION SELECT account_id FROM account_team WHERE org_id = $1 AND person_id = $2)`
			args = append(args, person)
		}
		rows, err := tx.Query(q+` ORDER BY name, id`, args...)
		if err != nil {
			return err
		}
		index := map[int64]int{}
		created := map[int64]account.Date{}
		var ids []int64
		for rows.Next() {
			var r HealthRow
			var c int64
			if err := rows.Scan(&r.AccountID, &r.Name, &r.OwnerID, &c); err != nil {
				rows.Close()
				return err
			}
			r.Score = health.Score{Band: health.Unscored}
			created[r.AccountID] = account.DateOf(fromMS(c).UTC())
			index[r.AccountID] = len(out)
			ids = append(ids, r.AccountID)
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Latest snapshot of each account, and the one about 30 days before.
		latest := map[int64]HealthSnapshot{}
		month := map[int64]float64{}
		cut := today.AddDays(-30).String()
		rows, err = tx.Query(`SELECT account_id, day, score, signals, tier, arr FROM health_snapshots
			WHERE org_id = $1 AND day >= $2 ORDER BY account_id, day`, sc.OrgID, today.AddDays(-45).String())
		if err != nil {
			return err
		}
		for rows.Next() {
			s, err := scanHealthSnapshot(rows)
			if err != nil {
				rows.Close()
				return err
			}
			latest[s.AccountID] = s
			if s.Score != nil && s.Day.String() <= cut {
				month[s.AccountID] = *s.Score
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		fields, err := tx.healthCustomFeatures(sc.OrgID, ids)
		if err != nil {
			return err
		}
		for id, s := range latest {
			k, ok := index[id]
			if !ok {
				continue
			}
			r := &out[k]
			r.Day, r.Signals, r.Tier, r.ARR = s.Day, s.Signals, s.Tier, s.ARR
			r.Score = health.Compute(s.Signals, set.Weights)
			if m, ok := month[id]; ok && r.Score.Scored {
				d := r.Score.Value - m
				r.Change = &d
			}
			// No risk without any signal: it would be the base rate.
			if run != nil && run.Model != nil && len(s.Signals) > 0 {
				r.Risk, _ = healthRiskOf(run, healthRecordOf(s, created[id], fields[id]))
			}
		}
		return nil
	})
	return out, run, err
}

// ---- Outcomes, back-test and model --------------------------------------------

// Outcomes recorded for health alone.
var healthOutcomeKinds = []string{"renewed", "expanded", "contracted", "churned"}

// RecordHealthOutcome records what happened at an account's renewal on day
// (renewed, expanded, contracted or churned) — imported churn history, for
// instance — replacing an outcome already recorded that day.
func (db *DB) RecordHealthOutcome(ctx context.Context, sc account.Scope, accountID int64, day account.Date, outcome, source string) error {
	if !slices.Contains(healthOutcomeKinds, outcome) {
		return account.Invalid("outcome", "must be one of %s", strings.Join(healthOutcomeKinds, ", "))
	}
	if day.IsZero() {
		return account.Invalid("day", "is required")
	}
	if source == "" {
		source = "imported"
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("account_id", "accounts", sc.OrgID, &accountID); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRow(`INSERT INTO health_outcomes (org_id, account_id, day, outcome, source, created_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (org_id, account_id, day) DO UPDATE SET outcome = excluded.outcome, source = excluded.source RETURNING id`,
			sc.OrgID, accountID, day.String(), outcome, source, ms(tx.now)).Scan(&id)
		if err != nil {
			return err
		}
		return tx.audit(sc, "create", "health_outcome", id, accountID, nil, map[string]any{"day": day.String(), "outcome": outcome, "source": source})
	})
}

// healthEvent is what happened to an account on a day.
type healthEvent struct {
	account int64
	day     account.Date
	churned bool
}

// healthOutcomes gathers the renewal history, one outcome per account and
// day, in order of precedence:
//   - outcomes recorded for health (imported or demo history);
//   - renewal outcomes recorded on contracts (churned and contracted count
//     as churn, renewed and expanded as kept);
//   - imported churn dates in a custom account date field named
//     churned_on, churn_date or churned_at;
//   - former customers without a churn recorded above: churned on the day
//     the audit trail shows their lifecycle becoming former_customer, else
//     their last update (imported churn has no audit entry);
//   - contracts without a recorded outcome that ended before today,
//     between 3 years ago and today, of accounts still customers: kept on
//     their end day.
func (tx *Tx) healthOutcomes(orgID int64, today account.Date) ([]healthEvent, error) {
	seen := map[[2]int64]bool{}
	var out []healthEvent
	add := func(o healthEvent) {
		k := [2]int64{o.account, int64(o.day.Time().Unix())}
		if !seen[k] && !o.day.IsZero() {
			seen[k] = true
			out = append(out, o)
		}
	}
	rows, err := tx.Query(`SELECT account_id, day, outcome FROM health_outcomes WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o healthEvent
		var day, kind string
		if err := rows.Scan(&o.account, &day, &kind); err != nil {
			rows.Close()
			return nil, err
		}
		o.day, o.churned = parseDate(day), kind == "churned" || kind == "contracted"
		add(o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Renewal outcomes recorded on contracts (migration 00011), on the
	// renewal date or else the end date.
	rows, err = tx.Query(`SELECT account_id, renewal_date, end_date, renewal_outcome FROM contracts
		WHERE org_id = $1 AND renewal_outcome <> ''`, orgID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o healthEvent
		var renewal, end, kind string
		if err := rows.Scan(&o.account, &renewal, &end, &kind); err != nil {
			rows.Close()
			return nil, err
		}
		o.day = parseDate(renewal)
		if o.day.IsZero() {
			o.day = parseDate(end)
		}
		o.churned = kind == "churned" || kind == "contracted"
		add(o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Imported churn dates kept as a custom date field (migration 00009)
	// named churned_on, churn_date or churned_at.
	rows, err = tx.Query(`SELECT v.record_id, v.value FROM custom_fields f
		JOIN custom_values v ON v.org_id = f.org_id AND v.field_id = f.id
		WHERE f.org_id = $1 AND f.entity = 'account' AND f.type = 'date' AND f.key IN ('churned_on', 'churn_date', 'churned_at')`, orgID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o healthEvent
		var v string
		if err := rows.Scan(&o.account, &v); err != nil {
			rows.Close()
			return nil, err
		}
		o.day, o.churned = parseDate(v), true
		if !o.day.IsZero() && o.day.Before(today.AddDays(1)) {
			add(o)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// A former customer whose churn is recorded already is not counted twice.
	churnedAlready := map[int64]bool{}
	for _, o := range out {
		if o.churned {
			churnedAlready[o.account] = true
		}
	}
	rows, err = tx.Query(`SELECT a.id, a.updated_at, COALESCE((SELECT MAX(u.at) FROM audit u WHERE u.org_id = a.org_id
			AND u.entity = 'account' AND u.entity_id = a.id AND u.changes LIKE '%former_customer%'), 0)
		FROM accounts a WHERE a.org_id = $1 AND a.lifecycle = 'former_customer'`, orgID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, updated, changed int64
		if err := rows.Scan(&id, &updated, &changed); err != nil {
			rows.Close()
			return nil, err
		}
		at := updated
		if changed != 0 {
			at = changed
		}
		if churnedAlready[id] {
			continue
		}
		add(healthEvent{account: id, day: account.DateOf(fromMS(at).UTC()), churned: true})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.Query(`SELECT c.account_id, c.end_date FROM contracts c JOIN accounts a ON a.org_id = c.org_id AND a.id = c.account_id
		WHERE c.org_id = $1 AND a.lifecycle = 'customer' AND c.status IN ('active', 'expired') AND c.renewal_outcome = ''
		AND c.end_date <> '' AND c.end_date < $2 AND c.end_date >= $3`, orgID, today.String(), today.AddDays(-3*365).String())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o healthEvent
		var end string
		if err := rows.Scan(&o.account, &end); err != nil {
			rows.Close()
			return nil, err
		}
		o.day = parseDate(end)
		add(o)
	}
	rows.Close()
	return out, rows.Err()
}

// HealthOutcome is one renewal outcome of the history.
type HealthOutcome struct {
	AccountID int64        `json:"account_id"`
	Day       account.Date `json:"day"`
	Churned   bool         `json:"churned"` // churned or contracted
}

// HealthOutcomes lists the renewal history the back-test and the model
// learn from (see healthOutcomes for where it comes from).
func (db *DB) HealthOutcomes(ctx context.Context, sc account.Scope, today account.Date) ([]HealthOutcome, error) {
	var out []HealthOutcome
	err := db.read(ctx, func(tx *Tx) error {
		evs, err := tx.healthOutcomes(sc.OrgID, today)
		for _, e := range evs {
			out = append(out, HealthOutcome{AccountID: e.account, Day: e.day, Churned: e.churned})
		}
		return err
	})
	return out, err
}

// HealthLead is how long before an outcome the snapshot that "predicts" it
// must be: the latest snapshot at least this many days before, and no more
// than HealthLookback days before.
const (
	HealthLead     = 30
	HealthLookback = 400
)

// HealthHistory pairs every renewal outcome with the account's latest
// snapshot taken 30 to 400 days before it, as the model's records.
// Outcomes without such a snapshot are left out.
func (db *DB) HealthHistory(ctx context.Context, sc account.Scope, today account.Date) ([]health.Record, error) {
	var out []health.Record
	err := db.read(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.healthHistory(sc.OrgID, today)
		return err
	})
	return out, err
}

func (tx *Tx) healthHistory(orgID int64, today account.Date) ([]health.Record, error) {
	outs, err := tx.healthOutcomes(orgID, today)
	if err != nil || len(outs) == 0 {
		return nil, err
	}
	byAccount := map[int64][]healthEvent{}
	for _, o := range outs {
		byAccount[o.account] = append(byAccount[o.account], o)
	}
	// Only the accounts with outcomes, read in one pass of the index.
	snaps := map[int64][]HealthSnapshot{}
	rows, err := tx.Query(`SELECT account_id, day, score, signals, tier, arr FROM health_snapshots
		WHERE org_id = $1 AND day >= $2 ORDER BY account_id, day`, orgID, today.AddDays(-4*365).String())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		s, err := scanHealthSnapshot(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if _, ok := byAccount[s.AccountID]; ok {
			snaps[s.AccountID] = append(snaps[s.AccountID], s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	first := map[int64]account.Date{}
	rows, err = tx.Query(`SELECT a.id, a.created_at, COALESCE(MIN(c.start_date), '') FROM accounts a
		LEFT JOIN contracts c ON c.org_id = a.org_id AND c.account_id = a.id WHERE a.org_id = $1 GROUP BY a.id, a.created_at`, orgID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, c int64
		var start string
		if err := rows.Scan(&id, &c, &start); err != nil {
			rows.Close()
			return nil, err
		}
		if _, ok := byAccount[id]; !ok {
			continue
		}
		d := account.DateOf(fromMS(c).UTC())
		if s := parseDate(start); !s.IsZero() && s.Before(d) {
			d = s
		}
		first[id] = d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(byAccount))
	for id := range byAccount {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	fields, err := tx.healthCustomFeatures(orgID, ids)
	if err != nil {
		return nil, err
	}
	var out []health.Record
	for _, id := range ids {
		ss := snaps[id]
		for _, o := range byAccount[id] {
			latest, earliest := o.day.AddDays(-HealthLead), o.day.AddDays(-HealthLookback)
			var pick *HealthSnapshot
			for k := range ss {
				if ss[k].Day.Before(earliest) || latest.Before(ss[k].Day) {
					continue
				}
				pick = &ss[k]
			}
			if pick == nil {
				continue
			}
			r := healthRecordOf(*pick, first[id], fields[id])
			r.Churned = o.churned
			out = append(out, r)
		}
	}
	return out, nil
}

// HealthBacktest back-tests the weights in force against the history.
func (db *DB) HealthBacktest(ctx context.Context, sc account.Scope, today account.Date) (health.Backtest, health.Settings, error) {
	var b health.Backtest
	var set health.Settings
	err := db.read(ctx, func(tx *Tx) error {
		var err error
		if set, err = tx.healthSettings(sc.OrgID); err != nil {
			return err
		}
		recs, err := tx.healthHistory(sc.OrgID, today)
		if err != nil {
			return err
		}
		ex := make([]health.Example, len(recs))
		for k, r := range recs {
			ex[k] = health.Example{AccountID: r.AccountID, At: r.At, Signals: r.Signals, Churned: r.Churned}
		}
		b = health.BackTest(ex, set.Weights)
		return nil
	})
	return b, set, err
}

// HealthModelRun is one training run of the churn model.
type HealthModelRun struct {
	ID        int64         `json:"id"`
	TrainedAt time.Time     `json:"trained_at"`
	Status    string        `json:"status"` // trained or too_little
	Message   string        `json:"message,omitempty"`
	Outcomes  int           `json:"outcomes"`
	Churned   int           `json:"churned"`
	Model     *health.Model `json:"-"`
}

// LatestHealthModel returns the latest training run, nil if none.
func (db *DB) LatestHealthModel(ctx context.Context, sc account.Scope) (*HealthModelRun, error) {
	var run *HealthModelRun
	err := db.read(ctx, func(tx *Tx) error {
		var r HealthModelRun
		var at int64
		var raw string
		err := tx.QueryRow(`SELECT id, trained_at, status, message, outcomes, churned, model FROM health_models
			WHERE org_id = $1 ORDER BY trained_at DESC, id DESC LIMIT 1`, sc.OrgID).Scan(&r.ID, &at, &r.Status, &r.Message, &r.Outcomes, &r.Churned, &raw)
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		r.TrainedAt = fromMS(at)
		if r.Status == "trained" && raw != "" {
			var m health.Model
			if err := json.Unmarshal([]byte(raw), &m); err != nil {
				return fmt.Errorf("read churn model: %w", err)
			}
			r.Model = &m
		}
		run = &r
		return nil
	})
	return run, err
}

// TrainHealthModel trains the churn model on the organisation's history and
// records the run: a trained model, or "too little history" with the
// counts (the rule-based score then stands in). This is the scheduled job
// and `samwise model train`.
func (db *DB) TrainHealthModel(ctx context.Context, sc account.Scope, today account.Date) (*HealthModelRun, error) {
	recs, err := db.HealthHistory(ctx, sc, today)
	if err != nil {
		return nil, err
	}
	set, err := db.HealthSettings(ctx, sc)
	if err != nil {
		return nil, err
	}
	run := &HealthModelRun{Outcomes: len(recs), Status: "trained"}
	for _, r := range recs {
		if r.Churned {
			run.Churned++
		}
	}
	m, err := health.Train(recs, health.Options{Seed: 1, Weights: set.Weights}, db.Now().UTC())
	var little *health.TooLittle
	switch {
	case err == nil:
		run.Model = m
	case asHealthTooLittle(err, &little):
		run.Status, run.Message = "too_little", little.Error()
	default:
		return nil, err
	}
	var raw, metrics []byte
	if m != nil {
		if raw, err = json.Marshal(m); err != nil {
			return nil, err
		}
		if metrics, err = json.Marshal(m.Metrics); err != nil {
			return nil, err
		}
	} else {
		metrics = []byte("{}")
	}
	err = db.write(ctx, func(tx *Tx) error {
		run.TrainedAt = tx.now
		if err := tx.QueryRow(`INSERT INTO health_models (org_id, trained_at, status, message, outcomes, churned, model, metrics)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			sc.OrgID, ms(tx.now), run.Status, run.Message, run.Outcomes, run.Churned, string(raw), string(metrics)).Scan(&run.ID); err != nil {
			return err
		}
		ch := map[string]Change{"status": {New: run.Status}, "outcomes": {New: run.Outcomes}, "churned": {New: run.Churned}}
		if m != nil {
			ch["auc"] = Change{New: math.Round(m.Metrics.AUC*1000) / 1000}
		}
		return tx.auditRaw(sc, "train", "health_model", run.ID, 0, ch)
	})
	if m != nil {
		m.TrainedAt = run.TrainedAt
	}
	return run, err
}

// HealthDaily is the scheduled job, for every organisation: today's
// snapshot of every customer (raising sharp-drop alerts), then the churn
// model retrained on the history so far. Running it twice on one day
// replaces that day's snapshot and trains again; it raises no second alert.
// Wire it as a daily job, e.g. jobs.Job{Name: "health", Period:
// jobs.Daily(3, time.UTC), Run: func(ctx context.Context, day string) error
// { d, err := account.ParseDate(day); ...; return db.HealthDaily(ctx, d) }}.
func (db *DB) HealthDaily(ctx context.Context, today account.Date) error {
	orgs, err := db.Organisations(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range orgs {
		sc := account.Scope{OrgID: o.ID, Actor: "system"}
		if _, err := db.SnapshotHealth(ctx, sc, today); err != nil {
			errs = append(errs, fmt.Errorf("health snapshot of organisation %d: %w", o.ID, err))
			continue
		}
		if _, err := db.TrainHealthModel(ctx, sc, today); err != nil {
			errs = append(errs, fmt.Errorf("churn model of organisation %d: %w", o.ID, err))
		}
	}
	return errors.Join(errs...)
}

func asHealthTooLittle(err error, t **health.TooLittle) bool {
	return errors.As(err, t)
}

// ---- Signals from other features -----------------------------------------------

// healthCustom are an account's custom numeric and choice field values.
type healthCustom struct {
	numbers map[string]float64
	choices map[string]string
}

// healthCustomFeatures loads the custom account fields usable as model
// features (migration 00009): numbers (when they parse) and choices, by
// field key, for the given accounts.
func (tx *Tx) healthCustomFeatures(orgID int64, ids []int64) (map[int64]healthCustom, error) {
	out := map[int64]healthCustom{}
	if len(ids) == 0 {
		return out, nil
	}
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	q := `SELECT f.key, f.type, v.record_id, v.value FROM custom_fields f
		JOIN custom_values v ON v.org_id = f.org_id AND v.field_id = f.id
		WHERE f.org_id = $1 AND f.entity = 'account' AND f.type IN ('number', 'choice')`
	args := []any{orgID}
	if len(ids) == 1 {
		q += ` AND v.record_id = $2`
		args = append(args, ids[0])
	}
	rows, err := tx.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var key, typ, val string
		var id int64
		if err := rows.Scan(&key, &typ, &id, &val); err != nil {
			return nil, err
		}
		if !want[id] || strings.TrimSpace(val) == "" {
			continue
		}
		c := out[id]
		switch typ {
		case "number":
			x, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				continue
			}
			if c.numbers == nil {
				c.numbers = map[string]float64{}
			}
			c.numbers[key] = x
		default:
			if c.choices == nil {
				c.choices = map[string]string{}
			}
			c.choices[key] = val
		}
		out[id] = c
	}
	return out, rows.Err()
}

// Plan initiative statuses as progress, 0-100.
var healthInitiativeValue = map[string]float64{"done": 100, "on_track": 80, "not_started": 50, "at_risk": 30, "off_track": 0}

// healthExtraSignals fills in the inputs that other features' tables hold,
// for the accounts in ins (one when accountID is set):
//   - NPS (00012): over each stakeholder's latest answer in the last 365
//     days, %promoters (9-10) − %detractors (0-6);
//   - open severe problems (00011): problems of severity critical or high
//     whose status is open, acknowledged or in progress; no data when the
//     organisation has never recorded a problem;
//   - relationship coverage (00008): the share of the account's active
//     stakeholders that one of our people knows moderately or strongly; no
//     data when no relationship of the account is recorded;
//   - plan progress (00010): the mean over the account's plans' tracked
//     initiatives of done 100, on track 80, not started 50, at risk 30, off
//     track 0.
func (tx *Tx) healthExtraSignals(orgID, accountID int64, today account.Date, ins map[int64]health.Inputs) error {
	filter := func(col string) (string, []any) {
		if accountID == 0 {
			return "", []any{orgID}
		}
		return " AND " + col + " = $2", []any{orgID, accountID}
	}
	// NPS.
	f, args := filter("account_id")
	type answer struct {
		at    int64
		score int
	}
	latest := map[[2]int64]answer{}
	args = append(args, ms(today.AddDays(-365).Time()))
	rows, err := tx.Query(`SELECT account_id, stakeholder_id, score, answered_at FROM survey_responses
		WHERE org_id = $1 AND answered_at >= $`+itoa(len(args))+f, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var acct, sh, at int64
		var score int
		if err := rows.Scan(&acct, &sh, &score, &at); err != nil {
			rows.Close()
			return err
		}
		k := [2]int64{acct, sh}
		if a, ok := latest[k]; !ok || at > a.at {
			latest[k] = answer{at, score}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	type tally struct{ n, pro, det int }
	nps := map[int64]*tally{}
	for k, a := range latest {
		t := nps[k[0]]
		if t == nil {
			t = &tally{}
			nps[k[0]] = t
		}
		t.n++
		switch {
		case a.score >= 9:
			t.pro++
		case a.score <= 6:
			t.det++
		}
	}
	for id, t := range nps {
		if in, ok := ins[id]; ok {
			v := 100 * float64(t.pro-t.det) / float64(t.n)
			in.NPSValue = &v
			ins[id] = in
		}
	}
	// Open severe problems.
	var any int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM (SELECT 1 FROM problems WHERE org_id = $1 AND kind = 'problem' LIMIT 1) x`, orgID).Scan(&any); err != nil {
		return err
	}
	if any > 0 {
		open := map[int64]int{}
		f, args = filter("account_id")
		rows, err = tx.Query(`SELECT account_id, COUNT(*) FROM problems WHERE org_id = $1 AND kind = 'problem'
			AND severity IN ('critical', 'high') AND status IN ('open', 'acknowledged', 'in_progress')`+f+` GROUP BY account_id`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return err
			}
			open[id] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for id, in := range ins {
			n := open[id]
			in.OpenSevere = &n
			ins[id] = in
		}
	}
	// Relationship coverage.
	f, args = filter("s.account_id")
	rows, err = tx.Query(`SELECT s.account_id, s.id, COALESCE(MAX(CASE WHEN r.strength IN ('moderate', 'strong') THEN 1 ELSE 0 END), -1)
		FROM stakeholders s LEFT JOIN relationships r ON r.org_id = s.org_id AND r.stakeholder_id = s.id
		WHERE s.org_id = $1 AND s.active = $`+itoa(len(args)+1)+f+` GROUP BY s.account_id, s.id`, append(args, true)...)
	if err != nil {
		return err
	}
	type cover struct{ n, known, recorded int }
	cov := map[int64]*cover{}
	for rows.Next() {
		var acct, sh int64
		var k int
		if err := rows.Scan(&acct, &sh, &k); err != nil {
			rows.Close()
			return err
		}
		c := cov[acct]
		if c == nil {
			c = &cover{}
			cov[acct] = c
		}
		c.n++
		if k >= 0 {
			c.recorded++
		}
		if k == 1 {
			c.known++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, c := range cov {
		if in, ok := ins[id]; ok && c.recorded > 0 && c.n > 0 {
			v := 100 * float64(c.known) / float64(c.n)
			in.CoveragePct = &v
			ins[id] = in
		}
	}
	// Plan progress.
	f, args = filter("p.account_id")
	rows, err = tx.Query(`SELECT p.account_id, s.status FROM plan_initiative_status s
		JOIN plans p ON p.org_id = s.org_id AND p.id = s.plan_id WHERE s.org_id = $1`+f, args...)
	if err != nil {
		return err
	}
	type prog struct{ n, sum float64 }
	pp := map[int64]*prog{}
	for rows.Next() {
		var acct int64
		var st string
		if err := rows.Scan(&acct, &st); err != nil {
			rows.Close()
			return err
		}
		v, ok := healthInitiativeValue[st]
		if !ok {
			continue
		}
		p := pp[acct]
		if p == nil {
			p = &prog{}
			pp[acct] = p
		}
		p.n++
		p.sum += v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, p := range pp {
		if in, ok := ins[id]; ok && p.n > 0 {
			v := p.sum / p.n
			in.PlanPct = &v
			ins[id] = in
		}
	}
	return nil
}
