package staffing

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
)

// Seat is a person's role on an account's team. AsNeeded marks a seat held
// on call rather than continuously (a sales engineer brought in for a
// renewal): such a role is not expected to keep its deliverable current.
type Seat struct {
	AccountID int64         `json:"account_id"`
	PersonID  int64         `json:"person_id"`
	Role      auth.TeamRole `json:"role"`
	AsNeeded  bool          `json:"as_needed"`
	CreatedAt time.Time     `json:"created_at"`
}

// Deliverable is the key deliverable of one team role on one account.
type Deliverable struct {
	AccountID int64         `json:"account_id"`
	Role      auth.TeamRole `json:"role"`
	Title     string        `json:"title"`
	// Link is where it lives (http or https); Note says so when it has no
	// link (e.g. "in the shared drive, folder Acme").
	Link    string `json:"link"`
	Note    string `json:"note"`
	OwnerID *int64 `json:"owner_id"`
	// UpdatedOn is the day the deliverable itself was last brought up to
	// date; RefreshDays how often it should be.
	UpdatedOn   account.Date `json:"updated_on"`
	RefreshDays int          `json:"refresh_days"`
	// ChangedAt is when this record last changed (kept by the store).
	ChangedAt time.Time `json:"changed_at"`
}

// roleDeliverables are each role's deliverable and how often it should be
// refreshed: the vision and the production solution yearly, the
// configuration diagram and the operating document every six months (they
// follow the client's changes), the account plan and the operations review
// report every quarter (they follow business reviews).
var roleDeliverables = map[auth.TeamRole]struct {
	title string
	days  int
}{
	auth.TeamExecutivePartner:       {"Company vision shared with the client", 365},
	auth.TeamAccountManager:         {"Account plan", 90},
	auth.TeamSalesEngineer:          {"Configuration diagram of the client's solution", 180},
	auth.TeamProfessionalServices:   {"The client's production solution", 365},
	auth.TeamCustomerServiceManager: {"Operations review report", 90},
	auth.TeamTechnicalLead:          {"Operating document: manage, operate, maintain and support the solution", 180},
}

// DefaultTitle is the role's deliverable as the issue names it.
func DefaultTitle(r auth.TeamRole) string { return roleDeliverables[r].title }

// DefaultRefreshDays is the role's default refresh interval.
func DefaultRefreshDays(r auth.TeamRole) int { return roleDeliverables[r].days }

// RoleDuty is what the role is responsible for beyond its deliverable, where
// the practice says so: shown beside the role on the account.
func RoleDuty(r auth.TeamRole) string {
	if r == auth.TeamTechnicalLead {
		return "No one changes the client's configuration without the technical lead's notice."
	}
	return ""
}

// DueSoonDays is how long before its due day a deliverable shows as due soon.
const DueSoonDays = 14

// MaxRefreshDays caps the refresh interval at three years.
const MaxRefreshDays = 3 * 365

// Normalize trims text and fills the defaults of the role.
func (d *Deliverable) Normalize() {
	d.Title = strings.TrimSpace(d.Title)
	d.Link = strings.TrimSpace(d.Link)
	d.Note = strings.TrimSpace(d.Note)
	if d.Title == "" {
		d.Title = DefaultTitle(d.Role)
	}
	if d.RefreshDays == 0 {
		d.RefreshDays = DefaultRefreshDays(d.Role)
	}
	if d.OwnerID != nil && *d.OwnerID == 0 {
		d.OwnerID = nil
	}
}

// Validate checks a deliverable after Normalize.
func (d *Deliverable) Validate() error {
	var fields []account.FieldError
	add := func(field, msg string) { fields = append(fields, account.FieldError{Field: field, Message: msg}) }
	if !d.Role.Valid() {
		add("role", "must be one of the account-team roles")
	}
	if n := len([]rune(d.Title)); n == 0 || n > 200 {
		add("title", "must be 1 to 200 characters")
	}
	if d.Link != "" {
		if msg := checkLink(d.Link); msg != "" {
			add("link", msg)
		}
	}
	if len([]rune(d.Note)) > 2000 {
		add("note", "must be at most 2000 characters")
	}
	if d.RefreshDays < 1 || d.RefreshDays > MaxRefreshDays {
		add("refresh_days", fmt.Sprintf("must be between 1 and %d days", MaxRefreshDays))
	}
	if len(fields) > 0 {
		return &account.Error{Code: account.EINVALID, Message: fmt.Sprintf("The deliverable has %d invalid field(s).", len(fields)), Fields: fields}
	}
	return nil
}

// checkLink accepts absolute http and https URLs only: anything else
// (javascript:, file:, a bare word) would be unsafe or useless as a link.
func checkLink(s string) string {
	if len(s) > 2000 {
		return "must be at most 2000 characters"
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "must be a web address starting with https:// or http://"
	}
	return ""
}

// KeepsDeliverable reports whether a person keeps a role's deliverable on an
// account: they hold that role there (as needed or not), or they own the
// deliverable. Those who may edit the account's team may update every
// deliverable as well; that is the caller's access check.
func KeepsDeliverable(personID int64, role auth.TeamRole, seats []Seat, d *Deliverable) bool {
	if personID == 0 {
		return false
	}
	if d != nil && d.OwnerID != nil && *d.OwnerID == personID {
		return true
	}
	return slices.ContainsFunc(seats, func(s Seat) bool { return s.PersonID == personID && s.Role == role })
}

// DueOn is the day the deliverable should next be refreshed (zero if it was
// never updated).
func (d Deliverable) DueOn() account.Date {
	if d.UpdatedOn.IsZero() {
		return account.Date{}
	}
	return d.UpdatedOn.AddDays(d.RefreshDays)
}

// DeliverableState is how current a deliverable is.
type DeliverableState string

const (
	Missing DeliverableState = "missing"  // nothing recorded, or never brought up to date
	Current DeliverableState = "current"  // up to date
	DueSoon DeliverableState = "due_soon" // due within DueSoonDays
	Stale   DeliverableState = "stale"    // past its refresh day
)

// DeliverableStates lists the states, worst first.
var DeliverableStates = []DeliverableState{Missing, Stale, DueSoon, Current}

// NeedsAttention reports whether the state calls for action.
func (s DeliverableState) NeedsAttention() bool { return s != Current && s != "" }

// State returns the deliverable's state on a day.
func (d Deliverable) State(today account.Date) DeliverableState {
	due := d.DueOn()
	switch {
	case (d.Link == "" && d.Note == "") || due.IsZero():
		return Missing
	case due.Before(today):
		return Stale
	case due.Before(today.AddDays(DueSoonDays + 1)):
		return DueSoon
	}
	return Current
}

// RoleSlot is one role of an account's team: who holds it, its deliverable
// and how current that is.
type RoleSlot struct {
	Role  auth.TeamRole
	Seats []Seat
	// Owner is set on the account manager's slot when the account's owner
	// does not also sit in it: the owner counts as the account manager.
	Owner       int64
	Deliverable *Deliverable
	// State is the deliverable's state, or Missing when the role is held
	// (other than only as needed) and nothing is recorded; "" when the role
	// is unfilled or only as needed, with nothing recorded.
	State DeliverableState
}

// Filled reports whether anyone holds the role.
func (s RoleSlot) Filled() bool { return len(s.Seats) > 0 || s.Owner != 0 }

// Expected reports whether someone holds the role other than as needed.
func (s RoleSlot) Expected() bool {
	if s.Owner != 0 {
		return true
	}
	return slices.ContainsFunc(s.Seats, func(st Seat) bool { return !st.AsNeeded })
}

// Slots arranges an account's seats and deliverables by role, in team-role
// order, every role present.
func Slots(ownerID int64, seats []Seat, ds []Deliverable, today account.Date) []RoleSlot {
	out := make([]RoleSlot, len(auth.TeamRoles))
	for i, r := range auth.TeamRoles {
		s := RoleSlot{Role: r}
		for _, st := range seats {
			if st.Role == r {
				s.Seats = append(s.Seats, st)
			}
		}
		if r == auth.TeamAccountManager && ownerID != 0 &&
			!slices.ContainsFunc(s.Seats, func(st Seat) bool { return st.PersonID == ownerID }) {
			s.Owner = ownerID
		}
		for j := range ds {
			if ds[j].Role == r {
				d := ds[j]
				s.Deliverable = &d
				s.State = d.State(today)
			}
		}
		if s.Deliverable == nil && s.Expected() {
			s.State = Missing
		}
		out[i] = s
	}
	return out
}
