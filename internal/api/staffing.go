package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/staffing"
	"github.com/samwise-sam/samwise/internal/store"
)

// Staffing: the workload board with its proposed moves, the staffing
// policy, capacities, goals, account teams and their deliverables. The rules
// live in package staffing; see its documentation for the formulas and the
// rebalancing algorithm.

const (
	workloadDoc = "Every manager's load (tier points of the accounts they own; untiered counts as C) against capacity, " +
		"the accounts without an owner, and the moves that bring everyone within capacity with the fewest accounts and " +
		"the least revenue moved. Under need-to-know, non-leaders see only their own row."
	acceptDoc = "Changes the account's owner from from_id to to_id, audited as any owner change. 409 when the proposal " +
		"is out of date: the owner is no longer from_id, or to_id no longer has room. from_id 0 assigns an account without an owner."
	teamDoc        = "Every account-team role with the people holding it and its deliverable's state; the owner counts as the account manager."
	deliverableDoc = "Records the key deliverable of a team role. Allowed to those who may edit the account's team, " +
		"to the people holding the role on the account and to the deliverable's owner. Fields left out take the role's defaults."
)

// staffingRoutes registers the staffing operations (called from routes).
func staffingRoutes(api huma.API, h *handlers) {
	tags := []string{"Staffing"}
	register(api, h, huma.Operation{OperationID: "get-workload", Method: http.MethodGet, Path: "/api/v1/workload",
		Summary: "Get the workload board and proposed moves", Description: workloadDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getWorkload)
	register(api, h, huma.Operation{OperationID: "accept-move", Method: http.MethodPost, Path: "/api/v1/workload/moves",
		Summary: "Accept a proposed move (or assign an account)", Description: acceptDoc, Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.acceptMove)
	register(api, h, huma.Operation{OperationID: "get-staffing-settings", Method: http.MethodGet, Path: "/api/v1/workload/settings",
		Summary: "Get the staffing policy", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getStaffingSettings)
	register(api, h, huma.Operation{OperationID: "replace-staffing-settings", Method: http.MethodPut, Path: "/api/v1/workload/settings",
		Summary: "Replace the staffing policy", Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.putStaffingSettings)
	register(api, h, huma.Operation{OperationID: "set-capacity", Method: http.MethodPut, Path: "/api/v1/people/{id}/capacity",
		Summary: "Set a person's capacity", Description: "null returns them to the organisation's default capacity.", Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.putCapacity)
	register(api, h, huma.Operation{OperationID: "get-goals", Method: http.MethodGet, Path: "/api/v1/people/{id}/goals",
		Summary: "Get a person's goals and progress for a period", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getGoals)
	register(api, h, huma.Operation{OperationID: "set-goals", Method: http.MethodPut, Path: "/api/v1/people/{id}/goals/{period}",
		Summary: "Set a person's goals for a period", Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.putGoals)
	register(api, h, huma.Operation{OperationID: "set-exemption", Method: http.MethodPut, Path: "/api/v1/accounts/{id}/exemption",
		Summary: "Exempt an account from needing an owner", Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.putExemption)
	register(api, h, huma.Operation{OperationID: "delete-exemption", Method: http.MethodDelete, Path: "/api/v1/accounts/{id}/exemption",
		Summary: "Remove an account's exemption", Tags: tags, DefaultStatus: http.StatusNoContent,
		Metadata: rule(access.SetPolicy)}, h.deleteExemption)
	register(api, h, huma.Operation{OperationID: "get-account-team", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/team",
		Summary: "Get an account's team and deliverables", Description: teamDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getTeam)
	register(api, h, huma.Operation{OperationID: "replace-account-team", Method: http.MethodPut, Path: "/api/v1/accounts/{id}/team",
		Summary: "Replace an account's team", Description: "The team becomes exactly the members given; each change is audited.", Tags: tags,
		Metadata: rule(access.WriteRecords)}, h.putTeam)
	register(api, h, huma.Operation{OperationID: "set-deliverable", Method: http.MethodPut, Path: "/api/v1/accounts/{id}/deliverables/{role}",
		Summary: "Record a team role's deliverable", Description: deliverableDoc, Tags: tags,
		Metadata: rule(access.WriteRecords)}, h.putDeliverable)
	register(api, h, huma.Operation{OperationID: "list-deliverables", Method: http.MethodGet, Path: "/api/v1/deliverables",
		Summary: "List deliverables needing attention", Tags: tags,
		Description: "Across the accounts you may read: stale, due soon, or missing (no link or note, or a role held with nothing recorded), worst first; at most 500.",
		Metadata:    rule(access.ReadRecords)}, h.listDeliverables)
}

// StaffingSettings is the staffing policy.
type StaffingSettings struct {
	LoadPoints      LoadPoints `json:"load_points"`
	DefaultCapacity int        `json:"default_capacity" minimum:"0" maximum:"100000" doc:"Capacity in load points of a manager without one of their own."`
	ExemptBelow     int64      `json:"exempt_below" minimum:"0" doc:"Accounts whose revenue (minor units) is below this may stay without an owner; 0 for none."`
}

// LoadPoints are the load points per tier.
type LoadPoints struct {
	A int `json:"a" minimum:"0" maximum:"100"`
	B int `json:"b" minimum:"0" maximum:"100"`
	C int `json:"c" minimum:"0" maximum:"100" doc:"Also the points of an account not tiered yet."`
}

func settingsOut(s staffing.Settings) StaffingSettings {
	return StaffingSettings{LoadPoints: LoadPoints{A: s.Points.A, B: s.Points.B, C: s.Points.C},
		DefaultCapacity: s.DefaultCapacity, ExemptBelow: s.ExemptBelow}
}

// TierCounts counts a manager's accounts by tier.
type TierCounts struct {
	A        int `json:"a"`
	B        int `json:"b"`
	C        int `json:"c"`
	Untiered int `json:"untiered"`
}

// ManagerLoad is one manager on the board.
type ManagerLoad struct {
	PersonID       int64      `json:"person_id"`
	Name           string     `json:"name"`
	Capacity       int        `json:"capacity"`
	CapacitySet    bool       `json:"capacity_set" doc:"False when the organisation's default capacity applies."`
	Load           int        `json:"load"`
	Accounts       int        `json:"accounts"`
	Tiers          TierCounts `json:"tiers"`
	Overloaded     bool       `json:"overloaded" doc:"Load above capacity."`
	LoadAfterMoves int        `json:"load_after_moves" doc:"The load once every proposed move is made."`
}

// StaffedAccount is an account without an owner.
type StaffedAccount struct {
	ID               int64    `json:"id"`
	Name             string   `json:"name"`
	Tier             string   `json:"tier" doc:"A, B, C, or empty when not tiered yet."`
	StrategicScore   *float64 `json:"strategic_score" doc:"Strategic Score 0-100, or null when not scored."`
	Strategic        bool     `json:"strategic" doc:"Designated a strategic account."`
	Load             int      `json:"load"`
	Revenue          int64    `json:"revenue" doc:"Annual value of active contracts, minor units."`
	Currency         string   `json:"currency"`
	Exempt           bool     `json:"exempt" doc:"Marked exempt (as opposed to exempt by the revenue policy)."`
	ExemptReason     string   `json:"exempt_reason,omitempty"`
	SuggestedOwnerID int64    `json:"suggested_owner_id,omitempty" doc:"A manager with room, preferring one who knows the account."`
}

// Move is a proposed change of owner.
type Move struct {
	AccountID      int64    `json:"account_id"`
	AccountName    string   `json:"account_name"`
	Tier           string   `json:"tier" doc:"The account's A-B-C tier, or empty when not tiered yet."`
	StrategicScore *float64 `json:"strategic_score" doc:"The account's Strategic Score 0-100, or null when not scored."`
	Strategic      bool     `json:"strategic" doc:"The account is designated strategic."`
	FromID         int64    `json:"from_id"`
	ToID           int64    `json:"to_id"`
	Load           int      `json:"load"`
	Revenue        int64    `json:"revenue"`
	Currency       string   `json:"currency"`
	Related        bool     `json:"related" doc:"The receiver is on the account's team or attended one of its touches in the last year."`
}

// Workload is the board.
type Workload struct {
	Settings   StaffingSettings `json:"settings"`
	Restricted bool             `json:"restricted" doc:"Need-to-know: only your own row is shown, without moves or unassigned accounts."`
	Managers   []ManagerLoad    `json:"managers" nullable:"false"`
	Unassigned []StaffedAccount `json:"unassigned" nullable:"false" doc:"Accounts without an owner that need one."`
	Exempt     []StaffedAccount `json:"exempt" nullable:"false" doc:"Accounts without an owner that may stay so."`
	Moves      []Move           `json:"moves" nullable:"false" doc:"Proposed moves, to be accepted one at a time."`
	Exact      bool             `json:"exact" doc:"The moves are proven the best set; false when found by the fast method for large portfolios."`
	Overflow   int              `json:"overflow" doc:"Load points still over capacity once every move is made; 0 when the moves settle everyone."`
}

type workloadOutput struct{ Body Workload }

func (h *handlers) getWorkload(ctx context.Context, _ *struct{}) (*workloadOutput, error) {
	sc := h.guard.Scope(ctx)
	w, err := h.db.Workload(ctx, sc)
	if err != nil {
		return nil, err
	}
	out := Workload{Settings: settingsOut(w.Settings), Managers: []ManagerLoad{}, Unassigned: []StaffedAccount{},
		Exempt: []StaffedAccount{}, Moves: []Move{}}
	visible := h.guard.VisibleTo(ctx)
	out.Restricted = visible != 0
	var plan staffing.Plan
	var related map[int64][]int64
	if !out.Restricted {
		ids := w.Candidates()
		for _, a := range w.Unassigned {
			ids = append(ids, a.ID)
		}
		if related, err = h.db.Relationships(ctx, sc, ids, time.Now().Add(-store.RelationshipWindow)); err != nil {
			return nil, err
		}
		plan = staffing.Rebalance(w, related)
		out.Exact, out.Overflow = plan.Exact, plan.Overflow
	}
	// The accounts the board names carry their standing, as account
	// objects do everywhere in the API.
	var badges map[int64]store.Badge
	if !out.Restricted {
		ids := make([]int64, 0, len(plan.Moves)+len(w.Unassigned)+len(w.Exempt))
		for _, m := range plan.Moves {
			ids = append(ids, m.AccountID)
		}
		for _, a := range w.Unassigned {
			ids = append(ids, a.ID)
		}
		for _, a := range w.Exempt {
			ids = append(ids, a.ID)
		}
		if badges, err = h.db.AccountBadges(ctx, sc, ids); err != nil {
			return nil, err
		}
	}
	for _, m := range plan.Moves {
		a, _ := w.Account(m.AccountID)
		b := badges[m.AccountID]
		out.Moves = append(out.Moves, Move{AccountID: m.AccountID, AccountName: m.AccountName, Tier: string(a.Tier),
			StrategicScore: scoreOf(b), Strategic: b.Strategic(), FromID: m.FromID, ToID: m.ToID, Load: m.Load,
			Revenue: m.Revenue, Currency: m.Currency, Related: m.Related})
	}
	for _, m := range w.Managers {
		if out.Restricted && m.ID != visible {
			continue
		}
		ml := ManagerLoad{PersonID: m.ID, Name: m.Name, Capacity: m.Capacity, CapacitySet: m.CapacitySet, Load: m.Load,
			Accounts: m.Accounts, Tiers: TierCounts(m.Tiers), Overloaded: m.Overloaded(), LoadAfterMoves: m.Load}
		if after, ok := plan.After[m.ID]; ok {
			ml.LoadAfterMoves = after
		}
		out.Managers = append(out.Managers, ml)
	}
	if out.Restricted {
		return &workloadOutput{Body: out}, nil
	}
	staffed := func(a staffing.Account) StaffedAccount {
		b := badges[a.ID]
		return StaffedAccount{ID: a.ID, Name: a.Name, Tier: string(a.Tier), StrategicScore: scoreOf(b), Strategic: b.Strategic(),
			Load: w.Load(a), Revenue: a.Revenue, Currency: a.Currency, Exempt: a.Exempt, ExemptReason: a.ExemptReason}
	}
	for _, a := range w.Unassigned {
		s := staffed(a)
		if m, ok := w.Suggest(a, related[a.ID]); ok {
			s.SuggestedOwnerID = m.ID
		}
		out.Unassigned = append(out.Unassigned, s)
	}
	for _, a := range w.Exempt {
		out.Exempt = append(out.Exempt, staffed(a))
	}
	return &workloadOutput{Body: out}, nil
}

// MoveInput names a proposed move to accept.
type MoveInput struct {
	AccountID int64 `json:"account_id" minimum:"1"`
	FromID    int64 `json:"from_id" minimum:"0" doc:"The owner the proposal moves the account from; 0 for an account without an owner."`
	ToID      int64 `json:"to_id" minimum:"1"`
}

func (h *handlers) acceptMove(ctx context.Context, in *createInput[MoveInput]) (*one[Account], error) {
	sc := h.guard.Scope(ctx)
	m := in.Body
	if err := h.editable(ctx, m.AccountID, access.PartAccount); err != nil {
		return nil, err
	}
	w, err := h.db.Workload(ctx, sc)
	if err != nil {
		return nil, err
	}
	a, ok := w.Account(m.AccountID)
	if !ok {
		return nil, account.Invalid("account_id", "is a former customer, which carries no load")
	}
	if msg := w.CheckMove(a, m.FromID, m.ToID); msg != "" {
		return nil, account.Errorf(account.ECONFLICT, "%s", msg)
	}
	rec, err := h.db.MoveAccount(ctx, sc, m.AccountID, m.FromID, m.ToID)
	if err != nil {
		return nil, err
	}
	badges, err := h.badgesFor(ctx, rec)
	if err != nil {
		return nil, err
	}
	return &one[Account]{Body: withBadge(accountOut(rec), badges[rec.ID])}, nil
}

type settingsOutput struct{ Body StaffingSettings }

func (h *handlers) getStaffingSettings(ctx context.Context, _ *struct{}) (*settingsOutput, error) {
	s, err := h.db.StaffingSettings(ctx, h.guard.Scope(ctx))
	if err != nil {
		return nil, err
	}
	return &settingsOutput{Body: settingsOut(s)}, nil
}

func (h *handlers) putStaffingSettings(ctx context.Context, in *createInput[StaffingSettings]) (*settingsOutput, error) {
	b := in.Body
	s := staffing.Settings{Points: staffing.LoadPoints{A: b.LoadPoints.A, B: b.LoadPoints.B, C: b.LoadPoints.C},
		DefaultCapacity: b.DefaultCapacity, ExemptBelow: b.ExemptBelow}
	if err := h.db.SetStaffingSettings(ctx, h.guard.Scope(ctx), s); err != nil {
		return nil, err
	}
	return &settingsOutput{Body: settingsOut(s)}, nil
}

// CapacityInput sets a person's capacity.
type CapacityInput struct {
	Capacity *int `json:"capacity" nullable:"true" minimum:"0" maximum:"100000" doc:"Load points; null for the organisation's default."`
}

// Capacity is a person's capacity.
type Capacity struct {
	PersonID    int64 `json:"person_id"`
	Capacity    int   `json:"capacity"`
	CapacitySet bool  `json:"capacity_set"`
}

func (h *handlers) putCapacity(ctx context.Context, in *putInput[CapacityInput]) (*one[Capacity], error) {
	sc := h.guard.Scope(ctx)
	if err := h.db.SetCapacity(ctx, sc, in.ID, in.Body.Capacity); err != nil {
		if account.ErrorCode(err) == account.EINVALID && len(account.ErrorFields(err)) > 0 && account.ErrorFields(err)[0].Field == "person_id" {
			return nil, account.Errorf(account.ENOTFOUND, "Person %d not found.", in.ID)
		}
		return nil, err
	}
	out := Capacity{PersonID: in.ID, CapacitySet: in.Body.Capacity != nil}
	if in.Body.Capacity != nil {
		out.Capacity = *in.Body.Capacity
	} else {
		s, err := h.db.StaffingSettings(ctx, sc)
		if err != nil {
			return nil, err
		}
		out.Capacity = s.DefaultCapacity
	}
	return &one[Capacity]{Body: out}, nil
}

// GoalsInput are a person's goals for a period.
type GoalsInput struct {
	Revenue   int64 `json:"revenue" minimum:"0" doc:"Revenue uplift goal: won business, minor units."`
	Retention int   `json:"retention" minimum:"0" maximum:"100" doc:"Share of contracts ending in the period to renew, percent."`
	Touches   int   `json:"touches" minimum:"0" maximum:"100000" doc:"Communication goal: touches on plan."`
}

// Measure is one goal and its progress.
type Measure struct {
	Goal     int64  `json:"goal"`
	Actual   int64  `json:"actual"`
	Percent  int    `json:"percent" doc:"Actual as a percentage of the goal."`
	Expected int    `json:"expected" doc:"Percentage of the goal due by today (the share of the period elapsed); for retention, the goal."`
	State    string `json:"state" enum:"no_goal,no_data,met,on_track,behind"`
}

// GoalProgress is a person's goals for a period and the progress on them.
type GoalProgress struct {
	PersonID  int64        `json:"person_id"`
	Period    string       `json:"period" doc:"A year (2026) or a quarter (2026-Q4)."`
	From      account.Date `json:"from" format:"date"`
	To        account.Date `json:"to" format:"date" doc:"The first day after the period."`
	GoalsSet  bool         `json:"goals_set"`
	Goals     GoalsInput   `json:"goals"`
	Revenue   Measure      `json:"revenue" doc:"Won opportunities closed in the period on the accounts the person owns."`
	Retention Measure      `json:"retention" doc:"Of their contracts that ended in the period so far, the share renewed (percent)."`
	Touches   Measure      `json:"touches" doc:"Touches the person attended in the period."`
	Due       int          `json:"contracts_due" doc:"Contracts that ended in the period so far."`
	Renewed   int          `json:"contracts_renewed"`
	Upcoming  int          `json:"contracts_upcoming" doc:"Contracts ending later in the period."`
}

type goalsQuery struct {
	IDParam
	Period string `query:"period" maxLength:"10" doc:"A year (2026) or a quarter (2026-Q4); the current quarter when left out."`
}

func measureOut(m staffing.Measure) Measure {
	return Measure{Goal: m.Goal, Actual: m.Actual, Percent: m.Percent, Expected: m.Expected, State: string(m.State)}
}

func (h *handlers) goalProgress(ctx context.Context, personID int64, p staffing.Period) (GoalProgress, error) {
	sc := h.guard.Scope(ctx)
	if visible := h.guard.VisibleTo(ctx); visible != 0 && visible != personID {
		return GoalProgress{}, account.Errorf(account.EFORBIDDEN, "Need-to-know is on: you may see your own goals only.")
	}
	if _, err := h.db.Person(ctx, sc, personID); err != nil {
		return GoalProgress{}, err
	}
	today := account.DateOf(time.Now())
	g, set, err := h.db.Goals(ctx, sc, personID, p.Key)
	if err != nil {
		return GoalProgress{}, err
	}
	a, err := h.db.GoalActuals(ctx, sc, personID, p, today, time.Local)
	if err != nil {
		return GoalProgress{}, err
	}
	pr := staffing.ProgressOf(g, a, p, today)
	return GoalProgress{PersonID: personID, Period: p.Key, From: p.From, To: p.To, GoalsSet: set,
		Goals:   GoalsInput{Revenue: g.Revenue, Retention: g.Retention, Touches: g.Touches},
		Revenue: measureOut(pr.Revenue), Retention: measureOut(pr.Retention), Touches: measureOut(pr.Touches),
		Due: a.Due, Renewed: a.Renewed, Upcoming: a.Upcoming}, nil
}

func (h *handlers) getGoals(ctx context.Context, in *goalsQuery) (*one[GoalProgress], error) {
	p := staffing.QuarterOf(account.DateOf(time.Now()))
	if in.Period != "" {
		var err error
		if p, err = staffing.ParsePeriod(in.Period); err != nil {
			return nil, err
		}
	}
	out, err := h.goalProgress(ctx, in.ID, p)
	if err != nil {
		return nil, err
	}
	return &one[GoalProgress]{Body: out}, nil
}

type putGoalsInput struct {
	IDParam
	Period string `path:"period" maxLength:"10" doc:"A year (2026) or a quarter (2026-Q4)."`
	Body   GoalsInput
}

func (h *handlers) putGoals(ctx context.Context, in *putGoalsInput) (*one[GoalProgress], error) {
	p, err := staffing.ParsePeriod(in.Period)
	if err != nil {
		return nil, account.Errorf(account.ENOTFOUND, "There is no period %q: use a year such as 2026 or a quarter such as 2026-Q4.", in.Period)
	}
	sc := h.guard.Scope(ctx)
	if _, err := h.db.Person(ctx, sc, in.ID); err != nil {
		return nil, err
	}
	g := staffing.Goals{PersonID: in.ID, Period: p.Key, Revenue: in.Body.Revenue, Retention: in.Body.Retention, Touches: in.Body.Touches}
	if err := h.db.SetGoals(ctx, sc, &g); err != nil {
		return nil, err
	}
	out, err := h.goalProgress(ctx, in.ID, p)
	if err != nil {
		return nil, err
	}
	return &one[GoalProgress]{Body: out}, nil
}

// ExemptionInput says why an account may stay without an owner.
type ExemptionInput struct {
	Reason string `json:"reason" minLength:"1" maxLength:"500"`
}

// Exemption is an account's exemption.
type Exemption struct {
	AccountID int64  `json:"account_id"`
	Reason    string `json:"reason"`
}

func (h *handlers) putExemption(ctx context.Context, in *putInput[ExemptionInput]) (*one[Exemption], error) {
	if err := h.editable(ctx, in.ID, access.PartAccount); err != nil {
		return nil, err
	}
	if err := h.db.SetExemption(ctx, h.guard.Scope(ctx), in.ID, in.Body.Reason); err != nil {
		return nil, err
	}
	return &one[Exemption]{Body: Exemption{AccountID: in.ID, Reason: in.Body.Reason}}, nil
}

func (h *handlers) deleteExemption(ctx context.Context, in *deleteInput) (*struct{}, error) {
	if err := h.editable(ctx, in.ID, access.PartAccount); err != nil {
		return nil, err
	}
	return nil, h.db.ClearExemption(ctx, h.guard.Scope(ctx), in.ID)
}

// TeamMemberInput is one seat on an account's team.
type TeamMemberInput struct {
	PersonID int64         `json:"person_id" minimum:"1"`
	Role     auth.TeamRole `json:"role" enum:"executive_partner,account_manager,sales_engineer,professional_services,customer_service_manager,technical_lead"`
	AsNeeded bool          `json:"as_needed,omitempty" doc:"Held on call rather than continuously: the role's deliverable is not expected to stay current."`
}

// TeamInput is an account's whole team.
type TeamInput struct {
	Members []TeamMemberInput `json:"members" maxItems:"200" nullable:"false"`
}

// Deliverable is a team role's key deliverable on an account.
type Deliverable struct {
	AccountID   int64         `json:"account_id"`
	Role        auth.TeamRole `json:"role"`
	Title       string        `json:"title"`
	Link        string        `json:"link"`
	Note        string        `json:"note"`
	OwnerID     *int64        `json:"owner_id"`
	UpdatedOn   *account.Date `json:"updated_on" format:"date" doc:"When the deliverable was last brought up to date."`
	RefreshDays int           `json:"refresh_days"`
	DueOn       *account.Date `json:"due_on" format:"date" doc:"updated_on + refresh_days."`
	State       string        `json:"state" enum:"missing,stale,due_soon,current"`
	ChangedAt   time.Time     `json:"changed_at"`
}

func deliverableOut(d staffing.Deliverable, today account.Date) Deliverable {
	return Deliverable{AccountID: d.AccountID, Role: d.Role, Title: d.Title, Link: d.Link, Note: d.Note, OwnerID: d.OwnerID,
		UpdatedOn: dateOrNil(d.UpdatedOn), RefreshDays: d.RefreshDays, DueOn: dateOrNil(d.DueOn()),
		State: string(d.State(today)), ChangedAt: instant(d.ChangedAt)}
}

// TeamRole is one role of an account's team.
type TeamRole struct {
	Role        auth.TeamRole     `json:"role"`
	Members     []TeamMemberInput `json:"members" nullable:"false"`
	Deliverable *Deliverable      `json:"deliverable,omitempty" doc:"Absent when nothing is recorded."`
	State       string            `json:"state" enum:",missing,stale,due_soon,current" doc:"The deliverable's state; missing when the role is held (not only as needed) and nothing is recorded; empty when nothing is expected."`
}

// Team is an account's team.
type Team struct {
	AccountID int64      `json:"account_id"`
	OwnerID   *int64     `json:"owner_id" doc:"The accountable account manager, who counts as holding the account manager role."`
	Roles     []TeamRole `json:"roles" nullable:"false"`
}

func (h *handlers) team(ctx context.Context, accountID int64) (Team, error) {
	sc := h.guard.Scope(ctx)
	a, err := h.db.Account(ctx, sc, accountID)
	if err != nil {
		return Team{}, err
	}
	seats, err := h.db.TeamSeats(ctx, sc, accountID)
	if err != nil {
		return Team{}, err
	}
	ds, err := h.db.Deliverables(ctx, sc, accountID)
	if err != nil {
		return Team{}, err
	}
	owner := int64(0)
	if a.OwnerID != nil {
		owner = *a.OwnerID
	}
	today := account.DateOf(time.Now())
	out := Team{AccountID: accountID, OwnerID: a.OwnerID, Roles: []TeamRole{}}
	for _, s := range staffing.Slots(owner, seats, ds, today) {
		r := TeamRole{Role: s.Role, Members: []TeamMemberInput{}, State: string(s.State)}
		for _, st := range s.Seats {
			r.Members = append(r.Members, TeamMemberInput{PersonID: st.PersonID, Role: st.Role, AsNeeded: st.AsNeeded})
		}
		if s.Deliverable != nil {
			d := deliverableOut(*s.Deliverable, today)
			r.Deliverable = &d
		}
		out.Roles = append(out.Roles, r)
	}
	return out, nil
}

func (h *handlers) getTeam(ctx context.Context, in *getInput) (*one[Team], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	t, err := h.team(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &one[Team]{Body: t}, nil
}

func (h *handlers) putTeam(ctx context.Context, in *putInput[TeamInput]) (*one[Team], error) {
	if err := h.editable(ctx, in.ID, access.PartTeam); err != nil {
		return nil, err
	}
	seats := make([]staffing.Seat, len(in.Body.Members))
	for i, m := range in.Body.Members {
		seats[i] = staffing.Seat{PersonID: m.PersonID, Role: m.Role, AsNeeded: m.AsNeeded}
	}
	if err := h.db.ReplaceTeam(ctx, h.guard.Scope(ctx), in.ID, seats); err != nil {
		return nil, err
	}
	t, err := h.team(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &one[Team]{Body: t}, nil
}

// DeliverableInput records a deliverable.
type DeliverableInput struct {
	Title       string        `json:"title,omitempty" maxLength:"200" doc:"Defaults to the role's deliverable."`
	Link        string        `json:"link,omitempty" maxLength:"2000" doc:"An http or https address."`
	Note        string        `json:"note,omitempty" maxLength:"2000" doc:"Where it is kept, when it has no link."`
	OwnerID     *int64        `json:"owner_id,omitempty" nullable:"true" minimum:"1"`
	UpdatedOn   *account.Date `json:"updated_on,omitempty" nullable:"true" format:"date" doc:"When it was last brought up to date; today when left out."`
	RefreshDays int           `json:"refresh_days,omitempty" minimum:"0" maximum:"1095" doc:"Refresh interval in days; the role's default when left out or 0."`
}

type putDeliverableInput struct {
	IDParam
	Role string `path:"role" enum:"executive_partner,account_manager,sales_engineer,professional_services,customer_service_manager,technical_lead"`
	Body DeliverableInput
}

func (h *handlers) putDeliverable(ctx context.Context, in *putDeliverableInput) (*one[Deliverable], error) {
	sc := h.guard.Scope(ctx)
	role, err := auth.ParseTeamRole(in.Role)
	if err != nil {
		return nil, account.Errorf(account.ENOTFOUND, "There is no team role %q.", in.Role)
	}
	if err := h.guard.CanReadAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	if err := h.guard.CanEdit(ctx, in.ID, access.PartTeam); err != nil {
		if account.ErrorCode(err) != account.EFORBIDDEN {
			return nil, err
		}
		seats, serr := h.db.TeamSeats(ctx, sc, in.ID)
		if serr != nil {
			return nil, serr
		}
		ds, derr := h.db.Deliverables(ctx, sc, in.ID)
		if derr != nil {
			return nil, derr
		}
		var cur *staffing.Deliverable
		if i := slices.IndexFunc(ds, func(d staffing.Deliverable) bool { return d.Role == role }); i >= 0 {
			cur = &ds[i]
		}
		if !staffing.KeepsDeliverable(h.guard.PersonID(ctx), role, seats, cur) {
			return nil, err
		}
	}
	today := account.DateOf(time.Now())
	d := staffing.Deliverable{AccountID: in.ID, Role: role, Title: in.Body.Title, Link: in.Body.Link, Note: in.Body.Note,
		OwnerID: in.Body.OwnerID, UpdatedOn: today, RefreshDays: in.Body.RefreshDays}
	if in.Body.UpdatedOn != nil {
		d.UpdatedOn = *in.Body.UpdatedOn
	}
	if err := h.db.SetDeliverable(ctx, sc, &d); err != nil {
		return nil, err
	}
	return &one[Deliverable]{Body: deliverableOut(d, today)}, nil
}

// DeliverableItem is a deliverable needing attention.
type DeliverableItem struct {
	Deliverable
	AccountName string `json:"account_name"`
	Recorded    bool   `json:"recorded" doc:"False for a role held on the account with nothing recorded."`
}

type listDeliverablesInput struct {
	State string `query:"state" enum:"missing,stale,due_soon" doc:"Only deliverables in this state."`
}

func (h *handlers) listDeliverables(ctx context.Context, in *listDeliverablesInput) (*listOutput[DeliverableItem], error) {
	today := account.DateOf(time.Now())
	items, err := h.db.DeliverablesNeedingAttention(ctx, h.guard.Scope(ctx), today.AddDays(staffing.DueSoonDays), h.guard.VisibleTo(ctx), 500)
	if err != nil {
		return nil, err
	}
	var out []DeliverableItem
	for _, it := range items {
		d := deliverableOut(it.Deliverable, today)
		if !it.Recorded {
			d.State, d.ChangedAt = string(staffing.Missing), time.Time{}
		}
		if in.State != "" && d.State != in.State {
			continue
		}
		out = append(out, DeliverableItem{Deliverable: d, AccountName: it.AccountName, Recorded: it.Recorded})
	}
	rank := func(s string) int { return slices.Index(staffing.DeliverableStates, staffing.DeliverableState(s)) }
	slices.SortStableFunc(out, func(a, b DeliverableItem) int { return rank(a.State) - rank(b.State) })
	return list(out, "", func(d DeliverableItem) DeliverableItem { return d }), nil
}

// scoreOf is a badge's Strategic Score for the API: null when not scored.
func scoreOf(b store.Badge) *float64 {
	if !b.Scored {
		return nil
	}
	s := b.Score
	return &s
}
