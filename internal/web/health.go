package web

import (
	"net/http"

	"github.com/samwise-sam/samwise/internal/account"
)

// healthPages registers this feature's pages.
func (h *handler) healthPages(handle handleFunc) {}

// healthSummary loads this feature's section of the account page (nil: none).
func (h *handler) healthSummary(r *http.Request, a account.Account) (any, error) {
	return nil, nil
}
