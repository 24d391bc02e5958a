package api

import (
	"context"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
)

// OpportunityInput is what a client sets on an opportunity. An opportunity
// stays with the account it was opened on.
type OpportunityInput struct {
	OwnerID       *int64                  `json:"owner_id,omitempty" nullable:"true" minimum:"1" doc:"Our person who owns it, or null."`
	Name          string                  `json:"name" minLength:"1" maxLength:"200"`
	Product       string                  `json:"product,omitempty" maxLength:"200"`
	Kind          account.OpportunityKind `json:"kind,omitempty" enum:"new,upsell,cross_sell,renewal" default:"new"`
	Stage         account.Stage           `json:"stage,omitempty" enum:"prospecting,engaging,proposal,won,lost" default:"prospecting" doc:"won and lost close the opportunity and need actual_close."`
	Amount        int64                   `json:"amount,omitempty" minimum:"0" doc:"Expected value, an integer in minor units of currency (cents for USD)."`
	Currency      string                  `json:"currency,omitempty" pattern:"^[A-Z]{3}$" default:"USD" doc:"ISO 4217 code of amount."`
	ExpectedClose *account.Date           `json:"expected_close,omitempty" nullable:"true" format:"date" doc:"Expected close date, YYYY-MM-DD, or null."`
	ActualClose   *account.Date           `json:"actual_close,omitempty" nullable:"true" format:"date" doc:"Close date, YYYY-MM-DD: required once won or lost, null while open."`
	ExternalID    string                  `json:"external_id,omitempty" maxLength:"200"`
}

// NewOpportunity is an opportunity to open on an account.
type NewOpportunity struct {
	AccountID int64 `json:"account_id" minimum:"1" doc:"The account it would sell to."`
	OpportunityInput
}

// Opportunity is a possible sale as the API returns it.
type Opportunity struct {
	ID            int64                   `json:"id"`
	AccountID     int64                   `json:"account_id"`
	OwnerID       *int64                  `json:"owner_id"`
	Name          string                  `json:"name"`
	Product       string                  `json:"product"`
	Kind          account.OpportunityKind `json:"kind" enum:"new,upsell,cross_sell,renewal"`
	Stage         account.Stage           `json:"stage" enum:"prospecting,engaging,proposal,won,lost"`
	Amount        int64                   `json:"amount" doc:"Minor units of currency."`
	Currency      string                  `json:"currency"`
	ExpectedClose *account.Date           `json:"expected_close" format:"date"`
	ActualClose   *account.Date           `json:"actual_close" format:"date"`
	ExternalID    string                  `json:"external_id"`
	CreatedAt     time.Time               `json:"created_at"`
	UpdatedAt     time.Time               `json:"updated_at"`
}

func (in OpportunityInput) record(id, accountID int64) account.Opportunity {
	return account.Opportunity{ID: id, AccountID: accountID, OwnerID: in.OwnerID, Name: in.Name, Product: in.Product,
		Kind: in.Kind, Stage: in.Stage, Amount: in.Amount, Currency: in.Currency,
		ExpectedClose: dateOf(in.ExpectedClose), ActualClose: dateOf(in.ActualClose), ExternalID: in.ExternalID}
}

func opportunityInput(o account.Opportunity) OpportunityInput {
	return OpportunityInput{OwnerID: o.OwnerID, Name: o.Name, Product: o.Product, Kind: o.Kind, Stage: o.Stage,
		Amount: o.Amount, Currency: o.Currency, ExpectedClose: dateOrNil(o.ExpectedClose),
		ActualClose: dateOrNil(o.ActualClose), ExternalID: o.ExternalID}
}

func opportunityOut(o account.Opportunity) Opportunity {
	return Opportunity{ID: o.ID, AccountID: o.AccountID, OwnerID: o.OwnerID, Name: o.Name, Product: o.Product,
		Kind: o.Kind, Stage: o.Stage, Amount: o.Amount, Currency: o.Currency, ExpectedClose: dateOrNil(o.ExpectedClose),
		ActualClose: dateOrNil(o.ActualClose), ExternalID: o.ExternalID, CreatedAt: instant(o.CreatedAt), UpdatedAt: instant(o.UpdatedAt)}
}

// OpportunityQuery narrows a list of opportunities, at the top level or
// under an account.
type OpportunityQuery struct {
	PageParams
	Sort  string                  `query:"sort" enum:"name,-name,amount,-amount,expected_close,-expected_close,updated_at,-updated_at" default:"name" doc:"Order of the list; a leading - sorts descending."`
	Owner int64                   `query:"owner" minimum:"1" doc:"Only opportunities this person owns."`
	Stage account.Stage           `query:"stage" enum:"prospecting,engaging,proposal,won,lost"`
	Kind  account.OpportunityKind `query:"kind" enum:"new,upsell,cross_sell,renewal"`
	Q     string                  `query:"q" maxLength:"200" doc:"Matches name or product, case-insensitively."`
}

func (q OpportunityQuery) filter(accountID int64) account.OpportunityFilter {
	return account.OpportunityFilter{Page: q.page(q.Sort), AccountID: accountID, OwnerID: q.Owner, Stage: q.Stage,
		Kind: q.Kind, Q: q.Q}
}

type listOpportunitiesInput struct {
	Account int64 `query:"account" minimum:"1" doc:"Only opportunities of this account."`
	OpportunityQuery
}

type accountOpportunitiesInput struct {
	IDParam
	OpportunityQuery
}

func (h *handlers) listOpportunities(ctx context.Context, in *listOpportunitiesInput) (*listOutput[Opportunity], error) {
	if ok, err := h.filterable(ctx, in.Account); err != nil {
		return nil, err
	} else if !ok {
		return list[account.Opportunity](nil, "", opportunityOut), nil
	}
	f := in.filter(in.Account)
	f.VisibleTo = h.guard.VisibleTo(ctx) // need to know: only accounts the caller owns or is on the team of
	return h.opportunityPage(ctx, f)
}

func (h *handlers) accountOpportunities(ctx context.Context, in *accountOpportunitiesInput) (*listOutput[Opportunity], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	return h.opportunityPage(ctx, in.filter(in.ID))
}

func (h *handlers) opportunityPage(ctx context.Context, f account.OpportunityFilter) (*listOutput[Opportunity], error) {
	recs, next, err := h.db.Opportunities(ctx, h.guard.Scope(ctx), f)
	if err != nil {
		return nil, err
	}
	return list(recs, next, opportunityOut), nil
}

func (h *handlers) getOpportunity(ctx context.Context, in *getInput) (*one[Opportunity], error) {
	o, err := h.db.Opportunity(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	if err := h.guard.CanReadAccount(ctx, o.AccountID); err != nil {
		return nil, err
	}
	return &one[Opportunity]{Body: opportunityOut(o)}, nil
}

func (h *handlers) createOpportunity(ctx context.Context, in *createInput[NewOpportunity]) (*created[Opportunity], error) {
	if err := h.parentAccount(ctx, in.Body.AccountID, access.PartOpportunity); err != nil {
		return nil, err
	}
	o := in.Body.record(0, in.Body.AccountID)
	if err := h.db.CreateOpportunity(ctx, h.guard.Scope(ctx), &o); err != nil {
		return nil, err
	}
	return &created[Opportunity]{Location: location("opportunities", o.ID), Body: opportunityOut(o)}, nil
}

func (h *handlers) editableOpportunity(ctx context.Context, id int64) (account.Opportunity, error) {
	o, err := h.db.Opportunity(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return o, err
	}
	return o, h.editable(ctx, o.AccountID, access.PartOpportunity)
}

func (h *handlers) putOpportunity(ctx context.Context, in *putInput[OpportunityInput]) (*one[Opportunity], error) {
	cur, err := h.editableOpportunity(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return h.saveOpportunity(ctx, cur, in.Body)
}

func (h *handlers) patchOpportunity(ctx context.Context, in *patchInput[OpportunityInput]) (*one[Opportunity], error) {
	cur, err := h.editableOpportunity(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	merged, err := in.Body.apply(opportunityInput(cur))
	if err != nil {
		return nil, err
	}
	return h.saveOpportunity(ctx, cur, merged)
}

func (h *handlers) saveOpportunity(ctx context.Context, cur account.Opportunity, in OpportunityInput) (*one[Opportunity], error) {
	o := in.record(cur.ID, cur.AccountID)
	if err := h.db.UpdateOpportunity(ctx, h.guard.Scope(ctx), &o); err != nil {
		return nil, err
	}
	return &one[Opportunity]{Body: opportunityOut(o)}, nil
}

func (h *handlers) deleteOpportunity(ctx context.Context, in *deleteInput) (*struct{}, error) {
	if _, err := h.editableOpportunity(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.DeleteOpportunity(ctx, h.guard.Scope(ctx), in.ID)
}
