package api

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/health"
	"github.com/samwise-sam/samwise/internal/store"
)

// Account health and churn risk: the score with its contributions, the
// weights, the back-test and the churn model's status. The rules live in
// package health (docs/health.md has the formulas).

const (
	accountHealthDoc = "The account's health score today, 0-100: the weighted mean of the signals that have data " +
		"(cadence adherence, NPS, open severe problems, renewal proximity and forecast, relationship coverage, plan " +
		"progress, revenue trend — each normalised 0-100), with each signal's contribution in points (they add up to the " +
		"score); signals without data say so and take no part. Also the score's history (daily snapshots, last 180 days), " +
		"open sharp-drop alerts, and the churn risk with its top factors (coefficient × standardised value, in log-odds; " +
		"positive raises the risk) when a churn model is trained — otherwise risk is null and risk_note says why."
	backtestDoc = "How well the health score and each signal would have predicted the renewals and churn in the " +
		"organisation's history (AUC: the probability that a kept account scored higher than a churned one; 0.5 is " +
		"chance), and weights fitted to that history (a non-negative logistic regression) that would have predicted it " +
		"better. With fewer than 30 outcomes or fewer than 5 of each kind, enough is false and nothing is proposed."
	modelDoc = "The latest training of the churn-risk model: trained (with its held-out AUC, the health score's AUC on " +
		"the same accounts, a calibration table by decile and the coefficients) or too_little history (the rule-based " +
		"health score stands in), or none when never trained."
)

func healthRoutes(api huma.API, h *handlers) {
	tags := []string{"Health"}
	register(api, h, huma.Operation{OperationID: "get-account-health", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/health",
		Summary: "Get an account's health score and churn risk", Description: accountHealthDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getAccountHealth)
	register(api, h, huma.Operation{OperationID: "get-health-weights", Method: http.MethodGet, Path: "/api/v1/health/weights",
		Summary: "Get the health-score weights", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getHealthWeights)
	register(api, h, huma.Operation{OperationID: "replace-health-weights", Method: http.MethodPut, Path: "/api/v1/health/weights",
		Summary: "Replace the health-score weights", Description: "SAM leaders only. Weights 0-1000, not all zero; " +
			"source backtest records that they were adopted from a back-test.", Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.putHealthWeights)
	register(api, h, huma.Operation{OperationID: "get-health-backtest", Method: http.MethodGet, Path: "/api/v1/health/backtest",
		Summary: "Back-test the health score", Description: backtestDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getHealthBacktest)
	register(api, h, huma.Operation{OperationID: "get-health-model", Method: http.MethodGet, Path: "/api/v1/health/model",
		Summary: "Get the churn model's status", Description: modelDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getHealthModel)
}

// HealthWeights are the weights of the signals, relative to each other.
type HealthWeights struct {
	Adherence float64 `json:"adherence" minimum:"0" maximum:"1000"`
	NPS       float64 `json:"nps" minimum:"0" maximum:"1000"`
	Problems  float64 `json:"problems" minimum:"0" maximum:"1000"`
	Renewal   float64 `json:"renewal" minimum:"0" maximum:"1000"`
	Coverage  float64 `json:"coverage" minimum:"0" maximum:"1000"`
	Plan      float64 `json:"plan" minimum:"0" maximum:"1000"`
	Revenue   float64 `json:"revenue" minimum:"0" maximum:"1000"`
}

func weightsOut(w health.Weights) HealthWeights {
	return HealthWeights{Adherence: w[health.Adherence], NPS: w[health.NPS], Problems: w[health.Problems], Renewal: w[health.Renewal],
		Coverage: w[health.Coverage], Plan: w[health.Plan], Revenue: w[health.Revenue]}
}

func (w HealthWeights) weights() health.Weights {
	return health.Weights{health.Adherence: w.Adherence, health.NPS: w.NPS, health.Problems: w.Problems, health.Renewal: w.Renewal,
		health.Coverage: w.Coverage, health.Plan: w.Plan, health.Revenue: w.Revenue}
}

// HealthPolicy is the organisation's health policy.
type HealthPolicy struct {
	Weights   HealthWeights `json:"weights"`
	DropAlert float64       `json:"drop_alert" minimum:"0" maximum:"100" doc:"A fall of at least this many points from the previous snapshot alerts the account manager; 0 turns alerts off."`
}

// HealthPolicyInput is a new health policy.
type HealthPolicyInput struct {
	Weights   HealthWeights `json:"weights"`
	DropAlert float64       `json:"drop_alert" minimum:"0" maximum:"100"`
	Source    string        `json:"source,omitempty" enum:"manual,backtest" default:"manual" doc:"backtest when adopting the back-test's proposed weights."`
	Reason    string        `json:"reason,omitempty" maxLength:"500"`
}

func (h *handlers) getHealthWeights(ctx context.Context, _ *struct{}) (*one[HealthPolicy], error) {
	s, err := h.db.HealthSettings(ctx, h.guard.Scope(ctx))
	if err != nil {
		return nil, err
	}
	return &one[HealthPolicy]{Body: HealthPolicy{Weights: weightsOut(s.Weights), DropAlert: s.DropAlert}}, nil
}

func (h *handlers) putHealthWeights(ctx context.Context, in *createInput[HealthPolicyInput]) (*one[HealthPolicy], error) {
	s := health.Settings{Weights: in.Body.Weights.weights(), DropAlert: in.Body.DropAlert}
	if err := h.db.SetHealthSettings(ctx, h.guard.Scope(ctx), s, in.Body.Source, in.Body.Reason); err != nil {
		return nil, err
	}
	return h.getHealthWeights(ctx, nil)
}

// HealthContribution is one signal's part in a score.
type HealthContribution struct {
	Signal string  `json:"signal" enum:"adherence,nps,problems,renewal,coverage,plan,revenue"`
	Label  string  `json:"label"`
	NoData bool    `json:"no_data" doc:"The data cannot answer this signal; it takes no part."`
	Value  float64 `json:"value" doc:"The signal, 0-100 (0 when no_data)."`
	Weight float64 `json:"weight"`
	Points float64 `json:"points" doc:"What the signal adds to the score: value × weight ÷ the sum of the weights of signals with data."`
}

// HealthPoint is a past score.
type HealthPoint struct {
	Day   account.Date `json:"day"`
	Score *float64     `json:"score" doc:"null when no signal had data that day."`
}

// RiskFactor is one feature's push on the churn risk.
type RiskFactor struct {
	Name   string  `json:"name"`
	Effect float64 `json:"effect" doc:"Coefficient × standardised value, in log-odds; positive raises the risk."`
}

// ChurnRisk is the churn model's prediction.
type ChurnRisk struct {
	Probability float64      `json:"probability" minimum:"0" maximum:"1" doc:"Predicted probability of churn at the next renewal."`
	Factors     []RiskFactor `json:"factors" nullable:"false"`
	TrainedAt   time.Time    `json:"trained_at"`
}

// HealthAlertOut is a sharp drop of an account's health.
type HealthAlertOut struct {
	ID        int64        `json:"id"`
	AccountID int64        `json:"account_id"`
	Day       account.Date `json:"day"`
	PrevScore float64      `json:"prev_score"`
	Score     float64      `json:"score"`
	Message   string       `json:"message"`
}

// AccountHealthOut is an account's health.
type AccountHealthOut struct {
	AccountID     int64                `json:"account_id"`
	AsOf          account.Date         `json:"as_of" doc:"The day evaluated, in UTC."`
	Scored        bool                 `json:"scored" doc:"false when no weighted signal has data (or the account is not a customer)."`
	Score         *float64             `json:"score" doc:"0-100; null when not scored."`
	Band          string               `json:"band" enum:"healthy,watch,at_risk,no_data" doc:"healthy ≥ 70, watch 40-69.99, at_risk < 40."`
	Contributions []HealthContribution `json:"contributions" nullable:"false"`
	History       []HealthPoint        `json:"history" nullable:"false"`
	Risk          *ChurnRisk           `json:"risk,omitempty" doc:"Absent when no churn model is trained."`
	RiskNote      string               `json:"risk_note,omitempty"`
	Alerts        []HealthAlertOut     `json:"alerts" nullable:"false"`
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func (h *handlers) getAccountHealth(ctx context.Context, in *getInput) (*one[AccountHealthOut], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	today := h.today()
	ah, err := h.db.AccountHealth(ctx, h.guard.Scope(ctx), in.ID, today)
	if err != nil {
		return nil, err
	}
	out := AccountHealthOut{AccountID: in.ID, AsOf: today, Scored: ah.Score.Scored, Band: string(ah.Score.Band), RiskNote: ah.RiskNote,
		Contributions: []HealthContribution{}, History: []HealthPoint{}, Alerts: []HealthAlertOut{}}
	if ah.Score.Scored {
		v := round2(ah.Score.Value)
		out.Score = &v
	}
	for _, c := range ah.Score.Contributions {
		out.Contributions = append(out.Contributions, HealthContribution{Signal: string(c.Key), Label: c.Label, NoData: c.NoData,
			Value: round2(c.Value), Weight: c.Weight, Points: round2(c.Points)})
	}
	for _, s := range ah.History {
		out.History = append(out.History, HealthPoint{Day: s.Day, Score: s.Score})
	}
	if r := ah.Risk; r != nil {
		cr := &ChurnRisk{Probability: math.Round(r.Probability*1000) / 1000, TrainedAt: r.TrainedAt, Factors: []RiskFactor{}}
		for _, f := range r.Factors {
			cr.Factors = append(cr.Factors, RiskFactor{Name: f.Name, Effect: math.Round(f.Effect*1000) / 1000})
		}
		out.Risk = cr
	}
	for _, a := range ah.Alerts {
		out.Alerts = append(out.Alerts, HealthAlertOut{ID: a.ID, AccountID: a.AccountID, Day: a.Day, PrevScore: round2(a.PrevScore),
			Score: round2(a.Score), Message: a.Message})
	}
	return &one[AccountHealthOut]{Body: out}, nil
}

// SignalBacktest is how well one signal would have predicted retention.
type SignalBacktest struct {
	Signal   string   `json:"signal"`
	Label    string   `json:"label"`
	N        int      `json:"n" doc:"Outcomes where the signal had data."`
	AUC      *float64 `json:"auc" doc:"null when the outcomes with data were all of one kind."`
	Weight   float64  `json:"weight" doc:"The weight in force, as a share of 100."`
	Proposed *float64 `json:"proposed" doc:"The proposed weight, as a share of 100; null without enough history."`
}

// HealthBacktestOut is the back-test of the health score.
type HealthBacktestOut struct {
	Outcomes    int              `json:"outcomes" doc:"Renewal outcomes with a snapshot 30 to 400 days before them."`
	Churned     int              `json:"churned" doc:"Churned or contracted."`
	Kept        int              `json:"kept" doc:"Renewed or expanded."`
	Enough      bool             `json:"enough"`
	Message     string           `json:"message,omitempty"`
	ScoreAUC    *float64         `json:"score_auc" doc:"The score's AUC with the weights in force."`
	ProposedAUC *float64         `json:"proposed_auc" doc:"The score's AUC with the proposed weights."`
	Better      bool             `json:"better" doc:"The proposed weights would have predicted better."`
	Proposed    *HealthWeights   `json:"proposed,omitempty" doc:"Proposed weights (shares of 100); absent without enough history."`
	Signals     []SignalBacktest `json:"signals" nullable:"false"`
}

func aucPtr(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	r := math.Round(v*1000) / 1000
	return &r
}

func (h *handlers) getHealthBacktest(ctx context.Context, _ *struct{}) (*one[HealthBacktestOut], error) {
	b, _, err := h.db.HealthBacktest(ctx, h.guard.Scope(ctx), h.today())
	if err != nil {
		return nil, err
	}
	out := HealthBacktestOut{Outcomes: b.Examples, Churned: b.Churned, Kept: b.Kept, Enough: b.Enough, Message: b.Message,
		ScoreAUC: aucPtr(b.ScoreAUC, b.HasScoreAUC), Better: b.Better(), Signals: []SignalBacktest{}}
	if b.Proposed != nil {
		w := weightsOut(b.Proposed)
		out.Proposed = &w
		out.ProposedAUC = aucPtr(b.ProposedAUC, true)
	}
	for _, s := range b.Signals {
		sb := SignalBacktest{Signal: string(s.Key), Label: s.Label, N: s.N, AUC: aucPtr(s.AUC, s.HasAUC), Weight: round2(s.Weight)}
		if b.Proposed != nil {
			p := s.Proposed
			sb.Proposed = &p
		}
		out.Signals = append(out.Signals, sb)
	}
	return &one[HealthBacktestOut]{Body: out}, nil
}

// CalibrationBin is one decile of held-out accounts sorted by predicted risk.
type CalibrationBin struct {
	Decile    int     `json:"decile"`
	N         int     `json:"n"`
	Predicted float64 `json:"predicted" doc:"Mean predicted churn probability."`
	Observed  float64 `json:"observed" doc:"Observed churn rate."`
}

// Coefficient is one feature's weight in the churn model.
type Coefficient struct {
	Name string  `json:"name"`
	Coef float64 `json:"coef" doc:"Per standard deviation of the feature, in log-odds."`
}

// HealthModelOut is the churn model's status.
type HealthModelOut struct {
	Status       string           `json:"status" enum:"none,trained,too_little"`
	Message      string           `json:"message,omitempty"`
	TrainedAt    *time.Time       `json:"trained_at"`
	Outcomes     int              `json:"outcomes"`
	Churned      int              `json:"churned"`
	Train        int              `json:"train" doc:"Records the model was fitted on."`
	Test         int              `json:"test" doc:"Held-out records it was evaluated on."`
	AUC          *float64         `json:"auc" doc:"Held-out AUC of the churn risk."`
	ScoreAUC     *float64         `json:"score_auc" doc:"Held-out AUC of the rule-based health score (risk = 100 − score)."`
	Calibration  []CalibrationBin `json:"calibration" nullable:"false"`
	Coefficients []Coefficient    `json:"coefficients" nullable:"false"`
}

// modelStatus describes a training run for the API and the pages.
func modelStatus(run *store.HealthModelRun) HealthModelOut {
	out := HealthModelOut{Status: "none", Calibration: []CalibrationBin{}, Coefficients: []Coefficient{}}
	if run == nil {
		out.Message = "No churn model yet: run “samwise model train”."
		return out
	}
	at := run.TrainedAt
	out.Status, out.Message, out.TrainedAt, out.Outcomes, out.Churned = run.Status, run.Message, &at, run.Outcomes, run.Churned
	if m := run.Model; m != nil {
		mt := m.Metrics
		out.Train, out.Test = mt.Train, mt.Test
		out.AUC, out.ScoreAUC = aucPtr(mt.AUC, mt.HasAUC), aucPtr(mt.ScoreAUC, mt.HasScoreAUC)
		for _, b := range mt.Calibration {
			out.Calibration = append(out.Calibration, CalibrationBin{Decile: b.Decile, N: b.N,
				Predicted: math.Round(b.Predicted*1000) / 1000, Observed: math.Round(b.Observed*1000) / 1000})
		}
		for j, n := range m.Encoder.Names() {
			if j < len(m.Coef) {
				out.Coefficients = append(out.Coefficients, Coefficient{Name: n, Coef: math.Round(m.Coef[j]*1000) / 1000})
			}
		}
	}
	return out
}

func (h *handlers) getHealthModel(ctx context.Context, _ *struct{}) (*one[HealthModelOut], error) {
	run, err := h.db.LatestHealthModel(ctx, h.guard.Scope(ctx))
	if err != nil {
		return nil, err
	}
	return &one[HealthModelOut]{Body: modelStatus(run)}, nil
}
