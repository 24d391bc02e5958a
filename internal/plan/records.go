package plan

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samwise-sam/samwise/internal/account"
)

// Plan is an account's strategic plan; its versions hold the document.
type Plan struct {
	ID             int64        `json:"id"`
	AccountID      int64        `json:"account_id"`
	AccountName    string       `json:"account_name"`
	Title          string       `json:"title"`
	Status         Status       `json:"status"` // the current version's
	CurrentVersion int          `json:"current_version"`
	ReviewDays     int          `json:"review_days"`
	NextReviewOn   account.Date `json:"next_review_on"`
	CreatedBy      int64        `json:"created_by"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
}

// Version is one version of a plan.
type Version struct {
	ID        int64     `json:"id"`
	PlanID    int64     `json:"plan_id"`
	N         int       `json:"n"`
	Status    Status    `json:"status"`
	Content   Content   `json:"content"`
	Note      string    `json:"note"` // what changed and why
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	SharedAt  time.Time `json:"shared_at"`
	AgreedAt  time.Time `json:"agreed_at"`
}

// Share is a link for the client to one version.
type Share struct {
	ID        int64     `json:"id"`
	PlanID    int64     `json:"plan_id"`
	VersionID int64     `json:"version_id"`
	VersionN  int       `json:"version_n"`
	Label     string    `json:"label"` // who it was sent to
	ExpiresAt time.Time `json:"expires_at"`
	RevokedAt time.Time `json:"revoked_at"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Views     int       `json:"views"`
	LastView  time.Time `json:"last_view"`
}

// Usable reports whether the link still opens the plan at now.
func (s Share) Usable(now time.Time) bool {
	return s.RevokedAt.IsZero() && (s.ExpiresAt.IsZero() || now.Before(s.ExpiresAt))
}

// State is the link's state in words: active, expired or revoked.
func (s Share) State(now time.Time) string {
	switch {
	case !s.RevokedAt.IsZero():
		return "revoked"
	case !s.ExpiresAt.IsZero() && !now.Before(s.ExpiresAt):
		return "expired"
	}
	return "active"
}

// Comment is the client's comment on a section, perhaps with a proposed
// change, or the team's answer.
type Comment struct {
	ID         int64     `json:"id"`
	PlanID     int64     `json:"plan_id"`
	VersionID  int64     `json:"version_id"`
	VersionN   int       `json:"version_n"`
	ShareID    int64     `json:"share_id"`
	Section    Section   `json:"section"`
	Author     string    `json:"author"`
	Body       string    `json:"body"`
	Proposal   string    `json:"proposal"`
	FromClient bool      `json:"from_client"`
	CreatedAt  time.Time `json:"created_at"`
}

// Validate checks a comment as typed.
func (c *Comment) Validate() error {
	c.Author, c.Body, c.Proposal = strings.TrimSpace(c.Author), strings.TrimSpace(c.Body), strings.TrimSpace(c.Proposal)
	var p problems
	if !ValidSection(c.Section) {
		p.add("section", "is not a section of the plan")
	}
	p.text("author", c.Author, maxShort, true)
	if c.Body == "" && c.Proposal == "" {
		p.add("body", "is required: write a comment or propose a change")
	}
	p.text("body", c.Body, maxText, false)
	p.text("proposal", c.Proposal, maxText, false)
	if len(p) > 0 {
		return &account.Error{Code: account.EINVALID, Message: "The comment is not valid.", Fields: p}
	}
	return nil
}

// SignOff is the client's agreement to a version.
type SignOff struct {
	ID        int64        `json:"id"`
	PlanID    int64        `json:"plan_id"`
	VersionID int64        `json:"version_id"`
	ShareID   int64        `json:"share_id"`
	Name      string       `json:"name"`
	Role      string       `json:"role"`
	SignedOn  account.Date `json:"signed_on"`
	CreatedAt time.Time    `json:"created_at"`
}

// Validate checks a sign-off as typed.
func (s *SignOff) Validate() error {
	s.Name, s.Role = strings.TrimSpace(s.Name), strings.TrimSpace(s.Role)
	var p problems
	p.text("name", s.Name, maxShort, true)
	p.text("role", s.Role, maxShort, true)
	if s.SignedOn.IsZero() {
		p.add("signed_on", "is required")
	}
	if len(p) > 0 {
		return &account.Error{Code: account.EINVALID, Message: "The sign-off is not valid.", Fields: p}
	}
	return nil
}

// KPIActual is one recorded measurement of a KPI.
type KPIActual struct {
	ID        int64        `json:"id"`
	PlanID    int64        `json:"plan_id"`
	KPIKey    string       `json:"kpi_key"`
	On        account.Date `json:"on"`
	Value     float64      `json:"value"`
	Note      string       `json:"note"`
	CreatedBy int64        `json:"created_by"`
	CreatedAt time.Time    `json:"created_at"`
}

// Adjustment records why a plan changed after agreement.
type Adjustment struct {
	ID        int64            `json:"id"`
	PlanID    int64            `json:"plan_id"`
	VersionN  int              `json:"version_n"`
	Reason    AdjustmentReason `json:"reason"`
	Note      string           `json:"note"`
	CreatedBy int64            `json:"created_by"`
	CreatedAt time.Time        `json:"created_at"`
}

// Validate checks an adjustment as typed.
func (a *Adjustment) Validate() error {
	a.Note = strings.TrimSpace(a.Note)
	var p problems
	if !ValidReason(a.Reason) {
		p.add("reason", "must be one of timeline_moved, stakeholders_changed, decision_process_changed, scope_changed, other")
	}
	if a.Reason == OtherReason && a.Note == "" {
		p.add("note", "is required when the reason is other")
	}
	if utf8.RuneCountInString(a.Note) > maxText {
		p.add("note", "must be at most %d characters", maxText)
	}
	if len(p) > 0 {
		return &account.Error{Code: account.EINVALID, Message: "The adjustment is not valid.", Fields: p}
	}
	return nil
}

// InitiativeUpdate is the tracked status of an initiative.
type InitiativeUpdate struct {
	Key       string           `json:"key"`
	Status    InitiativeStatus `json:"status"`
	Note      string           `json:"note"`
	UpdatedAt time.Time        `json:"updated_at"`
}

// Tracked applies tracked statuses to the initiatives of a document.
func Tracked(in []Initiative, updates map[string]InitiativeUpdate) []Initiative {
	out := make([]Initiative, len(in))
	copy(out, in)
	for i := range out {
		if u, ok := updates[out[i].Key]; ok {
			out[i].Status = u.Status
		}
	}
	return out
}
