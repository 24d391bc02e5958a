package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/staffing"
	"github.com/samwise-sam/samwise/internal/store"
)

// The workload board (/workload): every manager's load against capacity,
// the proposed moves a SAM leader accepts one by one, the accounts without
// an owner, and the staffing policy. Rules are in package staffing; this
// file only gathers, shows and posts. Changing anything on the board needs
// access.SetPolicy (leaders and administrators); under need-to-know other
// roles see only their own row, since the board would otherwise name every
// account.

// barView is a horizontal bar drawn as SVG (the CSP forbids style
// attributes, so widths are SVG geometry): Fill is the load up to the
// capacity, Over the part beyond it, Mark the capacity line; all on a
// 0-100 scale.
type barView struct {
	Fill, Over, OverX, Mark string
	// Pace, when set, marks where the value should be by now (goals).
	Pace       string
	Label      string
	Overloaded bool
}

// newBar draws value against limit on a scale whose full width is scale.
func newBar(value, limit, scale int, label string) barView {
	scale = max(scale, 1)
	pos := func(v int) float64 { return min(100, 100*float64(max(v, 0))/float64(scale)) }
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }
	b := barView{Label: label, Mark: f(pos(limit)), Fill: f(pos(min(value, limit))), OverX: f(pos(limit))}
	if value > limit {
		b.Overloaded = true
		b.Over = f(pos(value) - pos(limit))
	}
	return b
}

// managerRow is one line of the board.
type managerRow struct {
	staffing.ManagerLoad
	URL   string
	Bar   barView
	After int // load once the proposed moves are made
}

// Full reports a manager exactly at capacity.
func (m managerRow) Full() bool { return m.Load == m.Capacity && m.Capacity > 0 }

// OverBy is how far over capacity the manager is.
func (m managerRow) OverBy() int { return m.Load - m.Capacity }

// Changes reports whether the proposed moves change this manager's load.
func (m managerRow) Changes() bool { return m.After != m.Load }

type moveRow struct {
	staffing.Move
	FromName, ToName string
}

// orphanRow is an account without an owner.
type orphanRow struct {
	staffing.Account
	Load        int
	SuggestID   int64
	SuggestName string
}

// policyForm is the staffing policy form as typed.
type policyForm struct {
	A, B, C, DefaultCapacity, ExemptBelow string
	Errors                                formErrors
}

var policyLabels = map[string]string{
	"load_points.a": "A points", "load_points.b": "B points", "load_points.c": "C points",
	"default_capacity": "Default capacity", "exempt_below": "Exempt below",
}

var policyFieldOrder = []string{"load_points.a", "load_points.b", "load_points.c", "default_capacity", "exempt_below"}

var policyAnchors = map[string]string{"load_points.a": "points_a", "load_points.b": "points_b", "load_points.c": "points_c"}

func policyFormOf(s staffing.Settings, currency string) policyForm {
	return policyForm{A: strconv.Itoa(s.Points.A), B: strconv.Itoa(s.Points.B), C: strconv.Itoa(s.Points.C),
		DefaultCapacity: strconv.Itoa(s.DefaultCapacity), ExemptBelow: moneyInput(s.ExemptBelow, currency)}
}

type workloadView struct {
	page
	Notice     string
	Problem    string // a refused action, shown above the board
	Restricted bool   // need-to-know: only the principal's own row
	CanManage  bool   // accept moves, assign, exempt, edit the policy
	Settings   staffing.Settings
	Currency   string
	Load       int
	Capacity   int
	Rows       []managerRow
	Over       int // managers over capacity
	Moves      []moveRow
	Plan       staffing.Plan
	Unassigned []orphanRow
	Exempt     []orphanRow
	// The lists show their first workloadShown rows unless ?all=1: a
	// 100,000-account board can propose thousands of moves and leave
	// thousands of accounts without an owner, and a page of every one (each
	// with its own assign form) weighed 18 MB. The totals are the full counts.
	MovesTotal, UnassignedTotal, ExemptTotal int
	ShowAll                                  bool
	Choices                                  []managerRow // managers to assign to, most spare first
	Policy                                   policyForm

	board staffing.Workload
}

// workloadShown is how many rows each list of the workload page shows
// unless asked for all.
const workloadShown = 100

// Settled reports a board with nobody over capacity.
func (v workloadView) Settled() bool { return v.Over == 0 }

// workloadNotices are the messages after a successful post.
var workloadNotices = map[string]string{
	"policy":   "The staffing policy is saved; loads and proposals below use it.",
	"exempt":   "The account is marked exempt: it may stay without an owner.",
	"unexempt": "The exemption is removed: the account needs an owner again.",
	"noneleft": "Every manager is within capacity now.",
	"capacity": "The capacity is saved.",
	"goals":    "The goals are saved.",
}

// workload builds the board. It reads the board's inputs, then the
// relationships of the accounts that may move or need an owner: a fixed
// number of queries whatever the portfolio's size.
func (h *handler) workload(r *http.Request) (workloadView, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	v := workloadView{page: page{Title: "Workload", Section: "workload"}, CanManage: h.guard.Allow(ctx, access.SetPolicy) == nil}
	w, err := h.db.Workload(ctx, sc)
	if err != nil {
		return v, err
	}
	v.board, v.Settings, v.Currency = w, w.Settings, w.Currency()
	v.Policy = policyFormOf(w.Settings, v.Currency)
	visible := h.guard.VisibleTo(ctx)
	v.Restricted = visible != 0
	ids := w.Candidates()
	for _, a := range w.Unassigned {
		ids = append(ids, a.ID)
	}
	var related map[int64][]int64
	if !v.Restricted {
		if related, err = h.db.Relationships(ctx, sc, ids, h.now().Add(-store.RelationshipWindow)); err != nil {
			return v, err
		}
		v.Plan = staffing.Rebalance(w, related)
	}
	scale := 1
	for _, m := range w.Managers {
		scale = max(scale, m.Load, m.Capacity, v.Plan.After[m.ID])
	}
	names := map[int64]string{}
	for _, m := range w.Managers {
		names[m.ID] = m.Name
		if v.Restricted && m.ID != visible {
			continue
		}
		row := managerRow{ManagerLoad: m, URL: personURL(m.ID),
			Bar: newBar(m.Load, m.Capacity, scale, fmt.Sprintf("%d of %d points", m.Load, m.Capacity)), After: m.Load}
		if after, ok := v.Plan.After[m.ID]; ok {
			row.After = after
		}
		v.Rows = append(v.Rows, row)
		v.Load += m.Load
		v.Capacity += m.Capacity
		if m.Overloaded() {
			v.Over++
		}
	}
	if v.Restricted {
		return v, nil
	}
	v.ShowAll = r.URL.Query().Get("all") == "1"
	shown := func(n int) int {
		if v.ShowAll {
			return n
		}
		return min(n, workloadShown)
	}
	v.MovesTotal, v.UnassignedTotal, v.ExemptTotal = len(v.Plan.Moves), len(w.Unassigned), len(w.Exempt)
	for _, mv := range v.Plan.Moves[:shown(len(v.Plan.Moves))] {
		v.Moves = append(v.Moves, moveRow{Move: mv, FromName: names[mv.FromID], ToName: names[mv.ToID]})
	}
	orphan := func(a staffing.Account) orphanRow {
		o := orphanRow{Account: a, Load: w.Load(a)}
		if m, ok := w.Suggest(a, related[a.ID]); ok {
			o.SuggestID, o.SuggestName = m.ID, m.Name
		}
		return o
	}
	for _, a := range w.Unassigned[:shown(len(w.Unassigned))] {
		v.Unassigned = append(v.Unassigned, orphan(a))
	}
	for _, a := range w.Exempt[:shown(len(w.Exempt))] {
		v.Exempt = append(v.Exempt, orphanRow{Account: a, Load: w.Load(a)})
	}
	v.Choices = slices.Clone(v.Rows)
	slices.SortStableFunc(v.Choices, func(a, b managerRow) int { return b.Spare() - a.Spare() })
	return v, nil
}

func (h *handler) workloadPage(w http.ResponseWriter, r *http.Request) {
	v, err := h.workload(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v.Notice = workloadNotices[q.Get("done")]
	if id, err := strconv.ParseInt(q.Get("moved"), 10, 64); err == nil {
		v.Notice = h.movedNotice(v, id)
	}
	h.render(w, r, http.StatusOK, "workload", v)
}

// movedNotice says where an accepted move put the account, and whether the
// board is settled now.
func (h *handler) movedNotice(v workloadView, accountID int64) string {
	a, ok := v.board.Account(accountID)
	if !ok || a.OwnerID == 0 {
		return "Accepted."
	}
	m, _ := v.board.Manager(a.OwnerID)
	msg := "Accepted: " + a.Name + " now belongs to " + m.Name + "."
	if v.Settled() && len(v.Rows) > 0 {
		msg += " " + workloadNotices["noneleft"]
	}
	return msg
}

// refuse shows the board again with the reason an action was refused.
func (h *handler) refuse(w http.ResponseWriter, r *http.Request, status int, msg string, policy *policyForm) {
	v, err := h.workload(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Problem = msg
	if policy != nil {
		v.Policy = *policy
		v.Problem = ""
	}
	h.render(w, r, status, "workload", v)
}

// boardForm reads a posted board form and its account: the account must be
// readable and its owner changeable by the principal.
func (h *handler) boardForm(w http.ResponseWriter, r *http.Request) (staffing.Workload, staffing.Account, bool) {
	ctx := r.Context()
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return staffing.Workload{}, staffing.Account{}, false
	}
	id, err := strconv.ParseInt(r.PostForm.Get("account_id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, account.Invalid("account_id", "must name an account"))
		return staffing.Workload{}, staffing.Account{}, false
	}
	if err := h.guard.CanEdit(ctx, id, access.PartAccount); err != nil {
		h.fail(w, r, err)
		return staffing.Workload{}, staffing.Account{}, false
	}
	wl, err := h.db.Workload(ctx, h.guard.Scope(ctx))
	if err != nil {
		h.fail(w, r, err)
		return wl, staffing.Account{}, false
	}
	a, ok := wl.Account(id)
	if !ok {
		h.fail(w, r, account.Errorf(account.ENOTFOUND, "Account %d is not on the workload board (a former customer carries no load).", id))
		return wl, a, false
	}
	return wl, a, true
}

// acceptMove applies one proposed move (or assigns an account without an
// owner: from_id 0), after checking it still makes sense.
func (h *handler) acceptMove(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	wl, a, ok := h.boardForm(w, r)
	if !ok {
		return
	}
	from, errFrom := strconv.ParseInt(cmpOrZero(r.PostForm.Get("from_id")), 10, 64)
	to, errTo := strconv.ParseInt(r.PostForm.Get("to_id"), 10, 64)
	if errFrom != nil || errTo != nil || to <= 0 {
		h.refuse(w, r, http.StatusUnprocessableEntity, "Choose the manager the account should go to.", nil)
		return
	}
	if msg := wl.CheckMove(a, from, to); msg != "" {
		h.refuse(w, r, http.StatusConflict, msg, nil)
		return
	}
	if _, err := h.db.MoveAccount(ctx, h.guard.Scope(ctx), a.ID, from, to); err != nil {
		if account.ErrorCode(err) == account.ECONFLICT || account.ErrorCode(err) == account.EINVALID {
			h.refuse(w, r, http.StatusConflict, account.ErrorMessage(err), nil)
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/workload?moved="+strconv.FormatInt(a.ID, 10)+"#managers", http.StatusSeeOther)
}

func cmpOrZero(s string) string {
	if strings.TrimSpace(s) == "" {
		return "0"
	}
	return strings.TrimSpace(s)
}

// exemptAccount marks an account without an owner as one that may stay so.
func (h *handler) exemptAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, a, ok := h.boardForm(w, r)
	if !ok {
		return
	}
	if err := h.db.SetExemption(ctx, h.guard.Scope(ctx), a.ID, r.PostForm.Get("reason")); err != nil {
		if account.ErrorCode(err) == account.EINVALID {
			h.refuse(w, r, http.StatusUnprocessableEntity, "To exempt "+a.Name+", say why: "+account.ErrorMessage(err)+".", nil)
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/workload?done=exempt#exempt", http.StatusSeeOther)
}

func (h *handler) unexemptAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, a, ok := h.boardForm(w, r)
	if !ok {
		return
	}
	if err := h.db.ClearExemption(ctx, h.guard.Scope(ctx), a.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/workload?done=unexempt#unassigned", http.StatusSeeOther)
}

// savePolicy stores the staffing policy typed into the board's form.
func (h *handler) savePolicy(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	sc := h.guard.Scope(ctx)
	wl, err := h.db.Workload(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	currency := wl.Currency()
	g := r.PostForm.Get
	f := policyForm{A: g("points_a"), B: g("points_b"), C: g("points_c"), DefaultCapacity: g("default_capacity"), ExemptBelow: g("exempt_below")}
	var s staffing.Settings
	number := func(field, typed string, dst *int) {
		n, err := wholeNumber(typed)
		if err != nil || strings.TrimSpace(typed) == "" {
			f.Errors.add(field, policyLabels[field], "must be a whole number")
			return
		}
		*dst = int(min(max(n, -1), staffing.MaxCapacity+1))
	}
	number("load_points.a", f.A, &s.Points.A)
	number("load_points.b", f.B, &s.Points.B)
	number("load_points.c", f.C, &s.Points.C)
	number("default_capacity", f.DefaultCapacity, &s.DefaultCapacity)
	if s.ExemptBelow, err = parseMoney(f.ExemptBelow, currency); err != nil {
		f.Errors.add("exempt_below", policyLabels["exempt_below"], err.Error())
	}
	if !f.Errors.Any() {
		err = h.db.SetStaffingSettings(ctx, sc, s)
		if err == nil {
			http.Redirect(w, r, "/workload?done=policy#policy", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, policyLabels)
	}
	if f.Errors.Summary == "" {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	f.Errors.arrange(policyFieldOrder, policyAnchors)
	h.refuse(w, r, http.StatusUnprocessableEntity, "", &f)
}

func personURL(id int64) string { return "/people/" + strconv.FormatInt(id, 10) }
