package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/mail"
	"github.com/samwise-sam/samwise/internal/store"
)

// Digest is the daily reminder e-mail: to each account manager with
// something due on the accounts they own — check-ins overdue or due soon,
// business reviews late or coming within ReviewDays — one message listing
// it all.
//
// Sending is idempotent: before each message the digest claims the
// (organisation, person, day) row in mail_digests (store.ClaimDigest), so
// a restart, a retry or a second instance never sends a second digest the
// same day. A message that fails to send gives its claim back, to be tried
// again on the next run; the job then reports the failure, so the
// scheduler retries the run.
type Digest struct {
	DB         *store.DB
	Sender     mail.Sender
	Log        *slog.Logger
	Loc        *time.Location // the zone days are counted in; default UTC
	BaseURL    string         // e.g. https://samwise.example.com, for links
	ReviewDays int            // how far ahead reviews are listed; default 7
	Now        func() time.Time
}

// Job is the digest as a daily scheduled job from hour in d.Loc.
func (d Digest) Job(hour int) Job {
	return Job{Name: "reminder-digest", Period: Daily(hour, d.Loc), Lease: 30 * time.Minute, Run: d.Run}
}

// DigestItem is one line of a digest.
type DigestItem struct {
	Account string
	What    string
	When    account.Date
	URL     string
}

// DigestMessage is one person's digest before it becomes mail.
type DigestMessage struct {
	OrgID, PersonID int64
	To, Name        string
	Day             account.Date
	Overdue         []DigestItem // check-ins overdue
	DueSoon         []DigestItem // check-ins due soon
	ReviewsLate     []DigestItem
	ReviewsSoon     []DigestItem
}

// Empty reports whether there is nothing to remind of.
func (m DigestMessage) Empty() bool {
	return len(m.Overdue)+len(m.DueSoon)+len(m.ReviewsLate)+len(m.ReviewsSoon) == 0
}

// Run sends the digests of the day named by period (YYYY-MM-DD) for every
// organisation.
func (d Digest) Run(ctx context.Context, period string) error {
	day, err := account.ParseDate(period)
	if err != nil {
		return fmt.Errorf("digest period %q: %w", period, err)
	}
	orgs, err := d.DB.Organisations(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range orgs {
		msgs, err := d.Build(ctx, account.Scope{OrgID: o.ID, Actor: "reminder digest"}, day)
		if err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
			continue
		}
		for _, m := range msgs {
			if err := d.send(ctx, m); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (d Digest) log() *slog.Logger {
	if d.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Log
}

func (d Digest) send(ctx context.Context, m DigestMessage) error {
	won, err := d.DB.ClaimDigest(ctx, m.OrgID, m.PersonID, m.Day.String())
	if err != nil || !won {
		return err
	}
	if err := d.Sender.Send(ctx, Render(m, d.BaseURL)); err != nil {
		if ferr := d.DB.ForgetDigest(context.WithoutCancel(ctx), m.OrgID, m.PersonID, m.Day.String()); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return fmt.Errorf("digest to person %d: %w", m.PersonID, err)
	}
	d.log().Info("digest sent", "org", m.OrgID, "person", m.PersonID, "items", len(m.Overdue)+len(m.DueSoon)+len(m.ReviewsLate)+len(m.ReviewsSoon))
	return nil
}

// Build gathers the digests of one organisation for day: one per account
// owner with something due and an e-mail address.
func (d Digest) Build(ctx context.Context, sc account.Scope, day account.Date) ([]DigestMessage, error) {
	loc := d.Loc
	if loc == nil {
		loc = time.UTC
	}
	rows, _, err := d.DB.Adherence(ctx, sc, store.CadenceScope{}, loc, day)
	if err != nil {
		return nil, err
	}
	reviewDays := cmp.Or(d.ReviewDays, 7)
	reviews, _, err := d.DB.Reviews(ctx, sc, store.ReviewFilter{Status: cadence.ReviewScheduled, To: day.AddDays(reviewDays),
		Page: account.Page{Limit: account.MaxLimit}})
	if err != nil {
		return nil, err
	}
	owners, err := d.DB.ReviewAccountOwners(ctx, sc)
	if err != nil {
		return nil, err
	}
	names, err := d.DB.ReviewAccountNames(ctx, sc, reviewIDs(reviews))
	if err != nil {
		return nil, err
	}
	people, err := d.DB.AllPeople(ctx, sc)
	if err != nil {
		return nil, err
	}
	byPerson := map[int64]*DigestMessage{}
	for _, p := range people {
		if p.Email != "" {
			byPerson[p.ID] = &DigestMessage{OrgID: sc.OrgID, PersonID: p.ID, To: p.Email, Name: p.Name, Day: day}
		}
	}
	base := strings.TrimRight(d.BaseURL, "/")
	for _, r := range rows {
		m := byPerson[r.OwnerID]
		if m == nil {
			continue
		}
		it := DigestItem{Account: r.AccountName, When: r.NextDue, URL: fmt.Sprintf("%s/accounts/%d#cadence", base, r.AccountID),
			What: fmt.Sprintf("check in with %s (%s), every %d days", r.Name, strings.ReplaceAll(string(r.Level), "_", " "), r.Interval.Days)}
		switch r.State {
		case cadence.Overdue:
			m.Overdue = append(m.Overdue, it)
		case cadence.DueSoon:
			m.DueSoon = append(m.DueSoon, it)
		}
	}
	for _, rv := range reviews {
		m := byPerson[owners[rv.AccountID]]
		if m == nil {
			continue
		}
		it := DigestItem{Account: names[rv.AccountID], What: strings.ToLower(rv.Kind.Label()[:1]) + rv.Kind.Label()[1:], When: rv.ScheduledOn,
			URL: fmt.Sprintf("%s/reviews/%d", base, rv.ID)}
		if rv.State(day) == cadence.ReviewLate {
			m.ReviewsLate = append(m.ReviewsLate, it)
		} else {
			m.ReviewsSoon = append(m.ReviewsSoon, it)
		}
	}
	var out []DigestMessage
	for _, m := range byPerson {
		if m.Empty() {
			continue
		}
		for _, list := range [][]DigestItem{m.Overdue, m.DueSoon, m.ReviewsLate, m.ReviewsSoon} {
			slices.SortStableFunc(list, func(a, b DigestItem) int {
				return cmp.Or(cmp.Compare(a.When.String(), b.When.String()), cmp.Compare(a.Account, b.Account))
			})
		}
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b DigestMessage) int { return cmp.Compare(a.PersonID, b.PersonID) })
	return out, nil
}

func reviewIDs(rs []cadence.Review) []int64 {
	var ids []int64
	for _, r := range rs {
		if !slices.Contains(ids, r.AccountID) {
			ids = append(ids, r.AccountID)
		}
	}
	return ids
}

// Render turns a digest into mail: a subject that says what is most
// urgent, and a plain-text body grouped by kind.
func Render(m DigestMessage, baseURL string) mail.Message {
	var parts []string
	count := func(n int, one, many string) {
		if n == 1 {
			parts = append(parts, "1 "+one)
		} else if n > 1 {
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	count(len(m.Overdue), "check-in overdue", "check-ins overdue")
	count(len(m.ReviewsLate), "review late", "reviews late")
	count(len(m.DueSoon), "check-in due soon", "check-ins due soon")
	count(len(m.ReviewsSoon), "review coming", "reviews coming")
	var b strings.Builder
	fmt.Fprintf(&b, "Good morning %s,\n\nHere is what is due on your accounts on %s.\n", m.Name, m.Day.Time().Format("Monday 2 January 2006"))
	section := func(title string, items []DigestItem, when string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s (%d)\n", title, len(items))
		for _, it := range items {
			fmt.Fprintf(&b, "- %s: %s, %s %s\n  %s\n", it.Account, it.What, when, it.When.Time().Format("2 Jan 2006"), it.URL)
		}
	}
	section("Check-ins overdue", m.Overdue, "was due")
	section("Business reviews late", m.ReviewsLate, "was scheduled for")
	section("Check-ins due soon", m.DueSoon, "due")
	section("Business reviews coming", m.ReviewsSoon, "on")
	fmt.Fprintf(&b, "\nYour week: %s/week\n\n-- \nsamwise sends this digest once a day when something is due.\n", strings.TrimRight(baseURL, "/"))
	return mail.Message{To: m.To, Subject: "samwise: " + strings.Join(parts, ", "), Text: b.String(),
		ID: fmt.Sprintf("digest-%d-%d-%s", m.OrgID, m.PersonID, m.Day)}
}
