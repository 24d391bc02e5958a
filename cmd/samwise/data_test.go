package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
)

func newOrgDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "samwise.db")
	db := openDB(t, path)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOrganisation(context.Background(), &account.Organisation{Name: "Acme Sales", Slug: "acme"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	return path
}

// The walk-through of docs/import-export.md: dry run, import the good lines,
// fix the rejects, import them, and every good line is there exactly once.
func TestImportWalkThroughOfASalesforceExportWithBrokenLines(t *testing.T) {
	db := newOrgDB(t)
	dir := t.TempDir()
	src, err := os.ReadFile("../../docs/examples/salesforce-accounts.csv")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "accounts.csv")
	os.WriteFile(file, src, 0o600)

	out, errOut, err := runSplit(t, db, "import", "accounts", file, "--preset", "salesforce", "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v\n%s%s", err, out, errOut)
	}
	for _, want := range []string{"3 created", "4 rejected", "Dry run"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{`line 5: Employees: "ten" is not a whole number`, "line 6: Account Name: name is required",
		`line 7: Type: unknown value "Partner"`, `line 8: Parent Account: no account "Stark Holdings"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("dry run lacks %q:\n%s", want, errOut)
		}
	}
	// Abort (the default) writes nothing and fails.
	if _, _, err := runSplit(t, db, "import", "accounts", file, "--preset", "salesforce"); err == nil {
		t.Error("import with bad lines and --on-error abort succeeded")
	}
	out, _, err = runSplit(t, db, "import", "accounts", file, "--preset", "salesforce", "--on-error", "skip")
	if err != nil || !strings.Contains(out, "3 created") {
		t.Fatalf("skip: %v\n%s", err, out)
	}
	rejects := filepath.Join(dir, "accounts.rejects.csv")
	rb, err := os.ReadFile(rejects)
	if err != nil {
		t.Fatal(err)
	}
	// Fix the rejects as a person would.
	fixed := strings.NewReplacer(";ten;", ";10;", ",ten,", ",10,", "001A000005,,", "001A000005,Hooli,").Replace(string(rb))
	os.WriteFile(rejects, []byte(fixed), 0o600)
	mapping := filepath.Join(dir, "fixes.txt")
	os.WriteFile(mapping, []byte("# our own Type values\nlifecycle: Partner = prospect\n"), 0o600)
	out, errOut, err = runSplit(t, db, "import", "accounts", rejects, "--preset", "salesforce", "--mapping", mapping, "--create-missing")
	if err != nil || !strings.Contains(out, "5 created") {
		t.Fatalf("fixed rejects: %v\n%s%s", err, out, errOut)
	}
	// The original again: nothing new, nothing duplicated.
	out, _, err = runSplit(t, db, "import", "accounts", file, "--preset", "salesforce", "--on-error", "skip", "--rejects", filepath.Join(dir, "again.csv"))
	if err != nil || !strings.Contains(out, "0 created") {
		t.Fatalf("again: %v\n%s", err, out)
	}
	exp, _, err := runSplit(t, db, "export", "accounts")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(exp, "\n") - 1; n != 8 {
		t.Errorf("exported %d accounts, want 8 (7 lines + the created parent):\n%s", n, exp)
	}
	names := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(exp), "\n")[1:] {
		names[strings.Split(line, ",")[1]]++
	}
	for _, name := range []string{"Acme Corporation", "Hooli", "Stark Holdings", "Umbrella Health"} {
		if names[name] != 1 {
			t.Errorf("%s not exactly once:\n%s", name, exp)
		}
	}
	hist, _, err := runSplit(t, db, "import", "history")
	if err != nil || !strings.Contains(hist, "rejected") || !strings.Contains(hist, "done") {
		t.Errorf("history: %v\n%s", err, hist)
	}
	// Undo the fixed rejects: the five accounts go again.
	out, _, err = runSplit(t, db, "import", "undo", "4")
	if err != nil || !strings.Contains(out, "5 created record(s) removed") {
		t.Errorf("undo: %v\n%s", err, out)
	}
}

func TestExportFormatsBackupRestoreAndCopy(t *testing.T) {
	db := newOrgDB(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "a.csv")
	os.WriteFile(file, []byte("name,domain\nAcme,acme.com\nGlobex,globex.com\n"), 0o600)
	if _, _, err := runSplit(t, db, "import", "accounts", file); err != nil {
		t.Fatal(err)
	}
	for _, f := range exchange.Formats {
		out := filepath.Join(dir, "accounts."+f)
		if _, _, err := runSplit(t, db, "export", "accounts", "--format", f, "-o", out); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if st, err := os.Stat(out); err != nil || st.Size() < 20 {
			t.Errorf("%s: %v %v", f, st, err)
		}
	}
	// An export that cannot be put in place fails and leaves nothing behind.
	taken := filepath.Join(dir, "taken.csv")
	if err := os.Mkdir(taken, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runSplit(t, db, "export", "accounts", "-o", taken); err == nil {
		t.Error("export over a folder succeeded")
	}
	if parts, _ := filepath.Glob(filepath.Join(dir, ".*.part")); len(parts) > 0 {
		t.Errorf("left behind: %v", parts)
	}
	backup := filepath.Join(dir, "backup.db")
	out, _, err := runSplit(t, db, "backup", backup)
	if err != nil || !strings.Contains(out, "Backed up") {
		t.Fatalf("backup: %v %s", err, out)
	}
	restored := filepath.Join(dir, "restored.db")
	out, _, err = runSplit(t, restored, "restore", backup)
	if err != nil || !strings.Contains(out, "every table's count matches") {
		t.Fatalf("restore: %v %s", err, out)
	}
	if _, _, err := runSplit(t, restored, "restore", backup); err == nil {
		t.Error("restore into a non-empty database")
	}
	copied := filepath.Join(dir, "copied.db")
	out, _, err = runSplit(t, db, "copy", "--from", restored, "--to", copied)
	if err != nil || !strings.Contains(out, "Copied") {
		t.Fatalf("copy: %v %s", err, out)
	}
	exp, _, _ := runSplit(t, copied, "export", "accounts")
	if !strings.Contains(exp, "Globex") {
		t.Errorf("copied database lacks the accounts:\n%s", exp)
	}
}

// `samwise import history` shows a killed import as failed, not as running
// for ever: its heartbeat went silent long ago and nothing holds its lock.
func TestImportHistorySettlesAKilledImport(t *testing.T) {
	path := newOrgDB(t)
	db := openDB(t, path)
	orgs, err := db.Organisations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sc := account.Scope{OrgID: orgs[0].ID, Actor: "cli"}
	db.Now = func() time.Time { return time.Now().Add(-time.Hour) }
	if _, err := db.StartImport(context.Background(), sc, exchange.Touches, "killed.csv", false); err != nil {
		t.Fatal(err)
	}
	db.Close()
	hist, _, err := runSplit(t, path, "import", "history")
	if err != nil || !strings.Contains(hist, "failed") || strings.Contains(hist, "running") {
		t.Errorf("history: %v\n%s", err, hist)
	}
}
