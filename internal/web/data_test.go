package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// upload posts a multipart form to the data page.
func (f *fixture) upload(fields map[string]string, file, content string) response {
	f.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != "" {
		w, _ := mw.CreateFormFile("file", file)
		io.WriteString(w, content)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/data/imports", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, location: res.Header.Get("Location"), body: string(b)}
}

const dataCSV = "name;domain;lifecycle;industry\nUmbrella;umbrella.example;customer;Health\n;nameless.example;prospect;\nVandelay;vandelay.example;partner;Imports\n"

func TestDataPageChecksImportsInTheBackgroundAndUndoes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		if r := f.get("/data"); r.status != 200 || !strings.Contains(r.body, "No imports yet") {
			t.Fatalf("empty data page: %d\n%s", r.status, r.body)
		}
		r := f.upload(map[string]string{"kind": "accounts", "on_error": "skip", "action": "check"}, "crm.csv", dataCSV)
		if r.status != 200 {
			t.Fatalf("check: %d %s", r.status, r.body)
		}
		for _, want := range []string{"Check of crm.csv", "name is required", `unknown value &#34;partner&#34;`, "would be created"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		token := between(r.body, `name="token" value="`, `"`)
		if len(token) != 32 {
			t.Fatalf("no upload token in the report")
		}
		r = f.upload(map[string]string{"kind": "accounts", "on_error": "skip", "action": "import", "token": token, "file_name": "crm.csv"}, "", "")
		if r.status != http.StatusSeeOther {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		var b store.ImportBatch
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			bs, err := f.db.ImportBatches(context.Background(), f.sc, 5)
			if err != nil {
				t.Fatal(err)
			}
			if bs[0].Status != "running" {
				b = bs[0]
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if b.Status != "done" || b.Created != 1 || b.Rejected != 2 {
			t.Fatalf("batch = %+v", b)
		}
		page := f.get("/data")
		if !strings.Contains(page.body, "crm.csv") || !strings.Contains(page.body, "/undo") {
			t.Errorf("history lacks the import or its undo button")
		}
		if r := f.get("/accounts?q=umbrella"); !strings.Contains(r.body, "Umbrella") {
			t.Error("imported account not listed")
		}
		if r := f.post("/data/imports/"+dataID(b.ID)+"/undo", url.Values{}); r.status != http.StatusSeeOther {
			t.Fatalf("undo: %d %s", r.status, r.body)
		}
		if r := f.get("/accounts?q=umbrella"); strings.Contains(r.body, ">Umbrella<") {
			t.Error("undone account still listed")
		}
	})
}

func TestExportDownloadsAndCustomFieldsOnTheAccountList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		ctx := context.Background()
		plan := exchange.CustomField{Entity: "account", Label: "Support plan", Type: "choice", Choices: []string{"Gold", "Silver"}}
		if err := f.db.SaveCustomField(ctx, f.sc, &plan); err != nil {
			t.Fatal(err)
		}
		seats := exchange.CustomField{Entity: "account", Label: "Seats", Type: "number"}
		if err := f.db.SaveCustomField(ctx, f.sc, &seats); err != nil {
			t.Fatal(err)
		}
		if r := f.post("/accounts/"+dataID(f.acme.ID)+"/fields", url.Values{"cf_support_plan": {"gold"}, "cf_seats": {"120"}}); r.status != http.StatusSeeOther {
			t.Fatalf("save fields: %d %s", r.status, r.body)
		}
		if r := f.post("/accounts/"+dataID(f.globex.ID)+"/fields", url.Values{"cf_seats": {"9"}}); r.status != http.StatusSeeOther {
			t.Fatalf("save fields: %d", r.status)
		}
		if r := f.post("/accounts/"+dataID(f.globex.ID)+"/fields", url.Values{"cf_seats": {"many"}}); r.status != http.StatusBadRequest {
			t.Errorf("bad number: %d", r.status)
		}
		acct := f.get("/accounts/" + dataID(f.acme.ID))
		if !strings.Contains(acct.body, "Custom fields") || !strings.Contains(acct.body, `<option selected>Gold</option>`) {
			t.Errorf("account page lacks the custom fields")
		}
		list := f.get("/accounts?cf_support_plan=Gold")
		if !strings.Contains(list.body, "Acme Corp") || strings.Contains(list.body, ">Globex<") {
			t.Errorf("filter by support plan:\n%s", list.body)
		}
		sorted := f.get("/accounts?sort=cf_seats")
		if i, j := strings.Index(sorted.body, ">Globex<"), strings.Index(sorted.body, ">Acme Corp<"); i < 0 || j < 0 || i > j {
			t.Errorf("sorted by seats: Globex (9) should come before Acme (120)")
		}
		if !strings.Contains(list.body, `/data/export/accounts.csv?cf_support_plan=Gold`) {
			t.Errorf("list lacks the filtered export link")
		}
		csv := f.get("/data/export/accounts.csv?cf_support_plan=Gold")
		if csv.status != 200 || !strings.Contains(csv.body, "cf_support_plan") || !strings.Contains(csv.body, "Acme Corp") || strings.Contains(csv.body, "Globex") {
			t.Errorf("filtered CSV export: %d\n%s", csv.status, csv.body)
		}
		x := f.get("/data/export/touches.xlsx")
		if x.status != 200 || !strings.HasPrefix(x.body, "PK") {
			t.Errorf("xlsx export: %d", x.status)
		}
		if r := f.get("/data/export/nothing.csv"); r.status != 404 {
			t.Errorf("unknown export: %d", r.status)
		}
		fields := f.get("/data/fields")
		if !strings.Contains(fields.body, "cf_support_plan") {
			t.Error("fields page lacks the field")
		}
		if r := f.post("/data/fields", url.Values{"entity": {"account"}, "label": {""}, "type": {"choice"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "a choice field needs at least one choice") {
			t.Errorf("bad field: %d", r.status)
		}
	})
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	j := strings.Index(s, b)
	if j < 0 {
		return ""
	}
	return s[:j]
}

func TestBrowserImportACRMFileFromTheDataPage(t *testing.T) {
	ctx := newBrowser(t, 90*time.Second)
	f := newFixture(t, store.SQLite)
	plan := exchange.CustomField{Entity: "account", Label: "Support plan", Type: "choice", Choices: []string{"Gold", "Silver"}}
	if err := f.db.SaveCustomField(context.Background(), f.sc, &plan); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../docs/examples/salesforce-accounts.csv")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "salesforce-accounts.csv")
	os.WriteFile(file, src, 0o600)

	for _, vp := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		browse(t, ctx, vp.name+" viewport", chromedp.EmulateViewport(vp.w, vp.h))
		navigate(t, ctx, "open the data page", chromedp.Navigate(f.srv.URL+"/data"))
		checkPage(t, ctx, "data page")
		if vp.name == "desktop" {
			screenshot(t, ctx, "data-empty-desktop")
		}
	}
	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 900))
	browse(t, ctx, "choose the file and preset",
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.SetValue(chromedp.ID("preset"), "salesforce"),
		chromedp.SetValue(chromedp.ID("on_error"), "skip"))
	navigate(t, ctx, "check the file", chromedp.Click(chromedp.CSS(`button[value="check"]`)))
	if n := eval[int](t, ctx, `document.querySelectorAll(".data-rejects tbody tr").length`); n != 4 {
		t.Fatalf("report lists %d problems, want 4", n)
	}
	checkPage(t, ctx, "check report")
	screenshot(t, ctx, "data-check-desktop")
	browse(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844))
	checkPage(t, ctx, "check report on a phone")
	screenshot(t, ctx, "data-check-phone")
	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 900))

	navigate(t, ctx, "import", chromedp.Click(chromedp.CSS(`button[value="import"]`)))
	deadline := time.Now().Add(20 * time.Second)
	for {
		status := eval[string](t, ctx, `(document.querySelector(".data-history tbody tr .badge") || {}).textContent || ""`)
		if strings.TrimSpace(status) == "Done" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("import status %q", status)
		}
		time.Sleep(500 * time.Millisecond)
		navigate(t, ctx, "reload", chromedp.Navigate(f.srv.URL+"/data"))
	}
	checkPage(t, ctx, "history")
	screenshot(t, ctx, "data-history-desktop")

	navigate(t, ctx, "accounts", chromedp.Navigate(f.srv.URL+"/accounts"))
	if n := eval[int](t, ctx, `document.querySelectorAll("td.cell-title a").length`); n != 6 {
		t.Errorf("accounts after import: %d, want 3 + 3", n)
	}
	screenshot(t, ctx, "data-accounts-desktop")
	navigate(t, ctx, "fields", chromedp.Navigate(f.srv.URL+"/data/fields"))
	checkPage(t, ctx, "fields page")
	screenshot(t, ctx, "data-fields-desktop")
	browse(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844))
	navigate(t, ctx, "fields on a phone", chromedp.Navigate(f.srv.URL+"/data/fields"))
	checkPage(t, ctx, "fields page on a phone")
	screenshot(t, ctx, "data-fields-phone")
	navigate(t, ctx, "history on a phone", chromedp.Navigate(f.srv.URL+"/data"))
	checkPage(t, ctx, "history on a phone")
	screenshot(t, ctx, "data-history-phone")
	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 900))
	navigate(t, ctx, "account page", chromedp.Navigate(f.srv.URL+"/accounts/"+dataID(f.acme.ID)))
	elementShot(t, ctx, "#custom-fields", "data-account-fields")
}

func dataID(id int64) string { return strconv.FormatInt(id, 10) }
