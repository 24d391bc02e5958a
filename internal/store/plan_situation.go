package store

import (
	"context"

	"github.com/samwise-sam/samwise/internal/account"
)

// PlanSituation is a plan's situation section, drawn live from the account's
// records every time the plan is shown: never retyped, never stale.
type PlanSituation struct {
	Account       account.Account
	Contracts     []account.Contract    // active and pending
	Opportunities []account.Opportunity // open
	Stakeholders  []account.Stakeholder // active, by level
	ARR           map[string]int64      // active contract value per year, by currency
	Pipeline      map[string]int64      // open opportunity amounts, by currency
	// From what the team knows of the client (intel): empty until recorded.
	Profile  string
	Vision   []SituationVision
	Needs    []SituationNeed
	Covered  int // active stakeholders someone on our side knows at least moderately
	Coverage int // active stakeholders in the relationship matrix's reach (all active)
}

// SituationVision is one current client vision item.
type SituationVision struct {
	ID           int64        `json:"id"`
	HorizonYears int          `json:"horizon_years"`
	Text         string       `json:"text"`
	TargetDate   account.Date `json:"target_date"`
}

// SituationNeed is one open need of the client.
type SituationNeed struct {
	Text     string `json:"text"`
	Horizon  string `json:"horizon"`
	Priority string `json:"priority"`
}

// situationRows bounds each list of the situation.
const situationRows = 50

// PlanSituation reads an account's situation in one transaction, a bounded
// number of queries.
func (db *DB) PlanSituation(ctx context.Context, sc account.Scope, accountID int64) (PlanSituation, error) {
	var s PlanSituation
	err := db.read(ctx, func(tx *Tx) error {
		var err error
		if s.Account, err = tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		s.ARR, s.Pipeline = map[string]int64{}, map[string]int64{}
		if s.Contracts, err = scanAll(tx, scanContract, `SELECT `+contractCols+` FROM contracts WHERE org_id = $1 AND account_id = $2 AND status IN ('active', 'pending')
			ORDER BY annual_value DESC, id LIMIT $3`, sc.OrgID, accountID, situationRows); err != nil {
			return err
		}
		for _, c := range s.Contracts {
			if c.Status == account.ContractActive {
				s.ARR[c.Currency] += c.AnnualValue
			}
		}
		if s.Opportunities, err = scanAll(tx, scanOpportunity, `SELECT `+opportunityCols+` FROM opportunities WHERE org_id = $1 AND account_id = $2 AND stage NOT IN ('won', 'lost')
			ORDER BY amount DESC, id LIMIT $3`, sc.OrgID, accountID, situationRows); err != nil {
			return err
		}
		for _, o := range s.Opportunities {
			s.Pipeline[o.Currency] += o.Amount
		}
		if s.Stakeholders, err = scanAll(tx, scanStakeholder, `SELECT `+stakeholderCols+` FROM stakeholders WHERE org_id = $1 AND account_id = $2 AND active = $3
			ORDER BY CASE level WHEN 'executive' THEN 0 WHEN 'senior_management' THEN 1 WHEN 'middle_management' THEN 2 ELSE 3 END, name, id LIMIT $4`,
			sc.OrgID, accountID, true, situationRows); err != nil {
			return err
		}
		return tx.situationIntel(sc.OrgID, accountID, &s)
	})
	return s, err
}

// situationIntel reads the intel tables (migration 00008): the profile
// summary, current vision items, open needs and relationship coverage.
func (tx *Tx) situationIntel(orgID, accountID int64, s *PlanSituation) error {
	err := tx.QueryRow(`SELECT summary FROM account_profiles WHERE org_id = $1 AND account_id = $2`, orgID, accountID).Scan(&s.Profile)
	if err != nil && !isNoRows(err) {
		return err
	}
	rows, err := tx.Query(`SELECT id, horizon_years, text, target_date FROM vision_items WHERE org_id = $1 AND account_id = $2 AND superseded_at = 0
		ORDER BY horizon_years, id LIMIT $3`, orgID, accountID, situationRows)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v SituationVision
		var target string
		if err := rows.Scan(&v.ID, &v.HorizonYears, &v.Text, &target); err != nil {
			rows.Close()
			return err
		}
		v.TargetDate = parseDate(target)
		s.Vision = append(s.Vision, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = tx.Query(`SELECT text, horizon, priority FROM needs WHERE org_id = $1 AND account_id = $2 AND status = 'open'
		ORDER BY CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, id LIMIT $3`, orgID, accountID, situationRows)
	if err != nil {
		return err
	}
	for rows.Next() {
		var n SituationNeed
		if err := rows.Scan(&n.Text, &n.Horizon, &n.Priority); err != nil {
			rows.Close()
			return err
		}
		s.Needs = append(s.Needs, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return tx.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT r.stakeholder_id) FROM stakeholders st
		LEFT JOIN relationships r ON r.org_id = st.org_id AND r.stakeholder_id = st.id AND r.strength IN ('moderate', 'strong')
		WHERE st.org_id = $1 AND st.account_id = $2 AND st.active = $3`, orgID, accountID, true).Scan(&s.Coverage, &s.Covered)
}
