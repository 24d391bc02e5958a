package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// emptyDB opens a migrated database with nothing in it. First-run setup is
// about the whole installation having no user, so on PostgreSQL it cannot
// share the package's database (where other tests' users live): it gets a
// database of its own, dropped when the test ends.
func emptyDB(t *testing.T, d store.Dialect) *store.DB {
	t.Helper()
	if d == store.SQLite {
		return storetest.Open(t, d)
	}
	base := os.Getenv(storetest.EnvPostgres)
	admin, err := sql.Open("pgx", base)
	must(t, err)
	t.Cleanup(func() { admin.Close() })
	name := fmt.Sprintf("samwise_test_setup_%d", rand.Uint32())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(base)
	must(t, err)
	u.Path = "/" + name
	db, err := store.Open(context.Background(), u.String())
	must(t, err)
	t.Cleanup(func() {
		db.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	must(t, db.Migrate(context.Background()))
	return db
}

func TestFirstAdminSetUpCreatesOrganisationPersonAndUserOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db := emptyDB(t, d)
		hash, err := cheap.Hash("correct horse battery")
		must(t, err)
		u, org, err := db.SetUpFirstAdmin(ctx, store.FirstAdmin{OrgName: "Acme Software, Inc.", Name: " Ann Lee ", Email: "Ann@Example.com", PasswordHash: hash})
		must(t, err)
		if org.Name != "Acme Software, Inc." || org.Slug != "acme-software-inc" || u.Role != auth.RoleAdministrator ||
			u.Email != "ann@example.com" || u.Name != "Ann Lee" || u.PersonID == nil {
			t.Fatalf("set up %+v in %+v", u, org)
		}
		sc := account.Scope{OrgID: org.ID}
		p, err := db.Person(ctx, sc, *u.PersonID)
		must(t, err)
		if p.Name != "Ann Lee" || p.Email != "ann@example.com" {
			t.Errorf("person %+v", p)
		}
		got, err := db.UserByEmail(ctx, "ann@example.com")
		must(t, err)
		if got.ID != u.ID || got.PasswordHash != hash {
			t.Errorf("stored user %+v", got)
		}
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{Page: account.Page{Sort: "at"}})
		must(t, err)
		var what []string
		for _, e := range entries {
			what = append(what, e.Action+" "+e.Entity)
			if e.Actor != "ann@example.com" || e.UserID != u.ID {
				t.Errorf("entry %+v not by the new administrator", e)
			}
		}
		if want := []string{"create organisation", "create person", "create user"}; !slices.Equal(what, want) {
			t.Errorf("audit %v, want %v", what, want)
		}

		_, _, err = db.SetUpFirstAdmin(ctx, store.FirstAdmin{OrgName: "Other", Name: "Eve", Email: "eve@example.com", PasswordHash: hash})
		if account.ErrorCode(err) != account.ECONFLICT {
			t.Errorf("second set-up: %v, want ECONFLICT", err)
		}
		if n, _ := db.CountUsers(ctx); n != 1 {
			t.Errorf("%d users after a refused second set-up", n)
		}
	})
}

func TestFirstAdminSetUpUsesAnExistingOrganisationAndPerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db := emptyDB(t, d)
		org := account.Organisation{Name: "Demo Co", Slug: "demo"}
		must(t, db.CreateOrganisation(ctx, &org))
		sc := account.Scope{OrgID: org.ID, Actor: "demo"}
		ann := account.Person{Name: "Ann Lee", Email: "ann@example.com", Title: "SAM leader"}
		must(t, db.CreatePerson(ctx, sc, &ann))
		hash, _ := cheap.Hash("correct horse battery")
		u, got, err := db.SetUpFirstAdmin(ctx, store.FirstAdmin{OrgName: "ignored", Name: "Ann", Email: "ann@example.com", PasswordHash: hash})
		must(t, err)
		if got.ID != org.ID || got.Name != "Demo Co" {
			t.Errorf("organisation %+v, want the existing %+v", got, org)
		}
		if u.PersonID == nil || *u.PersonID != ann.ID {
			t.Errorf("user linked to %v, want the existing person %d", u.PersonID, ann.ID)
		}
		people, err := db.AllPeople(ctx, sc)
		must(t, err)
		if len(people) != 1 {
			t.Errorf("%d people, want the one that was there", len(people))
		}
	})
}

func TestFirstAdminSetUpReportsEveryMissingField(t *testing.T) {
	db := emptyDB(t, store.SQLite)
	_, _, err := db.SetUpFirstAdmin(context.Background(), store.FirstAdmin{Email: "not an address"})
	var fields []string
	for _, f := range account.ErrorFields(err) {
		fields = append(fields, f.Field)
	}
	slices.Sort(fields)
	if want := []string{"email", "name", "password"}; account.ErrorCode(err) != account.EINVALID || !slices.Equal(fields, want) {
		t.Errorf("got %v with fields %v, want EINVALID on %v", err, fields, want)
	}
	hash, _ := cheap.Hash("correct horse battery")
	_, _, err = db.SetUpFirstAdmin(context.Background(), store.FirstAdmin{Name: "Ann", Email: "ann@example.com", PasswordHash: hash})
	if f := account.ErrorFields(err); len(f) != 1 || f[0].Field != "org_name" {
		t.Errorf("without an organisation or its name: %v", err)
	}
}

func TestConcurrentFirstAdminSetUpsLetExactlyOneThrough(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db := emptyDB(t, d)
		hash, _ := cheap.Hash("correct horse battery")
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, _, errs[i] = db.SetUpFirstAdmin(ctx, store.FirstAdmin{OrgName: "Race", Name: "Admin",
					Email: fmt.Sprintf("admin%d@example.com", i), PasswordHash: hash})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case account.ErrorCode(err) != account.ECONFLICT:
				t.Errorf("unexpected error %v", err)
			}
		}
		users, _ := db.CountUsers(ctx)
		orgs, _ := db.Organisations(ctx)
		if ok != 1 || users != 1 || len(orgs) != 1 {
			t.Errorf("%d set-ups succeeded, %d users, %d organisations; want 1 each", ok, users, len(orgs))
		}
	})
}

func TestAuditEntitiesListsEachNameOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		none, err := db.AuditEntities(ctx, sc)
		must(t, err)
		if len(none) != 0 {
			t.Errorf("a new organisation's trail names %v", none)
		}
		for _, name := range []string{"Ann", "Bob"} {
			must(t, db.CreatePerson(ctx, sc, &account.Person{Name: name, Email: addr(sc, name)}))
		}
		a := account.Account{Name: "Acme", Lifecycle: account.Customer}
		must(t, db.CreateAccount(ctx, sc, &a))
		must(t, db.SetOrgSettings(ctx, sc, auth.OrgSettings{NeedToKnow: true}))
		got, err := db.AuditEntities(ctx, sc)
		must(t, err)
		if want := []string{"account", "org_settings", "person"}; !slices.Equal(got, want) {
			t.Errorf("entities %v, want %v", got, want)
		}
		o, err := db.Organisation(ctx, sc)
		must(t, err)
		if o.ID != sc.OrgID || o.Name == "" {
			t.Errorf("organisation %+v", o)
		}
	})
}
