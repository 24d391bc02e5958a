package api

import (
	"context"
	"math"
	"net/http"
	"testing"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/outcome"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func init() {
	featureRules["PUT /api/v1/problems/targets"] = access.SetPolicy
	featureRules["PUT /api/v1/outcomes/settings"] = access.SetPolicy
}

// exerciseOutcomes calls every outcome operation once with a valid request
// (for TestEveryOperationAnswersAsDocumented): person owns acct.
func exerciseOutcomes(t *testing.T, e *env, acct, person int64) {
	t.Helper()
	call := func(method, p string, body any, status int) resp {
		t.Helper()
		r := e.do(method, p, body)
		want(t, r, status)
		return r
	}
	id := e.create("problems", map[string]any{"account_id": acct, "title": "Outage", "severity": "high", "owner_id": person})
	call(http.MethodGet, "/api/v1/problems?status=active", nil, 200)
	call(http.MethodGet, path("/api/v1/problems/%d", id), nil, 200)
	call(http.MethodPut, path("/api/v1/problems/%d", id), map[string]any{"title": "Outage", "severity": "high", "status": "resolved"}, 200)
	call(http.MethodGet, "/api/v1/problems/targets", nil, 200)
	call(http.MethodPut, "/api/v1/problems/targets", map[string]any{"targets": []map[string]any{
		{"tier": "A", "severity": "critical", "respond_hours": 0.5, "resolve_hours": 4}}}, 200)
	call(http.MethodPut, path("/api/v1/accounts/%d/escalation-path", acct), map[string]any{"steps": []string{"Desk", "Manager"}}, 200)
	call(http.MethodGet, path("/api/v1/accounts/%d/escalation-path", acct), nil, 200)
	con := e.create("contracts", map[string]any{"account_id": acct, "product": "Renewing", "annual_value": 100_00, "start": "2025-01-01", "end": "2099-12-31"})
	call(http.MethodPut, path("/api/v1/renewals/%d", con), map[string]any{"forecast": "at_risk", "notice_days": 30}, 200)
	call(http.MethodGet, "/api/v1/renewals?within=90", nil, 200)
	call(http.MethodGet, "/api/v1/metrics/retention", nil, 200)
	call(http.MethodGet, "/api/v1/metrics/revenue?tier=A", nil, 200)
	call(http.MethodGet, "/api/v1/metrics/roi", nil, 200)
	call(http.MethodGet, "/api/v1/metrics/resolution", nil, 200)
	call(http.MethodGet, path("/api/v1/accounts/%d/clv", acct), nil, 200)
	r := call(http.MethodGet, "/api/v1/outcomes/settings", nil, 200)
	var s OutcomeSettings
	r.decode(t, &s)
	s.MarginPercent = 55
	call(http.MethodPut, "/api/v1/outcomes/settings", s, 200)
	call(http.MethodDelete, path("/api/v1/problems/%d", id), nil, 204)
	call(http.MethodDelete, path("/api/v1/contracts/%d", con), nil, 204)
}

func TestOutcomeOperationsAnswerAsDocumented(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		person := e.create("people", map[string]any{"name": "Ann Manager", "email": "ann@example.com"})
		acct := e.create("accounts", map[string]any{"name": "Acme", "owner_id": person})
		exerciseOutcomes(t, e, acct, person)
	})
}

func TestTheMetricsAPIGivesTheHandWorkedFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		f, err := demo.SeedOutcomeFixture(context.Background(), e.db, e.sc)
		if err != nil {
			t.Fatal(err)
		}
		near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

		var ret outcome.RetentionReport
		r := e.do(http.MethodGet, "/api/v1/metrics/retention?from=2025-01-01&to=2026-01-01", nil)
		want(t, r, 200)
		r.decode(t, &ret)
		if !near(ret.All.GRR, 0.7) || !near(ret.All.NRR, 0.8) || !near(ret.All.Logo, 2.0/3) || !near(ret.Target, 0.95) || !ret.TargetMet {
			t.Fatalf("retention: %+v", ret)
		}
		r = e.do(http.MethodGet, "/api/v1/metrics/retention?from=2025-01-01&to=2026-01-01&tier=B", nil)
		want(t, r, 200)
		r.decode(t, &ret)
		if ret.All.Cohort != 1 || ret.All.Retained != 0 {
			t.Fatalf("tier B: %+v", ret.All)
		}
		want(t, e.do(http.MethodGet, "/api/v1/metrics/retention?from=2026-01-01&to=2025-01-01", nil), 422)
		want(t, e.do(http.MethodGet, "/api/v1/metrics/retention?from=2026-13-01", nil), 422)

		var rev RevenueReport
		r = e.do(http.MethodGet, "/api/v1/metrics/revenue?from=2025-01-01&to=2026-01-01", nil)
		want(t, r, 200)
		r.decode(t, &rev)
		if rev.All.Weighted != 460_000 || rev.All.Won != 1_200_000 || !near(rev.All.WinRate, 0.5) || rev.Period != "2025" {
			t.Fatalf("revenue: %+v", rev)
		}
		if len(rev.Managers) == 0 || rev.Managers[0].Name != "Ann Archer" || !near(rev.Managers[0].GoalShare, 0.75) {
			t.Fatalf("managers: %+v", rev.Managers)
		}

		var roi ROIReport
		r = e.do(http.MethodGet, "/api/v1/metrics/roi?from=2025-01-01&to=2026-01-01", nil)
		want(t, r, 200)
		r.decode(t, &roi)
		if roi.Cost != 270_000 || roi.ExtraMargin != 9_600_000 || !roi.Pays || roi.Hours != 27 {
			t.Fatalf("roi: %+v", roi)
		}

		var clv AccountCLV
		r = e.do(http.MethodGet, path("/api/v1/accounts/%d/clv", f.Acme.ID), nil)
		want(t, r, 200)
		r.decode(t, &clv)
		if clv.Value != 39_600_000 || clv.M != 7_200_000 || !near(clv.R, 0.9) || !near(clv.D, 0.1) {
			t.Fatalf("clv: %+v", clv)
		}

		var res ResolutionReport
		r = e.do(http.MethodGet, "/api/v1/metrics/resolution?from=2025-01-01&to=2026-01-01", nil)
		want(t, r, 200)
		r.decode(t, &res)
		if res.All.Resolve.Median != 13 || res.All.Resolve.P90 != 20 || res.All.Avoided != 1 {
			t.Fatalf("resolution: %+v", res.All)
		}

		// Field errors are 422 with the field named.
		r = e.do(http.MethodPost, "/api/v1/problems", map[string]any{"account_id": f.Acme.ID, "title": "x", "reported_by": 99999})
		want(t, r, 422)
		r = e.do(http.MethodPut, path("/api/v1/renewals/%d", f.GlobexSuccessor.ID), map[string]any{"outcome": "churned"})
		want(t, r, 422)
	})
}

func TestOutcomeWritesRespectTheAccountRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		f, err := demo.SeedOutcomeFixture(context.Background(), e.db, e.sc)
		if err != nil {
			t.Fatal(err)
		}
		g := &fakeGuard{Unrestricted: access.Unrestricted{S: e.sc}, hidden: f.Initech.ID, readOnly: f.Acme.ID}
		as := e.as(g)
		want(t, as.do(http.MethodGet, path("/api/v1/problems/%d", f.Breach.ID), nil), 404)
		want(t, as.do(http.MethodPut, path("/api/v1/problems/%d", f.Met.ID), map[string]any{"title": "x"}), 403)
		want(t, as.do(http.MethodPut, path("/api/v1/renewals/%d", f.AcmeContract.ID), map[string]any{"forecast": "lost"}), 403)
		want(t, as.do(http.MethodGet, path("/api/v1/accounts/%d/clv", f.Initech.ID), nil), 404)
	})
}

// FuzzPeriod: any from/to text gives a period or a field error, never a
// panic, and a period always ends after it starts.
func FuzzPeriod(f *testing.F) {
	f.Add("2025-01-01", "2026-01-01")
	f.Add("2026-13-01", "")
	f.Add("", "1999-02-29")
	f.Fuzz(func(t *testing.T, from, to string) {
		def := account.Date{Year: 2025, Month: 1, Day: 1}
		a, b, err := period(from, to, def, def.AddDays(365))
		if err == nil && !a.Before(b) {
			t.Fatalf("period %s..%s from %q %q", a, b, from, to)
		}
		if err != nil && account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("want EINVALID, got %v", err)
		}
	})
}
