package api

import (
	"context"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
)

// AccountInput is what a client sets on an account.
type AccountInput struct {
	Name          string            `json:"name" minLength:"1" maxLength:"200" doc:"The company's name."`
	Domain        string            `json:"domain,omitempty" maxLength:"253" doc:"Bare web domain such as example.com (a scheme and trailing slash are removed)."`
	Industry      string            `json:"industry,omitempty" maxLength:"100"`
	Employees     int64             `json:"employees,omitempty" minimum:"0" doc:"Head count of the client."`
	AnnualRevenue int64             `json:"annual_revenue,omitempty" minimum:"0" doc:"The client's own yearly revenue, an integer in minor units of currency (cents for USD)."`
	Currency      string            `json:"currency,omitempty" pattern:"^[A-Z]{3}$" default:"USD" doc:"ISO 4217 code of annual_revenue."`
	Region        string            `json:"region,omitempty" maxLength:"100"`
	Country       string            `json:"country,omitempty" maxLength:"100"`
	ParentID      *int64            `json:"parent_id,omitempty" nullable:"true" minimum:"1" doc:"The parent company's account, or null."`
	Lifecycle     account.Lifecycle `json:"lifecycle,omitempty" enum:"prospect,customer,former_customer" default:"prospect"`
	OwnerID       *int64            `json:"owner_id,omitempty" nullable:"true" minimum:"1" doc:"Our accountable account manager (a person id), or null."`
	ExternalID    string            `json:"external_id,omitempty" maxLength:"200" doc:"The record's id in another system, e.g. a CRM."`
}

// Account is an account as the API returns it.
type Account struct {
	ID            int64             `json:"id"`
	Name          string            `json:"name"`
	Domain        string            `json:"domain"`
	Industry      string            `json:"industry"`
	Employees     int64             `json:"employees"`
	AnnualRevenue int64             `json:"annual_revenue" doc:"The client's own yearly revenue, in minor units of currency."`
	Currency      string            `json:"currency"`
	Region        string            `json:"region"`
	Country       string            `json:"country"`
	ParentID      *int64            `json:"parent_id"`
	Lifecycle     account.Lifecycle `json:"lifecycle" enum:"prospect,customer,former_customer"`
	OwnerID       *int64            `json:"owner_id" doc:"Our accountable account manager (a person id)."`
	ExternalID    string            `json:"external_id"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
	// The account's portfolio standing (portfolio.go).
	StrategicScore *float64 `json:"strategic_score" doc:"Strategic Score 0-100, or null when not scored."`
	Tier           *string  `json:"tier" pattern:"^[ABC]$" nullable:"true" doc:"The recorded A-B-C tier, or null when never tiered."`
	Strategic      bool     `json:"strategic" doc:"Designated a strategic account."`
}

func (in AccountInput) record(id int64) account.Account {
	return account.Account{ID: id, Name: in.Name, Domain: in.Domain, Industry: in.Industry, Employees: in.Employees,
		AnnualRevenue: in.AnnualRevenue, Currency: in.Currency, Region: in.Region, Country: in.Country,
		ParentID: in.ParentID, Lifecycle: in.Lifecycle, OwnerID: in.OwnerID, ExternalID: in.ExternalID}
}

func accountInput(a account.Account) AccountInput {
	return AccountInput{Name: a.Name, Domain: a.Domain, Industry: a.Industry, Employees: a.Employees,
		AnnualRevenue: a.AnnualRevenue, Currency: a.Currency, Region: a.Region, Country: a.Country,
		ParentID: a.ParentID, Lifecycle: a.Lifecycle, OwnerID: a.OwnerID, ExternalID: a.ExternalID}
}

func accountOut(a account.Account) Account {
	return Account{ID: a.ID, Name: a.Name, Domain: a.Domain, Industry: a.Industry, Employees: a.Employees,
		AnnualRevenue: a.AnnualRevenue, Currency: a.Currency, Region: a.Region, Country: a.Country,
		ParentID: a.ParentID, Lifecycle: a.Lifecycle, OwnerID: a.OwnerID, ExternalID: a.ExternalID,
		CreatedAt: instant(a.CreatedAt), UpdatedAt: instant(a.UpdatedAt)}
}

type listAccountsInput struct {
	PageParams
	Sort      string            `query:"sort" enum:"name,-name,updated_at,-updated_at,created_at,-created_at,annual_revenue,-annual_revenue,employees,-employees" default:"name" doc:"Order of the list; a leading - sorts descending."`
	Owner     int64             `query:"owner" minimum:"1" doc:"Only accounts of this account manager (a person id)."`
	Industry  string            `query:"industry" maxLength:"100" doc:"Only accounts in exactly this industry."`
	Lifecycle account.Lifecycle `query:"lifecycle" enum:"prospect,customer,former_customer"`
	Country   string            `query:"country" maxLength:"100"`
	Region    string            `query:"region" maxLength:"100"`
	Parent    int64             `query:"parent" minimum:"1" doc:"Only direct children of this account."`
	Q         string            `query:"q" maxLength:"200" doc:"Matches name or domain, case-insensitively."`
}

func (h *handlers) listAccounts(ctx context.Context, in *listAccountsInput) (*listOutput[Account], error) {
	f := account.AccountFilter{Page: in.page(in.Sort), OwnerID: in.Owner, ParentID: in.Parent, Industry: in.Industry,
		Lifecycle: in.Lifecycle, Country: in.Country, Region: in.Region, Q: in.Q}
	f.VisibleTo = h.guard.VisibleTo(ctx) // need to know: only accounts the caller owns or is on the team of
	recs, next, err := h.db.Accounts(ctx, h.guard.Scope(ctx), f)
	if err != nil {
		return nil, err
	}
	badges, err := h.badgesFor(ctx, recs...) // one query for the page
	if err != nil {
		return nil, err
	}
	return list(recs, next, func(a account.Account) Account { return withBadge(accountOut(a), badges[a.ID]) }), nil
}

func (h *handlers) getAccount(ctx context.Context, in *getInput) (*one[Account], error) {
	if err := h.guard.CanReadAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	a, err := h.db.Account(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	badges, err := h.badgesFor(ctx, a)
	if err != nil {
		return nil, err
	}
	return &one[Account]{Body: withBadge(accountOut(a), badges[a.ID])}, nil
}

func (h *handlers) createAccount(ctx context.Context, in *createInput[AccountInput]) (*created[Account], error) {
	if err := h.guard.CanCreateAccount(ctx); err != nil {
		return nil, err
	}
	a := in.Body.record(0)
	if err := h.db.CreateAccount(ctx, h.guard.Scope(ctx), &a); err != nil {
		return nil, err
	}
	// A new account has no portfolio row yet; its badge says "not scored"
	// all the same, so every account object has the same fields.
	badges, err := h.badgesFor(ctx, a)
	if err != nil {
		return nil, err
	}
	return &created[Account]{Location: location("accounts", a.ID), Body: withBadge(accountOut(a), badges[a.ID])}, nil
}

func (h *handlers) putAccount(ctx context.Context, in *putInput[AccountInput]) (*one[Account], error) {
	if _, err := h.editableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	return h.saveAccount(ctx, in.ID, in.Body)
}

func (h *handlers) patchAccount(ctx context.Context, in *patchInput[AccountInput]) (*one[Account], error) {
	cur, err := h.editableAccount(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	merged, err := in.Body.apply(accountInput(cur))
	if err != nil {
		return nil, err
	}
	return h.saveAccount(ctx, in.ID, merged)
}

// editableAccount returns the account if the caller may change it.
func (h *handlers) editableAccount(ctx context.Context, id int64) (account.Account, error) {
	if err := h.guard.CanReadAccount(ctx, id); err != nil {
		return account.Account{}, err
	}
	cur, err := h.db.Account(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return cur, err
	}
	return cur, h.guard.CanEdit(ctx, id, access.PartAccount)
}

func (h *handlers) saveAccount(ctx context.Context, id int64, in AccountInput) (*one[Account], error) {
	a := in.record(id)
	if err := h.db.UpdateAccount(ctx, h.guard.Scope(ctx), &a); err != nil {
		return nil, err
	}
	badges, err := h.badgesFor(ctx, a)
	if err != nil {
		return nil, err
	}
	return &one[Account]{Body: withBadge(accountOut(a), badges[a.ID])}, nil
}

func (h *handlers) deleteAccount(ctx context.Context, in *deleteInput) (*struct{}, error) {
	if _, err := h.editableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.DeleteAccount(ctx, h.guard.Scope(ctx), in.ID)
}
