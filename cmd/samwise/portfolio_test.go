package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

func TestPortfolioCommandsRankAndRecordTiersFromTheServersDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "samwise.db")
	if _, errOut, err := runSplit(t, path, "migrate"); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	ctx := context.Background()
	db := openDB(t, path)
	org := account.Organisation{Name: "Acme Holdings", Slug: "acme"}
	if err := db.CreateOrganisation(ctx, &org); err != nil {
		t.Fatal(err)
	}
	sc := account.Scope{OrgID: org.ID, Actor: "test"}
	closed := account.DateOf(time.Now().AddDate(0, -1, 0))
	for i, name := range []string{"Alpha", "Beta", "Gamma"} {
		a := &account.Account{Name: name, Lifecycle: account.Customer}
		if err := db.CreateAccount(ctx, sc, a); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateOpportunity(ctx, sc, &account.Opportunity{AccountID: a.ID, Name: "Deal", Stage: account.Won,
			Amount: int64(3-i) * 1_000_000_00, ActualClose: closed}); err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			sub := portfolio.Submission{Reason: "review"}
			for _, c := range portfolio.DefaultCriteria() {
				sub.Ratings = append(sub.Ratings, portfolio.CriterionRating{Key: c.Key, Value: 2 + 2*i})
			}
			if _, err := db.RateAccount(ctx, sc, a.ID, sub); err != nil {
				t.Fatal(err)
			}
		}
	}

	out, errOut, err := runSplit(t, path, "portfolio", "tiers", "--recompute", "--org", "acme")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	// 3M, 2M, 1M of 6M: shares before 0, 50%, 83% → A, A, B.
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		got = append(got, strings.Join(strings.Fields(line), " "))
	}
	want := []string{"TIER ACCOUNTS REVENUE 12M SHARE", "A 2 5,000,000 83.3%", "B 1 1,000,000 16.7%", "C 0 0 0.0%"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("tiers output:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(errOut, "3 accounts changed tier") || !strings.Contains(errOut, "tiers by revenue (Pareto), recorded") {
		t.Errorf("stderr: %s", errOut)
	}

	out, errOut, err = runSplit(t, path, "portfolio", "rank", "--limit", "2")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "Beta") || !strings.Contains(lines[1], "75.0") || !strings.Contains(lines[2], "Alpha") {
		t.Errorf("rank output:\n%s", out)
	}
	if !strings.Contains(errOut, "2 of 3 accounts") {
		t.Errorf("stderr: %s", errOut)
	}
	if _, _, err := runSplit(t, path, "portfolio", "rank", "--tier", "Z"); err == nil {
		t.Error("--tier Z should be refused")
	}
	if _, _, err := runSplit(t, path, "portfolio", "tiers", "--org", "nope"); err == nil {
		t.Error("an unknown organisation should be refused")
	}
}
