package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/demo"
)

func TestMetricsCommandsPrintTheHandWorkedFigures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "samwise.db")
	if _, errOut, err := runSplit(t, path, "migrate"); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	ctx := context.Background()
	db := openDB(t, path)
	org := account.Organisation{Name: "Outcomes", Slug: "outcomes"}
	if err := db.CreateOrganisation(ctx, &org); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedOutcomeFixture(ctx, db, account.Scope{OrgID: org.ID, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	period := []string{"--from", "2025-01-01", "--to", "2026-01-01", "--org", "outcomes"}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{append([]string{"metrics", "retention"}, period...), []string{"target 95.0% of key accounts: met", "66.7%", "70.0%", "80.0%", "106.7%"}},
		{append([]string{"metrics", "retention", "--tier", "B"}, period...), []string{"0.0%"}},
		{append([]string{"metrics", "revenue"}, period...), []string{"won 12000.00 (2), lost 2, win rate 50.0%", "4600.00", "Ann Archer", "75.0%"}},
		{append([]string{"metrics", "roi"}, period...), []string{"ROI 3455.6%: the program pays", "96000.00", "2700.00"}},
		{append([]string{"metrics", "retention", "--json"}, period...), []string{`"grr": 0.7`, `"nrr": 0.8`}},
	} {
		out, errOut, err := runSplit(t, path, tc.args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", tc.args, err, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, w, out)
			}
		}
	}
	if _, _, err := runSplit(t, path, "metrics", "retention", "--from", "2026-01-01", "--to", "2025-01-01"); err == nil {
		t.Error("a reversed period is refused")
	}
}
