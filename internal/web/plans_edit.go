package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/plan"
	"github.com/samwise-sam/samwise/internal/store"
)

// The plan editor: every section of a draft or revised version on one page,
// each section a table of rows with one blank row to add another (saving
// adds a new blank row). Inputs are named after the document's JSON paths
// ("initiatives[2].due_on"), so the rules' field errors land under the
// right input.

// editCol is one column of a section's rows.
type editCol struct {
	Name, Label string
	Kind        string // text, area, date, number, money, select
	Required    bool
	Options     []editOption
}

type editOption struct{ Value, Label string }

// editCell is one input of a row.
type editCell struct {
	editCol
	ID, Value, Error string
}

type editRow struct {
	Key      string
	Index    int
	Internal bool
	Cells    []editCell
}

type editSection struct {
	Section  plan.Section
	Label    string
	Help     string
	Internal bool
	Rows     []editRow
	Comments []plan.Comment // the client's feedback on this section, to answer
}

type planEditView struct {
	page
	PlanHead
	Title, StartsOn, EndsOn, Summary, Note string
	SummaryInternal, SituationInternal     bool
	Sections                               []editSection
	SummaryComments                        []plan.Comment
	Errors                                 formErrors
	Notice                                 string
}

var statusOptions = func() []editOption {
	var out []editOption
	for _, s := range plan.InitiativeStatuses {
		out = append(out, editOption{string(s), account.Label(string(s))})
	}
	return out
}()

// editColumns are the columns of each list section. Objectives and
// initiatives get their choices (vision items, objectives) at render time.
func editColumns(s plan.Section, visions []store.SituationVision, objectives []plan.Objective) []editCol {
	switch s {
	case plan.SecObjectives:
		opts := []editOption{{"", "— none —"}}
		for _, v := range visions {
			opts = append(opts, editOption{strconv.FormatInt(v.ID, 10), firstWords(v.Text, 10)})
		}
		return []editCol{{Name: "title", Label: "Objective", Kind: "text", Required: true}, {Name: "detail", Label: "Detail", Kind: "area"},
			{Name: "vision_item_id", Label: "Serves the client's vision", Kind: "select", Options: opts}}
	case plan.SecInitiatives:
		opts := []editOption{{"", "— none —"}}
		for _, o := range objectives {
			if o.Title != "" {
				opts = append(opts, editOption{o.Key, firstWords(o.Title, 8)})
			}
		}
		return []editCol{{Name: "title", Label: "Initiative", Kind: "text", Required: true}, {Name: "objective_key", Label: "Objective", Kind: "select", Options: opts},
			{Name: "our_owner", Label: "Our owner", Kind: "text"}, {Name: "their_owner", Label: "Their owner", Kind: "text"},
			{Name: "starts_on", Label: "Starts", Kind: "date"}, {Name: "due_on", Label: "Due", Kind: "date"},
			{Name: "status", Label: "Status", Kind: "select", Options: statusOptions}}
	case plan.SecKPIs:
		return []editCol{{Name: "name", Label: "KPI", Kind: "text", Required: true}, {Name: "unit", Label: "Unit", Kind: "text"},
			{Name: "baseline", Label: "Baseline", Kind: "number"}, {Name: "target", Label: "Target", Kind: "number"}, {Name: "due_on", Label: "Due", Kind: "date"}}
	case plan.SecRevenue:
		return []editCol{{Name: "period", Label: "Period", Kind: "text", Required: true}, {Name: "amount", Label: "Amount", Kind: "money"},
			{Name: "currency", Label: "Currency", Kind: "text"}, {Name: "note", Label: "Note", Kind: "text"}}
	case plan.SecRisks:
		return []editCol{{Name: "risk", Label: "Risk", Kind: "area", Required: true}, {Name: "mitigation", Label: "Mitigation", Kind: "area"},
			{Name: "owner", Label: "Owner", Kind: "text"}}
	case plan.SecResolution:
		return []editCol{{Name: "who", Label: "Who", Kind: "text", Required: true}, {Name: "what", Label: "Does what", Kind: "area", Required: true},
			{Name: "when", Label: "When", Kind: "text"}, {Name: "how", Label: "How", Kind: "area"}}
	}
	return nil
}

var sectionHelp = map[plan.Section]string{
	plan.SecObjectives:  "What the plan aims at, each ideally serving one of the client's vision items.",
	plan.SecInitiatives: "The work, with an owner on our side and on theirs.",
	plan.SecKPIs:        "How progress is measured: where it starts and where it should get to.",
	plan.SecRevenue:     "Revenue goals by period.",
	plan.SecRisks:       "What could go wrong and what we will do about it.",
	plan.SecResolution:  "How problems will be resolved before they arise: who does what, when and how.",
}

// itemValues reads the values of one item of a section by column name.
func itemValues(c plan.Content, s plan.Section, i int) (key string, internal bool, vals map[string]string) {
	vals = map[string]string{}
	switch s {
	case plan.SecObjectives:
		o := c.Objectives[i]
		vals["title"], vals["detail"] = o.Title, o.Detail
		if o.VisionItemID != 0 {
			vals["vision_item_id"] = strconv.FormatInt(o.VisionItemID, 10)
		}
		return o.Key, o.Internal, vals
	case plan.SecInitiatives:
		in := c.Initiatives[i]
		vals["title"], vals["objective_key"], vals["our_owner"], vals["their_owner"] = in.Title, in.ObjectiveKey, in.OurOwner, in.TheirOwner
		vals["starts_on"], vals["due_on"], vals["status"] = in.StartsOn.String(), in.DueOn.String(), string(in.Status)
		return in.Key, in.Internal, vals
	case plan.SecKPIs:
		k := c.KPIs[i]
		vals["name"], vals["unit"], vals["baseline"], vals["target"], vals["due_on"] = k.Name, k.Unit, plan.Number(k.Baseline), plan.Number(k.Target), k.DueOn.String()
		return k.Key, k.Internal, vals
	case plan.SecRevenue:
		r := c.Revenue[i]
		vals["period"], vals["amount"], vals["currency"], vals["note"] = r.Period, moneyInput(r.Amount, r.Currency), r.Currency, r.Note
		return r.Key, r.Internal, vals
	case plan.SecRisks:
		r := c.Risks[i]
		vals["risk"], vals["mitigation"], vals["owner"] = r.Risk, r.Mitigation, r.Owner
		return r.Key, r.Internal, vals
	case plan.SecResolution:
		r := c.Resolution[i]
		vals["who"], vals["what"], vals["when"], vals["how"] = r.Who, r.What, r.When, r.How
		return r.Key, r.Internal, vals
	}
	return "", false, vals
}

func sectionLen(c plan.Content, s plan.Section) int {
	switch s {
	case plan.SecObjectives:
		return len(c.Objectives)
	case plan.SecInitiatives:
		return len(c.Initiatives)
	case plan.SecKPIs:
		return len(c.KPIs)
	case plan.SecRevenue:
		return len(c.Revenue)
	case plan.SecRisks:
		return len(c.Risks)
	case plan.SecResolution:
		return len(c.Resolution)
	}
	return 0
}

var listSections = []plan.Section{plan.SecObjectives, plan.SecInitiatives, plan.SecKPIs, plan.SecRevenue, plan.SecRisks, plan.SecResolution}

// editSections lays the document out as rows to edit, each section with one
// blank row at the end.
func editSections(c plan.Content, visions []store.SituationVision, errs formErrors, comments []plan.Comment) []editSection {
	var out []editSection
	for _, s := range listSections {
		es := editSection{Section: s, Label: s.Label(), Help: sectionHelp[s], Internal: c.Hidden(s)}
		cols := editColumns(s, visions, c.Objectives)
		n := sectionLen(c, s)
		for i := 0; i <= n && i < plan.MaxItems; i++ {
			row := editRow{Index: i}
			vals := map[string]string{}
			if i < n {
				row.Key, row.Internal, vals = itemValues(c, s, i)
			}
			for _, col := range cols {
				name := fmt.Sprintf("%s[%d].%s", s, i, col.Name)
				cell := editCell{editCol: col, ID: name, Value: vals[col.Name], Error: errs.Field(name)}
				if i == n {
					cell.Required = false // the blank row is optional
				}
				row.Cells = append(row.Cells, cell)
			}
			es.Rows = append(es.Rows, row)
		}
		for _, cm := range comments {
			if cm.Section == s {
				es.Comments = append(es.Comments, cm)
			}
		}
		out = append(out, es)
	}
	return out
}

func (h *handler) editPlanPage(w http.ResponseWriter, r *http.Request) {
	o, ok := h.editablePlanRequest(w, r)
	if !ok {
		return
	}
	v, err := pathVersion(r, o)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !v.Status.Editable() {
		http.Redirect(w, r, versionURL(o.Plan.ID, v.N), http.StatusSeeOther)
		return
	}
	h.showEditor(w, r, o, v, v.Content, v.Note, formErrors{}, http.StatusOK)
}

// feedbackFor collects the client's comments an editor should answer: those
// on the version this one was drafted from.
func feedbackFor(o store.PlanOverview, v plan.Version) []plan.Comment {
	var out []plan.Comment
	for _, c := range o.Comments {
		if c.VersionN == v.N-1 || c.VersionN == v.N {
			out = append(out, c)
		}
	}
	return out
}

func (h *handler) showEditor(w http.ResponseWriter, r *http.Request, o store.PlanOverview, v plan.Version, c plan.Content, note string, errs formErrors, status int) {
	ctx := r.Context()
	sit, err := h.db.PlanSituation(ctx, h.guard.Scope(ctx), o.Plan.AccountID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	fb := feedbackFor(o, v)
	ev := planEditView{page: page{Title: "Edit · " + o.Plan.Title, Section: "plans"}, PlanHead: h.head(r, o, v, "plan"),
		Title: c.Title, StartsOn: c.StartsOn.String(), EndsOn: c.EndsOn.String(), Summary: c.Summary, Note: note,
		SummaryInternal: c.Hidden(plan.SecSummary), SituationInternal: c.Hidden(plan.SecSituation),
		Sections: editSections(c, sit.Vision, errs, fb), Errors: errs, Notice: planNotices[r.URL.Query().Get("done")]}
	for _, cm := range fb {
		if cm.Section == plan.SecSummary || cm.Section == plan.SecSituation {
			ev.SummaryComments = append(ev.SummaryComments, cm)
		}
	}
	h.render(w, r, status, "plan_edit", ev)
}

// parsePlanForm reads the editor back into a document; typing mistakes
// (numbers, dates, amounts) become field errors. Blank rows are dropped.
func parsePlanForm(r *http.Request, errs *formErrors) plan.Content {
	get := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	c := plan.Content{Title: get("title"), Summary: get("summary"), Internal: map[plan.Section]bool{}}
	c.StartsOn = formDate(errs, "starts_on", "Starts", get("starts_on"))
	c.EndsOn = formDate(errs, "ends_on", "Ends", get("ends_on"))
	for _, s := range plan.Sections {
		if r.PostForm.Get("internal."+string(s)) != "" {
			c.Internal[s] = true
		}
	}
	for _, s := range listSections {
		cols := editColumns(s, nil, nil)
		out := 0
		for i := 0; i <= plan.MaxItems; i++ {
			vals := map[string]string{}
			blank := true
			for _, col := range cols {
				v := get(fmt.Sprintf("%s[%d].%s", s, i, col.Name))
				vals[col.Name] = v
				if v != "" && !(col.Kind == "select" && col.Name == "status" && v == string(plan.NotStarted)) && col.Name != "currency" {
					blank = false
				}
			}
			if blank {
				continue
			}
			key := get(fmt.Sprintf("%s[%d].key", s, i))
			internal := r.PostForm.Get(fmt.Sprintf("%s[%d].internal", s, i)) != ""
			field := func(name string) string { return fmt.Sprintf("%s[%d].%s", s, out, name) }
			num := func(name, label string) float64 {
				if vals[name] == "" {
					return 0
				}
				f, err := strconv.ParseFloat(strings.ReplaceAll(vals[name], ",", ""), 64)
				if err != nil {
					errs.add(field(name), label, "must be a number such as 12 or 3.5")
				}
				return f
			}
			date := func(name, label string) account.Date { return formDate(errs, field(name), label, vals[name]) }
			switch s {
			case plan.SecObjectives:
				var vid int64
				if vals["vision_item_id"] != "" {
					vid, _ = strconv.ParseInt(vals["vision_item_id"], 10, 64)
				}
				c.Objectives = append(c.Objectives, plan.Objective{Key: key, Title: vals["title"], Detail: vals["detail"], VisionItemID: vid, Internal: internal})
			case plan.SecInitiatives:
				c.Initiatives = append(c.Initiatives, plan.Initiative{Key: key, Title: vals["title"], ObjectiveKey: vals["objective_key"],
					OurOwner: vals["our_owner"], TheirOwner: vals["their_owner"], StartsOn: date("starts_on", "Starts"), DueOn: date("due_on", "Due"),
					Status: plan.InitiativeStatus(vals["status"]), Internal: internal})
			case plan.SecKPIs:
				c.KPIs = append(c.KPIs, plan.KPI{Key: key, Name: vals["name"], Unit: vals["unit"], Baseline: num("baseline", "Baseline"),
					Target: num("target", "Target"), DueOn: date("due_on", "Due"), Internal: internal})
			case plan.SecRevenue:
				cur := strings.ToUpper(vals["currency"])
				if cur == "" {
					cur = "USD"
				}
				amt, err := parseMoney(vals["amount"], cur)
				if err != nil {
					errs.add(field("amount"), "Amount", err.Error())
				}
				c.Revenue = append(c.Revenue, plan.RevenueTarget{Key: key, Period: vals["period"], Amount: amt, Currency: cur, Note: vals["note"], Internal: internal})
			case plan.SecRisks:
				c.Risks = append(c.Risks, plan.Risk{Key: key, Risk: vals["risk"], Mitigation: vals["mitigation"], Owner: vals["owner"], Internal: internal})
			case plan.SecResolution:
				c.Resolution = append(c.Resolution, plan.Resolution{Key: key, Who: vals["who"], What: vals["what"], When: vals["when"], How: vals["how"], Internal: internal})
			}
			out++
		}
	}
	return c
}

func (h *handler) savePlan(w http.ResponseWriter, r *http.Request) {
	o, ok := h.editablePlanRequest(w, r)
	if !ok {
		return
	}
	v, err := pathVersion(r, o)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !v.Status.Editable() {
		h.fail(w, r, account.Errorf(account.ECONFLICT, "Version %d is %s: a version shown to the client never changes. Draft a new version instead.", v.N, v.Status.Words()))
		return
	}
	var errs formErrors
	c := parsePlanForm(r, &errs)
	note := r.PostForm.Get("note")
	if !errs.Any() {
		_, err := h.db.SavePlanContent(r.Context(), h.guard.Scope(r.Context()), o.Plan.ID, v.N, c, note)
		if err == nil {
			next := versionURL(o.Plan.ID, v.N) + "/edit?done=saved"
			if r.PostForm.Get("then") == "view" {
				next = versionURL(o.Plan.ID, v.N) + "?done=saved"
			}
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		errs.fromError(err, editLabels(c))
		c.Normalize()
	}
	if errs.Summary == "" {
		errs.Summary = "Please correct the highlighted fields."
	}
	h.showEditor(w, r, o, v, c, note, errs, http.StatusUnprocessableEntity)
}

// editLabels names every input of the editor for the error summary.
func editLabels(c plan.Content) map[string]string {
	m := map[string]string{"title": "Title", "starts_on": "Starts", "ends_on": "Ends", "summary": "Summary", "note": "Note"}
	for _, s := range listSections {
		for i := 0; i <= sectionLen(c, s); i++ {
			for _, col := range editColumns(s, nil, nil) {
				m[fmt.Sprintf("%s[%d].%s", s, i, col.Name)] = fmt.Sprintf("%s %d: %s", s.Label(), i+1, strings.ToLower(col.Label))
			}
		}
	}
	return m
}
