package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// downloadA fetches path and returns its status, content type and body.
func (f *fixture) downloadA(path string) (int, string, []byte) {
	f.t.Helper()
	res, err := f.client.Get(f.srv.URL + path)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), b
}

// exportRowsA reads a CSV or an Excel export into rows of text.
func exportRowsA(t *testing.T, format string, body []byte) [][]string {
	t.Helper()
	if format == "csv" {
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("CSV: %v\n%s", err, body)
		}
		return rows
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("workbook: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// hasRowA reports whether some row holds every one of cells, in any column.
func hasRowA(rows [][]string, cells ...string) bool {
	for _, r := range rows {
		ok := true
		for _, c := range cells {
			if !slices.Contains(r, c) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func TestListExportsA(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		bob := fmt.Sprint(f.bob.ID)
		cases := []struct {
			name   string
			page   string   // the list page, whose page-head links to the export
			export string   // the export's path and query, without format
			header []string // leading columns
			row    []string // cells of a row that must be there
			// narrowed is a filter that must drop gone (and keep kept).
			narrowed   string
			kept, gone string
		}{
			{name: "portfolio", page: "/portfolio", export: "/portfolio/export?",
				header:   []string{"rank", "movement", "account_id", "account", "strategic"},
				row:      []string{"Acme Corp", "undecided", "Ann Lee"},
				narrowed: "/portfolio/export?owner=" + bob + "&", kept: "Globex", gone: "Acme Corp"},
			{name: "pipeline", page: "/portfolio/pipeline", export: "/portfolio/pipeline/export?",
				header:   []string{"stage", "account_id", "account"},
				row:      []string{"Waiting to be scored", "Initech", "Ann Lee"},
				narrowed: "/portfolio/pipeline/export?stage=designated&", gone: "Initech"},
			{name: "workload", page: "/workload", export: "/workload/export?",
				header: []string{"person_id", "manager", "load_points", "capacity_points"},
				row:    []string{"Bob Stone", "1"}},
			{name: "people", page: "/people", export: "/people/export?",
				header: []string{"person_id", "name", "email", "title", "manager", "accounts_owned"},
				row:    []string{"Bob Stone", "bob@example.com", "Account manager", "Ann Lee", "1"}},
			{name: "audit", page: "/admin/audit", export: "/admin/audit.csv?",
				header:   []string{"at", "actor", "action", "entity"},
				row:      []string{"ann@example.com", "account", "name", "Globex"},
				narrowed: "/admin/audit.csv?entity=stakeholder&", kept: "Carol Diaz", gone: "Globex"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				page := f.get(c.page)
				if page.status != http.StatusOK || !strings.Contains(page.body, "Export CSV") || !strings.Contains(page.body, "Export Excel") {
					t.Fatalf("%s: %d, or no export buttons", c.page, page.status)
				}
				for _, format := range []string{"csv", "xlsx"} {
					path := c.export + "format=" + format
					wantType := "text/csv; charset=utf-8"
					if format == "xlsx" {
						wantType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
						if c.name == "audit" {
							path = "/admin/audit.xlsx"
						}
					}
					status, ctype, body := f.downloadA(path)
					if status != http.StatusOK || ctype != wantType {
						t.Fatalf("%s: %d %q\n%s", path, status, ctype, body)
					}
					if !strings.Contains(page.body, strings.ReplaceAll(path, "&", "&amp;")) && c.name != "audit" {
						t.Errorf("%s links no %s", c.page, path)
					}
					rows := exportRowsA(t, format, body)
					if len(rows) < 2 || !slices.Equal(rows[0][:len(c.header)], c.header) {
						t.Fatalf("%s: header %v", path, rows)
					}
					if !hasRowA(rows[1:], c.row...) {
						t.Errorf("%s: no row with %v in %v", path, c.row, rows)
					}
				}
				if c.narrowed == "" {
					return
				}
				status, _, body := f.downloadA(c.narrowed + "format=csv")
				if status != http.StatusOK {
					t.Fatalf("%s: %d", c.narrowed, status)
				}
				rows := exportRowsA(t, "csv", body)
				if hasRowA(rows, c.gone) || (c.kept != "" && !hasRowA(rows, c.kept)) {
					t.Errorf("%s: kept %q, dropped %q? %v", c.narrowed, c.kept, c.gone, rows)
				}
			})
		}

		// The ranking's export keeps the page's filters and order, not its page.
		if page := f.get("/portfolio?owner=" + bob + "&sort=name&page=2"); !strings.Contains(page.body,
			"/portfolio/export?format=csv&amp;owner="+bob+"&amp;sort=name") {
			t.Errorf("filtered portfolio page links the wrong export")
		}
		if status, _, _ := f.downloadA("/people/export?format=pdf"); status != http.StatusBadRequest {
			t.Errorf("format=pdf: %d, want 400", status)
		}
	})
}
