package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// waitExportDone reloads the data page until export id is no longer
// running and returns the page.
func waitExportDone(t *testing.T, f *fixture, id string) string {
	t.Helper()
	re := regexp.MustCompile(`id="export-` + id + `" data-status="([a-z]+)"`)
	for range 200 {
		r := f.get("/data")
		m := re.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("export %s not in the history:\n%s", id, r.body)
		}
		if m[1] != "running" {
			return r.body
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("export %s still running", id)
	return ""
}

func TestTheDataPageRunsFilteredExportsInTheBackground(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		r := f.post("/data/exports", url.Values{"kind": {"accounts"}, "format": {"csv"}, "lifecycle": {"customer"}, "owner": {dataID(f.ann.ID)}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/data?notice=export") {
			t.Fatalf("start: %d %s", r.status, r.location)
		}
		jobs, err := f.db.ExportJobs(context.Background(), f.sc, 0, 5)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("jobs %+v %v", jobs, err)
		}
		j := jobs[0]
		if j.Total != 2 || j.Filter.Lifecycle != "customer" {
			t.Errorf("job %+v", j)
		}
		page := waitExportDone(t, f, dataID(j.ID))
		for _, want := range []string{`href="/data/exports/` + dataID(j.ID) + `/file"`, "Customer, owner Ann Lee", "Done"} {
			if !strings.Contains(page, want) {
				t.Errorf("history lacks %q", want)
			}
		}
		file := f.get("/data/exports/" + dataID(j.ID) + "/file")
		if file.status != 200 || !strings.Contains(file.body, "Acme Corp") || !strings.Contains(file.body, "Initech") || strings.Contains(file.body, "Globex") {
			t.Errorf("file %d:\n%s", file.status, file.body)
		}
		// No row cap on the direct download either.
		if r := f.get("/data/export/accounts.csv"); r.status != 200 || strings.Count(r.body, "\n") != 4 {
			t.Errorf("direct export %d:\n%s", r.status, r.body)
		}

		// A running export (on whichever instance) is cancelled from the page.
		running := store.ExportJob{Kind: "touches", Format: "xlsx"}
		if err := f.db.StartExport(context.Background(), f.sc, &running); err != nil {
			t.Fatal(err)
		}
		if page := f.get("/data").body; !strings.Contains(page, `action="/data/exports/`+dataID(running.ID)+`/cancel"`) {
			t.Errorf("no cancel button for a running export")
		}
		if r := f.post("/data/exports/"+dataID(running.ID)+"/cancel", url.Values{}); r.status != http.StatusSeeOther {
			t.Fatalf("cancel: %d", r.status)
		}
		if got, _ := f.db.ExportJobByID(context.Background(), f.sc, 0, running.ID); got.Status != "cancelled" {
			t.Errorf("after cancel: %+v", got)
		}
		if r := f.get("/data/exports/" + dataID(running.ID) + "/file"); r.status != http.StatusConflict {
			t.Errorf("file of a cancelled export: %d", r.status)
		}
		if r := f.post("/data/exports", url.Values{"kind": {"planets"}, "format": {"pdf"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "choose what to export") {
			t.Errorf("bad export form: %d", r.status)
		}

		// Another user neither sees nor downloads it.
		sc := f.sc
		sc.UserID += 1000
		other := &fixture{t: t, db: f.db, sc: sc}
		other.serve(access.Unrestricted{S: sc})
		if r := other.get("/data/exports/" + dataID(j.ID) + "/file"); r.status != http.StatusNotFound {
			t.Errorf("another user's download: %d", r.status)
		}
		if strings.Contains(other.get("/data").body, `id="export-`+dataID(j.ID)+`"`) {
			t.Error("another user's export listed")
		}
	})
}

func TestAViewerUnderNeedToKnowExportsOnlyTheirAccounts(t *testing.T) {
	f := newFixture(t, store.SQLite)
	sc := f.sc
	sc.UserID = 55
	v := &fixture{t: t, db: f.db, sc: sc}
	v.serve(seesOnly{Unrestricted: access.Unrestricted{S: sc, Person: f.bob.ID}, person: f.bob.ID})
	if r := v.post("/data/exports", url.Values{"kind": {"accounts"}, "format": {"json"}}); r.status != http.StatusSeeOther {
		t.Fatalf("start: %d", r.status)
	}
	jobs, _ := f.db.ExportJobs(context.Background(), sc, 55, 5)
	if len(jobs) != 1 {
		t.Fatalf("jobs %+v", jobs)
	}
	waitExportDone(t, v, dataID(jobs[0].ID))
	file := v.get("/data/exports/" + dataID(jobs[0].ID) + "/file")
	if !strings.Contains(file.body, "Globex") || strings.Contains(file.body, "Acme") {
		t.Errorf("need-to-know export:\n%s", file.body)
	}
}

// seesOnly is a principal limited to one person's accounts.
type seesOnly struct {
	access.Unrestricted
	person int64
}

func (g seesOnly) VisibleTo(context.Context) int64 { return g.person }

func TestImportProgressComesFromTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		ctx := context.Background()
		// A batch another instance is importing, its progress in the row.
		id, err := f.db.StartImport(ctx, f.sc, exchange.Accounts, "big.csv", false)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.SetImportProgress(ctx, f.sc, id, store.ImportProgress{Lines: 12345, BytesRead: 40, Size: 100}); err != nil {
			t.Fatal(err)
		}
		// One whose instance died three minutes ago.
		f.db.Now = func() time.Time { return now.Add(-3 * time.Minute) }
		dead, err := f.db.StartImport(ctx, f.sc, exchange.Accounts, "dead.csv", false)
		f.db.Now = func() time.Time { return now }
		if err != nil {
			t.Fatal(err)
		}
		page := f.get("/data")
		if !strings.Contains(page.body, "Importing 40%") || !strings.Contains(page.body, "12,345") {
			t.Errorf("running import's progress not shown:\n%s", page.body)
		}
		if page.status != 200 {
			t.Errorf("status %d", page.status)
		}
		if b, _ := f.db.ImportBatch(ctx, f.sc, dead); b.Status != "failed" || !strings.Contains(b.Message, "Interrupted") {
			t.Errorf("a dead import: %+v", b)
		}
		if b, _ := f.db.ImportBatch(ctx, f.sc, id); b.Status != "running" {
			t.Errorf("a live import: %+v", b)
		}
		f.db.ClearImportProgress(f.sc, id)
	})
}

func TestStakeholderCustomFieldsAreEditedAndShown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		ctx := context.Background()
		for _, cf := range []exchange.CustomField{
			{Entity: "stakeholder", Label: "Influence", Type: "number"},
			{Entity: "stakeholder", Label: "Tier", Type: "choice", Choices: []string{"Gold", "Silver"}},
			{Entity: "stakeholder", Label: "Met", Type: "date"},
			{Entity: "stakeholder", Label: "Note", Type: "text"},
		} {
			if err := f.db.SaveCustomField(ctx, f.sc, &cf); err != nil {
				t.Fatal(err)
			}
		}
		edit := "/stakeholders/" + dataID(f.carol.ID) + "/edit"
		if r := f.get(edit); r.status != 200 || !strings.Contains(r.body, `name="cf_influence"`) || !strings.Contains(r.body, `<option>Gold</option>`) ||
			!strings.Contains(r.body, `type="date" id="cf_met"`) {
			t.Fatalf("edit form %d lacks the custom fields", r.status)
		}
		form := url.Values{"name": {"Carol D."}, "level": {"executive"}, "buying_role": {"decision_maker"}, "active": {"1"},
			"cf_influence": {"lots"}, "cf_tier": {"Bronze"}, "cf_met": {"2026-02-30"}, "cf_note": {"ok"}}
		r := f.post(edit, form)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad values: %d", r.status)
		}
		for _, want := range []string{`lots&#34; is not a number`, `Bronze&#34; is not one of Gold, Silver`, `id="cf_met-error"`, `value="lots"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("form lacks %q", want)
			}
		}
		if s, _ := f.db.Stakeholder(ctx, f.sc, f.carol.ID); s.Name != "Carol Diaz" {
			t.Errorf("a bad custom value saved the stakeholder: %q", s.Name)
		}
		form.Set("cf_influence", "8.5")
		form.Set("cf_tier", "gold")
		form.Set("cf_met", "2026-02-14")
		if r := f.post(edit, form); r.status != http.StatusSeeOther {
			t.Fatalf("good values: %d %s", r.status, r.body)
		}
		vals, _ := f.db.CustomValues(ctx, f.sc, "stakeholder", []int64{f.carol.ID})
		if v := vals[f.carol.ID]; v["influence"] != "8.5" || v["tier"] != "Gold" || v["met"] != "2026-02-14" || v["note"] != "ok" {
			t.Errorf("saved %v", v)
		}
		page := f.get("/accounts/" + dataID(f.acme.ID)).body
		if !strings.Contains(page, "<dt>Tier</dt><dd>Gold</dd>") || !strings.Contains(page, "<dt>Influence</dt><dd>8.5</dd>") {
			t.Errorf("account page does not show the stakeholder's custom values")
		}
		// A new stakeholder with its values.
		r = f.post("/accounts/"+dataID(f.acme.ID)+"/stakeholders", url.Values{"name": {"Fay Lin"}, "level": {"operational"},
			"buying_role": {"unknown"}, "active": {"1"}, "cf_tier": {"Silver"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		if !strings.Contains(f.get("/accounts/"+dataID(f.acme.ID)).body, "<dt>Tier</dt><dd>Silver</dd>") {
			t.Error("a new stakeholder's value is not shown")
		}
		// A bad value on a new one creates nothing.
		r = f.post("/accounts/"+dataID(f.acme.ID)+"/stakeholders", url.Values{"name": {"Gus Ray"}, "level": {"operational"},
			"buying_role": {"unknown"}, "cf_influence": {"x"}})
		if r.status != http.StatusUnprocessableEntity || strings.Contains(f.get("/accounts/"+dataID(f.acme.ID)).body, "Gus Ray") {
			t.Errorf("bad new stakeholder: %d", r.status)
		}
	})
}

func TestBrowserExportHistoryStartFollowAndDownload(t *testing.T) {
	ctx := newBrowser(t, 90*time.Second)
	f := newFixture(t, store.SQLite)
	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 900))
	navigate(t, ctx, "open the data page", chromedp.Navigate(f.srv.URL+"/data"))
	browse(t, ctx, "fill the export form",
		chromedp.SetValue(chromedp.ID("export_kind"), "accounts"),
		chromedp.SetValue(chromedp.ID("export_format"), "xlsx"),
		chromedp.SetValue(chromedp.ID("export_industry"), "Manufacturing"))
	navigate(t, ctx, "start the export", chromedp.Click(chromedp.CSS(`#export-form button[type="submit"]`)))
	deadline := time.Now().Add(20 * time.Second)
	for {
		status := eval[string](t, ctx, `(document.querySelector(".data-export-history tbody tr") || {dataset: {}}).dataset.status || ""`)
		if status == "done" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("export status %q", status)
		}
		time.Sleep(300 * time.Millisecond)
		navigate(t, ctx, "reload", chromedp.Navigate(f.srv.URL+"/data"))
	}
	checkPage(t, ctx, "export history")
	// The download link answers with the Excel file.
	got := eval[string](t, ctx, `(() => { const a = document.querySelector(".data-export-history a[download]");
		const x = new XMLHttpRequest(); x.open("GET", a.href, false); x.overrideMimeType("text/plain; charset=x-user-defined"); x.send();
		return x.status + " " + x.getResponseHeader("content-type") + " " + (x.responseText.length > 1000) })()`)
	if got != "200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet true" {
		t.Errorf("download: %q", got)
	}
	// A running one shows its progress bar and a cancel button.
	running := store.ExportJob{Kind: "touches", Format: "csv", Total: 40}
	if err := f.db.StartExport(context.Background(), f.sc, &running); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ExportProgress(context.Background(), f.sc, running.ID, 10); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, "reload with a running export", chromedp.Navigate(f.srv.URL+"/data"))
	if v := eval[string](t, ctx, `document.querySelector("#export-`+dataID(running.ID)+` progress").value + ""`); v != "25" {
		t.Errorf("progress bar at %q", v)
	}
	browse(t, ctx, "scroll to the exports", chromedp.Evaluate[chromedp.Void](`document.getElementById("export-h").scrollIntoView()`))
	screenshot(t, ctx, "data-exports-desktop")
	browse(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844))
	navigate(t, ctx, "reload on a phone", chromedp.Navigate(f.srv.URL+"/data"))
	checkPage(t, ctx, "export history on a phone")
	screenshot(t, ctx, "data-exports-phone")
	navigate(t, ctx, "cancel", chromedp.Click(chromedp.CSS(`#export-`+dataID(running.ID)+` button`)))
	if s := eval[string](t, ctx, `document.querySelector("#export-`+dataID(running.ID)+`").dataset.status`); s != "cancelled" {
		t.Errorf("after cancel: %q", s)
	}
}
