package api

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/health"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func init() { featureRules["PUT /api/v1/health/weights"] = access.SetPolicy }

// exerciseHealth calls every health operation once with a valid request
// (for TestEveryOperationAnswersAsDocumented).
func exerciseHealth(t *testing.T, e *env, acct int64) {
	t.Helper()
	for _, p := range []string{path("/api/v1/accounts/%d/health", acct), "/api/v1/health/weights", "/api/v1/health/backtest", "/api/v1/health/model"} {
		want(t, e.do(http.MethodGet, p, nil), http.StatusOK)
	}
	var p HealthPolicy
	e.do(http.MethodGet, "/api/v1/health/weights", nil).decode(t, &p)
	want(t, e.do(http.MethodPut, "/api/v1/health/weights", p), http.StatusOK)
}

func TestTheHealthAPIExplainsScoresAndProposesWeights(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.db.Now = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
		acct := e.create("accounts", map[string]any{"name": "Acme", "lifecycle": "customer"})
		e.create("contracts", map[string]any{"account_id": acct, "product": "Core", "annual_value": 100, "start": "2025-01-01", "end": "2025-12-31", "status": "expired"})
		e.create("contracts", map[string]any{"account_id": acct, "product": "Core", "annual_value": 120, "start": "2026-01-01", "end": "2026-08-30", "status": "active", "auto_renew": true})
		exerciseHealth(t, e, acct)

		var h AccountHealthOut
		r := e.do(http.MethodGet, path("/api/v1/accounts/%d/health", acct), nil)
		want(t, r, http.StatusOK)
		r.decode(t, &h)
		// Renewal 87.5 (weight 20), revenue 70 (weight 10) → 81.67.
		if !h.Scored || h.Score == nil || *h.Score != 81.67 || h.Band != "healthy" || h.Risk != nil || h.RiskNote == "" || len(h.Contributions) != 7 {
			t.Fatalf("health = %+v", h)
		}
		for _, c := range h.Contributions {
			if c.Signal == "nps" && !c.NoData {
				t.Errorf("NPS should have no data: %+v", c)
			}
			if c.Signal == "renewal" && c.Points != 58.33 {
				t.Errorf("renewal contributes %v; want 58.33", c.Points)
			}
		}
		want(t, e.do(http.MethodGet, "/api/v1/accounts/999999/health", nil), http.StatusNotFound)

		bad := HealthPolicyInput{Weights: HealthWeights{}, DropAlert: 15}
		want(t, e.do(http.MethodPut, "/api/v1/health/weights", bad), http.StatusUnprocessableEntity)
		want(t, e.do(http.MethodPut, "/api/v1/health/weights", map[string]any{"weights": map[string]any{"nps": -1}, "drop_alert": 15}), http.StatusBadRequest)

		var b HealthBacktestOut
		e.do(http.MethodGet, "/api/v1/health/backtest", nil).decode(t, &b)
		if b.Enough || b.Proposed != nil || b.Message == "" {
			t.Errorf("back-test without history = %+v", b)
		}
		// Forty accounts of history: low adherence churned.
		sc := e.sc
		var snaps []store.HealthSnapshot
		for k := 0; k < 40; k++ {
			id := e.create("accounts", map[string]any{"name": fmt.Sprintf("H%02d", k), "lifecycle": "customer"})
			churn := k%4 == 0
			adh := 70 + float64(k%20)
			if churn {
				adh = 10 + float64(k%20)
			}
			snaps = append(snaps, store.HealthSnapshot{AccountID: id, Day: healthDay(t, "2026-02-01"), Signals: health.Signals{health.Adherence: adh, health.NPS: float64(k % 50)}})
			outcome := "renewed"
			if churn {
				outcome = "churned"
			}
			if err := e.db.RecordHealthOutcome(t.Context(), sc, id, healthDay(t, "2026-05-01"), outcome, "imported"); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.db.PutHealthSnapshots(t.Context(), sc, snaps); err != nil {
			t.Fatal(err)
		}
		e.do(http.MethodGet, "/api/v1/health/backtest", nil).decode(t, &b)
		if !b.Enough || b.Proposed == nil || b.Outcomes != 40 || b.Churned != 10 {
			t.Fatalf("back-test = %+v", b)
		}
		in := HealthPolicyInput{Weights: *b.Proposed, DropAlert: 10, Source: "backtest", Reason: "adopted"}
		want(t, e.do(http.MethodPut, "/api/v1/health/weights", in), http.StatusOK)
		var p HealthPolicy
		e.do(http.MethodGet, "/api/v1/health/weights", nil).decode(t, &p)
		if p.Weights != *b.Proposed || p.DropAlert != 10 {
			t.Errorf("weights = %+v; want %+v", p, *b.Proposed)
		}

		var m HealthModelOut
		e.do(http.MethodGet, "/api/v1/health/model", nil).decode(t, &m)
		if m.Status != "none" {
			t.Errorf("model = %+v", m)
		}
		if _, err := e.db.TrainHealthModel(t.Context(), sc, healthDay(t, "2026-06-01")); err != nil {
			t.Fatal(err)
		}
		e.do(http.MethodGet, "/api/v1/health/model", nil).decode(t, &m)
		if m.Status != "trained" || m.Test == 0 || len(m.Coefficients) == 0 {
			t.Errorf("model = %+v", m)
		}
	})
}

func healthDay(t *testing.T, s string) account.Date {
	t.Helper()
	d, err := account.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
