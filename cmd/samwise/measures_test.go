package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
)

func TestGraderCommandPrintsTheTenChecksAsATableOrJSON(t *testing.T) {
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
	a := &account.Account{Name: "Alpha", Lifecycle: account.Customer}
	if err := db.CreateAccount(ctx, sc, a); err != nil {
		t.Fatal(err)
	}

	out, errOut, err := runSplit(t, path, "grader")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if !strings.Contains(out, "Alpha") || !strings.Contains(out, "At risk") || !strings.Contains(out, "1 accounts, average") {
		t.Fatalf("table:\n%s", out)
	}
	out, _, err = runSplit(t, path, "grader", "--account", "1")
	if err != nil || !strings.Contains(out, "An account manager is assigned") || !strings.Contains(out, "FAIL") {
		t.Fatalf("%v\n%s", err, out)
	}
	out, _, err = runSplit(t, path, "grader", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Grades []struct {
			Score  int `json:"score"`
			Checks []struct {
				Pass bool `json:"pass"`
			} `json:"checks"`
		} `json:"grades"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Grades) != 1 || len(got.Grades[0].Checks) != 10 {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, _, err := runSplit(t, path, "grader", "--account", "999"); err == nil {
		t.Fatal("unknown account accepted")
	}
}
