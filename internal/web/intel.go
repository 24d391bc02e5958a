package web

import (
	"net/http"

	"github.com/samwise-sam/samwise/internal/account"
)

// intelPages registers this feature's pages.
func (h *handler) intelPages(handle handleFunc) {}

// intelSummary loads this feature's section of the account page (nil: none).
func (h *handler) intelSummary(r *http.Request, a account.Account) (any, error) {
	return nil, nil
}
