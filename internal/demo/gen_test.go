package demo_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

var genNow = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func TestGenRejectsSizesOutOfRange(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	for _, n := range []int{0, -5, demo.MaxAccounts + 1} {
		_, err := demo.Generate(context.Background(), db, demo.Options{Accounts: n, Seed: 1, Now: genNow})
		if account.ErrorCode(err) != account.EINVALID {
			t.Errorf("%d accounts: %v, want an invalid-input error", n, err)
		}
	}
	orgs, err := db.Organisations(context.Background())
	if err != nil || len(orgs) != 0 {
		t.Errorf("organisations after refused runs: %v, %v", orgs, err)
	}
}

func TestGenWritesProportionalConsistentData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, raw := openRaw(t, d)
		before := indexes(t, raw, d)
		o := demo.Options{Accounts: 200, Seed: 42, Now: genNow}
		sum, err := demo.Generate(ctx, db, o)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Org.Slug != o.Slug() {
			t.Errorf("organisation %q, want %q", sum.Org.Slug, o.Slug())
		}
		c := sum.Counts
		for _, n := range []struct {
			what      string
			got, want int64
		}{
			{"people", c.People, 12}, {"accounts", c.Accounts, 200}, {"stakeholders", c.Stakeholders, 5 * 200},
			{"touches", c.Touches, 50 * 200}, {"opportunities", c.Opportunities, 5 * 200}, {"contracts", c.Contracts, 3 * 200},
		} {
			if !within(n.got, n.want) {
				t.Errorf("%s: %d, want %d ±10%%", n.what, n.got, n.want)
			}
		}
		org := sum.Org.ID
		for _, table := range []string{"people", "accounts", "stakeholders", "touches", "touch_people", "touch_stakeholders", "opportunities", "contracts", "cadence_checkins"} {
			if n := count(t, raw, `SELECT COUNT(*) FROM `+table+` WHERE org_id = $1`, org); n == 0 {
				t.Errorf("no rows in %s", table)
			}
		}
		if got := count(t, raw, `SELECT COUNT(*) FROM touches WHERE org_id = $1`, org); got != c.Touches {
			t.Errorf("%d touches in the database, %d reported", got, c.Touches)
		}
		for _, q := range []string{
			`SELECT COUNT(*) FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id
				WHERE ts.org_id = $1 AND (ts.account_id <> t.account_id OR ts.occurred_at <> t.occurred_at)`,
			`SELECT COUNT(*) FROM touch_stakeholders ts JOIN stakeholders s ON s.org_id = ts.org_id AND s.id = ts.stakeholder_id
				WHERE ts.org_id = $1 AND s.account_id <> ts.account_id`,
			`SELECT COUNT(*) FROM touches t WHERE t.org_id = $1 AND
				(SELECT COUNT(*) FROM touch_stakeholders s WHERE s.org_id = t.org_id AND s.touch_id = t.id) NOT BETWEEN 1 AND 3`,
			`SELECT COUNT(*) FROM touches t WHERE t.org_id = $1 AND
				(SELECT COUNT(*) FROM touch_people p WHERE p.org_id = t.org_id AND p.touch_id = t.id) NOT BETWEEN 1 AND 2`,
			// cadence_checkins, which a large load writes itself, match the touches.
			`SELECT COUNT(*) FROM cadence_checkins c WHERE c.org_id = $1 AND c.last_at <> (SELECT MAX(ts.occurred_at)
				FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id
				WHERE ts.org_id = c.org_id AND ts.stakeholder_id = c.stakeholder_id AND t.kind <> 'business_review')`,
			`SELECT COUNT(*) FROM stakeholders s WHERE s.org_id = $1
				AND NOT EXISTS (SELECT 1 FROM cadence_checkins c WHERE c.org_id = s.org_id AND c.stakeholder_id = s.id)
				AND EXISTS (SELECT 1 FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id
					WHERE ts.org_id = s.org_id AND ts.stakeholder_id = s.id AND t.kind <> 'business_review')`,
		} {
			if n := count(t, raw, q, org); n != 0 {
				t.Errorf("%d rows break a rule: %s", n, q)
			}
		}
		if d == store.SQLite {
			var ok string
			if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
				t.Errorf("integrity_check: %q, %v", ok, err)
			}
			rows, err := raw.Query(`PRAGMA foreign_key_check`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var table, parent string
				var rowid sql.NullInt64
				var fk int
				if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
					t.Fatal(err)
				}
				t.Errorf("foreign key broken: %s row %v → %s", table, rowid, parent)
			}
			rows.Close()
		}
		if after := indexes(t, raw, d); after != before {
			t.Errorf("indexes changed:\nbefore: %s\nafter:  %s", before, after)
		}
	})
}

// indexes returns every index and trigger definition (and, on PostgreSQL,
// whether each trigger is enabled), so that a test can tell that a load left
// the schema as it found it.
func indexes(t testing.TB, raw *sql.DB, d store.Dialect) string {
	q := `SELECT name || ': ' || COALESCE(sql, '(constraint)') FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name`
	if d == store.Postgres {
		q = `SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
			UNION ALL SELECT tgname || ': enabled ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`
	}
	rows, err := raw.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out += s + "\n"
	}
	return out
}

func TestGenIsDeterministicForASeed(t *testing.T) {
	run := func(seed uint64) (store.BulkCounts, string) {
		db, raw := openRaw(t, store.SQLite)
		sum, err := demo.Generate(context.Background(), db, demo.Options{Accounts: 60, Seed: seed, Now: genNow})
		if err != nil {
			t.Fatal(err)
		}
		return sum.Counts, checksum(t, raw)
	}
	c1, h1 := run(7)
	c2, h2 := run(7)
	if c1 != c2 || h1 != h2 {
		t.Errorf("seed 7 twice: %+v %s, then %+v %s", c1, h1, c2, h2)
	}
	if _, h3 := run(8); h3 == h1 {
		t.Error("seeds 7 and 8 wrote the same data")
	}
}

func TestGenRefusesAnOrganisationThatHasData(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	o := demo.Options{Accounts: 3, Seed: 99, Now: genNow}
	if _, err := demo.Generate(ctx, db, o); err != nil {
		t.Fatal(err)
	}
	_, err := demo.Generate(ctx, db, o)
	if account.ErrorCode(err) != account.ECONFLICT {
		t.Fatalf("second run: %v, want a conflict", err)
	}
	// An empty organisation of that name (say, left by a failed run) is filled.
	empty := account.Organisation{Name: "left over", Slug: "gen-100-3"}
	if err := db.CreateOrganisation(ctx, &empty); err != nil {
		t.Fatal(err)
	}
	sum, err := demo.Generate(ctx, db, demo.Options{Accounts: 3, Seed: 100, Now: genNow})
	if err != nil || sum.Org.ID != empty.ID || sum.Counts.Accounts != 3 {
		t.Errorf("filling an empty organisation: %+v, %v", sum, err)
	}
}

func TestOrdinaryWritesWorkAfterGen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, raw := openRaw(t, d)
		sum, err := demo.Generate(ctx, db, demo.Options{Accounts: 20, Seed: 43, Now: genNow})
		if err != nil {
			t.Fatal(err)
		}
		sc := account.Scope{OrgID: sum.Org.ID, Actor: "test"}
		maxID := count(t, raw, `SELECT MAX(id) FROM accounts`)
		a := &account.Account{Name: "Created after gen", Lifecycle: account.Customer}
		if err := db.CreateAccount(ctx, sc, a); err != nil {
			t.Fatalf("CreateAccount after gen: %v", err)
		}
		if a.ID <= maxID {
			t.Errorf("new account id %d, want above the generated ones (max %d)", a.ID, maxID)
		}
		s := &account.Stakeholder{AccountID: a.ID, Name: "New Contact"}
		if err := db.CreateStakeholder(ctx, sc, s); err != nil {
			t.Fatalf("CreateStakeholder after gen: %v", err)
		}
		p := &account.Person{Name: "New Hire", Email: "new.hire@example.com"}
		if err := db.CreatePerson(ctx, sc, p); err != nil {
			t.Fatalf("CreatePerson after gen: %v", err)
		}
		tc := &account.Touch{AccountID: a.ID, Kind: account.Call, OccurredAt: genNow, Summary: "First call",
			PeopleIDs: []int64{p.ID}, StakeholderIDs: []int64{s.ID}}
		if err := db.CreateTouch(ctx, sc, tc); err != nil {
			t.Fatalf("CreateTouch after gen: %v", err)
		}
		o := &account.Opportunity{AccountID: a.ID, Name: "First deal"}
		if err := db.CreateOpportunity(ctx, sc, o); err != nil {
			t.Fatalf("CreateOpportunity after gen: %v", err)
		}
		c := &account.Contract{AccountID: a.ID, Product: "Core Platform", Start: account.DateOf(genNow)}
		if err := db.CreateContract(ctx, sc, c); err != nil {
			t.Fatalf("CreateContract after gen: %v", err)
		}
	})
}

// A new SQLite file is filled without a write-ahead log and moved into place
// when complete (store.CreateSQLite); it must end exactly like a load into an
// open database: same schema, same rows, in WAL mode, intact.
func TestGenIntoANewFileEndsLikeGenIntoAnOpenDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	o := demo.Options{Accounts: 120, Seed: 7, Now: genNow}

	openPath := filepath.Join(dir, "open.db")
	db, err := store.Open(ctx, openPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want, err := demo.Generate(ctx, db, o)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	newPath := filepath.Join(dir, "sub", "new.db")
	if !store.NewSQLiteFile(newPath) {
		t.Fatalf("%s is not reported as a new file", newPath)
	}
	var got demo.Summary
	err = store.CreateSQLite(ctx, newPath, func(db *store.DB) (err error) {
		if _, err := os.Stat(newPath); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the file has its name before it is complete: %v", err)
		}
		got, err = demo.Generate(ctx, db, o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Counts != want.Counts {
		t.Errorf("counts %+v, want %+v", got.Counts, want.Counts)
	}
	if store.NewSQLiteFile(newPath) {
		t.Errorf("%s is still reported as new", newPath)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "sub", "*"))
	if len(leftovers) != 1 {
		t.Errorf("files beside the database: %q", leftovers)
	}

	// Everything but the audit trail's instants is the same.
	dump := func(path string) string {
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var out strings.Builder
		for _, q := range []string{
			`PRAGMA journal_mode`, `PRAGMA integrity_check`,
			`SELECT COUNT(*) FROM pragma_foreign_key_check`,
			`SELECT group_concat(type || ' ' || name || ': ' || COALESCE(sql, ''), char(10)) FROM (SELECT * FROM sqlite_master ORDER BY name)`,
			`SELECT group_concat(v, ',') FROM (SELECT COUNT(*) || ':' || SUM(id) || ':' || SUM(length(name)) || ':' || SUM(owner_id) AS v FROM accounts)`,
			`SELECT COUNT(*) || ':' || SUM(account_id * 7 + length(summary) + occurred_at % 1000) FROM touches`,
			`SELECT COUNT(*) || ':' || SUM(touch_id * 3 + stakeholder_id + occurred_at % 1000) FROM touch_stakeholders`,
			`SELECT COUNT(*) || ':' || SUM(touch_id + person_id) FROM touch_people`,
			`SELECT COUNT(*) || ':' || SUM(stakeholder_id + last_at % 1000 + prev_at % 997) FROM cadence_checkins`,
			`SELECT COUNT(*) || ':' || SUM(amount) FROM opportunities`,
			`SELECT COUNT(*) || ':' || SUM(annual_value) || ':' || COALESCE(SUM(successor_id), 0) FROM contracts`,
		} {
			var s string
			if err := raw.QueryRow(q).Scan(&s); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			out.WriteString(s + "\n")
		}
		return out.String()
	}
	if g, w := dump(newPath), dump(openPath); g != w {
		t.Errorf("the new file differs from the load into an open database:\nnew:  %s\nopen: %s", g, w)
	} else if !strings.HasPrefix(g, "wal\nok\n0\n") {
		t.Errorf("journal mode, integrity check, broken foreign keys: %q", g[:min(len(g), 40)])
	}
}

func TestGenIntoANewFileLeavesNoFileWhenItFails(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "new.db")
	stop := errors.New("stop")
	err := store.CreateSQLite(ctx, path, func(db *store.DB) error {
		if _, err := demo.Generate(ctx, db, demo.Options{Accounts: 50, Seed: 1, Now: genNow}); err != nil {
			return err
		}
		return stop // after a load that committed
	})
	if !errors.Is(err, stop) {
		t.Fatalf("CreateSQLite: %v, want fill's error", err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Errorf("files left after a failed load: %q", files)
	}
	// An existing file is never replaced.
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if store.NewSQLiteFile(path) {
		t.Error("an existing file is reported as new")
	}
	if err := store.CreateSQLite(ctx, path, func(*store.DB) error { return nil }); err == nil {
		t.Error("CreateSQLite accepted an existing file")
	}
}
