package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestProductsImportMatchOnExternalIdElseNameAndUndo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc := storetest.New(t, d)
		ctx := context.Background()
		// One product is in the catalog already, without an external id.
		if err := db.CreateProduct(ctx, sc, &intel.Product{Name: "Analytics", ListPrice: 100_00}); err != nil {
			t.Fatal(err)
		}
		file := "external_id;name;family;list_price;currency;retired\n" +
			"P-1;Platform;Core;12.500,00;EUR;no\n" +
			"P-2;analytics;Add-ons;900;;\n" + // the existing product, by name
			"P-3;Legacy;Core;-5;;yes\n" // negative price
		r := importCSV(t, db, sc, exchange.Products, file, exchange.Mapping{}, store.ImportOptions{SkipErrors: true})
		if r.batch.Created != 1 || r.batch.Updated != 1 || r.batch.Rejected != 1 || len(r.rejects) != 1 || r.rejects[0].Line != 4 {
			t.Fatalf("first import: %+v %v", r.batch, r.rejects)
		}
		ps, err := db.Products(ctx, sc, true)
		if err != nil || len(ps) != 2 {
			t.Fatalf("products: %v %+v", err, ps)
		}
		byName := map[string]intel.Product{}
		for _, p := range ps {
			byName[p.Name] = p
		}
		if p := byName["Platform"]; p.ListPrice != 12_500_00 || p.Currency != "EUR" || p.Family != "Core" {
			t.Errorf("created product: %+v", p)
		}
		if p := byName["analytics"]; p.ListPrice != 900_00 || p.Family != "Add-ons" {
			t.Errorf("updated product: %+v (%v)", p, byName)
		}
		// Re-import: the external ids now match, nothing changes; a renamed
		// product is found by its external id, not duplicated.
		again := importCSV(t, db, sc, exchange.Products, "external_id,name,list_price\nP-1,Platform,12500\nP-2,Analytics Pro,900\n", exchange.Mapping{}, store.ImportOptions{})
		if again.batch.Created != 0 || again.batch.Updated != 1 || again.batch.Unchanged != 1 {
			t.Fatalf("re-import: %+v %v", again.batch, again.rejects)
		}
		out := exportCSV(t, db, sc, exchange.Products)
		if !strings.HasPrefix(out, "external_id,name,family,list_price,currency,description,retired\n") ||
			!strings.Contains(out, "P-2,Analytics Pro,Add-ons,900,USD,,no") || !strings.Contains(out, "P-1,Platform,Core,12500,EUR,,no") {
			t.Errorf("export:\n%s", out)
		}
		// The export re-imports without a mapping and changes nothing.
		if rt := importCSV(t, db, sc, exchange.Products, out, exchange.Mapping{}, store.ImportOptions{}); rt.batch.Unchanged != 2 || rt.batch.Created+rt.batch.Updated != 0 {
			t.Errorf("export re-imported: %+v %v", rt.batch, rt.rejects)
		}
		// Undo puts the old name back.
		if _, err := db.UndoImport(ctx, sc, again.batch.ID); err != nil {
			t.Fatal(err)
		}
		ps, _ = db.Products(ctx, sc, true)
		if len(ps) != 2 || ps[0].Name != "analytics" || ps[1].Name != "Platform" {
			t.Errorf("after undo: %+v", ps)
		}
		// A name that another product has is a rejected line.
		dup := importCSV(t, db, sc, exchange.Products, "external_id,name\nP-1,ANALYTICS\n", exchange.Mapping{}, store.ImportOptions{})
		if dup.batch.Rejected != 1 || len(dup.rejects) != 1 || dup.rejects[0].Column != "name" {
			t.Errorf("duplicate name: %+v %v", dup.batch, dup.rejects)
		}
	})
}

// A large touches import (SQLite drops and rebuilds the touch indexes and
// computes cadence check-ins itself) gives the same rows, check-ins and
// schema as the trigger would, and undo removes it all.
func TestLargeTouchesImportKeepsIndexesAndCheckIns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc := storetest.New(t, d)
		ctx := context.Background()
		a := account.Account{Name: "Acme", ExternalID: "A-1"}
		if err := db.CreateAccount(ctx, sc, &a); err != nil {
			t.Fatal(err)
		}
		s := account.Stakeholder{AccountID: a.ID, Name: "Ann", Email: "ann@acme.example", Active: true}
		if err := db.CreateStakeholder(ctx, sc, &s); err != nil {
			t.Fatal(err)
		}
		// One touch before the import: the check-ins merge with it.
		early := account.Touch{AccountID: a.ID, Kind: account.TouchKind("call"), Summary: "before", StakeholderIDs: []int64{s.ID}}
		early.OccurredAt = early.OccurredAt.AddDate(2024, 0, 0)
		if err := db.CreateTouch(ctx, sc, &early); err != nil {
			t.Fatal(err)
		}
		// Rows of this test's organisation (PostgreSQL's test database is
		// shared by the package's tests).
		ours := func(table string) []string {
			rows, err := db.TableRows(ctx, table)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				if strings.HasPrefix(r, fmt.Sprintf("%d|", sc.OrgID)) {
					out = append(out, r)
				}
			}
			return out
		}
		schema := func() string { return fmt.Sprint(len(ours("touches"))) }
		var sb strings.Builder
		sb.WriteString("account,kind,occurred_at,summary,stakeholders\n")
		n := 60_000 // above importLargeTouches: SQLite takes the large path
		if d != store.SQLite {
			n = 2_000 // a look-up per line (Acme had touches): keep it short
		}
		var last, prev string // the two latest check-ins
		for i := range n {
			kind := "meeting"
			at := fmt.Sprintf("2025-01-01T00:%02d:%02dZ", (i/60)%60, i%60)
			if i == n-1 {
				kind = "business_review" // the latest is no check-in
			} else if at >= last {
				last, prev = at, last
			} else if at > prev {
				prev = at
			}
			fmt.Fprintf(&sb, "A-1,%s,%s,touch %d,ann@acme.example\n", kind, at, i)
		}
		r := importCSV(t, db, sc, exchange.Touches, sb.String(), exchange.Mapping{}, store.ImportOptions{})
		if r.batch.Created != int64(n) || len(r.rejects) > 0 {
			t.Fatalf("import: %+v %v", r.batch, r.rejects[:min(3, len(r.rejects))])
		}
		if got := schema(); got != fmt.Sprint(n+1) {
			t.Errorf("touches: %s", got)
		}
		ck := ours("cadence_checkins")
		want := fmt.Sprintf("%d|%d|%d|%d", sc.OrgID, s.ID, ms(t, last), ms(t, prev))
		if len(ck) != 1 || ck[0] != want {
			t.Errorf("check-ins %v, want %s", ck, want)
		}
		if d == store.SQLite {
			idx, err := db.TableRows(ctx, "sqlite_master")
			if err != nil {
				t.Fatal(err)
			}
			var have []string
			for _, row := range idx {
				for _, name := range []string{"touches_occurred", "touches_account", "cadence_checkin_added"} {
					if strings.Contains(row, "|"+name+"|") {
						have = append(have, name)
					}
				}
			}
			if len(have) != 3 {
				t.Errorf("indexes and trigger after the import: %v", have)
			}
		}
		if _, err := db.UndoImport(ctx, sc, r.batch.ID); err != nil {
			t.Fatal(err)
		}
		if got := schema(); got != "1" {
			t.Errorf("touches after undo: %s", got)
		}
	})
}

func ms(t *testing.T, s string) int64 {
	t.Helper()
	tm, err := exchange.ParseTime(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tm.UnixMilli()
}

// A touches line matches the touch (from before the batch) with the same
// account, time, kind and summary: unchanged when nothing differs, updated
// (next step, attendees) when something does, undone back to its earlier
// values; a kind that differs is another touch, and two touches sharing the
// key are never guessed between. A business review matches like any kind
// (SQLite weighs its partial index for that kind).
func TestTouchesReimportMatchesOnAccountTimeKindAndSummary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc := storetest.New(t, d)
		ctx := context.Background()
		a := account.Account{Name: "Acme", ExternalID: "A-1"}
		if err := db.CreateAccount(ctx, sc, &a); err != nil {
			t.Fatal(err)
		}
		ann := account.Stakeholder{AccountID: a.ID, Name: "Ann", Email: "ann@acme.example", Active: true}
		bo := account.Stakeholder{AccountID: a.ID, Name: "Bo", Email: "bo@acme.example", Active: true}
		for _, s := range []*account.Stakeholder{&ann, &bo} {
			if err := db.CreateStakeholder(ctx, sc, s); err != nil {
				t.Fatal(err)
			}
		}
		first := importCSV(t, db, sc, exchange.Touches, "account,kind,occurred_at,summary,next_step,stakeholders\n"+
			"A-1,call,2025-01-06T10:00:00Z,Sync,Send the deck,ann@acme.example\n"+
			"A-1,business_review,2025-02-03T09:00:00Z,Q1 review,,ann@acme.example;bo@acme.example\n"+
			"A-1,email,2025-03-03T09:00:00Z,Dup,,\n"+
			"A-1,email,2025-03-03T09:00:00Z,Dup,,\n", exchange.Mapping{}, store.ImportOptions{})
		if first.batch.Created != 4 || len(first.rejects) > 0 {
			t.Fatalf("first import: %+v %v", first.batch, first.rejects)
		}
		r := importCSV(t, db, sc, exchange.Touches, "account,kind,occurred_at,summary,next_step,stakeholders\n"+
			"A-1,call,2025-01-06T10:00:00Z,Sync,Send the deck,ann@acme.example\n"+ // unchanged
			"A-1,business_review,2025-02-03T09:00:00Z,Q1 review,Agree the plan,bo@acme.example\n"+ // updated
			"A-1,meeting,2025-01-06T10:00:00Z,Sync,,\n"+ // another kind: new
			"A-1,email,2025-03-03T09:00:00Z,Dup,,\n", // two match: new
			exchange.Mapping{}, store.ImportOptions{})
		if b := r.batch; b.Unchanged != 1 || b.Updated != 1 || b.Created != 2 || len(r.rejects) > 0 {
			t.Fatalf("re-import: %+v %v", b, r.rejects)
		}
		all, _, err := db.Touches(ctx, sc, account.TouchFilter{AccountID: a.ID})
		if err != nil || len(all) != 6 {
			t.Fatalf("touches: %v %d", err, len(all))
		}
		var review account.Touch
		for _, x := range all {
			if x.Kind == "business_review" {
				review = x
			}
		}
		if review.NextStep != "Agree the plan" || fmt.Sprint(review.StakeholderIDs) != fmt.Sprint([]int64{bo.ID}) {
			t.Errorf("updated review: %+v", review)
		}
		if _, err := db.UndoImport(ctx, sc, r.batch.ID); err != nil {
			t.Fatal(err)
		}
		back, err := db.Touch(ctx, sc, review.ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.NextStep != "" || fmt.Sprint(back.StakeholderIDs) != fmt.Sprint([]int64{ann.ID, bo.ID}) {
			t.Errorf("review after the undo: %+v", back)
		}
		if all, _, err := db.Touches(ctx, sc, account.TouchFilter{AccountID: a.ID}); err != nil || len(all) != 4 {
			t.Errorf("touches after the undo: %v %d", err, len(all))
		}

		// Matched lines on either side of enough new ones that SQLite takes
		// the large path (indexes dropped and the cadence trigger suspended
		// mid-transaction): the look-ups prepared before still match.
		n := 60_000
		if d != store.SQLite {
			n = 2_000
		}
		var sb strings.Builder
		sb.WriteString("account,kind,occurred_at,summary,next_step\nA-1,call,2025-01-06T10:00:00Z,Sync,Send the deck\n")
		for i := range n {
			fmt.Fprintf(&sb, "A-1,call,2024-%02d-%02dT08:00:00Z,Bulk %d,\n", 1+i%12, 1+i%28, i)
		}
		sb.WriteString("A-1,business_review,2025-02-03T09:00:00Z,Q1 review,Final\n")
		big := importCSV(t, db, sc, exchange.Touches, sb.String(), exchange.Mapping{}, store.ImportOptions{})
		if b := big.batch; b.Unchanged != 1 || b.Updated != 1 || b.Created != int64(n) || len(big.rejects) > 0 {
			t.Fatalf("large re-import: %+v %v", b, big.rejects)
		}
		if back, err := db.Touch(ctx, sc, review.ID); err != nil || back.NextStep != "Final" {
			t.Errorf("review after the large re-import: %v %+v", err, back)
		}
	})
}
