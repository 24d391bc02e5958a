package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
)

func TestCadenceDueListsOverdueStakeholdersOfAPersonsAccounts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "samwise.db")
	if _, _, err := runSplit(t, path, "migrate"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := openDB(t, path)
	orgs, err := db.Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sc account.Scope
	if len(orgs) > 0 {
		sc = account.Scope{OrgID: orgs[0].ID, Actor: "test"}
	} else {
		o := account.Organisation{Name: "Test", Slug: "test"}
		if err := db.CreateOrganisation(ctx, &o); err != nil {
			t.Fatal(err)
		}
		sc = account.Scope{OrgID: o.ID, Actor: "test"}
	}
	ann := account.Person{Name: "Ann Lee", Email: "ann@example.com"}
	bob := account.Person{Name: "Bob Stone", Email: "bob@example.com"}
	for _, p := range []*account.Person{&ann, &bob} {
		if err := db.CreatePerson(ctx, sc, p); err != nil {
			t.Fatal(err)
		}
	}
	mine := account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &ann.ID}
	theirs := account.Account{Name: "Globex", Lifecycle: account.Customer, OwnerID: &bob.ID}
	for _, a := range []*account.Account{&mine, &theirs} {
		if err := db.CreateAccount(ctx, sc, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []account.Stakeholder{{AccountID: mine.ID, Name: "Olga Never", Active: true},
		{AccountID: mine.ID, Name: "Tina Recent", Active: true}, {AccountID: theirs.ID, Name: "Zed Other", Active: true}} {
		if err := db.CreateStakeholder(ctx, sc, &s); err != nil {
			t.Fatal(err)
		}
		if s.Name == "Tina Recent" {
			if err := db.CreateTouch(ctx, sc, &account.Touch{AccountID: mine.ID, Kind: account.Call, OccurredAt: time.Now(),
				Summary: "Hi", StakeholderIDs: []int64{s.ID}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A review of Ann's account slipped a week; Bob's is not hers.
	lateOn := account.DateOf(time.Now().UTC().AddDate(0, 0, -7))
	for _, a := range []account.Account{mine, theirs} {
		if err := db.CreateReview(ctx, sc, &cadence.Review{AccountID: a.ID, Kind: cadence.QBR, ScheduledOn: lateOn}); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, err := runSplit(t, path, "cadence", "due", "--person", "ANN@example.com")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if !strings.Contains(out, "Overdue") || !strings.Contains(out, "Olga Never") || strings.Contains(out, "Tina Recent") || strings.Contains(out, "Zed Other") {
		t.Errorf("due list:\n%s", out)
	}
	if !strings.Contains(out, "Quarterly business review") || !strings.Contains(out, "Late, 7 days") || strings.Count(out, "Quarterly business review") != 1 {
		t.Errorf("reviews in the due list:\n%s", out)
	}
	if !strings.Contains(errOut, "Ann Lee") || !strings.Contains(errOut, "1 of 2 stakeholders listed; 1 overdue") || !strings.Contains(errOut, "adherence 50%") {
		t.Errorf("summary: %s", errOut)
	}
	out, _, err = runSplit(t, path, "cadence", "due", "--person", "ann@example.com", "--all", "--zone", "Asia/Tokyo")
	if err != nil || !strings.Contains(out, "Tina Recent") {
		t.Errorf("--all: %v\n%s", err, out)
	}
	if _, _, err := runSplit(t, path, "cadence", "due", "--person", "nobody@example.com"); account.ErrorCode(err) != account.ENOTFOUND {
		t.Errorf("unknown person: %v", err)
	}
	if _, _, err := runSplit(t, path, "cadence", "due", "--person", "ann@example.com", "--zone", "Mars/Olympus"); account.ErrorCode(err) != account.EINVALID {
		t.Errorf("bad zone: %v", err)
	}
}
