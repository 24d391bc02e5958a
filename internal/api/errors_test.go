package api

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestBadRequestsAreProblemsNamingTheField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		f := e.fixture()
		acct := path("/api/v1/accounts/%d", f.account)
		cases := []struct {
			name     string
			method   string
			path     string
			body     any
			status   int
			location string // an errors[].location the problem must have; "" for none in particular
		}{
			{"an unknown field is rejected", http.MethodPost, "/api/v1/accounts", `{"name":"X","colour":"red"}`, 400, "body.colour"},
			{"a server-kept id is not accepted on create", http.MethodPost, "/api/v1/accounts", `{"name":"X","id":5}`, 400, "body.id"},
			{"a server-kept timestamp is not accepted on replace", http.MethodPut, acct, `{"name":"X","created_at":"2026-01-01T00:00:00Z"}`, 400, "body.created_at"},
			{"an unknown field is rejected in a patch", http.MethodPatch, acct, `{"updated_at":"2026-01-01T00:00:00Z"}`, 400, "body.updated_at"},
			{"a string where a number belongs", http.MethodPost, "/api/v1/accounts", `{"name":"X","employees":"many"}`, 400, "body.employees"},
			{"a number where a string belongs", http.MethodPost, "/api/v1/accounts", `{"name":5}`, 400, "body.name"},
			{"a fraction where an integer belongs", http.MethodPost, "/api/v1/accounts", `{"name":"X","annual_revenue":10.5}`, 400, "body.annual_revenue"},
			{"a value outside the enum", http.MethodPost, "/api/v1/accounts", `{"name":"X","lifecycle":"churned"}`, 400, "body.lifecycle"},
			{"a negative amount", http.MethodPost, "/api/v1/accounts", `{"name":"X","annual_revenue":-1}`, 400, "body.annual_revenue"},
			{"a name longer than allowed", http.MethodPost, "/api/v1/accounts", `{"name":"` + strings.Repeat("x", 201) + `"}`, 400, "body.name"},
			{"a missing required field", http.MethodPost, "/api/v1/stakeholders", `{"name":"No Account"}`, 400, "body.account_id"},
			{"null for a field that cannot be cleared", http.MethodPatch, acct, `{"name":null}`, 400, "body.name"},
			{"a date that is not YYYY-MM-DD", http.MethodPost, "/api/v1/contracts", map[string]any{"account_id": f.account, "product": "P", "start": "01/02/2026"}, 400, "body.start"},
			{"an instant that is not RFC 3339", http.MethodPost, "/api/v1/touches", map[string]any{"account_id": f.account, "kind": "call", "occurred_at": "yesterday", "summary": "S"}, 400, "body.occurred_at"},
			{"malformed JSON", http.MethodPost, "/api/v1/accounts", `{"name":`, 400, "body"},
			{"an empty body", http.MethodPost, "/api/v1/accounts", "", 400, ""},
			{"a JSON array for an object", http.MethodPost, "/api/v1/accounts", `[]`, 400, "body"},
			{"a limit that is not a number", http.MethodGet, "/api/v1/accounts?limit=ten", nil, 400, "query.limit"},
			{"a limit above the maximum", http.MethodGet, "/api/v1/accounts?limit=501", nil, 400, "query.limit"},
			{"a sort key the list does not have", http.MethodGet, "/api/v1/accounts?sort=-colour", nil, 400, "query.sort"},
			{"a filter value outside the enum", http.MethodGet, "/api/v1/stakeholders?active=maybe", nil, 400, "query.active"},
			{"an id that is not a number", http.MethodGet, "/api/v1/accounts/acme", nil, 400, "path.id"},
			{"an id below 1", http.MethodGet, "/api/v1/accounts/0", nil, 400, "path.id"},
			{"an audit bound that is not an instant", http.MethodGet, "/api/v1/audit?from=2026-01-01", nil, 400, "query.from"},

			{"a cursor the list did not issue", http.MethodGet, "/api/v1/accounts?cursor=bm90LWEtY3Vyc29y", nil, 422, "query.cursor"},
			{"a blank name after trimming", http.MethodPost, "/api/v1/accounts", `{"name":"   "}`, 422, "body.name"},
			{"an owner who is not one of our people", http.MethodPost, "/api/v1/accounts", `{"name":"X","owner_id":999999}`, 422, "body.owner_id"},
			{"a parent that is the account itself", http.MethodPatch, acct, map[string]any{"parent_id": f.account}, 422, "body.parent_id"},
			{"a won opportunity without a close date", http.MethodPost, "/api/v1/opportunities", map[string]any{"account_id": f.account, "name": "Deal", "stage": "won"}, 422, "body.actual_close"},
			{"a contract ending before it starts", http.MethodPost, "/api/v1/contracts", map[string]any{"account_id": f.account, "product": "P", "start": "2026-05-01", "end": "2026-04-30"}, 422, "body.end"},
			{"a touch with someone else's stakeholder", http.MethodPost, "/api/v1/touches", map[string]any{"account_id": e.create("accounts", map[string]any{"name": "Other Co"}), "kind": "call", "occurred_at": "2026-01-01T00:00:00Z", "summary": "S", "stakeholder_ids": []int64{f.stakeholder}}, 422, "body.stakeholder_ids"},
			{"a child record on an account that does not exist", http.MethodPost, "/api/v1/stakeholders", map[string]any{"account_id": 999999, "name": "Nobody"}, 422, "body.account_id"},
			{"an invalid e-mail address", http.MethodPost, "/api/v1/people", map[string]any{"name": "Lee", "email": "not an address"}, 422, "body.email"},

			{"a person's e-mail address already in use", http.MethodPost, "/api/v1/people", map[string]any{"name": "Pat Again", "email": "pat@example.com"}, 409, "body.email"},

			{"an unknown account", http.MethodGet, "/api/v1/accounts/999999", nil, 404, ""},
			{"an unknown stakeholder", http.MethodGet, "/api/v1/stakeholders/999999", nil, 404, ""},
			{"an unknown person", http.MethodGet, "/api/v1/people/999999", nil, 404, ""},
			{"an unknown touch", http.MethodGet, "/api/v1/touches/999999", nil, 404, ""},
			{"an unknown opportunity", http.MethodGet, "/api/v1/opportunities/999999", nil, 404, ""},
			{"an unknown contract", http.MethodGet, "/api/v1/contracts/999999", nil, 404, ""},
			{"replacing an unknown account", http.MethodPut, "/api/v1/accounts/999999", map[string]any{"name": "X"}, 404, ""},
			{"patching an unknown person", http.MethodPatch, "/api/v1/people/999999", map[string]any{"title": "X"}, 404, ""},
			{"deleting an unknown contract", http.MethodDelete, "/api/v1/contracts/999999", nil, 404, ""},
			{"the records of an unknown account", http.MethodGet, "/api/v1/accounts/999999/touches", nil, 404, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := *e
				e.t = t
				r := e.do(c.method, c.path, c.body)
				want(t, r, c.status)
				p := r.problem(t)
				if p.Detail == "" || p.Title != http.StatusText(c.status) {
					t.Errorf("problem without detail or with title %q: %s", p.Title, r.Body)
				}
				if c.location != "" && !slices.Contains(locations(p), c.location) {
					t.Errorf("errors name %v, want %q among them: %s", locations(p), c.location, r.Body)
				}
			})
		}
	})
}

func TestAnOversizeBodyIsRefusedWith413(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		big := `{"name":"X","industry":"` + strings.Repeat("a", maxBodyBytes) + `"}`
		for _, c := range []struct{ method, path string }{
			{http.MethodPost, "/api/v1/accounts"},
			{http.MethodPut, "/api/v1/accounts/1"},
			{http.MethodPatch, "/api/v1/touches/1"},
		} {
			r := e.do(c.method, c.path, big)
			want(t, r, http.StatusRequestEntityTooLarge)
			r.problem(t)
		}
	})
}

func TestAnotherOrganisationsRecordsAreNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		f := e.fixture()
		touch := e.create("touches", map[string]any{"account_id": f.account, "kind": "email", "occurred_at": "2026-01-05T12:00:00Z", "summary": "Hi"})
		opp := e.create("opportunities", map[string]any{"account_id": f.account, "name": "Deal"})
		con := e.create("contracts", map[string]any{"account_id": f.account, "product": "P", "start": "2026-01-01"})
		other := e.otherOrg()
		other.create("accounts", map[string]any{"name": "Theirs"})

		for _, p := range []string{
			path("/api/v1/accounts/%d", f.account), path("/api/v1/people/%d", f.person),
			path("/api/v1/stakeholders/%d", f.stakeholder), path("/api/v1/touches/%d", touch),
			path("/api/v1/opportunities/%d", opp), path("/api/v1/contracts/%d", con),
		} {
			for _, m := range []string{http.MethodGet, http.MethodDelete} {
				r := other.do(m, p, nil)
				want(t, r, http.StatusNotFound)
				r.problem(t)
			}
			r := other.do(http.MethodPatch, p, map[string]any{})
			want(t, r, http.StatusNotFound)
		}
		for _, nested := range []string{"stakeholders", "touches", "opportunities", "contracts"} {
			want(t, other.do(http.MethodGet, path("/api/v1/accounts/%d/%s", f.account, nested), nil), http.StatusNotFound)
		}
		// Their lists hold only their own records, and ours are untouched.
		ids, _ := other.ids("/api/v1/accounts")
		if len(ids) != 1 || ids[0] == f.account {
			t.Errorf("the other organisation lists %v", ids)
		}
		if ids, _ := other.ids("/api/v1/stakeholders"); len(ids) != 0 {
			t.Errorf("the other organisation lists our stakeholders %v", ids)
		}
		want(t, e.do(http.MethodGet, path("/api/v1/accounts/%d", f.account), nil), http.StatusOK)
		// Creating a record on our account from their organisation is a field
		// error, as for an account that does not exist.
		r := other.do(http.MethodPost, "/api/v1/contracts", map[string]any{"account_id": f.account, "product": "P", "start": "2026-01-01"})
		want(t, r, http.StatusUnprocessableEntity)
		if !slices.Contains(locations(r.problem(t)), "body.account_id") {
			t.Errorf("problem does not name account_id: %s", r.Body)
		}
	})
}

func TestInternalErrorsKeepTheirCauseInTheLog(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := mount(t, db, account.Scope{OrgID: 1}, access.Unrestricted{S: account.Scope{OrgID: 1}})
	db.Close() // every store call now fails with "sql: database is closed"
	r := e.do(http.MethodGet, "/api/v1/accounts", nil)
	want(t, r, http.StatusInternalServerError)
	p := r.problem(t)
	if p.Detail != "Internal error." || bytes.Contains(r.Body, []byte("closed")) {
		t.Errorf("the answer leaks or lacks a generic message: %s", r.Body)
	}
	if !strings.Contains(e.log.String(), "database is closed") || !strings.Contains(e.log.String(), "list-accounts") {
		t.Errorf("the log does not name the cause and the operation: %s", e.log)
	}
}

func TestStatusMapsEveryErrorCode(t *testing.T) {
	for code, st := range map[account.Code]int{
		account.EINVALID: 422, account.ENOTFOUND: 404, account.ECONFLICT: 409, account.EUNAUTHORIZED: 401,
		account.EFORBIDDEN: 403, account.ETOOMANY: 429, account.EINTERNAL: 500, "something new": 500,
	} {
		if got := status(code); got != st {
			t.Errorf("status(%q) = %d, want %d", code, got, st)
		}
	}
	h := &handlers{log: slogTo(&bytes.Buffer{})}
	p := h.problem(context.Background(), "op", account.Invalid("name", "is required"), "body")
	if p.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Location != "body.name" || p.Errors[0].Message != "is required" {
		t.Errorf("problem of a field error: %+v", p)
	}
}
