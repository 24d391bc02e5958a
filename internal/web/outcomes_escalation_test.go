package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestTheEscalationPathIsRecordedFromTheAccountPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		acme := fmt.Sprintf("/accounts/%d", f.acme.ID)
		contains(t, f.get(acme).body, "None agreed yet", "Record the escalation path")

		res := f.post(acme+"/escalation-path", url.Values{"steps": {"Support desk\r\n\r\nAnn Lee, account manager\nVP Customer Success"}, "agreed_on": {"2026-02-10"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("save = %d %s", res.status, res.body)
		}
		page := f.get(acme).body
		contains(t, page, "<li>Support desk</li><li>Ann Lee, account manager</li><li>VP Customer Success</li>", "agreed with the client on 10 Feb 2026")

		res = f.post(acme+"/escalation-path", url.Values{"steps": {"x"}, "agreed_on": {"tenth of May"}})
		if res.status != http.StatusBadRequest {
			t.Errorf("a bad date = %d, want 400", res.status)
		}
		contains(t, res.body, "Agreed on must be a date")
		p, err := f.db.EscalationPath(t.Context(), f.sc, f.acme.ID)
		if err != nil || len(p.Steps) != 3 {
			t.Errorf("after a refused change: %+v %v", p, err)
		}
	})
}
