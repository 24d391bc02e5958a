package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
	"github.com/samwise-sam/samwise/internal/web"
)

// BenchmarkAccountPage measures the server time of GET /accounts/{id} — the
// account with its stakeholders, opportunities, contracts and a timeline of
// touches and changes — over accounts drawn at random. It runs on the
// SQLite database named by SAMWISE_BENCH_DB (a copy of the one `samwise gen
// --accounts 100000` makes; it is migrated to the current schema), or else on 500 accounts it creates,
// and reports p50-ms and p99-ms (use -benchtime 2000x).
func BenchmarkAccountPage(b *testing.B) {
	ctx := context.Background()
	db, sc := benchDB(b)
	// Sample account ids from the first pages of the list.
	var ids []int64
	cur := ""
	for len(ids) < 2000 {
		page, next, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: 500, Cursor: cur}})
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range page {
			ids = append(ids, a.ID)
		}
		if next == "" {
			break
		}
		cur = next
	}
	mux := http.NewServeMux()
	web.Register(mux, web.Deps{DB: db, Guard: access.Unrestricted{S: sc}, Log: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	r := rand.New(rand.NewPCG(1, 2))
	var took []time.Duration
	for b.Loop() {
		id := ids[r.IntN(len(ids))]
		rec := httptest.NewRecorder()
		start := time.Now()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, fmt.Sprintf("/accounts/%d", id), nil))
		took = append(took, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET /accounts/%d: %d", id, rec.Code)
		}
	}
	slices.Sort(took)
	ms := func(q float64) float64 {
		return float64(took[min(len(took)-1, int(q*float64(len(took))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// benchDB opens the SQLite database named by SAMWISE_BENCH_DB (migrated to
// the current schema; its first organisation), or else makes 500 accounts
// with five stakeholders and touches each.
func benchDB(b *testing.B) (*store.DB, account.Scope) {
	ctx := context.Background()
	var db *store.DB
	var sc account.Scope
	if p := os.Getenv("SAMWISE_BENCH_DB"); p != "" {
		var err error
		if db, err = store.Open(ctx, p); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		// Pages read tables of later migrations too: bring the copy up to date.
		if err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		orgs, err := db.Organisations(ctx)
		if err != nil || len(orgs) == 0 {
			b.Fatalf("%s has no organisation (%v)", p, err)
		}
		sc = account.Scope{OrgID: orgs[0].ID, Actor: "bench"}
	} else {
		db, sc = storetest.New(b, store.SQLite)
		for i := range 500 {
			a := account.Account{Name: fmt.Sprintf("Account %03d", i), Lifecycle: account.Customer}
			if err := db.CreateAccount(ctx, sc, &a); err != nil {
				b.Fatal(err)
			}
			for j := range 5 {
				s := account.Stakeholder{AccountID: a.ID, Name: fmt.Sprintf("Person %d", j)}
				if err := db.CreateStakeholder(ctx, sc, &s); err != nil {
					b.Fatal(err)
				}
				t := account.Touch{AccountID: a.ID, Kind: account.Call, OccurredAt: time.Now().AddDate(0, 0, -j), Summary: "Call", StakeholderIDs: []int64{s.ID}}
				if err := db.CreateTouch(ctx, sc, &t); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	return db, sc
}

// BenchmarkWorkloadPage measures the server time of GET /workload: the
// board, the relationships of the overloaded managers' accounts, the
// proposed moves and the page listing them. On the database `samwise gen
// --accounts 100000` makes (SAMWISE_BENCH_DB), a few managers own thousands
// of accounts each and the page lists every proposed move.
func BenchmarkWorkloadPage(b *testing.B) {
	benchPage(b, "/workload")
}

// benchPage requests path through the whole web handler b.N times on
// benchDB's database and reports the median server time and the page's size.
func benchPage(b *testing.B, path string) {
	db, sc := benchDB(b)
	mux := http.NewServeMux()
	web.Register(mux, web.Deps{DB: db, Guard: access.Unrestricted{S: sc}, Log: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	var took []time.Duration
	size := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		start := time.Now()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		took = append(took, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
		size = rec.Body.Len()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(size)/1024, "page-KiB")
}
