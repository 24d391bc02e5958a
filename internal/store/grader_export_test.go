package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/staffing"
)

// The grader as it read its inputs before the reads were packed (one row
// per active stakeholder joined to its check-in, into maps), kept for the
// equivalence test (grader_equiv_test.go): the new reads must grade every
// account the same.

// GradesBefore is Grades over GraderInputsBefore.
func (db *DB) GradesBefore(ctx context.Context, sc account.Scope, gs GraderScope, today account.Date) ([]measure.Grade, []measure.GraderInput, error) {
	ins, err := db.GraderInputsBefore(ctx, sc, gs, today)
	if err != nil {
		return nil, nil, err
	}
	out := make([]measure.Grade, len(ins))
	for i, in := range ins {
		out[i] = measure.GradeAccount(in)
	}
	return out, ins, nil
}

// GraderInputsBefore gathers what the ten checks read for every account that is
// not a former customer (one with AccountID), by account name. The whole
// organisation is read in a fixed number of queries: staffing (00004),
// cadence (00005), reviews (00007), the relationship matrix, roadmap and
// vision (00008) and survey answers (00012).
func (db *DB) GraderInputsBefore(ctx context.Context, sc account.Scope, gs GraderScope, today account.Date) ([]measure.GraderInput, error) {
	st, err := db.Staffing(ctx, sc)
	if err != nil {
		return nil, err
	}
	w := staffing.Compute(st.Settings, st.Managers, st.Accounts)
	exempt := map[int64]string{}
	for _, a := range w.Exempt {
		exempt[a.ID] = a.ExemptReason
	}
	year := strconv.Itoa(today.Year)
	quarter := staffing.QuarterOf(today).Key
	var out []measure.GraderInput
	err = db.read(ctx, func(tx *Tx) error {
		var visible map[int64]int64
		if gs.VisibleTo != 0 {
			if visible, err = tx.int64s(`SELECT id, id FROM accounts WHERE org_id = $1 AND owner_id = $2
				UNION SELECT account_id, account_id FROM account_team WHERE org_id = $1 AND person_id = $2`, sc.OrgID, gs.VisibleTo); err != nil {
				return err
			}
		}
		names := map[int64]string{}
		for _, a := range st.Accounts {
			if (gs.AccountID == 0 || a.ID == gs.AccountID) && (visible == nil || visible[a.ID] != 0) {
				names[a.ID] = a.Name
			}
		}
		if gs.AccountID != 0 && len(names) == 0 {
			ok, err := tx.exists("accounts", sc.OrgID, gs.AccountID)
			if err != nil {
				return err
			}
			if !ok {
				return account.Errorf(account.ENOTFOUND, "There is no such account.")
			}
			// A former customer: graded all the same when asked for by id.
			var a staffing.Account
			var owner sql.NullInt64
			if err := tx.QueryRow(`SELECT id, name, owner_id FROM accounts WHERE org_id = $1 AND id = $2`, sc.OrgID, gs.AccountID).
				Scan(&a.ID, &a.Name, &owner); err != nil {
				return err
			}
			a.OwnerID = owner.Int64
			tiers, err := tx.computedTiersEffective(sc.OrgID, a.ID)
			if err != nil {
				return err
			}
			a.Tier = tiers
			st.Accounts = append(st.Accounts, a)
			names[a.ID] = a.Name
		}
		var policies int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM cadence_policies WHERE org_id = $1`, sc.OrgID).Scan(&policies); err != nil {
			return err
		}
		settings, err := tx.cadenceSettings(sc.OrgID)
		if err != nil {
			return err
		}
		agreed, err := tx.int64s(`SELECT account_id, COUNT(*) FROM cadence_agreements WHERE org_id = $1 GROUP BY account_id`, sc.OrgID)
		if err != nil {
			return err
		}
		goals := map[int64]map[string][3]int64{}
		if err := tx.each(`SELECT person_id, period, revenue, retention, touches FROM manager_goals WHERE org_id = $1 AND period IN ($2, $3)`,
			[]any{sc.OrgID, year, quarter}, func(r *sql.Rows) error {
				var p int64
				var period string
				var g [3]int64
				if err := r.Scan(&p, &period, &g[0], &g[1], &g[2]); err != nil {
					return err
				}
				if goals[p] == nil {
					goals[p] = map[string][3]int64{}
				}
				goals[p][period] = g
				return nil
			}); err != nil {
			return err
		}
		// Stakeholders' levels; known levels from touches within a year
		// (cadence_checkins) and from the relationship matrix.
		type sh struct {
			account int64
			level   string
		}
		stakeholders := map[int64]sh{}
		levels := map[int64][]string{}
		known := map[int64][]string{}
		since := ms(today.Time().AddDate(-1, 0, 0))
		if err := tx.each(`SELECT s.id, s.account_id, s.level, COALESCE(c.last_at, 0) FROM `+tx.fullScan("stakeholders s")+`
			LEFT JOIN cadence_checkins c ON c.org_id = s.org_id AND c.stakeholder_id = s.id
			WHERE s.org_id = $1 AND s.active = $2`, []any{sc.OrgID, true}, func(r *sql.Rows) error {
			var id, acct, last int64
			var level string
			if err := r.Scan(&id, &acct, &level, &last); err != nil {
				return err
			}
			stakeholders[id] = sh{acct, level}
			levels[acct] = append(levels[acct], level)
			if last >= since {
				known[acct] = append(known[acct], level)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := tx.each(`SELECT DISTINCT stakeholder_id FROM relationships WHERE org_id = $1 AND strength <> 'none'`, []any{sc.OrgID},
			func(r *sql.Rows) error {
				var id int64
				if err := r.Scan(&id); err != nil {
					return err
				}
				if s, ok := stakeholders[id]; ok {
					known[s.account] = append(known[s.account], s.level)
				}
				return nil
			}); err != nil {
			return err
		}
		held, next, err := tx.reviewDaysBefore(sc.OrgID, today)
		if err != nil {
			return err
		}
		roadmap, err := tx.int64s(`SELECT account_id, COUNT(*) FROM roadmap_items WHERE org_id = $1 AND state <> 'not_relevant' GROUP BY account_id`, sc.OrgID)
		if err != nil {
			return err
		}
		horizons := map[int64][]int{}
		if err := tx.each(`SELECT DISTINCT account_id, horizon_years FROM vision_items WHERE org_id = $1 AND superseded_at = 0`, []any{sc.OrgID},
			func(r *sql.Rows) error {
				var acct int64
				var h int
				err := r.Scan(&acct, &h)
				horizons[acct] = append(horizons[acct], h)
				return err
			}); err != nil {
			return err
		}
		nps, err := tx.lastKeyContactAnswers(sc.OrgID)
		if err != nil {
			return err
		}
		for _, a := range st.Accounts {
			if _, ok := names[a.ID]; !ok {
				continue
			}
			in := measure.GraderInput{AccountID: a.ID, AccountName: a.Name, Today: today, OwnerID: a.OwnerID,
				CurrentYear: year, CurrentQuarter: quarter, Tier: string(a.Tier), TierPlan: policies > 0,
				Agreed: agreed[a.ID] > 0, ActiveStakeholders: len(levels[a.ID]),
				Levels: levels[a.ID], KnownLevels: known[a.ID], RoadmapItems: int(roadmap[a.ID]), VisionHorizons: horizons[a.ID]}
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
				if g, ok := goals[a.OwnerID][p]; ok {
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
				if d := settings.CheckIn[tier][l]; d > 0 && (in.CheckInDays == 0 || d < in.CheckInDays) {
					in.CheckInDays = d
				}
			}
			in.ReviewDays = settings.Review[tier]
			in.LastReviewHeld, in.NextReviewDue = held[a.ID], next[a.ID]
			if t, ok := nps[a.ID]; ok {
				in.LastKeyNPS = account.DateOf(t)
			}
			out = append(out, in)
		}
		return nil
	})
	sortInputs(out)
	return out, err
}

// reviewDaysBefore returns, per account, the day of the last business review held
// and of the next one scheduled (today or later). Held reviews come from the
// reviews table and from business-review touches; scheduled ones from the
// reviews table.
func (tx *Tx) reviewDaysBefore(orgID int64, today account.Date) (held, next map[int64]account.Date, err error) {
	held, next = map[int64]account.Date{}, map[int64]account.Date{}
	// touches_reviews (00017) holds just these rows, in account order.
	touches, err := tx.int64s(`SELECT account_id, MAX(occurred_at) FROM touches
		WHERE org_id = $1 AND kind = 'business_review' GROUP BY account_id`, orgID)
	if err != nil {
		return nil, nil, err
	}
	for id, at := range touches {
		held[id] = account.DateOf(time.UnixMilli(at).UTC())
	}
	err = tx.each(`SELECT account_id, MAX(held_on) FROM reviews WHERE org_id = $1 AND status = 'held' AND held_on <> '' GROUP BY account_id`, []any{orgID},
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
	err = tx.each(`SELECT account_id, MIN(scheduled_on) FROM reviews WHERE org_id = $1 AND held_on = '' AND status = 'scheduled'
		AND scheduled_on >= $2 GROUP BY account_id`, []any{orgID, today.String()},
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

func sortInputs(ins []measure.GraderInput) {
	slices.SortFunc(ins, func(a, b measure.GraderInput) int {
		return cmp.Or(cmp.Compare(a.AccountName, b.AccountName), cmp.Compare(a.AccountID, b.AccountID))
	})
}
