package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/staffing"
)

// staffedDB is a database file where Ann (capacity 1) owns two accounts
// and Bob (capacity 5) one; Acme has a stale account plan.
func staffedDB(t *testing.T) (path string, ids map[string]int64) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "samwise.db")
	db := openDB(t, path)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	org := account.Organisation{Name: "Acme Sales", Slug: "acme-sales"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.CreateOrganisation(ctx, &org))
	sc := account.Scope{OrgID: org.ID, Actor: "test"}
	ann := account.Person{Name: "Ann Lee", Email: "ann@example.com"}
	bob := account.Person{Name: "Bob Stone", Email: "bob@example.com"}
	must(db.CreatePerson(ctx, sc, &ann))
	must(db.CreatePerson(ctx, sc, &bob))
	acme := account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &ann.ID}
	tiny := account.Account{Name: "Tiny Co", Lifecycle: account.Customer, OwnerID: &ann.ID}
	globex := account.Account{Name: "Globex", Lifecycle: account.Customer, OwnerID: &bob.ID}
	for _, a := range []*account.Account{&acme, &tiny, &globex} {
		must(db.CreateAccount(ctx, sc, a))
	}
	must(db.CreateContract(ctx, sc, &account.Contract{AccountID: acme.ID, Product: "Core", AnnualValue: 90_000_00,
		Start: account.Date{Year: 2025, Month: 1, Day: 1}}))
	must(db.SetCapacity(ctx, sc, ann.ID, ptrTo(1)))
	must(db.SetCapacity(ctx, sc, bob.ID, ptrTo(5)))
	must(db.AddSeat(ctx, sc, &staffing.Seat{AccountID: acme.ID, PersonID: bob.ID, Role: auth.TeamTechnicalLead}))
	must(db.SetDeliverable(ctx, sc, &staffing.Deliverable{AccountID: acme.ID, Role: auth.TeamAccountManager,
		Link: "https://docs.example.com/acme", OwnerID: &ann.ID, UpdatedOn: account.Date{Year: 2024, Month: 1, Day: 1}}))
	return path, map[string]int64{"ann": ann.ID, "bob": bob.ID, "acme": acme.ID, "tiny": tiny.ID}
}

func ptrTo[T any](v T) *T { return &v }

func cliEnv(path string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &env{ctx: context.Background(), getenv: getenvFrom(nil), stdout: &out, stderr: &errOut, dbURL: path}, &out, &errOut
}

func TestRebalanceCommandProposesAndAcceptsMoves(t *testing.T) {
	path, ids := staffedDB(t)
	e, out, _ := cliEnv(path)
	if err := (&portfolioRebalanceCmd{}).Run(e); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Ann Lee", "over by 1", "Proposed moves (proven optimal)", "Tiny Co", "Bob Stone", "--accept"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out.String(), "Acme") {
		t.Errorf("Acme (with revenue) should stay; Tiny Co (none) moves:\n%s", out)
	}

	e, _, _ = cliEnv(path)
	if err := (&portfolioRebalanceCmd{Accept: []int64{ids["acme"]}}).Run(e); account.ErrorCode(err) != account.ENOTFOUND {
		t.Errorf("accepting a move nobody proposed: %v", err)
	}
	e, out, _ = cliEnv(path)
	if err := (&portfolioRebalanceCmd{Accept: []int64{ids["tiny"]}, JSON: true}).Run(e); err != nil {
		t.Fatal(err)
	}
	var rep rebalanceReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(rep.Accepted) != 1 || rep.Accepted[0] != ids["tiny"] || len(rep.Moves) != 0 || rep.Overflow != 0 {
		t.Errorf("report after accepting %+v", rep)
	}
	for _, m := range rep.Managers {
		if m.Overloaded {
			t.Errorf("%s still over capacity", m.Name)
		}
	}
	a, err := openDB(t, path).Account(context.Background(), account.Scope{OrgID: 1}, ids["tiny"])
	if err != nil || a.OwnerID == nil || *a.OwnerID != ids["bob"] {
		t.Errorf("Tiny Co's owner %v (%v)", a.OwnerID, err)
	}
}

func TestDeliverablesCommandListsWhatNeedsAttentionAndOneTeam(t *testing.T) {
	path, ids := staffedDB(t)
	e, out, _ := cliEnv(path)
	if err := (&portfolioDeliverablesCmd{}).Run(e); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Acme", "Account manager", "Account plan <https://docs.example.com/acme>", "stale",
		"Technical lead", "missing"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	e, out, _ = cliEnv(path)
	if err := (&portfolioDeliverablesCmd{Account: ids["acme"], JSON: true}).Run(e); err != nil {
		t.Fatal(err)
	}
	var lines []deliverableLine
	if err := json.Unmarshal(out.Bytes(), &lines); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 6 || lines[1].Role != "account_manager" || lines[1].State != "stale" || lines[1].People[0] != "Ann Lee (owner)" ||
		lines[5].Role != "technical_lead" || lines[5].State != "missing" || lines[5].People[0] != "Bob Stone" {
		t.Errorf("team %+v", lines)
	}
}
