package cadence_test

import (
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

func day(s string) account.Date {
	d, err := account.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestAReviewIsLateFromTheDayAfterItWasScheduled(t *testing.T) {
	r := cadence.Review{Kind: cadence.QBR, Status: cadence.ReviewScheduled, ScheduledOn: day("2024-02-29")}
	for _, c := range []struct {
		today string
		want  cadence.ReviewState
		late  int
	}{
		{"2024-02-28", cadence.ReviewUpcoming, 0},
		{"2024-02-29", cadence.ReviewUpcoming, 0}, // the day itself: still on time
		{"2024-03-01", cadence.ReviewLate, 1},
		{"2025-02-28", cadence.ReviewLate, 365},
	} {
		if got := r.State(day(c.today)); got != c.want {
			t.Errorf("%s: state %s, want %s", c.today, got, c.want)
		}
		if got := r.DaysLate(day(c.today)); got != c.late {
			t.Errorf("%s: %d days late, want %d", c.today, got, c.late)
		}
	}
	held := r
	held.Status, held.HeldOn = cadence.ReviewHeld, day("2024-03-04")
	if held.State(day("2024-06-01")) != cadence.ReviewWasHeld || held.DaysLate(day("2024-06-01")) != 0 {
		t.Error("a held review is not late")
	}
	cancelled := r
	cancelled.Status = cadence.ReviewCancelled
	if cancelled.State(day("2024-06-01")) != cadence.ReviewWasCalled {
		t.Error("a cancelled review is not late")
	}
}

func TestTheNextReviewFollowsTheTiersIntervalFromTheDayItWasHeld(t *testing.T) {
	s := cadence.DefaultSettings()
	held := cadence.Review{AccountID: 7, Kind: cadence.QBR, Status: cadence.ReviewHeld,
		ScheduledOn: day("2023-12-01"), HeldOn: day("2023-12-01"), PeopleIDs: []int64{1}, StakeholderIDs: []int64{2}}
	for _, c := range []struct {
		tier portfolio.Tier
		want string
	}{
		{portfolio.TierA, "2024-02-29"}, // 90 days, across a leap day
		{portfolio.TierB, "2024-05-29"},
		{portfolio.TierC, "2024-11-30"}, // 365 days in a leap year
		{"", "2024-11-30"},              // untiered counts as C
	} {
		next, ok := cadence.NextReview(s, c.tier, held)
		if !ok || next.ScheduledOn.String() != c.want || next.Status != cadence.ReviewScheduled || next.Kind != cadence.QBR {
			t.Errorf("tier %q: next %+v %v, want scheduled on %s", c.tier, next, ok, c.want)
		}
		if len(next.PeopleIDs) != 1 || len(next.StakeholderIDs) != 1 {
			t.Errorf("attendees not carried over: %+v", next)
		}
	}
	if _, ok := cadence.NextReview(s, portfolio.TierA, cadence.Review{Status: cadence.ReviewScheduled, ScheduledOn: day("2024-01-01")}); ok {
		t.Error("a review not yet held has no successor")
	}
}

func TestAReviewPeriodRunsFromThePreviousReview(t *testing.T) {
	s := cadence.DefaultSettings()
	r := cadence.Review{Status: cadence.ReviewHeld, ScheduledOn: day("2024-03-28"), HeldOn: day("2024-04-02")}
	prev := cadence.Review{Status: cadence.ReviewHeld, ScheduledOn: day("2024-01-05"), HeldOn: day("2024-01-05")}
	if from, to := cadence.ReviewPeriod(s, portfolio.TierA, r, &prev); from.String() != "2024-01-06" || to.String() != "2024-04-02" {
		t.Errorf("after a previous review: %s to %s", from, to)
	}
	if from, to := cadence.ReviewPeriod(s, portfolio.TierA, r, nil); from.String() != "2024-01-04" || to.String() != "2024-04-02" {
		t.Errorf("first review: %s to %s (90 days inclusive)", from, to)
	}
}

func TestReviewValidation(t *testing.T) {
	today := day("2024-05-01")
	for _, c := range []struct {
		name   string
		r      cadence.Review
		fields []string
	}{
		{"ok", cadence.Review{Kind: cadence.QBR, Status: cadence.ReviewScheduled, ScheduledOn: today}, nil},
		{"empty", cadence.Review{}, []string{"kind", "status", "scheduled_on"}},
		{"held without day", cadence.Review{Kind: cadence.AnnualReview, Status: cadence.ReviewHeld, ScheduledOn: today}, []string{"held_on"}},
		{"held tomorrow", cadence.Review{Kind: cadence.AnnualReview, Status: cadence.ReviewHeld, ScheduledOn: today, HeldOn: today.AddDays(1)}, []string{"held_on"}},
		{"held today", cadence.Review{Kind: cadence.AnnualReview, Status: cadence.ReviewHeld, ScheduledOn: today, HeldOn: today}, nil},
		{"scheduled with held day", cadence.Review{Kind: cadence.QBR, Status: cadence.ReviewScheduled, ScheduledOn: today, HeldOn: today}, []string{"held_on"}},
		{"long agenda", cadence.Review{Kind: cadence.QBR, Status: cadence.ReviewScheduled, ScheduledOn: today, Agenda: strings.Repeat("x", cadence.MaxReviewText+1)}, []string{"agenda"}},
	} {
		err := c.r.Validate(today)
		var got []string
		if e, ok := err.(*account.Error); ok {
			for _, f := range e.Fields {
				got = append(got, f.Field)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if strings.Join(got, ",") != strings.Join(c.fields, ",") {
			t.Errorf("%s: fields %v, want %v", c.name, got, c.fields)
		}
	}
}

func TestTheReportCompilesThePeriodAndTakesLaterSections(t *testing.T) {
	rv := cadence.Review{Kind: cadence.QBR, Status: cadence.ReviewHeld, ScheduledOn: day("2024-04-01"), HeldOn: day("2024-04-02"),
		Recommendations: "Extend the pilot to *all* plants.\n- phase two"}
	rep := cadence.BuildReport(cadence.ReportInput{Account: "Acme", Review: rv, From: day("2024-01-06"), To: day("2024-04-02"),
		Touches: []cadence.ReportTouch{{Day: day("2024-02-01"), Kind: "Call", Summary: "Pilot scope", With: []string{"Dana", "Eli"}},
			{Day: day("2024-03-01"), Kind: "Meeting", Summary: "Steering", With: []string{"Dana"}}},
		Won:       []cadence.ReportDeal{{Name: "Plant 2", Amount: 1_200_000, Currency: "USD", ClosedOn: day("2024-03-15")}, {Name: "Plant 3", Amount: 300_000, Currency: "USD", ClosedOn: day("2024-03-20")}},
		Contracts: []cadence.ReportContract{{Product: "Platform", AnnualValue: 5_000_000, Currency: "USD", Start: day("2023-01-01"), Status: "active"}},
	})
	sum, _ := rep.Section("summary")
	want := map[string]string{"Touches": "2", "Your people we met": "2", "New business won": "USD 15000.00", "Deliverables updated": "0"}
	for _, f := range sum.Figures {
		if w, ok := want[f.Label]; ok && f.Value != w {
			t.Errorf("%s = %s, want %s", f.Label, f.Value, w)
		}
	}
	if touches, _ := rep.Section("touches"); len(touches.Items) != 2 || touches.Items[0].Title != "Meeting: Steering" {
		t.Errorf("touches newest first: %+v", touches.Items)
	}
	if d, _ := rep.Section("deliverables"); !d.IsEmpty() {
		t.Error("no deliverables, yet the section is not empty")
	}
	rep.Add(cadence.Section{Key: "problems", Title: "Problems resolved", Items: []cadence.Item{{Title: "Late invoices"}}})
	keys := []string{}
	for _, s := range rep.Sections {
		keys = append(keys, s.Key)
	}
	if got := strings.Join(keys, ","); got != "summary,touches,won,contracts,deliverables,problems,agenda,outcome,recommendations" {
		t.Errorf("sections %s", got)
	}
	md := rep.Markdown()
	for _, w := range []string{"# Operations Review Report: Acme", "## Problems resolved", "**Late invoices**", `Extend the pilot to \*all\* plants.`, `\- phase two`, "| Touches | 2 |"} {
		if !strings.Contains(md, w) {
			t.Errorf("markdown lacks %q:\n%s", w, md)
		}
	}
}

// FuzzReportMarkdown: whatever people type, the Markdown keeps its
// structure — only the report's own headings start a line with "#", and
// nothing panics.
func FuzzReportMarkdown(f *testing.F) {
	f.Add("Acme", "Call", "# not a heading", "- not a list\n## nor this")
	f.Add("A|B", "x", "[link](http://x)", "<script>")
	f.Fuzz(func(t *testing.T, acct, kind, summary, recs string) {
		rep := cadence.BuildReport(cadence.ReportInput{Account: acct, Review: cadence.Review{Kind: cadence.QBR, Recommendations: recs},
			Touches: []cadence.ReportTouch{{Kind: kind, Summary: summary, With: []string{summary}}}})
		headings := 0
		for _, line := range strings.Split(rep.Markdown(), "\n") {
			if strings.HasPrefix(line, "#") {
				headings++
			}
		}
		if want := 1 + len(rep.Sections); headings != want {
			t.Fatalf("%d headings, want %d:\n%s", headings, want, rep.Markdown())
		}
	})
}
