package auth

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samwise-sam/samwise/internal/account"
)

// User is someone who signs in. A user belongs to one organisation and, to
// take part in account teams, is linked to the person record that represents
// them among "our people" (PersonID): ownership and team seats are held by
// people, so the access rules reach a user through that link.
type User struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	PersonID     *int64    `json:"person_id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"-"` // PHC string; "" means password sign-in is impossible (e.g. SSO only)
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	LastSignInAt time.Time `json:"last_sign_in_at,omitzero"` // zero: never signed in
}

// NormalizeEmail is how an e-mail address is compared and stored: trimmed
// and lower-cased, so that "Ann@Example.com" signs in as ann@example.com.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Normalize trims free text and fills defaults before validation.
func (u *User) Normalize() {
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	if u.PersonID != nil && *u.PersonID == 0 {
		u.PersonID = nil
	}
}

// Validate reports every field that breaks a rule.
func (u *User) Validate() error {
	var fields []account.FieldError
	add := func(field, msg string) { fields = append(fields, account.FieldError{Field: field, Message: msg}) }
	if u.Email == "" {
		add("email", "is required")
	} else if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > 254 {
		add("email", "must be an e-mail address such as ann@example.com")
	}
	switch n := utf8.RuneCountInString(u.Name); {
	case u.Name == "":
		add("name", "is required")
	case !utf8.ValidString(u.Name):
		add("name", "must be valid UTF-8 text")
	case n > 200:
		add("name", "must be at most 200 characters")
	}
	if !u.Role.Valid() {
		add("role", "must be one of "+joinValues(Roles))
	}
	if len(fields) == 0 {
		return nil
	}
	return &account.Error{Code: account.EINVALID, Message: "The user has invalid field(s).", Fields: fields}
}

// OrgSettings are an organisation's choices about access.
type OrgSettings struct {
	// NeedToKnow restricts reading an account to its owner and team (and to
	// SAM leaders and administrators, who see everything).
	NeedToKnow bool `json:"need_to_know"`
}

// TeamMember is one seat on an account team: a person in a team role. A
// person may hold several roles on the same account.
type TeamMember struct {
	AccountID int64     `json:"account_id"`
	PersonID  int64     `json:"person_id"`
	Role      TeamRole  `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// Session is a signed-in browser. Its secret lives only in the cookie; the
// database keeps its SHA-256 hash, so a copy of the database cannot be used
// to take over sessions.
type Session struct {
	UserID     int64     `json:"user_id"`
	OrgID      int64     `json:"org_id"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	UserAgent  string    `json:"user_agent"`
	Address    string    `json:"address"`
}

// TokenScope limits what a script may do with an API token. A token never
// grants more than its user's role: the effective rights are the role's
// rights, narrowed to reading for ScopeRead.
type TokenScope string

const (
	ScopeRead      TokenScope = "read"
	ScopeReadWrite TokenScope = "read_write"
)

// ParseTokenScope accepts "read", "read_write" and "read-write".
func ParseTokenScope(s string) (TokenScope, error) {
	switch TokenScope(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")) {
	case ScopeRead:
		return ScopeRead, nil
	case ScopeReadWrite:
		return ScopeReadWrite, nil
	}
	return "", account.Invalid("scope", "must be read or read-write")
}

// Label names the scope for people.
func (s TokenScope) Label() string {
	if s == ScopeReadWrite {
		return "read-write"
	}
	return string(s)
}

// Token is an API token for scripts. Its secret is shown once, when it is
// created; the database keeps only its SHA-256 hash.
type Token struct {
	ID         int64      `json:"id"`
	OrgID      int64      `json:"org_id"`
	UserID     int64      `json:"user_id"`
	UserEmail  string     `json:"user_email"` // filled by reads, for lists
	Name       string     `json:"name"`
	Scope      TokenScope `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at,omitzero"`   // zero: never expires
	LastUsedAt time.Time  `json:"last_used_at,omitzero"` // zero: never used
	RevokedAt  time.Time  `json:"revoked_at,omitzero"`   // zero: not revoked
}

// Normalize trims the name and gives an unnamed token a name.
func (t *Token) Normalize() {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		t.Name = "API token"
	}
}

// Validate reports every field that breaks a rule.
func (t *Token) Validate() error {
	if t.UserID <= 0 {
		return account.Invalid("user_id", "is required")
	}
	if utf8.RuneCountInString(t.Name) > 100 || !utf8.ValidString(t.Name) {
		return account.Invalid("name", "must be at most 100 characters of text")
	}
	if t.Scope != ScopeRead && t.Scope != ScopeReadWrite {
		return account.Invalid("scope", "must be read or read-write")
	}
	return nil
}

// Status says whether the token works at now: "active", "expired" or
// "revoked".
func (t Token) Status(now time.Time) string {
	switch {
	case !t.RevokedAt.IsZero():
		return "revoked"
	case !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt):
		return "expired"
	}
	return "active"
}
