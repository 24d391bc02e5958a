package demo_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

var demoNow = time.Date(2026, 3, 1, 15, 30, 0, 0, time.UTC)

// loadDemo loads the demo portfolio into a fresh SQLite database, or into
// the package's PostgreSQL database once (the demo organisation is unique).
func loadDemo(t *testing.T, d store.Dialect) (*store.DB, *sql.DB, demo.Result) {
	t.Helper()
	db, raw := openRaw(t, d)
	res, err := demo.Install(context.Background(), db, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	return db, raw, res
}

func TestDemoLoadsThePortfolioOnceWithTheDocumentedSizes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, _, res := loadDemo(t, d)
		if d == store.SQLite && !res.Loaded {
			t.Fatal("a fresh database did not get the demo")
		}
		if res.Loaded {
			c := res.Counts
			for _, n := range []struct {
				what      string
				got, want int64
			}{
				{"people", c.People, 12}, {"accounts", c.Accounts, demo.DemoAccounts},
				{"stakeholders", c.Stakeholders, demo.DemoStakeholders}, {"touches", c.Touches, demo.DemoTouches},
				{"opportunities", c.Opportunities, 360}, {"contracts", c.Contracts, 220},
			} {
				if !within(n.got, n.want) {
					t.Errorf("%s: %d, want %d ±10%%", n.what, n.got, n.want)
				}
			}
		}
		again, err := demo.Install(context.Background(), db, demoNow.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if again.Loaded || again.Org.ID != res.Org.ID || again.Scope != res.Scope {
			t.Errorf("second load: %+v, want nothing loaded into org %d", again, res.Org.ID)
		}
		sc, err := demo.Load(context.Background(), db, demoNow)
		if err != nil || sc.OrgID != res.Org.ID {
			t.Errorf("Load = %+v, %v; want the demo scope", sc, err)
		}
	})
}

func TestDemoShowsEveryStateLaterFeaturesDisplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		_, raw, res := loadDemo(t, d)
		org := res.Org.ID
		now := demoNow.UnixMilli()
		dayMS := int64(24 * time.Hour / time.Millisecond)
		today := account.DateOf(demoNow)
		in := func(days int) string { return today.AddDays(days).String() }
		checks := []struct {
			name  string
			query string
			args  []any
		}{
			{"an account has no owner", `SELECT COUNT(*) FROM accounts WHERE org_id = $1 AND owner_id IS NULL`, nil},
			{"one owner has at least twice the accounts of any other", `SELECT COUNT(*) FROM (SELECT owner_id, COUNT(*) AS n FROM accounts
				WHERE org_id = $1 AND owner_id IS NOT NULL GROUP BY owner_id) o
				WHERE o.n >= 2 * (SELECT MAX(n2) FROM (SELECT COUNT(*) AS n2 FROM accounts WHERE org_id = $1 AND owner_id IS NOT NULL
				AND owner_id <> o.owner_id GROUP BY owner_id) x)`, nil},
			{"a customer's active executive has had no touch for 200 days", `SELECT COUNT(*) FROM stakeholders s
				JOIN accounts a ON a.org_id = s.org_id AND a.id = s.account_id
				WHERE s.org_id = $1 AND s.level = 'executive' AND s.active = $3 AND a.lifecycle = 'customer'
				AND COALESCE((SELECT MAX(occurred_at) FROM touch_stakeholders ts WHERE ts.org_id = s.org_id AND ts.stakeholder_id = s.id), 0) < $2`,
				[]any{now - 200*dayMS, true}},
			{"an executive was never touched", `SELECT COUNT(*) FROM stakeholders s WHERE s.org_id = $1 AND s.level = 'executive'
				AND NOT EXISTS (SELECT 1 FROM touch_stakeholders ts WHERE ts.org_id = s.org_id AND ts.stakeholder_id = s.id)`, nil},
			{"a stakeholder was touched twice within a week lately", `SELECT COUNT(*) FROM touch_stakeholders a
				JOIN touch_stakeholders b ON b.org_id = a.org_id AND b.stakeholder_id = a.stakeholder_id AND b.touch_id <> a.touch_id
				WHERE a.org_id = $1 AND a.occurred_at > $2 AND b.occurred_at > a.occurred_at AND b.occurred_at - a.occurred_at < $3`,
				[]any{now - 60*dayMS, 7 * dayMS}},
			{"some stakeholders are inactive", `SELECT COUNT(*) FROM stakeholders WHERE org_id = $1 AND active = $2`, []any{false}},
			{"a parent has a subsidiary", `SELECT COUNT(*) FROM accounts WHERE org_id = $1 AND parent_id IS NOT NULL`, nil},
			{"a former customer has no active contract", `SELECT COUNT(*) FROM accounts a WHERE a.org_id = $1 AND a.lifecycle = 'former_customer'
				AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.org_id = a.org_id AND c.account_id = a.id AND c.status = 'active')`, nil},
			{"a contract auto-renews", `SELECT COUNT(*) FROM contracts WHERE org_id = $1 AND auto_renew = $2`, []any{true}},
			{"an active contract renews within 30 days", `SELECT COUNT(*) FROM contracts WHERE org_id = $1 AND status = 'active' AND end_date >= $2 AND end_date <= $3`, []any{in(0), in(30)}},
			{"an active contract renews in 31-60 days", `SELECT COUNT(*) FROM contracts WHERE org_id = $1 AND status = 'active' AND end_date > $2 AND end_date <= $3`, []any{in(30), in(60)}},
			{"an active contract renews in 61-90 days", `SELECT COUNT(*) FROM contracts WHERE org_id = $1 AND status = 'active' AND end_date > $2 AND end_date <= $3`, []any{in(60), in(90)}},
			{"an open opportunity has slipped past its expected close", `SELECT COUNT(*) FROM opportunities WHERE org_id = $1 AND stage NOT IN ('won', 'lost') AND expected_close < $2`, []any{in(0)}},
		}
		for _, s := range account.Stages {
			checks = append(checks, struct {
				name  string
				query string
				args  []any
			}{"an opportunity is " + string(s), `SELECT COUNT(*) FROM opportunities WHERE org_id = $1 AND stage = $2`, []any{string(s)}})
		}
		for _, k := range account.OpportunityKinds {
			checks = append(checks, struct {
				name  string
				query string
				args  []any
			}{"an opportunity is of kind " + string(k), `SELECT COUNT(*) FROM opportunities WHERE org_id = $1 AND kind = $2`, []any{string(k)}})
		}
		for _, s := range account.ContractStatuses {
			checks = append(checks, struct {
				name  string
				query string
				args  []any
			}{"a contract is " + string(s), `SELECT COUNT(*) FROM contracts WHERE org_id = $1 AND status = $2`, []any{string(s)}})
		}
		for _, l := range account.Lifecycles {
			checks = append(checks, struct {
				name  string
				query string
				args  []any
			}{"an account is a " + string(l), `SELECT COUNT(*) FROM accounts WHERE org_id = $1 AND lifecycle = $2`, []any{string(l)}})
		}
		for _, b := range []account.BuyingRole{account.Champion, account.Blocker, account.DecisionMaker} {
			checks = append(checks, struct {
				name  string
				query string
				args  []any
			}{"a stakeholder is a " + string(b), `SELECT COUNT(*) FROM stakeholders WHERE org_id = $1 AND buying_role = $2`, []any{string(b)}})
		}
		for _, c := range checks {
			t.Run(c.name, func(t *testing.T) {
				if n := count(t, raw, c.query, append([]any{org}, c.args...)...); n == 0 {
					t.Error("no such record")
				}
			})
		}
	})
}

func TestDemoRevenueIsParetoLike(t *testing.T) {
	_, raw, res := loadDemo(t, store.SQLite)
	rows, err := raw.Query(`SELECT COALESCE(SUM(c.annual_value), 0) FROM accounts a
		LEFT JOIN contracts c ON c.org_id = a.org_id AND c.account_id = a.id AND c.status = 'active'
		WHERE a.org_id = $1 GROUP BY a.id`, res.Org.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var arr []int64
	var total int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		arr, total = append(arr, v), total+v
	}
	slices.Sort(arr)
	slices.Reverse(arr)
	var top int64
	for _, v := range arr[:len(arr)/5] {
		top += v
	}
	if share := float64(top) / float64(total); share < 0.6 {
		t.Errorf("the top 20%% of accounts hold %.0f%% of active ARR, want a Pareto-like 60%% or more", 100*share)
	}
	big, small := count(t, raw, `SELECT MAX(employees) FROM accounts WHERE org_id = $1`, res.Org.ID),
		count(t, raw, `SELECT MIN(employees) FROM accounts WHERE org_id = $1`, res.Org.ID)
	if big < 100*small {
		t.Errorf("employees range %d..%d; want large and tiny accounts (a factor of 100 or more)", small, big)
	}
}

func TestDemoTouchesFollowTheAttendanceRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		_, raw, res := loadDemo(t, d)
		org := res.Org.ID
		for _, c := range []struct {
			name, query string
			args        []any
		}{
			{"a touch without one or two of our people", `SELECT COUNT(*) FROM touches t WHERE t.org_id = $1 AND
				(SELECT COUNT(*) FROM touch_people p WHERE p.org_id = t.org_id AND p.touch_id = t.id) NOT BETWEEN 1 AND 2`, nil},
			{"a touch without one to three stakeholders", `SELECT COUNT(*) FROM touches t WHERE t.org_id = $1 AND
				(SELECT COUNT(*) FROM touch_stakeholders s WHERE s.org_id = t.org_id AND s.touch_id = t.id) NOT BETWEEN 1 AND 3`, nil},
			{"an attendee row that does not copy its touch", `SELECT COUNT(*) FROM touch_stakeholders ts
				JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id
				WHERE ts.org_id = $1 AND (ts.account_id <> t.account_id OR ts.occurred_at <> t.occurred_at)`, nil},
			{"a stakeholder at another account's touch", `SELECT COUNT(*) FROM touch_stakeholders ts
				JOIN stakeholders s ON s.org_id = ts.org_id AND s.id = ts.stakeholder_id
				WHERE ts.org_id = $1 AND s.account_id <> ts.account_id`, nil},
			{"a touch in the future or more than two years ago", `SELECT COUNT(*) FROM touches WHERE org_id = $1 AND (occurred_at > $2 OR occurred_at < $3)`,
				[]any{demoNow.UnixMilli(), demoNow.AddDate(-2, 0, -1).UnixMilli()}},
			{"a former customer touched after leaving", `SELECT COUNT(*) FROM touches t JOIN accounts a ON a.org_id = t.org_id AND a.id = t.account_id
				WHERE t.org_id = $1 AND a.lifecycle = 'former_customer' AND t.occurred_at > $2`, []any{demoNow.AddDate(0, 0, -29).UnixMilli()}},
		} {
			t.Run(c.name, func(t *testing.T) {
				if n := count(t, raw, c.query, append([]any{org}, c.args...)...); n != 0 {
					t.Errorf("%d found", n)
				}
			})
		}
	})
}

// TestDemoRecordsPassValidation reads every record back through the store
// and validates it by the domain rules.
func TestDemoRecordsPassValidation(t *testing.T) {
	db, _, res := loadDemo(t, store.SQLite)
	ctx, sc := context.Background(), res.Scope
	page := account.Page{Limit: account.MaxLimit}
	var n int
	for f := (account.AccountFilter{Page: page}); ; {
		as, next, err := db.Accounts(ctx, sc, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			n++
			if err := a.Validate(); err != nil {
				t.Errorf("account %d: %v", a.ID, err)
			}
		}
		if f.Cursor = next; next == "" {
			break
		}
	}
	for f := (account.StakeholderFilter{Page: page}); ; {
		ss, next, err := db.Stakeholders(ctx, sc, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ss {
			n++
			if err := s.Validate(); err != nil {
				t.Errorf("stakeholder %d: %v", s.ID, err)
			}
		}
		if f.Cursor = next; next == "" {
			break
		}
	}
	for f := (account.TouchFilter{Page: page}); ; {
		ts, next, err := db.Touches(ctx, sc, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			n++
			if err := x.Validate(); err != nil {
				t.Errorf("touch %d: %v", x.ID, err)
			}
		}
		if f.Cursor = next; next == "" {
			break
		}
	}
	for f := (account.OpportunityFilter{Page: page}); ; {
		os, next, err := db.Opportunities(ctx, sc, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range os {
			n++
			if err := o.Validate(); err != nil {
				t.Errorf("opportunity %d: %v", o.ID, err)
			}
		}
		if f.Cursor = next; next == "" {
			break
		}
	}
	for f := (account.ContractFilter{Page: page}); ; {
		cs, next, err := db.Contracts(ctx, sc, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			n++
			if err := c.Validate(); err != nil {
				t.Errorf("contract %d: %v", c.ID, err)
			}
		}
		if f.Cursor = next; next == "" {
			break
		}
	}
	people, err := db.AllPeople(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		n++
		if err := p.Validate(); err != nil {
			t.Errorf("person %d: %v", p.ID, err)
		}
	}
	if want := res.Counts.Total() - res.Counts.TouchPeople - res.Counts.TouchStakeholders; int64(n) != want {
		t.Errorf("read back %d records, wrote %d", n, want)
	}
}

func TestDemoIsTheSameForTheSameReferenceTime(t *testing.T) {
	sum := func(now time.Time) string {
		db, raw := openRaw(t, store.SQLite)
		if _, err := demo.Install(context.Background(), db, now); err != nil {
			t.Fatal(err)
		}
		return checksum(t, raw)
	}
	a, b := sum(demoNow), sum(demoNow)
	if a != b {
		t.Error("two loads with the same reference time differ")
	}
	if c := sum(demoNow.AddDate(0, 0, 1)); c == a {
		t.Error("loads a day apart are identical; dates should follow the reference time")
	}
}

// checksum hashes every row the generators write, in id order, except the
// audit trail (it records when the load ran).
func checksum(t testing.TB, raw *sql.DB) string {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		`SELECT id, name, email, title, COALESCE(manager_id, 0), created_at FROM people ORDER BY id`,
		`SELECT id, name, domain, industry, employees, annual_revenue, region, country, COALESCE(parent_id, 0), lifecycle, COALESCE(owner_id, 0), created_at FROM accounts ORDER BY id`,
		`SELECT id, account_id, name, title, email, phone, level, buying_role, active FROM stakeholders ORDER BY id`,
		`SELECT id, account_id, kind, occurred_at, summary, next_step FROM touches ORDER BY id`,
		`SELECT touch_id, person_id FROM touch_people ORDER BY touch_id, person_id`,
		`SELECT touch_id, stakeholder_id, account_id, occurred_at FROM touch_stakeholders ORDER BY touch_id, stakeholder_id`,
		`SELECT id, account_id, COALESCE(owner_id, 0), name, product, kind, stage, amount, expected_close, actual_close FROM opportunities ORDER BY id`,
		`SELECT id, account_id, product, annual_value, start_date, end_date, auto_renew, status FROM contracts ORDER BY id`,
	} {
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, vals...)
		}
		rows.Close()
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}
