package intel

import (
	"slices"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// Strength is how well one of our people knows a stakeholder.
type Strength string

const (
	NoRelationship Strength = "none"
	Weak           Strength = "weak"
	Moderate       Strength = "moderate"
	Strong         Strength = "strong"
)

// Strengths lists the strengths from weakest to strongest.
var Strengths = []Strength{NoRelationship, Weak, Moderate, Strong}

// Rank orders strengths: none 0, weak 1, moderate 2, strong 3 (-1 unknown).
func (s Strength) Rank() int { return slices.Index(Strengths, s) }

// Attitude is a stakeholder's stance toward us, -2 (strong opponent) to 2
// (strong supporter).
type Attitude int

// Attitudes lists the attitudes from strong opponent to strong supporter.
var Attitudes = []Attitude{-2, -1, 0, 1, 2}

// Label names an attitude.
func (a Attitude) Label() string {
	switch a {
	case -2:
		return "Strong opponent"
	case -1:
		return "Opponent"
	case 0:
		return "Neutral"
	case 1:
		return "Supporter"
	case 2:
		return "Strong supporter"
	}
	return "Unknown"
}

// StakeholderMap is where a stakeholder sits in the relationship matrix
// beyond the level and buying role kept on the stakeholder itself.
type StakeholderMap struct {
	StakeholderID int64        `json:"stakeholder_id"`
	Function      string       `json:"function"`  // function or business unit
	Influence     int          `json:"influence"` // 1-5
	Attitude      Attitude     `json:"attitude"`  // -2..2
	LeftOn        account.Date `json:"left_on"`   // zero while still there
	LeftTo        string       `json:"left_to"`   // where they went, if known
	UpdatedAt     time.Time    `json:"updated_at"`
}

// DefaultMap is the placement of a stakeholder nobody has placed yet.
func DefaultMap(stakeholderID int64) StakeholderMap {
	return StakeholderMap{StakeholderID: stakeholderID, Influence: 3}
}

// Normalize trims the map's text and fills defaults.
func (m *StakeholderMap) Normalize() {
	m.Function = strings.TrimSpace(m.Function)
	m.LeftTo = strings.TrimSpace(m.LeftTo)
	if m.Influence == 0 {
		m.Influence = 3
	}
}

// Validate reports every field that breaks a rule.
func (m *StakeholderMap) Validate() error {
	var ps problems
	if m.StakeholderID <= 0 {
		ps.add("stakeholder_id", "is required")
	}
	ps.max("function", m.Function, 100)
	ps.max("left_to", m.LeftTo, 200)
	if m.Influence < 1 || m.Influence > 5 {
		ps.add("influence", "must be from 1 to 5")
	}
	if m.Attitude < -2 || m.Attitude > 2 {
		ps.add("attitude", "must be from -2 (strong opponent) to 2 (strong supporter)")
	}
	if m.LeftOn.IsZero() && m.LeftTo != "" {
		ps.add("left_on", "is required when saying where they went")
	}
	return ps.err("stakeholder placement")
}

// Relationship is the strength of one of our people's relationship with a
// stakeholder. It is kept when the stakeholder leaves, as history.
type Relationship struct {
	ID            int64     `json:"id"`
	AccountID     int64     `json:"account_id"`
	StakeholderID int64     `json:"stakeholder_id"`
	PersonID      int64     `json:"person_id"`
	Strength      Strength  `json:"strength"`
	Note          string    `json:"note"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Normalize trims the note.
func (r *Relationship) Normalize() { r.Note = strings.TrimSpace(r.Note) }

// Validate reports every field that breaks a rule.
func (r *Relationship) Validate() error {
	var ps problems
	if r.StakeholderID <= 0 {
		ps.add("stakeholder_id", "is required")
	}
	if r.PersonID <= 0 {
		ps.add("person_id", "is required")
	}
	if r.Strength.Rank() < 0 {
		ps.add("strength", "must be one of none, weak, moderate, strong")
	}
	ps.max("note", r.Note, 500)
	return ps.err("relationship")
}

// Link is one of our people's relationship with a player, as the matrix
// shows it.
type Link struct {
	PersonID   int64        `json:"person_id"`
	PersonName string       `json:"person_name"`
	Strength   Strength     `json:"strength"`
	Note       string       `json:"note,omitempty"`
	LastTouch  account.Date `json:"last_touch"` // last touch both attended (zero: none)
}

// Player is a stakeholder placed in the relationship matrix.
type Player struct {
	StakeholderID int64              `json:"stakeholder_id"`
	Name          string             `json:"name"`
	Title         string             `json:"title"`
	Level         account.Level      `json:"level"`
	BuyingRole    account.BuyingRole `json:"buying_role"`
	Function      string             `json:"function"`
	Influence     int                `json:"influence"`
	Attitude      Attitude           `json:"attitude"`
	Active        bool               `json:"active"`
	LeftOn        account.Date       `json:"left_on"`
	LeftTo        string             `json:"left_to"`
	LastTouch     account.Date       `json:"last_touch"` // last touch by anyone on our side (zero: never)
	Links         []Link             `json:"relationships"`
}

// Left reports whether the stakeholder has left the client (or was made
// inactive): their relationships are history.
func (p *Player) Left() bool { return !p.LeftOn.IsZero() || !p.Active }

// Best returns the strongest relationship anyone on our side has with the
// player (none when nobody has one).
func (p *Player) Best() Strength {
	best := NoRelationship
	for _, l := range p.Links {
		if l.Strength.Rank() > best.Rank() {
			best = l.Strength
		}
	}
	return best
}

// Known reports whether someone on our side has at least a weak
// relationship with the player.
func (p *Player) Known() bool { return p.Best().Rank() >= Weak.Rank() }

// AccountMap is the relationship matrix of one account: its players (those
// who left included) and the people on our side.
type AccountMap struct {
	AccountID   int64    `json:"account_id"`
	AccountName string   `json:"account_name"`
	OwnerID     *int64   `json:"owner_id"`
	OwnerName   string   `json:"owner_name"`
	Players     []Player `json:"stakeholders"`
}

// Functions lists the functions of the account's current players in
// alphabetical order; "" (unplaced) comes last as "Other".
func (m *AccountMap) Functions() []string {
	var fs []string
	other := false
	for _, p := range m.Players {
		if p.Left() {
			continue
		}
		if p.Function == "" {
			other = true
			continue
		}
		if !slices.Contains(fs, p.Function) {
			fs = append(fs, p.Function)
		}
	}
	slices.Sort(fs)
	if other {
		fs = append(fs, "")
	}
	return fs
}

// People lists our people with a relationship in the account (current or
// history), by name.
func (m *AccountMap) People() []Link {
	seen := map[int64]bool{}
	var out []Link
	for _, p := range m.Players {
		for _, l := range p.Links {
			if !seen[l.PersonID] {
				seen[l.PersonID] = true
				out = append(out, Link{PersonID: l.PersonID, PersonName: l.PersonName})
			}
		}
	}
	slices.SortFunc(out, func(a, b Link) int { return strings.Compare(a.PersonName, b.PersonName) })
	return out
}
