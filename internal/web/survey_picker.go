package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/store"
)

// The pickers of the survey pages: the accounts a campaign surveys, the
// contact an answer on paper came from. A page used to list every account
// in a <select> (4.4 MB at 100,000 accounts); a picker lists only what was
// chosen, as chips, and searches the rest on the server.
//
// Without JavaScript the picker is a text field: one name or id per line,
// resolved by the server on submit (an unknown or ambiguous name is an
// error on the field), and each chip is a ticked checkbox, unticked to
// drop it. survey_picker.js turns the field into a search box that asks
// the search endpoints below as one types, and the chips into removable
// ones with hidden inputs.

// surveyPages registers the survey pickers' searches, the form for
// answers received on paper or by phone and the export of a campaign's
// answers (survey_answers.go).
func (h *handler) surveyPages(handle handleFunc) {
	handle("GET /measures/surveys/accounts", access.ReadRecords, h.searchSurveyAccounts)
	handle("GET /measures/surveys/{id}/contacts", access.ReadRecords, h.searchSurveyContacts)
	handle("POST /measures/surveys/{id}/answers", access.SetPolicy, h.recordSurveyAnswer)
	handle("GET /measures/surveys/{id}/answers/export", access.ReadRecords, h.exportSurveyAnswers)
}

// picker is one picker field (the "survey-picker" partial).
type picker struct {
	ID       string // the text field's id; it is named ID+"_text"
	Name     string // the name of the chips' inputs, one id each
	Label    string
	Source   string // the search endpoint: GET Source?q=…
	Multiple bool
	Chosen   []store.Pick
	Text     string // typed and not (yet) resolved
	Hint     string // without JavaScript
	JSHint   string // with it
	Error    string
	Required bool
}

// pickResults is what a picker search answers.
type pickResults struct {
	Items []store.Pick `json:"items"`
	More  bool         `json:"more"` // more matched than are listed
}

func (h *handler) writePicks(w http.ResponseWriter, r *http.Request, items []store.Pick, more bool, err error) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private, no-store")
	if err := json.NewEncoder(w).Encode(pickResults{Items: items, More: more}); err != nil {
		h.log.ErrorContext(r.Context(), "picker results", "err", err)
	}
}

// searchSurveyAccounts finds accounts by name for the campaign form.
func (h *handler) searchSurveyAccounts(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	items, more, err := h.db.SearchAccounts(ctx, h.guard.Scope(ctx), r.URL.Query().Get("q"), h.guard.VisibleTo(ctx), store.PickLimit)
	h.writePicks(w, r, items, more, err)
}

// searchSurveyContacts finds the contacts a campaign covers by name.
func (h *handler) searchSurveyContacts(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, more, err := h.db.SearchCampaignContacts(ctx, h.guard.Scope(ctx), id, r.URL.Query().Get("q"), h.guard.VisibleTo(ctx), store.PickLimit)
	h.writePicks(w, r, items, more, err)
}

// typedRefs splits what was typed into a picker's text field: one
// reference per line, or separated by semicolons (as the script's
// one-line search box sends the lines it took over).
func typedRefs(text string) []string {
	var out []string
	for l := range strings.FieldsFuncSeq(text, func(r rune) bool { return r == '\n' || r == ';' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// commaParts splits a line at its commas ("Acme, Globex"), for a second
// try at a line that named no account as a whole (as "Acme, Inc." may).
func commaParts(line string) []string {
	var out []string
	for p := range strings.SplitSeq(line, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// quoteRef is a typed reference as messages quote it.
func quoteRef(s string) string { return "“" + s + "”" }

// candidates lists the records answering one name, with the ids to type
// instead of it.
func candidates(m store.Match) string {
	var ids []string
	for i, p := range m.Picks {
		if i == 5 {
			ids = append(ids, "…")
			break
		}
		s := strconv.FormatInt(p.ID, 10)
		if p.Detail != "" {
			s += " (" + p.Detail + ")"
		}
		ids = append(ids, s)
	}
	return "type the id of the one you mean — " + strings.Join(ids, ", ")
}

// problemList joins a field's problems, the first few of them.
func problemList(ps []string) string {
	if len(ps) > 3 {
		ps = append(ps[:3:3], "and "+strconv.Itoa(len(ps)-3)+" more")
	}
	return strings.Join(ps, "; ")
}

// resolveAccounts turns the lines typed into the accounts picker into
// account ids. It returns the ids found, the lines it could not resolve
// and what is wrong with each of those.
func (h *handler) resolveAccounts(r *http.Request, text string) (ids []int64, left, problems []string, err error) {
	ctx := r.Context()
	sc, visible := h.guard.Scope(ctx), h.guard.VisibleTo(ctx)
	ms, err := h.db.AccountsByRef(ctx, sc, typedRefs(text), visible)
	if err != nil {
		return nil, nil, nil, err
	}
	// A line that names nothing as a whole may list several names: the
	// parts of every such line are resolved at once.
	var parts []string
	byPart := map[string]store.Match{}
	for _, m := range ms {
		if len(m.Picks) == 0 {
			if ps := commaParts(m.Ref); len(ps) > 1 {
				for _, p := range ps {
					if _, seen := byPart[p]; !seen {
						byPart[p] = store.Match{}
						parts = append(parts, p)
					}
				}
			}
		}
	}
	if len(parts) > 0 {
		pms, err := h.db.AccountsByRef(ctx, sc, parts, visible)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, pm := range pms {
			byPart[pm.Ref] = pm
		}
	}
	for _, m := range ms {
		switch {
		case len(m.Picks) == 1:
			ids = append(ids, m.Picks[0].ID)
			continue
		case len(m.Picks) > 1:
			left = append(left, m.Ref)
			problems = append(problems, "include "+quoteRef(m.Ref)+", the name of "+strconv.Itoa(len(m.Picks))+" accounts: "+candidates(m))
			continue
		}
		ps := commaParts(m.Ref)
		if len(ps) < 2 || slices.ContainsFunc(ps, func(p string) bool { return len(byPart[p].Picks) != 1 }) {
			left = append(left, m.Ref)
			problems = append(problems, "include "+quoteRef(m.Ref)+", which is not the name or id of an account you can see")
			continue
		}
		for _, p := range ps {
			ids = append(ids, byPart[p].Picks[0].ID)
		}
	}
	return ids, left, problems, nil
}

// uniqueIDs drops repeated ids, keeping the first of each.
func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
