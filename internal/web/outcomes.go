package web

import (
	"net/http"

	"github.com/samwise-sam/samwise/internal/account"
)

// outcomePages registers this feature's pages.
func (h *handler) outcomePages(handle handleFunc) {}

// outcomeSummary loads this feature's section of the account page (nil: none).
func (h *handler) outcomeSummary(r *http.Request, a account.Account) (any, error) {
	return nil, nil
}
