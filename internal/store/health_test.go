package store_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/health"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestHealthSettingsKeepTheirHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		s, err := db.HealthSettings(ctx, sc)
		if err != nil || s.Weights[health.Adherence] != 20 || s.DropAlert != 15 {
			t.Fatalf("defaults %+v %v", s, err)
		}
		bad := health.Settings{Weights: health.Weights{health.NPS: -3}, DropAlert: 15}
		if err := db.SetHealthSettings(ctx, sc, bad, store.WeightsManual, ""); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("negative weight: %v", err)
		}
		s.Weights[health.NPS] = 40
		if err := db.SetHealthSettings(ctx, sc, s, store.WeightsBacktest, "adopted from back-test"); err != nil {
			t.Fatal(err)
		}
		got, _ := db.HealthSettings(ctx, sc)
		if got.Weights[health.NPS] != 40 {
			t.Errorf("saved %+v", got)
		}
		hist, err := db.HealthWeightHistory(ctx, sc, 10)
		if err != nil || len(hist) != 1 || hist[0].Source != "backtest" || hist[0].Reason != "adopted from back-test" {
			t.Fatalf("history %+v %v", hist, err)
		}
		audit, _, err := db.Audit(ctx, sc, store.AuditFilter{Entity: "health_settings"})
		if err != nil || len(audit) != 1 {
			t.Fatalf("audit %+v %v", audit, err)
		}
	})
}

func TestSnapshotsScoreCustomersAndAlertOnASharpDrop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		owner := &account.Person{Name: "Ann", Email: "ann@example.com"}
		must(db.CreatePerson(ctx, sc, owner))
		a := &account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &owner.ID}
		must(db.CreateAccount(ctx, sc, a))
		prospect := &account.Account{Name: "Maybe", Lifecycle: account.Prospect}
		must(db.CreateAccount(ctx, sc, prospect))
		// ARR 100 a year ago, 120 now (+20% → revenue 70); renewal in 90 days,
		// auto-renewing (likely 75 → 75 + 25 × 0.5 = 87.5).
		must(db.CreateContract(ctx, sc, &account.Contract{AccountID: a.ID, Product: "Core", AnnualValue: 100,
			Start: day("2025-01-01"), End: day("2025-12-31"), Status: account.ContractExpired}))
		must(db.CreateContract(ctx, sc, &account.Contract{AccountID: a.ID, Product: "Core", AnnualValue: 120,
			Start: day("2026-01-01"), End: day("2026-08-30"), Status: account.ContractActive, AutoRenew: true}))
		today := day("2026-06-01")
		// Yesterday's snapshot scored 97: today's 81.7 is a drop of 15.3.
		prev := 97.0
		must(db.PutHealthSnapshots(ctx, sc, []store.HealthSnapshot{{AccountID: a.ID, Day: day("2026-05-31"), Score: &prev,
			Signals: health.Signals{health.Revenue: 100}}}))
		st, err := db.SnapshotHealth(ctx, sc, today)
		must(err)
		if st.Accounts != 1 || st.Scored != 1 || st.Alerts != 1 {
			t.Fatalf("stats %+v", st)
		}
		h, err := db.AccountHealth(ctx, sc, a.ID, today)
		must(err)
		// (20 × 87.5 + 10 × 70) / 30 = 81.67: renewal and revenue only.
		if !h.Score.Scored || math.Abs(h.Score.Value-2450.0/30) > 1e-6 || h.Signals[health.Renewal] != 87.5 || h.Signals[health.Revenue] != 70 {
			t.Fatalf("health %+v", h)
		}
		if len(h.History) != 2 || len(h.Alerts) != 1 || h.Alerts[0].OwnerID != owner.ID || h.Risk != nil || h.RiskNote == "" {
			t.Fatalf("history %d alerts %+v risk %v %q", len(h.History), h.Alerts, h.Risk, h.RiskNote)
		}
		// Again the same day: the snapshot is replaced, no second alert.
		st, err = db.SnapshotHealth(ctx, sc, today)
		must(err)
		if st.Alerts != 0 {
			t.Errorf("second run raised %d alerts", st.Alerts)
		}
		alerts, err := db.HealthAlerts(ctx, sc, owner.ID, 0, false)
		must(err)
		if len(alerts) != 1 {
			t.Fatalf("alerts for the owner %+v", alerts)
		}
		if other, _ := db.HealthAlerts(ctx, sc, 999999, 0, false); len(other) != 0 {
			t.Errorf("alerts visible to a stranger: %+v", other)
		}
		must(db.CloseHealthAlert(ctx, sc, alerts[0].ID))
		if open, _ := db.HealthAlerts(ctx, sc, 0, 0, false); len(open) != 0 {
			t.Errorf("closed alert still open")
		}
		rows, run, err := db.HealthPortfolio(ctx, sc, 0, today)
		must(err)
		if run != nil || len(rows) != 1 || rows[0].AccountID != a.ID || !rows[0].Score.Scored {
			t.Fatalf("portfolio %+v", rows)
		}
		if _, err := db.AccountHealth(ctx, sc, 424242, today); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("missing account: %v", err)
		}
	})
}

func TestChurnModelLearnsFromRecordedAndImportedHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		today := day("2026-06-01")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		// Too little history at first.
		run, err := db.TrainHealthModel(ctx, sc, today)
		must(err)
		if run.Status != "too_little" || run.Model != nil || run.Message == "" {
			t.Fatalf("run %+v", run)
		}
		var snaps []store.HealthSnapshot
		var last account.Account
		for k := 0; k < 60; k++ {
			churn := k%3 == 0
			life := account.Customer
			if churn && k%2 == 0 {
				life = account.FormerCustomer // imported churn: a former customer, no outcome row
			}
			a := &account.Account{Name: fmt.Sprintf("A%02d", k), Lifecycle: life}
			must(db.CreateAccount(ctx, sc, a))
			adh := 80.0 + float64(k%7)
			if churn {
				adh = 20 + float64(k%11)
			}
			score := 50.0
			snaps = append(snaps, store.HealthSnapshot{AccountID: a.ID, Day: day("2026-03-01"), Score: &score,
				Signals: health.Signals{health.Adherence: adh, health.NPS: float64(30 + k%40)}, Tier: []string{"A", "B", "C"}[k%3], ARR: int64(1000 * (k + 1))})
			last = *a
			if life == account.FormerCustomer {
				continue
			}
			outcome := "renewed"
			if churn {
				outcome = "churned"
			}
			must(db.RecordHealthOutcome(ctx, sc, a.ID, day("2026-05-15"), outcome, "imported"))
		}
		must(db.PutHealthSnapshots(ctx, sc, snaps))
		if err := db.RecordHealthOutcome(ctx, sc, last.ID, today, "vanished", ""); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("bad outcome: %v", err)
		}
		recs, err := db.HealthHistory(ctx, sc, today)
		must(err)
		churned := 0
		for _, r := range recs {
			if r.Churned {
				churned++
			}
		}
		if len(recs) != 60 || churned != 20 {
			t.Fatalf("history: %d records, %d churned; want 60, 20", len(recs), churned)
		}
		b, _, err := db.HealthBacktest(ctx, sc, today)
		must(err)
		if !b.Enough || b.Proposed == nil || !b.HasScoreAUC {
			t.Fatalf("back-test %+v", b)
		}
		run, err = db.TrainHealthModel(ctx, sc, today)
		must(err)
		if run.Status != "trained" || run.Model == nil || !run.Model.Metrics.HasAUC {
			t.Fatalf("run %+v", run)
		}
		latest, err := db.LatestHealthModel(ctx, sc)
		must(err)
		if latest == nil || latest.ID != run.ID || latest.Model == nil || len(latest.Model.Coef) != len(run.Model.Coef) {
			t.Fatalf("latest %+v", latest)
		}
		// Only accounts with a signal today get a risk: give one a contract.
		must(db.CreateContract(ctx, sc, &account.Contract{AccountID: last.ID, Product: "Core", AnnualValue: 5000,
			Start: day("2026-01-01"), End: day("2026-12-31"), Status: account.ContractActive}))
		_, err = db.SnapshotHealth(ctx, sc, today)
		must(err)
		rows, _, err := db.HealthPortfolio(ctx, sc, 0, today)
		must(err)
		withRisk := 0
		for _, r := range rows {
			if r.Risk != nil && len(r.Risk.Factors) > 0 {
				withRisk++
			}
		}
		if withRisk != 1 {
			t.Errorf("%d accounts show a risk; want the one with signals", withRisk)
		}
	})
}

func TestHealthDailySnapshotsAndTrainsEveryOrganisation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		a := &account.Account{Name: "Daily", Lifecycle: account.Customer}
		if err := db.CreateAccount(ctx, sc, a); err != nil {
			t.Fatal(err)
		}
		today := account.DateOf(db.Now().UTC())
		if err := db.HealthDaily(ctx, today); err != nil {
			t.Fatal(err)
		}
		if n, err := db.HealthSnapshotCount(ctx, sc); err != nil || n != 1 {
			t.Errorf("snapshots %d %v", n, err)
		}
		run, err := db.LatestHealthModel(ctx, sc)
		if err != nil || run == nil || run.Status != "too_little" {
			t.Errorf("model run %+v %v", run, err)
		}
	})
}
