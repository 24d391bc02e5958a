package web

import (
	"fmt"
	"net/http"

	"github.com/samwise-sam/samwise/internal/access"
)

// Route is one page route and the access rule it requires.
type Route struct {
	Pattern string
	Rule    access.Rule
}

// Register mounts every page on mux (patterns with methods, e.g.
// "GET /accounts/{id}") and returns the route table, so the access test can
// enumerate it. The templates are parsed here, once; they are embedded, so
// a failure is a bug in this package (caught by its tests) and panics at
// start rather than on some later request.
func Register(mux *http.ServeMux, d Deps) []Route {
	h, err := newHandler(d)
	if err != nil {
		panic(fmt.Sprintf("web: %v", err))
	}
	var routes []Route
	handle := func(pattern string, rule access.Rule, fn http.HandlerFunc) {
		mux.Handle(pattern, h.guarded(rule, fn))
		routes = append(routes, Route{Pattern: pattern, Rule: rule})
	}

	handle("GET /static/", access.Public, h.serveStatic)
	handle("GET /{$}", access.SignedIn, h.home)

	handle("GET /accounts", access.ReadRecords, h.accountList)
	handle("GET /accounts/new", access.WriteRecords, h.newAccount)
	handle("POST /accounts", access.WriteRecords, h.createAccount)
	handle("GET /accounts/{id}", access.ReadRecords, h.accountPage)
	handle("GET /accounts/{id}/edit", access.WriteRecords, h.editAccount)
	handle("POST /accounts/{id}", access.WriteRecords, h.updateAccount)
	handle("GET /accounts/{id}/delete", access.WriteRecords, h.confirmDeleteAccount)
	handle("POST /accounts/{id}/delete", access.WriteRecords, h.deleteAccount)

	handle("POST /accounts/{id}/touches", access.WriteRecords, h.logTouch)

	handle("GET /accounts/{id}/stakeholders/new", access.WriteRecords, h.newStakeholder)
	handle("POST /accounts/{id}/stakeholders", access.WriteRecords, h.createStakeholder)
	handle("GET /stakeholders/{id}/edit", access.WriteRecords, h.editStakeholder)
	handle("POST /stakeholders/{id}/edit", access.WriteRecords, h.updateStakeholder)
	handle("GET /stakeholders/{id}/delete", access.WriteRecords, h.confirmDeleteStakeholder)
	handle("POST /stakeholders/{id}/delete", access.WriteRecords, h.deleteStakeholder)

	handle("GET /people", access.ReadRecords, h.peopleList)
	return routes
}

// guarded runs fn only if the principal passes the route's rule: someone
// not signed in goes to the sign-in page, someone whose role lacks the rule
// sees a 403 page.
func (h *handler) guarded(rule access.Rule, fn http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.guard.Allow(r.Context(), rule); err != nil {
			h.fail(w, r, err)
			return
		}
		fn(w, r)
	})
}

func (h *handler) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/accounts", http.StatusSeeOther)
}
