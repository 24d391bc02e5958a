package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// exportTable fetches path and answers its status, content type and the table
// it holds, read as CSV or as the first sheet of a workbook.
func (f *fixture) exportTable(path string) (int, string, [][]string) {
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
	ct := res.Header.Get("Content-Type")
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, ct, nil
	}
	if strings.HasPrefix(ct, "text/csv") {
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			f.t.Fatalf("%s: %v", path, err)
		}
		return res.StatusCode, ct, rows
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		f.t.Fatalf("%s: %v", path, err)
	}
	defer x.Close()
	rows, err := x.GetRows("Sheet1")
	if err != nil {
		f.t.Fatalf("%s: %v", path, err)
	}
	return res.StatusCode, ct, rows
}

// Adherence, reviews, plans, account health, coverage and NPS surveys download what
// their page shows, as filtered, as CSV and as Excel; each page links both.
func TestListExportsAnswerTheFilteredTableAsCSVAndExcel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		ctx := context.Background()
		// A late review on Acme, a plan being drafted, today's health.
		f.scheduleReview(url.Values{"kind": {"qbr"}, "scheduled_on": {"2026-02-20"}})
		res := f.post(fmt.Sprintf("/accounts/%d/plans", f.acme.ID), url.Values{"title": {"Acme 2026"}, "starts_on": {"2026-03-01"}, "years": {"1"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("draft plan: %d %s", res.status, res.body)
		}
		if _, err := f.db.SnapshotHealth(ctx, f.sc, account.DateOf(now)); err != nil {
			t.Fatal(err)
		}
		res = f.post("/measures/surveys", url.Values{"name": {"Spring NPS"}, "year": {"2026"}, "opens_on": {"2026-03-02"},
			"closes_on": {"2026-04-30"}, "target_tiers": {"C"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("create survey: %d %s", res.status, res.body)
		}

		for _, c := range []struct {
			page   string // the list, whose page-head links the exports
			export string // the export as the page links it, FORMAT for the format
			header []string
			row    func([]string) bool // a row the table must hold
		}{
			{"/adherence?by=account&sort=-percent", "/adherence/export?by=account&format=FORMAT&sort=-percent",
				[]string{"account", "adherence_pct", "stakeholders", "overdue", "due_soon", "over_contacted"},
				func(r []string) bool { return r[0] == "Acme Corp" && r[1] == "50" && r[2] == "2" }},
			{"/adherence", "/adherence/export?by=tier&format=FORMAT",
				[]string{"tier", "adherence_pct", "stakeholders", "overdue", "due_soon", "over_contacted"},
				func(r []string) bool { return r[0] == "Tier C" && r[2] == "2" }},
			{"/reviews?state=late", "/reviews/export?format=FORMAT&state=late",
				[]string{"id", "account", "review", "scheduled", "held", "state", "days_late"},
				func(r []string) bool {
					return r[1] == "Acme Corp" && r[3] == "2026-02-20" && r[4] == "" && r[6] == "10"
				}},
			{"/plans?show=drafting", "/plans/export?format=FORMAT&show=drafting",
				[]string{"id", "account", "plan", "version", "status", "awaiting_sign_off", "comments", "health", "next_review", "updated"},
				func(r []string) bool {
					return r[1] == "Acme Corp" && r[2] == "Acme 2026" && r[3] == "1" && r[9] == "2026-03-02"
				}},
			{"/health?sort=name", "/health/export?format=FORMAT&sort=name",
				[]string{"id", "account", "tier", "manager", "health", "band", "change_30_days", "churn_risk_pct", "snapshot"},
				func(r []string) bool { return r[1] == "Acme Corp" && r[3] == "Ann Lee" }},
			{"/coverage", "/coverage/export?format=FORMAT",
				[]string{"rule", "finding", "severity", "account_id", "account", "account_manager", "stakeholder_id", "stakeholder", "level", "person", "detail"},
				func(r []string) bool { return r[4] == "Acme Corp" && r[5] == "Ann Lee" }},
			{"/measures/surveys", "/measures/surveys/export?format=FORMAT",
				[]string{"id", "campaign", "year", "tiers", "chosen_accounts", "status", "opens_on", "closes_on", "invited", "sent", "answered", "response_rate_pct"},
				func(r []string) bool {
					return r[1] == "Spring NPS" && r[2] == "2026" && r[3] == "C" && r[5] == "draft" && r[6] == "2026-03-02" && r[11] == ""
				}},
		} {
			page := f.get(c.page)
			if page.status != http.StatusOK {
				t.Fatalf("%s = %d", c.page, page.status)
			}
			contains(t, page.body, "Export CSV", "Export Excel")
			for _, format := range []string{"csv", "xlsx"} {
				path := strings.ReplaceAll(c.export, "FORMAT", format)
				// The page links the export with its own filters.
				if !strings.Contains(page.body, `href="`+strings.ReplaceAll(path, "&", "&amp;")+`"`) {
					t.Errorf("%s does not link %s", c.page, path)
				}
				status, ct, rows := f.exportTable(path)
				if status != http.StatusOK {
					t.Fatalf("%s = %d", path, status)
				}
				want := map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
				if ct != want {
					t.Errorf("%s: content type %q", path, ct)
				}
				if len(rows) == 0 || !slices.Equal(rows[0], c.header) {
					t.Fatalf("%s: header %q, want %q", path, rows, c.header)
				}
				found := false
				for _, r := range rows[1:] {
					// Excel leaves trailing blank cells out of a row.
					for len(r) < len(c.header) {
						r = append(r, "")
					}
					found = found || c.row(r)
				}
				if !found {
					t.Errorf("%s: no expected row in %q", path, rows)
				}
			}
		}

		// Filters narrow the download as they narrow the page.
		if _, _, rows := f.exportTable("/reviews/export?state=held&format=csv"); len(rows) != 1 {
			t.Errorf("held reviews: %q", rows)
		}
		if _, _, rows := f.exportTable("/plans/export?show=awaiting&format=csv"); len(rows) != 1 {
			t.Errorf("plans awaiting sign-off: %q", rows)
		}
	})
}

// The reviews page shows 100 at a time; its export holds every review, past
// the store's largest page.
func TestTheReviewsExportTakesEveryPage(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	const n = 520
	day := account.DateOf(now)
	for i := range n {
		rv := cadence.Review{AccountID: f.initech.ID, Kind: cadence.QBR, ScheduledOn: day.AddDays(1 + i%400), Status: cadence.ReviewScheduled}
		if err := f.db.CreateReview(ctx, f.sc, &rv); err != nil {
			t.Fatal(err)
		}
	}
	page := f.get("/reviews?state=all")
	if got := strings.Count(page.body, `<tr id="review-`); got != 100 {
		t.Errorf("page shows %d reviews", got)
	}
	_, _, rows := f.exportTable("/reviews/export?format=csv&state=all")
	if len(rows) != n+1 {
		t.Fatalf("export has %d rows, want %d", len(rows)-1, n)
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		if seen[r[0]] {
			t.Fatalf("review %s twice", r[0])
		}
		seen[r[0]] = true
	}
	// Newest first, as the page orders "all".
	if rows[1][3] < rows[n][3] {
		t.Errorf("order: first %s, last %s", rows[1][3], rows[n][3])
	}
}
