package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	pfolio "github.com/samwise-sam/samwise/internal/portfolio" // list_test.go has a "portfolio"
	"github.com/samwise-sam/samwise/internal/store"
)

// Contact cadences: each stakeholder's state against the promise, adherence
// by tier, manager or account, and the organisation's cadence policy. The
// rules live in package cadence. Days are calendar days in UTC: API
// callers have no time zone of their own yet.

const (
	accountCadenceDoc = "Every active stakeholder of the account with the interval in force and where it comes from " +
		"(tier default, agreed with the client, or a temporary acceleration), the last two check-ins (touches of any kind " +
		"but business_review with the stakeholder present), the next due day and the state: overdue after the due day, " +
		"due soon within due_soon_days of it, on track otherwise; over_contacted beside it when the last two check-ins " +
		"are closer than interval × (1 − tolerance). Days in UTC."
	adherenceDoc = "The share of active stakeholders whose cadence is kept today — neither overdue nor over-contacted — " +
		"grouped by tier, account manager or account, with the total. Covers the whole organisation, or under need-to-know " +
		"the accounts you own or are on the team of."
)

func cadenceRoutes(api huma.API, h *handlers) {
	tags := []string{"Cadence"}
	register(api, h, huma.Operation{OperationID: "get-account-cadence", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/cadence",
		Summary: "Get the cadence state of an account's stakeholders", Description: accountCadenceDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getAccountCadence)
	register(api, h, huma.Operation{OperationID: "get-adherence", Method: http.MethodGet, Path: "/api/v1/adherence",
		Summary: "Get cadence adherence", Description: adherenceDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getAdherence)
	register(api, h, huma.Operation{OperationID: "get-cadence-policy", Method: http.MethodGet, Path: "/api/v1/cadence/policy",
		Summary: "Get the cadence policy", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getCadencePolicy)
	register(api, h, huma.Operation{OperationID: "replace-cadence-policy", Method: http.MethodPut, Path: "/api/v1/cadence/policy",
		Summary: "Replace the cadence policy", Description: "SAM leaders only. Every interval must be 1 to 1830 days.", Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.putCadencePolicy)
}

// LevelIntervals are check-in intervals in days by stakeholder level.
type LevelIntervals struct {
	Executive        int `json:"executive" minimum:"1" maximum:"1830"`
	SeniorManagement int `json:"senior_management" minimum:"1" maximum:"1830"`
	MiddleManagement int `json:"middle_management" minimum:"1" maximum:"1830"`
	Operational      int `json:"operational" minimum:"1" maximum:"1830"`
}

// TierIntervals are one interval per tier.
type TierIntervals struct {
	A int `json:"a" minimum:"1" maximum:"1830"`
	B int `json:"b" minimum:"1" maximum:"1830"`
	C int `json:"c" minimum:"1" maximum:"1830" doc:"Also for accounts not tiered yet."`
}

// CadencePolicy is the organisation's cadence policy.
type CadencePolicy struct {
	CheckIn struct {
		A LevelIntervals `json:"a"`
		B LevelIntervals `json:"b"`
		C LevelIntervals `json:"c" doc:"Also for accounts not tiered yet."`
	} `json:"check_in" doc:"Default days between check-ins, by tier then stakeholder level."`
	Review      TierIntervals `json:"review" doc:"Days between business reviews of an account, by tier."`
	DueSoonDays int           `json:"due_soon_days" minimum:"0" maximum:"365" doc:"W: a stakeholder is due soon this many days before the due day."`
	Tolerance   float64       `json:"tolerance" minimum:"0" exclusiveMaximum:"1" doc:"T: two check-ins closer than interval × (1 − T) are over-contacting."`
}

func policyOut(s cadence.Settings) CadencePolicy {
	var p CadencePolicy
	for t, dst := range map[pfolio.Tier]*LevelIntervals{pfolio.TierA: &p.CheckIn.A, pfolio.TierB: &p.CheckIn.B, pfolio.TierC: &p.CheckIn.C} {
		m := s.CheckIn[t]
		*dst = LevelIntervals{Executive: m[account.Executive], SeniorManagement: m[account.SeniorManagement],
			MiddleManagement: m[account.MiddleManagement], Operational: m[account.Operational]}
	}
	p.Review = TierIntervals{A: s.Review[pfolio.TierA], B: s.Review[pfolio.TierB], C: s.Review[pfolio.TierC]}
	p.DueSoonDays, p.Tolerance = s.DueSoonDays, s.Tolerance
	return p
}

func (p CadencePolicy) settings() cadence.Settings {
	s := cadence.Settings{CheckIn: map[pfolio.Tier]map[account.Level]int{}, Review: map[pfolio.Tier]int{
		pfolio.TierA: p.Review.A, pfolio.TierB: p.Review.B, pfolio.TierC: p.Review.C},
		DueSoonDays: p.DueSoonDays, Tolerance: p.Tolerance}
	for t, l := range map[pfolio.Tier]LevelIntervals{pfolio.TierA: p.CheckIn.A, pfolio.TierB: p.CheckIn.B, pfolio.TierC: p.CheckIn.C} {
		s.CheckIn[t] = map[account.Level]int{account.Executive: l.Executive, account.SeniorManagement: l.SeniorManagement,
			account.MiddleManagement: l.MiddleManagement, account.Operational: l.Operational}
	}
	return s
}

func (h *handlers) getCadencePolicy(ctx context.Context, _ *struct{}) (*one[CadencePolicy], error) {
	s, err := h.db.CadenceSettings(ctx, h.guard.Scope(ctx))
	if err != nil {
		return nil, err
	}
	return &one[CadencePolicy]{Body: policyOut(s)}, nil
}

func (h *handlers) putCadencePolicy(ctx context.Context, in *createInput[CadencePolicy]) (*one[CadencePolicy], error) {
	if err := h.db.SetCadenceSettings(ctx, h.guard.Scope(ctx), in.Body.settings()); err != nil {
		return nil, err
	}
	return h.getCadencePolicy(ctx, nil)
}

// StakeholderCadence is one stakeholder's state against their cadence.
type StakeholderCadence struct {
	StakeholderID   int64         `json:"stakeholder_id"`
	Name            string        `json:"name"`
	Level           account.Level `json:"level"`
	AccountID       int64         `json:"account_id"`
	IntervalDays    int           `json:"interval_days"`
	Source          string        `json:"source" enum:"tier_default,agreed,accelerated" doc:"Where the interval comes from."`
	AgreementID     int64         `json:"agreement_id,omitempty" doc:"The agreed cadence in force, when source is agreed."`
	AccelerationID  int64         `json:"acceleration_id,omitempty" doc:"The acceleration in force, when source is accelerated."`
	LastCheckIn     *account.Date `json:"last_check_in" doc:"null when never checked in with."`
	PreviousCheckIn *account.Date `json:"previous_check_in"`
	NextDue         account.Date  `json:"next_due"`
	DaysLeft        int           `json:"days_left" doc:"Days until the next check-in is due; negative when overdue."`
	State           string        `json:"state" enum:"on_track,due_soon,overdue"`
	OverContacted   bool          `json:"over_contacted"`
	Adherent        bool          `json:"adherent" doc:"Neither overdue nor over-contacted."`
}

func stakeholderCadence(r cadence.Row) StakeholderCadence {
	out := StakeholderCadence{StakeholderID: r.StakeholderID, Name: r.Name, Level: r.Level, AccountID: r.AccountID,
		IntervalDays: r.Interval.Days, Source: string(r.Interval.Source), LastCheckIn: dateOrNil(r.LastTouch),
		PreviousCheckIn: dateOrNil(r.Prev), NextDue: r.NextDue, DaysLeft: r.DaysLeft, State: string(r.State),
		OverContacted: r.OverContacted, Adherent: r.Adherent()}
	if a := r.Interval.Agreement; a != nil {
		out.AgreementID = a.ID
	}
	if a := r.Interval.Acceleration; a != nil {
		out.AccelerationID = a.ID
	}
	return out
}

// AccountCadence is an account's cadence on a day.
type AccountCadence struct {
	AccountID    int64                `json:"account_id"`
	Tier         string               `json:"tier" doc:"A, B or C; an untiered account follows tier C."`
	AsOf         account.Date         `json:"as_of" doc:"The day evaluated, in UTC."`
	Stakeholders []StakeholderCadence `json:"stakeholders" nullable:"false"`
}

func (h *handlers) today() account.Date { return cadence.Day(h.db.Now(), time.UTC) }

func (h *handlers) getAccountCadence(ctx context.Context, in *getInput) (*one[AccountCadence], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	today := h.today()
	rows, _, err := h.db.Adherence(ctx, h.guard.Scope(ctx), store.CadenceScope{AccountID: in.ID}, time.UTC, today)
	if err != nil {
		return nil, err
	}
	store.SortRows(rows)
	out := AccountCadence{AccountID: in.ID, Tier: string(pfolio.TierC), AsOf: today, Stakeholders: make([]StakeholderCadence, len(rows))}
	for i, r := range rows {
		out.Tier = string(r.Tier)
		out.Stakeholders[i] = stakeholderCadence(r)
	}
	if len(rows) == 0 {
		if tiers, err := h.db.AccountTiers(ctx, h.guard.Scope(ctx)); err == nil && tiers[in.ID] != "" {
			out.Tier = string(tiers[in.ID])
		}
	}
	return &one[AccountCadence]{Body: out}, nil
}

// AdherenceGroup is adherence over a group of stakeholders.
type AdherenceGroup struct {
	Key           string  `json:"key" doc:"The tier, the manager's person id (0: no owner), or the account id."`
	Label         string  `json:"label"`
	Stakeholders  int     `json:"stakeholders"`
	Adherent      int     `json:"adherent"`
	OnTrack       int     `json:"on_track"`
	DueSoon       int     `json:"due_soon"`
	Overdue       int     `json:"overdue"`
	OverContacted int     `json:"over_contacted"`
	Percent       float64 `json:"percent" doc:"adherent ÷ stakeholders × 100; 100 for a group without stakeholders."`
}

func groupOut(t cadence.Tally) AdherenceGroup {
	return AdherenceGroup{Key: t.Key, Label: t.Label, Stakeholders: t.Stakeholders, Adherent: t.Adherent, OnTrack: t.OnTrack,
		DueSoon: t.DueSoon, Overdue: t.Overdue, OverContacted: t.OverContacted, Percent: t.Percent()}
}

type adherenceInput struct {
	By string `query:"by" enum:"tier,manager,account" default:"tier" doc:"How to group the stakeholders."`
}

// Adherence is adherence on a day, in total and by group.
type Adherence struct {
	AsOf   account.Date     `json:"as_of" doc:"The day evaluated, in UTC."`
	By     string           `json:"by"`
	Total  AdherenceGroup   `json:"total"`
	Groups []AdherenceGroup `json:"groups" nullable:"false"`
}

func (h *handlers) getAdherence(ctx context.Context, in *adherenceInput) (*one[Adherence], error) {
	sc := h.guard.Scope(ctx)
	scope := store.CadenceScope{PersonID: h.guard.VisibleTo(ctx), TallyOnly: true} // counts only, no names
	today := h.today()
	rows, _, err := h.db.Adherence(ctx, sc, scope, time.UTC, today)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	if in.By == "manager" {
		people, err := h.db.AllPeople(ctx, sc)
		if err != nil {
			return nil, err
		}
		for _, p := range people {
			names[p.ID] = p.Name
		}
	}
	groups := cadence.GroupBy(rows, func(r cadence.Row) (string, string) {
		switch in.By {
		case "manager":
			return strconv.FormatInt(r.OwnerID, 10), names[r.OwnerID]
		case "account":
			return strconv.FormatInt(r.AccountID, 10), r.AccountName
		}
		return string(r.Tier), "Tier " + string(r.Tier)
	})
	out := Adherence{AsOf: today, By: in.By, Total: groupOut(cadence.Total(rows)), Groups: make([]AdherenceGroup, len(groups))}
	for i, g := range groups {
		out.Groups[i] = groupOut(g)
	}
	return &one[Adherence]{Body: out}, nil
}
