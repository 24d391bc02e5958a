package store_test

import (
	"context"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/outcome"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestBulkContractsCarryTheirRenewalsAndRetentionReadsThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc := storetest.New(t, d)
		ctx := context.Background()
		day := func(s string) account.Date { v, _ := account.ParseDate(s); return v }
		var succ, old account.Contract
		var ann account.Person
		_, err := db.Bulk(ctx, sc, store.BulkOptions{}, func(w *store.BulkWriter) error {
			ann = account.Person{Name: "Ann", Email: "ann@example.com"}
			if err := w.Person(&ann); err != nil {
				return err
			}
			a := account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &ann.ID}
			if err := w.Account(&a); err != nil {
				return err
			}
			succ = account.Contract{AccountID: a.ID, Product: "Core", AnnualValue: 120, Start: day("2025-07-01"), End: day("2026-06-30")}
			if err := w.ContractRenewal(&succ, store.RenewalUpdate{Forecast: outcome.AtRisk, NoticeDays: 60, OwnerID: &ann.ID}); err != nil {
				return err
			}
			old = account.Contract{AccountID: a.ID, Product: "Core", AnnualValue: 100, Start: day("2024-07-01"), End: day("2025-06-30"),
				Status: account.ContractExpired}
			return w.ContractRenewal(&old, store.RenewalUpdate{Outcome: outcome.Expanded, SuccessorID: &succ.ID, Forecast: outcome.Likely})
		})
		must(t, err)
		x, err := db.Renewal(ctx, sc, old.ID)
		must(t, err)
		if x.Outcome != outcome.Expanded || x.SuccessorID == nil || *x.SuccessorID != succ.ID {
			t.Fatalf("renewal read back: %+v", x)
		}
		y, err := db.Renewal(ctx, sc, succ.ID)
		must(t, err)
		if y.Forecast != outcome.AtRisk || y.OwnerID == nil || *y.OwnerID != ann.ID || y.NoticeBy.String() != "2026-05-01" {
			t.Fatalf("forecast read back: %+v", y)
		}
		rep, err := db.RetentionReport(ctx, sc, day("2025-01-01"), day("2026-01-01"), "")
		must(t, err)
		if rep.All.StartARR != 100 || rep.All.EndARR != 120 || rep.All.Expansion != 20 {
			t.Fatalf("retention: %+v", rep.All)
		}
		_, err = db.Bulk(ctx, sc, store.BulkOptions{}, func(w *store.BulkWriter) error {
			c := account.Contract{AccountID: 1, Product: "x", Start: day("2025-01-01")}
			return w.ContractRenewal(&c, store.RenewalUpdate{Outcome: outcome.Churned})
		})
		if account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("churn without a reason: %v", err)
		}
	})
}
