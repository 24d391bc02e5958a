package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
)

// SAM self-assessment rounds and answers (00012_measures.sql; rules in
// package measure).

// Round is an assessment round with its results.
type Round struct {
	ID        int64           `json:"id"`
	Name      string          `json:"name"`
	Status    string          `json:"status"` // open, closed
	CreatedAt time.Time       `json:"created_at"`
	ClosedAt  time.Time       `json:"closed_at"`
	Results   measure.Results `json:"results"`
}

// CreateRound opens a new assessment round.
func (db *DB) CreateRound(ctx context.Context, sc account.Scope, name string) (Round, error) {
	r := Round{Name: strings.TrimSpace(name), Status: "open"}
	if r.Name == "" {
		return r, account.Invalid("name", "is required")
	}
	if len(r.Name) > 200 {
		return r, account.Invalid("name", "must be at most 200 characters")
	}
	err := db.write(ctx, func(tx *Tx) error {
		r.CreatedAt = tx.now
		if err := tx.QueryRow(`INSERT INTO assessment_rounds (org_id, name, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			sc.OrgID, r.Name, sc.UserID, ms(tx.now)).Scan(&r.ID); err != nil {
			return err
		}
		return tx.auditRaw(sc, "create", "assessment_round", r.ID, 0, map[string]Change{"name": {New: r.Name}})
	})
	r.Results = measure.SummariseRatings(nil)
	return r, err
}

// CloseRound closes a round: no more answers.
func (db *DB) CloseRound(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		var status string
		err := tx.QueryRow(`SELECT status FROM assessment_rounds WHERE org_id = $1 AND id = $2`, sc.OrgID, id).Scan(&status)
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "There is no such assessment round.")
		}
		if err != nil || status == "closed" {
			return err
		}
		if _, err := tx.Exec(`UPDATE assessment_rounds SET status = 'closed', closed_at = $1 WHERE org_id = $2 AND id = $3`,
			ms(tx.now), sc.OrgID, id); err != nil {
			return err
		}
		return tx.auditRaw(sc, "close", "assessment_round", id, 0, map[string]Change{"status": {Old: "open", New: "closed"}})
	})
}

// Rounds lists the rounds with their results, oldest first (the order of
// the history chart).
func (db *DB) Rounds(ctx context.Context, sc account.Scope) ([]Round, error) {
	out := []Round{}
	err := db.read(ctx, func(tx *Tx) error {
		idx := map[int64]int{}
		if err := tx.each(`SELECT id, name, status, created_at, closed_at FROM assessment_rounds WHERE org_id = $1 ORDER BY created_at, id`,
			[]any{sc.OrgID}, func(r *sql.Rows) error {
				var x Round
				var created, closed int64
				if err := r.Scan(&x.ID, &x.Name, &x.Status, &created, &closed); err != nil {
					return err
				}
				x.CreatedAt, x.ClosedAt = fromMS(created), fromMS(closed)
				idx[x.ID] = len(out)
				out = append(out, x)
				return nil
			}); err != nil {
			return err
		}
		ratings := map[int64][][]int{}
		if err := tx.each(`SELECT round_id, ratings FROM assessment_responses WHERE org_id = $1`, []any{sc.OrgID}, func(r *sql.Rows) error {
			var id int64
			var raw string
			if err := r.Scan(&id, &raw); err != nil {
				return err
			}
			ratings[id] = append(ratings[id], unpackAssessment(raw))
			return nil
		}); err != nil {
			return err
		}
		for id, i := range idx {
			out[i].Results = measure.SummariseRatings(ratings[id])
		}
		return nil
	})
	return out, err
}

// Round returns one round with its results.
func (db *DB) Round(ctx context.Context, sc account.Scope, id int64) (Round, error) {
	rs, err := db.Rounds(ctx, sc)
	if err != nil {
		return Round{}, err
	}
	for _, r := range rs {
		if r.ID == id {
			return r, nil
		}
	}
	return Round{}, account.Errorf(account.ENOTFOUND, "There is no such assessment round.")
}

func packAssessment(r []int) string {
	s := make([]string, len(r))
	for i, v := range r {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ",")
}

func unpackAssessment(s string) []int {
	parts := strings.Split(s, ",")
	out := make([]int, 0, len(parts))
	for _, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		out = append(out, v)
	}
	return out
}

// AnswerAssessment records the signed-in user's fifteen ratings in an open
// round, replacing their earlier answer in it.
func (db *DB) AnswerAssessment(ctx context.Context, sc account.Scope, roundID int64, ratings []int) error {
	if err := measure.ValidateRatings(ratings); err != nil {
		return err
	}
	if sc.UserID == 0 {
		return account.Errorf(account.EFORBIDDEN, "Only a signed-in person can answer the assessment.")
	}
	return db.write(ctx, func(tx *Tx) error {
		var status string
		err := tx.QueryRow(`SELECT status FROM assessment_rounds WHERE org_id = $1 AND id = $2`, sc.OrgID, roundID).Scan(&status)
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "There is no such assessment round.")
		}
		if err != nil {
			return err
		}
		if status != "open" {
			return account.Errorf(account.ECONFLICT, "The round is closed.")
		}
		var old sql.NullString
		err = tx.QueryRow(`SELECT ratings FROM assessment_responses WHERE org_id = $1 AND round_id = $2 AND user_id = $3`,
			sc.OrgID, roundID, sc.UserID).Scan(&old)
		if err != nil && !isNoRows(err) {
			return err
		}
		packed, total := packAssessment(ratings), measure.Total(ratings)
		var id int64
		if err := tx.QueryRow(`INSERT INTO assessment_responses (org_id, round_id, user_id, ratings, total, answered_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (org_id, round_id, user_id) DO UPDATE SET ratings = excluded.ratings, total = excluded.total, answered_at = excluded.answered_at
			RETURNING id`, sc.OrgID, roundID, sc.UserID, packed, total, ms(tx.now)).Scan(&id); err != nil {
			return err
		}
		action := "create"
		var o any
		if old.Valid {
			action, o = "update", old.String
		}
		return tx.auditRaw(sc, action, "assessment_response", id, 0, map[string]Change{
			"round_id": {New: roundID}, "ratings": {Old: o, New: packed}, "total": {New: total}})
	})
}

// MyAssessment returns the user's ratings in a round (nil when none).
func (db *DB) MyAssessment(ctx context.Context, sc account.Scope, roundID int64) ([]int, error) {
	var out []int
	err := db.read(ctx, func(tx *Tx) error {
		var raw string
		err := tx.QueryRow(`SELECT ratings FROM assessment_responses WHERE org_id = $1 AND round_id = $2 AND user_id = $3`,
			sc.OrgID, roundID, sc.UserID).Scan(&raw)
		if isNoRows(err) {
			return nil
		}
		out = unpackAssessment(raw)
		return err
	})
	return out, err
}
