package store_test

import (
	"context"
	"io/fs"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func ptr[T any](v T) *T { return &v }

func TestMigrationFoldersCarryTheSameVersions(t *testing.T) {
	names := func(dir string) []string {
		entries, err := fs.ReadDir(os.DirFS("migrations"), dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	sq, pg := names("sqlite"), names("postgres")
	if !slices.Equal(sq, pg) {
		t.Fatalf("migration files differ:\nsqlite:   %v\npostgres: %v", sq, pg)
	}
}

func TestAccountLifecycleIsAuditedOnBothDatabases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }

		owner := &account.Person{Name: "Ann Lee", Email: "Ann@Example.com"}
		if err := db.CreatePerson(ctx, sc, owner); err != nil {
			t.Fatal(err)
		}
		if owner.Email != "ann@example.com" {
			t.Errorf("email not normalised: %q", owner.Email)
		}
		a := &account.Account{Name: " Acme ", Domain: "https://ACME.com/", Industry: "Manufacturing",
			AnnualRevenue: 5_000_000_00, Lifecycle: account.Customer, OwnerID: &owner.ID}
		if err := db.CreateAccount(ctx, sc, a); err != nil {
			t.Fatal(err)
		}
		got, err := db.Account(ctx, sc, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Acme" || got.Domain != "acme.com" || *got.OwnerID != owner.ID || !got.CreatedAt.Equal(now) {
			t.Errorf("read back %+v", got)
		}
		now = now.Add(time.Hour)
		got.Industry = "Aerospace"
		if err := db.UpdateAccount(ctx, sc, &got); err != nil {
			t.Fatal(err)
		}
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{AccountID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Action != "update" || entries[1].Action != "create" {
			t.Fatalf("audit = %+v", entries)
		}
		ch := entries[0].Changes["industry"]
		if ch.Old != "Manufacturing" || ch.New != "Aerospace" || len(entries[0].Changes) != 1 {
			t.Errorf("update changes = %+v", entries[0].Changes)
		}
		if err := db.DeleteAccount(ctx, sc, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Account(ctx, sc, a.ID); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("after delete: %v", err)
		}
	})
}

func TestBadInputNamesTheField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		tests := []struct {
			name  string
			acct  account.Account
			field string
		}{
			{"missing name", account.Account{}, "name"},
			{"bad lifecycle", account.Account{Name: "x", Lifecycle: "vip"}, "lifecycle"},
			{"negative revenue", account.Account{Name: "x", AnnualRevenue: -1}, "annual_revenue"},
			{"unknown owner", account.Account{Name: "x", OwnerID: ptr(int64(999999))}, "owner_id"},
			{"unknown parent", account.Account{Name: "x", ParentID: ptr(int64(999999))}, "parent_id"},
			{"bad currency", account.Account{Name: "x", Currency: "dollars"}, "currency"},
		}
		for _, tt := range tests {
			err := db.CreateAccount(ctx, sc, &tt.acct)
			if account.ErrorCode(err) != account.EINVALID {
				t.Errorf("%s: code %q (%v)", tt.name, account.ErrorCode(err), err)
				continue
			}
			fields := account.ErrorFields(err)
			if len(fields) == 0 || fields[0].Field != tt.field {
				t.Errorf("%s: fields %+v, want %s", tt.name, fields, tt.field)
			}
		}
		p := &account.Person{Name: "A", Email: "a@example.com"}
		if err := db.CreatePerson(ctx, sc, p); err != nil {
			t.Fatal(err)
		}
		dup := &account.Person{Name: "B", Email: "a@example.com"}
		err := db.CreatePerson(ctx, sc, dup)
		if account.ErrorCode(err) != account.ECONFLICT || len(account.ErrorFields(err)) == 0 || account.ErrorFields(err)[0].Field != "email" {
			t.Errorf("duplicate email: %v %+v", err, account.ErrorFields(err))
		}
	})
}

func TestAParentChainCannotLoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		a := &account.Account{Name: "A"}
		must(t, db.CreateAccount(ctx, sc, a))
		b := &account.Account{Name: "B", ParentID: &a.ID}
		must(t, db.CreateAccount(ctx, sc, b))
		a.ParentID = &b.ID
		if err := db.UpdateAccount(ctx, sc, a); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("loop accepted: %v", err)
		}
	})
}

func TestOrganisationsAreIsolated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		other := account.Organisation{Name: "Other", Slug: "other-" + string(d) + t.Name()}
		must(t, db.CreateOrganisation(ctx, &other))
		osc := account.Scope{OrgID: other.ID}
		a := &account.Account{Name: "Secret"}
		must(t, db.CreateAccount(ctx, sc, a))
		if _, err := db.Account(ctx, osc, a.ID); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("other org reads account: %v", err)
		}
		list, _, err := db.Accounts(ctx, osc, account.AccountFilter{})
		must(t, err)
		if len(list) != 0 {
			t.Errorf("other org lists %d accounts", len(list))
		}
		// A reference into another organisation is refused.
		s := &account.Stakeholder{AccountID: a.ID, Name: "Spy"}
		if err := db.CreateStakeholder(ctx, osc, s); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("cross-org stakeholder: %v", err)
		}
		if err := db.DeleteAccount(ctx, osc, a.ID); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("cross-org delete: %v", err)
		}
	})
}

func TestListsPageWithCursorsSortAndFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		for i, n := range []string{"delta", "Alpha", "charlie", "bravo", "echo", "50% off_co"} {
			ind := "Retail"
			if i%2 == 0 {
				ind = "Energy"
			}
			must(t, db.CreateAccount(ctx, sc, &account.Account{Name: n, Industry: ind, AnnualRevenue: int64(i * 100)}))
		}
		var names []string
		cur := ""
		for {
			page, next, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: 2, Cursor: cur}})
			must(t, err)
			for _, a := range page {
				names = append(names, a.Name)
			}
			if next == "" {
				break
			}
			cur = next
		}
		want := []string{"50% off_co", "Alpha", "bravo", "charlie", "delta", "echo"}
		if !slices.Equal(names, want) {
			t.Errorf("paged names = %v, want %v", names, want)
		}
		page, _, err := db.Accounts(ctx, sc, account.AccountFilter{Industry: "Energy", Page: account.Page{Sort: "-annual_revenue"}})
		must(t, err)
		if len(page) != 3 || page[0].Name != "echo" {
			t.Errorf("filtered = %+v", page)
		}
		// LIKE metacharacters are data.
		page, _, err = db.Accounts(ctx, sc, account.AccountFilter{Q: "%"})
		must(t, err)
		if len(page) != 1 || page[0].Name != "50% off_co" {
			t.Errorf("q=%% matched %d", len(page))
		}
		page, _, err = db.Accounts(ctx, sc, account.AccountFilter{Q: "' OR 1=1 --"})
		must(t, err)
		if len(page) != 0 {
			t.Errorf("injection matched %d", len(page))
		}
		if _, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Sort: "password"}}); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("bad sort: %v", err)
		}
		if _, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Cursor: "garbage!"}}); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

func TestTouchesCountForEveryoneOnTheirAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		a := &account.Account{Name: "A"}
		b := &account.Account{Name: "B"}
		must(t, db.CreateAccount(ctx, sc, a))
		must(t, db.CreateAccount(ctx, sc, b))
		p := &account.Person{Name: "P", Email: "p@example.com"}
		must(t, db.CreatePerson(ctx, sc, p))
		s1 := &account.Stakeholder{AccountID: a.ID, Name: "S1", Level: account.Executive}
		s2 := &account.Stakeholder{AccountID: a.ID, Name: "S2"}
		sb := &account.Stakeholder{AccountID: b.ID, Name: "SB"}
		for _, s := range []*account.Stakeholder{s1, s2, sb} {
			must(t, db.CreateStakeholder(ctx, sc, s))
		}
		at := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
		tc := &account.Touch{AccountID: a.ID, Kind: account.Meeting, OccurredAt: at, Summary: "Kick-off",
			PeopleIDs: []int64{p.ID, p.ID}, StakeholderIDs: []int64{s1.ID, s2.ID}}
		must(t, db.CreateTouch(ctx, sc, tc))
		got, err := db.Touch(ctx, sc, tc.ID)
		must(t, err)
		if !slices.Equal(got.PeopleIDs, []int64{p.ID}) || len(got.StakeholderIDs) != 2 || !got.OccurredAt.Equal(at) {
			t.Errorf("touch = %+v", got)
		}
		list, _, err := db.Touches(ctx, sc, account.TouchFilter{StakeholderID: s2.ID})
		must(t, err)
		if len(list) != 1 || list[0].ID != tc.ID {
			t.Errorf("by stakeholder = %+v", list)
		}
		bad := &account.Touch{AccountID: a.ID, Kind: account.Call, OccurredAt: at, Summary: "x", StakeholderIDs: []int64{sb.ID}}
		if err := db.CreateTouch(ctx, sc, bad); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("stakeholder of another account accepted: %v", err)
		}
		// Nothing of the rejected touch was written.
		list, _, err = db.Touches(ctx, sc, account.TouchFilter{AccountID: a.ID})
		must(t, err)
		if len(list) != 1 {
			t.Errorf("half-written touch: %d touches", len(list))
		}
	})
}

func TestOpportunitiesAndContracts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		a := &account.Account{Name: "A"}
		must(t, db.CreateAccount(ctx, sc, a))
		o := &account.Opportunity{AccountID: a.ID, Name: "Expansion", Stage: account.Won, Amount: 12_000_00,
			ActualClose: account.Date{Year: 2026, Month: 1, Day: 31}}
		must(t, db.CreateOpportunity(ctx, sc, o))
		got, err := db.Opportunity(ctx, sc, o.ID)
		must(t, err)
		if got.ActualClose.String() != "2026-01-31" || got.Kind != account.NewBusiness {
			t.Errorf("opportunity = %+v", got)
		}
		open := &account.Opportunity{AccountID: a.ID, Name: "x", Stage: account.Won}
		if err := db.CreateOpportunity(ctx, sc, open); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("won without close date: %v", err)
		}
		c := &account.Contract{AccountID: a.ID, Product: "Platform", AnnualValue: 100_000_00, AutoRenew: true,
			Start: account.Date{Year: 2025, Month: 7, Day: 1}, End: account.Date{Year: 2026, Month: 6, Day: 30}}
		must(t, db.CreateContract(ctx, sc, c))
		gc, err := db.Contract(ctx, sc, c.ID)
		must(t, err)
		if !gc.AutoRenew || gc.End != c.End || gc.Status != account.ContractActive {
			t.Errorf("contract = %+v", gc)
		}
		c.End = account.Date{Year: 2024, Month: 1, Day: 1}
		if err := db.UpdateContract(ctx, sc, c); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("end before start: %v", err)
		}
	})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
