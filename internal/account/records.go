package account

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Organisation is a workspace: every other record belongs to exactly one, and
// nothing crosses between them.
type Organisation struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Slug      string    `json:"slug"`
	CreatedAt time.Time `json:"created_at"`
}

// Scope says on whose behalf a store call runs: the organisation every read and
// write is confined to, and the user recorded in the audit trail (0 for the
// system itself, e.g. demo data or a migration).
type Scope struct {
	OrgID  int64
	UserID int64
	Actor  string // how the audit trail names the actor ("ann@example.com", "token 12", "system")
}

// Account is a client company (or a prospect).
type Account struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	Domain        string    `json:"domain"`
	Industry      string    `json:"industry"`
	Employees     int64     `json:"employees"`
	AnnualRevenue int64     `json:"annual_revenue"` // the client's own yearly revenue, minor units
	Currency      string    `json:"currency"`
	Region        string    `json:"region"`
	Country       string    `json:"country"`
	ParentID      *int64    `json:"parent_id"`
	Lifecycle     Lifecycle `json:"lifecycle"`
	OwnerID       *int64    `json:"owner_id"` // our accountable account manager (a person)
	ExternalID    string    `json:"external_id"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Normalize trims free text and fills defaults before validation.
func (a *Account) Normalize() {
	trim(&a.Name, &a.Domain, &a.Industry, &a.Region, &a.Country, &a.ExternalID)
	// People paste URLs: keep the bare domain, whatever the case of the scheme.
	a.Domain = strings.ToLower(a.Domain)
	a.Domain = strings.TrimPrefix(strings.TrimPrefix(a.Domain, "https://"), "http://")
	a.Domain = strings.TrimSuffix(a.Domain, "/")
	a.Currency = strings.ToUpper(strings.TrimSpace(a.Currency))
	if a.Currency == "" {
		a.Currency = "USD"
	}
	if a.Lifecycle == "" {
		a.Lifecycle = Prospect
	}
}

// Validate reports every field that breaks a rule.
func (a *Account) Validate() error {
	var p problems
	required(&p, "name", a.Name, 200)
	maxLen(&p, "domain", a.Domain, 253)
	if strings.ContainsAny(a.Domain, " /@") {
		p.add("domain", "must be a bare domain such as example.com")
	}
	maxLen(&p, "industry", a.Industry, 100)
	maxLen(&p, "region", a.Region, 100)
	maxLen(&p, "country", a.Country, 100)
	maxLen(&p, "external_id", a.ExternalID, 200)
	nonNegative(&p, "employees", a.Employees)
	nonNegative(&p, "annual_revenue", a.AnnualRevenue)
	currency(&p, "currency", a.Currency)
	if !oneOf(a.Lifecycle, Lifecycles) {
		p.add("lifecycle", "must be one of prospect, customer, former_customer")
	}
	if a.ParentID != nil && *a.ParentID == a.ID && a.ID != 0 {
		p.add("parent_id", "cannot be the account itself")
	}
	return p.err("account")
}

// Stakeholder is one of the client's people.
type Stakeholder struct {
	ID         int64      `json:"id"`
	AccountID  int64      `json:"account_id"`
	Name       string     `json:"name"`
	Title      string     `json:"title"`
	Email      string     `json:"email"`
	Phone      string     `json:"phone"`
	Level      Level      `json:"level"`
	BuyingRole BuyingRole `json:"buying_role"`
	Active     bool       `json:"active"`
	ExternalID string     `json:"external_id"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

func (s *Stakeholder) Normalize() {
	trim(&s.Name, &s.Title, &s.Email, &s.Phone, &s.ExternalID)
	s.Email = strings.ToLower(s.Email)
	if s.BuyingRole == "" {
		s.BuyingRole = UnknownRole
	}
	if s.Level == "" {
		s.Level = Operational
	}
}

func (s *Stakeholder) Validate() error {
	var p problems
	if s.AccountID <= 0 {
		p.add("account_id", "is required")
	}
	required(&p, "name", s.Name, 200)
	maxLen(&p, "title", s.Title, 200)
	email(&p, "email", s.Email)
	maxLen(&p, "phone", s.Phone, 50)
	maxLen(&p, "external_id", s.ExternalID, 200)
	if !oneOf(s.Level, Levels) {
		p.add("level", "must be one of executive, senior_management, middle_management, operational")
	}
	if !oneOf(s.BuyingRole, BuyingRoles) {
		p.add("buying_role", "must be one of decision_maker, influencer, user, champion, blocker, unknown")
	}
	return p.err("stakeholder")
}

// Person is one of our people: an account manager, a team member, a leader.
type Person struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Email      string    `json:"email"`
	Title      string    `json:"title"`
	ManagerID  *int64    `json:"manager_id"`
	ExternalID string    `json:"external_id"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func (p *Person) Normalize() {
	trim(&p.Name, &p.Email, &p.Title, &p.ExternalID)
	p.Email = strings.ToLower(p.Email)
}

func (p *Person) Validate() error {
	var pr problems
	required(&pr, "name", p.Name, 200)
	if p.Email == "" {
		pr.add("email", "is required")
	} else {
		email(&pr, "email", p.Email)
	}
	maxLen(&pr, "title", p.Title, 200)
	maxLen(&pr, "external_id", p.ExternalID, 200)
	if p.ManagerID != nil && *p.ManagerID == p.ID && p.ID != 0 {
		pr.add("manager_id", "cannot be the person themself")
	}
	return pr.err("person")
}

// Touch is an interaction with the client. It counts for every stakeholder
// present.
type Touch struct {
	ID             int64     `json:"id"`
	AccountID      int64     `json:"account_id"`
	Kind           TouchKind `json:"kind"`
	OccurredAt     time.Time `json:"occurred_at"`
	PeopleIDs      []int64   `json:"people_ids"`
	StakeholderIDs []int64   `json:"stakeholder_ids"`
	Summary        string    `json:"summary"`
	NextStep       string    `json:"next_step"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func (t *Touch) Normalize() {
	trim(&t.Summary, &t.NextStep)
	t.PeopleIDs = dedupe(t.PeopleIDs)
	t.StakeholderIDs = dedupe(t.StakeholderIDs)
	if t.PeopleIDs == nil {
		t.PeopleIDs = []int64{}
	}
	if t.StakeholderIDs == nil {
		t.StakeholderIDs = []int64{}
	}
}

func (t *Touch) Validate() error {
	var p problems
	if t.AccountID <= 0 {
		p.add("account_id", "is required")
	}
	if !oneOf(t.Kind, TouchKinds) {
		p.add("kind", "must be one of meeting, call, email, business_review, event, other")
	}
	if t.OccurredAt.IsZero() {
		p.add("occurred_at", "is required")
	}
	required(&p, "summary", t.Summary, 5000)
	maxLen(&p, "next_step", t.NextStep, 2000)
	if len(t.PeopleIDs) > 100 {
		p.add("people_ids", "may list at most 100 people")
	}
	if len(t.StakeholderIDs) > 100 {
		p.add("stakeholder_ids", "may list at most 100 stakeholders")
	}
	return p.err("touch")
}

// Opportunity is a possible sale to an account.
type Opportunity struct {
	ID            int64           `json:"id"`
	AccountID     int64           `json:"account_id"`
	OwnerID       *int64          `json:"owner_id"`
	Name          string          `json:"name"`
	Product       string          `json:"product"`
	Kind          OpportunityKind `json:"kind"`
	Stage         Stage           `json:"stage"`
	Amount        int64           `json:"amount"` // minor units
	Currency      string          `json:"currency"`
	ExpectedClose Date            `json:"expected_close"`
	ActualClose   Date            `json:"actual_close"`
	ExternalID    string          `json:"external_id"`
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
}

func (o *Opportunity) Normalize() {
	trim(&o.Name, &o.Product, &o.ExternalID)
	o.Currency = strings.ToUpper(strings.TrimSpace(o.Currency))
	if o.Currency == "" {
		o.Currency = "USD"
	}
	if o.Kind == "" {
		o.Kind = NewBusiness
	}
	if o.Stage == "" {
		o.Stage = Prospecting
	}
}

func (o *Opportunity) Validate() error {
	var p problems
	if o.AccountID <= 0 {
		p.add("account_id", "is required")
	}
	required(&p, "name", o.Name, 200)
	maxLen(&p, "product", o.Product, 200)
	maxLen(&p, "external_id", o.ExternalID, 200)
	if !oneOf(o.Kind, OpportunityKinds) {
		p.add("kind", "must be one of new, upsell, cross_sell, renewal")
	}
	if !oneOf(o.Stage, Stages) {
		p.add("stage", "must be one of prospecting, engaging, proposal, won, lost")
	}
	nonNegative(&p, "amount", o.Amount)
	currency(&p, "currency", o.Currency)
	if o.Stage.Closed() && o.ActualClose.IsZero() {
		p.add("actual_close", "is required once the opportunity is won or lost")
	}
	if !o.Stage.Closed() && !o.ActualClose.IsZero() {
		p.add("actual_close", "must be empty while the opportunity is open")
	}
	return p.err("opportunity")
}

// Contract is what an account has bought from us, valued per year.
type Contract struct {
	ID          int64          `json:"id"`
	AccountID   int64          `json:"account_id"`
	Product     string         `json:"product"`
	AnnualValue int64          `json:"annual_value"` // minor units per year (ARR)
	Currency    string         `json:"currency"`
	Start       Date           `json:"start"`
	End         Date           `json:"end"`
	AutoRenew   bool           `json:"auto_renew"`
	Status      ContractStatus `json:"status"`
	ExternalID  string         `json:"external_id"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

func (c *Contract) Normalize() {
	trim(&c.Product, &c.ExternalID)
	c.Currency = strings.ToUpper(strings.TrimSpace(c.Currency))
	if c.Currency == "" {
		c.Currency = "USD"
	}
	if c.Status == "" {
		c.Status = ContractActive
	}
}

func (c *Contract) Validate() error {
	var p problems
	if c.AccountID <= 0 {
		p.add("account_id", "is required")
	}
	required(&p, "product", c.Product, 200)
	maxLen(&p, "external_id", c.ExternalID, 200)
	nonNegative(&p, "annual_value", c.AnnualValue)
	currency(&p, "currency", c.Currency)
	if c.Start.IsZero() {
		p.add("start", "is required")
	}
	if !c.End.IsZero() && c.End.Before(c.Start) {
		p.add("end", "must not be before start")
	}
	if !oneOf(c.Status, ContractStatuses) {
		p.add("status", "must be one of pending, active, expired, cancelled")
	}
	return p.err("contract")
}

func trim(ss ...*string) {
	for _, s := range ss {
		*s = strings.TrimSpace(*s)
	}
}

func required(p *problems, field, v string, max int) {
	if v == "" {
		p.add(field, "is required")
		return
	}
	maxLen(p, field, v, max)
}

func maxLen(p *problems, field, v string, max int) {
	if !utf8.ValidString(v) {
		p.add(field, "must be valid UTF-8 text")
	} else if n := utf8.RuneCountInString(v); n > max {
		p.add(field, "must be at most %d characters (is %d)", max, n)
	}
}

func nonNegative(p *problems, field string, v int64) {
	if v < 0 {
		p.add(field, "must not be negative")
	}
}

func currency(p *problems, field, v string) {
	if len(v) != 3 || strings.ToUpper(v) != v || strings.IndexFunc(v, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		p.add(field, "must be a three-letter ISO 4217 code such as USD")
	}
}

func email(p *problems, field, v string) {
	if v == "" {
		return
	}
	if a, err := mail.ParseAddress(v); err != nil || a.Address != v || len(v) > 254 {
		p.add(field, "must be an e-mail address such as ann@example.com")
	}
}

func dedupe(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
