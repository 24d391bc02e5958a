package measure

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/mail"
)

// CampaignStatus is where a campaign is in its life.
type CampaignStatus string

const (
	Draft  CampaignStatus = "draft"  // being prepared; nothing sent
	Open   CampaignStatus = "open"   // invitations go out; answers accepted until it closes
	Closed CampaignStatus = "closed" // no more answers
)

// Campaign is an NPS survey of the key contacts of chosen accounts.
type Campaign struct {
	ID             int64          `json:"id"`
	Name           string         `json:"name"`
	Year           int            `json:"year"`
	TargetTiers    []string       `json:"target_tiers"`    // e.g. ["A","B"]; empty with TargetAccounts empty: every customer
	TargetAccounts []int64        `json:"target_accounts"` // explicit accounts (added to the tiers')
	OpensOn        account.Date   `json:"opens_on"`
	ClosesOn       account.Date   `json:"closes_on"`
	Status         CampaignStatus `json:"status"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

// MaxCampaignDays bounds how long a campaign (and so a link) stays open.
const MaxCampaignDays = 120

// Validate reports what to fix in a campaign.
func (c *Campaign) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	e := &account.Error{Code: account.EINVALID, Message: "The survey campaign is not valid."}
	add := func(field, msg string) { e.Fields = append(e.Fields, account.FieldError{Field: field, Message: msg}) }
	if c.Name == "" {
		add("name", "is required")
	} else if len(c.Name) > 200 {
		add("name", "must be at most 200 characters")
	}
	if c.Year < 2000 || c.Year > 2100 {
		add("year", "must be a year such as 2026")
	}
	for _, t := range c.TargetTiers {
		if t != "A" && t != "B" && t != "C" {
			add("target_tiers", "must be A, B or C")
			break
		}
	}
	switch {
	case c.OpensOn.IsZero():
		add("opens_on", "is required")
	case c.ClosesOn.IsZero():
		add("closes_on", "is required")
	case c.ClosesOn.Before(c.OpensOn):
		add("closes_on", "must be on or after the opening day")
	case c.ClosesOn.DaysSince(c.OpensOn) > MaxCampaignDays:
		add("closes_on", fmt.Sprintf("must be within %d days of the opening day", MaxCampaignDays))
	}
	if c.Status == "" {
		c.Status = Draft
	}
	if c.Status != Draft && c.Status != Open && c.Status != Closed {
		add("status", "must be draft, open or closed")
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

// AcceptsAnswers reports whether the campaign takes answers on day d.
func (c Campaign) AcceptsAnswers(d account.Date) bool {
	return c.Status == Open && !d.Before(c.OpensOn) && !c.ClosesOn.Before(d)
}

// Expiry is when the campaign's links stop working: the end of its
// closing day (UTC).
func (c Campaign) Expiry() time.Time { return c.ClosesOn.AddDays(1).Time() }

// IsKeyContact reports whether a stakeholder counts as a key contact: active,
// at executive or senior-management level, or a decision maker or champion.
func IsKeyContact(s account.Stakeholder) bool {
	if !s.Active {
		return false
	}
	return s.Level == account.Executive || s.Level == account.SeniorManagement ||
		s.BuyingRole == account.DecisionMaker || s.BuyingRole == account.Champion
}

// TokenPrefix marks a survey link's secret.
const TokenPrefix = "swv_"

// NewToken returns a new survey link secret (256 bits from crypto/rand) and
// the hash to store (auth.HashSecret).
func NewToken() (secret, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (Go 1.24+)
	s := TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return s, auth.HashSecret(s)
}

// TokenWellFormed reports whether s could be a survey link secret, so that
// garbage is turned away before the database is asked.
func TokenWellFormed(s string) bool { return auth.WellFormed(s, TokenPrefix) }

// LinkState is what a survey link finds.
type LinkState string

const (
	LinkOK      LinkState = "ok"
	LinkUsed    LinkState = "used"
	LinkExpired LinkState = "expired" // past its expiry, or the campaign is closed
	LinkUnknown LinkState = "unknown"
)

// Outgoing is one invitation or reminder to deliver, with its fresh secret.
type Outgoing struct {
	OrgID         int64
	InvitationID  int64
	AccountID     int64
	StakeholderID int64
	Email         string
	Name          string // the contact's name
	AccountName   string
	CampaignName  string
	OrgName       string
	Token         string
	Expires       time.Time
	Reminder      bool
}

// Surveys is what the mailing needs from storage; *store.DB implements it.
type Surveys interface {
	// ClaimInvitations marks up to limit unsent invitations of open
	// campaigns as sent at now with a fresh link each, and returns them.
	// A claimed invitation is never claimed again, so two instances never
	// send the same one.
	ClaimInvitations(ctx context.Context, now time.Time, limit int) ([]Outgoing, error)
	// ClaimReminders does the same for invitations sent at least
	// ReminderAfter ago, not answered and not reminded yet; the reminder's
	// link replaces the first.
	ClaimReminders(ctx context.Context, now time.Time, limit int) ([]Outgoing, error)
	// SendFailed records that delivering o failed, so that it is tried
	// again on the next run.
	SendFailed(ctx context.Context, o Outgoing, reason string) error
}

// ReminderAfter is how long after the invitation a non-responder is
// reminded (once).
const ReminderAfter = 7 * 24 * time.Hour

// batch bounds one run's mail.
const batch = 500

// Mailing is what SendInvitations and SendReminders need.
type Mailing struct {
	Store   Surveys
	Sender  mail.Sender
	BaseURL string // e.g. "https://samwise.example.com"; the link is BaseURL + "/s/" + token
	Log     *slog.Logger
}

// SendInvitations sends every pending invitation of open campaigns, and
// returns how many went out. A scheduled job calls it (every few minutes).
func SendInvitations(ctx context.Context, m Mailing, now time.Time) (int, error) {
	out, err := m.Store.ClaimInvitations(ctx, now, batch)
	if err != nil {
		return 0, err
	}
	return m.deliver(ctx, out)
}

// SendReminders reminds non-responders once, ReminderAfter after their
// invitation, and returns how many went out. A scheduled job calls it
// (daily is enough).
func SendReminders(ctx context.Context, m Mailing, now time.Time) (int, error) {
	out, err := m.Store.ClaimReminders(ctx, now, batch)
	if err != nil {
		return 0, err
	}
	return m.deliver(ctx, out)
}

func (m Mailing) deliver(ctx context.Context, out []Outgoing) (int, error) {
	log := m.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sent := 0
	var firstErr error
	for _, o := range out {
		if err := m.Sender.Send(ctx, InvitationMessage(o, m.BaseURL)); err != nil {
			log.WarnContext(ctx, "survey mail failed", "invitation", o.InvitationID, "err", err)
			if ferr := m.Store.SendFailed(ctx, o, err.Error()); ferr != nil && firstErr == nil {
				firstErr = ferr
			}
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		sent++
	}
	return sent, firstErr
}

// InvitationMessage is the e-mail for an invitation or reminder.
func InvitationMessage(o Outgoing, baseURL string) mail.Message {
	link := strings.TrimRight(baseURL, "/") + "/s/" + o.Token
	from := o.OrgName
	if from == "" {
		from = "us"
	}
	subject := "How likely are you to recommend " + from + "?"
	intro := "We would value two minutes of your time."
	if o.Reminder {
		subject = "Reminder: " + subject
		intro = "A short reminder: we would still value your answer. This link replaces the one we sent earlier."
	}
	first := strings.Fields(o.Name)
	greeting := "Hello,"
	if len(first) > 0 {
		greeting = "Hello " + first[0] + ","
	}
	text := greeting + "\n\n" + intro + " On a scale of 0 to 10, how likely are you to recommend " + from +
		" to a friend or colleague?\n\n" + link + "\n\nThe link is personal, works once, and expires on " +
		o.Expires.Add(-time.Second).UTC().Format("2 January 2006") + ".\n\nThank you.\n"
	return mail.Message{To: o.Email, Subject: subject, Text: text,
		ID: "survey-" + strconv.FormatInt(o.OrgID, 10) + "-" + strconv.FormatInt(o.InvitationID, 10) + map[bool]string{true: "-r", false: ""}[o.Reminder]}
}
