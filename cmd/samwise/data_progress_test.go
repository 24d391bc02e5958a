package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// A CLI import on PostgreSQL records its progress and heartbeat in the
// database as it runs, as the web's background imports do, so that every
// instance's /data page shows it running instead of interrupted.
func TestCLIImportOnPostgreSQLRecordsItsHeartbeat(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		if d != store.Postgres {
			continue
		}
		url := storetest.URL(t, d)
		db := openDB(t, url)
		ctx := context.Background()
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		slug := fmt.Sprintf("hb-%d", rand.Uint32())
		if err := db.CreateOrganisation(ctx, &account.Organisation{Name: "Heartbeat " + slug, Slug: slug}); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "accounts.csv")
		if err := os.WriteFile(file, []byte("external_id,name\nhb-1,Beat One\nhb-2,Beat Two\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		out, errOut, err := runSplit(t, url, "import", "accounts", file, "--org", slug)
		if err != nil || !strings.Contains(out, "2 created") {
			t.Fatalf("import: %v\n%s%s", err, out, errOut)
		}
		raw, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var status string
		var heartbeat, size int64
		err = raw.QueryRow(`SELECT b.status, b.heartbeat_at, b.size FROM import_batches b JOIN orgs o ON o.id = b.org_id WHERE o.slug = $1`, slug).
			Scan(&status, &heartbeat, &size)
		if err != nil {
			t.Fatal(err)
		}
		if status != "done" || heartbeat == 0 || size == 0 {
			t.Fatalf("batch: status %q, heartbeat %d, size %d; want done with a heartbeat and the file's size", status, heartbeat, size)
		}
		return
	}
	t.Skip("PostgreSQL not configured: set " + storetest.EnvPostgres)
}
