package web

import (
	"net/http"

	"github.com/samwise-sam/samwise/internal/account"
)

// dataPages registers this feature's pages.
func (h *handler) dataPages(handle handleFunc) {}

// fieldsSummary loads this feature's section of the account page (nil: none).
func (h *handler) fieldsSummary(r *http.Request, a account.Account) (any, error) {
	return nil, nil
}
