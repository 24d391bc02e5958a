package api

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
)

// Route is one API operation as the server's route table lists it.
type Route struct {
	Pattern string // "GET /api/v1/accounts/{id}"
	Rule    access.Rule
}

// Routes lists every operation registered on a, with its access rule, read
// back from the OpenAPI document so that nothing registered is missed.
func Routes(a huma.API) []Route {
	var out []Route
	for path, item := range a.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete, item.Head, item.Options} {
			if op != nil {
				r, _ := ruleOf(op)
				out = append(out, Route{Pattern: op.Method + " " + path, Rule: r})
			}
		}
	}
	return out
}
