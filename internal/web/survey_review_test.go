package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
	"github.com/samwise-sam/samwise/internal/web"
)

// serveAt puts the fixture's database behind a server whose clock (and so
// time zone) is clock, the database's clock at the same instant.
func (f *fixture) serveAt(clock func() time.Time) *fixture {
	c := *f
	c.db.Now = func() time.Time { return clock().UTC() }
	mux := http.NewServeMux()
	c.routes = web.Register(mux, web.Deps{DB: c.db, Guard: access.Unrestricted{S: c.sc, Person: c.ann.ID}, Now: clock})
	c.srv = httptest.NewServer(withCSP(mux))
	c.t.Cleanup(c.srv.Close)
	return &c
}

// The answer form's default date is today where the server is; recording
// it is accepted east of UTC after local midnight, and west of UTC before
// UTC's midnight it is stamped now, so it counts as the latest answer.
func TestSurveyAnswerFormsDefaultDateIsTodayEastAndWestOfUTC(t *testing.T) {
	for _, c := range []struct {
		name string
		at   time.Time
		want string
	}{
		{"east: already tomorrow there", time.Date(2026, 3, 2, 20, 0, 0, 0, time.UTC).In(time.FixedZone("UTC+10", 10*3600)), "2026-03-03"},
		{"west: still yesterday there", time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC).In(time.FixedZone("UTC-5", -5*3600)), "2026-03-02"},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, d store.Dialect) {
				f, camp := surveyed(t, d)
				f = f.serveAt(func() time.Time { return c.at })
				page := fmt.Sprintf("/measures/surveys/%d", camp.ID)
				m := regexp.MustCompile(`name="received_on"[^>]*value="([0-9-]+)"|value="([0-9-]+)"[^>]*name="received_on"`).FindStringSubmatch(f.get(page).body)
				if m == nil || m[1]+m[2] != c.want {
					t.Fatalf("default date %v, want %s", m, c.want)
				}
				res := f.post(page+"/answers", url.Values{"stakeholder_id": {fmt.Sprint(f.dan.ID)}, "score": {"9"},
					"received_on": {c.want}, "channel": {"phone"}})
				if res.status != http.StatusSeeOther {
					t.Fatalf("record: %d\n%s", res.status, res.body)
				}
				as, err := f.db.SurveyAnswers(context.Background(), f.sc, store.AnswerFilter{CampaignID: camp.ID})
				if err != nil || len(as) != 1 || !as[0].At.Equal(c.at) {
					t.Fatalf("answers %+v (%v), want one at %v", as, err, c.at)
				}
			})
		})
	}
}

// Names with letters beyond ASCII resolve typed in any case; comma lines
// of account names are resolved together.
func TestSurveyFormsResolveAccentedNamesAndSeveralCommaLines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f, camp := surveyed(t, d)
		bg := context.Background()
		emile := account.Stakeholder{AccountID: f.acme.ID, Name: "Émile Zola", Level: account.Executive, Active: true}
		if err := f.db.CreateStakeholder(bg, f.sc, &emile); err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/measures/surveys/%d", camp.ID)
		for _, typed := range []string{"Émile Zola", "émile zola", "ÉMILE ZOLA"} {
			t.Run("the contact typed as "+typed, func(t *testing.T) {
				res := f.post(page+"/answers", url.Values{"stakeholder_text": {typed}, "received_on": {"2026-03-02"}, "channel": {"paper"}})
				contains(t, res.body, fmt.Sprintf(`name="stakeholder_id" value="%d" checked> <span class="chip-name">Émile Zola</span>`, emile.ID))
				lacks(t, res.body, "none is called")
			})
		}
		p := f.picks(page + "/contacts?q=%C3%A9mile") // "émile"
		if got := pickNames(p); !slices.Equal(got, []string{"Émile Zola"}) {
			t.Errorf("search for émile finds %v", got)
		}

		form := func(text string) url.Values {
			return url.Values{"name": {"NPS 2027"}, "year": {"2027"}, "opens_on": {"2027-03-01"}, "closes_on": {"2027-03-31"},
				"target_accounts_text": {text}}
		}
		res := f.post("/measures/surveys", form("globex, initech\nacme corp, nowhere ltd\nGlobex, Acme Corp"))
		contains(t, res.body, `include “acme corp, nowhere ltd”, which is not the name or id of an account you can see`)
		lacks(t, res.body, "include “globex, initech”", "include “Globex, Acme Corp”")
		res = f.post("/measures/surveys", form("globex, initech\nAcme Corp, GLOBEX"))
		if res.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.status, res.body)
		}
		cs, err := f.db.Campaigns(bg, f.sc)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(cs, func(c store.CampaignSummary) bool { return c.Name == "NPS 2027" })
		if i < 0 || !slices.Equal(cs[i].TargetAccounts, []int64{f.globex.ID, f.initech.ID, f.acme.ID}) {
			t.Errorf("campaigns %+v", cs)
		}
	})
}

// The contact a form chose is shown again as a chip only to whom may see
// its account.
func TestSurveyAnswerFormShowsTheChosenContactOnlyUnderNeedToKnow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f, camp := surveyed(t, d)
		page := fmt.Sprintf("/measures/surveys/%d", camp.ID)
		v := url.Values{"stakeholder_id": {fmt.Sprint(f.dan.ID)}, "received_on": {"2026-03-02"}, "channel": {"paper"}} // no score
		chip := `<span class="chip-name">Dan Ortiz</span>`
		contains(t, f.post(page+"/answers", v).body, chip)
		bob := f.serveAgain(needToKnowGuard{Unrestricted: access.Unrestricted{S: f.sc, Person: f.bob.ID}, visible: f.bob.ID,
			readable: map[int64]bool{f.globex.ID: true}})
		res := bob.post(page+"/answers", v)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", res.status)
		}
		lacks(t, res.body, chip)
	})
}
