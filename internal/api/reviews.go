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
	"github.com/samwise-sam/samwise/internal/store"
)

// Business reviews: scheduled, held (with outcome) or cancelled; a
// scheduled review whose day has passed is late. Marking a review held
// schedules the next one by the tier's review interval unless the account
// has another scheduled. Reviews are interactions with the client, so the
// right to change them is the right to log touches (access.PartTouch).

const reviewsDoc = "Business reviews (quarterly business review, executive review, annual review) with attendees on both sides. " +
	"state is computed for today (UTC): upcoming or late while scheduled (late once the scheduled day has passed), held, cancelled. " +
	"Under need-to-know, only reviews of accounts you own or are on the team of."

func reviewRoutes(api huma.API, h *handlers) {
	tags := []string{"Reviews"}
	register(api, h, huma.Operation{OperationID: "list-reviews", Method: http.MethodGet, Path: "/api/v1/reviews",
		Summary: "List business reviews", Description: reviewsDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.listReviews)
	register(api, h, huma.Operation{OperationID: "create-review", Method: http.MethodPost, Path: "/api/v1/reviews",
		Summary: "Schedule (or record) a business review", Description: "status defaults to scheduled; a held review needs held_on, not in the future.",
		Tags: tags, DefaultStatus: http.StatusCreated, Metadata: rule(access.WriteRecords)}, h.createReview)
	register(api, h, huma.Operation{OperationID: "get-review", Method: http.MethodGet, Path: "/api/v1/reviews/{id}",
		Summary: "Get a business review", Tags: tags, Metadata: rule(access.ReadRecords)}, h.getReview)
	register(api, h, huma.Operation{OperationID: "patch-review", Method: http.MethodPatch, Path: "/api/v1/reviews/{id}",
		Summary: "Change some of a review's fields (JSON merge patch)",
		Description: "To mark a review held, set status to held with held_on and the outcome. The answer's next_review is the " +
			"review then scheduled by the tier's interval, when one was.",
		Tags: tags, Metadata: rule(access.WriteRecords)}, h.patchReview)
	register(api, h, huma.Operation{OperationID: "delete-review", Method: http.MethodDelete, Path: "/api/v1/reviews/{id}",
		Summary: "Delete a business review", Tags: tags, DefaultStatus: http.StatusNoContent,
		Metadata: rule(access.WriteRecords)}, h.deleteReview)
	register(api, h, huma.Operation{OperationID: "list-account-reviews", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/reviews",
		Summary: "List an account's business reviews", Description: reviewsDoc, Tags: []string{"Accounts"},
		Metadata: rule(access.ReadRecords)}, h.accountReviews)
	cadenceOverrideRoutes(api, h)
}

// ReviewInput is what a client sets on a review. A review stays with the
// account it was scheduled for.
type ReviewInput struct {
	Kind            cadence.ReviewKind   `json:"kind" enum:"qbr,executive,annual"`
	ScheduledOn     account.Date         `json:"scheduled_on" format:"date" doc:"The day it is (or was) scheduled for, YYYY-MM-DD."`
	Status          cadence.ReviewStatus `json:"status,omitempty" enum:"scheduled,held,cancelled" default:"scheduled"`
	HeldOn          *account.Date        `json:"held_on,omitempty" nullable:"true" format:"date" doc:"The day it was held: required when held, null otherwise."`
	Agenda          string               `json:"agenda,omitempty" maxLength:"10000"`
	Outcome         string               `json:"outcome,omitempty" maxLength:"10000"`
	Recommendations string               `json:"recommendations,omitempty" maxLength:"10000" doc:"The account team's recommendations, for the Operations Review Report."`
	PeopleIDs       []int64              `json:"people_ids,omitempty" maxItems:"100" minimum:"1" doc:"Our people attending (person ids)."`
	StakeholderIDs  []int64              `json:"stakeholder_ids,omitempty" maxItems:"100" minimum:"1" doc:"The client's stakeholders attending; each must belong to the account."`
}

// NewReview is a review to schedule for an account.
type NewReview struct {
	AccountID int64 `json:"account_id" minimum:"1"`
	ReviewInput
}

// Review is a business review as the API returns it.
type Review struct {
	ID              int64                `json:"id"`
	AccountID       int64                `json:"account_id"`
	Kind            cadence.ReviewKind   `json:"kind" enum:"qbr,executive,annual"`
	ScheduledOn     account.Date         `json:"scheduled_on" format:"date"`
	HeldOn          *account.Date        `json:"held_on" format:"date"`
	Status          cadence.ReviewStatus `json:"status" enum:"scheduled,held,cancelled"`
	State           cadence.ReviewState  `json:"state" enum:"upcoming,late,held,cancelled" doc:"For today (UTC)."`
	DaysLate        int                  `json:"days_late" doc:"Days since the scheduled day, while late; 0 otherwise."`
	Agenda          string               `json:"agenda"`
	Outcome         string               `json:"outcome"`
	Recommendations string               `json:"recommendations"`
	PeopleIDs       []int64              `json:"people_ids" nullable:"false"`
	StakeholderIDs  []int64              `json:"stakeholder_ids" nullable:"false"`
	ReportURL       string               `json:"report_url" doc:"The printable Operations Review Report (also .md and .pdf)."`
	CreatedAt       time.Time            `json:"created_at"`
	UpdatedAt       time.Time            `json:"updated_at"`
}

// ReviewChange is the answer to a change: the review, and the next review
// scheduled because this one was marked held.
type ReviewChange struct {
	Review
	NextReview *Review `json:"next_review,omitempty"`
}

func todayUTC() account.Date { return account.DateOf(time.Now().UTC()) }

func reviewOut(r cadence.Review) Review {
	today := todayUTC()
	out := Review{ID: r.ID, AccountID: r.AccountID, Kind: r.Kind, ScheduledOn: r.ScheduledOn, Status: r.Status,
		State: r.State(today), DaysLate: r.DaysLate(today), Agenda: r.Agenda, Outcome: r.Outcome, Recommendations: r.Recommendations,
		PeopleIDs: r.PeopleIDs, StakeholderIDs: r.StakeholderIDs, ReportURL: "/reviews/" + strconv.FormatInt(r.ID, 10) + "/report",
		CreatedAt: instant(r.CreatedAt), UpdatedAt: instant(r.UpdatedAt)}
	if !r.HeldOn.IsZero() {
		d := r.HeldOn
		out.HeldOn = &d
	}
	if out.PeopleIDs == nil {
		out.PeopleIDs = []int64{}
	}
	if out.StakeholderIDs == nil {
		out.StakeholderIDs = []int64{}
	}
	return out
}

func (in ReviewInput) record(id, accountID int64) cadence.Review {
	r := cadence.Review{ID: id, AccountID: accountID, Kind: in.Kind, ScheduledOn: in.ScheduledOn, Status: in.Status,
		Agenda: in.Agenda, Outcome: in.Outcome, Recommendations: in.Recommendations, PeopleIDs: in.PeopleIDs, StakeholderIDs: in.StakeholderIDs}
	if r.Status == "" {
		r.Status = cadence.ReviewScheduled
	}
	if in.HeldOn != nil {
		r.HeldOn = *in.HeldOn
	}
	return r
}

func reviewInput(r cadence.Review) ReviewInput {
	in := ReviewInput{Kind: r.Kind, ScheduledOn: r.ScheduledOn, Status: r.Status, Agenda: r.Agenda, Outcome: r.Outcome,
		Recommendations: r.Recommendations, PeopleIDs: r.PeopleIDs, StakeholderIDs: r.StakeholderIDs}
	if !r.HeldOn.IsZero() {
		d := r.HeldOn
		in.HeldOn = &d
	}
	return in
}

// ReviewQuery narrows a list of reviews.
type ReviewQuery struct {
	PageParams
	Sort   string               `query:"sort" enum:"scheduled_on,-scheduled_on,updated_at,-updated_at" default:"scheduled_on" doc:"Order of the list; a leading - sorts descending."`
	Kind   cadence.ReviewKind   `query:"kind" enum:"qbr,executive,annual"`
	Status cadence.ReviewStatus `query:"status" enum:"scheduled,held,cancelled"`
	State  cadence.ReviewState  `query:"state" enum:"upcoming,late,held,cancelled" doc:"As of today (UTC)."`
	Person int64                `query:"person" minimum:"1" doc:"Only reviews of accounts this person owns or is on the team of."`
	From   string               `query:"from" format:"date" doc:"Scheduled on or after this day."`
	To     string               `query:"to" format:"date" doc:"Scheduled on or before this day."`
}

func (q ReviewQuery) filter(accountID int64) (store.ReviewFilter, error) {
	f := store.ReviewFilter{Page: q.page(q.Sort), AccountID: accountID, Kind: q.Kind, Status: q.Status, State: q.State,
		PersonID: q.Person, Today: todayUTC()}
	var err error
	if q.From != "" {
		if f.From, err = account.ParseDate(q.From); err != nil {
			return f, account.Invalid("from", "must be a date, YYYY-MM-DD")
		}
	}
	if q.To != "" {
		if f.To, err = account.ParseDate(q.To); err != nil {
			return f, account.Invalid("to", "must be a date, YYYY-MM-DD")
		}
	}
	return f, nil
}

type listReviewsInput struct {
	Account int64 `query:"account" minimum:"1" doc:"Only reviews of this account."`
	ReviewQuery
}

type accountReviewsInput struct {
	IDParam
	ReviewQuery
}

func (h *handlers) listReviews(ctx context.Context, in *listReviewsInput) (*listOutput[Review], error) {
	if ok, err := h.filterable(ctx, in.Account); err != nil {
		return nil, err
	} else if !ok {
		return list[cadence.Review](nil, "", reviewOut), nil
	}
	f, err := in.filter(in.Account)
	if err != nil {
		return nil, err
	}
	f.VisibleTo = h.guard.VisibleTo(ctx)
	return h.reviewPage(ctx, f)
}

func (h *handlers) accountReviews(ctx context.Context, in *accountReviewsInput) (*listOutput[Review], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	f, err := in.filter(in.ID)
	if err != nil {
		return nil, err
	}
	return h.reviewPage(ctx, f)
}

func (h *handlers) reviewPage(ctx context.Context, f store.ReviewFilter) (*listOutput[Review], error) {
	recs, next, err := h.db.Reviews(ctx, h.guard.Scope(ctx), f)
	if err != nil {
		return nil, err
	}
	return list(recs, next, reviewOut), nil
}

func (h *handlers) getReview(ctx context.Context, in *getInput) (*one[Review], error) {
	r, err := h.db.Review(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	if err := h.guard.CanReadAccount(ctx, r.AccountID); err != nil {
		return nil, err
	}
	return &one[Review]{Body: reviewOut(r)}, nil
}

func (h *handlers) createReview(ctx context.Context, in *createInput[NewReview]) (*created[Review], error) {
	if err := h.parentAccount(ctx, in.Body.AccountID, access.PartTouch); err != nil {
		return nil, err
	}
	r := in.Body.record(0, in.Body.AccountID)
	if err := h.db.CreateReview(ctx, h.guard.Scope(ctx), &r); err != nil {
		return nil, err
	}
	return &created[Review]{Location: location("reviews", r.ID), Body: reviewOut(r)}, nil
}

func (h *handlers) editableReview(ctx context.Context, id int64) (cadence.Review, error) {
	r, err := h.db.Review(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return r, err
	}
	return r, h.editable(ctx, r.AccountID, access.PartTouch)
}

func (h *handlers) patchReview(ctx context.Context, in *patchInput[ReviewInput]) (*one[ReviewChange], error) {
	cur, err := h.editableReview(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	merged, err := in.Body.apply(reviewInput(cur))
	if err != nil {
		return nil, err
	}
	r := merged.record(cur.ID, cur.AccountID)
	next, err := h.db.UpdateReview(ctx, h.guard.Scope(ctx), &r)
	if err != nil {
		return nil, err
	}
	out := ReviewChange{Review: reviewOut(r)}
	if next != nil {
		n := reviewOut(*next)
		out.NextReview = &n
	}
	return &one[ReviewChange]{Body: out}, nil
}

func (h *handlers) deleteReview(ctx context.Context, in *deleteInput) (*struct{}, error) {
	if _, err := h.editableReview(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.DeleteReview(ctx, h.guard.Scope(ctx), in.ID)
}
