package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/outcome"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
	"github.com/samwise-sam/samwise/internal/web"
)

// Sizes of the long lists: above what the pages show (100 rows) and above
// the caps they had before (500 renewals a window, 100 at risk, 500 open
// problems; the store answered at most 1,000 renewals).
const (
	manyRenewals = 1050
	manyAtRisk   = 130
	manyProblems = 520
)

// longOutcomeLists serves an organisation with manyRenewals contracts
// renewing within 30 days (manyAtRisk of them forecast at risk) and
// manyProblems open problems, with the clock at a fixed now.
func longOutcomeLists(t *testing.T, d store.Dialect) *fixture {
	t.Helper()
	ctx := context.Background()
	db, sc := storetest.New(t, d)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db.Now = clock
	today := account.DateOf(now)
	var accts []int64
	_, err := db.Bulk(ctx, sc, store.BulkOptions{}, func(w *store.BulkWriter) error {
		ann := account.Person{Name: "Ann", Email: "ann@example.com"}
		if err := w.Person(&ann); err != nil {
			return err
		}
		for i := range 50 {
			a := account.Account{Name: fmt.Sprintf("Client %02d", i), Lifecycle: account.Customer, OwnerID: &ann.ID}
			if err := w.Account(&a); err != nil {
				return err
			}
			accts = append(accts, a.ID)
		}
		for i := range manyRenewals {
			c := account.Contract{AccountID: accts[i%len(accts)], Product: fmt.Sprintf("Product %04d", i), AnnualValue: 100_00,
				Start: today.AddDays(-340), End: today.AddDays(1 + i%29)}
			u := store.RenewalUpdate{}
			if i < manyAtRisk {
				u.Forecast = outcome.AtRisk
			}
			if err := w.ContractRenewal(&c, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range manyProblems {
		p := outcome.Problem{AccountID: accts[i%len(accts)], Kind: outcome.KindProblem, Title: fmt.Sprintf("Problem %03d", i),
			Severity: outcome.Severities[i%len(outcome.Severities)], Status: outcome.Open, OpenedAt: now.Add(-time.Duration(i) * time.Minute)}
		if err := db.CreateProblem(ctx, sc, &p); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{t: t, db: db, sc: sc}
	mux := http.NewServeMux()
	f.routes = web.Register(mux, web.Deps{DB: db, Guard: access.Unrestricted{S: sc}, Now: clock})
	f.srv = httptest.NewServer(withCSP(mux))
	t.Cleanup(f.srv.Close)
	f.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f
}

// The renewal calendar, the renewals at risk and the open-problem board
// show their first 100 rows with the true count and a link to all of them;
// ?all=1 shows every row, and the CSV and Excel exports hold every row.
func TestLongOutcomeListsShowTheTrueCountAndLinkToEveryRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := longOutcomeLists(t, d)
		count := func(body, part string) int { return strings.Count(body, part) }
		for _, c := range []struct {
			name      string
			path      string
			has       []string
			lacks     []string
			row       string
			rows      int
			otherRow  string
			otherRows int
		}{
			{"the renewal calendar shows its first rows", "/renewals?within=30",
				[]string{fmt.Sprintf(`<span class="count">%d</span>`, manyRenewals),
					fmt.Sprintf("Showing the first 100 of %d.", manyRenewals), `href="/renewals?all=1&amp;within=30"`,
					fmt.Sprintf(">%d</span></h2>", manyAtRisk), fmt.Sprintf("Showing the first 100 of %d.", manyAtRisk)},
				nil, `<tr id="renewal-`, 100, `· <span class="nowrap">`, 100},
			{"the renewal calendar shows every row when asked", "/renewals?within=30&all=1",
				[]string{fmt.Sprintf(`<span class="count">%d</span>`, manyRenewals), `value="/renewals?all=1&amp;within=30"`, `?all=1&amp;within=30" class="inline-fields oc-renewal-form"`},
				[]string{"Showing the first"}, `<tr id="renewal-`, manyRenewals, `· <span class="nowrap">`, manyAtRisk},
			{"the problem board shows its first rows", "/problems",
				[]string{fmt.Sprintf(`<dd class="oc-big">%d</dd>`, manyProblems), fmt.Sprintf(`<span class="count">%d</span>`, manyProblems),
					fmt.Sprintf("Showing the first 100 of %d.", manyProblems), `href="/problems?all=1"`},
				nil, `<td class="cell-title"><a href="/problems/`, 100, "", 0},
			{"the problem board shows every row when asked", "/problems?all=1",
				[]string{fmt.Sprintf(`<span class="count">%d</span>`, manyProblems)},
				[]string{"Showing the first"}, `<td class="cell-title"><a href="/problems/`, manyProblems, "", 0},
			{"a filtered problem board counts what matches", "/problems?severity=high",
				[]string{fmt.Sprintf(`<span class="count">%d</span>`, manyProblems/4),
					fmt.Sprintf("Showing the first 100 of %d.", manyProblems/4), `href="/problems?all=1&amp;severity=high"`},
				nil, `<td class="cell-title"><a href="/problems/`, 100, "", 0},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := f.get(c.path)
				if r.status != http.StatusOK {
					t.Fatalf("status %d: %.300s", r.status, r.body)
				}
				ocHas(t, r.body, c.has...)
				for _, l := range c.lacks {
					if strings.Contains(r.body, l) {
						t.Errorf("page has %q", l)
					}
				}
				if n := count(r.body, c.row); n != c.rows {
					t.Errorf("%d rows, want %d", n, c.rows)
				}
				if c.otherRow != "" {
					if n := count(r.body, c.otherRow); n != c.otherRows {
						t.Errorf("%d renewals at risk, want %d", n, c.otherRows)
					}
				}
			})
		}
		for _, c := range []struct {
			path string
			rows int
		}{
			{"/renewals/export?within=30&format=", manyRenewals},
			{"/renewals/export?list=at_risk&format=", manyAtRisk},
			{"/problems/export?format=", manyProblems},
			{"/problems/export?severity=high&format=", manyProblems / 4},
		} {
			for _, format := range []string{"csv", "xlsx"} {
				t.Run("the export "+c.path+format+" holds every row", func(t *testing.T) {
					status, _, rows := f.exportTable(c.path + format)
					if status != http.StatusOK || len(rows) != c.rows+1 {
						t.Fatalf("status %d, %d rows; want %d and a header", status, len(rows), c.rows)
					}
				})
			}
		}
		if r := f.get("/renewals/export?list=everything&format=csv"); r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
			t.Errorf("an unknown list: status %d", r.status)
		}
	})
}
