package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/store"
)

// Deps is what the API needs from the server that mounts it.
type Deps struct {
	DB    *store.DB
	Guard access.Guard
	Log   *slog.Logger
	// ExportDir is where background exports are written (default: the
	// store's FilesDir).
	ExportDir string
}

// maxBodyBytes caps every request body; a body of this size or more gets 413.
const maxBodyBytes = 1 << 20

// ruleKey is the Operation.Metadata key holding an operation's access.Rule.
const ruleKey = "rule"

// Register mounts every API operation on mux under /api/v1 and the OpenAPI
// document at GET /api/openapi.json, and returns the huma.API so tests can
// enumerate operations. It panics if an operation lacks an access rule: that
// is a programming error, found at start-up rather than on a request.
func Register(mux *http.ServeMux, d Deps) huma.API {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	api := humago.New(mux, config())
	h := &handlers{db: d.DB, guard: d.Guard, log: d.Log, api: api, exportDir: d.ExportDir}
	if h.exportDir == "" && d.DB != nil {
		h.exportDir = d.DB.FilesDir()
	}
	// Middlewares apply to operations registered after this call.
	api.UseMiddleware(h.authorize)
	routes(api, h)
	nullMeansAbsent(api)
	return api
}

// config is Huma's default configuration without what we do not serve: the
// built-in docs UI (it loads scripts from a CDN), per-schema URLs and the
// `$schema` links it would add to every response body. We serve the document
// ourselves as an ordinary operation so it passes the same access middleware.
func config() huma.Config {
	c := huma.DefaultConfig("samwise API", "1.0.0")
	c.Info.Description = "Strategic account management records: accounts, their stakeholders, our people, " +
		"touches, opportunities and contracts, and the audit trail. Errors are RFC 9457 problem details; " +
		"400 means the request does not match this document, 422 that it breaks a business rule."
	c.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
	c.OpenAPIPath = ""
	c.DocsPath = ""
	c.SchemasPath = ""
	c.CreateHooks = nil
	c.OnAddOperation = append(c.OnAddOperation, requireRule)
	return c
}

// schemaName names generated schemas: Huma's default names, except that a
// page of a list is "AccountPage" rather than "ListBodyAccount".
func schemaName(t reflect.Type, hint string) string {
	n := huma.DefaultSchemaNamer(t, hint)
	if rest, ok := strings.CutPrefix(n, "ListBody"); ok {
		return rest + "Page"
	}
	return n
}

// requireRule refuses an operation that does not declare its access rule.
func requireRule(_ *huma.OpenAPI, op *huma.Operation) {
	if _, ok := ruleOf(op); !ok {
		panic(fmt.Sprintf("api: operation %s %s has no access rule in Metadata[%q]", op.Method, op.Path, ruleKey))
	}
}

// rule is the Metadata of an operation with the given access rule.
func rule(r access.Rule) map[string]any { return map[string]any{ruleKey: r} }

func ruleOf(op *huma.Operation) (access.Rule, bool) {
	if op == nil {
		return "", false
	}
	r, ok := op.Metadata[ruleKey].(access.Rule)
	return r, ok && r != ""
}

// handlers holds what every handler needs; one file per resource adds its
// methods.
type handlers struct {
	db    *store.DB
	guard access.Guard
	log   *slog.Logger
	api   huma.API
	// exportDir: see Deps.
	exportDir string

	specOnce sync.Once
	spec     json.RawMessage
	specErr  error
}

// authorize is the Huma middleware that checks the operation's route-level
// rule before its handler runs.
func (h *handlers) authorize(ctx huma.Context, next func(huma.Context)) {
	r, ok := ruleOf(ctx.Operation())
	if !ok {
		// requireRule makes this unreachable; refuse rather than serve unguarded.
		h.writeProblem(ctx, fmt.Errorf("operation %s has no access rule", ctx.Operation().OperationID))
		return
	}
	if err := h.guard.Allow(ctx.Context(), r); err != nil {
		h.writeProblem(ctx, err)
		return
	}
	next(ctx)
}

// writeProblem writes err as problem+json from a middleware, where there is
// no handler to return it from.
func (h *handlers) writeProblem(ctx huma.Context, err error) {
	p := h.problem(ctx.Context(), ctx.Operation().OperationID, err, "")
	ctx.SetHeader("Content-Type", "application/problem+json")
	ctx.SetStatus(p.Status)
	if err := json.NewEncoder(ctx.BodyWriter()).Encode(p); err != nil {
		h.log.WarnContext(ctx.Context(), "api: write problem", "err", err)
	}
}

// register adds one operation: it declares the error statuses the operation
// can answer with, caps the body size, and turns the handler's errors into
// problem details. Its op must carry Metadata from rule().
func register[I, O any](api huma.API, h *handlers, op huma.Operation, handle func(context.Context, *I) (*O, error)) {
	in := reflect.TypeFor[I]()
	_, hasBody := in.FieldByName("Body")
	op.Errors = errorStatuses(op.Method, op.Path, hasParams(in), hasBody)
	if hasBody {
		op.MaxBodyBytes = maxBodyBytes
	}
	// Field errors of a write concern its body; those of a read, its query.
	loc := "query"
	if hasBody {
		loc = "body"
	}
	id := op.OperationID
	huma.Register(api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := handle(ctx, in)
		if err != nil {
			return nil, h.problem(ctx, id, err, loc)
		}
		return out, nil
	})
	// Huma declares 422 for every operation with a path parameter or a body;
	// keep the document to what the operation really answers.
	if item := api.OpenAPI().Paths[op.Path]; item != nil {
		if o := operationOf(item, op.Method); o != nil && !slices.Contains(op.Errors, http.StatusUnprocessableEntity) {
			delete(o.Responses, "422")
		}
	}
}

// errorStatuses lists the error statuses an operation can return.
func errorStatuses(method, path string, hasParams, hasBody bool) []int {
	var s []int
	if hasParams || hasBody {
		s = append(s, http.StatusBadRequest) // the request does not match the document
	}
	s = append(s, http.StatusUnauthorized, http.StatusForbidden)
	if strings.Contains(path, "{") {
		s = append(s, http.StatusNotFound)
	}
	if method != http.MethodGet {
		s = append(s, http.StatusConflict)
	}
	if hasBody {
		s = append(s, http.StatusRequestEntityTooLarge)
	}
	// Business rules on writes; a cursor the list did not issue on lists.
	if hasBody || (method == http.MethodGet && hasParams && !strings.HasSuffix(path, "}")) {
		s = append(s, http.StatusUnprocessableEntity)
	}
	return append(s, http.StatusTooManyRequests, http.StatusInternalServerError)
}

// hasParams reports whether t (an input struct) takes path or query
// parameters, directly or through embedded structs.
func hasParams(t reflect.Type) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct && hasParams(f.Type) {
			return true
		}
		if _, ok := f.Tag.Lookup("path"); ok {
			return true
		}
		if _, ok := f.Tag.Lookup("query"); ok {
			return true
		}
	}
	return false
}

func operationOf(item *huma.PathItem, method string) *huma.Operation {
	switch method {
	case http.MethodGet:
		return item.Get
	case http.MethodPost:
		return item.Post
	case http.MethodPut:
		return item.Put
	case http.MethodPatch:
		return item.Patch
	case http.MethodDelete:
		return item.Delete
	}
	return nil
}
