package api

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// The renewal calendar pages with a cursor instead of stopping at a cap:
// following next_cursor visits every renewal of the window once, in order,
// including renewals on the same day; a cursor it did not hand out is a 422.
func TestRenewalsPageThroughTheWholeWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		acct := e.create("accounts", map[string]any{"name": "Renewing Inc", "lifecycle": "customer"})
		const n = 23
		for i := range n {
			// Three contracts a day: the cursor must tell same-day renewals apart.
			day := fmt.Sprintf("2031-03-%02d", 1+i/3)
			e.create("contracts", map[string]any{"account_id": acct, "product": fmt.Sprintf("P%02d", i),
				"annual_value": 100_00, "start": "2030-01-01", "end": day})
		}
		seen := map[int64]bool{}
		last := ""
		cursor, pages := "", 0
		for {
			q := url.Values{"from": {"2031-01-01"}, "to": {"2032-01-01"}, "limit": {"5"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			r := e.do(http.MethodGet, "/api/v1/renewals?"+q.Encode(), nil)
			want(t, r, 200)
			var page RenewalList
			r.decode(t, &page)
			pages++
			for _, x := range page.Items {
				if seen[x.ContractID] {
					t.Fatalf("contract %d on two pages", x.ContractID)
				}
				seen[x.ContractID] = true
				key := fmt.Sprintf("%s|%09d", x.RenewsOn, x.ContractID)
				if key <= last {
					t.Fatalf("out of order: %s after %s", key, last)
				}
				last = key
			}
			if page.NextCursor == "" {
				break
			}
			if len(page.Items) != 5 {
				t.Fatalf("a page before the last holds %d renewals, want 5", len(page.Items))
			}
			cursor = page.NextCursor
		}
		if len(seen) != n || pages != 5 {
			t.Fatalf("visited %d renewals in %d pages, want %d in 5", len(seen), pages, n)
		}
		want(t, e.do(http.MethodGet, "/api/v1/renewals?from=2031-01-01&to=2032-01-01&cursor=bm9wZQ", nil), 422)
	})
}
