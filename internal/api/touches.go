package api

import (
	"context"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
)

// TouchInput is what a client sets on a touch. A touch stays with the
// account it was logged on.
type TouchInput struct {
	Kind           account.TouchKind `json:"kind" enum:"meeting,call,email,business_review,event,other"`
	OccurredAt     time.Time         `json:"occurred_at" doc:"When it happened, RFC 3339."`
	PeopleIDs      []int64           `json:"people_ids,omitempty" maxItems:"100" minimum:"1" doc:"Our people present (person ids)."`
	StakeholderIDs []int64           `json:"stakeholder_ids,omitempty" maxItems:"100" minimum:"1" doc:"The account's stakeholders present; each must belong to the touch's account."`
	Summary        string            `json:"summary" minLength:"1" maxLength:"5000"`
	NextStep       string            `json:"next_step,omitempty" maxLength:"2000"`
}

// NewTouch is a touch to log on an account.
type NewTouch struct {
	AccountID int64 `json:"account_id" minimum:"1" doc:"The account the touch was with."`
	TouchInput
}

// Touch is an interaction with a client as the API returns it.
type Touch struct {
	ID             int64             `json:"id"`
	AccountID      int64             `json:"account_id"`
	Kind           account.TouchKind `json:"kind" enum:"meeting,call,email,business_review,event,other"`
	OccurredAt     time.Time         `json:"occurred_at"`
	PeopleIDs      []int64           `json:"people_ids" nullable:"false"`
	StakeholderIDs []int64           `json:"stakeholder_ids" nullable:"false"`
	Summary        string            `json:"summary"`
	NextStep       string            `json:"next_step"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

// record is the touch to store. The store keeps instants to the millisecond
// in UTC, so the answer to a write shows what a later read will.
func (in TouchInput) record(id, accountID int64) account.Touch {
	return account.Touch{ID: id, AccountID: accountID, Kind: in.Kind, OccurredAt: instant(in.OccurredAt),
		PeopleIDs: in.PeopleIDs, StakeholderIDs: in.StakeholderIDs, Summary: in.Summary, NextStep: in.NextStep}
}

func touchInput(t account.Touch) TouchInput {
	return TouchInput{Kind: t.Kind, OccurredAt: t.OccurredAt, PeopleIDs: t.PeopleIDs, StakeholderIDs: t.StakeholderIDs,
		Summary: t.Summary, NextStep: t.NextStep}
}

func touchOut(t account.Touch) Touch {
	out := Touch{ID: t.ID, AccountID: t.AccountID, Kind: t.Kind, OccurredAt: t.OccurredAt, PeopleIDs: t.PeopleIDs,
		StakeholderIDs: t.StakeholderIDs, Summary: t.Summary, NextStep: t.NextStep, CreatedAt: instant(t.CreatedAt), UpdatedAt: instant(t.UpdatedAt)}
	if out.PeopleIDs == nil {
		out.PeopleIDs = []int64{}
	}
	if out.StakeholderIDs == nil {
		out.StakeholderIDs = []int64{}
	}
	return out
}

// TouchQuery narrows a list of touches, at the top level or under an account.
type TouchQuery struct {
	PageParams
	Sort        string            `query:"sort" enum:"occurred_at,-occurred_at,updated_at,-updated_at" default:"-occurred_at" doc:"Order of the list; a leading - sorts descending."`
	Person      int64             `query:"person" minimum:"1" doc:"Only touches this person of ours was at."`
	Stakeholder int64             `query:"stakeholder" minimum:"1" doc:"Only touches this stakeholder was at."`
	Kind        account.TouchKind `query:"kind" enum:"meeting,call,email,business_review,event,other"`
	Q           string            `query:"q" maxLength:"200" doc:"Matches summary or next step, case-insensitively."`
}

func (q TouchQuery) filter(accountID int64) account.TouchFilter {
	return account.TouchFilter{Page: q.page(q.Sort), AccountID: accountID, PersonID: q.Person,
		StakeholderID: q.Stakeholder, Kind: q.Kind, Q: q.Q}
}

type listTouchesInput struct {
	Account int64 `query:"account" minimum:"1" doc:"Only touches with this account."`
	TouchQuery
}

type accountTouchesInput struct {
	IDParam
	TouchQuery
}

func (h *handlers) listTouches(ctx context.Context, in *listTouchesInput) (*listOutput[Touch], error) {
	if ok, err := h.filterable(ctx, in.Account); err != nil {
		return nil, err
	} else if !ok {
		return list[account.Touch](nil, "", touchOut), nil
	}
	f := in.filter(in.Account)
	f.VisibleTo = h.guard.VisibleTo(ctx) // need to know: only accounts the caller owns or is on the team of
	return h.touchPage(ctx, f)
}

func (h *handlers) accountTouches(ctx context.Context, in *accountTouchesInput) (*listOutput[Touch], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	return h.touchPage(ctx, in.filter(in.ID))
}

func (h *handlers) touchPage(ctx context.Context, f account.TouchFilter) (*listOutput[Touch], error) {
	recs, next, err := h.db.Touches(ctx, h.guard.Scope(ctx), f)
	if err != nil {
		return nil, err
	}
	return list(recs, next, touchOut), nil
}

func (h *handlers) getTouch(ctx context.Context, in *getInput) (*one[Touch], error) {
	t, err := h.db.Touch(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	if err := h.guard.CanReadAccount(ctx, t.AccountID); err != nil {
		return nil, err
	}
	return &one[Touch]{Body: touchOut(t)}, nil
}

func (h *handlers) createTouch(ctx context.Context, in *createInput[NewTouch]) (*created[Touch], error) {
	if err := h.parentAccount(ctx, in.Body.AccountID, access.PartTouch); err != nil {
		return nil, err
	}
	t := in.Body.record(0, in.Body.AccountID)
	if err := h.db.CreateTouch(ctx, h.guard.Scope(ctx), &t); err != nil {
		return nil, err
	}
	return &created[Touch]{Location: location("touches", t.ID), Body: touchOut(t)}, nil
}

func (h *handlers) editableTouch(ctx context.Context, id int64) (account.Touch, error) {
	t, err := h.db.Touch(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return t, err
	}
	return t, h.editable(ctx, t.AccountID, access.PartTouch)
}

func (h *handlers) putTouch(ctx context.Context, in *putInput[TouchInput]) (*one[Touch], error) {
	cur, err := h.editableTouch(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return h.saveTouch(ctx, cur, in.Body)
}

func (h *handlers) patchTouch(ctx context.Context, in *patchInput[TouchInput]) (*one[Touch], error) {
	cur, err := h.editableTouch(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	merged, err := in.Body.apply(touchInput(cur))
	if err != nil {
		return nil, err
	}
	return h.saveTouch(ctx, cur, merged)
}

func (h *handlers) saveTouch(ctx context.Context, cur account.Touch, in TouchInput) (*one[Touch], error) {
	t := in.record(cur.ID, cur.AccountID)
	if err := h.db.UpdateTouch(ctx, h.guard.Scope(ctx), &t); err != nil {
		return nil, err
	}
	return &one[Touch]{Body: touchOut(t)}, nil
}

func (h *handlers) deleteTouch(ctx context.Context, in *deleteInput) (*struct{}, error) {
	if _, err := h.editableTouch(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.DeleteTouch(ctx, h.guard.Scope(ctx), in.ID)
}
