package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
)

// Knowing the account (package intel): the profile page (customer profile,
// business vision and needs), the relationship matrix, the technology
// roadmap, and the portfolio pages for coverage, whitespace and the
// products catalog (intel_portfolio.go). Profile, vision and needs are the
// account's plan part; the matrix its stakeholder part; the roadmap its
// technology part; the catalog is the leaders' policy.

// The account parts of internal/auth that internal/access has no constant
// for yet.
const (
	intelPartPlan       = access.Part("plan")
	intelPartTechnology = access.Part("technology")
)

// intelPages registers this feature's pages.
func (h *handler) intelPages(handle handleFunc) {
	handle("GET /accounts/{id}/profile", access.ReadRecords, h.intelProfilePage)
	handle("GET /accounts/{id}/profile.csv", access.ReadRecords, h.intelProfileCSV)
	handle("POST /accounts/{id}/profile", access.WriteRecords, h.intelSaveProfile)
	handle("GET /accounts/{id}/vision.csv", access.ReadRecords, h.intelVisionCSV)
	handle("POST /accounts/{id}/vision", access.WriteRecords, h.intelAddVision)
	handle("POST /vision/{id}/revise", access.WriteRecords, h.intelReviseVision)
	handle("POST /vision/{id}/withdraw", access.WriteRecords, h.intelWithdrawVision)
	handle("GET /accounts/{id}/needs.csv", access.ReadRecords, h.intelNeedsCSV)
	handle("POST /accounts/{id}/needs", access.WriteRecords, h.intelAddNeed)
	handle("POST /needs/{id}", access.WriteRecords, h.intelUpdateNeed)
	handle("POST /needs/{id}/delete", access.WriteRecords, h.intelDeleteNeed)

	handle("GET /accounts/{id}/relationships", access.ReadRecords, h.intelMatrixPage)
	handle("GET /accounts/{id}/relationships.csv", access.ReadRecords, h.intelMatrixCSV)
	handle("POST /accounts/{id}/relationships/placement", access.WriteRecords, h.intelSavePlacement)
	handle("POST /accounts/{id}/relationships/strength", access.WriteRecords, h.intelSaveStrength)
	handle("POST /accounts/{id}/relationships/left", access.WriteRecords, h.intelMarkLeft)

	handle("GET /accounts/{id}/roadmap", access.ReadRecords, h.intelRoadmapPage)
	handle("GET /accounts/{id}/roadmap.csv", access.ReadRecords, h.intelRoadmapCSV)
	handle("POST /accounts/{id}/roadmap/{pid}", access.WriteRecords, h.intelSaveRoadmap)
	handle("POST /accounts/{id}/roadmap/{pid}/delete", access.WriteRecords, h.intelDeleteRoadmap)

	handle("GET /coverage", access.ReadRecords, h.intelCoveragePage)
	handle("GET /coverage.csv", access.ReadRecords, h.intelCoverageCSV)
	handle("GET /coverage/export", access.ReadRecords, h.intelCoverageExport)
	handle("GET /whitespace", access.ReadRecords, h.intelWhitespacePage)
	handle("GET /whitespace.csv", access.ReadRecords, h.intelWhitespaceCSV)
	handle("GET /whitespace/opportunity", access.WriteRecords, h.intelOpportunityForm)
	handle("POST /whitespace/opportunity", access.WriteRecords, h.intelCreateOpportunity)
	handle("GET /products", access.ReadRecords, h.intelProductsPage)
	handle("GET /products.csv", access.ReadRecords, h.intelProductsCSV)
	handle("POST /products", access.SetPolicy, h.intelCreateProduct)
	handle("POST /products/{id}", access.SetPolicy, h.intelUpdateProduct)
	handle("POST /products/{id}/delete", access.SetPolicy, h.intelDeleteProduct)
}

// intelAccount reads the {id} account of a route the principal may read.
func (h *handler) intelAccount(r *http.Request) (account.Account, error) {
	id, err := pathID(r)
	if err != nil {
		return account.Account{}, err
	}
	if err := h.guard.CanReadAccount(r.Context(), id); err != nil {
		return account.Account{}, err
	}
	return h.db.Account(r.Context(), h.guard.Scope(r.Context()), id)
}

// intelEditable reads the {id} account of a route that changes part of it.
func (h *handler) intelEditable(r *http.Request, part access.Part) (account.Account, error) {
	a, err := h.intelAccount(r)
	if err != nil {
		return a, err
	}
	return a, h.guard.CanEdit(r.Context(), a.ID, part)
}

// intelSection is the account page's "What we know" section.
type intelSection struct {
	AccountID     int64
	ProfileSaved  bool
	ProfileAt     string
	Vision        [3]int // current items by horizon 1, 3, 5
	Findings      []findingView
	Alerts        []findingView // departures: raised to the account manager at once
	InPlace       int
	Whitespace    int64
	Currency      string
	OpenNeeds     int
	Signals       int
	CanEditPlan   bool
	CanEditPeople bool
}

// intelSummary loads this feature's section of the account page.
func (h *handler) intelSummary(r *http.Request, a account.Account) (any, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	s := &intelSection{AccountID: a.ID, Currency: a.Currency,
		CanEditPlan:   h.guard.CanEdit(ctx, a.ID, intelPartPlan) == nil,
		CanEditPeople: h.guard.CanEdit(ctx, a.ID, access.PartStakeholder) == nil}
	p, err := h.db.Profile(ctx, sc, a.ID)
	if err != nil {
		return nil, err
	}
	s.ProfileSaved = p.Version > 0
	if s.ProfileSaved {
		s.ProfileAt = formatDay(p.UpdatedAt, h.loc())
	}
	vs, err := h.db.VisionItems(ctx, sc, a.ID, false)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		s.Vision[slices.Index(intel.Horizons, v.HorizonYears)]++
	}
	m, err := h.db.AccountMap(ctx, sc, a.ID, h.loc())
	if err != nil {
		return nil, err
	}
	for _, f := range intel.Coverage(m, h.today(), intel.CoverageOptions{}) {
		fv := findingOf(f)
		if f.Rule == intel.DepartedKeyPlayer {
			s.Alerts = append(s.Alerts, fv)
		} else {
			s.Findings = append(s.Findings, fv)
		}
	}
	rm, err := h.db.Roadmap(ctx, sc, a.ID)
	if err != nil {
		return nil, err
	}
	for _, it := range rm {
		switch {
		case it.State == intel.InPlace:
			s.InPlace++
		case it.State.Whitespace():
			s.Whitespace += it.EstimatedValue
		}
	}
	ns, err := h.db.Needs(ctx, sc, a.ID)
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		if n.Status == intel.Open {
			s.OpenNeeds++
		}
	}
	s.Signals = len(intel.GrowthSignals(ns, rm))
	return s, nil
}

// findingView is a coverage finding as pages show it.
type findingView struct {
	intel.Finding
	RuleLabel string
}

func findingOf(f intel.Finding) findingView {
	return findingView{Finding: f, RuleLabel: intel.RuleLabel(f.Rule)}
}

// entryLine is a profile entry as typed in the form: "text — note".
func entryLine(e intel.Entry) string {
	if e.Note == "" {
		return e.Text
	}
	return e.Text + " — " + e.Note
}

// parseEntries reads a textarea of one entry per line, "text — note";
// a buying line naming a stakeholder of the account links to them.
func parseEntries(raw string, stakeholders map[string]int64) []intel.Entry {
	var out []intel.Entry
	for _, line := range strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		e := intel.Entry{Text: line}
		if t, n, ok := strings.Cut(line, " — "); ok {
			e.Text, e.Note = strings.TrimSpace(t), strings.TrimSpace(n)
		}
		if id, ok := stakeholders[strings.ToLower(e.Text)]; ok && stakeholders != nil {
			e.StakeholderID = &id
		}
		out = append(out, e)
	}
	return out
}

// profileSectionView is one list of the profile.
type profileSectionView struct {
	Key     string
	Label   string
	Hint    string
	Entries []profileEntryView
	Raw     string // the textarea's content
}

type profileEntryView struct {
	Text, Note    string
	StakeholderID int64
}

var sectionHints = map[intel.Section]string{
	intel.Buying:          "One per line: a stakeholder's name links to them. Add a note after “ — ”.",
	intel.TargetMarket:    "One market per line.",
	intel.GoalShort:       "This year's goals, one per line.",
	intel.GoalLong:        "Goals beyond a year, one per line.",
	intel.Industry:        "Regulation, seasonality, technology trends…",
	intel.Offering:        "What they sell, one per line.",
	intel.TheirCompetitor: "Who they compete with.",
	intel.OurCompetitor:   "Who we compete with inside this account.",
}

// visionItemView is a vision item as pages show it.
type visionItemView struct {
	intel.VisionItem
	Source string
	Revise visionFormArgs
}

// intelLists are the choices the profile page's forms offer.
type intelLists struct {
	Horizons     []int
	Priorities   []intel.Priority
	Statuses     []intel.NeedStatus
	Products     []intel.Product
	Stakeholders []account.Stakeholder
	Current      []intel.VisionItem
}

// visionFormArgs and needFormArgs are what the form templates need: the
// form, where it posts, a prefix keeping input ids unique on the page, and
// the choices.
type visionFormArgs struct {
	Form                   visionForm
	Action, Prefix, Submit string
	Lists                  *intelLists
}

type needFormArgs struct {
	Form                   needForm
	Action, Prefix, Submit string
	Lists                  *intelLists
}

// tabsView is the tab bar of the account's intel pages.
type tabsView struct {
	ID  int64
	Tab string
}

func visionFormOf(it intel.VisionItem) visionForm {
	f := visionForm{Horizon: strconv.Itoa(it.HorizonYears), Text: it.Text, TargetDate: it.TargetDate.String(), SourceNote: it.SourceNote,
		StatedOn: it.StatedOn.String()}
	if it.SourceStakeholderID != nil {
		f.Source = strconv.FormatInt(*it.SourceStakeholderID, 10)
	}
	return f
}

type visionGroup struct {
	Years int
	Label string
	Items []visionItemView
}

type visionVersionView struct {
	Version int
	At      string
	Items   []visionItemView
}

type visionForm struct {
	Horizon, Text, TargetDate, Source, SourceNote, StatedOn string
	Errors                                                  formErrors
}

type needView struct {
	intel.Need
	VisionText string
	Products   []string
	Form       needForm
	Edit       needFormArgs
}

type needForm struct {
	Text, Horizon, Priority, Vision, Status, Note string
	Products                                      idSet
	Errors                                        formErrors
}

type signalView struct {
	NeedText, Product, State string
	Priority                 intel.Priority
}

// profilePageView is /accounts/{id}/profile.
type profilePageView struct {
	page
	A            account.Account
	Profile      intel.Profile
	Empty        bool
	Sections     []profileSectionView
	Summary      string
	Version      int
	UpdatedAt    string
	CanEdit      bool
	EditOpen     bool
	ProfileErr   formErrors
	Vision       []visionGroup
	VisionCount  int
	Versions     []visionVersionView
	VisionForm   visionForm
	VisionOpen   bool
	ReviseID     int64
	ReviseForm   visionForm
	Needs        []needView
	NeedForm     needForm
	NeedOpen     bool
	Signals      []signalView
	Products     []intel.Product
	Stakeholders []account.Stakeholder
	Current      []intel.VisionItem // for the needs' vision select
	Horizons     []int
	Priorities   []intel.Priority
	Statuses     []intel.NeedStatus
	TopTier      bool
	Today        string
	Notice       string
	Tabs         tabsView
	AddVision    visionFormArgs
	AddNeed      needFormArgs
}

var visionLabels = map[string]string{"horizon_years": "Horizon", "text": "Vision", "target_date": "Target date",
	"source_stakeholder_id": "Said by", "source_note": "Source", "stated_on": "Stated on"}
var needLabels = map[string]string{"text": "Need", "horizon": "Horizon", "priority": "Priority", "vision_item_id": "Serves vision item",
	"status": "Status", "note": "Note", "product_ids": "Answered by"}

var intelNotices = map[string]string{
	"profile": "Profile saved.", "vision": "Vision item added.", "revised": "Vision item revised; the earlier version stays readable below.",
	"withdrawn": "Vision item withdrawn; it stays readable in earlier versions.", "need": "Need saved.", "need-deleted": "Need deleted.",
	"placement": "Placement saved.", "strength": "Relationship saved.", "left": "Departure recorded; their relationships stay as history.",
	"roadmap": "Roadmap saved.", "roadmap-deleted": "Product set back to not assessed.", "product": "Product saved.", "product-deleted": "Product deleted.",
}

func (h *handler) intelProfilePage(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderProfile(w, r, a, http.StatusOK, nil)
}

// renderProfile renders the profile page; edit adjusts the view last (to
// show a form's errors).
func (h *handler) renderProfile(w http.ResponseWriter, r *http.Request, a account.Account, status int, edit func(*profilePageView)) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	p, err := h.db.Profile(ctx, sc, a.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	all, err := h.db.VisionItems(ctx, sc, a.ID, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	needs, err := h.db.Needs(ctx, sc, a.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	products, err := h.db.Products(ctx, sc, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rm, err := h.db.Roadmap(ctx, sc, a.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	shs, _, err := h.db.Stakeholders(ctx, sc, account.StakeholderFilter{AccountID: a.ID, Page: account.Page{Limit: account.MaxLimit}})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tiers, err := h.db.AccountTiers(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := profilePageView{page: page{Title: "Profile · " + a.Name, Section: "accounts"}, A: a, Profile: p, Summary: p.Summary,
		Version: p.Version, Empty: p.Empty(), CanEdit: h.guard.CanEdit(ctx, a.ID, intelPartPlan) == nil, Products: products, Stakeholders: shs,
		Horizons: intel.Horizons, Priorities: intel.Priorities, Statuses: intel.NeedStatuses, TopTier: tiers[a.ID] == "A",
		Today: h.today().String(), Notice: intelNotices[r.URL.Query().Get("done")]}
	if p.Version > 0 {
		v.UpdatedAt = formatTime(p.UpdatedAt, h.loc())
	}
	names := map[int64]string{}
	for _, s := range shs {
		names[s.ID] = s.Name
	}
	for _, s := range intel.Sections {
		sv := profileSectionView{Key: string(s), Label: intel.SectionLabel(s), Hint: sectionHints[s]}
		var lines []string
		for _, e := range *p.List(s) {
			ev := profileEntryView{Text: e.Text, Note: e.Note}
			if e.StakeholderID != nil {
				ev.StakeholderID = *e.StakeholderID
			}
			sv.Entries = append(sv.Entries, ev)
			lines = append(lines, entryLine(e))
		}
		sv.Raw = strings.Join(lines, "\n")
		v.Sections = append(v.Sections, sv)
	}
	source := func(it intel.VisionItem) string {
		parts := []string{}
		if it.SourceName != "" {
			parts = append(parts, it.SourceName)
		}
		if it.SourceNote != "" {
			parts = append(parts, it.SourceNote)
		}
		s := strings.Join(parts, ", ")
		if !it.StatedOn.IsZero() {
			s += " · " + formatDate(it.StatedOn)
		}
		return s
	}
	visionText := map[int64]string{}
	for _, y := range intel.Horizons {
		g := visionGroup{Years: y, Label: horizonLabel(y)}
		for _, it := range all {
			visionText[it.ID] = it.Text
			if it.Current() && it.HorizonYears == y {
				g.Items = append(g.Items, visionItemView{VisionItem: it, Source: source(it)})
				v.Current = append(v.Current, it)
				v.VisionCount++
			}
		}
		v.Vision = append(v.Vision, g)
	}
	versions := intel.VisionVersions(all)
	if len(versions) > 1 {
		for _, vv := range versions[1:] {
			view := visionVersionView{Version: vv.Version, At: formatTime(vv.At, h.loc())}
			for _, it := range vv.Items {
				view.Items = append(view.Items, visionItemView{VisionItem: it, Source: source(it)})
			}
			v.Versions = append(v.Versions, view)
		}
	}
	productName := map[int64]string{}
	for _, pr := range products {
		productName[pr.ID] = pr.Name
	}
	for _, n := range needs {
		nv := needView{Need: n, Form: needFormOf(n)}
		if n.VisionItemID != nil {
			nv.VisionText = visionText[*n.VisionItemID]
		}
		for _, id := range n.ProductIDs {
			nv.Products = append(nv.Products, productName[id])
		}
		v.Needs = append(v.Needs, nv)
	}
	for _, s := range intel.GrowthSignals(needs, rm) {
		v.Signals = append(v.Signals, signalView{NeedText: s.NeedText, Product: productName[s.ProductID], State: intel.StateLabel(s.State), Priority: s.Priority})
	}
	v.VisionForm = visionForm{Horizon: "3", StatedOn: v.Today}
	if v.TopTier {
		v.VisionForm.Horizon = "5"
		if countHorizon(all, 5) > 0 {
			v.VisionForm.Horizon = "3"
		}
	}
	v.NeedForm = needForm{Horizon: "current", Priority: "medium", Status: "open"}
	v.Tabs = tabsView{ID: a.ID, Tab: "profile"}
	if edit != nil {
		edit(&v)
	}
	lists := &intelLists{Horizons: v.Horizons, Priorities: v.Priorities, Statuses: v.Statuses, Products: v.Products,
		Stakeholders: v.Stakeholders, Current: v.Current}
	for gi := range v.Vision {
		for ii := range v.Vision[gi].Items {
			it := &v.Vision[gi].Items[ii]
			f := visionFormOf(it.VisionItem)
			if it.ID == v.ReviseID {
				f = v.ReviseForm
			}
			it.Revise = visionFormArgs{Form: f, Action: fmt.Sprintf("/vision/%d/revise", it.ID), Prefix: fmt.Sprintf("r%d-", it.ID),
				Submit: "Save the revision", Lists: lists}
		}
	}
	v.AddVision = visionFormArgs{Form: v.VisionForm, Action: fmt.Sprintf("/accounts/%d/vision", a.ID), Prefix: "v-", Submit: "Add to the vision", Lists: lists}
	for i := range v.Needs {
		n := &v.Needs[i]
		n.Edit = needFormArgs{Form: n.Form, Action: fmt.Sprintf("/needs/%d", n.ID), Prefix: fmt.Sprintf("n%d-", n.ID), Submit: "Save the need", Lists: lists}
	}
	v.AddNeed = needFormArgs{Form: v.NeedForm, Action: fmt.Sprintf("/accounts/%d/needs", a.ID), Prefix: "nn-", Submit: "Add the need", Lists: lists}
	h.render(w, r, status, "intel_profile", v)
}

func countHorizon(items []intel.VisionItem, years int) int {
	n := 0
	for _, it := range items {
		if it.Current() && it.HorizonYears == years {
			n++
		}
	}
	return n
}

func horizonLabel(years int) string {
	if years == 1 {
		return "Within a year"
	}
	return fmt.Sprintf("%d-year vision", years)
}

func needFormOf(n intel.Need) needForm {
	f := needForm{Text: n.Text, Horizon: string(n.Horizon), Priority: string(n.Priority), Status: string(n.Status), Note: n.Note,
		Products: setOf(n.ProductIDs)}
	if n.VisionItemID != nil {
		f.Vision = strconv.FormatInt(*n.VisionItemID, 10)
	}
	return f
}

func (h *handler) intelSaveProfile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, err := h.intelEditable(r, intelPartPlan)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	shs, _, err := h.db.Stakeholders(ctx, h.guard.Scope(ctx), account.StakeholderFilter{AccountID: a.ID, Page: account.Page{Limit: account.MaxLimit}})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	byName := map[string]int64{}
	for _, s := range shs {
		byName[strings.ToLower(s.Name)] = s.ID
	}
	g := r.PostForm.Get
	p := intel.Profile{AccountID: a.ID, Summary: g("summary")}
	p.Version, _ = strconv.Atoi(g("version"))
	for _, s := range intel.Sections {
		var names map[string]int64
		if s == intel.Buying {
			names = byName
		}
		*p.List(s) = parseEntries(g(string(s)), names)
	}
	if err := h.db.SetProfile(ctx, h.guard.Scope(ctx), &p); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderProfile(w, r, a, http.StatusUnprocessableEntity, func(v *profilePageView) {
			v.EditOpen = true
			v.ProfileErr.fromError(err, map[string]string{"summary": "Summary"})
			v.Summary = g("summary")
			for i := range v.Sections {
				v.Sections[i].Raw = g(v.Sections[i].Key)
			}
		})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/accounts/%d/profile?done=profile", a.ID), http.StatusSeeOther)
}

// readVisionForm reads a vision item form into f and the record.
func readVisionForm(r *http.Request, accountID int64) (visionForm, intel.VisionItem) {
	g := r.PostForm.Get
	f := visionForm{Horizon: g("horizon_years"), Text: g("text"), TargetDate: g("target_date"), Source: g("source_stakeholder_id"),
		SourceNote: g("source_note"), StatedOn: g("stated_on")}
	v := intel.VisionItem{AccountID: accountID, Text: f.Text, SourceNote: f.SourceNote}
	var err error
	if v.HorizonYears, err = strconv.Atoi(f.Horizon); err != nil {
		f.Errors.add("horizon_years", visionLabels["horizon_years"], "must be 1, 3 or 5")
	}
	if v.TargetDate, err = account.ParseDate(strings.TrimSpace(f.TargetDate)); err != nil {
		f.Errors.add("target_date", visionLabels["target_date"], "must be a date such as 2028-12-31")
	}
	if v.StatedOn, err = account.ParseDate(strings.TrimSpace(f.StatedOn)); err != nil {
		f.Errors.add("stated_on", visionLabels["stated_on"], "must be a date such as 2026-03-02")
	}
	if v.SourceStakeholderID, err = optionalID(f.Source); err != nil {
		f.Errors.add("source_stakeholder_id", visionLabels["source_stakeholder_id"], err.Error())
	}
	return f, v
}

var visionOrder = []string{"horizon_years", "text", "target_date", "source_stakeholder_id", "source_note", "stated_on"}

func (h *handler) intelAddVision(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelEditable(r, intelPartPlan)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f, v := readVisionForm(r, a.ID)
	if !f.Errors.Any() {
		err = h.db.AddVisionItem(r.Context(), h.guard.Scope(r.Context()), &v)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/accounts/%d/profile?done=vision#vision", a.ID), http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, visionLabels)
	} else {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	f.Errors.arrange(visionOrder, nil)
	h.renderProfile(w, r, a, http.StatusUnprocessableEntity, func(pv *profilePageView) { pv.VisionForm, pv.VisionOpen = f, true })
}

// intelVisionTarget reads the vision item of a route and checks the right
// to change it.
func (h *handler) intelVisionTarget(r *http.Request) (intel.VisionItem, account.Account, error) {
	id, err := pathID(r)
	if err != nil {
		return intel.VisionItem{}, account.Account{}, err
	}
	ctx := r.Context()
	it, err := h.db.VisionItem(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return it, account.Account{}, err
	}
	if err := h.guard.CanReadAccount(ctx, it.AccountID); err != nil {
		return it, account.Account{}, err
	}
	a, err := h.db.Account(ctx, h.guard.Scope(ctx), it.AccountID)
	if err != nil {
		return it, a, err
	}
	return it, a, h.guard.CanEdit(ctx, a.ID, intelPartPlan)
}

func (h *handler) intelReviseVision(w http.ResponseWriter, r *http.Request) {
	old, a, err := h.intelVisionTarget(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f, v := readVisionForm(r, a.ID)
	if !f.Errors.Any() {
		err = h.db.ReviseVisionItem(r.Context(), h.guard.Scope(r.Context()), old.ID, &v)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/accounts/%d/profile?done=revised#vision", a.ID), http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, visionLabels)
	} else {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	f.Errors.arrange(visionOrder, nil)
	h.renderProfile(w, r, a, http.StatusUnprocessableEntity, func(pv *profilePageView) { pv.ReviseID, pv.ReviseForm = old.ID, f })
}

func (h *handler) intelWithdrawVision(w http.ResponseWriter, r *http.Request) {
	it, a, err := h.intelVisionTarget(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.db.WithdrawVisionItem(r.Context(), h.guard.Scope(r.Context()), it.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/accounts/%d/profile?done=withdrawn#vision", a.ID), http.StatusSeeOther)
}

// readNeedForm reads a need form.
func readNeedForm(r *http.Request, id, accountID int64) (needForm, intel.Need) {
	g := r.PostForm.Get
	f := needForm{Text: g("text"), Horizon: g("horizon"), Priority: g("priority"), Vision: g("vision_item_id"), Status: g("status"), Note: g("note")}
	n := intel.Need{ID: id, AccountID: accountID, Text: f.Text, Horizon: intel.Horizon(f.Horizon), Priority: intel.Priority(f.Priority),
		Status: intel.NeedStatus(f.Status), Note: f.Note}
	var err error
	if n.VisionItemID, err = optionalID(f.Vision); err != nil {
		f.Errors.add("vision_item_id", needLabels["vision_item_id"], err.Error())
	}
	if n.ProductIDs, err = ids(r.PostForm["product_ids"]); err != nil {
		f.Errors.add("product_ids", needLabels["product_ids"], err.Error())
	}
	f.Products = setOf(n.ProductIDs)
	return f, n
}

var needOrder = []string{"text", "horizon", "priority", "status", "vision_item_id", "product_ids", "note"}

func (h *handler) intelAddNeed(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelEditable(r, intelPartPlan)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f, n := readNeedForm(r, 0, a.ID)
	if !f.Errors.Any() {
		err = h.db.CreateNeed(r.Context(), h.guard.Scope(r.Context()), &n)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/accounts/%d/profile?done=need#needs", a.ID), http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, needLabels)
	} else {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	f.Errors.arrange(needOrder, nil)
	h.renderProfile(w, r, a, http.StatusUnprocessableEntity, func(pv *profilePageView) { pv.NeedForm, pv.NeedOpen = f, true })
}

// intelNeedTarget reads the need of a route and checks the right to
// change it.
func (h *handler) intelNeedTarget(r *http.Request) (intel.Need, account.Account, error) {
	id, err := pathID(r)
	if err != nil {
		return intel.Need{}, account.Account{}, err
	}
	ctx := r.Context()
	n, err := h.db.Need(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return n, account.Account{}, err
	}
	if err := h.guard.CanReadAccount(ctx, n.AccountID); err != nil {
		return n, account.Account{}, err
	}
	a, err := h.db.Account(ctx, h.guard.Scope(ctx), n.AccountID)
	if err != nil {
		return n, a, err
	}
	return n, a, h.guard.CanEdit(ctx, a.ID, intelPartPlan)
}

func (h *handler) intelUpdateNeed(w http.ResponseWriter, r *http.Request) {
	old, a, err := h.intelNeedTarget(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f, n := readNeedForm(r, old.ID, a.ID)
	if !f.Errors.Any() {
		err = h.db.UpdateNeed(r.Context(), h.guard.Scope(r.Context()), &n)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/accounts/%d/profile?done=need#needs", a.ID), http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, needLabels)
	} else {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	f.Errors.arrange(needOrder, nil)
	h.renderProfile(w, r, a, http.StatusUnprocessableEntity, func(pv *profilePageView) {
		for i := range pv.Needs {
			if pv.Needs[i].ID == old.ID {
				pv.Needs[i].Form = f
			}
		}
	})
}

func (h *handler) intelDeleteNeed(w http.ResponseWriter, r *http.Request) {
	n, a, err := h.intelNeedTarget(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.db.DeleteNeed(r.Context(), h.guard.Scope(r.Context()), n.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/accounts/%d/profile?done=need-deleted#needs", a.ID), http.StatusSeeOther)
}

// The relationship matrix page.

// matrixCard is one stakeholder in a cell of the matrix.
type matrixCard struct {
	intel.Player
	RoleLabel     string
	AttitudeLabel string
	AttitudeClass string // att-neg, att-neutral, att-pos
	Influence     []bool // five dots, filled up to the influence
	Best          intel.Strength
	Flags         []string // the rules that flag this stakeholder
	LastTouch     string
	Links         []matrixLink
}

type matrixLink struct {
	intel.Link
	LastTouch string
}

// matrixCell is a level × function square.
type matrixCell struct {
	Cards []matrixCard
}

// matrixRow is one level of the matrix.
type matrixRow struct {
	Level account.Level
	Label string
	Gap   bool // nobody known at this level
	Cells []matrixCell
}

// relationshipsView is /accounts/{id}/relationships.
type relationshipsView struct {
	page
	A          account.Account
	Functions  []string
	Rows       []matrixRow
	Findings   []findingView
	People     []intel.Link // our people with a relationship, for the grid below
	Grid       []gridRow
	Former     []matrixCard
	Current    []intel.Player
	AllPeople  []account.Person
	CanEdit    bool
	Strengths  []intel.Strength
	Attitudes  []intel.Attitude
	Notice     string
	Problem    formErrors
	Today      string
	QuietDays  int
	HasPlayers bool
	OwnerName  string
	Tabs       tabsView
}

// gridRow is one stakeholder's line in the people × stakeholders grid.
type gridRow struct {
	Card     matrixCard
	Strength []gridCell
}

type gridCell struct {
	Strength  intel.Strength
	LastTouch string
}

func attitudeClass(a intel.Attitude) string {
	switch {
	case a < 0:
		return "att-neg"
	case a > 0:
		return "att-pos"
	}
	return "att-neutral"
}

func (h *handler) matrixCardOf(p intel.Player, flags map[int64][]string) matrixCard {
	c := matrixCard{Player: p, RoleLabel: account.Label(p.BuyingRole), AttitudeLabel: p.Attitude.Label(), AttitudeClass: attitudeClass(p.Attitude),
		Best: p.Best(), Flags: flags[p.StakeholderID], LastTouch: formatDate(p.LastTouch)}
	for i := 1; i <= 5; i++ {
		c.Influence = append(c.Influence, i <= p.Influence)
	}
	for _, l := range p.Links {
		c.Links = append(c.Links, matrixLink{Link: l, LastTouch: formatDate(l.LastTouch)})
	}
	return c
}

func (h *handler) intelMatrixPage(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderMatrix(w, r, a, http.StatusOK, formErrors{})
}

func (h *handler) renderMatrix(w http.ResponseWriter, r *http.Request, a account.Account, status int, problem formErrors) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	m, err := h.db.AccountMap(ctx, sc, a.ID, h.loc())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	people, err := h.db.AllPeople(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	opts := intel.DefaultCoverageOptions()
	v := relationshipsView{page: page{Title: "Relationships · " + a.Name, Section: "accounts"}, A: a, Functions: m.Functions(),
		People: m.People(), AllPeople: people, CanEdit: h.guard.CanEdit(ctx, a.ID, access.PartStakeholder) == nil,
		Strengths: intel.Strengths, Attitudes: intel.Attitudes, Notice: intelNotices[r.URL.Query().Get("done")], Problem: problem,
		Today: h.today().String(), QuietDays: opts.QuietDays, OwnerName: m.OwnerName, Tabs: tabsView{ID: a.ID, Tab: "relationships"}}
	flags := map[int64][]string{}
	gaps := map[account.Level]bool{}
	for _, f := range intel.Coverage(m, h.today(), opts) {
		v.Findings = append(v.Findings, findingOf(f))
		if f.StakeholderID != 0 {
			flags[f.StakeholderID] = append(flags[f.StakeholderID], intel.RuleLabel(f.Rule))
		}
		if f.Rule == intel.LevelGap {
			gaps[f.Level] = true
		}
	}
	col := map[string]int{}
	for i, f := range v.Functions {
		col[f] = i
	}
	for _, l := range account.Levels {
		v.Rows = append(v.Rows, matrixRow{Level: l, Label: account.Label(l), Gap: gaps[l], Cells: make([]matrixCell, len(v.Functions))})
	}
	for _, p := range m.Players {
		card := h.matrixCardOf(p, flags)
		if p.Left() {
			v.Former = append(v.Former, card)
			continue
		}
		v.HasPlayers = true
		v.Current = append(v.Current, p)
		row := slices.Index(account.Levels, p.Level)
		if row < 0 {
			continue
		}
		c := &v.Rows[row].Cells[col[p.Function]]
		c.Cards = append(c.Cards, card)
		gr := gridRow{Card: card}
		for _, person := range v.People {
			cell := gridCell{Strength: intel.NoRelationship, LastTouch: ""}
			for _, l := range p.Links {
				if l.PersonID == person.PersonID {
					cell = gridCell{Strength: l.Strength, LastTouch: formatDate(l.LastTouch)}
				}
			}
			gr.Strength = append(gr.Strength, cell)
		}
		v.Grid = append(v.Grid, gr)
	}
	h.render(w, r, status, "intel_relationships", v)
}

func (h *handler) intelSavePlacement(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelEditable(r, access.PartStakeholder)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	g := r.PostForm.Get
	var problem formErrors
	sid, err := h.intelStakeholderOf(r, a.ID, g("stakeholder_id"))
	if err != nil {
		problem.fromError(err, nil)
		h.renderMatrix(w, r, a, http.StatusUnprocessableEntity, problem)
		return
	}
	ctx := r.Context()
	m, err := h.db.StakeholderMap(ctx, h.guard.Scope(ctx), sid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m.Function = g("function")
	m.Influence, _ = strconv.Atoi(g("influence"))
	att, _ := strconv.Atoi(g("attitude"))
	m.Attitude = intel.Attitude(att)
	if err := h.db.SetStakeholderMap(ctx, h.guard.Scope(ctx), &m); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		problem.fromError(err, nil)
		h.renderMatrix(w, r, a, http.StatusUnprocessableEntity, problem)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/accounts/%d/relationships?done=placement", a.ID), http.StatusSeeOther)
}

// intelStakeholderOf reads a stakeholder id posted for account a.
func (h *handler) intelStakeholderOf(r *http.Request, accountID int64, raw string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil || id <= 0 {
		return 0, account.Invalid("stakeholder_id", "is required: pick a stakeholder")
	}
	s, err := h.db.Stakeholder(r.Context(), h.guard.Scope(r.Context()), id)
	if err != nil || s.AccountID != accountID {
		return 0, account.Invalid("stakeholder_id", "is not a stakeholder of this account")
	}
	return id, nil
}

func (h *handler) intelSaveStrength(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelEditable(r, access.PartStakeholder)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	g := r.PostForm.Get
	var problem formErrors
	sid, err := h.intelStakeholderOf(r, a.ID, g("stakeholder_id"))
	if err == nil {
		pid, perr := strconv.ParseInt(g("person_id"), 10, 64)
		if perr != nil || pid <= 0 {
			err = account.Invalid("person_id", "is required: pick one of our people")
		} else {
			rel := intel.Relationship{AccountID: a.ID, StakeholderID: sid, PersonID: pid, Strength: intel.Strength(g("strength")), Note: g("note")}
			err = h.db.SetRelationship(r.Context(), h.guard.Scope(r.Context()), &rel)
		}
	}
	if err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		problem.fromError(err, nil)
		h.renderMatrix(w, r, a, http.StatusUnprocessableEntity, problem)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/accounts/%d/relationships?done=strength", a.ID), http.StatusSeeOther)
}

func (h *handler) intelMarkLeft(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelEditable(r, access.PartStakeholder)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	g := r.PostForm.Get
	var problem formErrors
	sid, err := h.intelStakeholderOf(r, a.ID, g("stakeholder_id"))
	if err == nil {
		on, derr := account.ParseDate(strings.TrimSpace(g("left_on")))
		if derr != nil {
			err = account.Invalid("left_on", "must be a date such as 2026-03-02")
		} else {
			err = h.db.MarkStakeholderLeft(r.Context(), h.guard.Scope(r.Context()), sid, on, g("left_to"))
		}
	}
	if err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		problem.fromError(err, nil)
		h.renderMatrix(w, r, a, http.StatusUnprocessableEntity, problem)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/accounts/%d/relationships?done=left", a.ID), http.StatusSeeOther)
}

// The technology roadmap page.

type roadmapRowView struct {
	Product  intel.Product
	Item     *intel.RoadmapItem
	State    string
	Label    string
	Vision   string
	Contract string
	Form     roadmapForm
	Open     bool
}

type roadmapForm struct {
	State, Since, Contract, Fit, Value, Vision, Note string
	Errors                                           formErrors
}

type roadmapView struct {
	page
	A         account.Account
	Rows      []roadmapRowView
	States    []intel.State
	Contracts []account.Contract
	Vision    []intel.VisionItem
	CanEdit   bool
	Notice    string
	InPlace   int
	Open      int
	Total     int64
	Catalog   bool // any product at all
	CanPolicy bool
	Tabs      tabsView
}

var roadmapLabels = map[string]string{"state": "State", "since": "Since", "contract_id": "Contract", "fit": "Fit",
	"estimated_value": "Estimated value", "vision_item_id": "Vision item", "note": "Note", "product_id": "Product"}

func (h *handler) intelRoadmapPage(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderRoadmap(w, r, a, http.StatusOK, 0, roadmapForm{})
}

func roadmapFormOf(it *intel.RoadmapItem, currencyDigits int) roadmapForm {
	if it == nil {
		return roadmapForm{State: string(intel.CouldUse)}
	}
	f := roadmapForm{State: string(it.State), Since: it.Since.String(), Note: it.Note}
	if it.ContractID != nil {
		f.Contract = strconv.FormatInt(*it.ContractID, 10)
	}
	if it.VisionItemID != nil {
		f.Vision = strconv.FormatInt(*it.VisionItemID, 10)
	}
	if it.Fit > 0 {
		f.Fit = strconv.Itoa(it.Fit)
	}
	if it.EstimatedValue > 0 {
		f.Value = strconv.FormatInt(it.EstimatedValue/intelPow10(currencyDigits), 10)
	}
	return f
}

func intelPow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

func (h *handler) renderRoadmap(w http.ResponseWriter, r *http.Request, a account.Account, status int, failed int64, ff roadmapForm) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	products, err := h.db.Products(ctx, sc, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.db.Roadmap(ctx, sc, a.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	contracts, _, err := h.db.Contracts(ctx, sc, account.ContractFilter{AccountID: a.ID, Page: account.Page{Limit: account.MaxLimit}})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	vision, err := h.db.VisionItems(ctx, sc, a.ID, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := roadmapView{page: page{Title: "Roadmap · " + a.Name, Section: "accounts"}, A: a, States: intel.States, Contracts: contracts,
		CanEdit: h.guard.CanEdit(ctx, a.ID, intelPartTechnology) == nil, Notice: intelNotices[r.URL.Query().Get("done")],
		Catalog: len(products) > 0, CanPolicy: h.guard.Allow(ctx, access.SetPolicy) == nil, Tabs: tabsView{ID: a.ID, Tab: "roadmap"}}
	visionText := map[int64]string{}
	for _, it := range vision {
		visionText[it.ID] = it.Text
		if it.Current() {
			v.Vision = append(v.Vision, it)
		}
	}
	contractName := map[int64]string{}
	for _, c := range contracts {
		contractName[c.ID] = fmt.Sprintf("%s (%s)", c.Product, formatDate(c.Start))
	}
	byProduct := map[int64]*intel.RoadmapItem{}
	for i := range items {
		byProduct[items[i].ProductID] = &items[i]
	}
	digits := minorDigits(a.Currency)
	for _, p := range products {
		it := byProduct[p.ID]
		if p.Retired && it == nil {
			continue
		}
		row := roadmapRowView{Product: p, Item: it, Label: intel.StateLabel(""), Form: roadmapFormOf(it, digits)}
		if it != nil {
			row.State, row.Label = string(it.State), intel.StateLabel(it.State)
			if it.VisionItemID != nil {
				row.Vision = visionText[*it.VisionItemID]
			}
			if it.ContractID != nil {
				row.Contract = contractName[*it.ContractID]
			}
			switch {
			case it.State == intel.InPlace:
				v.InPlace++
			case it.State.Whitespace():
				v.Open++
				v.Total += it.EstimatedValue
			}
		}
		if p.ID == failed {
			row.Form, row.Open = ff, true
		}
		v.Rows = append(v.Rows, row)
	}
	h.render(w, r, status, "intel_roadmap", v)
}

func (h *handler) intelSaveRoadmap(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelEditable(r, intelPartTechnology)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pid, err := strconv.ParseInt(r.PathValue("pid"), 10, 64)
	if err != nil || pid <= 0 {
		h.fail(w, r, account.Errorf(account.ENOTFOUND, "There is no such product."))
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	g := r.PostForm.Get
	f := roadmapForm{State: g("state"), Since: g("since"), Contract: g("contract_id"), Fit: g("fit"), Value: g("estimated_value"),
		Vision: g("vision_item_id"), Note: g("note")}
	it := intel.RoadmapItem{AccountID: a.ID, ProductID: pid, State: intel.State(f.State), Note: f.Note}
	if it.Since, err = account.ParseDate(strings.TrimSpace(f.Since)); err != nil {
		f.Errors.add("since", roadmapLabels["since"], "must be a date such as 2025-01-31")
	}
	if it.ContractID, err = optionalID(f.Contract); err != nil {
		f.Errors.add("contract_id", roadmapLabels["contract_id"], err.Error())
	}
	if it.VisionItemID, err = optionalID(f.Vision); err != nil {
		f.Errors.add("vision_item_id", roadmapLabels["vision_item_id"], err.Error())
	}
	if fit, err := wholeNumber(f.Fit); err != nil {
		f.Errors.add("fit", roadmapLabels["fit"], "must be from 1 to 5")
	} else {
		it.Fit = int(min(fit, 100))
	}
	if val, err := wholeNumber(f.Value); err != nil {
		f.Errors.add("estimated_value", roadmapLabels["estimated_value"], err.Error())
	} else if val > 1<<50 {
		f.Errors.add("estimated_value", roadmapLabels["estimated_value"], "is too large")
	} else {
		it.EstimatedValue = val * intelPow10(minorDigits(a.Currency))
	}
	// Keep only what the state uses, so a changed state leaves no stale data.
	switch it.State {
	case intel.InPlace, intel.NotUsed:
		it.Fit, it.EstimatedValue, it.VisionItemID = 0, 0, nil
	case intel.CouldUse:
		it.Since, it.ContractID, it.VisionItemID = account.Date{}, nil, nil
	case intel.NeededForVision:
		it.Since, it.ContractID = account.Date{}, nil
	case intel.NotRelevant:
		it.Since, it.ContractID, it.Fit, it.EstimatedValue, it.VisionItemID = account.Date{}, nil, 0, 0, nil
	}
	ctx := r.Context()
	if !f.Errors.Any() {
		// Keep the opportunity already linked.
		if rm, err := h.db.Roadmap(ctx, h.guard.Scope(ctx), a.ID); err == nil {
			for _, old := range rm {
				if old.ProductID == pid {
					it.OpportunityID = old.OpportunityID
				}
			}
		}
		err = h.db.SetRoadmapItem(ctx, h.guard.Scope(ctx), &it)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/accounts/%d/roadmap?done=roadmap#product-%d", a.ID, pid), http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, roadmapLabels)
	} else {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	h.renderRoadmap(w, r, a, http.StatusUnprocessableEntity, pid, f)
}

func (h *handler) intelDeleteRoadmap(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelEditable(r, intelPartTechnology)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pid, err := strconv.ParseInt(r.PathValue("pid"), 10, 64)
	if err != nil || pid <= 0 {
		h.fail(w, r, account.Errorf(account.ENOTFOUND, "There is no such product."))
		return
	}
	if err := h.db.DeleteRoadmapItem(r.Context(), h.guard.Scope(r.Context()), a.ID, pid); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/accounts/%d/roadmap?done=roadmap-deleted", a.ID), http.StatusSeeOther)
}

// mapScope is the coverage scope of the principal: need-to-know narrows it
// to their accounts.
func (h *handler) mapScope(r *http.Request) store.MapScope {
	return store.MapScope{VisibleTo: h.guard.VisibleTo(r.Context())}
}
