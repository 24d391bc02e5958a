// Package plan holds the rules of strategic account plans: the lifecycle of a
// plan version (draft → shared → feedback → revised → agreed → active →
// reviewed → superseded), the plan document with its sections and internal
// flags, what the client may see of it, the comparison of two versions, KPI
// progress against target and the plan's health.
//
// It is plain Go: it imports only the standard library and package account,
// never store, web or api.
package plan

import (
	"slices"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
)

// Status is where a plan version stands in its lifecycle.
type Status string

const (
	Draft      Status = "draft"      // the team is writing it; editable
	Shared     Status = "shared"     // a link went to the client; frozen from now on
	Feedback   Status = "feedback"   // the client commented or proposed changes
	Revised    Status = "revised"    // a new version answering feedback or changes; editable until shared
	Agreed     Status = "agreed"     // the client signed it off
	Active     Status = "active"     // being followed and tracked
	Reviewed   Status = "reviewed"   // a periodic review took place
	Superseded Status = "superseded" // a later version replaced it
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{Draft, Shared, Feedback, Revised, Agreed, Active, Reviewed, Superseded}

// transitions are the moves a person (or the client, for feedback and
// agreement) may make on a version. A new version supersedes the previous
// one by CanRevise, not by these moves.
var transitions = map[Status][]Status{
	Draft:    {Shared},
	Revised:  {Shared},
	Shared:   {Feedback, Agreed},
	Feedback: {Agreed},
	Agreed:   {Active},
	Active:   {Reviewed},
	Reviewed: {Active},
}

// Next returns the statuses a version in s may move to.
func Next(s Status) []Status { return slices.Clone(transitions[s]) }

// CanMove reports whether a version may go from one status to another.
func CanMove(from, to Status) bool { return slices.Contains(transitions[from], to) }

// Move checks a transition and says why it is refused.
func Move(from, to Status) error {
	if !Valid(to) {
		return account.Invalid("status", "must be one of draft, shared, feedback, revised, agreed, active, reviewed, superseded")
	}
	if !CanMove(from, to) {
		return account.Errorf(account.ECONFLICT, "A %s version cannot become %s.", from.Words(), to.Words())
	}
	return nil
}

// Valid reports whether s is a known status.
func Valid(s Status) bool { return slices.Contains(Statuses, s) }

// Editable reports whether a version's content may still change: only
// before it is shown to the client. Once shared it is immutable, so what the
// client commented on and signed is exactly what is kept.
func (s Status) Editable() bool { return s == Draft || s == Revised }

// Shareable reports whether a new share link may point at a version.
func (s Status) Shareable() bool {
	return s == Draft || s == Revised || s == Shared || s == Feedback || s == Agreed || s == Active || s == Reviewed
}

// OpenToClient reports whether the client may still comment and sign off.
func (s Status) OpenToClient() bool { return s == Shared || s == Feedback }

// CanRevise reports whether a new version may be drafted from a version in
// s (which the new one then supersedes): not from one still being edited.
func (s Status) CanRevise() bool {
	return s != Draft && s != Revised && s != Superseded
}

// Tracked reports whether progress is being tracked against the version.
func (s Status) Tracked() bool { return s == Agreed || s == Active || s == Reviewed }

// AwaitingSignOff reports whether the version waits for the client.
func (s Status) AwaitingSignOff() bool { return s == Shared || s == Feedback }

// Label is the status for a badge: "Draft", "Client feedback".
func (s Status) Label() string {
	w := s.Words()
	return strings.ToUpper(w[:1]) + w[1:]
}

// Words is the status inside a sentence: "draft", "client feedback".
func (s Status) Words() string {
	switch s {
	case Feedback:
		return "client feedback"
	case "":
		return "no"
	}
	return string(s)
}

// AdjustmentReason says why a plan was adjusted after agreement.
type AdjustmentReason string

const (
	TimelineMoved          AdjustmentReason = "timeline_moved"
	StakeholdersChanged    AdjustmentReason = "stakeholders_changed"
	DecisionProcessChanged AdjustmentReason = "decision_process_changed"
	ScopeChanged           AdjustmentReason = "scope_changed"
	OtherReason            AdjustmentReason = "other"
)

// AdjustmentReasons lists them in the order forms offer them.
var AdjustmentReasons = []AdjustmentReason{TimelineMoved, StakeholdersChanged, DecisionProcessChanged, ScopeChanged, OtherReason}

// Label is the reason in words.
func (r AdjustmentReason) Label() string {
	switch r {
	case TimelineMoved:
		return "Timeline moved"
	case StakeholdersChanged:
		return "Stakeholders changed"
	case DecisionProcessChanged:
		return "Decision process changed"
	case ScopeChanged:
		return "Scope changed"
	}
	return "Other"
}

// ValidReason reports whether r is a known reason.
func ValidReason(r AdjustmentReason) bool { return slices.Contains(AdjustmentReasons, r) }
