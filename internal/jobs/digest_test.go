package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/jobs"
	"github.com/samwise-sam/samwise/internal/mail"
	"github.com/samwise-sam/samwise/internal/mail/mailtest"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// seedDue makes Ann the owner of Acme with Dana never touched (overdue from
// the day she was added) and a review that slipped; Bob has nothing due.
func seedDue(t *testing.T, db *store.DB, sc account.Scope) (ann account.Person) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ann = account.Person{Name: "Ann Lee", Email: "ann@example.com"}
	must(db.CreatePerson(ctx, sc, &ann))
	bob := account.Person{Name: "Bob Stone", Email: "bob@example.com"}
	must(db.CreatePerson(ctx, sc, &bob))
	acme := account.Account{Name: "Acme Corp", Lifecycle: account.Customer, OwnerID: &ann.ID}
	must(db.CreateAccount(ctx, sc, &acme))
	must(db.CreateStakeholder(ctx, sc, &account.Stakeholder{AccountID: acme.ID, Name: "Dana Diaz", Level: account.Executive, Active: true}))
	must(db.CreateReview(ctx, sc, &cadence.Review{AccountID: acme.ID, Kind: cadence.QBR, ScheduledOn: account.Date{Year: 2026, Month: 4, Day: 1}}))
	other := account.Account{Name: "Globex", Lifecycle: account.Customer, OwnerID: &bob.ID}
	must(db.CreateAccount(ctx, sc, &other))
	return ann
}

func TestTheDigestArrivesOnceEvenWithTwoInstancesRacing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := time.Date(2026, 4, 10, 7, 30, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		seedDue(t, db, sc)
		// A second instance: its own connections to the same database.
		db2, err := store.Open(ctx, storetest.URL(t, d))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db2.Close() })
		db2.Now = db.Now
		srv := mailtest.Start(t)
		sender := mail.SMTP{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone, From: "samwise@example.com"}
		// One job name per test run: job_runs is shared by every
		// organisation of the package's PostgreSQL database.
		name := fmt.Sprintf("digest-%s-%d", d, time.Now().UnixNano())
		scheduler := func(db *store.DB, holder string) *jobs.Scheduler {
			dg := jobs.Digest{DB: db, Sender: sender, BaseURL: "https://samwise.example.com", Now: db.Now}
			j := dg.Job(7)
			j.Name = name
			return &jobs.Scheduler{DB: db, Holder: holder, Now: db.Now, Jobs: []jobs.Job{j}}
		}
		a, b := scheduler(db, "one"), scheduler(db2, "two")
		var wg sync.WaitGroup
		for _, s := range []*jobs.Scheduler{a, b, a, b} {
			wg.Add(1)
			go func() { defer wg.Done(); s.Tick(ctx) }()
		}
		wg.Wait()
		// A restart later the same day changes nothing.
		now = now.Add(3 * time.Hour)
		scheduler(db, "three").Tick(ctx)
		var mine []mailtest.Message
		for _, m := range srv.Messages() {
			if strings.Contains(m.Header.Get("Message-Id"), fmt.Sprintf("digest-%d-", sc.OrgID)) {
				mine = append(mine, m)
			}
		}
		if len(mine) != 1 {
			t.Fatalf("%d digests delivered, want 1", len(mine))
		}
		m := mine[0]
		if m.To[0] != "ann@example.com" || m.Header.Get("Subject") != "samwise: 1 check-in overdue, 1 review late" {
			t.Errorf("to %v, subject %q", m.To, m.Header.Get("Subject"))
		}
		for _, w := range []string{"Dana Diaz", "Acme Corp", "quarterly business review, was scheduled for 1 Apr 2026", "https://samwise.example.com/week"} {
			if !strings.Contains(m.Body, w) {
				t.Errorf("body lacks %q:\n%s", w, m.Body)
			}
		}
		// The next day, another.
		now = now.Add(24 * time.Hour)
		scheduler(db, "one").Tick(ctx)
		if n := len(srv.Messages()); n < 2 {
			t.Errorf("no digest the next day (%d messages)", n)
		}
	})
}

func TestAFailedSendIsRetriedWithoutDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		seedDue(t, db, sc)
		flaky := &flakySender{fail: 1}
		name := fmt.Sprintf("digest-retry-%s-%d", d, time.Now().UnixNano())
		dg := jobs.Digest{DB: db, Sender: flaky, Now: db.Now}
		j := dg.Job(7)
		j.Name = name
		s := &jobs.Scheduler{DB: db, Holder: "one", Now: db.Now, Jobs: []jobs.Job{j}}
		if n := s.Tick(ctx); n != 1 {
			t.Fatalf("ran %d", n)
		}
		if len(flaky.sent) != 0 {
			t.Fatal("sent despite the failure")
		}
		s.Tick(ctx) // released: tried again
		s.Tick(ctx) // finished: nothing more
		if len(flaky.sent) != 1 {
			t.Fatalf("sent %d after the retry, want 1", len(flaky.sent))
		}
	})
}

func TestNothingIsSentBeforeTheHour(t *testing.T) {
	if p := jobs.Daily(7, time.UTC)(time.Date(2026, 4, 10, 6, 59, 0, 0, time.UTC)); p != "" {
		t.Errorf("due at 6:59: %q", p)
	}
	if p := jobs.Daily(7, time.UTC)(time.Date(2026, 4, 10, 7, 0, 0, 0, time.UTC)); p != "2026-04-10" {
		t.Errorf("period %q", p)
	}
	// In Auckland it is already the 11th.
	akl, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Skip(err)
	}
	if p := jobs.Daily(7, akl)(time.Date(2026, 4, 10, 20, 0, 0, 0, time.UTC)); p != "2026-04-11" {
		t.Errorf("Auckland period %q", p)
	}
}

type flakySender struct {
	mu   sync.Mutex
	fail int
	sent []mail.Message
}

func (f *flakySender) Send(_ context.Context, m mail.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail > 0 {
		f.fail--
		return fmt.Errorf("421 try again later")
	}
	f.sent = append(f.sent, m)
	return nil
}
