package web

import (
	"net/http"

	"github.com/samwise-sam/samwise/internal/account"
)

// measurePages registers this feature's pages.
func (h *handler) measurePages(handle handleFunc) {}

// measureSummary loads this feature's section of the account page (nil: none).
func (h *handler) measureSummary(r *http.Request, a account.Account) (any, error) {
	return nil, nil
}
