package web

import (
	"net/http"

	"github.com/samwise-sam/samwise/internal/account"
)

// planPages registers this feature's pages.
func (h *handler) planPages(handle handleFunc) {}

// planSummary loads this feature's section of the account page (nil: none).
func (h *handler) planSummary(r *http.Request, a account.Account) (any, error) {
	return nil, nil
}
