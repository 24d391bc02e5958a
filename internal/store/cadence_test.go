package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func day(s string) account.Date {
	d, err := account.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestAdherenceReadsTheTwoLatestCheckInsPerStakeholder builds one account
// with three stakeholders and checks, on both databases, that business
// reviews are not check-ins, that only the two newest check-ins count, that
// agreements and accelerations override the tier default, and that scoping
// by account and by person narrows the rows.
func TestAdherenceReadsTheTwoLatestCheckInsPerStakeholder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		created := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return created }
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		owner := &account.Person{Name: "Ann", Email: "ann@example.com"}
		must(db.CreatePerson(ctx, sc, owner))
		a := &account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &owner.ID}
		must(db.CreateAccount(ctx, sc, a))
		other := &account.Account{Name: "Other", Lifecycle: account.Customer}
		must(db.CreateAccount(ctx, sc, other))
		exec := &account.Stakeholder{AccountID: a.ID, Name: "Eve", Level: account.Executive, Active: true}
		ops := &account.Stakeholder{AccountID: a.ID, Name: "Olga", Level: account.Operational, Active: true}
		never := &account.Stakeholder{AccountID: a.ID, Name: "Nina", Level: account.Operational, Active: true}
		gone := &account.Stakeholder{AccountID: a.ID, Name: "Gus", Level: account.Operational, Active: false}
		elsewhere := &account.Stakeholder{AccountID: other.ID, Name: "Zed", Active: true}
		for _, s := range []*account.Stakeholder{exec, ops, never, gone, elsewhere} {
			must(db.CreateStakeholder(ctx, sc, s))
		}
		touch := func(kind account.TouchKind, at string, who ...int64) {
			t.Helper()
			when, err := time.Parse(time.RFC3339, at)
			must(err)
			must(db.CreateTouch(ctx, sc, &account.Touch{AccountID: a.ID, Kind: kind, OccurredAt: when, Summary: "x", StakeholderIDs: who}))
		}
		touch(account.Call, "2026-01-10T10:00:00Z", exec.ID, ops.ID)
		touch(account.Meeting, "2026-02-01T10:00:00Z", exec.ID)
		touch(account.Email, "2026-02-20T23:30:00Z", exec.ID)
		touch(account.BusinessReview, "2026-03-01T10:00:00Z", exec.ID, ops.ID) // a review, not a check-in

		today := day("2026-03-05")
		rows, s, err := db.Adherence(ctx, sc, store.CadenceScope{AccountID: a.ID}, time.UTC, today)
		must(err)
		if s.DueSoonDays != 7 {
			t.Errorf("default W = %d", s.DueSoonDays)
		}
		byName := map[string]cadence.Row{}
		for _, r := range rows {
			byName[r.Name] = r
		}
		if len(rows) != 3 || byName["Gus"].Name != "" {
			t.Fatalf("want the three active stakeholders of Acme, got %+v", rows)
		}
		// Eve: untiered → tier C executive, 180 days; last 20 Feb, previous 1 Feb (19 days < 90 → over-contacted).
		if e := byName["Eve"]; e.Last != day("2026-02-20") || e.Prev != day("2026-02-01") || e.Interval.Days != 180 ||
			e.Interval.Source != cadence.FromTier || e.State != cadence.OnTrack || !e.OverContacted {
			t.Errorf("Eve = %+v", e)
		}
		// Olga: one check-in on 10 Jan, the review does not count; C operational 120 days → on track.
		if o := byName["Olga"]; o.Last != day("2026-01-10") || !o.Prev.IsZero() || o.State != cadence.OnTrack {
			t.Errorf("Olga = %+v", o)
		}
		if n := byName["Nina"]; n.State != cadence.Overdue || !n.Last.IsZero() {
			t.Errorf("Nina, never touched, = %+v", n)
		}
		// In Tokyo the 23:30 UTC e-mail falls on 21 February.
		tokyo, _ := time.LoadLocation("Asia/Tokyo")
		rows, _, err = db.Adherence(ctx, sc, store.CadenceScope{AccountID: a.ID}, tokyo, today)
		must(err)
		for _, r := range rows {
			if r.Name == "Eve" && r.Last != day("2026-02-21") {
				t.Errorf("Tokyo sees Eve's last touch on %s", r.Last)
			}
		}

		// An agreement for Olga (every 30 days) makes her overdue; an
		// account-wide acceleration to 14 days wins while it runs.
		must(db.SetAgreement(ctx, sc, &cadence.Agreement{AccountID: a.ID, StakeholderID: ops.ID, IntervalDays: 30,
			AgreedBy: exec.ID, AgreedOn: day("2026-01-15"), Note: "Monthly sync"}))
		acc := &cadence.Acceleration{AccountID: a.ID, IntervalDays: 14, StartsOn: day("2026-03-01"), EndsOn: day("2026-03-31"), Initiative: "Renewal push"}
		must(db.AddAcceleration(ctx, sc, acc))
		rows, _, err = db.Adherence(ctx, sc, store.CadenceScope{AccountID: a.ID}, time.UTC, day("2026-02-25"))
		must(err)
		for _, r := range rows {
			if r.Name == "Olga" && (r.Interval.Source != cadence.FromAgreement || r.Interval.Days != 30 || r.State != cadence.Overdue) {
				t.Errorf("Olga under agreement = %+v", r)
			}
		}
		rows, _, err = db.Adherence(ctx, sc, store.CadenceScope{AccountID: a.ID}, time.UTC, today)
		must(err)
		for _, r := range rows {
			if r.Interval.Source != cadence.FromAccelerated || r.Interval.Days != 14 {
				t.Errorf("%s during the acceleration = %+v", r.Name, r.Interval)
			}
		}
		// Replacing the agreement keeps one row; deleting it falls back.
		must(db.SetAgreement(ctx, sc, &cadence.Agreement{AccountID: a.ID, StakeholderID: ops.ID, IntervalDays: 45, AgreedOn: day("2026-02-01")}))
		o, err := db.CadenceOverrides(ctx, sc, a.ID)
		must(err)
		if ag := o.Agreements[a.ID]; len(ag) != 1 || ag[0].IntervalDays != 45 {
			t.Fatalf("agreements after replace = %+v", ag)
		}
		must(db.DeleteAgreement(ctx, sc, a.ID, o.Agreements[a.ID][0].ID))
		must(db.DeleteAcceleration(ctx, sc, a.ID, acc.ID))
		if err := db.DeleteAcceleration(ctx, sc, a.ID, acc.ID); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("deleting twice = %v", err)
		}
		// A stakeholder of another account cannot be named.
		err = db.SetAgreement(ctx, sc, &cadence.Agreement{AccountID: a.ID, StakeholderID: elsewhere.ID, IntervalDays: 10, AgreedOn: today})
		if account.ErrorCode(err) != account.EINVALID {
			t.Errorf("foreign stakeholder = %v", err)
		}

		mine, _, err := db.Adherence(ctx, sc, store.CadenceScope{PersonID: owner.ID}, time.UTC, today)
		must(err)
		all, _, err := db.Adherence(ctx, sc, store.CadenceScope{}, time.UTC, today)
		must(err)
		if len(mine) != 3 || len(all) != 4 {
			t.Errorf("owner's rows %d (want 3), org's rows %d (want 4)", len(mine), len(all))
		}
		hs, err := db.CadenceHistories(ctx, sc, store.CadenceScope{AccountID: a.ID}, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC)
		must(err)
		for _, h := range hs {
			if h.Name == "Eve" && len(h.Days) != 3 {
				t.Errorf("Eve's history = %v", h.Days)
			}
		}
		// The maintained pair follows edits: turning Eve's latest check-in
		// into a review, then deleting the touch before it, and deleting a
		// stakeholder.
		ts, _, err := db.Touches(ctx, sc, account.TouchFilter{StakeholderID: exec.ID, Page: account.Page{Limit: 10}})
		must(err)
		latest, before := ts[1], ts[2] // ts[0] is the business review of 1 March
		if latest.Kind != account.Email || before.Kind != account.Meeting {
			t.Fatalf("touches = %+v", ts)
		}
		latest.Kind = account.BusinessReview
		must(db.UpdateTouch(ctx, sc, &latest))
		eve := func() cadence.Row {
			t.Helper()
			rows, _, err := db.Adherence(ctx, sc, store.CadenceScope{AccountID: a.ID}, time.UTC, today)
			must(err)
			for _, r := range rows {
				if r.StakeholderID == exec.ID {
					return r
				}
			}
			t.Fatal("Eve is gone")
			return cadence.Row{}
		}
		if e := eve(); e.Last != day("2026-02-01") || e.Prev != day("2026-01-10") {
			t.Errorf("after the e-mail became a review: %s, %s", e.Last, e.Prev)
		}
		must(db.DeleteTouch(ctx, sc, before.ID))
		if e := eve(); e.Last != day("2026-01-10") || !e.Prev.IsZero() {
			t.Errorf("after deleting the meeting: %s, %s", e.Last, e.Prev)
		}
		latest.Kind = account.Call
		latest.OccurredAt = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
		must(db.UpdateTouch(ctx, sc, &latest))
		if e := eve(); e.Last != day("2026-01-10") || e.Prev != day("2026-01-05") {
			t.Errorf("after moving the e-mail back as a call: %s, %s", e.Last, e.Prev)
		}
		must(db.DeleteStakeholder(ctx, sc, exec.ID))
		fresh := &account.Stakeholder{AccountID: a.ID, Name: "Fay", Active: true}
		must(db.CreateStakeholder(ctx, sc, fresh))
		rows, _, err = db.Adherence(ctx, sc, store.CadenceScope{AccountID: a.ID}, time.UTC, today)
		must(err)
		for _, r := range rows {
			if r.StakeholderID == fresh.ID && !r.Last.IsZero() {
				t.Errorf("a new stakeholder inherits touches: %+v", r)
			}
		}

		reviews, err := db.LastReviews(ctx, sc, store.CadenceScope{})
		must(err)
		if !reviews[a.ID].Equal(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)) || len(reviews) != 1 {
			t.Errorf("last reviews = %v", reviews)
		}
	})
}

func TestCadencePolicyIsSavedWholeAndValidated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		s, err := db.CadenceSettings(ctx, sc)
		if err != nil || s.CheckIn["A"][account.Executive] != 60 {
			t.Fatalf("defaults = %+v, %v", s, err)
		}
		s.CheckIn["A"][account.Executive] = 45
		s.Tolerance = 0.25
		if err := db.SetCadenceSettings(ctx, sc, s); err != nil {
			t.Fatal(err)
		}
		got, err := db.CadenceSettings(ctx, sc)
		if err != nil || got.CheckIn["A"][account.Executive] != 45 || got.Tolerance != 0.25 || got.Review["C"] != 365 {
			t.Errorf("saved = %+v, %v", got, err)
		}
		s.Tolerance = 1
		if err := db.SetCadenceSettings(ctx, sc, s); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("tolerance 1 = %v", err)
		}
	})
}
