package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// ruleDenyingGuard is Unrestricted except that one route rule fails, as
// for a role without it (an account manager has no access.SetPolicy).
type ruleDenyingGuard struct {
	access.Unrestricted
	deny access.Rule
}

func (g ruleDenyingGuard) Allow(_ context.Context, rule access.Rule) error {
	if rule == g.deny {
		return account.Errorf(account.EFORBIDDEN, "Only SAM leaders run survey campaigns.")
	}
	return nil
}

type picks struct {
	Items []store.Pick `json:"items"`
	More  bool         `json:"more"`
}

func (f *fixture) picks(path string) picks {
	f.t.Helper()
	res := f.get(path)
	if res.status != http.StatusOK {
		f.t.Fatalf("GET %s: %d\n%s", path, res.status, res.body)
	}
	var p picks
	if err := json.Unmarshal([]byte(res.body), &p); err != nil {
		f.t.Fatalf("GET %s: %v\n%s", path, err, res.body)
	}
	return p
}

func pickNames(p picks) []string {
	var out []string
	for _, i := range p.Items {
		out = append(out, i.Name)
	}
	return out
}

func TestSurveyAccountSearchFindsNamesWithinWhatTheUserMaySee(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		if err := f.db.CreateAccount(context.Background(), f.sc, &account.Account{Name: "Zinc Initiatives", Lifecycle: account.Prospect}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			f    *fixture
			q    string
			want []string
		}{
			{"a part of a name, ignoring case", f, "CORP", []string{"Acme Corp"}},
			{"names starting with the text first", f, "in", []string{"Initech", "Zinc Initiatives"}},
			{"wildcards are data", f, "%", nil},
			{"nothing typed, nothing listed", f, " ", nil},
			{"under need-to-know only one's own accounts", f.serveAgain(needToKnowGuard{Unrestricted: access.Unrestricted{S: f.sc, Person: f.bob.ID},
				visible: f.bob.ID, readable: map[int64]bool{f.globex.ID: true}}), "e", []string{"Globex"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got := c.f.picks("/measures/surveys/accounts?q=" + url.QueryEscape(c.q))
				if !slices.Equal(pickNames(got), c.want) || got.More {
					t.Errorf("q=%q found %v (more %v), want %v", c.q, pickNames(got), got.More, c.want)
				}
			})
		}
		if p := f.picks("/measures/surveys/accounts?q=acme"); p.Items[0].Detail != "Ann Lee · acme.example" {
			t.Errorf("detail %q", p.Items[0].Detail)
		}
	})
}

func TestSurveyAccountSearchListsTwentyAndSaysThereAreMore(t *testing.T) {
	f := newEmptyFixture(t, store.SQLite)
	for i := range 25 {
		if err := f.db.CreateAccount(context.Background(), f.sc, &account.Account{Name: fmt.Sprintf("Northwind %02d", i), Lifecycle: account.Customer}); err != nil {
			t.Fatal(err)
		}
	}
	p := f.picks("/measures/surveys/accounts?q=north")
	if len(p.Items) != store.PickLimit || !p.More || p.Items[0].Name != "Northwind 00" {
		t.Errorf("%d items, more %v, first %q", len(p.Items), p.More, p.Items[0].Name)
	}
}

func TestSurveyFormListsOnlyTheChosenAccountsAndResolvesTypedNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		page := f.get("/measures/surveys")
		contains(t, page.body, `data-source="/measures/surveys/accounts"`, `name="target_accounts_text"`, "survey_picker.js")
		lacks(t, page.body, "Globex", "<option")

		form := func(text string, ids ...int64) url.Values {
			v := url.Values{"name": {"NPS 2026"}, "year": {"2026"}, "opens_on": {"2026-03-02"}, "closes_on": {"2026-03-31"},
				"target_accounts_text": {text}}
			for _, id := range ids {
				v.Add("target_accounts", fmt.Sprint(id))
			}
			return v
		}
		// An unknown name comes back named, on the field, with the names
		// that did resolve shown as chosen.
		res := f.post("/measures/surveys", form("acme corp\nNowhere Ltd"))
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("unknown name: %d", res.status)
		}
		contains(t, res.body, `id="target_accounts-error">include “Nowhere Ltd”, which is not the name or id of an account you can see`,
			fmt.Sprintf(`<input type="checkbox" name="target_accounts" value="%d" checked> <span class="chip-name">Acme Corp</span>`, f.acme.ID),
			">Nowhere Ltd</textarea>", `href="#target_accounts"`)
		lacks(t, res.body, ">acme corp\nNowhere")

		// Chips (ids) and typed names (one a line, or several on a line
		// separated by commas) together.
		res = f.post("/measures/surveys", form(fmt.Sprintf("globex, %d", f.initech.ID), f.acme.ID))
		if res.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.status, res.body)
		}
		cs, err := f.db.Campaigns(context.Background(), f.sc)
		if err != nil {
			t.Fatal(err)
		}
		if got := cs[0].TargetAccounts; !slices.Equal(got, []int64{f.acme.ID, f.globex.ID, f.initech.ID}) {
			t.Errorf("target accounts %v", got)
		}

		// A name two accounts share asks for the id, listing both.
		twin := account.Account{Name: "Globex", Lifecycle: account.Prospect}
		if err := f.db.CreateAccount(context.Background(), f.sc, &twin); err != nil {
			t.Fatal(err)
		}
		res = f.post("/measures/surveys", form("Globex"))
		contains(t, res.body, fmt.Sprintf("include “Globex”, the name of 2 accounts: type the id of the one you mean — %d (Bob Stone · globex.example), %d",
			f.globex.ID, twin.ID))

		// A chip for an account of another organisation or none at all.
		res = f.post("/measures/surveys", form("", 987654))
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "include an account that does not exist or that you may not see") {
			t.Errorf("unknown id: %d", res.status)
		}
	})
}

// surveyed is the fixture with a campaign covering Acme (whose contacts are
// Carol, Dan and Erin), sent, so Carol has an invitation in her mailbox.
func surveyed(t *testing.T, d store.Dialect) (*fixture, measure.Campaign) {
	f := newFixture(t, d)
	c := measure.Campaign{Name: "NPS 2026", Year: 2026, OpensOn: account.Date{Year: 2026, Month: 2, Day: 1},
		ClosesOn: account.Date{Year: 2026, Month: 3, Day: 31}, TargetAccounts: []int64{f.acme.ID}}
	if err := f.db.CreateCampaign(context.Background(), f.sc, &c); err != nil {
		t.Fatal(err)
	}
	if n, err := f.db.OpenCampaign(context.Background(), f.sc, c.ID); err != nil || n != 1 {
		t.Fatalf("open: %d %v", n, err)
	}
	if out, err := f.db.ClaimInvitations(context.Background(), now, 10); err != nil || len(out) != 1 {
		t.Fatalf("mailing: %v %v", out, err)
	}
	return f, c
}

func TestSurveyContactSearchListsOnlyTheContactsTheCampaignCovers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f, c := surveyed(t, d)
		gail := account.Stakeholder{AccountID: f.globex.ID, Name: "Dana Gail", Level: account.Executive, Active: true}
		if err := f.db.CreateStakeholder(context.Background(), f.sc, &gail); err != nil {
			t.Fatal(err)
		}
		p := f.picks(fmt.Sprintf("/measures/surveys/%d/contacts?q=d", c.ID))
		if got := pickNames(p); !slices.Equal(got, []string{"Dan Ortiz", "Carol Diaz"}) {
			t.Errorf("found %v, want Acme's Dan then Carol (not Globex's Dana)", got)
		}
		if p.Items[0].Detail != "IT lead · Acme Corp" {
			t.Errorf("detail %q", p.Items[0].Detail)
		}
		if res := f.get("/measures/surveys/999999/contacts?q=a"); res.status != http.StatusNotFound {
			t.Errorf("unknown campaign: %d", res.status)
		}
	})
}

func TestRecordingASurveyAnswerReceivedOnPaper(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f, c := surveyed(t, d)
		bg := context.Background()
		globexBuyer := account.Stakeholder{AccountID: f.globex.ID, Name: "Gus Buyer", Level: account.Executive, Active: true}
		if err := f.db.CreateStakeholder(bg, f.sc, &globexBuyer); err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/measures/surveys/%d", c.ID)
		answer := func(change map[string]string) url.Values {
			v := url.Values{"stakeholder_id": {fmt.Sprint(f.dan.ID)}, "score": {"4"}, "received_on": {"2026-03-01"},
				"channel": {"paper"}, "comment": {"Invoices are <wrong>"}}
			for k, x := range change {
				if x == "-" {
					v.Del(k)
				} else {
					v.Set(k, x)
				}
			}
			return v
		}
		contains(t, f.get(page).body, `action="`+page+`/answers"`, `data-source="`+page+`/contacts"`)

		invalid := []struct {
			name   string
			change map[string]string
			field  string // the input the message sits under
			want   string
		}{
			{"no contact", map[string]string{"stakeholder_id": "-"}, "stakeholder", "must be chosen"},
			{"a contact of an account the campaign does not cover", map[string]string{"stakeholder_id": fmt.Sprint(globexBuyer.ID)},
				"stakeholder", "is not a contact of an account this campaign covers"},
			{"a typed name no covered contact has", map[string]string{"stakeholder_id": "-", "stakeholder_text": "Gus Buyer"},
				"stakeholder", "none is called “Gus Buyer”"},
			{"no score", map[string]string{"score": "-"}, "score", "must be chosen: a whole number from 0 to 10"},
			{"a score of 11", map[string]string{"score": "11"}, "score", "must be a whole number from 0 to 10"},
			{"no date", map[string]string{"received_on": ""}, "received_on", "must be a date"},
			{"a date to come", map[string]string{"received_on": "2026-03-03"}, "received_on", "is in the future"},
			{"a date before the campaign opened", map[string]string{"received_on": "2026-01-31"}, "received_on", "is before the campaign opened (2026-02-01)"},
			{"an unknown channel", map[string]string{"channel": "fax"}, "channel", "must be paper, phone or other"},
			{"a comment too long", map[string]string{"comment": strings.Repeat("x", measure.MaxComment+1)}, "comment", "must be at most 4000 characters"},
		}
		for _, c := range invalid {
			t.Run(c.name, func(t *testing.T) {
				res := f.post(page+"/answers", answer(c.change))
				if res.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", res.status)
				}
				contains(t, res.body, `<details class="card fold sv-record" id="record" open>`, c.want)
				// The message sits under its field (inline), not only in
				// the summary.
				i := strings.Index(res.body, c.want)
				j := strings.LastIndex(res.body, c.want)
				if i == j {
					t.Errorf("%q appears once: not both in the summary and under the field", c.want)
				}
				if c.field == "stakeholder" || c.field == "received_on" || c.field == "comment" {
					contains(t, res.body, `id="`+c.field+`-error">`)
				}
			})
		}
		// A typed name that resolves stands in for the chip; other errors
		// keep it as the chosen contact.
		res := f.post(page+"/answers", answer(map[string]string{"stakeholder_id": "-", "stakeholder_text": "dan ortiz", "score": "-"}))
		contains(t, res.body, fmt.Sprintf(`name="stakeholder_id" value="%d" checked> <span class="chip-name">Dan Ortiz</span>`, f.dan.ID))

		// Someone who may not run campaigns cannot record answers.
		other := f.serveAgain(ruleDenyingGuard{Unrestricted: access.Unrestricted{S: f.sc}, deny: access.SetPolicy})
		if res := other.post(page+"/answers", answer(nil)); res.status != http.StatusForbidden {
			t.Errorf("without SetPolicy: %d, want 403", res.status)
		}
		lacks(t, other.get(page).body, "Record an answer")
		if as, _ := f.db.SurveyAnswers(bg, f.sc, store.AnswerFilter{CampaignID: c.ID}); len(as) != 0 {
			t.Fatalf("refused answers were saved: %+v", as)
		}

		// Carol's answer by phone, typed by name: it uses up her
		// invitation, so the response rate counts it.
		res = f.post(page+"/answers", answer(map[string]string{"stakeholder_id": "-", "stakeholder_text": "Carol Diaz", "score": "10",
			"channel": "phone", "comment": "", "received_on": "2026-03-02"}))
		if res.status != http.StatusSeeOther || res.location != page+"?recorded=1#answers" {
			t.Fatalf("record: %d %q\n%s", res.status, res.location, res.body)
		}
		res = f.post(page+"/answers", answer(nil))
		if res.status != http.StatusSeeOther {
			t.Fatalf("record Dan: %d\n%s", res.status, res.body)
		}
		res = f.get(page + "?recorded=1")
		// Each answer shows how it came, its comment as typed; Dan (no
		// invitation: no e-mail) is in the NPS, not in the response rate.
		contains(t, res.body, "The answer is recorded.", `id="campaign-nps">0<`, // one promoter, one detractor
			`<span class="badge ms-via">on paper</span>`, `<blockquote class="ms-quote">Invoices are &lt;wrong&gt;</blockquote>`,
			`<span class="badge ms-via">by phone</span>`, "100%", "1 of 1 sent; 1 contact answered without an invitation")
		lacks(t, res.body, "(on paper)", "(by phone)")
		sum, _ := f.db.Campaign(bg, f.sc, c.ID)
		if sum.Responded != 1 {
			t.Errorf("responded %d, want Carol's invitation used", sum.Responded)
		}
		// Dan's 4 makes him a detractor: a follow-up for Acme's manager.
		if fs, _ := f.db.FollowUps(bg, f.sc, store.FollowUpFilter{AccountID: f.acme.ID}); len(fs) != 1 || fs[0].Score != 4 {
			t.Errorf("follow-ups %+v", fs)
		}
		es, _, err := f.db.Audit(bg, f.sc, store.AuditFilter{Entity: "survey_response"})
		if err != nil || len(es) != 2 {
			t.Fatalf("audit %v %+v", err, es)
		}
		if e := es[0]; e.Action != "record" || e.Actor != "ann@example.com" || e.AccountID != f.acme.ID ||
			e.Changes["channel"].New != "paper" || e.Changes["received_on"].New != "2026-03-01" {
			t.Errorf("audit entry %+v", e)
		}
	})
}

// A campaign's page lists its newest 100 answers with the full count and a
// "Show all" link (?all=1); the answers export holds every one of them,
// with its channel, under the page's need-to-know rule. Counts read as
// English: "1 chosen account".
func TestSurveyCampaignPageShowsTheNewestHundredAnswersAndExportsThemAll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f, c := surveyed(t, d)
		bg := context.Background()
		const n = 103
		contacts := []int64{f.carol.ID, f.dan.ID, f.erin.ID}
		for i := range n {
			_, err := f.db.RecordReceivedAnswer(bg, f.sc, store.ReceivedAnswer{CampaignID: c.ID, StakeholderID: contacts[i%3],
				Score: i % 11, Comment: fmt.Sprintf("Answer %03d", i), ReceivedOn: account.DateOf(now), Channel: store.Channels[i%3]})
			if err != nil {
				t.Fatal(err)
			}
		}
		page := fmt.Sprintf("/measures/surveys/%d", c.ID)
		for _, v := range []struct {
			name        string
			path        string
			shown       int
			wants       []string
			unwanted    []string
			oldestShown string
		}{
			{"capped", page, 100, []string{"Showing the first 100 of 103.", `<a href="` + page + `?all=1">Show all 103</a>`}, nil, "Answer 003"},
			{"all", page + "?all=1", n, nil, []string{"Showing the first"}, "Answer 000"},
		} {
			t.Run(v.name, func(t *testing.T) {
				res := f.get(v.path)
				if res.status != http.StatusOK {
					t.Fatalf("status %d", res.status)
				}
				if got := strings.Count(res.body, `<li class="card ms-answer">`); got != v.shown {
					t.Errorf("%d answers listed, want %d", got, v.shown)
				}
				contains(t, res.body, append(v.wants, `Answers <span class="count">103</span>`, "Answer 102", v.oldestShown,
					"1 chosen account<", `href="`+page+`/answers/export?format=csv"`)...)
				lacks(t, res.body, append(v.unwanted, "chosen accounts")...)
				if v.shown < n {
					lacks(t, res.body, "Answer 002")
				}
			})
		}
		contains(t, f.get("/measures/surveys").body, "1 chosen account<")

		res := f.get(page + "/answers/export?format=csv")
		if res.status != http.StatusOK {
			t.Fatalf("export: %d\n%s", res.status, res.body)
		}
		recs, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != n+1 {
			t.Fatalf("the CSV holds %d answers, want all %d", len(recs)-1, n)
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		for _, want := range []struct {
			row                     int
			comment, channel, score string
		}{
			{1, "Answer 102", store.Channels[102%3], fmt.Sprint(102 % 11)}, // newest first, as the page
			{n, "Answer 000", store.ChannelPaper, "0"},
		} {
			r := recs[want.row]
			if r[col["comment"]] != want.comment || r[col["channel"]] != want.channel || r[col["score"]] != want.score ||
				r[col["account"]] != "Acme Corp" || r[col["answered_on"]] != "2026-03-02" {
				t.Errorf("row %d: %v, want %s %s %s", want.row, r, want.comment, want.channel, want.score)
			}
		}

		res = f.get(page + "/answers/export?format=xlsx")
		x, err := excelize.OpenReader(strings.NewReader(res.body))
		if err != nil {
			t.Fatalf("export as Excel: %d %v", res.status, err)
		}
		if rows, err := x.GetRows("Sheet1"); err != nil || len(rows) != n+1 {
			t.Errorf("the workbook holds %d rows (%v), want %d and a header", len(rows), err, n)
		}

		// Bob may see Globex only: none of Acme's answers.
		bob := f.serveAgain(needToKnowGuard{Unrestricted: access.Unrestricted{S: f.sc, Person: f.bob.ID}, visible: f.bob.ID,
			readable: map[int64]bool{f.globex.ID: true}})
		if res := bob.get(page + "/answers/export?format=csv"); strings.Count(res.body, "\n") != 1 || strings.Contains(res.body, "Answer") {
			t.Errorf("under need-to-know the export holds:\n%s", res.body)
		}
		if res := f.get("/measures/surveys/999999/answers/export?format=csv"); res.status != http.StatusNotFound {
			t.Errorf("unknown campaign: %d", res.status)
		}
	})
}
