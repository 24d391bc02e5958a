package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// A bulk load's connection gets its settings back when it is done, among
// them the CHECK constraints a large touches import switches off: the next
// write on that connection is checked again.
func TestBulkConnectionGetsItsChecksAndForeignKeysBack(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "samwise.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	pragma := func(name string) string {
		t.Helper()
		var v string
		if err := conn.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	restore, err := db.relaxForBulk(ctx, conn, BulkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA ignore_check_constraints = ON`); err != nil { // as importer.goLarge
		t.Fatal(err)
	}
	if pragma("foreign_keys") != "0" || pragma("ignore_check_constraints") != "1" {
		t.Fatal("the bulk settings did not take")
	}
	restore()
	if got := pragma("ignore_check_constraints"); got != "0" {
		t.Errorf("ignore_check_constraints after the load = %s, want 0", got)
	}
	if got := pragma("foreign_keys"); got != "1" {
		t.Errorf("foreign_keys after the load = %s, want 1", got)
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO touches (org_id, account_id, kind, occurred_at, summary, created_at, updated_at)
		VALUES (1, 1, 'carrier pigeon', 0, 'x', 0, 0)`)
	if err == nil || !strings.Contains(err.Error(), "CHECK constraint failed") {
		t.Errorf("a touch of an unknown kind after the load: err = %v, want a CHECK constraint failure", err)
	}
}
