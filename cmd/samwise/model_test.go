package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/health"
	"github.com/samwise-sam/samwise/internal/store"
)

func TestModelTrainSaysSoWithTooLittleHistoryThenEvalPrintsAUCAndCalibration(t *testing.T) {
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
	out, _, err := runSplit(t, path, "model", "train")
	if err != nil || !strings.Contains(out, "Too little history") {
		t.Fatalf("train on nothing: %q %v", out, err)
	}
	today := account.DateOf(db.Now().UTC())
	var snaps []store.HealthSnapshot
	for k := 0; k < 80; k++ {
		a := account.Account{Name: fmt.Sprintf("A%02d", k), Lifecycle: account.Customer}
		if err := db.CreateAccount(ctx, sc, &a); err != nil {
			t.Fatal(err)
		}
		churn := k%4 == 0 || k%7 == 0
		adh := 60 + float64(k%40)
		if churn {
			adh = 20 + float64(k%50)
		}
		snaps = append(snaps, store.HealthSnapshot{AccountID: a.ID, Day: today.AddDays(-120), Signals: health.Signals{health.Adherence: adh}})
		outcome := "renewed"
		if churn {
			outcome = "churned"
		}
		if err := db.RecordHealthOutcome(ctx, sc, a.ID, today.AddDays(-20), outcome, "imported"); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutHealthSnapshots(ctx, sc, snaps); err != nil {
		t.Fatal(err)
	}
	out, _, err = runSplit(t, path, "model", "train")
	if err != nil || !strings.Contains(out, "Trained the churn model on 80 renewal outcomes") || !strings.Contains(out, "Held-out AUC") {
		t.Fatalf("train: %q %v", out, err)
	}
	out, _, err = runSplit(t, path, "model", "eval", "--test", "0.5")
	if err != nil || !strings.Contains(out, "Held-out AUC: 0.") || !strings.Contains(out, "DECILE") || !strings.Contains(out, "Cadence adherence") {
		t.Fatalf("eval: %q %v", out, err)
	}
	if _, _, err := runSplit(t, path, "model", "eval", "--test", "2"); err == nil {
		t.Error("--test 2 accepted")
	}
}
