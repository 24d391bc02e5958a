package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/health"
	"github.com/samwise-sam/samwise/internal/store"
)

// healthHistory gives the fixture a history the back-test and the model
// can learn from: 48 past customers' snapshots three months before a
// renewal, low adherence and renewal signals ahead of churn; today's
// snapshot of the fixture's customers, a sharp drop on Acme, and a
// trained model.
func healthHistory(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	today := account.DateOf(now)
	var snaps []store.HealthSnapshot
	for k := 0; k < 48; k++ {
		a := account.Account{Name: fmt.Sprintf("Past %02d", k), Lifecycle: account.Customer}
		must(f.db.CreateAccount(ctx, f.sc, &a))
		churn := k%3 == 0
		s := health.Signals{health.Adherence: 55 + float64(k%45), health.Renewal: 60 + float64(k%40), health.NPS: float64(20 + k%60)}
		if churn {
			s[health.Adherence], s[health.Renewal] = 10+float64(k%50), 30+float64(k%50)
		}
		snaps = append(snaps, store.HealthSnapshot{AccountID: a.ID, Day: today.AddDays(-150), Signals: s,
			Tier: []string{"A", "B", "C", "B"}[k%4]})
		outcome := "renewed"
		if churn {
			outcome = "churned"
		}
		must(f.db.RecordHealthOutcome(ctx, f.sc, a.ID, today.AddDays(-60), outcome, "imported"))
	}
	// Acme was healthier yesterday and a week ago.
	for _, d := range []int{30, 7, 1} {
		v := 96.0 - float64(d)/10
		snaps = append(snaps, store.HealthSnapshot{AccountID: f.acme.ID, Day: today.AddDays(-d), Score: &v,
			Signals: health.Signals{health.Renewal: 100, health.Adherence: 95}})
	}
	must(f.db.PutHealthSnapshots(ctx, f.sc, snaps))
	_, err := f.db.SnapshotHealth(ctx, f.sc, today)
	must(err)
	run, err := f.db.TrainHealthModel(ctx, f.sc, today)
	must(err)
	if run.Model == nil {
		t.Fatalf("no model: %s", run.Message)
	}
}

func TestHealthPagesShowScoresRiskBacktestAndModel(t *testing.T) {
	f := newFixture(t, store.SQLite)
	// Before any history: empty states that say what to do.
	r := f.get("/health/model")
	if r.status != http.StatusOK || !strings.Contains(r.body, "No churn model yet") {
		t.Fatalf("model page before training: %d %s", r.status, r.body)
	}
	r = f.get("/health/backtest")
	if r.status != http.StatusOK || !strings.Contains(r.body, "Too little history") || strings.Contains(r.body, "adopt-weights") {
		t.Fatalf("back-test before history: %d", r.status)
	}
	if r := f.get(fmt.Sprintf("/accounts/%d", f.globex.ID)); strings.Contains(r.body, `id="health"`) {
		t.Error("a prospect shows a Health section")
	}
	healthHistory(t, f)

	r = f.get(fmt.Sprintf("/accounts/%d", f.acme.ID))
	for _, want := range []string{`id="health"`, "data-health-score", "data-churn-risk", "Top risk factors", "hl-bar", "hl-spark", "fell from"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("account page lacks %q", want)
		}
	}
	r = f.get("/health")
	if r.status != http.StatusOK || !strings.Contains(r.body, "Acme Corp") || !strings.Contains(r.body, "Sharp drops") || !strings.Contains(r.body, "Initech") {
		t.Fatalf("/health: %d", r.status)
	}
	for _, s := range []string{"name", "-score", "risk", "-change", "bogus"} {
		if r := f.get("/health?sort=" + s); r.status != http.StatusOK {
			t.Errorf("sort %s: %d", s, r.status)
		}
	}
	// Sorted by risk, highest first: the first account row has a risk.
	r = f.get("/health?sort=-risk")
	if i := strings.Index(r.body, "hl-risk-"); i < 0 {
		t.Error("no risk in the list")
	}

	r = f.get("/health/backtest")
	if !strings.Contains(r.body, "adopt-weights") || !strings.Contains(r.body, `data-proposed="adherence"`) {
		t.Fatalf("back-test page lacks proposed weights")
	}
	before, _ := f.db.HealthSettings(context.Background(), f.sc)
	r = f.post("/health/backtest/adopt", url.Values{})
	if r.status != http.StatusSeeOther || r.location != "/health/backtest?adopted=1" {
		t.Fatalf("adopt: %d %s", r.status, r.location)
	}
	after, _ := f.db.HealthSettings(context.Background(), f.sc)
	if after.Weights[health.Adherence] == before.Weights[health.Adherence] {
		t.Errorf("weights unchanged after adopting: %v", after.Weights)
	}
	if r := f.get("/health/backtest?adopted=1"); !strings.Contains(r.body, "Adopted from a back-test") {
		t.Error("the history of weights does not show the adoption")
	}

	r = f.get("/health/model")
	if !strings.Contains(r.body, "Held-out AUC") || !strings.Contains(r.body, "Calibration") {
		t.Errorf("model page: %s", r.body)
	}

	// Weights by hand: a bad number and all zeros are refused inline.
	form := url.Values{"drop_alert": {"15"}, "reason": {"test"}}
	for _, k := range health.Keys {
		form.Set("w_"+string(k), "0")
	}
	r = f.post("/health/weights", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "at least one weight must be above zero") {
		t.Errorf("all zero: %d", r.status)
	}
	form.Set("w_nps", "lots")
	form.Set("drop_alert", "150")
	r = f.post("/health/weights", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "must be a number") {
		t.Errorf("not a number: %d", r.status)
	}
	form.Set("w_nps", "30")
	form.Set("drop_alert", "10")
	if r = f.post("/health/weights", form); r.status != http.StatusSeeOther {
		t.Errorf("valid weights: %d %s", r.status, r.body)
	}
	if r := f.get("/health/weights?saved=1"); !strings.Contains(r.body, "The weights are saved") {
		t.Error("no saved notice")
	}

	alerts, _ := f.db.HealthAlerts(context.Background(), f.sc, 0, 0, false)
	if len(alerts) != 1 {
		t.Fatalf("alerts: %+v", alerts)
	}
	r = f.post(fmt.Sprintf("/health/alerts/%d/close", alerts[0].ID), url.Values{"back": {"account"}})
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, "#health") {
		t.Errorf("close alert: %d %s", r.status, r.location)
	}
	if r := f.post("/health/alerts/99999/close", url.Values{}); r.status != http.StatusNotFound {
		t.Errorf("close a missing alert: %d", r.status)
	}
}

func TestHealthListOfAnEmptyOrganisationSaysWhatToDo(t *testing.T) {
	f := newEmptyFixture(t, store.SQLite)
	r := f.get("/health")
	if r.status != http.StatusOK || !strings.Contains(r.body, "No customer accounts yet") {
		t.Fatalf("%d %s", r.status, r.body)
	}
}
