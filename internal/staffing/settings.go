package staffing

import (
	"fmt"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

// LoadPoints are the load points of an account by tier.
type LoadPoints struct {
	A int `json:"a"`
	B int `json:"b"`
	C int `json:"c"`
}

// Of returns the points of a tier; an untiered account counts as C (see the
// package doc).
func (p LoadPoints) Of(t portfolio.Tier) int {
	switch t {
	case portfolio.TierA:
		return p.A
	case portfolio.TierB:
		return p.B
	}
	return p.C
}

// Settings are an organisation's staffing policy.
type Settings struct {
	Points LoadPoints `json:"load_points"`
	// DefaultCapacity is the capacity, in load points, of a manager who has
	// none of their own.
	DefaultCapacity int `json:"default_capacity"`
	// ExemptBelow exempts accounts whose revenue (minor units) is below it
	// from needing an owner; 0 exempts none by revenue.
	ExemptBelow int64 `json:"exempt_below"`
}

// Limits of the settings: generous, but a typo of an extra zero or two is
// caught.
const (
	MaxPoints   = 100
	MaxCapacity = 100_000
)

// DefaultSettings are the defaults of the issue: A=5, B=2, C=1. A default
// capacity of 40 points is, for example, four A, six B and eight C
// accounts — a full but manageable book for one account manager.
var DefaultSettings = Settings{Points: LoadPoints{A: 5, B: 2, C: 1}, DefaultCapacity: 40}

// Validate checks the settings' ranges.
func (s Settings) Validate() error {
	var fields []account.FieldError
	add := func(field, msg string) { fields = append(fields, account.FieldError{Field: field, Message: msg}) }
	for _, p := range []struct {
		field string
		v     int
	}{{"load_points.a", s.Points.A}, {"load_points.b", s.Points.B}, {"load_points.c", s.Points.C}} {
		if p.v < 0 || p.v > MaxPoints {
			add(p.field, fmt.Sprintf("must be between 0 and %d", MaxPoints))
		}
	}
	if s.DefaultCapacity < 0 || s.DefaultCapacity > MaxCapacity {
		add("default_capacity", fmt.Sprintf("must be between 0 and %d", MaxCapacity))
	}
	if s.ExemptBelow < 0 {
		add("exempt_below", "must not be negative")
	}
	if len(fields) > 0 {
		return &account.Error{Code: account.EINVALID, Message: fmt.Sprintf("The staffing settings have %d invalid field(s).", len(fields)), Fields: fields}
	}
	return nil
}

// ValidCapacity checks one manager's capacity.
func ValidCapacity(c int) error {
	if c < 0 || c > MaxCapacity {
		return account.Invalid("capacity", "must be between 0 and %d", MaxCapacity)
	}
	return nil
}
