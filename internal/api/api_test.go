package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	vconfig "github.com/pb33f/libopenapi-validator/config"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// document is the OpenAPI document the registered operations generate,
// indented as the committed openapi.json is.
func document(t testing.TB) []byte {
	t.Helper()
	api := Register(http.NewServeMux(), Deps{})
	b, err := json.MarshalIndent(api.OpenAPI(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

var (
	specOnce  sync.Once
	specVal   validator.Validator
	specOps   []docOp
	specError error
)

// docOp is one operation of the document, with a pattern matching its URLs.
type docOp struct {
	key string // "GET /api/v1/accounts/{id}"
	re  *regexp.Regexp
}

// spec returns a validator for the generated document and its operations.
func spec(t testing.TB) (validator.Validator, []docOp) {
	t.Helper()
	specOnce.Do(func() {
		raw := document(t)
		doc, err := libopenapi.NewDocument(raw)
		if err != nil {
			specError = err
			return
		}
		v, errs := validator.NewValidator(doc, vconfig.WithFormatAssertions())
		if len(errs) > 0 {
			specError = fmt.Errorf("build validator: %v", errs)
			return
		}
		if ok, verrs := v.ValidateDocument(); !ok {
			specError = fmt.Errorf("the document is not valid OpenAPI: %v", verrs)
			return
		}
		specVal = v
		var d struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			specError = err
			return
		}
		for path, item := range d.Paths {
			re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(path), `[^/]+`) + "$")
			for method := range item {
				specOps = append(specOps, docOp{key: strings.ToUpper(method) + " " + path, re: re})
			}
		}
		sort.Slice(specOps, func(i, j int) bool { return specOps[i].key < specOps[j].key })
	})
	if specError != nil {
		t.Fatal(specError)
	}
	return specVal, specOps
}

// env is the API over a real database, called as one principal.
type env struct {
	t     *testing.T
	db    *store.DB
	sc    account.Scope
	h     http.Handler
	log   *bytes.Buffer
	mu    *sync.Mutex
	seen  map[string]bool // operations answered with a success status
	guard access.Guard
}

// newEnv opens a database of dialect d with a fresh organisation and mounts
// the API as an unrestricted user of it.
func newEnv(t *testing.T, d store.Dialect) *env {
	t.Helper()
	db, sc := storetest.New(t, d)
	sc.UserID, sc.Actor = 7, "api-test"
	return mount(t, db, sc, access.Unrestricted{S: sc})
}

func mount(t *testing.T, db *store.DB, sc account.Scope, g access.Guard) *env {
	t.Helper()
	mux := http.NewServeMux()
	var log bytes.Buffer
	Register(mux, Deps{DB: db, Guard: g, Log: slogTo(&log)})
	return &env{t: t, db: db, sc: sc, h: mux, log: &log, mu: &sync.Mutex{}, seen: map[string]bool{}, guard: g}
}

// as returns the same API and database called through another guard.
func (e *env) as(g access.Guard) *env {
	e.t.Helper()
	o := mount(e.t, e.db, g.Scope(context.Background()), g)
	o.seen, o.mu = e.seen, e.mu
	return o
}

// otherOrg creates a second organisation in the same database and returns
// the API called as an unrestricted user of it.
func (e *env) otherOrg() *env {
	e.t.Helper()
	org := account.Organisation{Name: "Other " + e.t.Name(), Slug: fmt.Sprintf("other-%d-%d", e.sc.OrgID, len(e.t.Name()))}
	if err := e.db.CreateOrganisation(context.Background(), &org); err != nil {
		e.t.Fatal(err)
	}
	return e.as(access.Unrestricted{S: account.Scope{OrgID: org.ID, Actor: "other"}})
}

// resp is an answer of the API.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) String() string { return fmt.Sprintf("%d %s", r.Status, r.Body) }

// decode unmarshals the body into v.
func (r resp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// problem decodes a problem-details body, checking its content type.
func (r resp) problem(t *testing.T) huma.ErrorModel {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json (body %s)", ct, r.Body)
	}
	var p huma.ErrorModel
	r.decode(t, &p)
	if p.Status != r.Status {
		t.Errorf("problem status %d differs from the response's %d", p.Status, r.Status)
	}
	return p
}

// locations lists the errors[].location of a problem.
func locations(p huma.ErrorModel) []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Location)
	}
	return out
}

// do sends a request and checks both it and the answer against the OpenAPI
// document: every response must match the document; a request answered
// with success must match it, and one answered 400 must not (400 means "does
// not match the document").
func (e *env) do(method, path string, body any) resp {
	e.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			e.t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if body != nil {
		ct := "application/json"
		if method == http.MethodPatch {
			ct = "application/merge-patch+json"
		}
		req.Header.Set("Content-Type", ct)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	res := rec.Result()
	out := resp{Status: res.StatusCode, Header: res.Header, Body: rec.Body.Bytes()}
	e.check(method, path, raw, req.Header, out)
	return out
}

func (e *env) check(method, path string, raw []byte, h http.Header, r resp) {
	e.t.Helper()
	v, ops := spec(e.t)
	u := strings.SplitN(path, "?", 2)[0]
	// The most specific operation matches, as in the router: a literal
	// segment (/problems/targets) beats a parameter (/problems/{id}).
	key := ""
	for _, op := range ops {
		if strings.HasPrefix(op.key, method+" ") && op.re.MatchString(u) &&
			(key == "" || strings.Count(op.key, "{") < strings.Count(key, "{")) {
			key = op.key
		}
	}
	if key == "" {
		e.t.Errorf("%s %s: no operation of the document matches", method, path)
		return
	}
	// The validator reads bodies, so each check gets fresh copies.
	req := func() *http.Request {
		q := httptest.NewRequest(method, path, bytes.NewReader(raw))
		q.Header = h.Clone()
		return q
	}
	res := &http.Response{StatusCode: r.Status, Header: r.Header, Body: io.NopCloser(bytes.NewReader(r.Body)), Request: req()}
	if ok, errs := v.ValidateHttpResponse(req(), res); !ok {
		e.t.Errorf("%s %s answered %s, which the document does not describe: %v", method, path, r, errs)
	}
	reqOK, reqErrs := v.ValidateHttpRequest(req())
	switch {
	case r.Status < 300 && !reqOK:
		e.t.Errorf("%s %s succeeded, but the document says the request is invalid: %v", method, path, reqErrs)
	case r.Status == http.StatusBadRequest && reqOK:
		e.t.Errorf("%s %s answered 400, but the document says the request is valid: %s", method, path, r)
	}
	if r.Status < 300 {
		e.mu.Lock()
		e.seen[key] = true
		e.mu.Unlock()
	}
}

// want fails the test unless r has the status.
func want(t *testing.T, r resp, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
}

// create POSTs body to the collection and returns the new record's id.
func (e *env) create(collection string, body any) int64 {
	e.t.Helper()
	r := e.do(http.MethodPost, "/api/v1/"+collection, body)
	want(e.t, r, http.StatusCreated)
	var rec struct {
		ID int64 `json:"id"`
	}
	r.decode(e.t, &rec)
	return rec.ID
}

// ids returns the ids of a list page and its next cursor.
func (e *env) ids(path string) ([]int64, string) {
	e.t.Helper()
	r := e.do(http.MethodGet, path, nil)
	want(e.t, r, http.StatusOK)
	var page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	r.decode(e.t, &page)
	out := make([]int64, len(page.Items))
	for i, it := range page.Items {
		out[i] = it.ID
	}
	return out, page.NextCursor
}

// path formats a request path.
func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }
