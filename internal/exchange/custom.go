package exchange

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CustomField is a field an organisation adds to its accounts or
// stakeholders: contract type, usage, segment, support plan.
type CustomField struct {
	ID       int64     `json:"id"`
	Entity   string    `json:"entity"` // account or stakeholder
	Key      string    `json:"key"`    // column name in files: cf_<key>
	Label    string    `json:"label"`
	Type     string    `json:"type"` // text, number, date, choice
	Choices  []string  `json:"choices"`
	Position int       `json:"position"`
	Created  time.Time `json:"created_at"`
	Updated  time.Time `json:"updated_at"`
}

// CustomTypes lists the types of custom fields.
var CustomTypes = []string{"text", "number", "date", "choice"}

// CustomEntities lists what custom fields can be added to.
var CustomEntities = []string{"account", "stakeholder"}

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Normalize trims the definition and derives a key from the label.
func (f *CustomField) Normalize() {
	f.Label = strings.TrimSpace(f.Label)
	f.Key = strings.TrimSpace(strings.ToLower(f.Key))
	if f.Key == "" {
		f.Key = strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(f.Label), "_"), "_")
	}
	f.Key = strings.TrimPrefix(f.Key, "cf_")
	var cs []string
	for _, c := range f.Choices {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(cs, c) {
			cs = append(cs, c)
		}
	}
	f.Choices = cs
	if f.Type != "choice" {
		f.Choices = nil
	}
	if f.Choices == nil {
		f.Choices = []string{}
	}
}

// Validate reports every rule the definition breaks.
func (f *CustomField) Validate(builtin []string) []Problem {
	var p []Problem
	add := func(col, format string, args ...any) {
		p = append(p, Problem{Column: col, Reason: fmt.Sprintf(format, args...)})
	}
	if !slices.Contains(CustomEntities, f.Entity) {
		add("entity", "must be account or stakeholder")
	}
	if f.Label == "" {
		add("label", "is required")
	} else if len([]rune(f.Label)) > 80 {
		add("label", "must be at most 80 characters")
	}
	if !keyPattern.MatchString(f.Key) {
		add("key", "must start with a letter and hold only a-z, 0-9 and _ (at most 40)")
	} else if slices.Contains(builtin, f.Key) {
		add("key", "is a built-in column; choose another")
	}
	if !slices.Contains(CustomTypes, f.Type) {
		add("type", "must be one of text, number, date, choice")
	}
	if f.Type == "choice" && len(f.Choices) == 0 {
		add("choices", "a choice field needs at least one choice")
	}
	if len(f.Choices) > 100 {
		add("choices", "may list at most 100 choices")
	}
	return p
}

// Value checks a value for the field and returns it in canonical form
// ("" clears it): numbers as plain decimals, dates as YYYY-MM-DD, choices
// spelled as defined.
func (f CustomField) Value(s string, o *Options) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	switch f.Type {
	case "number":
		v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		if err != nil {
			return "", fmt.Errorf("%q is not a number", s)
		}
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case "date":
		t, err := ParseTime(s, o)
		if err != nil {
			return "", err
		}
		return t.Format("2006-01-02"), nil
	case "choice":
		for _, c := range f.Choices {
			if strings.EqualFold(c, s) {
				return c, nil
			}
		}
		return "", fmt.Errorf("%q is not one of %s", s, strings.Join(f.Choices, ", "))
	}
	if len([]rune(s)) > 1000 {
		return "", fmt.Errorf("must be at most 1000 characters")
	}
	return s, nil
}
