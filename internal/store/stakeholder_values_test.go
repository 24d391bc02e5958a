package store_test

import (
	"context"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// A stakeholder and its custom values are one write: a bad value saves
// neither the new stakeholder nor the changed fields, a good one saves both.
func TestStakeholderAndItsCustomValuesAreSavedTogetherOrNotAtAll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc := storetest.New(t, d)
		ctx := context.Background()
		for _, f := range []exchange.CustomField{
			{Entity: "stakeholder", Label: "Seats", Type: "number"},
			{Entity: "stakeholder", Label: "Channel", Type: "choice", Choices: []string{"Email", "Phone"}},
		} {
			if err := db.SaveCustomField(ctx, sc, &f); err != nil {
				t.Fatal(err)
			}
		}
		a := account.Account{Name: "Acme"}
		if err := db.CreateAccount(ctx, sc, &a); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			ss, _, err := db.Stakeholders(ctx, sc, account.StakeholderFilter{AccountID: a.ID, Page: account.Page{Limit: 100}})
			if err != nil {
				t.Fatal(err)
			}
			return len(ss)
		}

		bad := account.Stakeholder{AccountID: a.ID, Name: "Carla Chief", Active: true}
		err := db.CreateStakeholderWithValues(ctx, sc, &bad, map[string]string{"seats": "many"})
		if account.ErrorCode(err) != account.EINVALID || len(account.ErrorFields(err)) != 1 || account.ErrorFields(err)[0].Field != "cf_seats" {
			t.Fatalf("create with a bad number: err = %v, want one error on cf_seats", err)
		}
		if n := count(); n != 0 {
			t.Fatalf("a rejected custom value left %d stakeholder(s) behind", n)
		}

		s := account.Stakeholder{AccountID: a.ID, Name: "Carla Chief", Active: true}
		if err := db.CreateStakeholderWithValues(ctx, sc, &s, map[string]string{"seats": "12", "channel": "phone"}); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"seats": "12", "channel": "Phone"}
		checkValues := func(when string) {
			t.Helper()
			got, err := db.CustomValues(ctx, sc, "stakeholder", []int64{s.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(got[s.ID]) != len(want) || got[s.ID]["seats"] != want["seats"] || got[s.ID]["channel"] != want["channel"] {
				t.Fatalf("%s: values = %v, want %v", when, got[s.ID], want)
			}
		}
		checkValues("after create")

		for _, tc := range []struct {
			name   string
			values map[string]string
			field  string
		}{
			{"an unknown choice", map[string]string{"channel": "Fax"}, "cf_channel"},
			{"a field that does not exist", map[string]string{"shoe_size": "9"}, "cf_shoe_size"},
		} {
			edit := s
			edit.Title = "CFO"
			err := db.UpdateStakeholderWithValues(ctx, sc, &edit, tc.values)
			if account.ErrorCode(err) != account.EINVALID || len(account.ErrorFields(err)) != 1 || account.ErrorFields(err)[0].Field != tc.field {
				t.Fatalf("update with %s: err = %v, want one error on %s", tc.name, err, tc.field)
			}
			ss, _, err := db.Stakeholders(ctx, sc, account.StakeholderFilter{AccountID: a.ID, Page: account.Page{Limit: 10}})
			if err != nil {
				t.Fatal(err)
			}
			if len(ss) != 1 || ss[0].Title != "" {
				t.Fatalf("update with %s changed the stakeholder: %+v", tc.name, ss)
			}
			checkValues("after update with " + tc.name)
		}

		edit := s
		edit.Title = "CFO"
		if err := db.UpdateStakeholderWithValues(ctx, sc, &edit, map[string]string{"seats": ""}); err != nil {
			t.Fatal(err)
		}
		delete(want, "seats")
		checkValues("after clearing seats")
	})
}
