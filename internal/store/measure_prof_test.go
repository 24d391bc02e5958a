package store

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

func TestMeasureProfileTemp(t *testing.T) {
	p := os.Getenv("MEASURE_PROF_DB")
	if p == "" {
		t.Skip()
	}
	ctx := context.Background()
	db, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	orgs, _ := db.Organisations(ctx)
	sc := account.Scope{OrgID: orgs[0].ID}
	t0 := time.Now()
	_, err = db.Staffing(ctx, sc)
	t.Log("staffing", time.Since(t0), err)
	t0 = time.Now()
	_, err = db.AccountTiers(ctx, sc)
	t.Log("tiers", time.Since(t0), err)
	t0 = time.Now()
	_, err = db.GraderInputs(ctx, sc, GraderScope{}, account.DateOf(time.Now()))
	t.Log("inputs", time.Since(t0), err)
}
