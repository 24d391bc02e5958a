package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/pdf"
	"github.com/samwise-sam/samwise/internal/plan"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// Markers that must never reach the client: an internal row, an internal
// section's content, and the team's note on the version.
const (
	secretRow     = "INTERNAL-RISK-7f3a"
	secretSection = "INTERNAL-REVENUE-NOTE-91c2"
	secretNote    = "INTERNAL-VERSION-NOTE-55aa"
)

// planForm is the editor's form for a small plan with an internal risk and
// an internal revenue section.
func planForm(title string) url.Values {
	return url.Values{
		"title": {title}, "starts_on": {"2026-03-01"}, "ends_on": {"2027-02-28"}, "summary": {"Grow the platform footprint together."},
		"note":                 {secretNote},
		"objectives[0].title":  {"Cut onboarding time"},
		"initiatives[0].title": {"Onboarding pilot"}, "initiatives[0].objective_key": {"o1"},
		"initiatives[0].our_owner": {"Ann Lee"}, "initiatives[0].their_owner": {"Carol Diaz"}, "initiatives[0].status": {"on_track"},
		"kpis[0].name": {"Onboarding days"}, "kpis[0].unit": {"days"}, "kpis[0].baseline": {"30"}, "kpis[0].target": {"10"},
		"revenue[0].period": {"2026"}, "revenue[0].amount": {"250000"}, "revenue[0].currency": {"USD"}, "revenue[0].note": {secretSection},
		"internal.revenue": {"1"},
		"risks[0].risk":    {"Budget freeze"}, "risks[0].mitigation": {"Phase the rollout"},
		"risks[1].risk": {secretRow + " champion may leave"}, "risks[1].internal": {"1"},
		"resolution[0].who": {"Customer success"}, "resolution[0].what": {"Weekly issue review"}, "resolution[0].when": {"Mondays"}, "resolution[0].how": {"Video call"},
	}
}

var tokenRE = regexp.MustCompile(`/shared/plans/(sw_[A-Za-z0-9_-]{43})`)

func noSecrets(t *testing.T, what string, body string) {
	t.Helper()
	for _, s := range []string{secretRow, secretSection, secretNote, "Internal", "internal copy"} {
		if strings.Contains(body, s) {
			t.Errorf("%s contains %q", what, s)
		}
	}
}

// TestPlanDraftShareCommentSignAndTrack walks the whole flow over HTTP on
// both databases: draft from the account, edit, share, the client's page
// and exports without internal content, comment and sign-off, feedback on
// the team's page, tracking, revision and comparison, and the link's end.
func TestPlanDraftShareCommentSignAndTrack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		res := f.post(fmt.Sprintf("/accounts/%d/plans", f.acme.ID), url.Values{"title": {"Acme 2026"}, "starts_on": {"2026-03-01"}, "years": {"1"}})
		if res.status != 303 || !strings.HasSuffix(res.location, "/versions/1/edit") {
			t.Fatalf("draft: %d %s %s", res.status, res.location, res.body)
		}
		base := strings.TrimSuffix(res.location, "/versions/1/edit")
		if r := f.get(res.location); r.status != 200 || !strings.Contains(r.body, "Acme 2026") {
			t.Fatalf("editor: %d", r.status)
		}
		// A bad number is an inline error, nothing saved.
		bad := planForm("Acme 2026")
		bad.Set("kpis[0].target", "ten")
		if r := f.post(base+"/versions/1/edit", bad); r.status != 422 || !strings.Contains(r.body, "must be a number") {
			t.Fatalf("bad number: %d", r.status)
		}
		if r := f.post(base+"/versions/1/edit", planForm("Acme 2026")); r.status != 303 {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		team := f.get(base)
		if team.status != 200 || !strings.Contains(team.body, secretRow) || !strings.Contains(team.body, "Carol Diaz") {
			t.Fatalf("team page: %d", team.status)
		}
		// The situation is drawn from the account: its contract is there.
		if !strings.Contains(team.body, "Live from the account") {
			t.Errorf("no live situation on the team page")
		}

		res = f.post(base+"/shares", url.Values{"label": {"Carol"}, "expires": {""}})
		m := tokenRE.FindStringSubmatch(res.body)
		if res.status != 200 || m == nil {
			t.Fatalf("share: %d, no link in the answer", res.status)
		}
		token := m[1]
		if r := f.get(base + "/shares"); strings.Contains(r.body, token) {
			t.Fatal("the token is shown again after the first answer")
		}
		// Frozen once shared.
		if r := f.post(base+"/versions/1/edit", planForm("Changed")); r.status != 409 {
			t.Fatalf("edit after share: %d", r.status)
		}

		shared := f.get("/shared/plans/" + token)
		if shared.status != 200 || !strings.Contains(shared.body, "Onboarding pilot") || !strings.Contains(shared.body, "Budget freeze") {
			t.Fatalf("client page: %d", shared.status)
		}
		noSecrets(t, "client page", shared.body)
		if strings.Contains(shared.body, "Revenue targets") {
			t.Error("an internal section's heading reached the client page")
		}
		md := f.get("/shared/plans/" + token + "/plan.md")
		if md.status != 200 || !strings.Contains(md.body, "# Acme 2026") {
			t.Fatalf("client markdown: %d", md.status)
		}
		noSecrets(t, "client markdown", md.body)
		if r := f.get(base + "/versions/1/plan.md?for=client"); r.body != md.body {
			t.Errorf("the team's client export differs from the client's own")
		}
		if r := f.get(base + "/versions/1/plan.md"); !strings.Contains(r.body, secretRow) {
			t.Errorf("the team's own export lacks the internal row")
		}

		// The client comments (one bad try first) and signs off.
		if r := f.post("/shared/plans/"+token+"/comments", url.Values{"section": {"kpis"}, "author": {""}, "body": {""}}); r.status != 422 || !strings.Contains(r.body, "is required") {
			t.Fatalf("empty comment: %d", r.status)
		}
		if r := f.post("/shared/plans/"+token+"/comments", url.Values{"section": {"revenue"}, "author": {"Carol"}, "body": {"?"}}); r.status != 422 {
			t.Fatalf("comment on an internal section: %d", r.status)
		}
		if r := f.post("/shared/plans/"+token+"/comments", url.Values{"section": {"kpis"}, "author": {"Carol Diaz"}, "body": {"Ten days is ambitious"}, "proposal": {"Target 14 days"}}); r.status != 303 {
			t.Fatalf("comment: %d %s", r.status, r.body)
		}
		if r := f.post("/shared/plans/"+token+"/signoff", url.Values{"name": {"Carol Diaz"}, "role": {"VP Operations"}, "signed_on": {"2026-03-02"}}); r.status != 303 {
			t.Fatalf("sign-off: %d %s", r.status, r.body)
		}
		team = f.get(base)
		for _, want := range []string{"Ten days is ambitious", "Target 14 days", "agreed by <strong>Carol Diaz</strong>"} {
			if !strings.Contains(team.body, want) {
				t.Errorf("team page lacks %q", want)
			}
		}
		if r := f.get("/plans?show=tracked"); !strings.Contains(r.body, "Acme 2026") {
			t.Error("the agreed plan is not among the tracked ones")
		}

		// Tracking.
		if r := f.post(base+"/actuals", url.Values{"kpi_key": {"k1"}, "on": {"2026-03-02"}, "value": {"abc"}}); r.status != 422 {
			t.Fatalf("bad actual: %d", r.status)
		}
		if r := f.post(base+"/actuals", url.Values{"kpi_key": {"k1"}, "on": {"2026-03-02"}, "value": {"24"}}); r.status != 303 {
			t.Fatalf("actual: %d %s", r.status, r.body)
		}
		if r := f.get(base + "/track"); !strings.Contains(r.body, "plan-dot") || !strings.Contains(r.body, "30%") {
			t.Errorf("tracking page lacks the actual")
		}

		// Version 2, compared with 1; the old link is withdrawn.
		if r := f.post(base+"/revise", url.Values{}); r.status != 303 {
			t.Fatalf("revise: %d", r.status)
		}
		v2 := planForm("Acme 2026")
		v2.Set("kpis[0].key", "k1")
		v2.Set("kpis[0].target", "14")
		if r := f.post(base+"/versions/2/edit", v2); r.status != 303 {
			t.Fatalf("save v2: %d %s", r.status, r.body)
		}
		cmp := f.get(base + "/compare?a=1&b=2")
		if cmp.status != 200 || !strings.Contains(cmp.body, "plan-diff-new") || !strings.Contains(cmp.body, "<dd>14</dd>") {
			t.Fatalf("compare: %d", cmp.status)
		}
		gone := f.get("/shared/plans/" + token)
		if gone.status != 410 || !strings.Contains(gone.body, "withdrawn") || strings.Contains(gone.body, "Acme") {
			t.Fatalf("old link: %d", gone.status)
		}
		if r := f.get("/shared/plans/sw_" + strings.Repeat("A", 43)); r.status != 404 || strings.Contains(r.body, "Acme") {
			t.Fatalf("unknown link: %d", r.status)
		}
	})
}

// TestSharedPDFHasNoInternalContent prints the client's PDF and reads its
// text back.
func TestSharedPDFHasNoInternalContent(t *testing.T) {
	if _, err := pdf.Chromium(); err != nil {
		t.Skip(err)
	}
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	p, err := f.db.CreatePlan(ctx, f.sc, f.acme.ID, plan.NewContent("Acme PDF plan", planDate("2026-03-01")), 0)
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/plans/%d", p.ID)
	if r := f.post(base+"/versions/1/edit", planForm("Acme PDF plan")); r.status != 303 {
		t.Fatalf("save: %d", r.status)
	}
	token, _, err := f.db.CreatePlanShare(ctx, f.sc, p.ID, 1, "", noTime)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/shared/plans/" + token + "/plan.pdf", base + "/versions/1/plan.pdf?for=client", base + "/versions/1/plan.pdf"} {
		r := f.get(path)
		if r.status != 200 || !strings.HasPrefix(r.body, "%PDF") {
			t.Fatalf("%s: %d", path, r.status)
		}
		text, err := pdf.Text([]byte(r.body))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "Acme PDF plan") || !strings.Contains(text, "Budget freeze") {
			t.Errorf("%s: text lacks the plan: %q", path, text)
		}
		if strings.HasPrefix(path, "/shared") || strings.Contains(path, "for=client") {
			noSecrets(t, path, text)
			noSecrets(t, path+" bytes", r.body)
		} else if !strings.Contains(text, secretRow) {
			t.Errorf("%s: the team's own PDF lacks the internal row", path)
		}
	}
}

func TestPlansPagesShowEmptyStatesAndRefuseBadIDs(t *testing.T) {
	f := newFixture(t, store.SQLite)
	if r := f.get("/plans"); r.status != 200 || !strings.Contains(r.body, "No account plans yet") {
		t.Fatalf("/plans: %d", r.status)
	}
	if r := f.get(fmt.Sprintf("/accounts/%d/plans", f.acme.ID)); r.status != 200 || !strings.Contains(r.body, "Draft a plan") {
		t.Fatalf("account plans: %d", r.status)
	}
	if r := f.post(fmt.Sprintf("/accounts/%d/plans", f.acme.ID), url.Values{"title": {""}, "starts_on": {"soon"}, "years": {"5"}}); r.status != 422 ||
		!strings.Contains(r.body, "must be 1, 2 or 3 years") || !strings.Contains(r.body, "must be a date") {
		t.Fatalf("bad draft: %d", r.status)
	}
	for _, p := range []string{"/plans/999", "/plans/abc", "/plans/999/track", "/plans/999/compare"} {
		if r := f.get(p); r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	if r := f.get(fmt.Sprintf("/accounts/%d", f.acme.ID)); !strings.Contains(r.body, `id="plans"`) {
		t.Error("the account page has no Plans section")
	}
}

var noTime time.Time

func planDate(s string) account.Date {
	d, err := account.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
