package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestCapRowsShowsTheFirstRowsUnlessAskedForAll(t *testing.T) {
	rows := make([]int, 250)
	for i := range rows {
		rows[i] = i
	}
	r := httptest.NewRequest(http.MethodGet, "/adherence?by=account&sort=-percent", nil)
	got, c := capRows(r, rows)
	if len(got) != listShown || c.Shown != listShown || c.Total != 250 || !c.Capped() || got[99] != 99 {
		t.Fatalf("capped = %d rows, %+v", len(got), c)
	}
	u, err := url.Parse(c.AllURL)
	if err != nil || u.Path != "/adherence" || u.Query().Get("all") != "1" || u.Query().Get("by") != "account" || u.Query().Get("sort") != "-percent" {
		t.Fatalf("AllURL = %q (%v)", c.AllURL, err)
	}
	got, c = capRows(httptest.NewRequest(http.MethodGet, c.AllURL, nil), rows)
	if len(got) != 250 || c.Capped() {
		t.Fatalf("all = %d rows, %+v", len(got), c)
	}
	got, c = capRows(r, rows[:7])
	if len(got) != 7 || c.Capped() || c.Total != 7 {
		t.Fatalf("short = %d rows, %+v", len(got), c)
	}
	got, c = capRows[int](r, nil)
	if len(got) != 0 || c.Capped() || c.Total != 0 {
		t.Fatalf("empty = %d rows, %+v", len(got), c)
	}
}

// TestLongListPagesShowTheirFirstRows serves 130 customer accounts, each
// with an active decision maker nobody knows and its own survey campaign:
// /health, /adherence?by=account, /measures/surveys and /coverage list the
// first 100 with the full count and a link to all, ?all=1 lists every one,
// and the exports keep every row.
func TestLongListPagesShowTheirFirstRows(t *testing.T) {
	db, sc := storetest.New(t, store.SQLite)
	now := time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	ctx := context.Background()
	const n = 130
	for i := range n {
		a := account.Account{Name: fmt.Sprintf("Cap Account %03d", i), Lifecycle: account.Customer, Currency: "USD"}
		if err := db.CreateAccount(ctx, sc, &a); err != nil {
			t.Fatal(err)
		}
		s := account.Stakeholder{AccountID: a.ID, Name: fmt.Sprintf("Contact %03d", i), Level: account.Executive,
			BuyingRole: account.DecisionMaker, Active: true}
		if err := db.CreateStakeholder(ctx, sc, &s); err != nil {
			t.Fatal(err)
		}
		c := measure.Campaign{Name: fmt.Sprintf("Cap NPS %03d", i), Year: 2026, OpensOn: account.DateOf(now),
			ClosesOn: account.DateOf(now).AddDays(30), TargetAccounts: []int64{a.ID}}
		if err := db.CreateCampaign(ctx, sc, &c); err != nil {
			t.Fatal(err)
		}
	}
	mux := http.NewServeMux()
	Register(mux, Deps{DB: db, Guard: access.Unrestricted{S: sc}, Now: func() time.Time { return now }})
	get := func(path string) string {
		t.Helper()
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s = %d %s", path, rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	for _, p := range []struct{ path, row, all string }{
		{"/health", `href="/accounts/`, `/health?all=1`},
		{"/adherence?by=account", `#cadence">Cap Account`, `/adherence?all=1&amp;by=account`},
		{"/measures/surveys", `">Cap NPS`, `/measures/surveys?all=1`},
		{"/coverage?rule=unknown_decision_maker", `/relationships">Cap Account`, `/coverage?all=1&amp;rule=unknown_decision_maker`},
	} {
		body := get(p.path)
		if got := strings.Count(body, p.row); got != listShown {
			t.Errorf("%s lists %d rows, want %d", p.path, got, listShown)
		}
		if !strings.Contains(body, fmt.Sprintf("Showing the first %d of %d", listShown, n)) || !strings.Contains(body, p.all) ||
			!strings.Contains(body, fmt.Sprintf(`<span class="count">%d</span>`, n)) {
			t.Errorf("%s lacks the count or the link to all", p.path)
		}
		body = get(strings.ReplaceAll(p.all, "&amp;", "&"))
		if got := strings.Count(body, p.row); got != n || strings.Contains(body, "Showing the first") {
			t.Errorf("%s?all=1 lists %d rows, want %d", p.path, got, n)
		}
	}
	for _, p := range []string{"/health/export?format=csv",
		"/adherence/export?by=account&format=csv", "/coverage/export?rule=unknown_decision_maker&format=csv",
		"/measures/surveys/export?format=csv"} {
		if got := strings.Count(get(p), "Cap "); got != n {
			t.Errorf("%s exports %d rows, want %d", p, got, n)
		}
	}
}
