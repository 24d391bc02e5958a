package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
)

// formErrors is what a form shows after a failed submit: a summary at the
// top and each field's message under the field.
type formErrors struct {
	Summary string
	Fields  map[string]string
	// List is every message for the summary at the top, in the order of
	// the form's fields. Messages about fields the form has no input for
	// (e.g. "account_id") appear only here, without a link.
	List []formMessage
}

// formMessage is one line of the summary. Anchor is the id of the input it
// is about ("" if none), so the summary can link to it.
type formMessage struct {
	Field  string
	Anchor string
	Text   string
}

// Any reports whether there is anything to show.
func (e formErrors) Any() bool { return e.Summary != "" || len(e.List) > 0 }

// Field returns the message for one field, or "".
func (e formErrors) Field(name string) string { return e.Fields[name] }

// add records a message for a field, keeping the first one per field.
func (e *formErrors) add(field, label, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, dup := e.Fields[field]; dup {
		return
	}
	e.Fields[field] = msg
	e.List = append(e.List, formMessage{Field: field, Text: label + " " + msg})
}

// fromError fills e from an application error: field errors go under
// fields whose label the form knows, the rest into the summary.
func (e *formErrors) fromError(err error, labels map[string]string) {
	for _, f := range account.ErrorFields(err) {
		if l, ok := labels[f.Field]; ok {
			e.add(f.Field, l, f.Message)
		} else {
			e.List = append(e.List, formMessage{Text: strings.ReplaceAll(f.Field, "_", " ") + " " + f.Message})
		}
	}
	if len(e.List) == 0 || account.ErrorCode(err) != account.EINVALID {
		e.Summary = account.ErrorMessage(err)
	} else {
		e.Summary = "Please correct the highlighted fields."
	}
}

// arrange orders the summary as the fields appear in the form (messages
// about other fields last) and links each line to its input: anchors maps a
// field to its input's id where the two differ.
func (e *formErrors) arrange(order []string, anchors map[string]string) {
	rank := func(m formMessage) int {
		if i := slices.Index(order, m.Field); i >= 0 && m.Field != "" {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(e.List, func(a, b formMessage) int { return rank(a) - rank(b) })
	for i, m := range e.List {
		if m.Field == "" || !slices.Contains(order, m.Field) {
			continue
		}
		e.List[i].Anchor = m.Field
		if id, ok := anchors[m.Field]; ok {
			e.List[i].Anchor = id
		}
	}
}

// formProblem tells whether err should re-render the form (the user can fix
// it) rather than show an error page.
func formProblem(err error) bool {
	c := account.ErrorCode(err)
	return c == account.EINVALID || c == account.ECONFLICT
}

// parseForm reads a POST body, capped so a large body cannot exhaust memory.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return account.Errorf(account.EINVALID, "The form is too large.")
		}
		return account.Errorf(account.EINVALID, "The form could not be read.")
	}
	return nil
}

// pathID reads the {id} path value; a malformed id is a missing record.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, account.Errorf(account.ENOTFOUND, "There is no such page.")
	}
	return id, nil
}

// optionalID reads a select's value: "" or "0" is none.
func optionalID(s string) (*int64, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return nil, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return nil, errors.New("is not a valid choice")
	}
	return &id, nil
}

// ids reads a multi-valued field of record ids.
func ids(vals []string) ([]int64, error) {
	out := make([]int64, 0, len(vals))
	for _, v := range vals {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			return nil, errors.New("contains an invalid choice")
		}
		out = append(out, id)
	}
	return out, nil
}

// wholeNumber reads a non-negative count typed by a person ("12,000").
func wholeNumber(s string) (int64, error) {
	s = strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), " ", "")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errors.New("must be a whole number such as 1200")
	}
	return n, nil
}

// idSet is the set of chosen ids of a multi-select or checkbox group, for
// templates to mark options as selected.
type idSet map[int64]bool

func (s idSet) Has(id int64) bool { return s[id] }

func setOf(list []int64) idSet {
	out := make(idSet, len(list))
	for _, id := range list {
		out[id] = true
	}
	return out
}
