package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/plan"
	"github.com/samwise-sam/samwise/internal/store"
)

// Strategic account plans: plans per account, their versions (frozen once
// shared), share links for the client, KPI actuals and the client's
// comments. The lifecycle and the document's rules are package plan's;
// changing a plan is a change to its account (access.PartAccount).

const (
	versionsDoc   = "Every version of the plan, oldest first. A version is editable while draft or revised; once shared it never changes."
	transitionDoc = "Moves the current version along the lifecycle: draft or revised → shared; shared → feedback or agreed; " +
		"feedback → agreed; agreed → active; active ⇄ reviewed. Becoming active or reviewed schedules the next periodic review. " +
		"409 for a move the lifecycle does not allow."
	shareDoc = "Creates a link for the client to the current version (a draft or revision becomes shared and frozen). " +
		"The token is in the answer once and never again: only its hash is stored. Open it at /shared/plans/{token}."
)

func planRoutes(api huma.API, h *handlers) {
	tags := []string{"Plans"}
	register(api, h, huma.Operation{OperationID: "list-account-plans", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/plans",
		Summary: "List an account's plans", Description: nestedDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.accountPlans)
	register(api, h, huma.Operation{OperationID: "create-account-plan", Method: http.MethodPost, Path: "/api/v1/accounts/{id}/plans",
		Summary: "Draft a plan for an account", Description: "Creates the plan with version 1 as a draft. " + createDoc, Tags: tags,
		DefaultStatus: http.StatusCreated, Metadata: rule(access.WriteRecords)}, h.createPlan)
	register(api, h, huma.Operation{OperationID: "get-plan", Method: http.MethodGet, Path: "/api/v1/plans/{id}",
		Summary: "Get a plan", Tags: tags, Metadata: rule(access.ReadRecords)}, h.getPlan)
	register(api, h, huma.Operation{OperationID: "delete-plan", Method: http.MethodDelete, Path: "/api/v1/plans/{id}",
		Summary: "Delete a plan with all its versions", Tags: tags, DefaultStatus: http.StatusNoContent,
		Metadata: rule(access.WriteRecords)}, h.deletePlan)
	register(api, h, huma.Operation{OperationID: "list-plan-versions", Method: http.MethodGet, Path: "/api/v1/plans/{id}/versions",
		Summary: "List a plan's versions", Description: versionsDoc, Tags: tags, Metadata: rule(access.ReadRecords)}, h.planVersions)
	register(api, h, huma.Operation{OperationID: "revise-plan", Method: http.MethodPost, Path: "/api/v1/plans/{id}/versions",
		Summary: "Draft the next version", Description: "Copies the current version into a new one (status revised) that supersedes it; links to the old version stop working.",
		Tags: tags, DefaultStatus: http.StatusCreated, Metadata: rule(access.WriteRecords)}, h.revisePlan)
	register(api, h, huma.Operation{OperationID: "get-plan-version", Method: http.MethodGet, Path: "/api/v1/plans/{id}/versions/{n}",
		Summary: "Get a version of a plan", Tags: tags, Metadata: rule(access.ReadRecords)}, h.getPlanVersion)
	register(api, h, huma.Operation{OperationID: "replace-plan-version", Method: http.MethodPut, Path: "/api/v1/plans/{id}/versions/{n}",
		Summary: "Replace the document of an editable version", Description: "Only a draft or revised version; 409 once shared.",
		Tags: tags, Metadata: rule(access.WriteRecords)}, h.putPlanVersion)
	register(api, h, huma.Operation{OperationID: "transition-plan-version", Method: http.MethodPost, Path: "/api/v1/plans/{id}/versions/{n}/transition",
		Summary: "Move a version along the lifecycle", Description: transitionDoc, Tags: tags,
		Metadata: rule(access.WriteRecords)}, h.transitionPlan)
	register(api, h, huma.Operation{OperationID: "list-plan-shares", Method: http.MethodGet, Path: "/api/v1/plans/{id}/shares",
		Summary: "List a plan's share links", Tags: tags, Metadata: rule(access.ReadRecords)}, h.planShares)
	register(api, h, huma.Operation{OperationID: "create-plan-share", Method: http.MethodPost, Path: "/api/v1/plans/{id}/shares",
		Summary: "Share the current version with the client", Description: shareDoc, Tags: tags, DefaultStatus: http.StatusCreated,
		Metadata: rule(access.WriteRecords)}, h.createPlanShare)
	register(api, h, huma.Operation{OperationID: "revoke-plan-share", Method: http.MethodPost, Path: "/api/v1/plans/{id}/shares/{share}/revoke",
		Summary: "Withdraw a share link", Description: "Whoever opens it afterwards is told it was withdrawn, and nothing more.",
		Tags: tags, DefaultStatus: http.StatusNoContent, Metadata: rule(access.WriteRecords)}, h.revokePlanShare)
	register(api, h, huma.Operation{OperationID: "list-plan-kpi-actuals", Method: http.MethodGet, Path: "/api/v1/plans/{id}/kpi-actuals",
		Summary: "List a plan's KPI actuals", Tags: tags, Metadata: rule(access.ReadRecords)}, h.kpiActuals)
	register(api, h, huma.Operation{OperationID: "record-plan-kpi-actual", Method: http.MethodPost, Path: "/api/v1/plans/{id}/kpi-actuals",
		Summary: "Record a KPI actual", Description: "For a KPI of the current version, once the client has agreed the plan (409 before).",
		Tags: tags, DefaultStatus: http.StatusCreated, Metadata: rule(access.WriteRecords)}, h.recordKPIActual)
	register(api, h, huma.Operation{OperationID: "list-plan-comments", Method: http.MethodGet, Path: "/api/v1/plans/{id}/comments",
		Summary: "List the comments on a plan", Description: "The client's comments and proposed changes on every version, and the team's answers, oldest first.",
		Tags: tags, Metadata: rule(access.ReadRecords)}, h.planComments)
}

// readablePlan loads a plan the caller may see.
func (h *handlers) readablePlan(ctx context.Context, id int64) (plan.Plan, error) {
	p, err := h.db.Plan(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return p, err
	}
	return p, h.guard.CanReadAccount(ctx, p.AccountID)
}

// editablePlan loads a plan the caller may change.
func (h *handlers) editablePlan(ctx context.Context, id int64) (plan.Plan, error) {
	p, err := h.readablePlan(ctx, id)
	if err != nil {
		return p, err
	}
	return p, h.guard.CanEdit(ctx, p.AccountID, access.PartAccount)
}

type plansOutput struct {
	Body struct {
		Items []Plan `json:"items" nullable:"false"`
	}
}

func (h *handlers) accountPlans(ctx context.Context, in *getInput) (*plansOutput, error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	ps, err := h.db.Plans(ctx, h.guard.Scope(ctx), store.PlanFilter{AccountID: in.ID})
	if err != nil {
		return nil, err
	}
	out := &plansOutput{}
	out.Body.Items = []Plan{}
	for _, p := range ps {
		out.Body.Items = append(out.Body.Items, planOut(p))
	}
	return out, nil
}

// NewPlan is a plan to draft.
type NewPlan struct {
	ReviewDays int           `json:"review_days,omitempty" minimum:"7" maximum:"366" default:"90" doc:"Days between periodic reviews once the plan is active."`
	Content    *PlanDocument `json:"content,omitempty" doc:"The document; left out, a skeleton titled after the account covering a year from today."`
}

type createPlanInput struct {
	IDParam
	Body NewPlan
}

func (h *handlers) createPlan(ctx context.Context, in *createPlanInput) (*created[Plan], error) {
	if err := h.parentAccount(ctx, in.ID, access.PartAccount); err != nil {
		return nil, err
	}
	sc := h.guard.Scope(ctx)
	var c plan.Content
	if in.Body.Content != nil {
		c = in.Body.Content.content()
	} else {
		a, err := h.db.Account(ctx, sc, in.ID)
		if err != nil {
			return nil, err
		}
		c = plan.NewContent(a.Name+" account plan", account.DateOf(time.Now().UTC()))
	}
	p, err := h.db.CreatePlan(ctx, sc, in.ID, c, in.Body.ReviewDays)
	if err != nil {
		return nil, err
	}
	return &created[Plan]{Location: location("plans", p.ID), Body: planOut(p)}, nil
}

func (h *handlers) getPlan(ctx context.Context, in *getInput) (*one[Plan], error) {
	p, err := h.readablePlan(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &one[Plan]{Body: planOut(p)}, nil
}

func (h *handlers) deletePlan(ctx context.Context, in *deleteInput) (*struct{}, error) {
	if _, err := h.editablePlan(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.DeletePlan(ctx, h.guard.Scope(ctx), in.ID)
}

type versionsOutput struct {
	Body struct {
		Items []PlanVersion `json:"items" nullable:"false"`
	}
}

func (h *handlers) planVersions(ctx context.Context, in *getInput) (*versionsOutput, error) {
	if _, err := h.readablePlan(ctx, in.ID); err != nil {
		return nil, err
	}
	vs, err := h.db.PlanVersions(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &versionsOutput{}
	out.Body.Items = []PlanVersion{}
	for _, v := range vs {
		out.Body.Items = append(out.Body.Items, versionOut(v))
	}
	return out, nil
}

// RevisionInput says why a new version is drafted.
type RevisionInput struct {
	Note string `json:"note,omitempty" maxLength:"4000" doc:"What the new version answers or changes."`
}

type reviseInput struct {
	IDParam
	Body RevisionInput
}

func (h *handlers) revisePlan(ctx context.Context, in *reviseInput) (*created[PlanVersion], error) {
	if _, err := h.editablePlan(ctx, in.ID); err != nil {
		return nil, err
	}
	v, err := h.db.RevisePlan(ctx, h.guard.Scope(ctx), in.ID, in.Body.Note)
	if err != nil {
		return nil, err
	}
	return &created[PlanVersion]{Location: location("plans", in.ID) + "/versions/" + strconv.Itoa(v.N), Body: versionOut(v)}, nil
}

type versionParams struct {
	IDParam
	N int `path:"n" minimum:"1" doc:"The version number."`
}

func (h *handlers) getPlanVersion(ctx context.Context, in *versionParams) (*one[PlanVersion], error) {
	if _, err := h.readablePlan(ctx, in.ID); err != nil {
		return nil, err
	}
	v, err := h.db.PlanVersion(ctx, h.guard.Scope(ctx), in.ID, in.N)
	if err != nil {
		return nil, err
	}
	return &one[PlanVersion]{Body: versionOut(v)}, nil
}

// VersionInput is the new document of an editable version.
type VersionInput struct {
	Note    string       `json:"note,omitempty" maxLength:"4000"`
	Content PlanDocument `json:"content"`
}

type putVersionInput struct {
	ID   int64 `path:"id" minimum:"1" doc:"The record's id."`
	N    int   `path:"n" minimum:"1" doc:"The version number."`
	Body VersionInput
}

func (h *handlers) putPlanVersion(ctx context.Context, in *putVersionInput) (*one[PlanVersion], error) {
	if _, err := h.editablePlan(ctx, in.ID); err != nil {
		return nil, err
	}
	v, err := h.db.SavePlanContent(ctx, h.guard.Scope(ctx), in.ID, in.N, in.Body.Content.content(), in.Body.Note)
	if err != nil {
		return nil, err
	}
	return &one[PlanVersion]{Body: versionOut(v)}, nil
}

// TransitionInput is the status to move to.
type TransitionInput struct {
	To string `json:"to" enum:"shared,feedback,agreed,active,reviewed"`
}

type transitionInput struct {
	ID   int64 `path:"id" minimum:"1" doc:"The record's id."`
	N    int   `path:"n" minimum:"1" doc:"The version number."`
	Body TransitionInput
}

func (h *handlers) transitionPlan(ctx context.Context, in *transitionInput) (*one[PlanVersion], error) {
	if _, err := h.editablePlan(ctx, in.ID); err != nil {
		return nil, err
	}
	v, err := h.db.MovePlanVersion(ctx, h.guard.Scope(ctx), in.ID, in.N, plan.Status(in.Body.To))
	if err != nil {
		return nil, err
	}
	return &one[PlanVersion]{Body: versionOut(v)}, nil
}

type sharesOutput struct {
	Body struct {
		Items []PlanShare `json:"items" nullable:"false"`
	}
}

func (h *handlers) planShares(ctx context.Context, in *getInput) (*sharesOutput, error) {
	if _, err := h.readablePlan(ctx, in.ID); err != nil {
		return nil, err
	}
	ss, err := h.db.PlanShares(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &sharesOutput{}
	out.Body.Items = []PlanShare{}
	now := time.Now()
	for _, s := range ss {
		out.Body.Items = append(out.Body.Items, shareOut(s, now))
	}
	return out, nil
}

// NewShare is a link to create.
type NewShare struct {
	Label     string     `json:"label,omitempty" maxLength:"200" doc:"Who the link is for, as a reminder."`
	ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"When the link stops working; never when left out."`
}

// CreatedShare is a new link with its token, shown this once.
type CreatedShare struct {
	PlanShare
	Token string `json:"token" doc:"The secret of the link; not retrievable later."`
	URL   string `json:"url" doc:"The path of the client's page."`
}

type createShareInput struct {
	IDParam
	Body NewShare
}

func (h *handlers) createPlanShare(ctx context.Context, in *createShareInput) (*created[CreatedShare], error) {
	p, err := h.editablePlan(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	var exp time.Time
	if in.Body.ExpiresAt != nil {
		exp = *in.Body.ExpiresAt
	}
	token, s, err := h.db.CreatePlanShare(ctx, h.guard.Scope(ctx), in.ID, p.CurrentVersion, in.Body.Label, exp)
	if err != nil {
		return nil, err
	}
	return &created[CreatedShare]{Location: location("plans", in.ID) + "/shares",
		Body: CreatedShare{PlanShare: shareOut(s, time.Now()), Token: token, URL: "/shared/plans/" + token}}, nil
}

type shareParams struct {
	IDParam
	Share int64 `path:"share" minimum:"1" doc:"The link's id."`
}

func (h *handlers) revokePlanShare(ctx context.Context, in *shareParams) (*struct{}, error) {
	if _, err := h.editablePlan(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.RevokePlanShare(ctx, h.guard.Scope(ctx), in.ID, in.Share)
}

type actualsOutput struct {
	Body struct {
		Items []KPIActual `json:"items" nullable:"false"`
	}
}

func (h *handlers) kpiActuals(ctx context.Context, in *getInput) (*actualsOutput, error) {
	if _, err := h.readablePlan(ctx, in.ID); err != nil {
		return nil, err
	}
	as, err := h.db.KPIActuals(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &actualsOutput{}
	out.Body.Items = []KPIActual{}
	for _, a := range as {
		out.Body.Items = append(out.Body.Items, actualOut(a))
	}
	return out, nil
}

// NewKPIActual is a measurement to record.
type NewKPIActual struct {
	KPIKey string       `json:"kpi_key" minLength:"1" maxLength:"40"`
	On     account.Date `json:"on" format:"date" doc:"The day measured, YYYY-MM-DD."`
	Value  float64      `json:"value"`
	Note   string       `json:"note,omitempty" maxLength:"4000"`
}

type recordActualInput struct {
	IDParam
	Body NewKPIActual
}

func (h *handlers) recordKPIActual(ctx context.Context, in *recordActualInput) (*created[KPIActual], error) {
	if _, err := h.editablePlan(ctx, in.ID); err != nil {
		return nil, err
	}
	a := plan.KPIActual{KPIKey: in.Body.KPIKey, On: in.Body.On, Value: in.Body.Value, Note: in.Body.Note}
	if err := h.db.RecordKPIActual(ctx, h.guard.Scope(ctx), in.ID, &a); err != nil {
		return nil, err
	}
	return &created[KPIActual]{Location: location("plans", in.ID) + "/kpi-actuals", Body: actualOut(a)}, nil
}

type commentsOutput struct {
	Body struct {
		Items []PlanComment `json:"items" nullable:"false"`
	}
}

func (h *handlers) planComments(ctx context.Context, in *getInput) (*commentsOutput, error) {
	if _, err := h.readablePlan(ctx, in.ID); err != nil {
		return nil, err
	}
	cs, err := h.db.PlanComments(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &commentsOutput{}
	out.Body.Items = []PlanComment{}
	for _, c := range cs {
		out.Body.Items = append(out.Body.Items, commentOut(c))
	}
	return out, nil
}
