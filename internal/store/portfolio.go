package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

// The portfolio: Strategic Score criteria and ratings, tiers, designation.
// The rules live in internal/portfolio; this file loads what they need and
// records what they decide. See migrations/*/00003_portfolio.sql for why an
// account's current ratings are packed into one row.

// AccountTiers returns the current (effective) tier of every account of the
// organisation that has one: the override when set, else the tier of the
// latest recompute. Accounts never tiered are absent from the map.
func (db *DB) AccountTiers(ctx context.Context, sc account.Scope) (map[int64]portfolio.Tier, error) {
	out := map[int64]portfolio.Tier{}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT account_id, tier FROM portfolio_accounts WHERE org_id = $1 AND tier <> ''`, sc.OrgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var t string
			if err := rows.Scan(&id, &t); err != nil {
				return err
			}
			out[id] = portfolio.Tier(t)
		}
		return rows.Err()
	})
	return out, err
}

// ---- Policy ----------------------------------------------------------------

// PortfolioPolicy returns the organisation's tiering policy (the defaults
// until a leader changes it) and when tiers were last recorded for the
// whole portfolio (zero if never).
func (db *DB) PortfolioPolicy(ctx context.Context, sc account.Scope) (p portfolio.Policy, tiersAt time.Time, err error) {
	err = db.read(ctx, func(tx *Tx) error {
		p, tiersAt, err = tx.policy(sc.OrgID)
		return err
	})
	return p, tiersAt, err
}

func (tx *Tx) policy(orgID int64) (portfolio.Policy, time.Time, error) {
	p := portfolio.DefaultPolicy()
	var method string
	var at int64
	err := tx.QueryRow(`SELECT tier_method, pareto_a, pareto_b, score_a, score_b, tiers_at FROM portfolio_policies WHERE org_id = $1`, orgID).
		Scan(&method, &p.Pareto.A, &p.Pareto.B, &p.Score.A, &p.Score.B, &at)
	if isNoRows(err) {
		return portfolio.DefaultPolicy(), time.Time{}, nil
	}
	p.Method = portfolio.Method(method)
	return p, fromMS(at), err
}

// SetPortfolioPolicy changes the tiering policy and records the tiers it
// gives at once (a change of method or threshold re-tiers the portfolio).
func (db *DB) SetPortfolioPolicy(ctx context.Context, sc account.Scope, p portfolio.Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, _, err := tx.policy(sc.OrgID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO portfolio_policies (org_id, tier_method, pareto_a, pareto_b, score_a, score_b, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (org_id) DO UPDATE SET tier_method = excluded.tier_method, pareto_a = excluded.pareto_a,
				pareto_b = excluded.pareto_b, score_a = excluded.score_a, score_b = excluded.score_b,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			sc.OrgID, string(p.Method), p.Pareto.A, p.Pareto.B, p.Score.A, p.Score.B, ms(tx.now), sc.UserID); err != nil {
			return err
		}
		if err := tx.audit(sc, "update", "portfolio_policy", sc.OrgID, 0, &old, &p); err != nil {
			return err
		}
		_, err = tx.recomputeTiers(sc, "tiering policy changed")
		return err
	})
}

// ---- Criteria --------------------------------------------------------------

// Criteria returns the active criteria in order. An organisation that never
// set any gets portfolio.DefaultCriteria, not yet saved (their IDs are 0);
// they are saved on the first rating or change.
func (db *DB) Criteria(ctx context.Context, sc account.Scope) ([]portfolio.Criterion, error) {
	var out []portfolio.Criterion
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, err = tx.criteria(sc.OrgID)
		if err == nil && out == nil {
			out = portfolio.DefaultCriteria()
		}
		return err
	})
	return out, err
}

func (tx *Tx) criteria(orgID int64) ([]portfolio.Criterion, error) {
	rows, err := tx.Query(`SELECT id, key, name, weight, level_1, level_2, level_3, level_4, level_5
		FROM score_criteria WHERE org_id = $1 AND retired_at = 0 ORDER BY position, id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portfolio.Criterion
	for rows.Next() {
		var c portfolio.Criterion
		if err := rows.Scan(&c.ID, &c.Key, &c.Name, &c.Weight, &c.Levels[0], &c.Levels[1], &c.Levels[2], &c.Levels[3], &c.Levels[4]); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ensureCriteria returns the active criteria, saving the defaults first if
// the organisation has never had any.
func (tx *Tx) ensureCriteria(sc account.Scope) ([]portfolio.Criterion, error) {
	cs, err := tx.criteria(sc.OrgID)
	if err != nil || cs != nil {
		return cs, err
	}
	var any int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM score_criteria WHERE org_id = $1`, sc.OrgID).Scan(&any); err != nil {
		return nil, err
	}
	if any > 0 {
		return nil, fmt.Errorf("organisation %d has criteria but none active", sc.OrgID)
	}
	cs = portfolio.DefaultCriteria()
	for i := range cs {
		if err := tx.insertCriterion(sc.OrgID, &cs[i], i+1); err != nil {
			return nil, err
		}
	}
	if err := tx.criteriaVersion(sc, cs, "Default criteria"); err != nil {
		return nil, err
	}
	return cs, nil
}

func (tx *Tx) insertCriterion(orgID int64, c *portfolio.Criterion, pos int) error {
	return tx.QueryRow(`INSERT INTO score_criteria (org_id, key, name, weight, level_1, level_2, level_3, level_4, level_5, position, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		orgID, c.Key, c.Name, c.Weight, c.Levels[0], c.Levels[1], c.Levels[2], c.Levels[3], c.Levels[4], pos, ms(tx.now)).Scan(&c.ID)
}

// criteriaVersion appends the active criteria to their history.
func (tx *Tx) criteriaVersion(sc account.Scope, cs []portfolio.Criterion, reason string) error {
	raw, err := json.Marshal(cs)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO criteria_versions (org_id, at, user_id, reason, criteria) VALUES ($1, $2, $3, $4, $5)`,
		sc.OrgID, ms(tx.now), sc.UserID, reason, string(raw))
	return err
}

// SetCriteria replaces the active criteria with cs, in that order: a
// criterion with the ID of an active one updates it, one with ID 0 is added,
// and an active criterion missing from cs is retired (kept for the history,
// no longer scored). The new set is kept in the criteria history with the
// reason. Scores follow at once, since they are computed from ratings; under
// the score method the tiers are recorded again. It returns the new set.
func (db *DB) SetCriteria(ctx context.Context, sc account.Scope, cs []portfolio.Criterion, reason string) ([]portfolio.Criterion, error) {
	cs = slices.Clone(cs)
	for i := range cs {
		cs[i].Normalize()
	}
	if err := portfolio.ValidateCriteria(cs); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > portfolio.MaxReasonLen {
		return nil, account.Invalid("reason", "must be at most %d characters", portfolio.MaxReasonLen)
	}
	err := db.write(ctx, func(tx *Tx) error {
		old, err := tx.ensureCriteria(sc)
		if err != nil {
			return err
		}
		active := map[int64]bool{}
		for _, c := range old {
			active[c.ID] = true
		}
		keep := map[int64]bool{}
		for i, c := range cs {
			if c.ID == 0 {
				continue
			}
			if !active[c.ID] {
				return account.Invalid(fmt.Sprintf("criteria[%d].id", i), "is not an active criterion (%d)", c.ID)
			}
			keep[c.ID] = true
		}
		// Retire first, so that a new criterion may take a retired key.
		for _, c := range old {
			if !keep[c.ID] {
				if _, err := tx.Exec(`UPDATE score_criteria SET retired_at = $1, updated_at = $1 WHERE org_id = $2 AND id = $3`,
					ms(tx.now), sc.OrgID, c.ID); err != nil {
					return err
				}
			}
		}
		for i := range cs {
			c := &cs[i]
			if c.ID == 0 {
				if err := tx.insertCriterion(sc.OrgID, c, i+1); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.Exec(`UPDATE score_criteria SET key = $1, name = $2, weight = $3, level_1 = $4, level_2 = $5,
				level_3 = $6, level_4 = $7, level_5 = $8, position = $9, updated_at = $10 WHERE org_id = $11 AND id = $12`,
				c.Key, c.Name, c.Weight, c.Levels[0], c.Levels[1], c.Levels[2], c.Levels[3], c.Levels[4], i+1, ms(tx.now), sc.OrgID, c.ID); err != nil {
				return err
			}
		}
		if reason == "" {
			reason = "Criteria changed"
		}
		if err := tx.criteriaVersion(sc, cs, reason); err != nil {
			return err
		}
		if err := tx.auditRaw(sc, "update", "score_criteria", 0, 0, criteriaChanges(old, cs)); err != nil {
			return err
		}
		p, _, err := tx.policy(sc.OrgID)
		if err != nil {
			return err
		}
		if p.Method == portfolio.ByScore {
			_, err = tx.recomputeTiers(sc, "criteria changed")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return cs, nil
}

// criteriaChanges describes a change of criteria for the audit trail: each
// criterion's weight before and after (by key), so the trail reads
// "growth: 1 → 2".
func criteriaChanges(old, cs []portfolio.Criterion) map[string]Change {
	out := map[string]Change{}
	was := map[string]portfolio.Criterion{}
	for _, c := range old {
		was[c.Key] = c
	}
	for _, c := range cs {
		o, ok := was[c.Key]
		switch {
		case !ok:
			out[c.Key] = Change{Old: nil, New: c.Weight}
		case o.Weight != c.Weight || o.Name != c.Name || o.Levels != c.Levels:
			out[c.Key] = Change{Old: o.Weight, New: c.Weight}
		}
		delete(was, c.Key)
	}
	for k, o := range was {
		out[k] = Change{Old: o.Weight, New: nil}
	}
	return out
}

// CriteriaVersion is one entry of the criteria history.
type CriteriaVersion struct {
	At       time.Time
	UserID   int64
	Reason   string
	Criteria []portfolio.Criterion
}

// CriteriaHistory returns the latest limit versions of the criteria, newest
// first.
func (db *DB) CriteriaHistory(ctx context.Context, sc account.Scope, limit int) ([]CriteriaVersion, error) {
	var out []CriteriaVersion
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT at, user_id, reason, criteria FROM criteria_versions WHERE org_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
			sc.OrgID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v CriteriaVersion
			var at int64
			var raw string
			if err := rows.Scan(&at, &v.UserID, &v.Reason, &raw); err != nil {
				return err
			}
			v.At = fromMS(at)
			if err := json.Unmarshal([]byte(raw), &v.Criteria); err != nil {
				return fmt.Errorf("criteria version at %d: %w", at, err)
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, err
}

// ---- Ratings ---------------------------------------------------------------

// packRatings writes ratings as "criterionID:rating" pairs joined by commas,
// in criterion order.
func packRatings(rs []portfolio.Rating) string {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b portfolio.Rating) int { return int(a.CriterionID - b.CriterionID) })
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(r.CriterionID, 10))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(r.Value))
	}
	return b.String()
}

// unpackRatings reads packRatings' format, appending to dst. It parses by
// hand: ranking reads 100,000 of these.
func unpackRatings[T ~string | ~[]byte](dst []portfolio.Rating, s T) ([]portfolio.Rating, error) {
	var id int64
	val, n := 0, 0
	inVal := false
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i == len(s) && n == 0 && !inVal {
				break
			}
			if !inVal || n == 0 {
				return dst, fmt.Errorf("bad packed ratings %q", string(s))
			}
			dst = append(dst, portfolio.Rating{CriterionID: id, Value: val})
			id, val, n, inVal = 0, 0, 0, false
			continue
		}
		c := s[i]
		switch {
		case c == ':' && !inVal:
			inVal, n = true, 0
		case c >= '0' && c <= '9' && inVal:
			val = val*10 + int(c-'0')
			n++
		case c >= '0' && c <= '9':
			id = id*10 + int64(c-'0')
		default:
			return dst, fmt.Errorf("bad packed ratings %q", string(s))
		}
	}
	return dst, nil
}

// ScoreEvent is one rating of an account as the history keeps it.
type ScoreEvent struct {
	ID     int64
	At     time.Time
	UserID int64
	Actor  string
	Reason string
	Score  float64
	Scored bool // false when a weighted criterion was still unrated
	// Ratings submitted in this event (not the ones kept from before).
	Ratings []HistoryRating
}

// HistoryRating is one criterion's rating in a score event.
type HistoryRating struct {
	CriterionID int64
	Value       int
	Note        string
}

// RateAccount records a rating of an account: the submitted criteria take
// their new values and notes, the others keep theirs. It returns the event
// with the score the account has now. Under the score method the account's
// tier is recorded again.
func (db *DB) RateAccount(ctx context.Context, sc account.Scope, accountID int64, sub portfolio.Submission) (ScoreEvent, error) {
	sub.Normalize()
	var ev ScoreEvent
	err := db.write(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		cs, err := tx.ensureCriteria(sc)
		if err != nil {
			return err
		}
		if err := sub.Validate(cs); err != nil {
			return err
		}
		keyID := map[string]int64{}
		for _, c := range cs {
			keyID[c.Key] = c.ID
		}
		var packed string
		err = tx.QueryRow(`SELECT ratings FROM portfolio_accounts WHERE org_id = $1 AND account_id = $2`, sc.OrgID, accountID).Scan(&packed)
		if err != nil && !isNoRows(err) {
			return err
		}
		cur, err := unpackRatings(nil, packed)
		if err != nil {
			return err
		}
		merged := sub.Merge(cur, keyID)
		scorer, err := portfolio.NewScorer(cs)
		if err != nil {
			return err
		}
		ev = ScoreEvent{At: tx.now, UserID: sc.UserID, Actor: actorOf(sc), Reason: sub.Reason}
		ev.Score, _, ev.Scored = scorer.Score(merged)
		var score any
		if ev.Scored {
			score = ev.Score
		}
		if err := tx.QueryRow(`INSERT INTO score_events (org_id, account_id, score, ratings, reason, user_id, actor, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			sc.OrgID, accountID, score, packRatings(merged), sub.Reason, sc.UserID, ev.Actor, ms(tx.now)).Scan(&ev.ID); err != nil {
			return err
		}
		changes := map[string]Change{"reason": {New: sub.Reason}}
		old := map[int64]int{}
		for _, r := range cur {
			old[r.CriterionID] = r.Value
		}
		for _, r := range sub.Ratings {
			id := keyID[r.Key]
			if _, err := tx.Exec(`INSERT INTO rating_history (org_id, event_id, criterion_id, account_id, at, rating, note)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, sc.OrgID, ev.ID, id, accountID, ms(tx.now), r.Value, r.Note); err != nil {
				return err
			}
			ev.Ratings = append(ev.Ratings, HistoryRating{CriterionID: id, Value: r.Value, Note: r.Note})
			var was any
			if v, ok := old[id]; ok {
				was = v
			}
			changes[r.Key] = Change{Old: was, New: r.Value}
		}
		if _, err := tx.Exec(`INSERT INTO portfolio_accounts (org_id, account_id, ratings, rated_at, rated_by) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (org_id, account_id) DO UPDATE SET ratings = excluded.ratings, rated_at = excluded.rated_at, rated_by = excluded.rated_by`,
			sc.OrgID, accountID, packRatings(merged), ms(tx.now), sc.UserID); err != nil {
			return err
		}
		if ev.Scored {
			changes["score"] = Change{New: ev.Score}
		}
		if err := tx.auditRaw(sc, "rate", "account_score", ev.ID, accountID, changes); err != nil {
			return err
		}
		p, _, err := tx.policy(sc.OrgID)
		if err != nil || p.Method != portfolio.ByScore {
			return err
		}
		return tx.recordTier(sc, accountID, portfolio.ScoreTier(ev.Score, ev.Scored, p.Score), portfolio.ByScore, "rated: "+sub.Reason)
	})
	return ev, err
}

func actorOf(sc account.Scope) string {
	if sc.Actor == "" {
		return "system"
	}
	return sc.Actor
}

// RatingImport is one account's ratings loaded in bulk (demo data,
// benchmarks, imports from another system).
type RatingImport struct {
	AccountID int64
	Ratings   []portfolio.Rating
	Notes     map[int64]string // by criterion id; optional
	Reason    string
	At        time.Time // when the rating was made; the transaction's time if zero
}

// ImportRatings records many ratings in one transaction, as RateAccount
// would one by one (history included) but without rescoring or re-tiering
// after each: recompute tiers afterwards. Imports apply in the order given;
// a later one for the same account overrides the earlier one's criteria.
// Criteria ids must be of active criteria (see EnsureCriteria). If the
// organisation never had criteria, the defaults are saved dated at the
// earliest import, so that the history reads as it happened.
func (db *DB) ImportRatings(ctx context.Context, sc account.Scope, imports []RatingImport) error {
	return db.write(ctx, func(tx *Tx) error {
		now := tx.now
		for _, im := range imports {
			if !im.At.IsZero() && im.At.Before(tx.now) {
				tx.now = im.At
			}
		}
		cs, err := tx.ensureCriteria(sc)
		tx.now = now
		if err != nil {
			return err
		}
		valid := map[int64]bool{}
		for _, c := range cs {
			valid[c.ID] = true
		}
		scorer, err := portfolio.NewScorer(cs)
		if err != nil {
			return err
		}
		ev, err := tx.Prepare(`INSERT INTO score_events (org_id, account_id, score, ratings, reason, user_id, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`)
		if err != nil {
			return err
		}
		defer ev.Close()
		hist, err := tx.Prepare(`INSERT INTO rating_history (org_id, event_id, criterion_id, account_id, at, rating, note) VALUES ($1, $2, $3, $4, $5, $6, $7)`)
		if err != nil {
			return err
		}
		defer hist.Close()
		// Imports add to the ratings already recorded, as ratings do.
		cur := map[int64][]portfolio.Rating{}
		rows, err := tx.Query(`SELECT account_id, ratings FROM portfolio_accounts WHERE org_id = $1 AND ratings <> ''`, sc.OrgID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var packed string
			if err := rows.Scan(&id, &packed); err != nil {
				rows.Close()
				return err
			}
			if cur[id], err = unpackRatings(nil, packed); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		changed := map[int64]bool{}
		last := map[int64]int64{}
		for n, im := range imports {
			if n%1000 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			at := im.At
			if at.IsZero() {
				at = tx.now
			}
			sub := portfolio.Submission{Reason: im.Reason}
			byID := map[string]int64{}
			for _, r := range im.Ratings {
				if !valid[r.CriterionID] || r.Value < 1 || r.Value > 5 {
					return account.Invalid("ratings", "of account %d: criterion %d rated %d is not valid", im.AccountID, r.CriterionID, r.Value)
				}
				k := strconv.FormatInt(r.CriterionID, 10)
				byID[k] = r.CriterionID
				sub.Ratings = append(sub.Ratings, portfolio.CriterionRating{Key: k, Value: r.Value})
			}
			merged := sub.Merge(cur[im.AccountID], byID)
			score, _, ok := scorer.Score(merged)
			var s any
			if ok {
				s = score
			}
			var id int64
			if err := ev.QueryRow(sc.OrgID, im.AccountID, s, packRatings(merged), im.Reason, sc.UserID, actorOf(sc), ms(at)).Scan(&id); err != nil {
				return fmt.Errorf("rating of account %d: %w", im.AccountID, err)
			}
			for _, r := range im.Ratings {
				if _, err := hist.Exec(sc.OrgID, id, r.CriterionID, im.AccountID, ms(at), r.Value, im.Notes[r.CriterionID]); err != nil {
					return err
				}
			}
			cur[im.AccountID] = merged
			changed[im.AccountID] = true
			last[im.AccountID] = ms(at)
		}
		up, err := tx.Prepare(`INSERT INTO portfolio_accounts (org_id, account_id, ratings, rated_at, rated_by) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (org_id, account_id) DO UPDATE SET ratings = excluded.ratings, rated_at = excluded.rated_at, rated_by = excluded.rated_by`)
		if err != nil {
			return err
		}
		defer up.Close()
		for id := range changed {
			if _, err := up.Exec(sc.OrgID, id, packRatings(cur[id]), last[id], sc.UserID); err != nil {
				return err
			}
		}
		return tx.auditRaw(sc, "import", "account_score", 0, 0, map[string]Change{"accounts": {New: len(changed)}})
	})
}

// EnsureCriteria saves the default criteria if the organisation has none
// yet, and returns the active ones (for imports that need their ids). The
// defaults are dated since — the day they were in force from, for data
// loaded after the fact — or now if since is zero.
func (db *DB) EnsureCriteria(ctx context.Context, sc account.Scope, since time.Time) ([]portfolio.Criterion, error) {
	var cs []portfolio.Criterion
	err := db.write(ctx, func(tx *Tx) (err error) {
		if !since.IsZero() {
			tx.now = since.UTC()
		}
		cs, err = tx.ensureCriteria(sc)
		return err
	})
	return cs, err
}

// ---- One account's standing ------------------------------------------------

// CurrentRating is an account's current rating on one criterion, with the
// note, author and time of the rating that set it.
type CurrentRating struct {
	Criterion portfolio.Criterion
	Value     int // 0: not rated
	Note      string
	At        time.Time
	Actor     string
}

// TierChange is one entry of an account's tier history.
type TierChange struct {
	At     time.Time
	Tier   portfolio.Tier // "" when an override was removed from a never-tiered account
	Source string         // pareto, score or override
	Reason string
	Actor  string
}

// DecisionChange is one entry of an account's designation history.
type DecisionChange struct {
	At       time.Time
	Decision string // designated, declined or undecided
	Reason   string
	Actor    string
}

// Standing is everything the portfolio knows about one account.
type Standing struct {
	AccountID int64
	Criteria  []portfolio.Criterion
	Ratings   []CurrentRating // one per active criterion, in order
	Score     float64
	Scored    bool
	Rated     int // weighted criteria rated
	Weighted  int // weighted criteria there are
	// Revenue is the trailing-12-month revenue recorded by the last
	// recompute (see RecomputeTiers).
	Revenue int64

	Tier           portfolio.Tier // effective; "" never tiered
	Computed       portfolio.Tier
	ComputedSource string
	Override       portfolio.Tier
	OverrideReason string
	OverrideAt     time.Time

	Decision       portfolio.Decision
	DecisionReason string
	DecisionAt     time.Time

	Events    []ScoreEvent // newest first
	Tiers     []TierChange
	Decisions []DecisionChange
}

// historyLimit caps each history on an account's standing.
const historyLimit = 20

// AccountStanding returns an account's ratings, score, tier and designation
// with their histories.
func (db *DB) AccountStanding(ctx context.Context, sc account.Scope, accountID int64) (Standing, error) {
	st := Standing{AccountID: accountID}
	err := db.read(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		cs, err := tx.criteria(sc.OrgID)
		if err != nil {
			return err
		}
		if cs == nil {
			cs = portfolio.DefaultCriteria()
		}
		st.Criteria = cs
		var packed, tier, computed, source, override, decision string
		var overrideAt, decisionAt int64
		err = tx.QueryRow(`SELECT ratings, revenue, tier, computed_tier, computed_source, override_tier, override_reason, override_at,
			decision, decision_reason, decision_at FROM portfolio_accounts WHERE org_id = $1 AND account_id = $2`, sc.OrgID, accountID).
			Scan(&packed, &st.Revenue, &tier, &computed, &source, &override, &st.OverrideReason, &overrideAt, &decision, &st.DecisionReason, &decisionAt)
		if err != nil && !isNoRows(err) {
			return err
		}
		st.Tier, st.Computed, st.ComputedSource, st.Override = portfolio.Tier(tier), portfolio.Tier(computed), source, portfolio.Tier(override)
		st.Decision, st.OverrideAt, st.DecisionAt = portfolio.Decision(decision), fromMS(overrideAt), fromMS(decisionAt)
		rs, err := unpackRatings(nil, packed)
		if err != nil {
			return err
		}
		scorer, err := portfolio.NewScorer(cs)
		if err != nil {
			return err
		}
		st.Score, st.Rated, st.Scored = scorer.Score(rs)
		st.Weighted = scorer.Weighted()

		// Events, newest first, with what each rated.
		rows, err := tx.Query(`SELECT id, at, user_id, actor, reason, score FROM score_events
			WHERE org_id = $1 AND account_id = $2 ORDER BY at DESC, id DESC LIMIT $3`, sc.OrgID, accountID, historyLimit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var e ScoreEvent
			var at int64
			var score sql.NullFloat64
			if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Actor, &e.Reason, &score); err != nil {
				rows.Close()
				return err
			}
			e.At, e.Score, e.Scored = fromMS(at), score.Float64, score.Valid
			st.Events = append(st.Events, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// The latest rating of each criterion, and the ratings of the
		// events shown, from one pass over the account's rating history.
		rows, err = tx.Query(`SELECT h.event_id, h.criterion_id, h.rating, h.note, h.at, e.actor
			FROM rating_history h JOIN score_events e ON e.org_id = h.org_id AND e.id = h.event_id
			WHERE h.org_id = $1 AND h.account_id = $2 ORDER BY h.at DESC, h.event_id DESC LIMIT 2000`, sc.OrgID, accountID)
		if err != nil {
			return err
		}
		defer rows.Close()
		latest := map[int64]CurrentRating{}
		eventAt := map[int64]int{}
		for i, e := range st.Events {
			eventAt[e.ID] = i
		}
		for rows.Next() {
			var ev, crit int64
			var r CurrentRating
			var at int64
			if err := rows.Scan(&ev, &crit, &r.Value, &r.Note, &at, &r.Actor); err != nil {
				return err
			}
			r.At = fromMS(at)
			if _, seen := latest[crit]; !seen {
				latest[crit] = r
			}
			if i, ok := eventAt[ev]; ok {
				st.Events[i].Ratings = append(st.Events[i].Ratings, HistoryRating{CriterionID: crit, Value: r.Value, Note: r.Note})
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		current := map[int64]int{}
		for _, r := range rs {
			current[r.CriterionID] = r.Value
		}
		for _, c := range cs {
			r := latest[c.ID]
			r.Criterion = c
			r.Value = current[c.ID] // the packed row is the truth; history adds note, who and when
			st.Ratings = append(st.Ratings, r)
		}
		if st.Tiers, err = tx.tierHistory(sc.OrgID, accountID); err != nil {
			return err
		}
		st.Decisions, err = tx.decisionHistory(sc.OrgID, accountID)
		return err
	})
	return st, err
}

func (tx *Tx) tierHistory(orgID, accountID int64) ([]TierChange, error) {
	rows, err := tx.Query(`SELECT at, tier, source, reason, actor FROM tier_history
		WHERE org_id = $1 AND account_id = $2 ORDER BY at DESC, id DESC LIMIT $3`, orgID, accountID, historyLimit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TierChange
	for rows.Next() {
		var c TierChange
		var at int64
		var tier string
		if err := rows.Scan(&at, &tier, &c.Source, &c.Reason, &c.Actor); err != nil {
			return nil, err
		}
		c.At, c.Tier = fromMS(at), portfolio.Tier(tier)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (tx *Tx) decisionHistory(orgID, accountID int64) ([]DecisionChange, error) {
	rows, err := tx.Query(`SELECT at, decision, reason, actor FROM designation_history
		WHERE org_id = $1 AND account_id = $2 ORDER BY at DESC, id DESC LIMIT $3`, orgID, accountID, historyLimit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DecisionChange
	for rows.Next() {
		var c DecisionChange
		var at int64
		if err := rows.Scan(&at, &c.Decision, &c.Reason, &c.Actor); err != nil {
			return nil, err
		}
		c.At = fromMS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Badge is what lists show of an account's standing.
type Badge struct {
	Score    float64
	Scored   bool
	Tier     portfolio.Tier // "" never tiered
	Decision portfolio.Decision
}

// Strategic reports whether the account is designated strategic.
func (b Badge) Strategic() bool { return b.Decision == portfolio.Designated }

// AccountBadges returns the badges of the named accounts (a page of a list,
// or the accounts a workload board names) in one query per 2,000 accounts
// over their portfolio rows, plus one for the criteria.
// Accounts without a portfolio row get the zero Badge (absent from the map).
func (db *DB) AccountBadges(ctx context.Context, sc account.Scope, ids []int64) (map[int64]Badge, error) {
	out := make(map[int64]Badge, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := db.read(ctx, func(tx *Tx) error {
		cs, err := tx.criteria(sc.OrgID)
		if err != nil {
			return err
		}
		scorer, err := portfolio.NewScorer(cs)
		if err != nil {
			return err
		}
		var buf []portfolio.Rating
		for ids := range slices.Chunk(ids, relationshipChunk) {
			list, args := tx.idList(2, ids, []any{sc.OrgID})
			err := tx.each(`SELECT account_id, ratings, tier, decision FROM portfolio_accounts WHERE org_id = $1 AND account_id IN `+list, args,
				func(rows *sql.Rows) error {
					var id int64
					var packed, tier, decision string
					if err := rows.Scan(&id, &packed, &tier, &decision); err != nil {
						return err
					}
					if buf, err = unpackRatings(buf[:0], packed); err != nil {
						return err
					}
					b := Badge{Tier: portfolio.Tier(tier), Decision: portfolio.Decision(decision)}
					b.Score, _, b.Scored = scorer.Score(buf)
					out[id] = b
					return nil
				})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ---- Designation and overrides -------------------------------------------

// Decide records the leader's decision on an account: designated strategic,
// declined (both need a reason), or undecided again.
func (db *DB) Decide(ctx context.Context, sc account.Scope, accountID int64, d portfolio.Decision, reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case !d.Valid():
		return account.Invalid("decision", "must be designated, declined or undecided")
	case d != portfolio.Undecided && reason == "":
		return account.Invalid("reason", "is required: say why")
	case len([]rune(reason)) > portfolio.MaxReasonLen:
		return account.Invalid("reason", "must be at most %d characters", portfolio.MaxReasonLen)
	}
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		var was string
		err := tx.QueryRow(`SELECT decision FROM portfolio_accounts WHERE org_id = $1 AND account_id = $2`, sc.OrgID, accountID).Scan(&was)
		if err != nil && !isNoRows(err) {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO portfolio_accounts (org_id, account_id, decision, decision_reason, decision_by, decision_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (org_id, account_id) DO UPDATE SET decision = excluded.decision, decision_reason = excluded.decision_reason,
				decision_by = excluded.decision_by, decision_at = excluded.decision_at`,
			sc.OrgID, accountID, string(d), reason, sc.UserID, ms(tx.now)); err != nil {
			return err
		}
		name := string(d)
		if d == portfolio.Undecided {
			name = "undecided"
		}
		if _, err := tx.Exec(`INSERT INTO designation_history (org_id, account_id, decision, reason, user_id, actor, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, sc.OrgID, accountID, name, reason, sc.UserID, actorOf(sc), ms(tx.now)); err != nil {
			return err
		}
		return tx.auditRaw(sc, "decide", "designation", accountID, accountID,
			map[string]Change{"decision": {Old: decisionName(was), New: name}, "reason": {New: reason}})
	})
}

func decisionName(d string) string {
	if d == "" {
		return "undecided"
	}
	return d
}

// OverrideTier sets an account's tier by hand, with a reason; the override
// wins over the computed tier until removed (t = ""). Both are kept in the
// tier history.
func (db *DB) OverrideTier(ctx context.Context, sc account.Scope, accountID int64, t portfolio.Tier, reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case t != "" && !t.Valid():
		return account.Invalid("tier", "must be A, B or C")
	case t != "" && reason == "":
		return account.Invalid("reason", "is required: say why the tier is set by hand")
	case len([]rune(reason)) > portfolio.MaxReasonLen:
		return account.Invalid("reason", "must be at most %d characters", portfolio.MaxReasonLen)
	}
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		var tier, computed, source, override string
		err := tx.QueryRow(`SELECT tier, computed_tier, computed_source, override_tier FROM portfolio_accounts WHERE org_id = $1 AND account_id = $2`,
			sc.OrgID, accountID).Scan(&tier, &computed, &source, &override)
		if err != nil && !isNoRows(err) {
			return err
		}
		if override == string(t) && t == "" {
			return nil // nothing to remove
		}
		effective := string(t)
		if t == "" {
			effective = computed
		}
		if _, err := tx.Exec(`INSERT INTO portfolio_accounts (org_id, account_id, tier, override_tier, override_reason, override_by, override_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (org_id, account_id) DO UPDATE SET tier = excluded.tier, override_tier = excluded.override_tier,
				override_reason = excluded.override_reason, override_by = excluded.override_by, override_at = excluded.override_at`,
			sc.OrgID, accountID, effective, string(t), reason, sc.UserID, ms(tx.now)); err != nil {
			return err
		}
		why := reason
		if t == "" {
			why = strings.TrimSpace("override removed. " + reason)
		}
		if _, err := tx.Exec(`INSERT INTO tier_history (org_id, account_id, tier, source, reason, user_id, actor, at)
			VALUES ($1, $2, $3, 'override', $4, $5, $6, $7)`, sc.OrgID, accountID, effective, why, sc.UserID, actorOf(sc), ms(tx.now)); err != nil {
			return err
		}
		return tx.auditRaw(sc, "override", "tier", accountID, accountID,
			map[string]Change{"tier": {Old: tier, New: effective}, "override": {Old: override, New: string(t)}, "reason": {New: reason}})
	})
}

// recordTier records a newly computed tier of one account, and its
// effective tier when no override hides it, noting a change in the history.
func (tx *Tx) recordTier(sc account.Scope, accountID int64, computed portfolio.Tier, method portfolio.Method, reason string) error {
	var tier, was, override string
	err := tx.QueryRow(`SELECT tier, computed_tier, override_tier FROM portfolio_accounts WHERE org_id = $1 AND account_id = $2`,
		sc.OrgID, accountID).Scan(&tier, &was, &override)
	if err != nil && !isNoRows(err) {
		return err
	}
	effective := string(computed)
	if override != "" {
		effective = override
	}
	if was == string(computed) && tier == effective {
		return nil
	}
	if _, err := tx.Exec(`INSERT INTO portfolio_accounts (org_id, account_id, tier, computed_tier, computed_source, computed_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (org_id, account_id) DO UPDATE SET tier = excluded.tier, computed_tier = excluded.computed_tier,
			computed_source = excluded.computed_source, computed_at = excluded.computed_at`,
		sc.OrgID, accountID, effective, string(computed), string(method), ms(tx.now)); err != nil {
		return err
	}
	if tier == effective {
		return nil
	}
	_, err = tx.Exec(`INSERT INTO tier_history (org_id, account_id, tier, source, reason, user_id, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, sc.OrgID, accountID, effective, string(method), reason, sc.UserID, actorOf(sc), ms(tx.now))
	return err
}

// ---- Ranking ---------------------------------------------------------------

// Ranking loads the whole portfolio and ranks and tiers it (see
// portfolio.Rank): the current ratings (so scores follow every rating and
// reweight at once), the trailing-12-month revenue and tiers recorded by the
// last recompute, the decisions, and the past for movement
// (MovementPeriod before the transaction clock).
//
// Revenue is the recorded figure, not recomputed here: summing every won
// deal and prorating every contract costs several times more than all the
// rest (see BENCHMARKS.md), and a recorded figure keeps the revenue shown
// and the tier it earned in step. RecomputeTiers refreshes both.
//
// It reads in parallel read transactions — the accounts, their portfolio
// rows, the criteria, policy and past — because on SQLite each row costs
// more in the driver than in the database, and two cores read 100,000
// accounts' worth of rows in about half the time one does. The price is that
// the reads are separate snapshots: a write committed in between can show in
// one and not another, for this one view; the next view is whole again.
func (db *DB) Ranking(ctx context.Context, sc account.Scope) (*portfolio.Ranking, error) {
	in, err := db.rankingInput(ctx, sc)
	if err != nil {
		return nil, err
	}
	return portfolio.Rank(in.criteria, in.policy, in.accounts, in.past)
}

type rankingInput struct {
	criteria []portfolio.Criterion
	policy   portfolio.Policy
	accounts []portfolio.Account
	past     *portfolio.Past
}

func (db *DB) rankingInput(ctx context.Context, sc account.Scope) (*rankingInput, error) {
	since := db.Now().UTC().Add(-portfolio.MovementPeriod)
	in := &rankingInput{}
	var ranges [][2]int64
	if err := db.read(ctx, func(tx *Tx) (err error) {
		ranges, err = tx.rankRanges(sc.OrgID, rankParts)
		return err
	}); err != nil {
		return nil, err
	}
	parts := make([][]portfolio.Account, len(ranges))
	readers := []func(tx *Tx) (err error){
		func(tx *Tx) (err error) {
			if in.criteria, err = tx.criteria(sc.OrgID); err != nil {
				return err
			}
			if in.criteria == nil {
				in.criteria = portfolio.DefaultCriteria()
			}
			if in.policy, _, err = tx.policy(sc.OrgID); err != nil {
				return err
			}
			in.past, err = tx.past(sc.OrgID, since)
			return err
		},
	}
	for i, r := range ranges {
		readers = append(readers, func(tx *Tx) (err error) { parts[i], err = tx.rankRows(sc.OrgID, r[0], r[1]); return err })
	}
	if err := db.readParallel(ctx, readers...); err != nil {
		return nil, err
	}
	if len(parts) == 1 {
		in.accounts = parts[0]
	} else {
		in.accounts = slices.Concat(parts...)
	}
	return in, nil
}

// idIndex finds an account's place in a slice by id: a dense array when
// the organisation's ids are close together (the usual case: ids are
// allocated in order), a map otherwise. No sort of 100,000 accounts.
type idIndex struct {
	base  int64
	dense []int32 // place+1; 0 = absent
	m     map[int64]int32
}

func newIDIndex(ids []int64) idIndex {
	if len(ids) == 0 {
		return idIndex{}
	}
	lo, hi := slices.Min(ids), slices.Max(ids)
	if span := hi - lo + 1; span <= int64(4*len(ids)+1024) {
		x := idIndex{base: lo, dense: make([]int32, span)}
		for i, id := range ids {
			x.dense[id-lo] = int32(i + 1)
		}
		return x
	}
	x := idIndex{m: make(map[int64]int32, len(ids))}
	for i, id := range ids {
		x.m[id] = int32(i + 1)
	}
	return x
}

// at returns the place of id, or -1.
func (x idIndex) at(id int64) int {
	if x.dense != nil {
		if id < x.base || id-x.base >= int64(len(x.dense)) {
			return -1
		}
		return int(x.dense[id-x.base]) - 1
	}
	return int(x.m[id]) - 1
}

// indexedBy names the index SQLite must use for a query: without statistics
// (samwise does not run ANALYZE) its planner prefers an index that avoids a
// sort but visits every row of the table, several times slower here.
// PostgreSQL plans from its own statistics.
func (tx *Tx) indexedBy(table, index string) string {
	if tx.db.dialect == SQLite {
		return table + " INDEXED BY " + index
	}
	return table
}

// tierOf turns stored bytes into a Tier without allocating.
func tierOf(b []byte) portfolio.Tier {
	switch string(b) {
	case "A":
		return portfolio.TierA
	case "B":
		return portfolio.TierB
	case "C":
		return portfolio.TierC
	}
	return ""
}

// rankWon adds each account's won opportunities closed in the window.
func (tx *Tx) rankWon(orgID int64, sums map[int64]int64, w portfolio.Window) error {
	// opportunities_won_revenue is in account order: the sums stream out
	// without a sort, and only the index is read.
	rows, err := tx.Query(`SELECT account_id, CAST(SUM(amount) AS BIGINT) FROM `+tx.indexedBy("opportunities", "opportunities_won_revenue")+`
		WHERE org_id = $1 AND stage = 'won' AND actual_close > $2 AND actual_close <= $3 GROUP BY account_id`,
		orgID, w.From.String(), w.To.String())
	if err != nil {
		return err
	}
	defer rows.Close()
	var id, sum int64
	for rows.Next() {
		if err := rows.Scan(&id, &sum); err != nil {
			return err
		}
		sums[id] += sum
	}
	return rows.Err()
}

// rankContracts adds each account's contract revenue in the window. The
// proration is done here rather than in SQL: date arithmetic differs between
// the two databases, and SQLite's julianday() costs more per row than
// reading the row.
func (tx *Tx) rankContracts(orgID int64, sums map[int64]int64, w portfolio.Window) error {
	rows, err := tx.Query(`SELECT account_id, annual_value, start_date, end_date FROM `+tx.indexedBy("contracts", "contracts_revenue")+`
		WHERE org_id = $1 AND status IN ('active', 'expired') AND start_date <= $2 AND (end_date = '' OR end_date > $3)`,
		orgID, w.To.String(), w.From.String())
	if err != nil {
		return err
	}
	defer rows.Close()
	var id, annual int64
	var start, end sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&id, &annual, &start, &end); err != nil {
			return err
		}
		sums[id] += portfolio.ContractRevenue(annual, start, end, w)
	}
	return rows.Err()
}

// past reads what movement compares with: the criteria in force at since,
// and the ratings then of the accounts rated after it.
func (tx *Tx) past(orgID int64, since time.Time) (*portfolio.Past, error) {
	p := &portfolio.Past{Ratings: map[int64][]portfolio.Rating{}}
	var raw string
	err := tx.QueryRow(`SELECT criteria FROM criteria_versions WHERE org_id = $1 AND at < $2 ORDER BY at DESC, id DESC LIMIT 1`,
		orgID, ms(since)).Scan(&raw)
	switch {
	case isNoRows(err):
		return p, nil // no criteria then: nobody was scored
	case err != nil:
		return nil, err
	}
	if err := json.Unmarshal([]byte(raw), &p.Criteria); err != nil {
		return nil, fmt.Errorf("criteria version: %w", err)
	}
	if p.Criteria == nil {
		p.Criteria = []portfolio.Criterion{}
	}
	// Both lists come back as one text each (see rankRows for why).
	var changed sql.NullString
	if err := tx.QueryRow(`SELECT string_agg(CAST(account_id AS TEXT), ' ')
		FROM (SELECT DISTINCT account_id FROM score_events WHERE org_id = $1 AND at >= $2) c`, orgID, ms(since)).Scan(&changed); err != nil {
		return nil, err
	}
	for f := range strings.FieldsSeq(changed.String) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("account id %q: %w", f, err)
		}
		p.Ratings[id] = nil // not rated then, unless the history below says otherwise
	}
	if len(p.Ratings) == 0 {
		return p, nil
	}
	// The ratings then of those accounts: the ratings after their last event
	// before since (each event keeps the whole packed vector), one per
	// event, in time order so the last one wins.
	var then sql.NullString
	if err := tx.QueryRow(`SELECT string_agg(account_id || ' ' || ratings, ';' ORDER BY account_id, at, id)
		FROM `+tx.indexedBy("score_events", "score_events_account")+`
		WHERE org_id = $1 AND at < $2 AND account_id IN (SELECT account_id FROM score_events WHERE org_id = $1 AND at >= $2)`,
		orgID, ms(since)).Scan(&then); err != nil {
		return nil, err
	}
	for ev := range strings.SplitSeq(then.String, ";") {
		if ev == "" {
			continue
		}
		f, packed, _ := strings.Cut(ev, " ")
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("account id %q: %w", f, err)
		}
		if p.Ratings[id], err = unpackRatings(p.Ratings[id][:0], packed); err != nil {
			return nil, fmt.Errorf("account %d: %w", id, err)
		}
	}
	return p, nil
}

// ---- Recording tiers -------------------------------------------------------

// RecomputeTiers records every account's trailing-12-month revenue as of
// today and the tier the policy gives it, noting each change of effective
// tier in the tier history with the reason. It returns how many accounts
// changed effective tier. Run it nightly (samwise portfolio tiers
// --recompute) so that revenue and tiers follow the deals won and the days
// passing.
func (db *DB) RecomputeTiers(ctx context.Context, sc account.Scope, reason string) (int, error) {
	var n int
	err := db.write(ctx, func(tx *Tx) (err error) {
		n, err = tx.recomputeTiers(sc, reason)
		return err
	})
	return n, err
}

// recomputeTiers does RecomputeTiers inside a write transaction, reading
// through it (one snapshot: the write lock is held anyway).
func (tx *Tx) recomputeTiers(sc account.Scope, reason string) (int, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = "recomputed"
	}
	now := tx.now
	w := portfolio.TrailingYear(account.DateOf(now))
	accts, err := tx.rankAll(sc.OrgID)
	if err != nil {
		return 0, err
	}
	recorded := make(map[int64]int64, len(accts)) // revenue as recorded
	for _, a := range accts {
		recorded[a.ID] = a.Revenue
	}
	sums := make(map[int64]int64, len(accts))
	if err := tx.rankWon(sc.OrgID, sums, w); err != nil {
		return 0, err
	}
	if err := tx.rankContracts(sc.OrgID, sums, w); err != nil {
		return 0, err
	}
	for i := range accts {
		accts[i].Revenue = sums[accts[i].ID]
	}
	// Criteria are only read: recording tiers does not save the defaults
	// (that would date them now, not when someone first used them).
	cs, err := tx.criteria(sc.OrgID)
	if err != nil {
		return 0, err
	}
	if cs == nil {
		cs = portfolio.DefaultCriteria()
	}
	p, _, err := tx.policy(sc.OrgID)
	if err != nil {
		return 0, err
	}
	r, err := portfolio.Rank(cs, p, accts, nil)
	if err != nil {
		return 0, err
	}
	computed, err := tx.computedTiers(sc.OrgID)
	if err != nil {
		return 0, err
	}
	up, err := tx.Prepare(`INSERT INTO portfolio_accounts (org_id, account_id, revenue, tier, computed_tier, computed_source, computed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (org_id, account_id) DO UPDATE SET revenue = excluded.revenue, tier = excluded.tier,
			computed_tier = excluded.computed_tier, computed_source = excluded.computed_source, computed_at = excluded.computed_at`)
	if err != nil {
		return 0, err
	}
	defer up.Close()
	hist, err := tx.Prepare(`INSERT INTO tier_history (org_id, account_id, tier, source, reason, user_id, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`)
	if err != nil {
		return 0, err
	}
	defer hist.Close()
	changed := 0
	counts := map[portfolio.Tier]int{}
	for _, row := range r.Rows {
		counts[row.Tier]++
		rec, had := recorded[row.ID]
		if had && rec == row.Revenue && computed[row.ID] == row.Computed && row.Stored == row.Tier {
			continue
		}
		if _, err := up.Exec(sc.OrgID, row.ID, row.Revenue, string(row.Tier), string(row.Computed), string(p.Method), ms(now)); err != nil {
			return 0, err
		}
		if row.Stored == row.Tier {
			continue
		}
		changed++
		source := string(p.Method)
		if row.Override != "" {
			source = "override"
		}
		if _, err := hist.Exec(sc.OrgID, row.ID, string(row.Tier), source, reason, sc.UserID, actorOf(sc), ms(now)); err != nil {
			return 0, err
		}
	}
	if _, err := tx.Exec(`INSERT INTO portfolio_policies (org_id, updated_at, updated_by, tiers_at) VALUES ($1, $2, $3, $2)
		ON CONFLICT (org_id) DO UPDATE SET tiers_at = excluded.tiers_at`, sc.OrgID, ms(now), sc.UserID); err != nil {
		return 0, err
	}
	return changed, tx.auditRaw(sc, "recompute", "tiers", 0, 0, map[string]Change{
		"changed": {New: changed}, "reason": {New: reason}, "method": {New: string(p.Method)},
		"A": {New: counts[portfolio.TierA]}, "B": {New: counts[portfolio.TierB]}, "C": {New: counts[portfolio.TierC]},
	})
}

// computedTiers returns the computed tier recorded for each account.
func (tx *Tx) computedTiers(orgID int64) (map[int64]portfolio.Tier, error) {
	rows, err := tx.Query(`SELECT account_id, computed_tier FROM portfolio_accounts WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]portfolio.Tier{}
	for rows.Next() {
		var id int64
		var t sql.RawBytes
		if err := rows.Scan(&id, &t); err != nil {
			return nil, err
		}
		out[id] = tierOf(t)
	}
	return out, rows.Err()
}

// Customers returns the ids of the organisation's current customers, for
// the strategic pipeline.
func (db *DB) Customers(ctx context.Context, sc account.Scope) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT id FROM accounts WHERE org_id = $1 AND lifecycle = 'customer'`, sc.OrgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out[id] = true
		}
		return rows.Err()
	})
	return out, err
}
