package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

type importRun struct {
	batch   store.ImportBatch
	rejects []exchange.Problem
}

func importCSV(t *testing.T, db *store.DB, sc account.Scope, kind exchange.Kind, text string, m exchange.Mapping, o store.ImportOptions) importRun {
	t.Helper()
	rd, err := exchange.NewReader(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := db.CustomKeys(context.Background(), sc, kind)
	if err != nil {
		t.Fatal(err)
	}
	p, err := exchange.Bind(kind, rd.Header(), m, keys, exchange.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var run importRun
	o.FileName = string(kind) + ".csv"
	o.Reject = func(_ []string, probs []exchange.Problem) { run.rejects = append(run.rejects, probs...) }
	b, err := db.Import(context.Background(), sc, p, rd, o)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	run.batch = b
	return run
}

func exportCSV(t *testing.T, db *store.DB, sc account.Scope, kind exchange.Kind) string {
	t.Helper()
	keys, err := db.CustomKeys(context.Background(), sc, kind)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, err = exchange.WriteAll("csv", &buf, kind, keys, func(fn func(*exchange.Record) error) error {
		return db.Export(context.Background(), sc, kind, store.ExportFilter{}, fn)
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

const peopleCSV = "name,email,title\nAnn Lee,ann@example.com,Account manager\nBo Chen,bo@example.com,\n"

const accountsCSV = "\ufeffexternal_id;name;domain;annual_revenue;lifecycle;owner;parent\n" +
	"A-1;Acme;acme.com;1.234.567,50;customer;ann@example.com;\n" +
	"A-2;Acme Europe;acme.eu;1000;Customer;Ann Lee;A-1\n" +
	"A-3;Globex;globex.com;12;prospect;;\n"

func TestImportCreatesThenUpdatesAndUndoes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc := storetest.New(t, d)
		ctx := context.Background()
		if r := importCSV(t, db, sc, exchange.People, peopleCSV, exchange.Mapping{}, store.ImportOptions{}); r.batch.Created != 2 || r.batch.Status != "done" {
			t.Fatalf("people: %+v %v", r.batch, r.rejects)
		}
		r := importCSV(t, db, sc, exchange.Accounts, accountsCSV, exchange.Mapping{}, store.ImportOptions{})
		if r.batch.Created != 3 || len(r.rejects) > 0 {
			t.Fatalf("accounts: %+v %v", r.batch, r.rejects)
		}
		as, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: 10}})
		if err != nil || len(as) != 3 {
			t.Fatalf("accounts listed: %v %v", as, err)
		}
		byName := map[string]account.Account{}
		for _, a := range as {
			byName[a.Name] = a
		}
		if a := byName["Acme"]; a.AnnualRevenue != 123456750 || a.Lifecycle != account.Customer || a.OwnerID == nil {
			t.Errorf("Acme = %+v", a)
		}
		if a := byName["Acme Europe"]; a.ParentID == nil || *a.ParentID != byName["Acme"].ID {
			t.Errorf("Acme Europe's parent = %v, want Acme", a.ParentID)
		}

		// The same file again changes nothing; a changed line updates.
		again := importCSV(t, db, sc, exchange.Accounts, accountsCSV, exchange.Mapping{}, store.ImportOptions{})
		if again.batch.Created != 0 || again.batch.Unchanged != 3 {
			t.Fatalf("re-import: %+v %v", again.batch, again.rejects)
		}
		upd := importCSV(t, db, sc, exchange.Accounts, "external_id,industry\nA-3,Chemicals\n", exchange.Mapping{}, store.ImportOptions{})
		if upd.batch.Updated != 1 || upd.batch.Created != 0 {
			t.Fatalf("update: %+v %v", upd.batch, upd.rejects)
		}
		g, _ := db.Account(ctx, sc, byName["Globex"].ID)
		if g.Industry != "Chemicals" || g.Domain != "globex.com" {
			t.Errorf("Globex after update = %+v (only industry should change)", g)
		}
		if _, err := db.UndoImport(ctx, sc, upd.batch.ID); err != nil {
			t.Fatalf("undo update: %v", err)
		}
		g, _ = db.Account(ctx, sc, byName["Globex"].ID)
		if g.Industry != "" {
			t.Errorf("undo left industry %q", g.Industry)
		}
		if _, err := db.UndoImport(ctx, sc, upd.batch.ID); account.ErrorCode(err) != account.ECONFLICT {
			t.Errorf("second undo: %v, want conflict", err)
		}

		// Undo refuses once a created record changed; after putting it
		// back... it is simply refused.
		a := byName["Acme"]
		a.Industry = "Rockets"
		if err := db.UpdateAccount(ctx, sc, &a); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UndoImport(ctx, sc, r.batch.ID); account.ErrorCode(err) != account.ECONFLICT {
			t.Errorf("undo after a change: %v, want conflict", err)
		}
	})
}

func TestImportRejectsBadLinesWithLineColumnAndReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc := storetest.New(t, d)
		ctx := context.Background()
		importCSV(t, db, sc, exchange.Accounts, "name\nAcme\n", exchange.Mapping{}, store.ImportOptions{})
		text := "account,name,stage,amount,expected_close,actual_close\n" +
			"Acme,Deal 1,Closed Won,100,2025-01-01,2025-02-01\n" +
			"Acme,Deal 2,maybe,100,,\n" +
			"Nope,Deal 3,won,100,,2025-02-01\n" +
			"Acme,Deal 4,won,abc,,2025-13-45\n" +
			"Acme,,prospecting,,,\n" +
			"Acme,Deal 6,lost,5,,2025-03-01\n"
		m := exchange.Mapping{Values: map[string]map[string]string{"stage": {"closed won": "won"}}}
		r := importCSV(t, db, sc, exchange.Opportunities, text, m, store.ImportOptions{})
		if r.batch.Status != "rejected" || r.batch.Rejected != 4 {
			t.Fatalf("batch = %+v", r.batch)
		}
		want := []string{
			`line 3: stage: unknown value "maybe"`,
			`line 4: account: no account "Nope"`,
			`line 5: amount: "abc" is not an amount`,
			`line 5: actual_close: "2025-13-45" is not a date`,
			`line 6: name: name is required`,
		}
		got := ""
		for _, p := range r.rejects {
			got += p.String() + "\n"
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("rejects lack %q:\n%s", w, got)
			}
		}
		os, _, _ := db.Opportunities(ctx, sc, account.OpportunityFilter{})
		if len(os) != 0 {
			t.Errorf("abort wrote %d opportunities", len(os))
		}
		// skip: the good lines land.
		r = importCSV(t, db, sc, exchange.Opportunities, text, m, store.ImportOptions{SkipErrors: true})
		if r.batch.Status != "done" || r.batch.Created != 2 || r.batch.Rejected != 4 {
			t.Fatalf("skip batch = %+v", r.batch)
		}
		// dry run reports and writes nothing.
		dry := importCSV(t, db, sc, exchange.Opportunities, text, m, store.ImportOptions{SkipErrors: true, DryRun: true})
		if dry.batch.Status != "dry_run" || dry.batch.Unchanged != 2 || dry.batch.Rejected != 4 {
			t.Fatalf("dry batch = %+v", dry.batch)
		}
	})
}

func TestExportReimportsWithoutMappingIntoAnEmptyDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc := storetest.New(t, d)
		ctx := context.Background()
		f := exchange.CustomField{Entity: "account", Label: "Support plan", Type: "choice", Choices: []string{"Gold", "Silver"}}
		if err := db.SaveCustomField(ctx, sc, &f); err != nil {
			t.Fatal(err)
		}
		importCSV(t, db, sc, exchange.People, peopleCSV, exchange.Mapping{}, store.ImportOptions{})
		r := importCSV(t, db, sc, exchange.Accounts, accountsCSV+"A-4;Initech;;0;prospect;bo@example.com;A-3\n", exchange.Mapping{}, store.ImportOptions{})
		if len(r.rejects) > 0 {
			t.Fatal(r.rejects)
		}
		importCSV(t, db, sc, exchange.Accounts, "external_id,support_plan\nA-1,gold\n", exchange.Mapping{}, store.ImportOptions{})
		files := map[exchange.Kind]string{
			exchange.Stakeholders: "account,name,email,level,buying_role\nA-1,Carla Chief,carla@acme.com,Executive,champion\nacme.eu,Erik,,,\n",
			exchange.Touches: "account,kind,occurred_at,summary,people,stakeholders\nA-1,meeting,2025-03-01T10:30:00.250Z,Kick-off,ann@example.com;bo@example.com,carla@acme.com\nGlobex,call,2025-03-02,Intro,,\n" +
				"Globex,email,2025-03-03,\"=HYPERLINK(\"\"http://x.example\"\",\"\"-5 days\"\")\",,\n",
			exchange.Opportunities: "account,name,stage,amount,expected_close,actual_close,owner\nA-1,Renewal 2026,won,50000.5,2025-06-01,2025-05-30,Ann Lee\n",
			exchange.Contracts:     "account,product,annual_value,start,end,auto_renew,status\nA-2,Platform,1200,2025-01-01,2025-12-31,yes,active\n",
		}
		for _, k := range []exchange.Kind{exchange.Stakeholders, exchange.Touches, exchange.Opportunities, exchange.Contracts} {
			if r := importCSV(t, db, sc, k, files[k], exchange.Mapping{}, store.ImportOptions{}); len(r.rejects) > 0 || r.batch.Status != "done" {
				t.Fatalf("%s: %+v %v", k, r.batch, r.rejects)
			}
		}
		exported := map[exchange.Kind]string{}
		for _, k := range exchange.Kinds {
			exported[k] = exportCSV(t, db, sc, k)
		}
		// A summary a spreadsheet would run as a formula is exported defused,
		// and comes back as it was (the round trips below compare).
		if !strings.Contains(exported[exchange.Touches], `"'=HYPERLINK(""http://x.example"",""-5 days"")"`) {
			t.Errorf("touches export does not defuse a formula:\n%s", exported[exchange.Touches])
		}
		if !strings.Contains(exported[exchange.Accounts], "cf_support_plan") || !strings.Contains(exported[exchange.Accounts], "Gold") {
			t.Errorf("accounts export lacks the custom field:\n%s", exported[exchange.Accounts])
		}

		// Into an empty database (with the same custom field), kind by kind.
		db2, sc2 := storetest.New(t, d)
		f2 := f
		f2.ID = 0
		if err := db2.SaveCustomField(ctx, sc2, &f2); err != nil {
			t.Fatal(err)
		}
		for _, k := range exchange.Kinds {
			if r := importCSV(t, db2, sc2, k, exported[k], exchange.Mapping{}, store.ImportOptions{}); len(r.rejects) > 0 {
				t.Fatalf("re-import %s: %v\n%s", k, r.rejects, exported[k])
			}
		}
		for _, k := range exchange.Kinds {
			if got := exportCSV(t, db2, sc2, k); got != exported[k] {
				t.Errorf("%s differ after the round trip:\nfirst:\n%s\nsecond:\n%s", k, exported[k], got)
			}
		}
		// And into the same database again: nothing changes.
		for _, k := range exchange.Kinds {
			r := importCSV(t, db, sc, k, exported[k], exchange.Mapping{}, store.ImportOptions{})
			if r.batch.Created != 0 || r.batch.Updated != 0 || len(r.rejects) > 0 {
				t.Errorf("re-import of %s into its own database: %+v %v", k, r.batch, r.rejects)
			}
		}
	})
}

func storeScope(org int64) account.Scope { return account.Scope{OrgID: org, Actor: "test"} }
