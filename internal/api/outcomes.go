package api

import (
	"context"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/outcome"
	"github.com/samwise-sam/samwise/internal/store"
)

// Outcomes: problems and their resolution, renewals, and the measures of
// retention, revenue, lifetime value and program ROI. The formulas live in
// package outcome and are written out in docs/outcomes.md.

const (
	retentionDoc = "Over [from, to), for the accounts with ARR (annualised contract value) at from: logo retention " +
		"(accounts still customers at to ÷ cohort), gross revenue retention ((start ARR − churned − contraction) ÷ start ARR, " +
		"never above 1) and net revenue retention (GRR plus expansion, may exceed 1); accounts won during the period are not " +
		"in the cohort. Ratios are fractions (0.95 is 95%). Also by tier and for the strategic accounts against the rest, " +
		"with the organisation's target (logo retention of the key accounts). Defaults to the year before today."
	revenueDoc = "Open pipeline by stage (any expected close) weighted by each stage's probability, and business won and lost " +
		"in [from, to) with the win rate won ÷ (won + lost); per manager (the opportunity's owner, with their revenue goal when " +
		"the period is a goal period such as a year or quarter), per tier and for the strategic accounts. Defaults to this year."
	clvDoc = "Customer lifetime value with every input: m = ARR × margin, r = retention probability (fixed, or the " +
		"portfolio's GRR or logo retention over the last year), d = discount rate: CLV = m × (1 + d) ÷ (1 + d − r)."
	roiDoc = "Whether the strategic-account program pays over [from, to): the strategic accounts' ARR at to against what " +
		"they would have had with the net revenue retention of the rest of the portfolio, times the margin and the period in " +
		"years, less the cost of the account team's time on them (touches by kind × hours per kind × cost per hour), over that cost."
)

// outcomeRoutes registers this feature's operations.
func outcomeRoutes(api huma.API, h *handlers) {
	tags := []string{"Outcomes"}
	reg := func(id, method, path, summary, doc string, r access.Rule) huma.Operation {
		op := huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Description: doc, Tags: tags,
			Metadata: rule(r)}
		if method == http.MethodDelete {
			op.DefaultStatus = http.StatusNoContent
		}
		if method == http.MethodPost {
			op.DefaultStatus = http.StatusCreated
		}
		return op
	}
	register(api, h, reg("list-problems", http.MethodGet, "/api/v1/problems", "List problems",
		"Problems and avoided risks of the accounts you may read, each with where it stands against its target.", access.ReadRecords), h.listProblems)
	register(api, h, reg("create-problem", http.MethodPost, "/api/v1/problems", "Record a problem or an avoided risk",
		"kind avoided records prevention (resolved when recorded). Moving the status on stamps responded_at and resolved_at when not given.",
		access.WriteRecords), h.createProblem)
	register(api, h, reg("get-problem", http.MethodGet, "/api/v1/problems/{id}", "Get a problem", "", access.ReadRecords), h.getProblem)
	register(api, h, reg("replace-problem", http.MethodPut, "/api/v1/problems/{id}", "Replace a problem", "", access.WriteRecords), h.putProblem)
	register(api, h, reg("delete-problem", http.MethodDelete, "/api/v1/problems/{id}", "Delete a problem", "", access.WriteRecords), h.deleteProblem)
	register(api, h, reg("get-resolution-targets", http.MethodGet, "/api/v1/problems/targets", "Get the resolution targets",
		"Target response and resolution hours per tier and severity; untiered accounts use tier C's.", access.ReadRecords), h.getTargets)
	register(api, h, reg("set-resolution-targets", http.MethodPut, "/api/v1/problems/targets", "Set resolution targets",
		"Each target given replaces the one of its tier and severity.", access.SetPolicy), h.putTargets)
	register(api, h, reg("get-escalation-path", http.MethodGet, "/api/v1/accounts/{id}/escalation-path", "Get an account's escalation path", "", access.ReadRecords), h.getEscalation)
	register(api, h, reg("set-escalation-path", http.MethodPut, "/api/v1/accounts/{id}/escalation-path", "Record the escalation path agreed with the client",
		"Steps in order, at most 5.", access.WriteRecords), h.putEscalation)
	register(api, h, reg("list-renewals", http.MethodGet, "/api/v1/renewals", "List renewals",
		"Active and expired contracts whose renewal date (or end, when no renewal date is set) falls in the window, soonest first, a page at a time (next_cursor).",
		access.ReadRecords), h.listRenewals)
	register(api, h, reg("update-renewal", http.MethodPut, "/api/v1/renewals/{id}", "Record a contract's renewal forecast or outcome",
		"id is the contract's. renewed_value is the ARR after a renewal recorded without a successor contract (renewed defaults to the contract's value).",
		access.WriteRecords), h.putRenewal)
	register(api, h, reg("get-retention", http.MethodGet, "/api/v1/metrics/retention", "Measure retention", retentionDoc, access.ReadRecords), h.getRetention)
	register(api, h, reg("get-revenue", http.MethodGet, "/api/v1/metrics/revenue", "Measure revenue and pipeline", revenueDoc, access.ReadRecords), h.getRevenue)
	register(api, h, reg("get-roi", http.MethodGet, "/api/v1/metrics/roi", "Measure the program's return on investment", roiDoc, access.ReadRecords), h.getROI)
	register(api, h, reg("get-resolution", http.MethodGet, "/api/v1/metrics/resolution", "Measure response and resolution times",
		"Median and 90th percentile (nearest rank) of the time to respond and to resolve, over problems opened in [from, to), per manager and tier.",
		access.ReadRecords), h.getResolution)
	register(api, h, reg("get-clv", http.MethodGet, "/api/v1/accounts/{id}/clv", "Get an account's customer lifetime value", clvDoc, access.ReadRecords), h.getCLV)
	register(api, h, reg("get-outcome-settings", http.MethodGet, "/api/v1/outcomes/settings", "Get the outcome assumptions", "", access.ReadRecords), h.getOutcomeSettings)
	register(api, h, reg("set-outcome-settings", http.MethodPut, "/api/v1/outcomes/settings", "Replace the outcome assumptions",
		"Retention target, CLV margin, discount rate and retention source, ROI hours per touch kind and cost per hour, stage probabilities.",
		access.SetPolicy), h.putOutcomeSettings)
}

// ---- Problems --------------------------------------------------------------

// ProblemInput is what a client sets on a problem.
type ProblemInput struct {
	Kind          outcome.Kind     `json:"kind,omitempty" enum:"problem,avoided" default:"problem" doc:"avoided: a risk or problem prevented."`
	Title         string           `json:"title" minLength:"1" maxLength:"200"`
	Detail        string           `json:"detail,omitempty" maxLength:"5000"`
	Severity      outcome.Severity `json:"severity,omitempty" enum:"critical,high,medium,low" default:"medium"`
	ReportedBy    *int64           `json:"reported_by,omitempty" nullable:"true" doc:"The stakeholder of the account who reported it."`
	OwnerID       *int64           `json:"owner_id,omitempty" nullable:"true" doc:"Who of ours works on it."`
	AccountableID *int64           `json:"accountable_id,omitempty" nullable:"true" doc:"Who of ours answers for it."`
	Status        outcome.Status   `json:"status,omitempty" enum:"open,acknowledged,in_progress,resolved,closed" doc:"open by default (resolved for avoided ones)."`
	Escalation    int              `json:"escalation,omitempty" minimum:"0" maximum:"5" doc:"The step of the account's escalation path reached; 0 not escalated."`
	OpenedAt      *time.Time       `json:"opened_at,omitempty" nullable:"true" doc:"When it was reported; now when left out."`
	RespondedAt   *time.Time       `json:"responded_at,omitempty" nullable:"true"`
	ResolvedAt    *time.Time       `json:"resolved_at,omitempty" nullable:"true"`
}

// NewProblem is a problem to record on an account.
type NewProblem struct {
	AccountID int64 `json:"account_id" minimum:"1"`
	ProblemInput
}

// ProblemStanding is where a problem stands against its target.
type ProblemStanding struct {
	State        string     `json:"state" enum:",on_track,approaching,breached,met" doc:"Empty for avoided ones."`
	Deadline     string     `json:"deadline,omitempty" enum:",respond,resolve" doc:"The deadline that decides the state."`
	Due          *time.Time `json:"due,omitempty"`
	RespondHours float64    `json:"respond_hours" doc:"The target's response time."`
	ResolveHours float64    `json:"resolve_hours" doc:"The target's resolution time."`
}

// AccountProblem is a problem as the API returns it.
type AccountProblem struct {
	ID        int64 `json:"id"`
	AccountID int64 `json:"account_id"`
	ProblemInput
	Standing  ProblemStanding `json:"standing"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

func (in ProblemInput) record(id, accountID int64) outcome.Problem {
	p := outcome.Problem{ID: id, AccountID: accountID, Kind: in.Kind, Title: in.Title, Detail: in.Detail, Severity: in.Severity,
		ReportedBy: in.ReportedBy, OwnerID: in.OwnerID, AccountableID: in.AccountableID, Status: in.Status, Escalation: in.Escalation,
		RespondedAt: in.RespondedAt, ResolvedAt: in.ResolvedAt}
	if in.OpenedAt != nil {
		p.OpenedAt = *in.OpenedAt
	}
	return p
}

func problemOut(p outcome.Problem, t outcome.Target, now time.Time) AccountProblem {
	opened := instant(p.OpenedAt)
	inst := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		v := instant(*t)
		return &v
	}
	s := outcome.Stand(p, t, now)
	out := AccountProblem{ID: p.ID, AccountID: p.AccountID, ProblemInput: ProblemInput{Kind: p.Kind, Title: p.Title, Detail: p.Detail,
		Severity: p.Severity, ReportedBy: p.ReportedBy, OwnerID: p.OwnerID, AccountableID: p.AccountableID, Status: p.Status,
		Escalation: p.Escalation, OpenedAt: &opened, RespondedAt: inst(p.RespondedAt), ResolvedAt: inst(p.ResolvedAt)},
		Standing:  ProblemStanding{State: string(s.State), Deadline: s.Which, RespondHours: t.Respond.Hours(), ResolveHours: t.Resolve.Hours()},
		CreatedAt: instant(p.CreatedAt), UpdatedAt: instant(p.UpdatedAt)}
	if !s.Due.IsZero() {
		out.Standing.Due = inst(&s.Due)
	}
	return out
}

// problemsOut converts problems with their standings (one query for the
// accounts' tiers, one for the targets).
func (h *handlers) problemsOut(ctx context.Context, ps []outcome.Problem) ([]AccountProblem, error) {
	sc := h.guard.Scope(ctx)
	ts, err := h.db.ResolutionTargets(ctx, sc)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(ps))
	for _, p := range ps {
		ids = append(ids, p.AccountID)
	}
	slices.Sort(ids)
	badges, err := h.db.AccountBadges(ctx, sc, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([]AccountProblem, len(ps))
	for i, p := range ps {
		out[i] = problemOut(p, ts.For(string(badges[p.AccountID].Tier), p.Severity), now)
	}
	return out, nil
}

func (h *handlers) problemOne(ctx context.Context, p outcome.Problem) (AccountProblem, error) {
	out, err := h.problemsOut(ctx, []outcome.Problem{p})
	if err != nil {
		return AccountProblem{}, err
	}
	return out[0], nil
}

type listProblemsInput struct {
	PageParams
	Account  int64  `query:"account" minimum:"1" doc:"Only problems of this account."`
	Status   string `query:"status" enum:"open,acknowledged,in_progress,resolved,closed,active" doc:"A status, or active for those not resolved or closed."`
	Severity string `query:"severity" enum:"critical,high,medium,low"`
	Kind     string `query:"kind" enum:"problem,avoided"`
	Owner    int64  `query:"owner" minimum:"1" doc:"Only problems this person works on."`
	Q        string `query:"q" maxLength:"200" doc:"Matches the title, case-insensitively."`
	Sort     string `query:"sort" enum:"opened_at,-opened_at,severity,-severity,status,-status,updated_at,-updated_at" default:"opened_at"`
}

func (h *handlers) listProblems(ctx context.Context, in *listProblemsInput) (*listOutput[AccountProblem], error) {
	if ok, err := h.filterable(ctx, in.Account); err != nil {
		return nil, err
	} else if !ok {
		return &listOutput[AccountProblem]{Body: listBody[AccountProblem]{Items: []AccountProblem{}}}, nil
	}
	f := store.ProblemFilter{Page: in.page(in.Sort), AccountID: in.Account, Status: in.Status, Severity: in.Severity,
		Kind: in.Kind, OwnerID: in.Owner, Q: in.Q}
	f.VisibleTo = h.guard.VisibleTo(ctx)
	ps, next, err := h.db.Problems(ctx, h.guard.Scope(ctx), f)
	if err != nil {
		return nil, err
	}
	items, err := h.problemsOut(ctx, ps)
	if err != nil {
		return nil, err
	}
	return &listOutput[AccountProblem]{Body: listBody[AccountProblem]{Items: items, NextCursor: next}}, nil
}

func (h *handlers) createProblem(ctx context.Context, in *createInput[NewProblem]) (*created[AccountProblem], error) {
	if err := h.parentAccount(ctx, in.Body.AccountID, access.PartTouch); err != nil {
		return nil, err
	}
	p := in.Body.record(0, in.Body.AccountID)
	if err := h.db.CreateProblem(ctx, h.guard.Scope(ctx), &p); err != nil {
		return nil, err
	}
	out, err := h.problemOne(ctx, p)
	return &created[AccountProblem]{Location: location("problems", p.ID), Body: out}, err
}

func (h *handlers) getProblem(ctx context.Context, in *getInput) (*one[AccountProblem], error) {
	p, err := h.db.Problem(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	if err := h.guard.CanReadAccount(ctx, p.AccountID); err != nil {
		return nil, err
	}
	out, err := h.problemOne(ctx, p)
	return &one[AccountProblem]{Body: out}, err
}

func (h *handlers) editableProblem(ctx context.Context, id int64) (outcome.Problem, error) {
	p, err := h.db.Problem(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return p, err
	}
	return p, h.editable(ctx, p.AccountID, access.PartTouch)
}

func (h *handlers) putProblem(ctx context.Context, in *putInput[ProblemInput]) (*one[AccountProblem], error) {
	cur, err := h.editableProblem(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	p := in.Body.record(cur.ID, cur.AccountID)
	if err := h.db.UpdateProblem(ctx, h.guard.Scope(ctx), &p); err != nil {
		return nil, err
	}
	out, err := h.problemOne(ctx, p)
	return &one[AccountProblem]{Body: out}, err
}

func (h *handlers) deleteProblem(ctx context.Context, in *deleteInput) (*struct{}, error) {
	if _, err := h.editableProblem(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.DeleteProblem(ctx, h.guard.Scope(ctx), in.ID)
}

// ResolutionTarget is the target of a tier and severity.
type ResolutionTarget struct {
	Tier         string           `json:"tier" enum:"A,B,C"`
	Severity     outcome.Severity `json:"severity" enum:"critical,high,medium,low"`
	RespondHours float64          `json:"respond_hours" minimum:"0.0167" maximum:"8760"`
	ResolveHours float64          `json:"resolve_hours" minimum:"0.0167" maximum:"8760"`
}

// ResolutionTargets are the targets of every tier and severity.
type ResolutionTargets struct {
	Targets []ResolutionTarget `json:"targets" nullable:"false" maxItems:"12"`
}

func targetsOut(ts outcome.Targets) ResolutionTargets {
	out := ResolutionTargets{Targets: []ResolutionTarget{}}
	for _, t := range ts.List() {
		out.Targets = append(out.Targets, ResolutionTarget{Tier: t.Tier, Severity: t.Severity, RespondHours: t.Respond.Hours(), ResolveHours: t.Resolve.Hours()})
	}
	return out
}

func (h *handlers) getTargets(ctx context.Context, _ *struct{}) (*one[ResolutionTargets], error) {
	ts, err := h.db.ResolutionTargets(ctx, h.guard.Scope(ctx))
	if err != nil {
		return nil, err
	}
	return &one[ResolutionTargets]{Body: targetsOut(ts)}, nil
}

func (h *handlers) putTargets(ctx context.Context, in *createInput[ResolutionTargets]) (*one[ResolutionTargets], error) {
	sc := h.guard.Scope(ctx)
	var ts []outcome.Target
	for _, t := range in.Body.Targets {
		ts = append(ts, outcome.Target{Tier: t.Tier, Severity: t.Severity, Respond: hours(t.RespondHours), Resolve: hours(t.ResolveHours)})
	}
	if err := h.db.SetResolutionTargets(ctx, sc, ts); err != nil {
		return nil, err
	}
	return h.getTargets(ctx, nil)
}

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)).Round(time.Minute) }

// EscalationPathInput is the escalation path agreed with a client.
type EscalationPathInput struct {
	Steps    []string      `json:"steps" nullable:"false" maxItems:"5" doc:"In order: who is called at each step."`
	AgreedOn *account.Date `json:"agreed_on,omitempty" nullable:"true" format:"date"`
}

func (h *handlers) getEscalation(ctx context.Context, in *getInput) (*one[store.EscalationPath], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	p, err := h.db.EscalationPath(ctx, h.guard.Scope(ctx), in.ID)
	return &one[store.EscalationPath]{Body: p}, err
}

func (h *handlers) putEscalation(ctx context.Context, in *putInput[EscalationPathInput]) (*one[store.EscalationPath], error) {
	if err := h.editable(ctx, in.ID, access.PartAccount); err != nil {
		return nil, err
	}
	p := store.EscalationPath{AccountID: in.ID, Steps: in.Body.Steps, AgreedOn: dateOf(in.Body.AgreedOn)}
	if err := h.db.SetEscalationPath(ctx, h.guard.Scope(ctx), &p); err != nil {
		return nil, err
	}
	return h.getEscalation(ctx, &getInput{IDParam{ID: in.ID}})
}

// ---- Renewals --------------------------------------------------------------

type listRenewalsInput struct {
	Within   int    `query:"within" minimum:"0" maximum:"366" default:"180" doc:"Days ahead of today: the calendar uses 30, 60, 90 and 180. Ignored with from and to."`
	From     string `query:"from" pattern:"^\\d{4}-\\d{2}-\\d{2}$" doc:"With to: renewals on days in [from, to) instead of within."`
	To       string `query:"to" pattern:"^\\d{4}-\\d{2}-\\d{2}$"`
	Forecast string `query:"forecast" enum:"likely,at_risk,lost,none" doc:"none: not forecast yet."`
	Outcome  string `query:"outcome" enum:"renewed,expanded,contracted,churned,none" doc:"none: still undecided."`
	Account  int64  `query:"account" minimum:"1"`
	Limit    int    `query:"limit" minimum:"1" maximum:"1000" default:"1000" doc:"Renewals per page."`
	Cursor   string `query:"cursor" maxLength:"200" doc:"Opaque cursor: the next_cursor of the previous page. Keep the other parameters the same."`
}

// RenewalList is the renewals of a window, one page of them.
type RenewalList struct {
	From       account.Date    `json:"from" format:"date"`
	To         account.Date    `json:"to" format:"date"`
	Items      []store.Renewal `json:"items" nullable:"false"`
	NextCursor string          `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page."`
}

// renewalCursor and parseRenewalCursor carry a renewal's place in the
// calendar's order (day and contract id) between pages.
func renewalCursor(k store.RenewalKey) string {
	return base64.RawURLEncoding.EncodeToString([]byte(k.On.String() + "|" + strconv.FormatInt(k.ContractID, 10)))
}

func parseRenewalCursor(c string) (store.RenewalKey, error) {
	bad := account.Invalid("cursor", "is not a cursor this list returned")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return store.RenewalKey{}, bad
	}
	day, id, ok := strings.Cut(string(raw), "|")
	if !ok {
		return store.RenewalKey{}, bad
	}
	on, err := account.ParseDate(day)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err != nil || err2 != nil || n <= 0 {
		return store.RenewalKey{}, bad
	}
	return store.RenewalKey{On: on, ContractID: n}, nil
}

func (h *handlers) listRenewals(ctx context.Context, in *listRenewalsInput) (*one[RenewalList], error) {
	today := account.DateOf(time.Now())
	from, to := today, today.AddDays(max(in.Within, 0)+1)
	if in.From != "" || in.To != "" {
		var err error
		if from, to, err = period(in.From, in.To, from, to); err != nil {
			return nil, err
		}
	}
	if ok, err := h.filterable(ctx, in.Account); err != nil {
		return nil, err
	} else if !ok {
		return &one[RenewalList]{Body: RenewalList{From: from, To: to, Items: []store.Renewal{}}}, nil
	}
	f := store.RenewalFilter{From: from, To: to, Forecast: in.Forecast, Outcome: in.Outcome,
		AccountID: in.Account, VisibleTo: h.guard.VisibleTo(ctx), Limit: in.Limit + 1}
	if in.Cursor != "" {
		var err error
		if f.After, err = parseRenewalCursor(in.Cursor); err != nil {
			return nil, err
		}
	}
	rs, err := h.db.Renewals(ctx, h.guard.Scope(ctx), f)
	if err != nil {
		return nil, err
	}
	out := RenewalList{From: from, To: to, Items: rs}
	if len(rs) > in.Limit {
		out.Items = rs[:in.Limit]
		out.NextCursor = renewalCursor(rs[in.Limit-1].Key())
	}
	return &one[RenewalList]{Body: out}, nil
}

// RenewalInput is what may be recorded about a renewal.
type RenewalInput struct {
	RenewalDate  *account.Date          `json:"renewal_date,omitempty" nullable:"true" format:"date" doc:"When it comes up for renewal; its end when null."`
	NoticeDays   int                    `json:"notice_days,omitempty" minimum:"0" maximum:"730"`
	OwnerID      *int64                 `json:"owner_id,omitempty" nullable:"true"`
	Forecast     outcome.Forecast       `json:"forecast,omitempty" enum:",likely,at_risk,lost"`
	Outcome      outcome.RenewalOutcome `json:"outcome,omitempty" enum:",renewed,expanded,contracted,churned"`
	Reason       string                 `json:"reason,omitempty" maxLength:"1000" doc:"Required for churned and contracted."`
	SuccessorID  *int64                 `json:"successor_id,omitempty" nullable:"true" doc:"The contract of the same account that continues it."`
	RenewedValue int64                  `json:"renewed_value,omitempty" minimum:"0" doc:"ARR after the renewal, minor units, when no successor contract carries it."`
}

func (h *handlers) putRenewal(ctx context.Context, in *putInput[RenewalInput]) (*one[store.Renewal], error) {
	sc := h.guard.Scope(ctx)
	c, err := h.db.Contract(ctx, sc, in.ID)
	if err != nil {
		return nil, err
	}
	if err := h.editable(ctx, c.AccountID, access.PartContract); err != nil {
		return nil, err
	}
	b := in.Body
	x, err := h.db.UpdateRenewal(ctx, sc, in.ID, store.RenewalUpdate{RenewalDate: dateOf(b.RenewalDate), NoticeDays: b.NoticeDays,
		OwnerID: b.OwnerID, Forecast: b.Forecast, Outcome: b.Outcome, Reason: b.Reason, SuccessorID: b.SuccessorID, RenewedValue: b.RenewedValue})
	if err != nil {
		return nil, err
	}
	return &one[store.Renewal]{Body: x}, nil
}

// ---- Measures --------------------------------------------------------------

// PeriodParams are the period of a measure.
type PeriodParams struct {
	From string `query:"from" pattern:"^\\d{4}-\\d{2}-\\d{2}$" doc:"First day of the period, YYYY-MM-DD."`
	To   string `query:"to" pattern:"^\\d{4}-\\d{2}-\\d{2}$" doc:"The first day after the period, YYYY-MM-DD."`
}

type metricsInput struct {
	PeriodParams
	Tier string `query:"tier" enum:"A,B,C,-" doc:"Only accounts of this tier; - for untiered ones."`
}

// period reads from and to, with defaults for those left out.
func period(from, to string, defFrom, defTo account.Date) (account.Date, account.Date, error) {
	f, t := defFrom, defTo
	var err error
	if from != "" {
		if f, err = account.ParseDate(from); err != nil {
			return f, t, account.Invalid("from", "is not a day of the form YYYY-MM-DD")
		}
	}
	if to != "" {
		if t, err = account.ParseDate(to); err != nil {
			return f, t, account.Invalid("to", "is not a day of the form YYYY-MM-DD")
		}
	}
	if !f.Before(t) {
		return f, t, account.Invalid("to", "must be after from")
	}
	return f, t, nil
}

func lastYear() (account.Date, account.Date) {
	today := account.DateOf(time.Now())
	return today.AddDays(-365), today
}

func thisYear() (account.Date, account.Date) {
	y := time.Now().Year()
	return account.Date{Year: y, Month: 1, Day: 1}, account.Date{Year: y + 1, Month: 1, Day: 1}
}

func (h *handlers) getRetention(ctx context.Context, in *metricsInput) (*one[outcome.RetentionReport], error) {
	df, dt := lastYear()
	from, to, err := period(in.From, in.To, df, dt)
	if err != nil {
		return nil, err
	}
	rep, err := h.db.RetentionReport(ctx, h.guard.Scope(ctx), from, to, in.Tier)
	return &one[outcome.RetentionReport]{Body: rep}, err
}

// ManagerRevenue is a manager's revenue figures.
type ManagerRevenue struct {
	PersonID int64  `json:"person_id" doc:"0 for accounts without an owner."`
	Name     string `json:"name"`
	outcome.Revenue
}

// RevenueReport is a period's revenue figures.
type RevenueReport struct {
	From      account.Date               `json:"from" format:"date"`
	To        account.Date               `json:"to" format:"date"`
	Period    string                     `json:"period" doc:"The goal period the dates are (2026, 2026-Q1), empty if none: goals only then."`
	Currency  string                     `json:"currency"`
	All       outcome.Revenue            `json:"all"`
	Strategic outcome.Revenue            `json:"strategic"`
	Rest      outcome.Revenue            `json:"rest"`
	Tiers     map[string]outcome.Revenue `json:"tiers"`
	Managers  []ManagerRevenue           `json:"managers" nullable:"false"`
}

func (h *handlers) getRevenue(ctx context.Context, in *metricsInput) (*one[RevenueReport], error) {
	df, dt := thisYear()
	from, to, err := period(in.From, in.To, df, dt)
	if err != nil {
		return nil, err
	}
	m, err := h.db.Revenue(ctx, h.guard.Scope(ctx), from, to, in.Tier)
	if err != nil {
		return nil, err
	}
	return &one[RevenueReport]{Body: revenueOut(m)}, nil
}

func revenueOut(m store.RevenueMeasures) RevenueReport {
	out := RevenueReport{From: m.From, To: m.To, Period: m.Period, Currency: m.Currency, All: m.All, Strategic: m.Strategic,
		Rest: m.Rest, Tiers: m.Tiers, Managers: []ManagerRevenue{}}
	for id, r := range m.Managers {
		out.Managers = append(out.Managers, ManagerRevenue{PersonID: id, Name: m.Names[id], Revenue: *r})
	}
	slices.SortFunc(out.Managers, func(a, b ManagerRevenue) int {
		if a.Won != b.Won {
			return int(min(max(b.Won-a.Won, -1), 1))
		}
		return int(a.PersonID - b.PersonID)
	})
	return out
}

// ROIReport is the program ROI with every input.
type ROIReport struct {
	From account.Date `json:"from" format:"date"`
	To   account.Date `json:"to" format:"date"`
	outcome.ROI
	Formula string `json:"formula"`
}

// ROIFormula says how the ROI is computed.
const ROIFormula = "ROI = (extra ARR × margin × years − hours × cost per hour) ÷ (hours × cost per hour), " +
	"extra ARR = strategic ARR at to − strategic ARR at from × NRR of the rest"

func (h *handlers) getROI(ctx context.Context, in *struct{ PeriodParams }) (*one[ROIReport], error) {
	df, dt := lastYear()
	from, to, err := period(in.From, in.To, df, dt)
	if err != nil {
		return nil, err
	}
	roi, _, err := h.db.ProgramROI(ctx, h.guard.Scope(ctx), from, to, time.UTC)
	return &one[ROIReport]{Body: ROIReport{From: from, To: to, ROI: roi, Formula: ROIFormula}}, err
}

// Times is a summary of durations, in hours.
type Times struct {
	N      int     `json:"n"`
	Median float64 `json:"median_hours"`
	P90    float64 `json:"p90_hours"`
}

// ResolutionGroup is a group's response and resolution measures.
type ResolutionGroup struct {
	Key         string `json:"key" doc:"all, a tier (A, B, C, empty for untiered) or a manager's person id (0: no owner)."`
	Name        string `json:"name,omitempty"`
	Respond     Times  `json:"respond"`
	Resolve     Times  `json:"resolve"`
	Open        int    `json:"open"`
	Resolved    int    `json:"resolved"`
	Avoided     int    `json:"avoided"`
	Breached    int    `json:"breached"`
	Approaching int    `json:"approaching"`
}

// ResolutionReport is a period's resolution measures.
type ResolutionReport struct {
	From     account.Date      `json:"from" format:"date"`
	To       account.Date      `json:"to" format:"date"`
	All      ResolutionGroup   `json:"all"`
	Tiers    []ResolutionGroup `json:"tiers" nullable:"false"`
	Managers []ResolutionGroup `json:"managers" nullable:"false"`
}

func timesOf(d outcome.Durations) Times {
	return Times{N: d.N, Median: d.Median.Hours(), P90: d.P90.Hours()}
}

func groupOf(key string, r outcome.Resolution) ResolutionGroup {
	return ResolutionGroup{Key: key, Respond: timesOf(r.Respond), Resolve: timesOf(r.Resolve), Open: r.Open, Resolved: r.Resolved,
		Avoided: r.Avoided, Breached: r.Breached, Approaching: r.Near}
}

func (h *handlers) getResolution(ctx context.Context, in *struct{ PeriodParams }) (*one[ResolutionReport], error) {
	df, dt := lastYear()
	from, to, err := period(in.From, in.To, df, dt)
	if err != nil {
		return nil, err
	}
	sc := h.guard.Scope(ctx)
	m, err := h.db.Resolution(ctx, sc, 0, from.Time(), to.Time(), time.Now())
	if err != nil {
		return nil, err
	}
	out := ResolutionReport{From: from, To: to, All: groupOf("all", m.All), Tiers: []ResolutionGroup{}, Managers: []ResolutionGroup{}}
	for _, t := range []string{"A", "B", "C", ""} {
		if r, ok := m.Tiers[t]; ok {
			out.Tiers = append(out.Tiers, groupOf(t, r))
		}
	}
	people, err := h.db.AllPeople(ctx, sc)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, p := range people {
		names[p.ID] = p.Name
	}
	for id, r := range m.Managers {
		g := groupOf(strconv.FormatInt(id, 10), r)
		g.Name = names[id]
		out.Managers = append(out.Managers, g)
	}
	slices.SortFunc(out.Managers, func(a, b ResolutionGroup) int { return compareStrings(a.Name, b.Name) })
	return &one[ResolutionReport]{Body: out}, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// AccountCLV is an account's lifetime value with every input.
type AccountCLV struct {
	AccountID int64        `json:"account_id"`
	On        account.Date `json:"on" format:"date" doc:"The day the ARR is read."`
	outcome.CLV
}

func (h *handlers) getCLV(ctx context.Context, in *getInput) (*one[AccountCLV], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	today := account.DateOf(time.Now())
	c, err := h.db.AccountCLV(ctx, h.guard.Scope(ctx), in.ID, today)
	return &one[AccountCLV]{Body: AccountCLV{AccountID: in.ID, On: today, CLV: c}}, err
}

// OutcomeSettings are the assumptions of the outcome measures.
type OutcomeSettings struct {
	RetentionTarget float64            `json:"retention_target" minimum:"0.01" maximum:"1" doc:"Logo retention of key accounts aimed at (0.95 is 95%)."`
	MarginPercent   float64            `json:"margin_percent" minimum:"0" maximum:"100" doc:"Gross margin on revenue, percent."`
	DiscountRate    float64            `json:"discount_rate" minimum:"0" maximum:"1" doc:"Yearly discount rate of the CLV (0.1 is 10%)."`
	RetentionSource string             `json:"retention_source" enum:"fixed,grr,logo" doc:"Where the CLV's retention probability comes from."`
	FixedRetention  float64            `json:"fixed_retention" minimum:"0" maximum:"0.999" doc:"The retention probability when the source is fixed."`
	HoursPerTouch   map[string]float64 `json:"hours_per_touch" doc:"Account-team hours a touch of each kind takes (meeting, call, email, business_review, event, other)."`
	CostPerHour     int64              `json:"cost_per_hour" minimum:"0" doc:"Cost of an hour of account-team time, minor units."`
	Probabilities   map[string]float64 `json:"probabilities" doc:"Chance of winning of each open stage (prospecting, engaging, proposal), percent."`
}

func outcomeSettingsOut(s outcome.Settings) OutcomeSettings {
	out := OutcomeSettings{RetentionTarget: s.RetentionTarget, MarginPercent: s.MarginPercent, DiscountRate: s.DiscountRate,
		RetentionSource: s.RetentionSource, FixedRetention: s.FixedRetention, CostPerHour: s.CostPerHour,
		HoursPerTouch: map[string]float64{}, Probabilities: map[string]float64{}}
	for k, v := range s.HoursPerTouch {
		out.HoursPerTouch[string(k)] = v
	}
	for k, v := range s.Probabilities {
		out.Probabilities[string(k)] = v
	}
	return out
}

func (h *handlers) getOutcomeSettings(ctx context.Context, _ *struct{}) (*one[OutcomeSettings], error) {
	s, err := h.db.OutcomeSettings(ctx, h.guard.Scope(ctx))
	if err != nil {
		return nil, err
	}
	return &one[OutcomeSettings]{Body: outcomeSettingsOut(s)}, nil
}

func (h *handlers) putOutcomeSettings(ctx context.Context, in *createInput[OutcomeSettings]) (*one[OutcomeSettings], error) {
	b := in.Body
	s := outcome.Settings{RetentionTarget: b.RetentionTarget, MarginPercent: b.MarginPercent, DiscountRate: b.DiscountRate,
		RetentionSource: b.RetentionSource, FixedRetention: b.FixedRetention, CostPerHour: b.CostPerHour,
		HoursPerTouch: map[account.TouchKind]float64{}, Probabilities: map[account.Stage]float64{}}
	for k, v := range b.HoursPerTouch {
		s.HoursPerTouch[account.TouchKind(k)] = v
	}
	for k, v := range b.Probabilities {
		s.Probabilities[account.Stage(k)] = v
	}
	sc := h.guard.Scope(ctx)
	if err := h.db.SetOutcomeSettings(ctx, sc, s); err != nil {
		return nil, err
	}
	return h.getOutcomeSettings(ctx, nil)
}
