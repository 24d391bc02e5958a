package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
)

func TestCoverageListsFindingsAsATableOrJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "samwise.db")
	if _, _, err := runSplit(t, path, "migrate"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := openDB(t, path)
	o := account.Organisation{Name: "Test", Slug: "test"}
	if err := db.CreateOrganisation(ctx, &o); err != nil {
		t.Fatal(err)
	}
	sc := account.Scope{OrgID: o.ID, Actor: "test"}
	ann := account.Person{Name: "Ann Lee", Email: "ann@example.com"}
	if err := db.CreatePerson(ctx, sc, &ann); err != nil {
		t.Fatal(err)
	}
	a := account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &ann.ID}
	if err := db.CreateAccount(ctx, sc, &a); err != nil {
		t.Fatal(err)
	}
	dm := account.Stakeholder{AccountID: a.ID, Name: "Dora Decider", Level: account.Executive, BuyingRole: account.DecisionMaker, Active: true}
	if err := db.CreateStakeholder(ctx, sc, &dm); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, errOut, err := runSplit(t, path, "coverage", "--org", "test")
	if err != nil {
		t.Fatal(err, errOut)
	}
	if !strings.Contains(out, "unknown_decision_maker") || !strings.Contains(out, "Dora Decider") || !strings.Contains(out, "Ann Lee") {
		t.Errorf("table:\n%s", out)
	}
	if !strings.Contains(errOut, "coverage findings") {
		t.Errorf("summary: %s", errOut)
	}
	out, _, err = runSplit(t, path, "coverage", "--org", "test", "--json", "--rule", "level_gap")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Counts   map[string]int  `json:"counts"`
		Findings []intel.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err, out)
	}
	if got.Counts["level_gap"] != 4 || len(got.Findings) != 4 || got.Findings[0].AccountName != "Acme" {
		t.Errorf("json %+v", got)
	}
	if _, _, err := runSplit(t, path, "coverage", "--org", "test", "--rule", "nope"); err == nil {
		t.Error("an unknown rule is refused")
	}
}
