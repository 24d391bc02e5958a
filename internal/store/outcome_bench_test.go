package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/store"
)

// The outcome measures at 100,000 accounts, 300,000 contracts and 500,000
// opportunities (issue 9: under a second each, on SQLite and PostgreSQL).
//
// SQLite: SAMWISE_BENCH_OUTCOMES_DB names a copy of a database `samwise gen
// --accounts 100000` wrote (the benchmark may write to it: on first use it
// records tiers and designates the first 500 tier-A accounts strategic).
//
// PostgreSQL: with SAMWISE_TEST_POSTGRES_URL set, the benchmark uses the
// database samwise_bench_outcomes on that server, creating it and filling an
// organisation of the same size with plain INSERT ... SELECT on first use
// (loading 100,000 accounts through `samwise gen` takes hours on the local
// server; see the gen section). cpu-ms/op is this process's CPU (cpuTime in
// portfolio_bench_test.go): all of SQLite's work, little of PostgreSQL's.

func BenchmarkOutcomeRetentionSQLite(b *testing.B) {
	db, sc := benchOutcomesSQLite(b)
	benchRetention(b, db, sc)
}

func BenchmarkOutcomeRevenueSQLite(b *testing.B) {
	db, sc := benchOutcomesSQLite(b)
	benchRevenue(b, db, sc)
}

func BenchmarkOutcomeRetentionPostgres(b *testing.B) {
	db, sc := benchOutcomesPostgres(b)
	benchRetention(b, db, sc)
}

func BenchmarkOutcomeRevenuePostgres(b *testing.B) {
	db, sc := benchOutcomesPostgres(b)
	benchRevenue(b, db, sc)
}

func benchPeriod() (account.Date, account.Date) {
	today := account.DateOf(time.Now())
	return today.AddDays(-365), today
}

func benchRetention(b *testing.B, db *store.DB, sc account.Scope) {
	ctx := context.Background()
	from, to := benchPeriod()
	cpu := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op") }()
	for b.Loop() {
		r, err := db.RetentionReport(ctx, sc, from, to, "")
		if err != nil {
			b.Fatal(err)
		}
		if r.All.Cohort == 0 {
			b.Fatal("empty cohort")
		}
	}
	r, _ := db.RetentionReport(ctx, sc, from, to, "")
	b.ReportMetric(float64(r.All.Cohort), "cohort")
	b.Logf("logo %.3f GRR %.3f NRR %.3f; strategic %d accounts NRR %.3f", r.All.Logo, r.All.GRR, r.All.NRR, r.Strategic.Cohort, r.Strategic.NRR)
}

func benchRevenue(b *testing.B, db *store.DB, sc account.Scope) {
	ctx := context.Background()
	y := time.Now().Year()
	from, to := account.Date{Year: y - 1, Month: 1, Day: 1}, account.Date{Year: y, Month: 1, Day: 1}
	cpu := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op") }()
	for b.Loop() {
		m, err := db.Revenue(ctx, sc, from, to, "")
		if err != nil {
			b.Fatal(err)
		}
		if m.All.Open == 0 {
			b.Fatal("no pipeline")
		}
	}
	m, _ := db.Revenue(ctx, sc, from, to, "")
	b.Logf("open %d weighted %d won %d win rate %.3f managers %d", m.All.Open, m.All.Weighted, m.All.Won, m.All.WinRate, len(m.Managers))
}

func benchOutcomesSQLite(b *testing.B) (*store.DB, account.Scope) {
	b.Helper()
	path := os.Getenv("SAMWISE_BENCH_OUTCOMES_DB")
	if path == "" {
		b.Skip("set SAMWISE_BENCH_OUTCOMES_DB to a copy of a `samwise gen --accounts 100000` database")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	orgs, err := db.Organisations(ctx)
	if err != nil || len(orgs) == 0 {
		b.Fatalf("no organisation in %s (%v)", path, err)
	}
	sc := account.Scope{OrgID: orgs[0].ID, Actor: "benchmark"}
	tiers, err := db.AccountTiers(ctx, sc)
	if err != nil {
		b.Fatal(err)
	}
	if len(tiers) == 0 {
		b.Log("recording tiers and designating strategic accounts (first run only)")
		if _, err := db.RecomputeTiers(ctx, sc, "benchmark set-up"); err != nil {
			b.Fatal(err)
		}
		if tiers, err = db.AccountTiers(ctx, sc); err != nil {
			b.Fatal(err)
		}
		n := 0
		for id, t := range tiers {
			if t != portfolio.TierA || n == 500 {
				continue
			}
			if err := db.Decide(ctx, sc, id, portfolio.Designated, "benchmark"); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	return db, sc
}

const benchOutcomesSlug = "bench-outcomes-100k"

func benchOutcomesPostgres(b *testing.B) (*store.DB, account.Scope) {
	b.Helper()
	base := os.Getenv("SAMWISE_TEST_POSTGRES_URL")
	if base == "" {
		b.Skip("set SAMWISE_TEST_POSTGRES_URL")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	var exists bool
	if err := admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'samwise_bench_outcomes')`).Scan(&exists); err != nil {
		b.Fatal(err)
	}
	if !exists {
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE samwise_bench_outcomes`); err != nil {
			b.Fatal(err)
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/samwise_bench_outcomes"
	db, err := store.Open(ctx, u.String())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	org, err := db.OrganisationBySlug(ctx, benchOutcomesSlug)
	if account.ErrorCode(err) == account.ENOTFOUND {
		org = account.Organisation{Name: "Outcome benchmark", Slug: benchOutcomesSlug}
		err = db.CreateOrganisation(ctx, &org)
	}
	if err != nil {
		b.Fatal(err)
	}
	sc := account.Scope{OrgID: org.ID, Actor: "benchmark"}
	if as, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: 1}}); err != nil {
		b.Fatal(err)
	} else if len(as) == 0 {
		raw, err := sql.Open("pgx", u.String())
		if err != nil {
			b.Fatal(err)
		}
		defer raw.Close()
		start := time.Now()
		if err := fillOutcomeBench(ctx, raw, org.ID); err != nil {
			b.Fatal(err)
		}
		b.Logf("filled the benchmark organisation in %s", time.Since(start).Round(time.Second))
	}
	return db, sc
}

// fillOutcomeBench writes 200 managers, 100,000 accounts (5% tier A, a
// tenth of those strategic, 15% B, the rest C), three contracts and five
// opportunities per account, spread over three years around today, in the
// proportions `samwise gen` uses.
func fillOutcomeBench(ctx context.Context, raw *sql.DB, org int64) error {
	today := time.Now().UTC().Format(time.DateOnly)
	stmts := []string{
		`INSERT INTO people (org_id, name, email, created_at, updated_at)
			SELECT $1, 'Manager ' || g, 'manager' || g || '@bench.example', 0, 0 FROM generate_series(1, 200) g`,
		`INSERT INTO accounts (org_id, name, name_key, lifecycle, owner_id, created_at, updated_at)
			SELECT $1, 'Account ' || g, 'account ' || g, CASE WHEN g % 10 = 0 THEN 'former_customer' ELSE 'customer' END,
				(SELECT MIN(id) FROM people WHERE org_id = $1) + g % 200, 0, 0 FROM generate_series(1::bigint, 100000) g`,
		`INSERT INTO portfolio_accounts (org_id, account_id, tier, decision)
			SELECT $1, id, CASE WHEN n <= 5000 THEN 'A' WHEN n <= 20000 THEN 'B' ELSE 'C' END,
				CASE WHEN n <= 5000 AND n % 10 = 0 THEN 'designated' ELSE '' END
			FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM accounts WHERE org_id = $1) x`,
		`INSERT INTO contracts (org_id, account_id, product, annual_value, start_date, end_date, status, auto_renew,
				renewal_outcome, outcome_reason, renewed_value, renewal_forecast, created_at, updated_at)
			SELECT $1, a0 + (g - 1) / 3, 'Product ' || g % 7, v, s, e,
				CASE WHEN e < $2 THEN 'expired' ELSE 'active' END, g % 5 = 0,
				CASE WHEN e >= $2 THEN '' WHEN g % 10 = 0 THEN 'churned' WHEN g % 10 < 4 THEN 'renewed' WHEN g % 10 < 6 THEN 'expanded' ELSE '' END,
				CASE WHEN e < $2 AND g % 10 = 0 THEN 'Moved to a competitor' ELSE '' END,
				CASE WHEN e >= $2 THEN 0 WHEN g % 10 BETWEEN 1 AND 3 THEN v WHEN g % 10 BETWEEN 4 AND 5 THEN v * 6 / 5 ELSE 0 END,
				CASE WHEN e >= $2 AND g % 4 = 0 THEN 'at_risk' WHEN e >= $2 THEN 'likely' ELSE '' END, 0, 0
			FROM (SELECT g, (SELECT MIN(id) FROM accounts WHERE org_id = $1) AS a0, 100000 + (g * 104729) % 5000000 AS v,
				to_char($3::date - ((g * 7919) % 1095)::int, 'YYYY-MM-DD') AS s,
				to_char($3::date - ((g * 7919) % 1095)::int + (365 * (1 + g % 3) - 1)::int, 'YYYY-MM-DD') AS e
				FROM generate_series(1::bigint, 300000) g) x`,
		`INSERT INTO opportunities (org_id, account_id, owner_id, name, kind, stage, amount, actual_close, created_at, updated_at)
			SELECT $1, a0 + (g - 1) / 5, (SELECT MIN(id) FROM people WHERE org_id = $1) + ((g - 1) / 5 + 1) % 200, 'Opportunity ' || g, 'upsell',
				(ARRAY['prospecting', 'engaging', 'proposal', 'won', 'lost'])[1 + g % 5], 50000 + (g * 7907) % 2000000,
				CASE WHEN g % 5 >= 3 THEN to_char($2::date - ((g * 31) % 730)::int, 'YYYY-MM-DD') ELSE '' END, 0, 0
			FROM (SELECT g, (SELECT MIN(id) FROM accounts WHERE org_id = $1) AS a0 FROM generate_series(1::bigint, 500000) g) x`,
		`ANALYZE`,
	}
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i, q := range stmts {
		args := []any{org}
		switch i {
		case 3:
			args = append(args, today, today) // as text ($2) and as a date ($3)
		case 4:
			args = append(args, today)
		}
		if q == `ANALYZE` {
			args = nil
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}
