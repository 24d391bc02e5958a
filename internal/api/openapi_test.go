package api

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite openapi.json from the registered operations")

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func TestOpenAPIFileIsCurrent(t *testing.T) {
	got := document(t)
	if *update {
		if err := os.WriteFile("openapi.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	committed, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatalf("%v (generate it with: go test ./internal/api -run TestOpenAPIFileIsCurrent -update)", err)
	}
	if !bytes.Equal(committed, got) {
		t.Fatal("internal/api/openapi.json is stale; refresh it with: go test ./internal/api -run TestOpenAPIFileIsCurrent -update")
	}
}

func TestEveryOperationDeclaresAnAccessRule(t *testing.T) {
	api := Register(http.NewServeMux(), Deps{})
	n := 0
	for path, item := range api.OpenAPI().Paths {
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			op := operationOf(item, m)
			if op == nil {
				continue
			}
			n++
			r, ok := ruleOf(op)
			if !ok {
				t.Errorf("%s %s has no access rule", m, path)
				continue
			}
			if wantRule := ruleFor(m, path); r != wantRule {
				t.Errorf("%s %s has rule %q, want %q", m, path, r, wantRule)
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d operations registered", n)
	}
}

func TestRegisteringAnOperationWithoutARulePanics(t *testing.T) {
	api := Register(http.NewServeMux(), Deps{})
	h := &handlers{}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "no access rule") {
			t.Fatalf("recovered %v, want a panic about the missing rule", r)
		}
	}()
	register(api, h, huma.Operation{OperationID: "unguarded", Method: http.MethodGet, Path: "/api/v1/unguarded"},
		func(context.Context, *struct{}) (*struct{}, error) { return nil, nil })
}

// TestEveryOperationAnswersAsDocumented calls every operation of the
// document with a valid request and checks (in env.do) that the request and
// the answer match the document.
func TestEveryOperationAnswersAsDocumented(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		get := func(path string) { t.Helper(); want(t, e.do(http.MethodGet, path, nil), http.StatusOK) }
		call := func(method, path string, body any, status int) resp {
			t.Helper()
			r := e.do(method, path, body)
			want(t, r, status)
			return r
		}

		get("/api/openapi.json")

		person := e.create("people", map[string]any{"name": "Ann Manager", "email": "ann@example.com"})
		get("/api/v1/people")
		get(path("/api/v1/people/%d", person))
		call(http.MethodPut, path("/api/v1/people/%d", person), map[string]any{"name": "Ann Manager", "email": "ann@example.com", "title": "AM"}, 200)
		call(http.MethodPatch, path("/api/v1/people/%d", person), map[string]any{"title": "Senior AM"}, 200)

		acct := e.create("accounts", map[string]any{"name": "Acme", "industry": "Retail", "owner_id": person, "annual_revenue": 5_000_000_00})
		get("/api/v1/accounts?industry=Retail")
		get(path("/api/v1/accounts/%d", acct))
		call(http.MethodPut, path("/api/v1/accounts/%d", acct), map[string]any{"name": "Acme Corp", "industry": "Retail", "lifecycle": "customer"}, 200)
		call(http.MethodPatch, path("/api/v1/accounts/%d", acct), map[string]any{"owner_id": person}, 200)

		sh := e.create("stakeholders", map[string]any{"account_id": acct, "name": "Bo Buyer", "level": "executive"})
		get("/api/v1/stakeholders")
		get(path("/api/v1/stakeholders/%d", sh))
		get(path("/api/v1/accounts/%d/stakeholders", acct))
		call(http.MethodPut, path("/api/v1/stakeholders/%d", sh), map[string]any{"name": "Bo Buyer", "buying_role": "decision_maker"}, 200)
		call(http.MethodPatch, path("/api/v1/stakeholders/%d", sh), map[string]any{"active": false}, 200)

		touch := e.create("touches", map[string]any{"account_id": acct, "kind": "meeting", "occurred_at": "2026-03-02T10:00:00Z",
			"summary": "Kick-off", "people_ids": []int64{person}, "stakeholder_ids": []int64{sh}})
		get("/api/v1/touches")
		get(path("/api/v1/touches/%d", touch))
		get(path("/api/v1/accounts/%d/touches", acct))
		call(http.MethodPut, path("/api/v1/touches/%d", touch), map[string]any{"kind": "call", "occurred_at": "2026-03-02T10:00:00+01:00", "summary": "Kick-off call"}, 200)
		call(http.MethodPatch, path("/api/v1/touches/%d", touch), map[string]any{"next_step": "Send proposal"}, 200)

		opp := e.create("opportunities", map[string]any{"account_id": acct, "name": "Expansion", "amount": 120_000_00, "expected_close": "2026-06-30"})
		get("/api/v1/opportunities")
		get(path("/api/v1/opportunities/%d", opp))
		get(path("/api/v1/accounts/%d/opportunities", acct))
		call(http.MethodPut, path("/api/v1/opportunities/%d", opp), map[string]any{"name": "Expansion", "stage": "won", "actual_close": "2026-05-01"}, 200)
		call(http.MethodPatch, path("/api/v1/opportunities/%d", opp), map[string]any{"amount": 99}, 200)

		con := e.create("contracts", map[string]any{"account_id": acct, "product": "Platform", "annual_value": 60_000_00, "start": "2026-01-01"})
		get("/api/v1/contracts")
		get(path("/api/v1/contracts/%d", con))
		get(path("/api/v1/accounts/%d/contracts", acct))
		call(http.MethodPut, path("/api/v1/contracts/%d", con), map[string]any{"product": "Platform", "start": "2026-01-01", "end": "2026-12-31"}, 200)
		call(http.MethodPatch, path("/api/v1/contracts/%d", con), map[string]any{"end": nil}, 200)

		get(path("/api/v1/audit?account=%d", acct))
		exerciseStaffing(t, e, acct, person)
		exerciseCadence(t, e, acct)
		exercisePortfolio(t, e, acct)
		exerciseReviews(t, e, acct)
		exerciseIntel(t, e, acct, person)
		exerciseData(t, e)
		exercisePlans(t, e, acct)
		exerciseOutcomes(t, e, acct, person)
		exerciseMeasures(t, e, acct)
		exerciseSurveyAnswers(t, e, acct, sh)
		exerciseHealth(t, e, acct)

		call(http.MethodDelete, path("/api/v1/contracts/%d", con), nil, 204)
		call(http.MethodDelete, path("/api/v1/opportunities/%d", opp), nil, 204)
		call(http.MethodDelete, path("/api/v1/touches/%d", touch), nil, 204)
		call(http.MethodDelete, path("/api/v1/stakeholders/%d", sh), nil, 204)
		call(http.MethodDelete, path("/api/v1/accounts/%d", acct), nil, 204)
		call(http.MethodDelete, path("/api/v1/people/%d", person), nil, 204)

		_, ops := spec(t)
		var missed []string
		for _, op := range ops {
			if !e.seen[op.key] {
				missed = append(missed, op.key)
			}
		}
		if len(missed) > 0 {
			t.Errorf("operations of the document never exercised: %s", strings.Join(missed, ", "))
		}
		if !slices.ContainsFunc(ops, func(o docOp) bool { return o.key == "GET /api/openapi.json" }) {
			t.Error("the document does not describe GET /api/openapi.json")
		}
	})
}

// TestTheDocumentCheckIsNotVacuous makes sure env.do's validation would
// notice an answer or a request the document does not describe.
func TestTheDocumentCheckIsNotVacuous(t *testing.T) {
	v, _ := spec(t)
	answer := func(status int, body string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body))}
	}
	get := func() *http.Request { return httptestRequest(http.MethodGet, "/api/v1/accounts/1", "") }
	if ok, _ := v.ValidateHttpResponse(get(), answer(200, `{"id":"one"}`)); ok {
		t.Error("an account with a string id and no other field passed")
	}
	if ok, _ := v.ValidateHttpResponse(get(), answer(418, `{}`)); ok {
		t.Error("an undeclared status passed")
	}
	if ok, _ := v.ValidateHttpRequest(httptestRequest(http.MethodPost, "/api/v1/accounts", `{"name":"X","colour":1}`)); ok {
		t.Error("a body with an unknown field passed")
	}
	if ok, _ := v.ValidateHttpRequest(httptestRequest(http.MethodPost, "/api/v1/contracts", `{"account_id":1,"product":"P","start":"tomorrow"}`)); ok {
		t.Error("a date that is not a date passed")
	}
}

func httptestRequest(method, target, body string) *http.Request {
	r, _ := http.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	return r
}
