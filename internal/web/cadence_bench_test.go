package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
	"github.com/samwise-sam/samwise/internal/web"
)

// BenchmarkMyWeek measures the server time of GET /week for an account
// manager who owns 100 accounts, in an organisation of 2,000 accounts with
// 5 stakeholders and 50 touches each (10,000 stakeholders, 100,000
// touches; see the comment in the loop), on SQLite. It reports p50-ms and p99-ms; the target is 30 ms.
func BenchmarkMyWeek(b *testing.B) {
	ctx := context.Background()
	db, sc := storetest.New(b, store.SQLite)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var manager int64
	_, err := db.Bulk(ctx, sc, store.BulkOptions{}, func(w *store.BulkWriter) error {
		var people []int64
		for i := range 20 {
			p := account.Person{Name: fmt.Sprintf("Manager %02d", i), Email: fmt.Sprintf("m%02d@example.com", i)}
			if err := w.Person(&p); err != nil {
				return err
			}
			people = append(people, p.ID)
		}
		manager = people[0]
		for i := range 2000 {
			owner := people[1+i%19]
			if i < 100 {
				owner = manager
			}
			a := account.Account{Name: fmt.Sprintf("Account %04d", i), Lifecycle: account.Customer, OwnerID: &owner}
			if err := w.Account(&a); err != nil {
				return err
			}
			var ss []int64
			for j := range 5 {
				s := account.Stakeholder{AccountID: a.ID, Name: fmt.Sprintf("Person %d-%d", i, j), Level: account.Levels[j%4], Active: true}
				if err := w.Stakeholder(&s); err != nil {
					return err
				}
				ss = append(ss, s.ID)
			}
			// Ten check-ins 90 days apart per stakeholder, the latest 0 to
			// 199 days ago, so that about a third are overdue and some due
			// soon; every tenth has an extra touch five days before its
			// latest (over-contacted).
			for j, sid := range ss {
				last := (i*7 + j*31) % 200
				for k := range 10 {
					days := last + 90*k
					if k == 9 && (i+j)%10 == 0 {
						days = last + 5
					}
					t := account.Touch{AccountID: a.ID, Kind: account.TouchKinds[k%len(account.TouchKinds)],
						OccurredAt: now.Add(-time.Duration(days) * 24 * time.Hour), Summary: "Touch",
						StakeholderIDs: []int64{sid}, PeopleIDs: []int64{owner}}
					if t.Kind == account.BusinessReview {
						t.Kind = account.Meeting
					}
					if err := w.Touch(&t); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	web.Register(mux, web.Deps{DB: db, Guard: access.Unrestricted{S: sc, Person: manager}, Now: func() time.Time { return now }})
	var took []time.Duration
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/week", nil)
		rec := httptest.NewRecorder()
		start := time.Now()
		mux.ServeHTTP(rec, req)
		took = append(took, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET /week = %d", rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/week", nil))
	b.ReportMetric(float64(strings.Count(rec.Body.String(), `<tr id="week-`)), "rows")
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}
