package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestReviewsAreScheduledHeldAndRecurByTheTiersInterval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		ann := &account.Person{Name: "Ann", Email: "ann@example.com"}
		must(db.CreatePerson(ctx, sc, ann))
		a := &account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &ann.ID}
		must(db.CreateAccount(ctx, sc, a))
		other := &account.Account{Name: "Other", Lifecycle: account.Customer}
		must(db.CreateAccount(ctx, sc, other))
		dana := &account.Stakeholder{AccountID: a.ID, Name: "Dana", Level: account.Executive, Active: true}
		zed := &account.Stakeholder{AccountID: other.ID, Name: "Zed", Active: true}
		must(db.CreateStakeholder(ctx, sc, dana))
		must(db.CreateStakeholder(ctx, sc, zed))

		// Bad input: field errors, nothing written.
		bad := &cadence.Review{AccountID: a.ID, Kind: "weekly", ScheduledOn: day("2026-04-01")}
		if err := db.CreateReview(ctx, sc, bad); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("bad kind: %v", err)
		}
		wrong := &cadence.Review{AccountID: a.ID, Kind: cadence.QBR, ScheduledOn: day("2026-04-01"), StakeholderIDs: []int64{zed.ID}}
		if err := db.CreateReview(ctx, sc, wrong); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("someone else's stakeholder: %v", err)
		}
		if rs, _, _ := db.Reviews(ctx, sc, store.ReviewFilter{}); len(rs) != 0 {
			t.Fatalf("half-written reviews: %+v", rs)
		}

		r := &cadence.Review{AccountID: a.ID, Kind: cadence.QBR, ScheduledOn: day("2026-04-01"), Agenda: "Pilot results",
			PeopleIDs: []int64{ann.ID}, StakeholderIDs: []int64{dana.ID}}
		must(db.CreateReview(ctx, sc, r))
		if r.Status != cadence.ReviewScheduled || r.ID == 0 {
			t.Fatalf("created %+v", r)
		}
		today := day("2026-04-10")
		late, _, err := db.Reviews(ctx, sc, store.ReviewFilter{State: cadence.ReviewLate, Today: today})
		must(err)
		if len(late) != 1 || late[0].State(today) != cadence.ReviewLate || len(late[0].StakeholderIDs) != 1 {
			t.Fatalf("late reviews %+v", late)
		}
		if up, _, _ := db.Reviews(ctx, sc, store.ReviewFilter{State: cadence.ReviewUpcoming, Today: today}); len(up) != 0 {
			t.Fatalf("upcoming %+v", up)
		}
		mine, _, _ := db.Reviews(ctx, sc, store.ReviewFilter{PersonID: ann.ID})
		if len(mine) != 1 {
			t.Fatalf("Ann's reviews %+v", mine)
		}

		// Held: the next one is scheduled a tier interval later (untiered: C, 365 days).
		r.Status, r.HeldOn, r.Outcome = cadence.ReviewHeld, day("2026-04-08"), "Agreed phase two"
		next, err := db.UpdateReview(ctx, sc, r)
		must(err)
		if next == nil || next.ScheduledOn.String() != "2027-04-08" || next.Kind != cadence.QBR || len(next.PeopleIDs) != 1 {
			t.Fatalf("next review %+v", next)
		}
		// Saving the held review again schedules nothing more.
		r.Recommendations = "Extend the pilot"
		if again, err := db.UpdateReview(ctx, sc, r); err != nil || again != nil {
			t.Fatalf("second save scheduled %+v %v", again, err)
		}
		got, err := db.Review(ctx, sc, r.ID)
		must(err)
		if got.Status != cadence.ReviewHeld || got.HeldOn.String() != "2026-04-08" || got.Recommendations != "Extend the pilot" {
			t.Fatalf("stored %+v", got)
		}
		prev, err := db.PreviousHeldReview(ctx, sc, *next)
		must(err)
		if prev == nil || prev.ID != r.ID {
			t.Fatalf("previous held review of the next one: %+v", prev)
		}
		// A held review cannot be in the future.
		future := got
		future.HeldOn = day("2026-05-01")
		if _, err := db.UpdateReview(ctx, sc, &future); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("held in the future: %v", err)
		}

		must(db.DeleteReview(ctx, sc, next.ID))
		if _, err := db.Review(ctx, sc, next.ID); account.ErrorCode(err) != account.ENOTFOUND {
			t.Fatalf("deleted review: %v", err)
		}
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{Entity: "review"})
		must(err)
		if len(entries) < 4 {
			t.Errorf("audit has %d review entries, want create, update, create (next), update, delete", len(entries))
		}
	})
}

func TestTheReviewReportReadsThePeriodsRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		db.Now = func() time.Time { return time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC) }
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		a := &account.Account{Name: "Acme", Lifecycle: account.Customer}
		must(db.CreateAccount(ctx, sc, a))
		dana := &account.Stakeholder{AccountID: a.ID, Name: "Dana", Level: account.Executive, Active: true}
		must(db.CreateStakeholder(ctx, sc, dana))
		for _, at := range []string{"2026-01-05T10:00:00Z", "2026-02-01T10:00:00Z", "2026-04-02T10:00:00Z"} {
			when, _ := time.Parse(time.RFC3339, at)
			must(db.CreateTouch(ctx, sc, &account.Touch{AccountID: a.ID, Kind: account.Call, OccurredAt: when, Summary: "call " + at[:10], StakeholderIDs: []int64{dana.ID}}))
		}
		must(db.CreateOpportunity(ctx, sc, &account.Opportunity{AccountID: a.ID, Name: "Plant 2", Kind: account.Upsell, Stage: account.Won, Amount: 500000, Currency: "USD", ActualClose: day("2026-03-01")}))
		must(db.CreateOpportunity(ctx, sc, &account.Opportunity{AccountID: a.ID, Name: "Old deal", Kind: account.Upsell, Stage: account.Won, Amount: 100, Currency: "USD", ActualClose: day("2025-12-01")}))
		must(db.CreateContract(ctx, sc, &account.Contract{AccountID: a.ID, Product: "Platform", AnnualValue: 1000000, Currency: "USD", Start: day("2025-01-01"), Status: account.ContractActive}))
		data, err := db.ReviewReport(ctx, sc, a.ID, day("2026-01-06"), day("2026-04-02"), time.UTC)
		must(err)
		if len(data.Touches) != 2 || len(data.Won) != 1 || data.Won[0].Name != "Plant 2" || len(data.Contracts) != 1 || data.Stakeholders[dana.ID] != "Dana" {
			t.Fatalf("report data: %d touches, won %+v, %d contracts", len(data.Touches), data.Won, len(data.Contracts))
		}
	})
}

func TestACalendarFeedIsFoundByItsSecretUntilRevoked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		u := &auth.User{Email: "ann@example.com", Name: "Ann", Role: auth.RoleAccountManager}
		if err := db.CreateUser(ctx, sc, u); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := db.CalendarFeedOf(ctx, sc, u.ID); ok {
			t.Fatal("a feed before any was made")
		}
		secret, f, err := db.CreateCalendarFeed(ctx, sc, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, user, err := db.CalendarFeedBySecret(ctx, secret)
		if err != nil || got.ID != f.ID || user.ID != u.ID {
			t.Fatalf("by secret: %+v %+v %v", got, user, err)
		}
		// A new feed replaces the old one.
		secret2, _, err := db.CreateCalendarFeed(ctx, sc, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.CalendarFeedBySecret(ctx, secret); account.ErrorCode(err) != account.ENOTFOUND {
			t.Fatalf("old secret still works: %v", err)
		}
		if err := db.RevokeCalendarFeed(ctx, sc, u.ID); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{secret2, "", "swc_short", store.CalendarPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
			if _, _, err := db.CalendarFeedBySecret(ctx, s); account.ErrorCode(err) != account.ENOTFOUND {
				t.Errorf("secret %q: %v", s, err)
			}
		}
	})
}

func TestAJobRunIsClaimedByOneHolderAtATime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, _ := storetest.New(t, d)
		now := time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		var wg sync.WaitGroup
		wins := make(chan string, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				holder := string(rune('a' + i))
				ok, err := db.ClaimJob(ctx, "digest", "2026-04-10", holder, time.Minute)
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins <- holder
				}
			}()
		}
		wg.Wait()
		close(wins)
		var winners []string
		for w := range wins {
			winners = append(winners, w)
		}
		if len(winners) != 1 {
			t.Fatalf("winners %v", winners)
		}
		// While the lease is live nobody else gets it; after it runs out, someone does.
		if ok, _ := db.ClaimJob(ctx, "digest", "2026-04-10", "z", time.Minute); ok {
			t.Fatal("claimed a live lease")
		}
		now = now.Add(2 * time.Minute)
		if ok, _ := db.ClaimJob(ctx, "digest", "2026-04-10", "z", time.Minute); !ok {
			t.Fatal("an expired lease was not taken over")
		}
		if err := db.FinishJob(ctx, "digest", "2026-04-10", "z"); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		if ok, _ := db.ClaimJob(ctx, "digest", "2026-04-10", "y", time.Minute); ok {
			t.Fatal("a finished run was claimed again")
		}
		if done, _ := db.JobDone(ctx, "digest", "2026-04-10"); !done {
			t.Fatal("not done")
		}
		// Digests: once per person and day.
		if ok, _ := db.ClaimDigest(ctx, 1, 7, "2026-04-10"); !ok {
			t.Fatal("first digest refused")
		}
		if ok, _ := db.ClaimDigest(ctx, 1, 7, "2026-04-10"); ok {
			t.Fatal("second digest allowed")
		}
		if err := db.ForgetDigest(ctx, 1, 7, "2026-04-10"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := db.ClaimDigest(ctx, 1, 7, "2026-04-10"); !ok {
			t.Fatal("digest not allowed after a failed send")
		}
	})
}
