package web

import (
	"net/http"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
)

// handleFunc registers one page route with its access rule; Register passes
// it to each feature's page set.
type handleFunc func(pattern string, rule access.Rule, fn http.HandlerFunc)

// accountExtras are the account page's sections that belong to later
// features, each loaded by its own file: business reviews (reviews.go),
// what we know of the client (intel.go), custom fields (fields.go), plans
// (plans.go), the four R's (outcomes.go), the measures (measures.go) and health and churn
// risk (health.go).
// A nil section is not shown.
type accountExtras struct {
	Reviews, Intel, Fields, Plans, Outcomes, Measures, Health any
}

// loadExtras loads every extra section of the account page for a.
func (h *handler) loadExtras(r *http.Request, a account.Account) (accountExtras, error) {
	var x accountExtras
	var err error
	for _, load := range []struct {
		dst *any
		fn  func(*http.Request, account.Account) (any, error)
	}{
		{&x.Reviews, h.reviewSummary},
		{&x.Intel, h.intelSummary},
		{&x.Fields, h.fieldsSummary},
		{&x.Plans, h.planSummary},
		{&x.Outcomes, h.outcomeSummary},
		{&x.Measures, h.measureSummary},
		{&x.Health, h.healthSummary},
	} {
		if *load.dst, err = load.fn(r, a); err != nil {
			return x, err
		}
	}
	return x, nil
}
