package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// BenchmarkSearchCampaignContacts times the contact picker's search over
// 200,000 contacts on SQLite: a query of ASCII letters (one LIKE) and one
// with an accented letter (one LIKE per way the name may be written).
func BenchmarkSearchCampaignContacts(b *testing.B) {
	ctx := context.Background()
	db, sc := storetest.New(b, store.SQLite)
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	_, err := db.Bulk(ctx, sc, store.BulkOptions{Large: true}, func(w *store.BulkWriter) error {
		for i := range 20000 {
			a := account.Account{Name: fmt.Sprintf("Account %05d", i), Lifecycle: account.Customer}
			if err := w.Account(&a); err != nil {
				return err
			}
			for j := range 10 {
				s := account.Stakeholder{AccountID: a.ID, Name: fmt.Sprintf("Contact %d-%d Zola", i, j), Level: account.Executive, Active: true}
				if i == 19999 && j == 9 {
					s.Name = "Émile Zola"
				}
				if err := w.Stakeholder(&s); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	camp := measure.Campaign{Name: "NPS", Year: 2026, OpensOn: account.DateOf(now), ClosesOn: account.DateOf(now).AddDays(10)}
	if err := db.CreateCampaign(ctx, sc, &camp); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"emile", "émile"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := db.SearchCampaignContacts(ctx, sc, camp.ID, q, 0, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
