package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// fakeGuard is a principal with limits, recording what it was asked.
type fakeGuard struct {
	access.Unrestricted
	deny     map[access.Rule]error // route rules refused, with the error
	hidden   int64                 // an account the principal may not see
	readOnly int64                 // an account the principal may see but not change
	noCreate bool

	mu    sync.Mutex
	edits []access.Part // parts CanEdit was asked about
}

func (g *fakeGuard) Allow(_ context.Context, r access.Rule) error { return g.deny[r] }

func (g *fakeGuard) CanReadAccount(_ context.Context, id int64) error {
	if id == g.hidden {
		return account.Errorf(account.ENOTFOUND, "Account %d not found.", id)
	}
	return nil
}

func (g *fakeGuard) CanEdit(_ context.Context, id int64, part access.Part) error {
	g.mu.Lock()
	g.edits = append(g.edits, part)
	g.mu.Unlock()
	if id == g.readOnly {
		return account.Errorf(account.EFORBIDDEN, "Your role on this account does not let you change its %s records.", part)
	}
	return nil
}

func (g *fakeGuard) CanCreateAccount(context.Context) error {
	if g.noCreate {
		return account.Errorf(account.EFORBIDDEN, "Only account managers and leaders add accounts.")
	}
	return nil
}

func TestRouteRulesAreCheckedBeforeTheHandler(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		f := e.fixture()
		signedOut := account.Errorf(account.EUNAUTHORIZED, "Sign in first.")
		viewer := &fakeGuard{Unrestricted: access.Unrestricted{S: e.sc}, deny: map[access.Rule]error{
			access.WriteRecords: account.Errorf(account.EFORBIDDEN, "Viewers cannot change records."),
			access.ReadAudit:    account.Errorf(account.EFORBIDDEN, "Only administrators read the audit trail."),
		}}
		anonymous := &fakeGuard{Unrestricted: access.Unrestricted{S: e.sc}, deny: map[access.Rule]error{
			access.ReadRecords: signedOut, access.WriteRecords: signedOut, access.ReadAudit: signedOut,
		}}
		throttled := &fakeGuard{Unrestricted: access.Unrestricted{S: e.sc}, deny: map[access.Rule]error{
			access.ReadRecords: account.Errorf(account.ETOOMANY, "Slow down."),
		}}
		acct := path("/api/v1/accounts/%d", f.account)
		for _, c := range []struct {
			name   string
			guard  *fakeGuard
			method string
			path   string
			body   any
			status int
		}{
			{"a viewer reads", viewer, http.MethodGet, acct, nil, 200},
			{"a viewer cannot create", viewer, http.MethodPost, "/api/v1/accounts", map[string]any{"name": "X"}, 403},
			{"a viewer cannot patch", viewer, http.MethodPatch, acct, map[string]any{"name": "X"}, 403},
			{"a viewer cannot delete", viewer, http.MethodDelete, acct, nil, 403},
			{"a viewer cannot read the audit trail", viewer, http.MethodGet, "/api/v1/audit", nil, 403},
			{"nobody signed in cannot list", anonymous, http.MethodGet, "/api/v1/accounts", nil, 401},
			{"nobody signed in cannot write", anonymous, http.MethodPut, acct, map[string]any{"name": "X"}, 401},
			{"nobody signed in reads the document", anonymous, http.MethodGet, "/api/openapi.json", nil, 200},
			{"a throttled client is told to slow down", throttled, http.MethodGet, "/api/v1/people", nil, 429},
		} {
			t.Run(c.name, func(t *testing.T) {
				o := e.as(c.guard)
				o.t = t
				r := o.do(c.method, c.path, c.body)
				want(t, r, c.status)
				if c.status >= 400 {
					if p := r.problem(t); p.Detail != account.ErrorMessage(c.guard.deny[ruleFor(c.method, c.path)]) {
						t.Errorf("detail %q does not pass on the guard's message", p.Detail)
					}
				}
			})
		}
		// Refused writes changed nothing.
		r := e.do(http.MethodGet, acct, nil)
		fields(t, r.Body, map[string]any{"name": "Fixture Ltd"})
	})
}

// featureRules holds the operations whose rule is not the default below
// ("METHOD /path" → rule); each feature's test file adds its own in init.
var featureRules = map[string]access.Rule{}

// ruleFor is the rule each operation must declare: reads of records need
// ReadRecords, changes WriteRecords; people, the audit trail and the
// document itself have their own.
func ruleFor(method, p string) access.Rule {
	if r, ok := featureRules[method+" "+p]; ok {
		return r
	}
	switch {
	case p == "/api/openapi.json":
		return access.Public
	case p == "/api/v1/audit":
		return access.ReadAudit
	case method == http.MethodGet:
		return access.ReadRecords
	case staffingPolicy[method+" "+p]:
		return access.SetPolicy
	case method+" "+p == "PUT /api/v1/cadence/policy":
		return access.SetPolicy
	case portfolioPolicy[method+" "+p]:
		return access.SetPolicy
	case strings.HasPrefix(p, "/api/v1/people"):
		return access.ManagePeople
	}
	return access.WriteRecords
}

func TestAccountAccessIsAskedOfTheGuard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		f := e.fixture()
		mine := e.create("accounts", map[string]any{"name": "Mine"})
		secret := e.create("accounts", map[string]any{"name": "Secret"})
		secretSH := e.create("stakeholders", map[string]any{"account_id": secret, "name": "Hidden Person"})
		secretTouch := e.create("touches", map[string]any{"account_id": secret, "kind": "call", "occurred_at": "2026-01-01T00:00:00Z", "summary": "Hush"})
		g := &fakeGuard{Unrestricted: access.Unrestricted{S: e.sc}, hidden: secret, readOnly: f.account}
		o := e.as(g)

		for _, c := range []struct {
			name     string
			method   string
			path     string
			body     any
			status   int
			location string
		}{
			{"a hidden account is not found", http.MethodGet, path("/api/v1/accounts/%d", secret), nil, 404, ""},
			{"a hidden account's stakeholder is not found", http.MethodGet, path("/api/v1/stakeholders/%d", secretSH), nil, 404, ""},
			{"a hidden account's touch is not found", http.MethodGet, path("/api/v1/touches/%d", secretTouch), nil, 404, ""},
			{"a hidden account's records are not found", http.MethodGet, path("/api/v1/accounts/%d/stakeholders", secret), nil, 404, ""},
			{"a list filtered by a hidden account is empty", http.MethodGet, path("/api/v1/touches?account=%d", secret), nil, 200, ""},
			{"the audit trail of a hidden account is empty", http.MethodGet, path("/api/v1/audit?account=%d", secret), nil, 200, ""},
			{"a hidden account cannot be changed", http.MethodPatch, path("/api/v1/accounts/%d", secret), map[string]any{"name": "Mine now"}, 404, ""},
			{"a hidden account's touch cannot be deleted", http.MethodDelete, path("/api/v1/touches/%d", secretTouch), nil, 404, ""},
			{"a record cannot be added to a hidden account", http.MethodPost, "/api/v1/opportunities", map[string]any{"account_id": secret, "name": "Sneaky"}, 422, "body.account_id"},
			{"a read-only account is readable", http.MethodGet, path("/api/v1/accounts/%d", f.account), nil, 200, ""},
			{"a read-only account cannot be replaced", http.MethodPut, path("/api/v1/accounts/%d", f.account), map[string]any{"name": "X"}, 403, ""},
			{"a read-only account's stakeholder cannot be changed", http.MethodPatch, path("/api/v1/stakeholders/%d", f.stakeholder), map[string]any{"title": "X"}, 403, ""},
			{"a read-only account gets no new contract", http.MethodPost, "/api/v1/contracts", map[string]any{"account_id": f.account, "product": "P", "start": "2026-01-01"}, 403, ""},
			{"another account can be changed", http.MethodPatch, path("/api/v1/accounts/%d", mine), map[string]any{"industry": "Retail"}, 200, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				o := *o
				o.t = t
				r := o.do(c.method, c.path, c.body)
				want(t, r, c.status)
				if c.location != "" && !slices.Contains(locations(r.problem(t)), c.location) {
					t.Errorf("errors do not name %s: %s", c.location, r.Body)
				}
			})
		}
		for _, p := range []string{path("/api/v1/touches?account=%d", secret), path("/api/v1/audit?account=%d", secret)} {
			if ids, _ := o.ids(p); len(ids) != 0 {
				t.Errorf("GET %s shows %v of a hidden account", p, ids)
			}
		}
		if ids, _ := e.ids(path("/api/v1/accounts/%d/stakeholders", secret)); len(ids) != 1 {
			t.Errorf("the refused requests changed the hidden account's stakeholders: %v", ids)
		}
		g.noCreate = true
		want(t, o.do(http.MethodPost, "/api/v1/accounts", map[string]any{"name": "New"}), http.StatusForbidden)
	})
}

func TestWritesNameThePartOfTheAccountTheyChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		f := e.fixture()
		g := &fakeGuard{Unrestricted: access.Unrestricted{S: e.sc}}
		o := e.as(g)
		touch := o.create("touches", map[string]any{"account_id": f.account, "kind": "call", "occurred_at": "2026-01-01T00:00:00Z", "summary": "S"})
		opp := o.create("opportunities", map[string]any{"account_id": f.account, "name": "O"})
		con := o.create("contracts", map[string]any{"account_id": f.account, "product": "P", "start": "2026-01-01"})
		want(t, o.do(http.MethodPatch, path("/api/v1/stakeholders/%d", f.stakeholder), map[string]any{"title": "T"}), 200)
		want(t, o.do(http.MethodDelete, path("/api/v1/touches/%d", touch), nil), 204)
		want(t, o.do(http.MethodPut, path("/api/v1/opportunities/%d", opp), map[string]any{"name": "O2"}), 200)
		want(t, o.do(http.MethodDelete, path("/api/v1/contracts/%d", con), nil), 204)
		want(t, o.do(http.MethodPatch, path("/api/v1/accounts/%d", f.account), map[string]any{"industry": "I"}), 200)
		wantParts := []access.Part{
			access.PartTouch, access.PartOpportunity, access.PartContract, // creates
			access.PartStakeholder, access.PartTouch, access.PartOpportunity, access.PartContract, access.PartAccount,
		}
		if !slices.Equal(g.edits, wantParts) {
			t.Errorf("CanEdit was asked about %v, want %v", g.edits, wantParts)
		}
	})
}
