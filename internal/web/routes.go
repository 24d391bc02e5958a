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

	// Contact cadences (cadence.go): agreed cadences and accelerations are
	// part of the stakeholder records (checked per account with
	// access.PartStakeholder); the organisation's policy is the leader's.
	handle("POST /accounts/{id}/cadence/agreements", access.WriteRecords, h.setAgreement)
	handle("POST /accounts/{id}/cadence/agreements/{oid}/delete", access.WriteRecords, h.deleteAgreement)
	handle("POST /accounts/{id}/cadence/accelerations", access.WriteRecords, h.addAcceleration)
	handle("POST /accounts/{id}/cadence/accelerations/{oid}/delete", access.WriteRecords, h.deleteAcceleration)
	handle("GET /adherence", access.ReadRecords, h.adherencePage)
	handle("GET /adherence/export", access.ReadRecords, h.exportAdherence) // cadence.go
	handle("GET /week", access.ReadRecords, h.weekPage)
	handle("GET /cadence/policy", access.SetPolicy, h.cadencePolicyPage)
	handle("POST /cadence/policy", access.SetPolicy, h.saveCadencePolicy)

	// Staffing: the workload board, people's load and goals, account teams
	// and their deliverables. Changing the board, capacities and goals is
	// portfolio policy; the team and deliverables are checked per account
	// (access.PartTeam, or the deliverable's role).
	handle("GET /workload", access.ReadRecords, h.workloadPage)
	handle("POST /workload/moves", access.SetPolicy, h.acceptMove)
	handle("POST /workload/exempt", access.SetPolicy, h.exemptAccount)
	handle("POST /workload/exempt/remove", access.SetPolicy, h.unexemptAccount)
	handle("POST /workload/settings", access.SetPolicy, h.savePolicy)
	handle("GET /people/{id}", access.ReadRecords, h.personPage)
	handle("POST /people/{id}/capacity", access.SetPolicy, h.setCapacity)
	handle("POST /people/{id}/goals", access.SetPolicy, h.setGoals)
	handle("POST /accounts/{id}/team", access.WriteRecords, h.addMember)
	handle("POST /accounts/{id}/team/remove", access.WriteRecords, h.removeMember)
	handle("GET /accounts/{id}/deliverables/{role}", access.WriteRecords, h.editDeliverable)
	handle("POST /accounts/{id}/deliverables/{role}", access.WriteRecords, h.saveDeliverable)
	handle("GET /team", access.ReadRecords, h.teamPage)

	// The portfolio (portfolio.go): the ranking and the strategic pipeline
	// are for every reader; rating an account is a change to it (checked per
	// account with access.PartAccount); criteria, tiering policy, recomputes,
	// designation and tier overrides are the leader's portfolio policy.
	handle("GET /portfolio", access.ReadRecords, h.portfolioPage)
	handle("GET /portfolio/pipeline", access.ReadRecords, h.pipelinePage)
	handle("GET /portfolio/criteria", access.SetPolicy, h.criteriaPage)
	handle("POST /portfolio/criteria", access.SetPolicy, h.saveCriteria)
	handle("POST /portfolio/policy", access.SetPolicy, h.saveTierPolicy)
	handle("POST /portfolio/recompute", access.SetPolicy, h.recomputeTiers)
	handle("GET /accounts/{id}/rating", access.WriteRecords, h.ratingPage)
	handle("POST /accounts/{id}/rating", access.WriteRecords, h.saveRating)
	handle("POST /accounts/{id}/designation", access.SetPolicy, h.decide)
	handle("POST /accounts/{id}/tier", access.SetPolicy, h.overrideTier)

	// Signing in and out. /signin and /setup are public: they are how one
	// becomes someone; /setup answers 404 once any user exists.
	handle("GET /signin", access.Public, h.signInPage)
	handle("POST /signin", access.Public, h.signIn)
	handle("GET /setup", access.Public, h.setupPage)
	handle("POST /setup", access.Public, h.setUp)
	handle("POST /signout", access.SignedIn, h.signOut)

	// One's own account. Tokens are managed only from a browser session:
	// the rule refuses requests made with a token.
	handle("GET /me", access.SignedIn, h.mePage)
	handle("POST /me/password", access.SignedIn, h.changePassword)
	handle("POST /me/signout-everywhere", access.SignedIn, h.signOutEverywhere)
	handle("POST /me/tokens", access.ManageOwnTokens, h.createToken)
	handle("POST /me/tokens/{id}/revoke", access.ManageOwnTokens, h.revokeToken)

	// Administration.
	handle("GET /admin/users", access.ManageUsers, h.userList)
	handle("GET /admin/users/new", access.ManageUsers, h.newUser)
	handle("POST /admin/users/new", access.ManageUsers, h.createUser)
	handle("GET /admin/users/{id}", access.ManageUsers, h.showUser)
	handle("POST /admin/users/{id}", access.ManageUsers, h.updateUser)
	handle("POST /admin/users/{id}/password", access.ManageUsers, h.resetPassword)
	handle("GET /admin/settings", access.ManageSettings, h.settingsPage)
	handle("POST /admin/settings", access.ManageSettings, h.saveSettings)
	handle("GET /admin/audit", access.ReadAudit, h.auditPage)
	handle("GET /admin/audit.csv", access.ReadAudit, h.auditCSV)

	// Later features, each with its own file and rules.
	h.reviewPages(handle)  // business reviews, calendar feeds (reviews.go)
	h.intelPages(handle)   // profile, vision, relationships, roadmap, needs (intel.go)
	h.dataPages(handle)    // custom fields, import and export (fields.go)
	h.planPages(handle)    // strategic account plans and their sharing (plans.go)
	h.outcomePages(handle) // resolution, retention, revenue (outcomes.go)
	h.measurePages(handle) // surveys, grader, assessment (measures.go)
	h.surveyPages(handle)  // survey pickers' searches, answers received on paper (survey_picker.go)
	h.healthPages(handle)  // health scores and churn risk (health.go)
	h.listExportsA(handle) // exports of portfolio, pipeline, workload, people, audit (list_exports_a.go)
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
