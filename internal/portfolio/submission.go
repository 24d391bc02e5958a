package portfolio

import (
	"fmt"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
)

// CriterionRating is one criterion's rating in a submission, named by the
// criterion's key so that forms and API clients need not know ids.
type CriterionRating struct {
	Key   string `json:"key"`
	Value int    `json:"value"`
	Note  string `json:"note,omitempty"`
}

// Submission is one rating of an account: some or all criteria, each with an
// optional note, and the reason for the rating as a whole. Criteria left out
// keep their previous rating.
type Submission struct {
	Ratings []CriterionRating
	Reason  string
}

// Normalize trims the text of the submission.
func (s *Submission) Normalize() {
	s.Reason = strings.TrimSpace(s.Reason)
	for i := range s.Ratings {
		s.Ratings[i].Key = strings.TrimSpace(s.Ratings[i].Key)
		s.Ratings[i].Note = strings.TrimSpace(s.Ratings[i].Note)
	}
}

// Validate checks a submission against the active criteria: at least one
// rating, each of a known criterion at most once and from 1 to 5, notes and
// reason not too long, and a reason — a score's history must say why.
// Field names are "ratings.KEY" (and "ratings.KEY.note") and "reason".
func (s Submission) Validate(criteria []Criterion) error {
	e := &account.Error{Code: account.EINVALID, Message: "The rating is not valid."}
	add := func(field, msg string) { e.Fields = append(e.Fields, account.FieldError{Field: field, Message: msg}) }
	known := map[string]bool{}
	for _, c := range criteria {
		known[c.Key] = true
	}
	if len(s.Ratings) == 0 {
		add("ratings", "must rate at least one criterion")
	}
	seen := map[string]bool{}
	for _, r := range s.Ratings {
		f := "ratings." + r.Key
		switch {
		case !known[r.Key]:
			add(f, "is not a criterion of the Strategic Score")
		case seen[r.Key]:
			add(f, "is rated twice")
		case r.Value < 1 || r.Value > 5:
			add(f, "must be from 1 to 5")
		}
		seen[r.Key] = true
		if len([]rune(r.Note)) > MaxNoteLen {
			add(f+".note", fmt.Sprintf("must be at most %d characters", MaxNoteLen))
		}
	}
	switch {
	case s.Reason == "":
		add("reason", "is required: say why the account is rated so")
	case len([]rune(s.Reason)) > MaxReasonLen:
		add("reason", fmt.Sprintf("must be at most %d characters", MaxReasonLen))
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

// Merge returns current with the submission's ratings applied: submitted
// criteria take the new value, the others keep theirs. keyID maps criterion
// keys to ids.
func (s Submission) Merge(current []Rating, keyID map[string]int64) []Rating {
	out := make([]Rating, 0, len(current)+len(s.Ratings))
	set := map[int64]int{}
	for _, r := range s.Ratings {
		set[keyID[r.Key]] = r.Value
	}
	for _, r := range current {
		if _, replaced := set[r.CriterionID]; !replaced {
			out = append(out, r)
		}
	}
	for _, r := range s.Ratings {
		out = append(out, Rating{CriterionID: keyID[r.Key], Value: r.Value})
	}
	return out
}
