package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/outcome"
	"github.com/samwise-sam/samwise/internal/pdf"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

var reviewPath = regexp.MustCompile(`^/reviews/(\d+)\?done=`)

// scheduleReview posts the new-review form and returns the review's id.
func (f *fixture) scheduleReview(form url.Values) int64 {
	f.t.Helper()
	res := f.post(fmt.Sprintf("/accounts/%d/reviews", f.acme.ID), form)
	m := reviewPath.FindStringSubmatch(res.location)
	if res.status != http.StatusSeeOther || m == nil {
		f.t.Fatalf("schedule = %d %q: %s", res.status, res.location, res.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// In the fixture it is 2 March 2026; Acme is untiered, so tier C: a review
// every 365 days.
func TestAReviewIsScheduledShowsLateAndMarkingItHeldSchedulesTheNext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		acme := fmt.Sprintf("/accounts/%d", f.acme.ID)
		contains(t, f.get(acme).body, `id="reviews"`, "No business review yet", acme+"/reviews/new")
		form := f.get(acme + "/reviews/new")
		contains(t, form.body, `name="scheduled_on"`, `value="2026-03-02"`, "every 365 days", "Carol Diaz")

		// Bad input: the form comes back with inline errors; nothing is stored.
		bad := f.post(acme+"/reviews", url.Values{"kind": {"weekly"}, "scheduled_on": {"someday"}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad review = %d", bad.status)
		}
		contains(t, bad.body, "Scheduled for must be a date", `class="field has-error"`)
		if rs, _, _ := f.db.Reviews(context.Background(), f.sc, store.ReviewFilter{}); len(rs) != 0 {
			t.Fatalf("stored %+v", rs)
		}

		id := f.scheduleReview(url.Values{"kind": {"qbr"}, "scheduled_on": {"2026-02-20"}, "agenda": {"Pilot results"},
			"people_ids": {strconv.FormatInt(f.ann.ID, 10)}, "stakeholder_ids": {strconv.FormatInt(f.carol.ID, 10)}})
		page := f.get(fmt.Sprintf("/reviews/%d", id))
		contains(t, page.body, "Quarterly business review", "rv-late", "10 days", "Ann Lee", "Carol Diaz", "Mark held")
		list := f.get("/reviews?state=late")
		contains(t, list.body, "Acme Corp", fmt.Sprintf(`id="review-%d"`, id), "rv-late")
		contains(t, f.get(acme).body, "1 late")
		week := f.get("/week")
		contains(t, week.body, fmt.Sprintf(`id="week-review-%d"`, id), "Reschedule")

		// Held in the future is refused, inline.
		res := f.post(fmt.Sprintf("/reviews/%d/held", id), url.Values{"held_on": {"2026-04-01"}, "outcome": {"x"}})
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("held in the future = %d", res.status)
		}
		contains(t, res.body, "cannot be in the future")

		res = f.post(fmt.Sprintf("/reviews/%d/held", id), url.Values{"held_on": {"2026-02-25"}, "outcome": {"Agreed phase two"},
			"recommendations": {"Extend the pilot to all plants"}})
		if res.status != http.StatusSeeOther || !strings.HasSuffix(res.location, "done=held-next") {
			t.Fatalf("mark held = %d %s", res.status, res.location)
		}
		contains(t, f.get(res.location).body, "the next one is scheduled", "rv-held", "25 Feb 2026")
		up := f.get("/reviews")
		contains(t, up.body, "25 Feb 2027", "Upcoming")
		if strings.Contains(f.get("/reviews?state=late").body, `id="review-`) {
			t.Error("a review is still late")
		}
	})
}

func TestTheOperationsReviewReportCompilesThePeriodAsPageMarkdownAndPDF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		id := f.scheduleReview(url.Values{"kind": {"executive"}, "scheduled_on": {"2026-03-01"}})
		f.post(fmt.Sprintf("/reviews/%d/held", id), url.Values{"held_on": {"2026-03-02"}, "outcome": {"Renewal agreed"},
			"recommendations": {"Add the **analytics** module"}})
		// What was fixed and what was prevented in the period is reported too.
		opened, fixed := time.Date(2026, 2, 20, 9, 0, 0, 0, time.UTC), time.Date(2026, 2, 21, 15, 0, 0, 0, time.UTC)
		for _, p := range []outcome.Problem{
			{AccountID: f.acme.ID, Title: "Line 3 sensor outage", Severity: outcome.Severity("high"), Status: outcome.Resolved,
				OpenedAt: opened, RespondedAt: &opened, ResolvedAt: &fixed},
			{AccountID: f.acme.ID, Kind: outcome.KindAvoided, Title: "Licence shortfall before the audit", Severity: outcome.Severity("medium")},
		} {
			if err := f.db.CreateProblem(context.Background(), f.sc, &p); err != nil {
				t.Fatal(err)
			}
		}
		page := f.get(fmt.Sprintf("/reviews/%d/report", id))
		if page.status != http.StatusOK {
			t.Fatalf("report = %d", page.status)
		}
		contains(t, page.body, "Operations Review Report", "Acme Corp", "Quarterly check-in", "Carol Diaz", "Samwise Core",
			"Renewal agreed", "Add the **analytics** module", `href="/reviews/`+strconv.FormatInt(id, 10)+`/report.pdf"`,
			"Problems resolved and risks avoided", "Line 3 sensor outage", "resolved in 30 h", "Licence shortfall before the audit")
		md := f.get(fmt.Sprintf("/reviews/%d/report.md", id))
		contains(t, md.body, "# Operations Review Report: Acme Corp", "## Working together", "**Meeting: Quarterly check-in**", `Add the \*\*analytics\*\* module`)
		if d != store.SQLite {
			return // printing once is enough
		}
		if _, err := pdf.Chromium(); err != nil {
			t.Skip(err)
		}
		res := f.get(fmt.Sprintf("/reviews/%d/report.pdf", id))
		if res.status != http.StatusOK || !strings.HasPrefix(res.body, "%PDF-") {
			t.Fatalf("pdf = %d %.40q", res.status, res.body)
		}
		text, err := pdf.Text([]byte(res.body))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"operations review report", "acme corp", "quarterly check-in", "renewal agreed", "our recommendations"} {
			if !strings.Contains(strings.ToLower(text), w) {
				t.Errorf("PDF lacks %q:\n%s", w, text)
			}
		}
	})
}

func TestTheCalendarFeedListsDueCheckInsAndReviewsWithStableUIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		ctx := context.Background()
		u := &auth.User{Email: "ann@example.com", Name: "Ann Lee", Role: auth.RoleAccountManager, PersonID: &f.ann.ID}
		if err := f.db.CreateUser(ctx, f.sc, u); err != nil {
			t.Fatal(err)
		}
		rv := &cadence.Review{AccountID: f.acme.ID, Kind: cadence.QBR, ScheduledOn: day("2026-04-15"), Agenda: "Roadmap"}
		if err := f.db.CreateReview(ctx, f.sc, rv); err != nil {
			t.Fatal(err)
		}
		secret, _, err := f.db.CreateCalendarFeed(ctx, f.sc, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		feed := func() *ics.Calendar {
			t.Helper()
			res := f.get("/calendar/" + secret + ".ics")
			if res.status != http.StatusOK {
				t.Fatalf("feed = %d", res.status)
			}
			cal, err := ics.ParseCalendar(strings.NewReader(res.body))
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, res.body)
			}
			return cal
		}
		cal := feed()
		byUID := map[string]*ics.VEvent{}
		for _, e := range cal.Events() {
			byUID[e.Id()] = e
		}
		host := strings.TrimPrefix(f.srv.URL, "http://")
		review := byUID[fmt.Sprintf("review-%d-%d@%s", f.sc.OrgID, rv.ID, host)]
		dan := byUID[fmt.Sprintf("checkin-%d-%d@%s", f.sc.OrgID, f.dan.ID, host)]
		carol := byUID[fmt.Sprintf("checkin-%d-%d@%s", f.sc.OrgID, f.carol.ID, host)]
		if review == nil || dan == nil || carol == nil {
			t.Fatalf("events %v", keys(byUID))
		}
		if got := review.GetProperty(ics.ComponentPropertySummary).Value; got != "Quarterly business review: Acme Corp" {
			t.Errorf("review summary %q", got)
		}
		// All-day events on calendar days: no zone to shift them.
		start := review.GetProperty(ics.ComponentPropertyDtStart)
		if start.Value != "20260415" || start.ICalParameters["VALUE"][0] != "DATE" {
			t.Errorf("review start %q %v", start.Value, start.ICalParameters)
		}
		// Dan was never touched: overdue, shown today. Carol: due 180 days after 27 Feb.
		if got := dan.GetProperty(ics.ComponentPropertyDtStart).Value; got != "20260302" || !strings.HasPrefix(dan.GetProperty(ics.ComponentPropertySummary).Value, "Overdue: ") {
			t.Errorf("Dan: %s %s", got, dan.GetProperty(ics.ComponentPropertySummary).Value)
		}
		if got := carol.GetProperty(ics.ComponentPropertyDtStart).Value; got != "20260826" {
			t.Errorf("Carol due %s", got)
		}
		// The UIDs stay the same from one fetch to the next.
		again := feed()
		if len(again.Events()) != len(cal.Events()) {
			t.Errorf("events changed: %d then %d", len(cal.Events()), len(again.Events()))
		}
		for _, e := range again.Events() {
			if byUID[e.Id()] == nil {
				t.Errorf("new UID %s", e.Id())
			}
		}
		// Revoked, malformed, unknown: not found.
		if err := f.db.RevokeCalendarFeed(ctx, f.sc, u.ID); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/calendar/" + secret + ".ics", "/calendar/" + secret, "/calendar/nope.ics", "/calendar/swc_AAAA.ics"} {
			if res := f.get(p); res.status != http.StatusNotFound {
				t.Errorf("%s = %d", p, res.status)
			}
		}
	})
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func day(s string) account.Date {
	d, err := account.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
