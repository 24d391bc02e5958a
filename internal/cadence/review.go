package cadence

import (
	"slices"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

// Business reviews are the performance side of the promise: the account's
// own cadence, one review every Settings.Review[tier] days, distinct from
// the stakeholders' relationship check-ins.
//
// A review is scheduled for a day, then held (on the day it was actually
// held, with its outcome) or cancelled. A scheduled review whose day has
// passed is late: it slipped. Reviews recur: when one is held, the next is
// scheduled the tier's interval after the day it was held (NextReview),
// unless the account already has another review scheduled.

// ReviewKind is what sort of business review it is.
type ReviewKind string

const (
	QBR             ReviewKind = "qbr"
	ExecutiveReview ReviewKind = "executive"
	AnnualReview    ReviewKind = "annual"
)

// ReviewKinds in display order.
var ReviewKinds = []ReviewKind{QBR, ExecutiveReview, AnnualReview}

// Label names the kind for people.
func (k ReviewKind) Label() string {
	switch k {
	case QBR:
		return "Quarterly business review"
	case ExecutiveReview:
		return "Executive review"
	case AnnualReview:
		return "Annual review"
	}
	return string(k)
}

// ReviewStatus is what became of a review.
type ReviewStatus string

const (
	ReviewScheduled ReviewStatus = "scheduled"
	ReviewHeld      ReviewStatus = "held"
	ReviewCancelled ReviewStatus = "cancelled"
)

// ReviewStatuses in display order.
var ReviewStatuses = []ReviewStatus{ReviewScheduled, ReviewHeld, ReviewCancelled}

// ReviewState is how a review stands on a day, for lists and reminders.
type ReviewState string

const (
	ReviewUpcoming  ReviewState = "upcoming"  // scheduled, today or later
	ReviewLate      ReviewState = "late"      // scheduled, its day has passed: it slipped
	ReviewWasHeld   ReviewState = "held"      // held
	ReviewWasCalled ReviewState = "cancelled" // cancelled
)

// Label names the state for people.
func (s ReviewState) Label() string {
	switch s {
	case ReviewUpcoming:
		return "Upcoming"
	case ReviewLate:
		return "Late"
	case ReviewWasHeld:
		return "Held"
	case ReviewWasCalled:
		return "Cancelled"
	}
	return string(s)
}

// Review is one business review of an account with who attends from both
// sides: our people and the client's stakeholders.
type Review struct {
	ID              int64        `json:"id"`
	AccountID       int64        `json:"account_id"`
	Kind            ReviewKind   `json:"kind"`
	ScheduledOn     account.Date `json:"scheduled_on"`
	HeldOn          account.Date `json:"held_on"` // zero until held
	Status          ReviewStatus `json:"status"`
	Agenda          string       `json:"agenda"`
	Outcome         string       `json:"outcome"`
	Recommendations string       `json:"recommendations"`
	PeopleIDs       []int64      `json:"people_ids"`
	StakeholderIDs  []int64      `json:"stakeholder_ids"`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
}

// Limits on a review's texts.
const (
	MaxReviewText = 10000
	MaxAttendees  = 100
)

// Validate checks a review's own fields (attendees are checked against the
// account by the store). A held review needs the day it was held, which may
// not lie after today; a review that is not held has no held day.
func (r *Review) Validate(today account.Date) error {
	e := &problems{msg: "The review is not valid."}
	if !slices.Contains(ReviewKinds, r.Kind) {
		e.add("kind", "must be one of qbr, executive, annual")
	}
	if !slices.Contains(ReviewStatuses, r.Status) {
		e.add("status", "must be one of scheduled, held, cancelled")
	}
	if r.ScheduledOn.IsZero() {
		e.add("scheduled_on", "is required")
	}
	switch {
	case r.Status == ReviewHeld && r.HeldOn.IsZero():
		e.add("held_on", "is required once the review is held")
	case r.Status == ReviewHeld && !today.IsZero() && today.Before(r.HeldOn):
		e.add("held_on", "cannot be in the future")
	case r.Status != ReviewHeld && !r.HeldOn.IsZero():
		e.add("held_on", "only a held review has a day it was held")
	}
	for _, f := range []struct{ name, v string }{{"agenda", r.Agenda}, {"outcome", r.Outcome}, {"recommendations", r.Recommendations}} {
		if len([]rune(f.v)) > MaxReviewText {
			e.add(f.name, "must be at most %d characters", MaxReviewText)
		}
	}
	if len(r.PeopleIDs) > MaxAttendees {
		e.add("people_ids", "at most %d people", MaxAttendees)
	}
	if len(r.StakeholderIDs) > MaxAttendees {
		e.add("stakeholder_ids", "at most %d stakeholders", MaxAttendees)
	}
	r.Agenda, r.Outcome, r.Recommendations = strings.TrimSpace(r.Agenda), strings.TrimSpace(r.Outcome), strings.TrimSpace(r.Recommendations)
	r.PeopleIDs, r.StakeholderIDs = uniqueIDs(r.PeopleIDs), uniqueIDs(r.StakeholderIDs)
	return e.err()
}

func uniqueIDs(ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id != 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// State is how the review stands on day today.
func (r Review) State(today account.Date) ReviewState {
	switch r.Status {
	case ReviewHeld:
		return ReviewWasHeld
	case ReviewCancelled:
		return ReviewWasCalled
	}
	if r.ScheduledOn.Before(today) {
		return ReviewLate
	}
	return ReviewUpcoming
}

// DaysLate is how many days a late review has slipped (0 otherwise).
func (r Review) DaysLate(today account.Date) int {
	if r.State(today) != ReviewLate {
		return 0
	}
	return today.DaysSince(r.ScheduledOn)
}

// Day is the review's day: when it was held, else when it is scheduled.
func (r Review) Day() account.Date {
	if r.Status == ReviewHeld && !r.HeldOn.IsZero() {
		return r.HeldOn
	}
	return r.ScheduledOn
}

// ReviewInterval is the days between business reviews for a tier under the
// settings (an untiered account counts as tier C).
func ReviewInterval(s Settings, tier portfolio.Tier) int {
	if !slices.Contains(Tiers, tier) {
		tier = portfolio.TierC
	}
	if d := s.Review[tier]; d > 0 {
		return d
	}
	return DefaultSettings().Review[tier]
}

// NextReview is the review that follows r once it is held: the same kind,
// scheduled the tier's interval after the day it was held, with the same
// attendees invited. ok is false unless r is held.
func NextReview(s Settings, tier portfolio.Tier, r Review) (Review, bool) {
	if r.Status != ReviewHeld || r.HeldOn.IsZero() {
		return Review{}, false
	}
	return Review{AccountID: r.AccountID, Kind: r.Kind, Status: ReviewScheduled,
		ScheduledOn:    r.HeldOn.AddDays(ReviewInterval(s, tier)),
		PeopleIDs:      slices.Clone(r.PeopleIDs),
		StakeholderIDs: slices.Clone(r.StakeholderIDs)}, true
}

// ReviewPeriod is the period an Operations Review Report covers: from the
// day after the previous held review of the account (or, for the first
// review, one review interval before) up to and including this review's day.
func ReviewPeriod(s Settings, tier portfolio.Tier, r Review, previous *Review) (from, to account.Date) {
	to = r.Day()
	if previous != nil && previous.Status == ReviewHeld && previous.Day().Before(to) {
		return previous.Day().AddDays(1), to
	}
	return to.AddDays(-ReviewInterval(s, tier) + 1), to
}
