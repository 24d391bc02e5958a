package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// cadenceRow returns the account page's or /week's table row of a
// stakeholder (by its id attribute), or "" if there is none.
func cadenceRow(body, id string) string {
	re := regexp.MustCompile(`(?s)<tr id="` + regexp.QuoteMeta(id) + `"[^>]*>.*?</tr>`)
	return re.FindString(body)
}

// In the fixture it is 2 March 2026. Carol (executive at Acme, untiered so
// tier C: every 180 days) was met on 27 February; Dan (middle management)
// was added today and never touched, so he is overdue from today on.
func TestCadenceSectionShowsEachStakeholdersStateAndATouchChangesIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		path := fmt.Sprintf("/accounts/%d", f.acme.ID)
		page := f.get(path)
		carol := cadenceRow(page.body, fmt.Sprintf("cadence-%d", f.carol.ID))
		dan := cadenceRow(page.body, fmt.Sprintf("cadence-%d", f.dan.ID))
		contains(t, carol, "Executive", "180 days", "Tier C default", "27 Feb 2026", "26 Aug 2026", "On track")
		contains(t, dan, "Middle management", "120 days", "Overdue", "cad-row-overdue")
		if strings.Contains(page.body, fmt.Sprintf("cadence-%d", f.erin.ID)) {
			t.Error("the inactive stakeholder has a cadence")
		}
		res := f.post(path+"/touches", url.Values{"kind": {"call"}, "occurred_at": {"2026-03-02T09:30"},
			"stakeholder_ids": {strconv.FormatInt(f.dan.ID, 10)}, "summary": {"Intro call"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("log touch = %d", res.status)
		}
		dan = cadenceRow(f.get(path).body, fmt.Sprintf("cadence-%d", f.dan.ID))
		contains(t, dan, "On track", "2 Mar 2026", "30 Jun 2026")
		// A second touch a day later is far inside the cadence: over-contacted.
		f.post(path+"/touches", url.Values{"kind": {"email"}, "occurred_at": {"2026-03-02T10:30"},
			"stakeholder_ids": {strconv.FormatInt(f.dan.ID, 10)}, "summary": {"Follow-up"}})
		dan = cadenceRow(f.get(path).body, fmt.Sprintf("cadence-%d", f.dan.ID))
		contains(t, dan, "On track", "Over-contacted")
		// A business review is not a check-in.
		f.post(path+"/touches", url.Values{"kind": {"business_review"}, "occurred_at": {"2026-03-02T11:30"},
			"stakeholder_ids": {strconv.FormatInt(f.carol.ID, 10)}, "summary": {"QBR"}})
		page = f.get(path)
		contains(t, cadenceRow(page.body, fmt.Sprintf("cadence-%d", f.carol.ID)), "27 Feb 2026")
		contains(t, page.body, "last on 2 Mar 2026")
	})
}

func TestAgreedCadencesAndAccelerationsOverrideTheDefault(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		path := fmt.Sprintf("/accounts/%d", f.acme.ID)
		carol := strconv.FormatInt(f.carol.ID, 10)
		res := f.post(path+"/cadence/agreements", url.Values{"stakeholder_id": {carol}, "interval_days": {"3"},
			"agreed_by": {carol}, "agreed_on": {"2026-02-15"}, "note": {"Short weekly sync"}})
		if res.status != http.StatusSeeOther || res.location != path+"#cadence" {
			t.Fatalf("agree = %d %q", res.status, res.location)
		}
		page := f.get(path)
		// Every 3 days from 27 Feb: due 2 Mar, today — due soon.
		contains(t, cadenceRow(page.body, "cadence-"+carol), "3 days", "Agreed", "with Carol Diaz on 15 Feb 2026", "Due soon")
		contains(t, page.body, "Short weekly sync")

		bad := f.post(path+"/cadence/agreements", url.Values{"stakeholder_id": {carol}, "interval_days": {"0"}, "agreed_on": {""}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid agreement = %d", bad.status)
		}
		contains(t, bad.body, "must be between 1 and", "is required", `id="agree" open`)

		res = f.post(path+"/cadence/accelerations", url.Values{"stakeholder_id": {"0"}, "interval_days": {"1"},
			"starts_on": {"2026-03-01"}, "ends_on": {"2026-03-31"}, "initiative": {"Plant go-live"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("accelerate = %d %s", res.status, res.body)
		}
		page = f.get(path)
		contains(t, cadenceRow(page.body, "cadence-"+carol), "1 day", "Accelerated", "Plant go-live, until 31 Mar 2026", "Overdue")
		bad = f.post(path+"/cadence/accelerations", url.Values{"interval_days": {"7"}, "starts_on": {"2026-03-10"}, "ends_on": {"2026-03-01"}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid acceleration = %d", bad.status)
		}
		contains(t, bad.body, "must not be before the start", "name the opportunity or the initiative")

		// Removing both brings the tier default back.
		ids := regexp.MustCompile(`/cadence/(agreements|accelerations)/(\d+)/delete`).FindAllStringSubmatch(page.body, -1)
		if len(ids) != 2 {
			t.Fatalf("remove buttons: %v", ids)
		}
		for _, m := range ids {
			if res := f.post(path+"/cadence/"+m[1]+"/"+m[2]+"/delete", url.Values{}); res.status != http.StatusSeeOther {
				t.Errorf("remove %s = %d", m[0], res.status)
			}
		}
		contains(t, cadenceRow(f.get(path).body, "cadence-"+carol), "Tier C default", "180 days")
	})
}

func TestMyWeekListsOverdueStakeholdersWithAOneClickLogTouch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d) // signed in as Ann, who owns Acme and Initech
		page := f.get("/week")
		if page.status != http.StatusOK {
			t.Fatalf("/week = %d", page.status)
		}
		dan := cadenceRow(page.body, fmt.Sprintf("week-%d", f.dan.ID))
		contains(t, dan, "Dan Ortiz", "Acme Corp", "Overdue", `action="/accounts/`+strconv.FormatInt(f.acme.ID, 10)+`/touches"`,
			`name="return" value="week"`, `name="stakeholder_ids" value="`+strconv.FormatInt(f.dan.ID, 10)+`"`)
		if strings.Contains(page.body, fmt.Sprintf("week-%d", f.carol.ID)) {
			t.Error("Carol, on track, is listed")
		}
		// Submit the one-click form as the browser would.
		form := url.Values{}
		for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(dan, -1) {
			form.Add(m[1], strings.ReplaceAll(m[2], "&#39;", "'"))
		}
		res := f.post(fmt.Sprintf("/accounts/%d/touches", f.acme.ID), form)
		if res.status != http.StatusSeeOther || res.location != "/week#logged" {
			t.Fatalf("one-click log = %d %q", res.status, res.location)
		}
		page = f.get("/week")
		if cadenceRow(page.body, fmt.Sprintf("week-%d", f.dan.ID)) != "" {
			t.Error("Dan is still listed after the touch")
		}
		contains(t, page.body, "Nobody is overdue")
	})
}

func TestAdherencePageGroupsSortsAndCharts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		page := f.get("/adherence")
		if page.status != http.StatusOK {
			t.Fatalf("/adherence = %d", page.status)
		}
		// Two active stakeholders, Dan overdue: 50%.
		contains(t, page.body, "<strong>50%</strong> of 2", `<svg class="trend"`, "Tier C", "Cadence policy")
		page = f.get("/adherence?by=manager&months=3")
		contains(t, page.body, "Ann Lee", "By account manager", "3 months")
		page = f.get("/adherence?by=account&sort=-percent")
		contains(t, page.body, `href="/accounts/`+strconv.FormatInt(f.acme.ID, 10)+`#cadence">Acme Corp`, `aria-sort="descending"`)
	})
}

func TestCadencePolicyFormSavesAndExplainsMistakes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		page := f.get("/cadence/policy")
		contains(t, page.body, `name="check_in_A_executive" value="60"`, `name="review_C" value="365"`, `name="tolerance" value="50"`)
		form := url.Values{}
		for _, m := range regexp.MustCompile(`name="([a-z_ABC]+)" value="([^"]*)"`).FindAllStringSubmatch(page.body, -1) {
			form.Set(m[1], m[2])
		}
		form.Set("check_in_C_middle_management", "30")
		if res := f.post("/cadence/policy", form); res.status != http.StatusSeeOther {
			t.Fatalf("save = %d %s", res.status, res.body)
		}
		// Dan now falls under a 30-day default.
		contains(t, cadenceRow(f.get(fmt.Sprintf("/accounts/%d", f.acme.ID)).body, fmt.Sprintf("cadence-%d", f.dan.ID)), "30 days")
		form.Set("tolerance", "100")
		form.Set("review_A", "abc")
		res := f.post("/cadence/policy", form)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid save = %d", res.status)
		}
		contains(t, res.body, "must be a whole number of days", `value="abc"`)
	})
}
