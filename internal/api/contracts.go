package api

import (
	"context"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
)

// ContractInput is what a client sets on a contract. A contract stays with
// the account that signed it.
type ContractInput struct {
	Product     string                 `json:"product" minLength:"1" maxLength:"200"`
	AnnualValue int64                  `json:"annual_value,omitempty" minimum:"0" doc:"Value per year (ARR), an integer in minor units of currency (cents for USD)."`
	Currency    string                 `json:"currency,omitempty" pattern:"^[A-Z]{3}$" default:"USD" doc:"ISO 4217 code of annual_value."`
	Start       account.Date           `json:"start" format:"date" doc:"First day, YYYY-MM-DD."`
	End         *account.Date          `json:"end,omitempty" nullable:"true" format:"date" doc:"Last day, YYYY-MM-DD, not before start; null when open-ended."`
	AutoRenew   bool                   `json:"auto_renew,omitempty" doc:"Whether it renews unless cancelled."`
	Status      account.ContractStatus `json:"status,omitempty" enum:"pending,active,expired,cancelled" default:"active"`
	ExternalID  string                 `json:"external_id,omitempty" maxLength:"200"`
}

// NewContract is a contract to record on an account.
type NewContract struct {
	AccountID int64 `json:"account_id" minimum:"1" doc:"The account that signed it."`
	ContractInput
}

// Contract is what an account has bought from us, as the API returns it.
type Contract struct {
	ID          int64                  `json:"id"`
	AccountID   int64                  `json:"account_id"`
	Product     string                 `json:"product"`
	AnnualValue int64                  `json:"annual_value" doc:"Value per year (ARR), in minor units of currency."`
	Currency    string                 `json:"currency"`
	Start       account.Date           `json:"start" format:"date"`
	End         *account.Date          `json:"end" format:"date"`
	AutoRenew   bool                   `json:"auto_renew"`
	Status      account.ContractStatus `json:"status" enum:"pending,active,expired,cancelled"`
	ExternalID  string                 `json:"external_id"`
	CreatedAt   time.Time              `json:"created_at"`
	UpdatedAt   time.Time              `json:"updated_at"`
}

func (in ContractInput) record(id, accountID int64) account.Contract {
	return account.Contract{ID: id, AccountID: accountID, Product: in.Product, AnnualValue: in.AnnualValue,
		Currency: in.Currency, Start: in.Start, End: dateOf(in.End), AutoRenew: in.AutoRenew, Status: in.Status,
		ExternalID: in.ExternalID}
}

func contractInput(c account.Contract) ContractInput {
	return ContractInput{Product: c.Product, AnnualValue: c.AnnualValue, Currency: c.Currency, Start: c.Start,
		End: dateOrNil(c.End), AutoRenew: c.AutoRenew, Status: c.Status, ExternalID: c.ExternalID}
}

func contractOut(c account.Contract) Contract {
	return Contract{ID: c.ID, AccountID: c.AccountID, Product: c.Product, AnnualValue: c.AnnualValue,
		Currency: c.Currency, Start: c.Start, End: dateOrNil(c.End), AutoRenew: c.AutoRenew, Status: c.Status,
		ExternalID: c.ExternalID, CreatedAt: instant(c.CreatedAt), UpdatedAt: instant(c.UpdatedAt)}
}

// ContractQuery narrows a list of contracts, at the top level or under an
// account.
type ContractQuery struct {
	PageParams
	Sort   string                 `query:"sort" enum:"end,-end,start,-start,annual_value,-annual_value,product,-product,updated_at,-updated_at" default:"end" doc:"Order of the list; a leading - sorts descending. Open-ended contracts sort first by end."`
	Status account.ContractStatus `query:"status" enum:"pending,active,expired,cancelled"`
	Q      string                 `query:"q" maxLength:"200" doc:"Matches product, case-insensitively."`
}

func (q ContractQuery) filter(accountID int64) account.ContractFilter {
	return account.ContractFilter{Page: q.page(q.Sort), AccountID: accountID, Status: q.Status, Q: q.Q}
}

type listContractsInput struct {
	Account int64 `query:"account" minimum:"1" doc:"Only contracts of this account."`
	ContractQuery
}

type accountContractsInput struct {
	IDParam
	ContractQuery
}

func (h *handlers) listContracts(ctx context.Context, in *listContractsInput) (*listOutput[Contract], error) {
	if ok, err := h.filterable(ctx, in.Account); err != nil {
		return nil, err
	} else if !ok {
		return list[account.Contract](nil, "", contractOut), nil
	}
	f := in.filter(in.Account)
	f.VisibleTo = h.guard.VisibleTo(ctx) // need to know: only accounts the caller owns or is on the team of
	return h.contractPage(ctx, f)
}

func (h *handlers) accountContracts(ctx context.Context, in *accountContractsInput) (*listOutput[Contract], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	return h.contractPage(ctx, in.filter(in.ID))
}

func (h *handlers) contractPage(ctx context.Context, f account.ContractFilter) (*listOutput[Contract], error) {
	recs, next, err := h.db.Contracts(ctx, h.guard.Scope(ctx), f)
	if err != nil {
		return nil, err
	}
	return list(recs, next, contractOut), nil
}

func (h *handlers) getContract(ctx context.Context, in *getInput) (*one[Contract], error) {
	c, err := h.db.Contract(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	if err := h.guard.CanReadAccount(ctx, c.AccountID); err != nil {
		return nil, err
	}
	return &one[Contract]{Body: contractOut(c)}, nil
}

func (h *handlers) createContract(ctx context.Context, in *createInput[NewContract]) (*created[Contract], error) {
	if err := h.parentAccount(ctx, in.Body.AccountID, access.PartContract); err != nil {
		return nil, err
	}
	c := in.Body.record(0, in.Body.AccountID)
	if err := h.db.CreateContract(ctx, h.guard.Scope(ctx), &c); err != nil {
		return nil, err
	}
	return &created[Contract]{Location: location("contracts", c.ID), Body: contractOut(c)}, nil
}

func (h *handlers) editableContract(ctx context.Context, id int64) (account.Contract, error) {
	c, err := h.db.Contract(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return c, err
	}
	return c, h.editable(ctx, c.AccountID, access.PartContract)
}

func (h *handlers) putContract(ctx context.Context, in *putInput[ContractInput]) (*one[Contract], error) {
	cur, err := h.editableContract(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return h.saveContract(ctx, cur, in.Body)
}

func (h *handlers) patchContract(ctx context.Context, in *patchInput[ContractInput]) (*one[Contract], error) {
	cur, err := h.editableContract(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	merged, err := in.Body.apply(contractInput(cur))
	if err != nil {
		return nil, err
	}
	return h.saveContract(ctx, cur, merged)
}

func (h *handlers) saveContract(ctx context.Context, cur account.Contract, in ContractInput) (*one[Contract], error) {
	c := in.record(cur.ID, cur.AccountID)
	if err := h.db.UpdateContract(ctx, h.guard.Scope(ctx), &c); err != nil {
		return nil, err
	}
	return &one[Contract]{Body: contractOut(c)}, nil
}

func (h *handlers) deleteContract(ctx context.Context, in *deleteInput) (*struct{}, error) {
	if _, err := h.editableContract(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.DeleteContract(ctx, h.guard.Scope(ctx), in.ID)
}
