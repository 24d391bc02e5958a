package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/health"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// The other features' tables are written here with plain SQL, so that this
// test pins down what health reads from them and nothing else.
func TestHealthReadsNPSProblemsCoveragePlansRenewalsAndCustomFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		u := storetest.URL(t, d)
		db, err := store.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		org := account.Organisation{Name: "Signals", Slug: fmt.Sprintf("sig%d", time.Now().UnixNano())}
		if err := db.CreateOrganisation(ctx, &org); err != nil {
			t.Fatal(err)
		}
		sc := account.Scope{OrgID: org.ID, Actor: "test"}
		now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		today := day("2026-06-01")
		driver := "sqlite"
		if d == store.Postgres {
			driver = "pgx"
		}
		raw, err := sql.Open(driver, u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		exec := func(q string, args ...any) {
			t.Helper()
			_, err := raw.ExecContext(ctx, q, args...)
			must(err)
		}
		id := func(q string, args ...any) int64 {
			t.Helper()
			var n int64
			must(raw.QueryRowContext(ctx, q, args...).Scan(&n))
			return n
		}
		ms := now.UnixMilli()

		ann := &account.Person{Name: "Ann", Email: "ann@example.com"}
		must(db.CreatePerson(ctx, sc, ann))
		acme := &account.Account{Name: "Acme", Lifecycle: account.Customer}
		must(db.CreateAccount(ctx, sc, acme))
		var sh []account.Stakeholder
		for _, n := range []string{"Eve", "Olga", "Sam"} {
			s := account.Stakeholder{AccountID: acme.ID, Name: n, Active: true}
			must(db.CreateStakeholder(ctx, sc, &s))
			sh = append(sh, s)
		}
		// Coverage: Eve known strongly, Olga weakly, Sam not at all → 1/3.
		exec(`INSERT INTO relationships (org_id, account_id, stakeholder_id, person_id, strength, created_at, updated_at) VALUES ($1, $2, $3, $4, 'strong', $5, $5)`,
			org.ID, acme.ID, sh[0].ID, ann.ID, ms)
		exec(`INSERT INTO relationships (org_id, account_id, stakeholder_id, person_id, strength, created_at, updated_at) VALUES ($1, $2, $3, $4, 'weak', $5, $5)`,
			org.ID, acme.ID, sh[1].ID, ann.ID, ms)
		// NPS: Eve 3 then 10 (the latest counts), Olga 5, Sam 9, and an
		// answer older than a year that does not count → (2 − 1) / 3.
		camp := id(`INSERT INTO survey_campaigns (org_id, name, year, opens_on, closes_on, created_at, updated_at) VALUES ($1, 'NPS', 2026, '2026-01-01', '2026-12-31', $2, $2) RETURNING id`, org.ID, ms)
		for _, a := range []struct {
			sh    int64
			score int
			at    time.Time
		}{{sh[0].ID, 3, now.AddDate(0, -3, 0)}, {sh[0].ID, 10, now.AddDate(0, -1, 0)}, {sh[1].ID, 5, now.AddDate(0, -2, 0)},
			{sh[2].ID, 9, now.AddDate(0, -2, 0)}, {sh[1].ID, 0, now.AddDate(-2, 0, 0)}} {
			exec(`INSERT INTO survey_responses (org_id, campaign_id, account_id, stakeholder_id, score, answered_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				org.ID, camp, acme.ID, a.sh, a.score, a.at.UnixMilli())
		}
		// Problems: one high open, one low open, one critical resolved → 1.
		for _, p := range [][2]string{{"high", "open"}, {"low", "open"}, {"critical", "resolved"}} {
			exec(`INSERT INTO problems (org_id, account_id, title, severity, status, opened_at, created_at, updated_at) VALUES ($1, $2, 'x', $3, $4, $5, $5, $5)`,
				org.ID, acme.ID, p[0], p[1], ms)
		}
		// Plan progress: done and at risk → (100 + 30) / 2.
		pl := id(`INSERT INTO plans (org_id, account_id, title, status, created_at, updated_at) VALUES ($1, $2, 'Plan', 'active', $3, $3) RETURNING id`, org.ID, acme.ID, ms)
		exec(`INSERT INTO plan_initiative_status (org_id, plan_id, initiative_key, status, updated_at) VALUES ($1, $2, 'a', 'done', $3)`, org.ID, pl, ms)
		exec(`INSERT INTO plan_initiative_status (org_id, plan_id, initiative_key, status, updated_at) VALUES ($1, $2, 'b', 'at_risk', $3)`, org.ID, pl, ms)
		// Renewal in 90 days, forecast at risk → 25 + 75 × 0.5.
		c := &account.Contract{AccountID: acme.ID, Product: "Core", AnnualValue: 100, Start: day("2026-01-01"), End: day("2026-12-31"), Status: account.ContractActive}
		must(db.CreateContract(ctx, sc, c))
		exec(`UPDATE contracts SET renewal_date = '2026-08-30', renewal_forecast = 'at_risk' WHERE org_id = $1 AND id = $2`, org.ID, c.ID)

		h, err := db.AccountHealth(ctx, sc, acme.ID, today)
		must(err)
		want := map[health.Key]float64{health.Coverage: 100.0 / 3, health.NPS: (100.0/3 + 100) / 2, health.Problems: 50, health.Plan: 65, health.Renewal: 62.5}
		for k, v := range want {
			if got, ok := h.Signals[k]; !ok || math.Abs(got-v) > 1e-9 {
				t.Errorf("%s = %v (present %v); want %v", k, got, ok, v)
			}
		}

		// History: a churned renewal recorded on a contract, and churn
		// imported as a custom date; custom numbers and choices as features.
		gone := &account.Account{Name: "Gone", Lifecycle: account.Customer}
		must(db.CreateAccount(ctx, sc, gone))
		old := &account.Contract{AccountID: acme.ID, Product: "Old", AnnualValue: 50, Start: day("2025-01-01"), End: day("2025-12-31"), Status: account.ContractExpired}
		must(db.CreateContract(ctx, sc, old))
		exec(`UPDATE contracts SET renewal_outcome = 'contracted' WHERE org_id = $1 AND id = $2`, org.ID, old.ID)
		seats := id(`INSERT INTO custom_fields (org_id, entity, key, label, type, created_at, updated_at) VALUES ($1, 'account', 'seats', 'Seats', 'number', $2, $2) RETURNING id`, org.ID, ms)
		segment := id(`INSERT INTO custom_fields (org_id, entity, key, label, type, created_at, updated_at) VALUES ($1, 'account', 'segment', 'Segment', 'choice', $2, $2) RETURNING id`, org.ID, ms)
		churned := id(`INSERT INTO custom_fields (org_id, entity, key, label, type, created_at, updated_at) VALUES ($1, 'account', 'churned_on', 'Churned on', 'date', $2, $2) RETURNING id`, org.ID, ms)
		exec(`INSERT INTO custom_values (org_id, field_id, record_id, value) VALUES ($1, $2, $3, '120')`, org.ID, seats, acme.ID)
		exec(`INSERT INTO custom_values (org_id, field_id, record_id, value) VALUES ($1, $2, $3, 'enterprise')`, org.ID, segment, acme.ID)
		exec(`INSERT INTO custom_values (org_id, field_id, record_id, value) VALUES ($1, $2, $3, '2026-04-01')`, org.ID, churned, gone.ID)
		must(db.PutHealthSnapshots(ctx, sc, []store.HealthSnapshot{
			{AccountID: acme.ID, Day: day("2025-10-01"), Signals: health.Signals{health.NPS: 40}},
			{AccountID: gone.ID, Day: day("2026-01-15"), Signals: health.Signals{health.NPS: 10}},
		}))
		recs, err := db.HealthHistory(ctx, sc, today)
		must(err)
		if len(recs) != 2 {
			t.Fatalf("history %+v", recs)
		}
		for _, r := range recs {
			if !r.Churned {
				t.Errorf("%d: not churned", r.AccountID)
			}
			if r.AccountID == acme.ID && (r.Numbers["field:seats"] != 120 || r.Choices["field:segment"] != "enterprise") {
				t.Errorf("custom features %+v %+v", r.Numbers, r.Choices)
			}
		}
	})
}
