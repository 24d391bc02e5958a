package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/outcome"
)

// Outcomes, part one: problems, resolution targets, escalation paths and the
// settings of the outcome measures. The rules live in internal/outcome; see
// migrations/*/00011_outcomes.sql for the tables.

// outcomesKey is the key of orgs.settings holding the outcome assumptions.
const outcomesKey = "outcomes"

// OutcomeSettings returns the organisation's outcome assumptions, the
// defaults where nothing was saved.
func (db *DB) OutcomeSettings(ctx context.Context, sc account.Scope) (outcome.Settings, error) {
	var s outcome.Settings
	err := db.read(ctx, func(tx *Tx) (err error) {
		s, err = tx.outcomeSettings(sc.OrgID)
		return err
	})
	return s, err
}

func (tx *Tx) outcomeSettings(orgID int64) (outcome.Settings, error) {
	s := outcome.DefaultSettings()
	all, err := tx.orgSettingsMap(orgID)
	if err != nil {
		return s, err
	}
	if v, ok := all[outcomesKey]; ok {
		// Fields missing from what was saved keep their defaults.
		s.HoursPerTouch, s.Probabilities = nil, nil
		if err := json.Unmarshal(v, &s); err != nil {
			return s, err
		}
	}
	s.Fill()
	return s, nil
}

// SetOutcomeSettings saves the outcome assumptions under their own key of
// orgs.settings, keeping the other keys as they are.
func (db *DB) SetOutcomeSettings(ctx context.Context, sc account.Scope, s outcome.Settings) error {
	s.Fill()
	if err := s.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.outcomeSettings(sc.OrgID)
		if err != nil {
			return err
		}
		all, err := tx.orgSettingsMap(sc.OrgID)
		if err != nil {
			return err
		}
		if all[outcomesKey], err = json.Marshal(s); err != nil {
			return err
		}
		merged, err := json.Marshal(all)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE orgs SET settings = $2 WHERE id = $1`, sc.OrgID, string(merged)); err != nil {
			return err
		}
		return tx.audit(sc, "update", "outcome_settings", sc.OrgID, 0, &old, &s)
	})
}

// ---- Resolution targets ----------------------------------------------------

// ResolutionTargets returns the targets per tier and severity (defaults
// where none were saved).
func (db *DB) ResolutionTargets(ctx context.Context, sc account.Scope) (outcome.Targets, error) {
	var ts outcome.Targets
	err := db.read(ctx, func(tx *Tx) (err error) {
		ts, err = tx.targets(sc.OrgID)
		return err
	})
	return ts, err
}

func (tx *Tx) targets(orgID int64) (outcome.Targets, error) {
	var saved []outcome.Target
	err := tx.each(`SELECT tier, severity, respond_minutes, resolve_minutes FROM resolution_targets WHERE org_id = $1`,
		[]any{orgID}, func(r *sql.Rows) error {
			var t outcome.Target
			var resp, res int64
			if err := r.Scan(&t.Tier, &t.Severity, &resp, &res); err != nil {
				return err
			}
			t.Respond, t.Resolve = time.Duration(resp)*time.Minute, time.Duration(res)*time.Minute
			saved = append(saved, t)
			return nil
		})
	return outcome.NewTargets(saved), err
}

// SetResolutionTargets saves targets (each replaces the one of its tier and
// severity; others stay).
func (db *DB) SetResolutionTargets(ctx context.Context, sc account.Scope, ts []outcome.Target) error {
	for i := range ts {
		ts[i].Respond, ts[i].Resolve = ts[i].Respond.Truncate(time.Minute), ts[i].Resolve.Truncate(time.Minute)
	}
	if err := outcome.ValidateTargets(ts); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.targets(sc.OrgID)
		if err != nil {
			return err
		}
		for _, t := range ts {
			if _, err := tx.Exec(`INSERT INTO resolution_targets (org_id, tier, severity, respond_minutes, resolve_minutes, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (org_id, tier, severity) DO UPDATE SET respond_minutes = excluded.respond_minutes,
					resolve_minutes = excluded.resolve_minutes, updated_at = excluded.updated_at`,
				sc.OrgID, t.Tier, string(t.Severity), int64(t.Respond/time.Minute), int64(t.Resolve/time.Minute), ms(tx.now)); err != nil {
				return err
			}
		}
		now, err := tx.targets(sc.OrgID)
		if err != nil {
			return err
		}
		return tx.audit(sc, "update", "resolution_targets", sc.OrgID, 0, targetHours(old), targetHours(now))
	})
}

// targetHours is how targets appear in the audit trail.
func targetHours(ts outcome.Targets) map[string]string {
	out := map[string]string{}
	for _, t := range ts.List() {
		out[t.Tier+" "+string(t.Severity)] = t.Respond.String() + " / " + t.Resolve.String()
	}
	return out
}

// ---- Escalation paths ------------------------------------------------------

// EscalationPath is the escalation path agreed with a client.
type EscalationPath struct {
	AccountID int64        `json:"account_id"`
	Steps     []string     `json:"steps"`
	AgreedOn  account.Date `json:"agreed_on"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// EscalationPath returns an account's path (no steps when none agreed).
func (db *DB) EscalationPath(ctx context.Context, sc account.Scope, accountID int64) (EscalationPath, error) {
	p := EscalationPath{AccountID: accountID, Steps: []string{}}
	err := db.read(ctx, func(tx *Tx) error {
		var steps, agreed string
		var updated int64
		err := tx.QueryRow(`SELECT steps, agreed_on, updated_at FROM escalation_paths WHERE org_id = $1 AND account_id = $2`,
			sc.OrgID, accountID).Scan(&steps, &agreed, &updated)
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		p.Steps, p.AgreedOn, p.UpdatedAt = splitSteps(steps), parseDate(agreed), fromMS(updated)
		return nil
	})
	return p, err
}

func splitSteps(s string) []string {
	out := []string{}
	for line := range strings.SplitSeq(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// SetEscalationPath records the path agreed with the client.
func (db *DB) SetEscalationPath(ctx context.Context, sc account.Scope, p *EscalationPath) error {
	p.Steps = splitSteps(strings.Join(p.Steps, "\n"))
	switch {
	case len(p.Steps) > outcome.MaxEscalation:
		return account.Invalid("steps", "may list at most %d steps", outcome.MaxEscalation)
	case slices.ContainsFunc(p.Steps, func(s string) bool { return len(s) > 300 }):
		return account.Invalid("steps", "each step must be at most 300 characters")
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("account_id", "accounts", sc.OrgID, &p.AccountID); err != nil {
			return err
		}
		var oldSteps, oldAgreed string
		err := tx.QueryRow(`SELECT steps, agreed_on FROM escalation_paths WHERE org_id = $1 AND account_id = $2`,
			sc.OrgID, p.AccountID).Scan(&oldSteps, &oldAgreed)
		var old *EscalationPath
		if err == nil {
			old = &EscalationPath{AccountID: p.AccountID, Steps: splitSteps(oldSteps), AgreedOn: parseDate(oldAgreed)}
		} else if !isNoRows(err) {
			return err
		}
		p.UpdatedAt = tx.now
		if _, err := tx.Exec(`INSERT INTO escalation_paths (org_id, account_id, steps, agreed_on, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (org_id, account_id) DO UPDATE SET steps = excluded.steps, agreed_on = excluded.agreed_on, updated_at = excluded.updated_at`,
			sc.OrgID, p.AccountID, strings.Join(p.Steps, "\n"), p.AgreedOn.String(), ms(tx.now)); err != nil {
			return err
		}
		action := "update"
		if old == nil {
			action = "create"
		}
		cur := *p
		cur.UpdatedAt = time.Time{}
		return tx.audit(sc, action, "escalation_path", p.AccountID, p.AccountID, old, &cur)
	})
}

// ---- Problems --------------------------------------------------------------

const problemCols = `id, account_id, kind, title, detail, severity, reported_by, owner_id, accountable_id, status, escalation,
	opened_at, responded_at, resolved_at, created_at, updated_at`

func scanProblem(r rowScanner) (outcome.Problem, error) {
	var p outcome.Problem
	var rep, owner, acc, resp, res sql.NullInt64
	var opened, created, updated int64
	err := r.Scan(&p.ID, &p.AccountID, &p.Kind, &p.Title, &p.Detail, &p.Severity, &rep, &owner, &acc, &p.Status, &p.Escalation,
		&opened, &resp, &res, &created, &updated)
	p.ReportedBy, p.OwnerID, p.AccountableID = idPtr(rep), idPtr(owner), idPtr(acc)
	p.OpenedAt, p.CreatedAt, p.UpdatedAt = fromMS(opened), fromMS(created), fromMS(updated)
	if resp.Valid {
		t := fromMS(resp.Int64)
		p.RespondedAt = &t
	}
	if res.Valid {
		t := fromMS(res.Int64)
		p.ResolvedAt = &t
	}
	return p, err
}

func nullMS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ms(*t)
}

// Problem returns one problem.
func (db *DB) Problem(ctx context.Context, sc account.Scope, id int64) (outcome.Problem, error) {
	var p outcome.Problem
	err := db.read(ctx, func(tx *Tx) (err error) {
		p, err = tx.problem(sc.OrgID, id)
		return err
	})
	return p, err
}

func (tx *Tx) problem(orgID, id int64) (outcome.Problem, error) {
	p, err := scanProblem(tx.QueryRow(`SELECT `+problemCols+` FROM problems WHERE org_id = $1 AND id = $2`, orgID, id))
	if isNoRows(err) {
		return p, account.Errorf(account.ENOTFOUND, "Problem %d not found.", id)
	}
	return p, err
}

// ProblemFilter narrows a list of problems.
type ProblemFilter struct {
	account.Page
	AccountID int64
	Status    string // a status, or "active" for those not resolved or closed
	Severity  string
	Kind      string
	OwnerID   int64
	Q         string // matches the title
}

// Problems lists problems. Sorts: opened_at (default), severity, status,
// updated_at.
func (db *DB) Problems(ctx context.Context, sc account.Scope, f ProblemFilter) ([]outcome.Problem, string, error) {
	l := &lister[outcome.Problem]{table: "problems", cols: problemCols, scan: scanProblem, orgID: sc.OrgID,
		id: func(p *outcome.Problem) int64 { return p.ID }, def: "opened_at",
		sorts: map[string]sortKey[outcome.Problem]{
			"opened_at":  {"opened_at", func(p *outcome.Problem) any { return ms(p.OpenedAt) }},
			"severity":   {"severity", func(p *outcome.Problem) any { return string(p.Severity) }},
			"status":     {"status", func(p *outcome.Problem) any { return string(p.Status) }},
			"updated_at": {"updated_at", func(p *outcome.Problem) any { return ms(p.UpdatedAt) }},
		}}
	if f.AccountID != 0 {
		l.where("account_id = ?", f.AccountID)
	}
	switch f.Status {
	case "":
	case "active":
		l.where("status NOT IN ('resolved', 'closed')")
	default:
		l.where("status = ?", f.Status)
	}
	if f.Severity != "" {
		l.where("severity = ?", f.Severity)
	}
	if f.Kind != "" {
		l.where("kind = ?", f.Kind)
	}
	if f.OwnerID != 0 {
		l.where("owner_id = ?", f.OwnerID)
	}
	l.search(f.Q, "title")
	l.visibleTo(f.VisibleTo, "account_id")
	var out []outcome.Problem
	var next string
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, next, err = l.run(tx, f.Page)
		return err
	})
	return out, next, err
}

func (tx *Tx) checkProblemRefs(orgID int64, p *outcome.Problem) error {
	if err := tx.mustExist("account_id", "accounts", orgID, &p.AccountID); err != nil {
		return err
	}
	if err := tx.mustExist("owner_id", "people", orgID, p.OwnerID); err != nil {
		return err
	}
	if err := tx.mustExist("accountable_id", "people", orgID, p.AccountableID); err != nil {
		return err
	}
	if p.ReportedBy != nil && *p.ReportedBy != 0 {
		var acct int64
		err := tx.QueryRow(`SELECT account_id FROM stakeholders WHERE org_id = $1 AND id = $2`, orgID, *p.ReportedBy).Scan(&acct)
		if isNoRows(err) || (err == nil && acct != p.AccountID) {
			return account.Invalid("reported_by", "must be a stakeholder of the account")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func zeroIsNil(ps ...**int64) {
	for _, p := range ps {
		if *p != nil && **p == 0 {
			*p = nil
		}
	}
}

// CreateProblem validates and inserts p.
func (db *DB) CreateProblem(ctx context.Context, sc account.Scope, p *outcome.Problem) error {
	return db.write(ctx, func(tx *Tx) error {
		zeroIsNil(&p.ReportedBy, &p.OwnerID, &p.AccountableID)
		p.Normalize(tx.now)
		if err := p.Validate(); err != nil {
			return err
		}
		if err := tx.checkProblemRefs(sc.OrgID, p); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = tx.now, tx.now
		err := tx.QueryRow(`INSERT INTO problems (org_id, account_id, kind, title, detail, severity, reported_by, owner_id,
			accountable_id, status, escalation, opened_at, responded_at, resolved_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id`,
			sc.OrgID, p.AccountID, string(p.Kind), p.Title, p.Detail, string(p.Severity), nullID(p.ReportedBy), nullID(p.OwnerID),
			nullID(p.AccountableID), string(p.Status), p.Escalation, ms(p.OpenedAt), nullMS(p.RespondedAt), nullMS(p.ResolvedAt),
			ms(tx.now)).Scan(&p.ID)
		if err != nil {
			return err
		}
		return tx.audit(sc, "create", "problem", p.ID, p.AccountID, nil, p)
	})
}

// UpdateProblem replaces every editable field of problem p.ID. Moving a
// problem on in its workflow stamps the response and resolution instants
// that are not given; reopening it clears the resolution.
func (db *DB) UpdateProblem(ctx context.Context, sc account.Scope, p *outcome.Problem) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.problem(sc.OrgID, p.ID)
		if err != nil {
			return err
		}
		if p.AccountID != old.AccountID {
			return account.Invalid("account_id", "cannot change")
		}
		zeroIsNil(&p.ReportedBy, &p.OwnerID, &p.AccountableID)
		if p.OpenedAt.IsZero() {
			p.OpenedAt = old.OpenedAt
		}
		p.Normalize(tx.now)
		if err := p.Validate(); err != nil {
			return err
		}
		if err := tx.checkProblemRefs(sc.OrgID, p); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = old.CreatedAt, tx.now
		if _, err := tx.Exec(`UPDATE problems SET kind = $3, title = $4, detail = $5, severity = $6, reported_by = $7, owner_id = $8,
			accountable_id = $9, status = $10, escalation = $11, opened_at = $12, responded_at = $13, resolved_at = $14,
			updated_at = $15 WHERE org_id = $1 AND id = $2`,
			sc.OrgID, p.ID, string(p.Kind), p.Title, p.Detail, string(p.Severity), nullID(p.ReportedBy), nullID(p.OwnerID),
			nullID(p.AccountableID), string(p.Status), p.Escalation, ms(p.OpenedAt), nullMS(p.RespondedAt), nullMS(p.ResolvedAt),
			ms(tx.now)); err != nil {
			return err
		}
		return tx.audit(sc, "update", "problem", p.ID, p.AccountID, &old, p)
	})
}

// DeleteProblem removes a problem.
func (db *DB) DeleteProblem(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.problem(sc.OrgID, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM problems WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "problem", id, old.AccountID, &old, nil)
	})
}

// ProblemsResolved returns an account's problems resolved in [from, to),
// avoided ones included, in the order they were resolved: what the
// operations review report lists.
func (db *DB) ProblemsResolved(ctx context.Context, sc account.Scope, accountID int64, from, to time.Time) ([]outcome.Problem, error) {
	out := []outcome.Problem{}
	err := db.read(ctx, func(tx *Tx) error {
		return tx.each(`SELECT `+problemCols+` FROM problems WHERE org_id = $1 AND account_id = $2
			AND status IN ('resolved', 'closed') AND resolved_at >= $3 AND resolved_at < $4 ORDER BY resolved_at, id`,
			[]any{sc.OrgID, accountID, ms(from), ms(to)}, func(r *sql.Rows) error {
				p, err := scanProblem(r)
				out = append(out, p)
				return err
			})
	})
	return out, err
}

// BoardProblem is an open problem with where it stands.
type BoardProblem struct {
	outcome.Problem
	AccountName string
	Tier        string
	Standing    outcome.Standing
	Target      outcome.Target
}

// ProblemBoard is every open problem of the portfolio (or of the accounts
// a person may see), oldest first, with its standing against targets, and
// how old they are. The counts cover every open problem; a page showing
// only the first rows says so (list_cap.go).
type ProblemBoard struct {
	Open        []BoardProblem
	Ages        []outcome.AgeBucket
	Breached    int
	Approaching int
}

// OpenProblems loads the ProblemBoard at now; accountID limits it to one
// account, visibleTo to the accounts a person may see.
func (db *DB) OpenProblems(ctx context.Context, sc account.Scope, accountID, visibleTo int64, now time.Time) (ProblemBoard, error) {
	var b ProblemBoard
	err := db.read(ctx, func(tx *Tx) error {
		ts, err := tx.targets(sc.OrgID)
		if err != nil {
			return err
		}
		q := `SELECT p.` + strings.ReplaceAll(problemCols, ", ", ", p.") + `, a.name, COALESCE(pa.tier, '')
			FROM problems p JOIN accounts a ON a.org_id = p.org_id AND a.id = p.account_id
			LEFT JOIN portfolio_accounts pa ON pa.org_id = p.org_id AND pa.account_id = p.account_id
			WHERE p.org_id = $1 AND p.kind = 'problem' AND p.status NOT IN ('resolved', 'closed')`
		args := []any{sc.OrgID}
		if accountID != 0 {
			args = append(args, accountID)
			q += ` AND p.account_id = $2`
		}
		if visibleTo != 0 {
			n := len(args)
			args = append(args, visibleTo)
			q += ` AND p.account_id IN (SELECT id FROM accounts WHERE org_id = $1 AND owner_id = $` + itoa(n+1) +
				` UNION SELECT account_id FROM account_team WHERE org_id = $1 AND person_id = $` + itoa(n+1) + `)`
		}
		q += ` ORDER BY p.opened_at, p.id`
		var opened []time.Time
		err = tx.each(q, args, func(r *sql.Rows) error {
			var bp BoardProblem
			p, err := scanProblem(rowsWith{r, []any{&bp.AccountName, &bp.Tier}})
			if err != nil {
				return err
			}
			bp.Problem = p
			bp.Target = ts.For(bp.Tier, p.Severity)
			bp.Standing = outcome.Stand(p, bp.Target, now)
			switch bp.Standing.State {
			case outcome.Breached:
				b.Breached++
			case outcome.Approaching:
				b.Approaching++
			}
			opened = append(opened, p.OpenedAt)
			b.Open = append(b.Open, bp)
			return nil
		})
		if err != nil {
			return err
		}
		b.Ages = outcome.AgeBuckets(opened, now)
		return nil
	})
	return b, err
}

// rowsWith scans a row into a record's columns followed by extra ones.
type rowsWith struct {
	r     rowScanner
	extra []any
}

func (w rowsWith) Scan(dest ...any) error { return w.r.Scan(append(dest, w.extra...)...) }

// ResolutionMeasures are response and resolution times over problems opened
// in a period: the portfolio's, per manager (the account's owner), per tier.
type ResolutionMeasures struct {
	All      outcome.Resolution
	Managers map[int64]outcome.Resolution // 0: accounts without an owner
	Tiers    map[string]outcome.Resolution
}

// Resolution measures problems opened in [from, to) as of now;
// accountID limits them to one account.
func (db *DB) Resolution(ctx context.Context, sc account.Scope, accountID int64, from, to, now time.Time) (ResolutionMeasures, error) {
	m := ResolutionMeasures{Managers: map[int64]outcome.Resolution{}, Tiers: map[string]outcome.Resolution{}}
	err := db.read(ctx, func(tx *Tx) error {
		ts, err := tx.targets(sc.OrgID)
		if err != nil {
			return err
		}
		q := `SELECT p.` + strings.ReplaceAll(problemCols, ", ", ", p.") + `, COALESCE(a.owner_id, 0), COALESCE(pa.tier, '')
			FROM problems p JOIN accounts a ON a.org_id = p.org_id AND a.id = p.account_id
			LEFT JOIN portfolio_accounts pa ON pa.org_id = p.org_id AND pa.account_id = p.account_id
			WHERE p.org_id = $1 AND p.opened_at >= $2 AND p.opened_at < $3`
		args := []any{sc.OrgID, ms(from), ms(to)}
		if accountID != 0 {
			q += ` AND p.account_id = $4`
			args = append(args, accountID)
		}
		var all []outcome.Problem
		byManager := map[int64][]outcome.Problem{}
		byTier := map[string][]outcome.Problem{}
		tierOf := map[int64]string{}
		err = tx.each(q, args, func(r *sql.Rows) error {
			var owner int64
			var tier string
			p, err := scanProblem(rowsWith{r, []any{&owner, &tier}})
			if err != nil {
				return err
			}
			all = append(all, p)
			byManager[owner] = append(byManager[owner], p)
			byTier[tier] = append(byTier[tier], p)
			tierOf[p.AccountID] = tier
			return nil
		})
		if err != nil {
			return err
		}
		tiers := func(id int64) string { return tierOf[id] }
		m.All = outcome.Measure("all", all, ts, tiers, now)
		for id, ps := range byManager {
			m.Managers[id] = outcome.Measure(itoa(int(id)), ps, ts, tiers, now)
		}
		for t, ps := range byTier {
			m.Tiers[t] = outcome.Measure(t, ps, ts, tiers, now)
		}
		return nil
	})
	return m, err
}
