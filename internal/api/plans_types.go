package api

import (
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/plan"
)

// The plan document in API form. The names carry a Plan prefix because the
// OpenAPI schemas share one namespace; the rules are package plan's.

// PlanDocument is the content of one plan version.
type PlanDocument struct {
	Title       string              `json:"title" minLength:"1" maxLength:"200"`
	StartsOn    account.Date        `json:"starts_on" doc:"First day the plan covers, YYYY-MM-DD."`
	EndsOn      account.Date        `json:"ends_on" doc:"Last day, YYYY-MM-DD: 1 to 3 years after the start."`
	Summary     string              `json:"summary" required:"false" maxLength:"4000"`
	Objectives  []PlanObjective     `json:"objectives" required:"false" maxItems:"50" nullable:"false"`
	Initiatives []PlanInitiative    `json:"initiatives" required:"false" maxItems:"50" nullable:"false"`
	KPIs        []PlanKPI           `json:"kpis" required:"false" maxItems:"50" nullable:"false"`
	Revenue     []PlanRevenueTarget `json:"revenue" required:"false" maxItems:"50" nullable:"false"`
	Risks       []PlanRisk          `json:"risks" required:"false" maxItems:"50" nullable:"false"`
	Resolution  []PlanResolution    `json:"resolution" required:"false" maxItems:"50" nullable:"false" doc:"The agreed way of resolving problems before they arise: who does what, when and how."`
	Internal    []string            `json:"internal" required:"false" nullable:"false" doc:"Sections kept from the client: situation, summary, objectives, initiatives, kpis, revenue, risks, resolution."`
}

// PlanObjective is an objective, optionally serving a client vision item.
type PlanObjective struct {
	Key          string `json:"key" required:"false" maxLength:"40" doc:"Stable across versions; filled in when empty."`
	Title        string `json:"title" maxLength:"200"`
	Detail       string `json:"detail" required:"false" maxLength:"4000"`
	VisionItemID int64  `json:"vision_item_id" required:"false" minimum:"0" doc:"The client's vision item it serves; 0 for none."`
	Internal     bool   `json:"internal" required:"false" doc:"Kept from the client."`
}

// PlanInitiative is a piece of work with owners on both sides.
type PlanInitiative struct {
	Key          string       `json:"key" required:"false" maxLength:"40"`
	Title        string       `json:"title" maxLength:"200"`
	ObjectiveKey string       `json:"objective_key" required:"false" maxLength:"40"`
	OurOwner     string       `json:"our_owner" required:"false" maxLength:"200"`
	TheirOwner   string       `json:"their_owner" required:"false" maxLength:"200"`
	StartsOn     account.Date `json:"starts_on" required:"false" doc:"YYYY-MM-DD or empty."`
	DueOn        account.Date `json:"due_on" required:"false" doc:"YYYY-MM-DD or empty."`
	Status       string       `json:"status" required:"false" enum:"not_started,on_track,at_risk,off_track,done" default:"not_started"`
	Internal     bool         `json:"internal" required:"false"`
}

// PlanKPI is a measure with baseline and target.
type PlanKPI struct {
	Key      string       `json:"key" required:"false" maxLength:"40"`
	Name     string       `json:"name" maxLength:"200"`
	Unit     string       `json:"unit" required:"false" maxLength:"40"`
	Baseline float64      `json:"baseline" required:"false"`
	Target   float64      `json:"target" required:"false"`
	DueOn    account.Date `json:"due_on" required:"false" doc:"When the target is due, YYYY-MM-DD; empty for the plan's end."`
	Internal bool         `json:"internal" required:"false"`
}

// PlanRevenueTarget is a revenue goal for a period.
type PlanRevenueTarget struct {
	Key      string `json:"key" required:"false" maxLength:"40"`
	Period   string `json:"period" maxLength:"40"`
	Amount   int64  `json:"amount" required:"false" minimum:"0" doc:"Minor units (cents)."`
	Currency string `json:"currency" required:"false" maxLength:"3"`
	Note     string `json:"note" required:"false" maxLength:"4000"`
	Internal bool   `json:"internal" required:"false"`
}

// PlanRisk is a risk and its mitigation.
type PlanRisk struct {
	Key        string `json:"key" required:"false" maxLength:"40"`
	Risk       string `json:"risk" maxLength:"4000"`
	Mitigation string `json:"mitigation" required:"false" maxLength:"4000"`
	Owner      string `json:"owner" required:"false" maxLength:"200"`
	Internal   bool   `json:"internal" required:"false"`
}

// PlanResolution is one line of who does what, when and how.
type PlanResolution struct {
	Key      string `json:"key" required:"false" maxLength:"40"`
	Who      string `json:"who" maxLength:"200"`
	What     string `json:"what" maxLength:"4000"`
	When     string `json:"when" required:"false" maxLength:"200"`
	How      string `json:"how" required:"false" maxLength:"4000"`
	Internal bool   `json:"internal" required:"false"`
}

func documentOut(c plan.Content) PlanDocument {
	d := PlanDocument{Title: c.Title, StartsOn: c.StartsOn, EndsOn: c.EndsOn, Summary: c.Summary,
		Objectives: []PlanObjective{}, Initiatives: []PlanInitiative{}, KPIs: []PlanKPI{}, Revenue: []PlanRevenueTarget{},
		Risks: []PlanRisk{}, Resolution: []PlanResolution{}, Internal: []string{}}
	for _, o := range c.Objectives {
		d.Objectives = append(d.Objectives, PlanObjective(o))
	}
	for _, in := range c.Initiatives {
		d.Initiatives = append(d.Initiatives, PlanInitiative{Key: in.Key, Title: in.Title, ObjectiveKey: in.ObjectiveKey, OurOwner: in.OurOwner,
			TheirOwner: in.TheirOwner, StartsOn: in.StartsOn, DueOn: in.DueOn, Status: string(in.Status), Internal: in.Internal})
	}
	for _, k := range c.KPIs {
		d.KPIs = append(d.KPIs, PlanKPI(k))
	}
	for _, r := range c.Revenue {
		d.Revenue = append(d.Revenue, PlanRevenueTarget(r))
	}
	for _, r := range c.Risks {
		d.Risks = append(d.Risks, PlanRisk(r))
	}
	for _, r := range c.Resolution {
		d.Resolution = append(d.Resolution, PlanResolution(r))
	}
	for _, s := range plan.Sections {
		if c.Hidden(s) {
			d.Internal = append(d.Internal, string(s))
		}
	}
	return d
}

func (d PlanDocument) content() plan.Content {
	c := plan.Content{Title: d.Title, StartsOn: d.StartsOn, EndsOn: d.EndsOn, Summary: d.Summary, Internal: map[plan.Section]bool{}}
	for _, o := range d.Objectives {
		c.Objectives = append(c.Objectives, plan.Objective(o))
	}
	for _, in := range d.Initiatives {
		c.Initiatives = append(c.Initiatives, plan.Initiative{Key: in.Key, Title: in.Title, ObjectiveKey: in.ObjectiveKey, OurOwner: in.OurOwner,
			TheirOwner: in.TheirOwner, StartsOn: in.StartsOn, DueOn: in.DueOn, Status: plan.InitiativeStatus(in.Status), Internal: in.Internal})
	}
	for _, k := range d.KPIs {
		c.KPIs = append(c.KPIs, plan.KPI(k))
	}
	for _, r := range d.Revenue {
		c.Revenue = append(c.Revenue, plan.RevenueTarget(r))
	}
	for _, r := range d.Risks {
		c.Risks = append(c.Risks, plan.Risk(r))
	}
	for _, r := range d.Resolution {
		c.Resolution = append(c.Resolution, plan.Resolution(r))
	}
	for _, s := range d.Internal {
		c.Internal[plan.Section(s)] = true
	}
	return c
}

// Plan is an account's strategic plan.
type Plan struct {
	ID             int64     `json:"id"`
	AccountID      int64     `json:"account_id"`
	AccountName    string    `json:"account_name"`
	Title          string    `json:"title"`
	Status         string    `json:"status" enum:"draft,shared,feedback,revised,agreed,active,reviewed,superseded" doc:"The current version's status."`
	CurrentVersion int       `json:"current_version"`
	ReviewDays     int       `json:"review_days" doc:"Days between periodic reviews once active."`
	NextReviewOn   string    `json:"next_review_on" doc:"YYYY-MM-DD of the next periodic review; empty when none is scheduled."`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func planOut(p plan.Plan) Plan {
	return Plan{ID: p.ID, AccountID: p.AccountID, AccountName: p.AccountName, Title: p.Title, Status: string(p.Status),
		CurrentVersion: p.CurrentVersion, ReviewDays: p.ReviewDays, NextReviewOn: p.NextReviewOn.String(),
		CreatedAt: instant(p.CreatedAt), UpdatedAt: instant(p.UpdatedAt)}
}

// PlanVersion is one version of a plan.
type PlanVersion struct {
	ID        int64        `json:"id"`
	PlanID    int64        `json:"plan_id"`
	N         int          `json:"n" doc:"1 for the first version."`
	Status    string       `json:"status" enum:"draft,shared,feedback,revised,agreed,active,reviewed,superseded"`
	Note      string       `json:"note"`
	Content   PlanDocument `json:"content"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
	SharedAt  *time.Time   `json:"shared_at" nullable:"true"`
	AgreedAt  *time.Time   `json:"agreed_at" nullable:"true"`
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := instant(t)
	return &v
}

func versionOut(v plan.Version) PlanVersion {
	return PlanVersion{ID: v.ID, PlanID: v.PlanID, N: v.N, Status: string(v.Status), Note: v.Note, Content: documentOut(v.Content),
		CreatedAt: instant(v.CreatedAt), UpdatedAt: instant(v.UpdatedAt), SharedAt: timeOrNil(v.SharedAt), AgreedAt: timeOrNil(v.AgreedAt)}
}

// PlanShare is a link for the client to one version.
type PlanShare struct {
	ID        int64      `json:"id"`
	PlanID    int64      `json:"plan_id"`
	VersionN  int        `json:"version_n"`
	Label     string     `json:"label"`
	State     string     `json:"state" enum:"active,expired,revoked"`
	ExpiresAt *time.Time `json:"expires_at" nullable:"true"`
	RevokedAt *time.Time `json:"revoked_at" nullable:"true"`
	Views     int        `json:"views"`
	LastView  *time.Time `json:"last_view" nullable:"true"`
	CreatedAt time.Time  `json:"created_at"`
}

func shareOut(s plan.Share, now time.Time) PlanShare {
	return PlanShare{ID: s.ID, PlanID: s.PlanID, VersionN: s.VersionN, Label: s.Label, State: s.State(now),
		ExpiresAt: timeOrNil(s.ExpiresAt), RevokedAt: timeOrNil(s.RevokedAt), Views: s.Views, LastView: timeOrNil(s.LastView),
		CreatedAt: instant(s.CreatedAt)}
}

// PlanComment is a comment on a section of a version.
type PlanComment struct {
	ID         int64     `json:"id"`
	VersionN   int       `json:"version_n"`
	Section    string    `json:"section"`
	Author     string    `json:"author"`
	Body       string    `json:"body"`
	Proposal   string    `json:"proposal" doc:"A proposed change; empty for a plain comment."`
	FromClient bool      `json:"from_client"`
	CreatedAt  time.Time `json:"created_at"`
}

func commentOut(c plan.Comment) PlanComment {
	return PlanComment{ID: c.ID, VersionN: c.VersionN, Section: string(c.Section), Author: c.Author, Body: c.Body,
		Proposal: c.Proposal, FromClient: c.FromClient, CreatedAt: instant(c.CreatedAt)}
}

// KPIActual is one measurement of a KPI.
type KPIActual struct {
	ID        int64        `json:"id"`
	KPIKey    string       `json:"kpi_key"`
	On        account.Date `json:"on" format:"date"`
	Value     float64      `json:"value"`
	Note      string       `json:"note"`
	CreatedAt time.Time    `json:"created_at"`
}

func actualOut(a plan.KPIActual) KPIActual {
	return KPIActual{ID: a.ID, KPIKey: a.KPIKey, On: a.On, Value: a.Value, Note: a.Note, CreatedAt: instant(a.CreatedAt)}
}
