package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// EnvBenchDB names an existing SQLite database to benchmark on, such as the
// one `samwise gen --accounts 100000` makes. It is only read.
const EnvBenchDB = "SAMWISE_BENCH_DB"

// BenchmarkListAccountsFiltered measures GET /api/v1/accounts?limit=50&industry=X
// through the whole handler: routing, the access middleware, parameter
// validation, the store's query and JSON encoding. It runs on the database
// named by SAMWISE_BENCH_DB, or else on 3,000 accounts it creates, and
// reports the median and 99th percentile of the requests as p50-ms and
// p99-ms (run with -benchtime 2000x for a p99 over 2,000 requests).
func BenchmarkListAccountsFiltered(b *testing.B) {
	db, sc, industry := benchDB(b)
	mux := http.NewServeMux()
	Register(mux, Deps{DB: db, Guard: access.Unrestricted{S: sc}})
	first := "/api/v1/accounts?limit=50&industry=" + url.QueryEscape(industry)

	serve := func(b *testing.B, target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
		return rec
	}
	// The second page is what a client paging through the list asks next.
	var page listBody[Account]
	if err := json.Unmarshal(serve(b, first).Body.Bytes(), &page); err != nil {
		b.Fatal(err)
	}
	if len(page.Items) == 0 {
		b.Fatalf("no account in industry %q", industry)
	}
	targets := map[string]string{"first-page": first}
	if page.NextCursor != "" {
		targets["next-page"] = first + "&cursor=" + url.QueryEscape(page.NextCursor)
	}
	for _, name := range []string{"first-page", "next-page"} {
		target, ok := targets[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				serve(b, target)
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			ms := func(q float64) float64 {
				return float64(took[min(len(took)-1, int(q*float64(len(took))))]) / float64(time.Millisecond)
			}
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
		})
	}
}

// benchDB opens the benchmark database and returns the organisation to act
// in and the industry to filter by (the first one in use).
func benchDB(b *testing.B) (*store.DB, account.Scope, string) {
	ctx := context.Background()
	if p := os.Getenv(EnvBenchDB); p != "" {
		db, err := store.Open(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		orgs, err := db.Organisations(ctx)
		if err != nil || len(orgs) == 0 {
			b.Fatalf("%s has no organisation (%v)", p, err)
		}
		sc := account.Scope{OrgID: orgs[0].ID, Actor: "bench"}
		inds, err := db.Industries(ctx, sc)
		if err != nil || len(inds) == 0 {
			b.Fatalf("%s has no industry in use (%v)", p, err)
		}
		b.Logf("benchmarking on %s, organisation %q, industry %q", p, orgs[0].Name, inds[0])
		return db, sc, inds[0]
	}
	db, sc := storetest.New(b, store.SQLite)
	industries := []string{"Retail", "Energy", "Media", "Banking", "Health", "Logistics"}
	for i := range 3000 {
		a := account.Account{Name: fmt.Sprintf("Account %05d", i), Industry: industries[i%len(industries)],
			AnnualRevenue: int64(i) * 1000, Lifecycle: account.Customer}
		if err := db.CreateAccount(ctx, sc, &a); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("benchmarking on 3,000 generated accounts (set %s for a bigger database)", EnvBenchDB)
	return db, sc, industries[0]
}
