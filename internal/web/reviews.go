package web

import (
	"net/http"

	"github.com/samwise-sam/samwise/internal/account"
)

// reviewPages registers this feature's pages.
func (h *handler) reviewPages(handle handleFunc) {}

// reviewSummary loads this feature's section of the account page (nil: none).
func (h *handler) reviewSummary(r *http.Request, a account.Account) (any, error) {
	return nil, nil
}
