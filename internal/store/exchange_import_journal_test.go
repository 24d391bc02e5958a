package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
)

// journalFixture is a migrated SQLite file with one organisation and the
// account A-1, and the text of a touches file of n lines for it.
func journalFixture(t *testing.T, n int) (path string, sc account.Scope, csv string) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "samwise.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	org := account.Organisation{Name: "Org", Slug: "org"}
	if err := db.CreateOrganisation(ctx, &org); err != nil {
		t.Fatal(err)
	}
	sc = account.Scope{OrgID: org.ID, Actor: "test"}
	if err := db.CreateAccount(ctx, sc, &account.Account{Name: "Acme", ExternalID: "A-1"}); err != nil {
		t.Fatal(err)
	}
	return path, sc, touchesText(n, "")
}

// touchesText is a touches file of n new touches of account A-1, their
// summaries marked with tag.
func touchesText(n int, tag string) string {
	var sb strings.Builder
	sb.WriteString("account,kind,occurred_at,summary\n")
	for i := range n {
		fmt.Fprintf(&sb, "A-1,call,2025-%02d-%02dT10:00:00Z,touch %d%s about the renewal and the roll-out plan\n", 1+i%12, 1+i%28, i, tag)
	}
	return sb.String()
}

// importTouchesText imports text as touches; during is called with the
// import's transaction open, after the last line is read.
func importTouchesText(t *testing.T, db *DB, sc account.Scope, text string, o ImportOptions, during func()) ImportBatch {
	t.Helper()
	rd, err := exchange.NewReader(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	p, err := exchange.Bind(exchange.Touches, rd.Header(), exchange.Mapping{}, nil, exchange.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o.FileName = "touches.csv"
	read := int64(strings.Count(text, "\n") - 1)
	o.Progress = func(lines int64) {
		if lines == read && during != nil {
			during()
		}
	}
	b, err := db.Import(context.Background(), sc, p, rd, o)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return b
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// A CLI import (ImportOptions.Sole) that finds the SQLite file unused writes
// through a rollback journal, so that its pages do not pass through the
// write-ahead log, and leaves the file in WAL mode after it, whether it
// lands, is refused for a bad line or is a dry run. When another connection
// has the file open it shares it, through the log, as serve's imports do.
func TestSoleImportWritesThroughARollbackJournal(t *testing.T) {
	ctx := context.Background()
	const n = 20_000
	path, sc, text := journalFixture(t, n)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mode := func() string {
		t.Helper()
		var m string
		if err := db.w.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	touches := func() int {
		t.Helper()
		var c int
		if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM touches`).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	emptyLog := func() {
		t.Helper()
		if _, err := db.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			t.Fatal(err)
		}
	}
	if touches() != 0 { // the read pool now holds an idle connection
		t.Fatal("touches before the import")
	}

	t.Run("alone", func(t *testing.T) {
		emptyLog()
		var journal bool
		b := importTouchesText(t, db, sc, text, ImportOptions{Sole: true}, func() { journal = exists(path + "-journal") })
		if b.Status != "done" || b.Created != n {
			t.Fatalf("batch %+v", b)
		}
		if !journal {
			t.Error("no rollback journal while the import ran")
		}
		if got := fileSize(path + "-wal"); got > 64<<10 {
			t.Errorf("the write-ahead log holds %d bytes after the import: its pages went through it", got)
		}
		if m := mode(); m != "wal" {
			t.Errorf("journal mode after the import: %s", m)
		}
		var sync int
		if err := db.w.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil || sync != 1 {
			t.Errorf("synchronous after the import: %d (want 1, NORMAL) %v", sync, err)
		}
		if exists(path + "-journal") {
			t.Error("the rollback journal is still there")
		}
		if got := touches(); got != n {
			t.Errorf("touches: %d", got)
		}
	})

	t.Run("refused, dry run", func(t *testing.T) {
		for _, o := range []ImportOptions{{Sole: true}, {Sole: true, DryRun: true}} {
			bad := touchesText(1000, " (refused)")
			if !o.DryRun {
				bad += "A-1,call,not a date,broken\n"
			}
			b := importTouchesText(t, db, sc, bad, o, nil)
			if want := map[bool]string{true: "dry_run", false: "rejected"}[o.DryRun]; b.Status != want {
				t.Fatalf("status %s, want %s", b.Status, want)
			}
			if m := mode(); m != "wal" {
				t.Errorf("journal mode after a %s import: %s", b.Status, m)
			}
			if exists(path + "-journal") {
				t.Errorf("the rollback journal is still there after a %s import", b.Status)
			}
			if got := touches(); got != n {
				t.Errorf("touches after a %s import: %d", b.Status, got)
			}
		}
	})

	t.Run("shared", func(t *testing.T) {
		other, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if _, err := other.Organisations(ctx); err != nil {
			t.Fatal(err)
		}
		emptyLog()
		var journal bool
		var seen int
		b := importTouchesText(t, db, sc, touchesText(n, " (shared)"), ImportOptions{Sole: true}, func() {
			journal = exists(path + "-journal")
			// The other connection reads while the import writes.
			if err := other.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM touches`).Scan(&seen); err != nil {
				t.Errorf("read beside the import: %v", err)
			}
		})
		if b.Status != "done" || b.Created != n {
			t.Fatalf("batch %+v", b)
		}
		if journal {
			t.Error("a rollback journal although another connection had the file open")
		}
		if seen != n {
			t.Errorf("the other connection saw %d touches during the import, want the %d committed before it", seen, n)
		}
		if got := fileSize(path + "-wal"); got < 1<<20 {
			t.Errorf("the write-ahead log holds %d bytes: the shared import did not write through it", got)
		}
		if got := touches(); got != 2*n {
			t.Errorf("touches: %d", got)
		}
	})
}

// A CLI import killed while it writes through the rollback journal leaves a
// hot journal; the next opening rolls it back, so the file holds none of
// the import and is in WAL mode again.
func TestKilledSoleImportRollsBack(t *testing.T) {
	if os.Getenv("SAMWISE_TEST_KILLED_IMPORT") != "" {
		killedImportChild(t)
		return
	}
	if testing.Short() {
		t.Skip("runs a child process")
	}
	const n = 200_000 // more pages than the import's 16 MiB cache: they reach the file
	path, _, text := journalFixture(t, n)
	csvPath := filepath.Join(t.TempDir(), "touches.csv")
	if err := os.WriteFile(csvPath, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	before := fileSize(path)
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledSoleImportRollsBack$", "-test.v")
	cmd.Env = append(os.Environ(), "SAMWISE_TEST_KILLED_IMPORT="+path+"|"+csvPath+"|"+ready)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for !exists(ready) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the child never got to the end of the file:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if !exists(path + "-journal") {
		t.Fatalf("no hot journal after the kill:\n%s", out)
	}
	if grown := fileSize(path); grown <= before+(1<<20) {
		t.Fatalf("the file grew from %d to %d bytes only: the import's pages never reached it", before, grown)
	}

	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var touches int
	var check, mode string
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM touches`).Scan(&touches); err != nil {
		t.Fatal(err)
	}
	if err := db.r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil {
		t.Fatal(err)
	}
	if err := db.w.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if touches != 0 || check != "ok" || mode != "wal" {
		t.Errorf("after the kill: %d touches, integrity %q, journal mode %s", touches, check, mode)
	}
	if exists(path + "-journal") {
		t.Error("the hot journal is still there")
	}
}

// killedImportChild imports the file it is given and, once every line is
// read and the file has grown by the import's pages (the transaction still
// open), says so and waits to be killed.
func killedImportChild(t *testing.T) {
	args := strings.Split(os.Getenv("SAMWISE_TEST_KILLED_IMPORT"), "|")
	ctx := context.Background()
	db, err := Open(ctx, args[0])
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := db.Organisations(ctx)
	if err != nil || len(orgs) != 1 {
		t.Fatal(orgs, err)
	}
	text, err := os.ReadFile(args[1])
	if err != nil {
		t.Fatal(err)
	}
	sc := account.Scope{OrgID: orgs[0].ID, Actor: "test"}
	before := fileSize(args[0])
	importTouchesText(t, db, sc, string(text), ImportOptions{Sole: true}, func() {
		// The writing goroutine may still hold pages: wait for the file to
		// grow.
		for deadline := time.Now().Add(time.Minute); fileSize(args[0]) <= before+(1<<20) && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		if err := os.WriteFile(args[2], nil, 0o600); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Hour)
	})
	t.Fatal("the import ended before the kill")
}

// The history settles dead imports: a running batch silent for StaleAfter
// is marked interrupted, one with a recent heartbeat stays running, and on
// SQLite one whose import still holds the write lock (a CLI import in
// another process, whose progress this process cannot see) stays running.
func TestSettleImportsMarksOnlyDeadImportsInterrupted(t *testing.T) {
	ctx := context.Background()
	path, sc, _ := journalFixture(t, 0)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	db.Now = func() time.Time { return now.Add(-3 * time.Minute) }
	dead, err := db.StartImport(ctx, sc, exchange.Touches, "dead.csv", false)
	if err != nil {
		t.Fatal(err)
	}
	locked, err := db.StartImport(ctx, sc, exchange.Touches, "elsewhere.csv", false)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return now }
	live, err := db.StartImport(ctx, sc, exchange.Touches, "live.csv", false)
	if err != nil {
		t.Fatal(err)
	}
	settle := func(ids ...int64) []ImportBatch {
		t.Helper()
		var bs []ImportBatch
		for _, id := range ids {
			b, err := db.ImportBatch(ctx, sc, id)
			if err != nil {
				t.Fatal(err)
			}
			bs = append(bs, b)
		}
		if _, err := db.SettleImports(ctx, sc, bs); err != nil {
			t.Fatal(err)
		}
		return bs
	}

	// Another process holds the write lock, as a running CLI import does.
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	otx, err := other.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := otx.ExecContext(ctx, `UPDATE import_batches SET lines = lines WHERE id = $1`, locked); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if bs := settle(locked); bs[0].Status != "running" {
		t.Errorf("the batch of a live import elsewhere: %+v", bs[0])
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("settling waited %s on the lock", took)
	}
	otx.Rollback()

	bs := settle(dead, live)
	if bs[0].Status != "failed" || bs[0].Message != InterruptedImport || bs[1].Status != "running" {
		t.Errorf("settled: %+v", bs)
	}
	for id, want := range map[int64]string{dead: "failed", live: "running"} {
		if b, err := db.ImportBatch(ctx, sc, id); err != nil || b.Status != want {
			t.Errorf("batch %d in the database: %v %+v, want %s", id, err, b, want)
		}
	}
}
