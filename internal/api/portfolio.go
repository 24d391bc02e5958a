package api

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	// pf, not portfolio: a test of this package declares a type portfolio.
	pf "github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/store"
)

// The portfolio: the ranking with tiers, the Strategic Score criteria and
// tiering policy, ratings, designation and tier overrides. The rules live
// in package portfolio; see its documentation for the formulas, the
// trailing-12-month revenue rule and when tiers are recorded.

const (
	portfolioDoc = "Every account ranked by Strategic Score (equal scores share a rank), with its recorded tier and " +
		"trailing-12-month revenue, its movement over the last 30 days and its designation. The ranking is computed on " +
		"every request, so a reweight shows at once; page it with limit and offset. Under need-to-know only the " +
		"accounts you may read are listed, with their portfolio-wide ranks."
	ratingDoc = "Rates some or all criteria (by key) of an account, each with an optional note, and says why. Criteria " +
		"left out keep their rating. Answers with the account's standing; the rating is kept in its score history. " +
		"Needs the right to change the account itself (its owner, its account manager, a leader)."
	decisionDoc = "Designates the account strategic or declines it (a reason is required), or returns it to undecided. " +
		"Every decision is kept in the account's designation history."
	overrideDoc = "Sets the account's tier by hand, with a reason; it wins over the computed tier until removed."
	criteriaDoc = "Replaces the active criteria, in order: an item with the id of an active criterion updates it, one " +
		"without an id is added, and an active criterion left out is retired (kept in the history, no longer scored). " +
		"Scores follow at once; under the score method the tiers are recorded again."
	recomputeDoc = "Records every account's trailing-12-month revenue as of today and the tier the policy gives it; " +
		"each change of tier goes into the tier history. Run nightly; answers how many accounts changed tier."
)

// portfolioRoutes registers the portfolio operations (called from routes).
func portfolioRoutes(api huma.API, h *handlers) {
	tags := []string{"Portfolio"}
	register(api, h, huma.Operation{OperationID: "get-portfolio", Method: http.MethodGet, Path: "/api/v1/portfolio",
		Summary: "Get the ranked portfolio with tiers", Description: portfolioDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getPortfolio)
	register(api, h, huma.Operation{OperationID: "get-criteria", Method: http.MethodGet, Path: "/api/v1/portfolio/criteria",
		Summary: "Get the Strategic Score criteria", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getCriteria)
	register(api, h, huma.Operation{OperationID: "replace-criteria", Method: http.MethodPut, Path: "/api/v1/portfolio/criteria",
		Summary: "Replace the Strategic Score criteria", Description: criteriaDoc, Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.putCriteria)
	register(api, h, huma.Operation{OperationID: "get-tier-policy", Method: http.MethodGet, Path: "/api/v1/portfolio/policy",
		Summary: "Get the tiering policy", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getTierPolicy)
	register(api, h, huma.Operation{OperationID: "replace-tier-policy", Method: http.MethodPut, Path: "/api/v1/portfolio/policy",
		Summary: "Replace the tiering policy", Description: "Records the tiers the new policy gives at once.", Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.putTierPolicy)
	register(api, h, huma.Operation{OperationID: "recompute-tiers", Method: http.MethodPost, Path: "/api/v1/portfolio/recompute",
		Summary: "Record today's revenue and tiers", Description: recomputeDoc, Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.recomputeTiers)
	register(api, h, huma.Operation{OperationID: "get-standing", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/standing",
		Summary: "Get an account's score, ratings, tier and designation with their history", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getStanding)
	register(api, h, huma.Operation{OperationID: "rate-account", Method: http.MethodPost, Path: "/api/v1/accounts/{id}/ratings",
		Summary: "Rate an account on the Strategic Score criteria", Description: ratingDoc, Tags: tags, DefaultStatus: http.StatusCreated,
		Metadata: rule(access.WriteRecords)}, h.rateAccount)
	register(api, h, huma.Operation{OperationID: "decide-designation", Method: http.MethodPost, Path: "/api/v1/accounts/{id}/designation",
		Summary: "Designate an account strategic, or decline it", Description: decisionDoc, Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.decideDesignation)
	register(api, h, huma.Operation{OperationID: "set-tier-override", Method: http.MethodPut, Path: "/api/v1/accounts/{id}/tier-override",
		Summary: "Set an account's tier by hand", Description: overrideDoc, Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.putTierOverride)
	register(api, h, huma.Operation{OperationID: "delete-tier-override", Method: http.MethodDelete, Path: "/api/v1/accounts/{id}/tier-override",
		Summary: "Remove an account's tier override", Tags: tags, DefaultStatus: http.StatusNoContent,
		Metadata: rule(access.SetPolicy)}, h.deleteTierOverride)
}

// ---- The ranking -------------------------------------------------------------

// RankedAccount is one account of the ranking.
type RankedAccount struct {
	Rank           int      `json:"rank" doc:"Place by Strategic Score, 1 the highest; equal scores share a rank. 0 when not scored."`
	PreviousRank   int      `json:"previous_rank" doc:"Rank 30 days ago; 0 when not scored then."`
	Movement       int      `json:"movement" doc:"Places gained over 30 days (negative: lost)."`
	New            bool     `json:"new" doc:"Scored now but not 30 days ago."`
	AccountID      int64    `json:"account_id"`
	Name           string   `json:"name"`
	OwnerID        *int64   `json:"owner_id" doc:"The account manager (a person id), or null."`
	StrategicScore *float64 `json:"strategic_score" doc:"0-100, or null when some weighted criterion is not rated."`
	Rated          int      `json:"rated" doc:"How many weighted criteria are rated."`
	Tier           *string  `json:"tier" pattern:"^[ABC]$" nullable:"true" doc:"The recorded tier, or null when never tiered."`
	ComputedTier   string   `json:"computed_tier" enum:"A,B,C" doc:"The tier today's figures give by the policy's method."`
	TierOverridden bool     `json:"tier_overridden" doc:"The tier was set by hand."`
	Revenue        int64    `json:"revenue_12m" doc:"Trailing-12-month revenue as last recorded, minor units."`
	Strategic      bool     `json:"strategic" doc:"Designated a strategic account."`
	Decision       string   `json:"decision" enum:"designated,declined,undecided"`
}

// TierCount counts one tier.
type TierCount struct {
	Tier     string `json:"tier" enum:"A,B,C"`
	Accounts int    `json:"accounts"`
	Revenue  int64  `json:"revenue_12m"`
}

// PortfolioPage is one page of the ranking with the whole portfolio's
// summary.
type PortfolioPage struct {
	Policy     TierPolicy      `json:"policy"`
	TiersAt    *time.Time      `json:"tiers_recorded_at" doc:"When revenue and tiers were last recorded; null if never."`
	Accounts   int             `json:"accounts" doc:"Accounts in the portfolio (that you may read)."`
	Scored     int             `json:"scored"`
	Matching   int             `json:"matching" doc:"Accounts matching the filters."`
	Tiers      []TierCount     `json:"tiers" nullable:"false"`
	Items      []RankedAccount `json:"items" nullable:"false"`
	NextOffset *int            `json:"next_offset,omitempty" doc:"Pass as offset for the next page; absent on the last page."`
}

type portfolioInput struct {
	Limit    int    `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"Items per page."`
	Offset   int    `query:"offset" minimum:"0" maximum:"10000000" default:"0" doc:"Items to skip."`
	Tier     string `query:"tier" enum:"A,B,C" doc:"Only accounts of this recorded tier."`
	Owner    int64  `query:"owner" minimum:"1" doc:"Only accounts of this account manager (a person id)."`
	Decision string `query:"decision" enum:"designated,declined,undecided"`
	Scored   string `query:"scored" enum:"yes,no"`
	Sort     string `query:"sort" enum:"rank,revenue,-revenue,movement,-movement" default:"rank" doc:"rank is the ranking's order; a leading - sorts descending."`
}

func decisionName(d pf.Decision) string {
	if d == pf.Undecided {
		return "undecided"
	}
	return string(d)
}

func (h *handlers) getPortfolio(ctx context.Context, in *portfolioInput) (*one[PortfolioPage], error) {
	sc := h.guard.Scope(ctx)
	r, err := h.db.Ranking(ctx, sc)
	if err != nil {
		return nil, err
	}
	_, tiersAt, err := h.db.PortfolioPolicy(ctx, sc)
	if err != nil {
		return nil, err
	}
	rows := r.Rows
	if person := h.guard.VisibleTo(ctx); person != 0 {
		if rows, err = h.visibleRows(ctx, sc, person, rows); err != nil {
			return nil, err
		}
	}
	out := PortfolioPage{Policy: tierPolicyOut(r.Policy), Accounts: len(rows)}
	if !tiersAt.IsZero() {
		t := instant(tiersAt)
		out.TiersAt = &t
	}
	counts := map[pf.Tier]*TierCount{}
	for _, t := range []pf.Tier{pf.TierA, pf.TierB, pf.TierC} {
		out.Tiers = append(out.Tiers, TierCount{Tier: string(t)})
	}
	for i := range out.Tiers {
		counts[pf.Tier(out.Tiers[i].Tier)] = &out.Tiers[i]
	}
	var matching []pf.Row
	for _, row := range rows {
		if row.Scored {
			out.Scored++
		}
		if c := counts[row.Tier]; c != nil {
			c.Accounts++
			c.Revenue += max(row.Revenue, 0)
		}
		switch {
		case in.Tier != "" && string(row.Tier) != in.Tier,
			in.Owner != 0 && row.OwnerID != in.Owner,
			in.Decision != "" && decisionName(row.Decision) != in.Decision,
			in.Scored == "yes" && !row.Scored,
			in.Scored == "no" && row.Scored:
			continue
		}
		matching = append(matching, row)
	}
	switch strings.TrimPrefix(in.Sort, "-") {
	case "revenue":
		slices.SortStableFunc(matching, func(a, b pf.Row) int { return cmp.Compare(a.Revenue, b.Revenue) })
	case "movement":
		slices.SortStableFunc(matching, func(a, b pf.Row) int { return cmp.Compare(a.Movement(), b.Movement()) })
	}
	if strings.HasPrefix(in.Sort, "-") {
		slices.Reverse(matching)
	}
	out.Matching = len(matching)
	from := min(in.Offset, len(matching))
	to := min(from+in.Limit, len(matching))
	page := matching[from:to]
	if to < len(matching) {
		out.NextOffset = &to
	}
	ids := make([]int64, len(page))
	for i, row := range page {
		ids[i] = row.ID
	}
	names, err := h.db.AccountsByID(ctx, sc, ids)
	if err != nil {
		return nil, err
	}
	out.Items = make([]RankedAccount, len(page))
	for i, row := range page {
		out.Items[i] = rankedOut(row, names[row.ID].Name)
	}
	return &one[PortfolioPage]{Body: out}, nil
}

func rankedOut(row pf.Row, name string) RankedAccount {
	o := RankedAccount{Rank: row.Rank, PreviousRank: row.PrevRank, Movement: row.Movement(), New: row.IsNew(),
		AccountID: row.ID, Name: name, Rated: row.Rated, ComputedTier: string(row.Computed),
		TierOverridden: row.Override != "", Revenue: row.Revenue, Strategic: row.Strategic(), Decision: decisionName(row.Decision)}
	if row.OwnerID != 0 {
		id := row.OwnerID
		o.OwnerID = &id
	}
	if row.Scored {
		s := row.Score
		o.StrategicScore = &s
	}
	if row.Tier != "" {
		t := string(row.Tier)
		o.Tier = &t
	}
	return o
}

// visibleRows keeps the rows of the accounts person owns or is on the team
// of (need-to-know).
func (h *handlers) visibleRows(ctx context.Context, sc account.Scope, person int64, rows []pf.Row) ([]pf.Row, error) {
	visible := map[int64]bool{}
	f := account.AccountFilter{Page: account.Page{Limit: account.MaxLimit, VisibleTo: person}}
	for {
		as, next, err := h.db.Accounts(ctx, sc, f)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			visible[a.ID] = true
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	var out []pf.Row
	for _, r := range rows {
		if visible[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

// ---- Criteria and policy -----------------------------------------------------

// Criterion is one Strategic Score criterion.
type Criterion struct {
	ID     int64     `json:"id,omitempty" minimum:"0" doc:"Leave out to add a criterion; give an active criterion's id to change it."`
	Key    string    `json:"key,omitempty" maxLength:"40" doc:"Names the criterion in ratings; made from the name when left out."`
	Name   string    `json:"name" minLength:"1" maxLength:"100"`
	Weight float64   `json:"weight" minimum:"0" maximum:"100"`
	Levels [5]string `json:"levels" doc:"What ratings of 1 to 5 mean."`
}

// CriteriaBody is the set of criteria.
type CriteriaBody struct {
	Criteria []Criterion `json:"criteria" nullable:"false" minItems:"1" maxItems:"20"`
	Reason   string      `json:"reason,omitempty" maxLength:"2000" doc:"Why, kept in the criteria history."`
}

func criteriaOut(cs []pf.Criterion) CriteriaBody {
	out := CriteriaBody{Criteria: make([]Criterion, len(cs))}
	for i, c := range cs {
		out.Criteria[i] = Criterion{ID: c.ID, Key: c.Key, Name: c.Name, Weight: c.Weight, Levels: c.Levels}
	}
	return out
}

func (h *handlers) getCriteria(ctx context.Context, _ *struct{}) (*one[CriteriaBody], error) {
	cs, err := h.db.Criteria(ctx, h.guard.Scope(ctx))
	if err != nil {
		return nil, err
	}
	return &one[CriteriaBody]{Body: criteriaOut(cs)}, nil
}

func (h *handlers) putCriteria(ctx context.Context, in *createInput[CriteriaBody]) (*one[CriteriaBody], error) {
	cs := make([]pf.Criterion, len(in.Body.Criteria))
	for i, c := range in.Body.Criteria {
		cs[i] = pf.Criterion{ID: c.ID, Key: c.Key, Name: c.Name, Weight: c.Weight, Levels: c.Levels}
	}
	saved, err := h.db.SetCriteria(ctx, h.guard.Scope(ctx), cs, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &one[CriteriaBody]{Body: criteriaOut(saved)}, nil
}

// TierPolicy is how tiers are computed.
type TierPolicy struct {
	Method string      `json:"method" enum:"pareto,score" doc:"pareto: by trailing-12-month revenue; score: by Strategic Score."`
	Pareto ParetoShare `json:"pareto"`
	Score  ScoreFloors `json:"score"`
}

// ParetoShare are the cumulative revenue shares that end tiers A and B.
type ParetoShare struct {
	A float64 `json:"a" minimum:"0" maximum:"1" doc:"Tier A ends at this share of revenue (0.8 = 80%)."`
	B float64 `json:"b" minimum:"0" maximum:"1" doc:"Tier B ends at this share (0.95)."`
}

// ScoreFloors are the lowest scores of tiers A and B.
type ScoreFloors struct {
	A float64 `json:"a" minimum:"0" maximum:"100"`
	B float64 `json:"b" minimum:"0" maximum:"100"`
}

func tierPolicyOut(p pf.Policy) TierPolicy {
	return TierPolicy{Method: string(p.Method), Pareto: ParetoShare{A: p.Pareto.A, B: p.Pareto.B}, Score: ScoreFloors{A: p.Score.A, B: p.Score.B}}
}

func (h *handlers) getTierPolicy(ctx context.Context, _ *struct{}) (*one[TierPolicy], error) {
	p, _, err := h.db.PortfolioPolicy(ctx, h.guard.Scope(ctx))
	if err != nil {
		return nil, err
	}
	return &one[TierPolicy]{Body: tierPolicyOut(p)}, nil
}

func (h *handlers) putTierPolicy(ctx context.Context, in *createInput[TierPolicy]) (*one[TierPolicy], error) {
	p := pf.Policy{Method: pf.Method(in.Body.Method), Pareto: pf.Thresholds{A: in.Body.Pareto.A, B: in.Body.Pareto.B},
		Score: pf.ScoreFloors{A: in.Body.Score.A, B: in.Body.Score.B}}
	if err := h.db.SetPortfolioPolicy(ctx, h.guard.Scope(ctx), p); err != nil {
		return nil, err
	}
	return &one[TierPolicy]{Body: tierPolicyOut(p)}, nil
}

// RecomputeResult says what a recompute changed.
type RecomputeResult struct {
	Changed int `json:"changed" doc:"Accounts whose tier changed."`
}

func (h *handlers) recomputeTiers(ctx context.Context, _ *struct{}) (*one[RecomputeResult], error) {
	n, err := h.db.RecomputeTiers(ctx, h.guard.Scope(ctx), "recomputed through the API")
	if err != nil {
		return nil, err
	}
	return &one[RecomputeResult]{Body: RecomputeResult{Changed: n}}, nil
}

// ---- One account -------------------------------------------------------------

// CriterionRating is an account's current rating on one criterion.
type CriterionRating struct {
	Key     string     `json:"key"`
	Name    string     `json:"name"`
	Weight  float64    `json:"weight"`
	Value   *int       `json:"value" doc:"1-5, or null when not rated."`
	Level   string     `json:"level" doc:"What the rating means."`
	Note    string     `json:"note"`
	RatedAt *time.Time `json:"rated_at"`
	RatedBy string     `json:"rated_by"`
}

// ScoreEvent is one rating in the score history.
type ScoreEvent struct {
	At      time.Time      `json:"at"`
	By      string         `json:"by"`
	Reason  string         `json:"reason"`
	Score   *float64       `json:"strategic_score" doc:"The score the rating gave, or null if not yet complete."`
	Ratings map[string]int `json:"ratings" doc:"The criteria rated, by key."`
}

// HistoryEntry is one change of tier or designation.
type HistoryEntry struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Value  string    `json:"value" doc:"The tier (or empty), or the decision."`
	Source string    `json:"source,omitempty" doc:"For tiers: pareto, score or override."`
	Reason string    `json:"reason"`
}

// Standing is an account's portfolio standing.
type Standing struct {
	AccountID      int64             `json:"account_id"`
	StrategicScore *float64          `json:"strategic_score" doc:"0-100, or null when not scored."`
	Rated          int               `json:"rated"`
	Weighted       int               `json:"weighted" doc:"How many criteria carry weight (and must be rated)."`
	Ratings        []CriterionRating `json:"ratings" nullable:"false"`
	Tier           *string           `json:"tier" pattern:"^[ABC]$" nullable:"true"`
	TierOverride   *string           `json:"tier_override" pattern:"^[ABC]$" nullable:"true"`
	OverrideReason string            `json:"tier_override_reason"`
	Revenue        int64             `json:"revenue_12m" doc:"As last recorded."`
	Strategic      bool              `json:"strategic"`
	Decision       string            `json:"decision" enum:"designated,declined,undecided"`
	DecisionReason string            `json:"decision_reason"`
	ScoreHistory   []ScoreEvent      `json:"score_history" nullable:"false" doc:"Newest first, at most 20."`
	TierHistory    []HistoryEntry    `json:"tier_history" nullable:"false"`
	Decisions      []HistoryEntry    `json:"decision_history" nullable:"false"`
}

func standingOut(st store.Standing) Standing {
	o := Standing{AccountID: st.AccountID, Rated: st.Rated, Weighted: st.Weighted, Revenue: st.Revenue,
		Strategic: st.Decision == pf.Designated, Decision: decisionName(st.Decision), DecisionReason: st.DecisionReason,
		OverrideReason: st.OverrideReason, Ratings: []CriterionRating{}, ScoreHistory: []ScoreEvent{}, TierHistory: []HistoryEntry{}, Decisions: []HistoryEntry{}}
	if st.Scored {
		s := st.Score
		o.StrategicScore = &s
	}
	if st.Tier != "" {
		t := string(st.Tier)
		o.Tier = &t
	}
	if st.Override != "" {
		t := string(st.Override)
		o.TierOverride = &t
	}
	keys := map[int64]string{}
	for _, r := range st.Ratings {
		keys[r.Criterion.ID] = r.Criterion.Key
		cr := CriterionRating{Key: r.Criterion.Key, Name: r.Criterion.Name, Weight: r.Criterion.Weight, Note: r.Note, RatedBy: r.Actor}
		if r.Value > 0 {
			v := r.Value
			cr.Value, cr.Level = &v, r.Criterion.LevelText(v)
		}
		if !r.At.IsZero() {
			at := instant(r.At)
			cr.RatedAt = &at
		}
		o.Ratings = append(o.Ratings, cr)
	}
	for _, e := range st.Events {
		ev := ScoreEvent{At: instant(e.At), By: e.Actor, Reason: e.Reason, Ratings: map[string]int{}}
		if e.Scored {
			s := e.Score
			ev.Score = &s
		}
		for _, r := range e.Ratings {
			k := keys[r.CriterionID]
			if k == "" {
				k = "retired"
			}
			ev.Ratings[k] = r.Value
		}
		o.ScoreHistory = append(o.ScoreHistory, ev)
	}
	for _, c := range st.Tiers {
		o.TierHistory = append(o.TierHistory, HistoryEntry{At: instant(c.At), By: c.Actor, Value: string(c.Tier), Source: c.Source, Reason: c.Reason})
	}
	for _, c := range st.Decisions {
		o.Decisions = append(o.Decisions, HistoryEntry{At: instant(c.At), By: c.Actor, Value: c.Decision, Reason: c.Reason})
	}
	return o
}

func (h *handlers) standing(ctx context.Context, id int64) (Standing, error) {
	st, err := h.db.AccountStanding(ctx, h.guard.Scope(ctx), id)
	return standingOut(st), err
}

func (h *handlers) getStanding(ctx context.Context, in *getInput) (*one[Standing], error) {
	if err := h.guard.CanReadAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	st, err := h.standing(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &one[Standing]{Body: st}, nil
}

// RatingInput is one criterion's rating in a rating.
type RatingInput struct {
	Key   string `json:"key" minLength:"1" maxLength:"40" doc:"The criterion's key (see GET /api/v1/portfolio/criteria)."`
	Value int    `json:"value" minimum:"1" maximum:"5"`
	Note  string `json:"note,omitempty" maxLength:"2000"`
}

// RatingBody rates an account.
type RatingBody struct {
	Ratings []RatingInput `json:"ratings" nullable:"false" minItems:"1" maxItems:"20"`
	Reason  string        `json:"reason" minLength:"1" maxLength:"2000" doc:"Why the account is rated so; kept in the score history."`
}

type rateInput struct {
	IDParam
	Body RatingBody
}

func (h *handlers) rateAccount(ctx context.Context, in *rateInput) (*created[Standing], error) {
	if err := h.guard.CanReadAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	if err := h.guard.CanEdit(ctx, in.ID, access.PartAccount); err != nil {
		return nil, err
	}
	sub := pf.Submission{Reason: in.Body.Reason}
	for _, r := range in.Body.Ratings {
		sub.Ratings = append(sub.Ratings, pf.CriterionRating{Key: r.Key, Value: r.Value, Note: r.Note})
	}
	if _, err := h.db.RateAccount(ctx, h.guard.Scope(ctx), in.ID, sub); err != nil {
		return nil, err
	}
	st, err := h.standing(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &created[Standing]{Location: location("accounts", in.ID) + "/standing", Body: st}, nil
}

// DecisionBody is the leader's decision on an account.
type DecisionBody struct {
	Decision string `json:"decision" enum:"designated,declined,undecided"`
	Reason   string `json:"reason,omitempty" maxLength:"2000" doc:"Required to designate or decline."`
}

type decisionInput struct {
	IDParam
	Body DecisionBody
}

func (h *handlers) decideDesignation(ctx context.Context, in *decisionInput) (*one[Standing], error) {
	if err := h.guard.CanReadAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	d := pf.Decision(in.Body.Decision)
	if d == "undecided" {
		d = pf.Undecided
	}
	if err := h.db.Decide(ctx, h.guard.Scope(ctx), in.ID, d, in.Body.Reason); err != nil {
		return nil, err
	}
	st, err := h.standing(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &one[Standing]{Body: st}, nil
}

// OverrideBody sets a tier by hand.
type OverrideBody struct {
	Tier   string `json:"tier" enum:"A,B,C"`
	Reason string `json:"reason" minLength:"1" maxLength:"2000"`
}

type overrideInput struct {
	IDParam
	Body OverrideBody
}

func (h *handlers) putTierOverride(ctx context.Context, in *overrideInput) (*one[Standing], error) {
	if err := h.guard.CanReadAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	if err := h.db.OverrideTier(ctx, h.guard.Scope(ctx), in.ID, pf.Tier(in.Body.Tier), in.Body.Reason); err != nil {
		return nil, err
	}
	st, err := h.standing(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &one[Standing]{Body: st}, nil
}

func (h *handlers) deleteTierOverride(ctx context.Context, in *deleteInput) (*struct{}, error) {
	if err := h.guard.CanReadAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.OverrideTier(ctx, h.guard.Scope(ctx), in.ID, "", "")
}

// ---- Badges on account objects -----------------------------------------------

// badgesFor fetches the portfolio badges of a page of accounts in one query.
func (h *handlers) badgesFor(ctx context.Context, accts ...account.Account) (map[int64]store.Badge, error) {
	ids := make([]int64, len(accts))
	for i, a := range accts {
		ids[i] = a.ID
	}
	return h.db.AccountBadges(ctx, h.guard.Scope(ctx), ids)
}

// withBadge adds the portfolio fields to an account's API form.
func withBadge(a Account, b store.Badge) Account {
	if b.Scored {
		s := b.Score
		a.StrategicScore = &s
	}
	if b.Tier != "" {
		t := string(b.Tier)
		a.Tier = &t
	}
	a.Strategic = b.Strategic()
	return a
}
