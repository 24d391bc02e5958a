package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"

	"github.com/samwise-sam/samwise/internal/account"
)

// status is the one place where an application error code becomes an HTTP
// status.
func status(code account.Code) int {
	switch code {
	case account.EINVALID:
		return http.StatusUnprocessableEntity
	case account.ENOTFOUND:
		return http.StatusNotFound
	case account.ECONFLICT:
		return http.StatusConflict
	case account.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case account.EFORBIDDEN:
		return http.StatusForbidden
	case account.ETOOMANY:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// problem turns an error from the guard or the store into problem details.
// Users see the error's message and the fields to fix, prefixed by loc
// ("body" or "query") so that they read like Huma's own locations; the cause
// of an internal error goes to the log only.
func (h *handlers) problem(ctx context.Context, operation string, err error, loc string) *huma.ErrorModel {
	st := status(account.ErrorCode(err))
	if st == http.StatusInternalServerError {
		h.log.ErrorContext(ctx, "api: request failed", "operation", operation, "err", err)
	}
	p := &huma.ErrorModel{Title: http.StatusText(st), Status: st, Detail: account.ErrorMessage(err)}
	for _, f := range account.ErrorFields(err) {
		where := f.Field
		if loc != "" && where != "" {
			where = loc + "." + where
		}
		p.Errors = append(p.Errors, &huma.ErrorDetail{Message: f.Message, Location: where})
	}
	return p
}

// schemaErrorsAre400 makes Huma answer 400 instead of 422 when a request does
// not match the schema (unknown field, wrong type, value out of the
// documented range, bad query parameter), for our operations only: 422 stays
// for business rules, which problem() reports. Huma offers no per-API switch,
// so this replaces its package-level error constructor, once, at start-up;
// other Huma APIs in the process (without our rule metadata) are untouched.
// Our own 422s never pass through here: problem() builds them directly.
func init() {
	next := huma.NewErrorWithContext
	huma.NewErrorWithContext = func(ctx huma.Context, st int, msg string, errs ...error) huma.StatusError {
		if st == http.StatusUnprocessableEntity && ctx != nil {
			if _, ours := ruleOf(ctx.Operation()); ours {
				st, msg = http.StatusBadRequest, "The request does not match the API description; see errors."
				errs = namePropertyLocations(errs)
			}
		}
		return next(ctx, st, msg, errs...)
	}
}

// Huma reports a missing required property at the object that lacks it
// ("body"); clients expect the field itself ("body.name") as for every other
// field error.
var requiredBefore, requiredAfter, _ = strings.Cut(validation.MsgExpectedRequiredProperty, "%s")

func namePropertyLocations(errs []error) []error {
	out := make([]error, len(errs))
	for i, err := range errs {
		out[i] = err
		d, ok := err.(*huma.ErrorDetail)
		if !ok || d.Location == "" {
			continue
		}
		name, hasPrefix := strings.CutPrefix(d.Message, requiredBefore)
		name, hasSuffix := strings.CutSuffix(name, requiredAfter)
		if hasPrefix && hasSuffix && name != "" {
			// A copy: Huma reuses its detail values across requests.
			out[i] = &huma.ErrorDetail{Message: d.Message, Location: d.Location + "." + name}
		}
	}
	return out
}
