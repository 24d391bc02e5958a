package store

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

// Business reviews (migration 00007). The rules — states, recurrence, the
// report's period — live in internal/cadence (review*.go).

const reviewCols = `id, account_id, kind, scheduled_on, held_on, status, agenda, outcome, recommendations, created_at, updated_at`

func scanReview(r rowScanner) (cadence.Review, error) {
	var v cadence.Review
	var sched, held string
	var created, updated int64
	err := r.Scan(&v.ID, &v.AccountID, &v.Kind, &sched, &held, &v.Status, &v.Agenda, &v.Outcome, &v.Recommendations, &created, &updated)
	v.ScheduledOn, _ = account.ParseDate(sched)
	if held != "" {
		v.HeldOn, _ = account.ParseDate(held)
	}
	v.CreatedAt, v.UpdatedAt = fromMS(created), fromMS(updated)
	v.PeopleIDs, v.StakeholderIDs = []int64{}, []int64{}
	return v, err
}

func reviewDayText(d account.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// ReviewFilter selects reviews. State "late" is a scheduled review whose day
// is before Today, "upcoming" one on or after it; Person confines the list
// to the accounts a person owns or is on the team of (their reviews, like
// VisibleTo but asked for).
type ReviewFilter struct {
	AccountID int64
	PersonID  int64
	Kind      cadence.ReviewKind
	Status    cadence.ReviewStatus
	State     cadence.ReviewState
	Today     account.Date
	From, To  account.Date // scheduled_on within, inclusive; zero: open
	account.Page
}

// Reviews lists reviews, by scheduled day (ascending) unless sorted
// otherwise ("-scheduled_on", "updated_at").
func (db *DB) Reviews(ctx context.Context, sc account.Scope, f ReviewFilter) ([]cadence.Review, string, error) {
	l := &lister[cadence.Review]{table: "reviews", cols: reviewCols, scan: scanReview, orgID: sc.OrgID,
		id: func(r *cadence.Review) int64 { return r.ID }, def: "scheduled_on",
		sorts: map[string]sortKey[cadence.Review]{
			"scheduled_on": {"scheduled_on", func(r *cadence.Review) any { return r.ScheduledOn.String() }},
			"updated_at":   {"updated_at", func(r *cadence.Review) any { return ms(r.UpdatedAt) }},
		}}
	if f.AccountID != 0 {
		l.where("account_id = ?", f.AccountID)
	}
	if f.Kind != "" {
		l.where("kind = ?", string(f.Kind))
	}
	if f.Status != "" {
		l.where("status = ?", string(f.Status))
	}
	switch f.State {
	case cadence.ReviewLate:
		l.where("status = 'scheduled' AND scheduled_on < ?", f.Today.String())
	case cadence.ReviewUpcoming:
		l.where("status = 'scheduled' AND scheduled_on >= ?", f.Today.String())
	case cadence.ReviewWasHeld:
		l.where("status = 'held'")
	case cadence.ReviewWasCalled:
		l.where("status = 'cancelled'")
	}
	if !f.From.IsZero() {
		l.where("scheduled_on >= ?", f.From.String())
	}
	if !f.To.IsZero() {
		l.where("scheduled_on <= ?", f.To.String())
	}
	l.visibleTo(f.PersonID, "account_id")
	l.visibleTo(f.VisibleTo, "account_id")
	var out []cadence.Review
	var next string
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, next, err = l.run(tx, f.Page)
		if err != nil {
			return err
		}
		return tx.reviewAttendees(sc.OrgID, out)
	})
	return out, next, err
}

// Review returns one review with its attendees.
func (db *DB) Review(ctx context.Context, sc account.Scope, id int64) (cadence.Review, error) {
	var r cadence.Review
	err := db.read(ctx, func(tx *Tx) (err error) {
		r, err = tx.review(sc.OrgID, id)
		return err
	})
	return r, err
}

func (tx *Tx) review(orgID, id int64) (cadence.Review, error) {
	r, err := scanReview(tx.QueryRow(`SELECT `+reviewCols+` FROM reviews WHERE org_id = $1 AND id = $2`, orgID, id))
	if isNoRows(err) {
		return r, account.Errorf(account.ENOTFOUND, "Review %d not found.", id)
	}
	if err != nil {
		return r, err
	}
	rs := []cadence.Review{r}
	err = tx.reviewAttendees(orgID, rs)
	return rs[0], err
}

func (tx *Tx) reviewAttendees(orgID int64, rs []cadence.Review) error {
	if len(rs) == 0 {
		return nil
	}
	ids := make([]int64, len(rs))
	at := make(map[int64]*cadence.Review, len(rs))
	for i := range rs {
		ids[i] = rs[i].ID
		at[rs[i].ID] = &rs[i]
	}
	for _, j := range []struct {
		table, col string
		people     bool
	}{{"review_people", "person_id", true}, {"review_stakeholders", "stakeholder_id", false}} {
		q, args := inList(`SELECT review_id, `+j.col+` FROM `+j.table+` WHERE org_id = $1 AND review_id IN `, orgID, ids)
		rows, err := tx.Query(q+` ORDER BY review_id, `+j.col, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var rid, oid int64
			if err := rows.Scan(&rid, &oid); err != nil {
				rows.Close()
				return err
			}
			if j.people {
				at[rid].PeopleIDs = append(at[rid].PeopleIDs, oid)
			} else {
				at[rid].StakeholderIDs = append(at[rid].StakeholderIDs, oid)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) setReviewAttendees(orgID int64, r *cadence.Review) error {
	if _, err := tx.Exec(`DELETE FROM review_people WHERE org_id = $1 AND review_id = $2`, orgID, r.ID); err != nil {
		return err
	}
	if _, err := tx.Exec(`DELETE FROM review_stakeholders WHERE org_id = $1 AND review_id = $2`, orgID, r.ID); err != nil {
		return err
	}
	for _, pid := range r.PeopleIDs {
		if err := tx.mustExist("people_ids", "people", orgID, &pid); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO review_people (org_id, review_id, person_id) VALUES ($1, $2, $3)`, orgID, r.ID, pid); err != nil {
			return err
		}
	}
	for _, sid := range r.StakeholderIDs {
		var acct int64
		err := tx.QueryRow(`SELECT account_id FROM stakeholders WHERE org_id = $1 AND id = $2`, orgID, sid).Scan(&acct)
		if isNoRows(err) || (err == nil && acct != r.AccountID) {
			return account.Invalid("stakeholder_ids", "lists %d, who is not a stakeholder of this account", sid)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO review_stakeholders (org_id, review_id, stakeholder_id) VALUES ($1, $2, $3)`, orgID, r.ID, sid); err != nil {
			return err
		}
	}
	return nil
}

// reviewToday is the latest calendar day anywhere on Earth at the
// transaction's instant: a review held "today" in the viewer's zone is
// never refused as in the future.
func (tx *Tx) reviewToday() account.Date { return account.DateOf(tx.now.UTC().Add(14 * time.Hour)) }

// CreateReview validates and inserts r with its attendees.
func (db *DB) CreateReview(ctx context.Context, sc account.Scope, r *cadence.Review) error {
	if r.Status == "" {
		r.Status = cadence.ReviewScheduled
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := r.Validate(tx.reviewToday()); err != nil {
			return err
		}
		return tx.insertReview(sc, r)
	})
}

func (tx *Tx) insertReview(sc account.Scope, r *cadence.Review) error {
	if err := tx.mustExist("account_id", "accounts", sc.OrgID, &r.AccountID); err != nil {
		return err
	}
	r.CreatedAt, r.UpdatedAt = tx.now, tx.now
	err := tx.QueryRow(`INSERT INTO reviews (org_id, account_id, kind, scheduled_on, held_on, status, agenda, outcome, recommendations, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
		sc.OrgID, r.AccountID, string(r.Kind), r.ScheduledOn.String(), reviewDayText(r.HeldOn), string(r.Status),
		r.Agenda, r.Outcome, r.Recommendations, ms(tx.now)).Scan(&r.ID)
	if err != nil {
		return err
	}
	if err := tx.setReviewAttendees(sc.OrgID, r); err != nil {
		return err
	}
	return tx.audit(sc, "create", "review", r.ID, r.AccountID, nil, r)
}

// UpdateReview replaces every editable field of review r.ID and its
// attendees (the account stays). When the review becomes held and the
// account has no other review scheduled, the next one is scheduled the
// tier's interval later (cadence.NextReview) and returned.
func (db *DB) UpdateReview(ctx context.Context, sc account.Scope, r *cadence.Review) (*cadence.Review, error) {
	var next *cadence.Review
	err := db.write(ctx, func(tx *Tx) error {
		old, err := tx.review(sc.OrgID, r.ID)
		if err != nil {
			return err
		}
		r.AccountID, r.CreatedAt = old.AccountID, old.CreatedAt
		if err := r.Validate(tx.reviewToday()); err != nil {
			return err
		}
		r.UpdatedAt = tx.now
		if _, err := tx.Exec(`UPDATE reviews SET kind = $1, scheduled_on = $2, held_on = $3, status = $4, agenda = $5, outcome = $6,
			recommendations = $7, updated_at = $8 WHERE org_id = $9 AND id = $10`,
			string(r.Kind), r.ScheduledOn.String(), reviewDayText(r.HeldOn), string(r.Status), r.Agenda, r.Outcome, r.Recommendations,
			ms(tx.now), sc.OrgID, r.ID); err != nil {
			return err
		}
		if err := tx.setReviewAttendees(sc.OrgID, r); err != nil {
			return err
		}
		if err := tx.audit(sc, "update", "review", r.ID, r.AccountID, &old, r); err != nil {
			return err
		}
		if old.Status == cadence.ReviewHeld || r.Status != cadence.ReviewHeld {
			return nil
		}
		var pending int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM reviews WHERE org_id = $1 AND account_id = $2 AND status = 'scheduled' AND id <> $3`,
			sc.OrgID, r.AccountID, r.ID).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return nil
		}
		s, err := tx.cadenceSettings(sc.OrgID)
		if err != nil {
			return err
		}
		tier, err := tx.accountTier(sc.OrgID, r.AccountID)
		if err != nil {
			return err
		}
		n, ok := cadence.NextReview(s, tier, *r)
		if !ok {
			return nil
		}
		if err := tx.insertReview(sc, &n); err != nil {
			return err
		}
		next = &n
		return nil
	})
	return next, err
}

// accountTier is the account's current tier, "" when never tiered.
func (tx *Tx) accountTier(orgID, accountID int64) (portfolio.Tier, error) {
	var t string
	err := tx.QueryRow(`SELECT tier FROM portfolio_accounts WHERE org_id = $1 AND account_id = $2`, orgID, accountID).Scan(&t)
	if isNoRows(err) {
		return "", nil
	}
	return portfolio.Tier(t), err
}

// DeleteReview removes a review.
func (db *DB) DeleteReview(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.review(sc.OrgID, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM reviews WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "review", id, old.AccountID, &old, nil)
	})
}

// PreviousHeldReview is the latest review of the account held before r's
// day (nil when none), for the report's period.
func (db *DB) PreviousHeldReview(ctx context.Context, sc account.Scope, r cadence.Review) (*cadence.Review, error) {
	var out *cadence.Review
	err := db.read(ctx, func(tx *Tx) error {
		p, err := scanReview(tx.QueryRow(`SELECT `+reviewCols+` FROM reviews WHERE org_id = $1 AND account_id = $2 AND status = 'held'
			AND id <> $3 AND held_on < $4 ORDER BY held_on DESC, id DESC LIMIT 1`, sc.OrgID, r.AccountID, r.ID, r.Day().String()))
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		out = &p
		return nil
	})
	return out, err
}

// ReviewReportData is what an Operations Review Report is compiled from,
// for one account and period.
type ReviewReportData struct {
	Touches      []account.Touch
	Stakeholders map[int64]string // names of those present
	Won          []account.Opportunity
	Contracts    []account.Contract
	Deliverables []DeliverableUpdate
}

// DeliverableUpdate is an account-team deliverable and when it was updated.
type DeliverableUpdate struct {
	Role, Title string
	UpdatedOn   account.Date
}

// ReviewReport loads the report's data for the account over [from, to]
// (calendar days in loc): touches in the period, opportunities won in it,
// contracts in force at some point of it, and deliverables brought up to
// date in it. Bounded: at most 500 touches, the most recent.
func (db *DB) ReviewReport(ctx context.Context, sc account.Scope, accountID int64, from, to account.Date, loc *time.Location) (ReviewReportData, error) {
	var d ReviewReportData
	d.Stakeholders = map[int64]string{}
	if loc == nil {
		loc = time.UTC
	}
	start := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, loc)
	end := time.Date(to.Year, to.Month, to.Day, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	err := db.read(ctx, func(tx *Tx) error {
		var err error
		if d.Touches, err = scanAll(tx, scanTouch, `SELECT `+touchCols+` FROM touches WHERE org_id = $1 AND account_id = $2 AND occurred_at >= $3 AND occurred_at < $4
			ORDER BY occurred_at DESC, id DESC LIMIT 500`, sc.OrgID, accountID, ms(start), ms(end)); err != nil {
			return err
		}
		if err := tx.attendees(sc.OrgID, d.Touches); err != nil {
			return err
		}
		if err := tx.each(`SELECT id, name FROM stakeholders WHERE org_id = $1 AND account_id = $2`, []any{sc.OrgID, accountID},
			func(r *sql.Rows) error {
				var id int64
				var name string
				err := r.Scan(&id, &name)
				d.Stakeholders[id] = name
				return err
			}); err != nil {
			return err
		}
		if d.Won, err = scanAll(tx, scanOpportunity, `SELECT `+opportunityCols+` FROM opportunities WHERE org_id = $1 AND account_id = $2 AND stage = 'won'
			AND actual_close >= $3 AND actual_close <= $4 ORDER BY actual_close DESC, id`, sc.OrgID, accountID, from.String(), to.String()); err != nil {
			return err
		}
		d.Contracts, err = scanAll(tx, scanContract, `SELECT `+contractCols+` FROM contracts WHERE org_id = $1 AND account_id = $2 AND status IN ('active', 'expired')
			AND start_date <= $3 AND (end_date = '' OR end_date >= $4) ORDER BY start_date, id`, sc.OrgID, accountID, to.String(), from.String())
		return err
	})
	if err != nil {
		return d, err
	}
	dels, err := db.Deliverables(ctx, sc, accountID)
	if err != nil {
		return d, err
	}
	for _, x := range dels {
		if x.UpdatedOn.IsZero() || x.UpdatedOn.Before(from) || to.Before(x.UpdatedOn) {
			continue
		}
		d.Deliverables = append(d.Deliverables, DeliverableUpdate{Role: x.Role.Label(), Title: x.Title, UpdatedOn: x.UpdatedOn})
	}
	slices.SortFunc(d.Deliverables, func(a, b DeliverableUpdate) int { return -compareDates(a.UpdatedOn, b.UpdatedOn) })
	return d, nil
}

func compareDates(a, b account.Date) int {
	switch {
	case a.Before(b):
		return -1
	case b.Before(a):
		return 1
	}
	return 0
}

// ReviewAccountNames returns the names of the accounts with these ids, for
// lists of reviews: one query however many.
func (db *DB) ReviewAccountNames(ctx context.Context, sc account.Scope, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := db.read(ctx, func(tx *Tx) error {
		q, args := inList(`SELECT id, name FROM accounts WHERE org_id = $1 AND id IN `, sc.OrgID, ids)
		rows, err := tx.Query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			out[id] = name
		}
		return rows.Err()
	})
	return out, err
}

// ReviewAccountOwners returns the owner (account manager) of each account
// of the organisation that has one, for reminders.
func (db *DB) ReviewAccountOwners(ctx context.Context, sc account.Scope) (map[int64]int64, error) {
	out := map[int64]int64{}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT id, owner_id FROM accounts WHERE org_id = $1 AND owner_id IS NOT NULL`, sc.OrgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, owner int64
			if err := rows.Scan(&id, &owner); err != nil {
				return err
			}
			out[id] = owner
		}
		return rows.Err()
	})
	return out, err
}
