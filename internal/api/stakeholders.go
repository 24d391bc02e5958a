package api

import (
	"context"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
)

// StakeholderInput is what a client sets on a stakeholder. A stakeholder
// stays with the account it was created on.
type StakeholderInput struct {
	Name       string             `json:"name" minLength:"1" maxLength:"200"`
	Title      string             `json:"title,omitempty" maxLength:"200" doc:"Job title."`
	Email      string             `json:"email,omitempty" maxLength:"254" doc:"An e-mail address such as ann@example.com, or empty."`
	Phone      string             `json:"phone,omitempty" maxLength:"50"`
	Level      account.Level      `json:"level,omitempty" enum:"executive,senior_management,middle_management,operational" default:"operational" doc:"Level in the client's organisation."`
	BuyingRole account.BuyingRole `json:"buying_role,omitempty" enum:"decision_maker,influencer,user,champion,blocker,unknown" default:"unknown" doc:"Part in buying from us."`
	Active     *bool              `json:"active,omitempty" default:"true" doc:"False once the person has left the role."`
	ExternalID string             `json:"external_id,omitempty" maxLength:"200"`
}

// NewStakeholder is a stakeholder to create on an account.
type NewStakeholder struct {
	AccountID int64 `json:"account_id" minimum:"1" doc:"The account the stakeholder belongs to."`
	StakeholderInput
}

// Stakeholder is a stakeholder as the API returns it.
type Stakeholder struct {
	ID         int64              `json:"id"`
	AccountID  int64              `json:"account_id"`
	Name       string             `json:"name"`
	Title      string             `json:"title"`
	Email      string             `json:"email"`
	Phone      string             `json:"phone"`
	Level      account.Level      `json:"level" enum:"executive,senior_management,middle_management,operational"`
	BuyingRole account.BuyingRole `json:"buying_role" enum:"decision_maker,influencer,user,champion,blocker,unknown"`
	Active     bool               `json:"active"`
	ExternalID string             `json:"external_id"`
	CreatedAt  time.Time          `json:"created_at"`
	UpdatedAt  time.Time          `json:"updated_at"`
}

func (in StakeholderInput) record(id, accountID int64) account.Stakeholder {
	return account.Stakeholder{ID: id, AccountID: accountID, Name: in.Name, Title: in.Title, Email: in.Email,
		Phone: in.Phone, Level: in.Level, BuyingRole: in.BuyingRole, Active: in.Active == nil || *in.Active,
		ExternalID: in.ExternalID}
}

func stakeholderInput(s account.Stakeholder) StakeholderInput {
	return StakeholderInput{Name: s.Name, Title: s.Title, Email: s.Email, Phone: s.Phone, Level: s.Level,
		BuyingRole: s.BuyingRole, Active: &s.Active, ExternalID: s.ExternalID}
}

func stakeholderOut(s account.Stakeholder) Stakeholder {
	return Stakeholder{ID: s.ID, AccountID: s.AccountID, Name: s.Name, Title: s.Title, Email: s.Email, Phone: s.Phone,
		Level: s.Level, BuyingRole: s.BuyingRole, Active: s.Active, ExternalID: s.ExternalID,
		CreatedAt: instant(s.CreatedAt), UpdatedAt: instant(s.UpdatedAt)}
}

// StakeholderQuery narrows a list of stakeholders, at the top level or
// under an account.
type StakeholderQuery struct {
	PageParams
	Sort       string             `query:"sort" enum:"name,-name,level,-level,updated_at,-updated_at" default:"name" doc:"Order of the list; a leading - sorts descending."`
	Level      account.Level      `query:"level" enum:"executive,senior_management,middle_management,operational"`
	BuyingRole account.BuyingRole `query:"buying_role" enum:"decision_maker,influencer,user,champion,blocker,unknown"`
	Active     string             `query:"active" enum:"true,false" doc:"Only current (true) or former (false) stakeholders."`
	Q          string             `query:"q" maxLength:"200" doc:"Matches name, title or email, case-insensitively."`
}

func (q StakeholderQuery) filter(accountID int64) account.StakeholderFilter {
	f := account.StakeholderFilter{Page: q.page(q.Sort), AccountID: accountID, Level: q.Level, BuyingRole: q.BuyingRole, Q: q.Q}
	if q.Active != "" {
		active := q.Active == "true"
		f.Active = &active
	}
	return f
}

type listStakeholdersInput struct {
	Account int64 `query:"account" minimum:"1" doc:"Only stakeholders of this account."`
	StakeholderQuery
}

type accountStakeholdersInput struct {
	IDParam
	StakeholderQuery
}

func (h *handlers) listStakeholders(ctx context.Context, in *listStakeholdersInput) (*listOutput[Stakeholder], error) {
	if ok, err := h.filterable(ctx, in.Account); err != nil {
		return nil, err
	} else if !ok {
		return list[account.Stakeholder](nil, "", stakeholderOut), nil
	}
	f := in.filter(in.Account)
	f.VisibleTo = h.guard.VisibleTo(ctx) // need to know: only accounts the caller owns or is on the team of
	return h.stakeholderPage(ctx, f)
}

func (h *handlers) accountStakeholders(ctx context.Context, in *accountStakeholdersInput) (*listOutput[Stakeholder], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	return h.stakeholderPage(ctx, in.filter(in.ID))
}

func (h *handlers) stakeholderPage(ctx context.Context, f account.StakeholderFilter) (*listOutput[Stakeholder], error) {
	recs, next, err := h.db.Stakeholders(ctx, h.guard.Scope(ctx), f)
	if err != nil {
		return nil, err
	}
	return list(recs, next, stakeholderOut), nil
}

func (h *handlers) getStakeholder(ctx context.Context, in *getInput) (*one[Stakeholder], error) {
	s, err := h.db.Stakeholder(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	if err := h.guard.CanReadAccount(ctx, s.AccountID); err != nil {
		return nil, err
	}
	return &one[Stakeholder]{Body: stakeholderOut(s)}, nil
}

func (h *handlers) createStakeholder(ctx context.Context, in *createInput[NewStakeholder]) (*created[Stakeholder], error) {
	if err := h.parentAccount(ctx, in.Body.AccountID, access.PartStakeholder); err != nil {
		return nil, err
	}
	s := in.Body.record(0, in.Body.AccountID)
	if err := h.db.CreateStakeholder(ctx, h.guard.Scope(ctx), &s); err != nil {
		return nil, err
	}
	return &created[Stakeholder]{Location: location("stakeholders", s.ID), Body: stakeholderOut(s)}, nil
}

// editableStakeholder returns the stakeholder if the caller may change it.
func (h *handlers) editableStakeholder(ctx context.Context, id int64) (account.Stakeholder, error) {
	s, err := h.db.Stakeholder(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return s, err
	}
	return s, h.editable(ctx, s.AccountID, access.PartStakeholder)
}

func (h *handlers) putStakeholder(ctx context.Context, in *putInput[StakeholderInput]) (*one[Stakeholder], error) {
	cur, err := h.editableStakeholder(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return h.saveStakeholder(ctx, cur, in.Body)
}

func (h *handlers) patchStakeholder(ctx context.Context, in *patchInput[StakeholderInput]) (*one[Stakeholder], error) {
	cur, err := h.editableStakeholder(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	merged, err := in.Body.apply(stakeholderInput(cur))
	if err != nil {
		return nil, err
	}
	return h.saveStakeholder(ctx, cur, merged)
}

func (h *handlers) saveStakeholder(ctx context.Context, cur account.Stakeholder, in StakeholderInput) (*one[Stakeholder], error) {
	s := in.record(cur.ID, cur.AccountID)
	if err := h.db.UpdateStakeholder(ctx, h.guard.Scope(ctx), &s); err != nil {
		return nil, err
	}
	return &one[Stakeholder]{Body: stakeholderOut(s)}, nil
}

func (h *handlers) deleteStakeholder(ctx context.Context, in *deleteInput) (*struct{}, error) {
	if _, err := h.editableStakeholder(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.DeleteStakeholder(ctx, h.guard.Scope(ctx), in.ID)
}
