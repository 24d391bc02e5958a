package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/plan"
)

// PlanRow is one plan of the portfolio list with what its health needs: the
// current version's document, its KPI actuals and tracked initiative
// statuses.
type PlanRow struct {
	Plan      plan.Plan
	Content   plan.Content
	Actuals   []plan.KPIActual
	Updates   map[string]plan.InitiativeUpdate
	Comments  int // the client's comments on the current version
	SignedOff bool
}

// PlanPortfolio lists the plans (at most MaxPlans) with their current
// documents and tracking, in three queries whatever the number of plans.
func (db *DB) PlanPortfolio(ctx context.Context, sc account.Scope, f PlanFilter) ([]PlanRow, error) {
	var out []PlanRow
	err := db.read(ctx, func(tx *Tx) error {
		q := `SELECT ` + planCols + `, v.content,
			(SELECT COUNT(*) FROM plan_comments c WHERE c.org_id = v.org_id AND c.version_id = v.id AND c.from_client = 1),
			(SELECT COUNT(*) FROM plan_signoffs s WHERE s.org_id = v.org_id AND s.version_id = v.id)` + planFrom + `
			JOIN plan_versions v ON v.org_id = p.org_id AND v.plan_id = p.id AND v.n = p.current_version
			WHERE p.org_id = $1`
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
		q += fmt.Sprintf(" ORDER BY a.name, p.id LIMIT %d", MaxPlans)
		rows, err := tx.Query(q, args...)
		if err != nil {
			return err
		}
		index := map[int64]int{}
		for rows.Next() {
			var r PlanRow
			var raw string
			var signed int
			p := &r.Plan
			var next string
			var created, updated int64
			if err := rows.Scan(&p.ID, &p.AccountID, &p.AccountName, &p.Title, &p.Status, &p.CurrentVersion, &p.ReviewDays, &next,
				&p.CreatedBy, &created, &updated, &raw, &r.Comments, &signed); err != nil {
				rows.Close()
				return err
			}
			p.NextReviewOn, p.CreatedAt, p.UpdatedAt = parseDate(next), fromMS(created), fromMS(updated)
			if err := json.Unmarshal([]byte(raw), &r.Content); err != nil {
				rows.Close()
				return fmt.Errorf("read plan %d: %w", p.ID, err)
			}
			r.SignedOff = signed > 0
			r.Updates = map[string]plan.InitiativeUpdate{}
			index[p.ID] = len(out)
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		rows, err = tx.Query(`SELECT plan_id, kpi_key, measured_on, value FROM plan_kpi_actuals WHERE org_id = $1 ORDER BY measured_on, id`, sc.OrgID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var a plan.KPIActual
			var on string
			if err := rows.Scan(&a.PlanID, &a.KPIKey, &on, &a.Value); err != nil {
				rows.Close()
				return err
			}
			a.On = parseDate(on)
			if i, ok := index[a.PlanID]; ok {
				out[i].Actuals = append(out[i].Actuals, a)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(`SELECT plan_id, initiative_key, status FROM plan_initiative_status WHERE org_id = $1`, sc.OrgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var u plan.InitiativeUpdate
			if err := rows.Scan(&id, &u.Key, &u.Status); err != nil {
				return err
			}
			if i, ok := index[id]; ok {
				out[i].Updates[u.Key] = u
			}
		}
		return rows.Err()
	})
	return out, err
}
