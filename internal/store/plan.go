package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/plan"
)

// Strategic account plans: plans, their versions (the document is one JSON
// value, frozen once shared), tracking after agreement, and adjustments.
// Share links and what the client does through them are in plan_share.go.

const planCols = `p.id, p.account_id, a.name, p.title, p.status, p.current_version, p.review_days, p.next_review_on,
	p.created_by, p.created_at, p.updated_at`

const planFrom = ` FROM plans p JOIN accounts a ON a.org_id = p.org_id AND a.id = p.account_id `

func scanPlan(r rowScanner) (plan.Plan, error) {
	var p plan.Plan
	var next string
	var created, updated int64
	err := r.Scan(&p.ID, &p.AccountID, &p.AccountName, &p.Title, &p.Status, &p.CurrentVersion, &p.ReviewDays, &next,
		&p.CreatedBy, &created, &updated)
	p.NextReviewOn = parseDate(next)
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return p, err
}

const versionCols = `id, plan_id, n, status, content, note, created_by, created_at, updated_at, shared_at, agreed_at`

func scanVersion(r rowScanner) (plan.Version, error) {
	var v plan.Version
	var raw string
	var created, updated, shared, agreed int64
	err := r.Scan(&v.ID, &v.PlanID, &v.N, &v.Status, &raw, &v.Note, &v.CreatedBy, &created, &updated, &shared, &agreed)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal([]byte(raw), &v.Content); err != nil {
		return v, fmt.Errorf("read plan version %d: %w", v.ID, err)
	}
	v.CreatedAt, v.UpdatedAt, v.SharedAt, v.AgreedAt = fromMS(created), fromMS(updated), fromMS(shared), fromMS(agreed)
	return v, nil
}

// PlanFilter narrows a list of plans.
type PlanFilter struct {
	AccountID int64
	Status    plan.Status
	VisibleTo int64 // need-to-know: only the accounts this person owns or is on the team of (0: all)
}

// MaxPlans bounds one list of plans; an organisation has about one plan per
// strategic account, so this is far above any real portfolio.
const MaxPlans = 1000

// Plans lists plans, the most recently changed first.
func (db *DB) Plans(ctx context.Context, sc account.Scope, f PlanFilter) ([]plan.Plan, error) {
	var out []plan.Plan
	err := db.read(ctx, func(tx *Tx) error {
		q := `SELECT ` + planCols + planFrom + `WHERE p.org_id = $1`
		args := []any{sc.OrgID}
		if f.AccountID != 0 {
			args = append(args, f.AccountID)
			q += fmt.Sprintf(" AND p.account_id = $%d", len(args))
		}
		if f.Status != "" {
			args = append(args, string(f.Status))
			q += fmt.Sprintf(" AND p.status = $%d", len(args))
		}
		if f.VisibleTo != 0 {
			args = append(args, f.VisibleTo)
			q += fmt.Sprintf(" AND (a.owner_id = $%d OR p.account_id IN (SELECT account_id FROM account_team WHERE org_id = $1 AND person_id = $%d))", len(args), len(args))
		}
		q += fmt.Sprintf(" ORDER BY p.updated_at DESC, p.id DESC LIMIT %d", MaxPlans)
		rows, err := tx.Query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPlan(rows)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// Plan returns one plan.
func (db *DB) Plan(ctx context.Context, sc account.Scope, id int64) (plan.Plan, error) {
	var p plan.Plan
	err := db.read(ctx, func(tx *Tx) (err error) {
		p, err = tx.plan(sc.OrgID, id)
		return err
	})
	return p, err
}

func (tx *Tx) plan(orgID, id int64) (plan.Plan, error) {
	p, err := scanPlan(tx.QueryRow(`SELECT `+planCols+planFrom+`WHERE p.org_id = $1 AND p.id = $2`, orgID, id))
	if isNoRows(err) {
		return p, account.Errorf(account.ENOTFOUND, "Plan %d not found.", id)
	}
	return p, err
}

func (tx *Tx) version(orgID, planID int64, n int) (plan.Version, error) {
	v, err := scanVersion(tx.QueryRow(`SELECT `+versionCols+` FROM plan_versions WHERE org_id = $1 AND plan_id = $2 AND n = $3`, orgID, planID, n))
	if isNoRows(err) {
		return v, account.Errorf(account.ENOTFOUND, "Version %d of plan %d not found.", n, planID)
	}
	return v, err
}

func (tx *Tx) versions(orgID, planID int64) ([]plan.Version, error) {
	rows, err := tx.Query(`SELECT `+versionCols+` FROM plan_versions WHERE org_id = $1 AND plan_id = $2 ORDER BY n`, orgID, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []plan.Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// PlanVersions lists every version of a plan, oldest first.
func (db *DB) PlanVersions(ctx context.Context, sc account.Scope, planID int64) ([]plan.Version, error) {
	var out []plan.Version
	err := db.read(ctx, func(tx *Tx) (err error) {
		if _, err := tx.plan(sc.OrgID, planID); err != nil {
			return err
		}
		out, err = tx.versions(sc.OrgID, planID)
		return err
	})
	return out, err
}

// PlanVersion returns version n of a plan.
func (db *DB) PlanVersion(ctx context.Context, sc account.Scope, planID int64, n int) (plan.Version, error) {
	var v plan.Version
	err := db.read(ctx, func(tx *Tx) (err error) {
		v, err = tx.version(sc.OrgID, planID, n)
		return err
	})
	return v, err
}

// checkVisions checks that every vision item the objectives name is one of
// the account's.
func (tx *Tx) checkVisions(orgID, accountID int64, c *plan.Content) error {
	for i, o := range c.Objectives {
		if o.VisionItemID == 0 {
			continue
		}
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM vision_items WHERE org_id = $1 AND account_id = $2 AND id = $3`,
			orgID, accountID, o.VisionItemID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return account.Invalid(fmt.Sprintf("objectives[%d].vision_item_id", i), "refers to no vision item of this account")
		}
	}
	return nil
}

func (tx *Tx) linkVisions(orgID, versionID int64, c *plan.Content) error {
	if _, err := tx.Exec(`DELETE FROM plan_objective_visions WHERE org_id = $1 AND version_id = $2`, orgID, versionID); err != nil {
		return err
	}
	for _, o := range c.Objectives {
		if o.VisionItemID == 0 {
			continue
		}
		if _, err := tx.Exec(`INSERT INTO plan_objective_visions (org_id, version_id, objective_key, vision_item_id) VALUES ($1, $2, $3, $4)`,
			orgID, versionID, o.Key, o.VisionItemID); err != nil {
			return err
		}
	}
	return nil
}

func contentJSON(c plan.Content) (string, error) {
	raw, err := json.Marshal(c)
	return string(raw), err
}

// CreatePlan drafts a new plan for an account: version 1, a draft, with
// content (see plan.NewContent for a skeleton). reviewDays is the interval
// of periodic reviews once the plan is active (0: 90 days).
func (db *DB) CreatePlan(ctx context.Context, sc account.Scope, accountID int64, c plan.Content, reviewDays int) (plan.Plan, error) {
	if reviewDays == 0 {
		reviewDays = 90
	}
	c.Normalize()
	if err := c.Validate(); err != nil {
		return plan.Plan{}, err
	}
	if reviewDays < 7 || reviewDays > 366 {
		return plan.Plan{}, account.Invalid("review_days", "must be 7 to 366 days")
	}
	raw, err := contentJSON(c)
	if err != nil {
		return plan.Plan{}, err
	}
	var p plan.Plan
	err = db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("account_id", "accounts", sc.OrgID, &accountID); err != nil {
			return err
		}
		if err := tx.checkVisions(sc.OrgID, accountID, &c); err != nil {
			return err
		}
		var id, vid int64
		if err := tx.QueryRow(`INSERT INTO plans (org_id, account_id, title, status, current_version, review_days, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $7) RETURNING id`, sc.OrgID, accountID, c.Title, string(plan.Draft), reviewDays, sc.UserID, ms(tx.now)).Scan(&id); err != nil {
			return err
		}
		if err := tx.QueryRow(`INSERT INTO plan_versions (org_id, plan_id, n, status, content, created_by, created_at, updated_at)
			VALUES ($1, $2, 1, $3, $4, $5, $6, $6) RETURNING id`, sc.OrgID, id, string(plan.Draft), raw, sc.UserID, ms(tx.now)).Scan(&vid); err != nil {
			return err
		}
		if err := tx.linkVisions(sc.OrgID, vid, &c); err != nil {
			return err
		}
		if p, err = tx.plan(sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "create", "plan", id, accountID, nil, &struct {
			Title   string       `json:"title"`
			Content plan.Content `json:"content"`
		}{c.Title, c})
	})
	return p, err
}

// SavePlanContent replaces the document of version n, which must still be
// editable (a draft or a revision not yet shared).
func (db *DB) SavePlanContent(ctx context.Context, sc account.Scope, planID int64, n int, c plan.Content, note string) (plan.Version, error) {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return plan.Version{}, err
	}
	note = strings.TrimSpace(note)
	if len(note) > 4000 {
		return plan.Version{}, account.Invalid("note", "must be at most 4000 characters")
	}
	raw, err := contentJSON(c)
	if err != nil {
		return plan.Version{}, err
	}
	var v plan.Version
	err = db.write(ctx, func(tx *Tx) error {
		p, err := tx.plan(sc.OrgID, planID)
		if err != nil {
			return err
		}
		old, err := tx.version(sc.OrgID, planID, n)
		if err != nil {
			return err
		}
		if !old.Status.Editable() {
			return account.Errorf(account.ECONFLICT, "Version %d is %s: a version shown to the client never changes. Draft a new version instead.", n, old.Status.Words())
		}
		if err := tx.checkVisions(sc.OrgID, p.AccountID, &c); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE plan_versions SET content = $1, note = $2, updated_at = $3 WHERE org_id = $4 AND id = $5`,
			raw, note, ms(tx.now), sc.OrgID, old.ID); err != nil {
			return err
		}
		if err := tx.linkVisions(sc.OrgID, old.ID, &c); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE plans SET title = $1, updated_at = $2 WHERE org_id = $3 AND id = $4`, c.Title, ms(tx.now), sc.OrgID, planID); err != nil {
			return err
		}
		if v, err = tx.version(sc.OrgID, planID, n); err != nil {
			return err
		}
		return tx.audit(sc, "update", "plan_version", old.ID, p.AccountID, &old, &v)
	})
	return v, err
}

// RevisePlan drafts the next version from the current one, which it
// supersedes: the new version starts as "revised", a copy to edit in answer
// to the client's feedback or to changed circumstances.
func (db *DB) RevisePlan(ctx context.Context, sc account.Scope, planID int64, note string) (plan.Version, error) {
	var v plan.Version
	err := db.write(ctx, func(tx *Tx) error {
		p, err := tx.plan(sc.OrgID, planID)
		if err != nil {
			return err
		}
		cur, err := tx.version(sc.OrgID, planID, p.CurrentVersion)
		if err != nil {
			return err
		}
		if !cur.Status.CanRevise() {
			return account.Errorf(account.ECONFLICT, "Version %d is still %s: edit it rather than drafting another.", cur.N, cur.Status.Words())
		}
		raw, err := contentJSON(cur.Content)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE plan_versions SET status = $1, updated_at = $2 WHERE org_id = $3 AND id = $4`,
			string(plan.Superseded), ms(tx.now), sc.OrgID, cur.ID); err != nil {
			return err
		}
		// Links to the superseded version stop working: the client is sent
		// the new version when it is ready.
		if _, err := tx.Exec(`UPDATE plan_shares SET revoked_at = $1 WHERE org_id = $2 AND version_id = $3 AND revoked_at = 0`,
			ms(tx.now), sc.OrgID, cur.ID); err != nil {
			return err
		}
		n := cur.N + 1
		var vid int64
		if err := tx.QueryRow(`INSERT INTO plan_versions (org_id, plan_id, n, status, content, note, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, sc.OrgID, planID, n, string(plan.Revised), raw,
			strings.TrimSpace(note), sc.UserID, ms(tx.now)).Scan(&vid); err != nil {
			return err
		}
		if err := tx.linkVisions(sc.OrgID, vid, &cur.Content); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE plans SET status = $1, current_version = $2, updated_at = $3 WHERE org_id = $4 AND id = $5`,
			string(plan.Revised), n, ms(tx.now), sc.OrgID, planID); err != nil {
			return err
		}
		if v, err = tx.version(sc.OrgID, planID, n); err != nil {
			return err
		}
		return tx.audit(sc, "create", "plan_version", vid, p.AccountID, nil, &struct {
			N    int    `json:"n"`
			From int    `json:"from"`
			Note string `json:"note"`
		}{n, cur.N, v.Note})
	})
	return v, err
}

// MovePlanVersion moves the current version n to another status along the
// lifecycle (plan.Move). Becoming active or reviewed schedules the next
// periodic review.
func (db *DB) MovePlanVersion(ctx context.Context, sc account.Scope, planID int64, n int, to plan.Status) (plan.Version, error) {
	var v plan.Version
	err := db.write(ctx, func(tx *Tx) error {
		p, err := tx.plan(sc.OrgID, planID)
		if err != nil {
			return err
		}
		if v, err = tx.moveVersion(sc, p, n, to); err != nil {
			return err
		}
		return nil
	})
	return v, err
}

func (tx *Tx) moveVersion(sc account.Scope, p plan.Plan, n int, to plan.Status) (plan.Version, error) {
	old, err := tx.version(sc.OrgID, p.ID, n)
	if err != nil {
		return old, err
	}
	if n != p.CurrentVersion {
		return old, account.Errorf(account.ECONFLICT, "Version %d is not the current version of this plan.", n)
	}
	if err := plan.Move(old.Status, to); err != nil {
		return old, err
	}
	set := `status = $1, updated_at = $2`
	switch to {
	case plan.Shared:
		set += `, shared_at = $2`
	case plan.Agreed:
		set += `, agreed_at = $2`
	}
	if _, err := tx.Exec(`UPDATE plan_versions SET `+set+` WHERE org_id = $3 AND id = $4`, string(to), ms(tx.now), sc.OrgID, old.ID); err != nil {
		return old, err
	}
	next := p.NextReviewOn.String()
	if to == plan.Active || to == plan.Reviewed {
		next = account.DateOf(tx.now).AddDays(p.ReviewDays).String()
	}
	if _, err := tx.Exec(`UPDATE plans SET status = $1, next_review_on = $2, updated_at = $3 WHERE org_id = $4 AND id = $5`,
		string(to), next, ms(tx.now), sc.OrgID, p.ID); err != nil {
		return old, err
	}
	v, err := tx.version(sc.OrgID, p.ID, n)
	if err != nil {
		return v, err
	}
	type st struct {
		N      int         `json:"n"`
		Status plan.Status `json:"status"`
	}
	return v, tx.audit(sc, "update", "plan_version", old.ID, p.AccountID, &st{n, old.Status}, &st{n, to})
}

// DeletePlan removes a plan with all its versions, links and tracking.
func (db *DB) DeletePlan(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		p, err := tx.plan(sc.OrgID, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM plans WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "plan", id, p.AccountID, &p, nil)
	})
}

// RecordKPIActual records a measurement of a KPI of the plan's current
// version, once the plan is agreed.
func (db *DB) RecordKPIActual(ctx context.Context, sc account.Scope, planID int64, a *plan.KPIActual) error {
	a.KPIKey, a.Note = strings.TrimSpace(a.KPIKey), strings.TrimSpace(a.Note)
	if a.On.IsZero() {
		return account.Invalid("on", "is required")
	}
	if a.Value != a.Value || a.Value > 1e15 || a.Value < -1e15 {
		return account.Invalid("value", "must be a number")
	}
	if len(a.Note) > 4000 {
		return account.Invalid("note", "must be at most 4000 characters")
	}
	return db.write(ctx, func(tx *Tx) error {
		p, err := tx.plan(sc.OrgID, planID)
		if err != nil {
			return err
		}
		v, err := tx.version(sc.OrgID, planID, p.CurrentVersion)
		if err != nil {
			return err
		}
		found := false
		for _, k := range v.Content.KPIs {
			found = found || k.Key == a.KPIKey
		}
		if !found {
			return account.Invalid("kpi_key", "is not a KPI of the current version")
		}
		if !p.Status.Tracked() && !hasAgreedVersion(tx, sc.OrgID, planID) {
			return account.Errorf(account.ECONFLICT, "Progress is recorded once the client has agreed the plan.")
		}
		a.PlanID, a.CreatedBy, a.CreatedAt = planID, sc.UserID, tx.now
		if err := tx.QueryRow(`INSERT INTO plan_kpi_actuals (org_id, plan_id, kpi_key, measured_on, value, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, sc.OrgID, planID, a.KPIKey, a.On.String(), a.Value, a.Note,
			sc.UserID, ms(tx.now)).Scan(&a.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE plans SET updated_at = $1 WHERE org_id = $2 AND id = $3`, ms(tx.now), sc.OrgID, planID); err != nil {
			return err
		}
		return tx.audit(sc, "create", "plan_kpi_actual", a.ID, p.AccountID, nil, a)
	})
}

// hasAgreedVersion reports whether any version of the plan was ever agreed:
// a plan being revised after agreement is still tracked.
func hasAgreedVersion(tx *Tx, orgID, planID int64) bool {
	var n int
	_ = tx.QueryRow(`SELECT COUNT(*) FROM plan_versions WHERE org_id = $1 AND plan_id = $2 AND agreed_at <> 0`, orgID, planID).Scan(&n)
	return n > 0
}

// DeleteKPIActual removes a measurement recorded by mistake.
func (db *DB) DeleteKPIActual(ctx context.Context, sc account.Scope, planID, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		p, err := tx.plan(sc.OrgID, planID)
		if err != nil {
			return err
		}
		acts, err := tx.kpiActuals(sc.OrgID, planID)
		if err != nil {
			return err
		}
		for _, a := range acts {
			if a.ID == id {
				if _, err := tx.Exec(`DELETE FROM plan_kpi_actuals WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
					return err
				}
				return tx.audit(sc, "delete", "plan_kpi_actual", id, p.AccountID, &a, nil)
			}
		}
		return account.Errorf(account.ENOTFOUND, "Measurement %d not found.", id)
	})
}

// KPIActuals lists a plan's measurements, oldest first.
func (db *DB) KPIActuals(ctx context.Context, sc account.Scope, planID int64) ([]plan.KPIActual, error) {
	var out []plan.KPIActual
	err := db.read(ctx, func(tx *Tx) (err error) {
		if _, err := tx.plan(sc.OrgID, planID); err != nil {
			return err
		}
		out, err = tx.kpiActuals(sc.OrgID, planID)
		return err
	})
	return out, err
}

func (tx *Tx) kpiActuals(orgID, planID int64) ([]plan.KPIActual, error) {
	rows, err := tx.Query(`SELECT id, kpi_key, measured_on, value, note, created_by, created_at FROM plan_kpi_actuals
		WHERE org_id = $1 AND plan_id = $2 ORDER BY measured_on, id`, orgID, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []plan.KPIActual
	for rows.Next() {
		a := plan.KPIActual{PlanID: planID}
		var on string
		var created int64
		if err := rows.Scan(&a.ID, &a.KPIKey, &on, &a.Value, &a.Note, &a.CreatedBy, &created); err != nil {
			return nil, err
		}
		a.On, a.CreatedAt = parseDate(on), fromMS(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetInitiativeStatus records how an initiative of the current version is
// going.
func (db *DB) SetInitiativeStatus(ctx context.Context, sc account.Scope, planID int64, u *plan.InitiativeUpdate) error {
	u.Note = strings.TrimSpace(u.Note)
	valid := false
	for _, s := range plan.InitiativeStatuses {
		valid = valid || s == u.Status
	}
	if !valid {
		return account.Invalid("status", "must be one of not_started, on_track, at_risk, off_track, done")
	}
	if len(u.Note) > 4000 {
		return account.Invalid("note", "must be at most 4000 characters")
	}
	return db.write(ctx, func(tx *Tx) error {
		p, err := tx.plan(sc.OrgID, planID)
		if err != nil {
			return err
		}
		v, err := tx.version(sc.OrgID, planID, p.CurrentVersion)
		if err != nil {
			return err
		}
		found := false
		for _, in := range v.Content.Initiatives {
			found = found || in.Key == u.Key
		}
		if !found {
			return account.Invalid("key", "is not an initiative of the current version")
		}
		olds, err := tx.initiativeUpdates(sc.OrgID, planID)
		if err != nil {
			return err
		}
		var old *plan.InitiativeUpdate
		if o, ok := olds[u.Key]; ok {
			old = &o
		}
		u.UpdatedAt = tx.now
		if _, err := tx.Exec(`INSERT INTO plan_initiative_status (org_id, plan_id, initiative_key, status, note, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, plan_id, initiative_key) DO UPDATE SET
			status = excluded.status, note = excluded.note, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			sc.OrgID, planID, u.Key, string(u.Status), u.Note, sc.UserID, ms(tx.now)); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE plans SET updated_at = $1 WHERE org_id = $2 AND id = $3`, ms(tx.now), sc.OrgID, planID); err != nil {
			return err
		}
		action := "create"
		if old != nil {
			action = "update"
		}
		return tx.audit(sc, action, "plan_initiative", planID, p.AccountID, old, u)
	})
}

func (tx *Tx) initiativeUpdates(orgID, planID int64) (map[string]plan.InitiativeUpdate, error) {
	rows, err := tx.Query(`SELECT initiative_key, status, note, updated_at FROM plan_initiative_status WHERE org_id = $1 AND plan_id = $2`, orgID, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]plan.InitiativeUpdate{}
	for rows.Next() {
		var u plan.InitiativeUpdate
		var at int64
		if err := rows.Scan(&u.Key, &u.Status, &u.Note, &at); err != nil {
			return nil, err
		}
		u.UpdatedAt = fromMS(at)
		out[u.Key] = u
	}
	return out, rows.Err()
}

// AddPlanAdjustment records why the plan was adjusted.
func (db *DB) AddPlanAdjustment(ctx context.Context, sc account.Scope, planID int64, a *plan.Adjustment) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		p, err := tx.plan(sc.OrgID, planID)
		if err != nil {
			return err
		}
		a.PlanID, a.VersionN, a.CreatedBy, a.CreatedAt = planID, p.CurrentVersion, sc.UserID, tx.now
		if err := tx.QueryRow(`INSERT INTO plan_adjustments (org_id, plan_id, version_n, reason, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, sc.OrgID, planID, a.VersionN, string(a.Reason), a.Note, sc.UserID, ms(tx.now)).Scan(&a.ID); err != nil {
			return err
		}
		return tx.audit(sc, "create", "plan_adjustment", a.ID, p.AccountID, nil, a)
	})
}

func (tx *Tx) adjustments(orgID, planID int64) ([]plan.Adjustment, error) {
	rows, err := tx.Query(`SELECT id, version_n, reason, note, created_by, created_at FROM plan_adjustments
		WHERE org_id = $1 AND plan_id = $2 ORDER BY created_at DESC, id DESC`, orgID, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []plan.Adjustment
	for rows.Next() {
		a := plan.Adjustment{PlanID: planID}
		var at int64
		if err := rows.Scan(&a.ID, &a.VersionN, &a.Reason, &a.Note, &a.CreatedBy, &at); err != nil {
			return nil, err
		}
		a.CreatedAt = fromMS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// PlanOverview is everything the plan page shows, read in one transaction.
type PlanOverview struct {
	Plan        plan.Plan
	Versions    []plan.Version // oldest first
	Shares      []plan.Share
	Comments    []plan.Comment
	SignOffs    []plan.SignOff
	Actuals     []plan.KPIActual
	Updates     map[string]plan.InitiativeUpdate
	Adjustments []plan.Adjustment
}

// Current is the plan's current version.
func (o PlanOverview) Current() plan.Version {
	for _, v := range o.Versions {
		if v.N == o.Plan.CurrentVersion {
			return v
		}
	}
	return plan.Version{}
}

// PlanOverview loads a plan with its versions, links, feedback and tracking.
func (db *DB) PlanOverview(ctx context.Context, sc account.Scope, planID int64) (PlanOverview, error) {
	var o PlanOverview
	err := db.read(ctx, func(tx *Tx) (err error) {
		if o.Plan, err = tx.plan(sc.OrgID, planID); err != nil {
			return err
		}
		if o.Versions, err = tx.versions(sc.OrgID, planID); err != nil {
			return err
		}
		if o.Shares, err = tx.shares(sc.OrgID, planID); err != nil {
			return err
		}
		if o.Comments, err = tx.comments(sc.OrgID, planID); err != nil {
			return err
		}
		if o.SignOffs, err = tx.signOffs(sc.OrgID, planID); err != nil {
			return err
		}
		if o.Actuals, err = tx.kpiActuals(sc.OrgID, planID); err != nil {
			return err
		}
		if o.Updates, err = tx.initiativeUpdates(sc.OrgID, planID); err != nil {
			return err
		}
		o.Adjustments, err = tx.adjustments(sc.OrgID, planID)
		return err
	})
	return o, err
}

// PlanReview is a periodic plan review falling due.
type PlanReview struct {
	PlanID      int64        `json:"plan_id"`
	AccountID   int64        `json:"account_id"`
	AccountName string       `json:"account_name"`
	Title       string       `json:"title"`
	Status      plan.Status  `json:"status"`
	DueOn       account.Date `json:"due_on"`
}

// PlanReviewsDue lists the periodic reviews of active (or reviewed) plans
// due on or before through, for the accounts person owns or is on the team
// of, the earliest first. A review is done by moving the plan's current
// version to "reviewed", which schedules the next one review_days later.
func (db *DB) PlanReviewsDue(ctx context.Context, sc account.Scope, person int64, through account.Date) ([]PlanReview, error) {
	var out []PlanReview
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT p.id, p.account_id, a.name, p.title, p.status, p.next_review_on`+planFrom+`
			WHERE p.org_id = $1 AND p.status IN ('active', 'reviewed') AND p.next_review_on <> '' AND p.next_review_on <= $2
			AND (a.owner_id = $3 OR p.account_id IN (SELECT account_id FROM account_team WHERE org_id = $1 AND person_id = $3))
			ORDER BY p.next_review_on, p.id LIMIT 200`, sc.OrgID, through.String(), person)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r PlanReview
			var due string
			if err := rows.Scan(&r.PlanID, &r.AccountID, &r.AccountName, &r.Title, &r.Status, &due); err != nil {
				return err
			}
			r.DueOn = parseDate(due)
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}
