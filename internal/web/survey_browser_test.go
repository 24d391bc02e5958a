package web_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samwise-sam/samwise/internal/store"
)

// A leader chooses a campaign's accounts by searching for them, drops one
// again, creates the campaign, then records an answer a contact gave by
// phone — first forgetting the score — on a desktop and on a phone.
func TestBrowserSurveyPickerSearchAndAnAnswerByPhone(t *testing.T) {
	f := newFixture(t, store.SQLite)
	bg := context.Background()
	ctx := newBrowser(t, 120*time.Second)
	wait := func(what, js string) {
		t.Helper()
		browse(t, ctx, what, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(10*time.Second)))
	}
	options := `[...document.querySelectorAll("#target_accounts-results .picker-option-name")].map(o => o.textContent)`
	chips := func(name string) []string {
		return eval[[]string](t, ctx, `[...document.querySelectorAll('.picker-chips input[type=hidden][name="`+name+`"]')].map(i => i.value)`)
	}
	for i, size := range []struct {
		name  string
		w, h  int64
		score string
	}{{"desktop", 1280, 800, "8"}, {"phone", 390, 844, "10"}} {
		browse(t, ctx, size.name+" viewport", chromedp.EmulateViewport(size.w, size.h))
		navigate(t, ctx, "open the surveys page", chromedp.Navigate(f.srv.URL+"/measures/surveys"))
		wait("the picker is ready", `document.querySelector(".picker.picker-ready input[role=combobox]#target_accounts")`)

		// Search, choose with the keyboard.
		browse(t, ctx, "type e", chromedp.SendKeys(chromedp.ID("target_accounts"), "e"))
		wait("matches listed", `document.querySelectorAll("#target_accounts-results .picker-option").length === 3`)
		if got := eval[[]string](t, ctx, options); !slices.Equal(got, []string{"Acme Corp", "Globex", "Initech"}) {
			t.Fatalf("matches for e: %v", got)
		}
		checkPage(t, ctx, "picker open "+size.name)
		screenshot(t, ctx, "survey-picker-search-"+size.name)
		browse(t, ctx, "choose Globex with the arrow keys",
			chromedp.SendKeys(chromedp.ID("target_accounts"), kb.ArrowDown+kb.ArrowDown+kb.Enter))
		// Search again, choose with the mouse (or a finger).
		browse(t, ctx, "type acme", chromedp.SendKeys(chromedp.ID("target_accounts"), "acme"))
		wait("Acme listed", options+`.join() === "Acme Corp"`)
		browse(t, ctx, "choose Acme", chromedp.Click(chromedp.CSS("#target_accounts-results .picker-option")))
		if got := chips("target_accounts"); !slices.Equal(got, []string{fmt.Sprint(f.globex.ID), fmt.Sprint(f.acme.ID)}) {
			t.Fatalf("chips %v, want Globex and Acme", got)
		}
		screenshot(t, ctx, "survey-picker-chosen-"+size.name)
		browse(t, ctx, "remove Globex", chromedp.Click(chromedp.CSS(`.chip[data-id="`+fmt.Sprint(f.globex.ID)+`"] .chip-remove`)))
		if got := chips("target_accounts"); !slices.Equal(got, []string{fmt.Sprint(f.acme.ID)}) {
			t.Fatalf("after removing Globex: %v", got)
		}
		navigate(t, ctx, "create the campaign", chromedp.Click(chromedp.CSS(`form[action="/measures/surveys"] button[type=submit]`)))
		cs, err := f.db.Campaigns(bg, f.sc)
		if err != nil || len(cs) != i+1 || !slices.Equal(cs[0].TargetAccounts, []int64{f.acme.ID}) {
			t.Fatalf("campaigns %+v %v", cs, err)
		}
		camp := cs[0]

		// The answer form: the contact by search, no score at first.
		browse(t, ctx, "unfold the form", chromedp.Click(chromedp.CSS("#record summary")))
		wait("the contact picker is ready", `document.querySelector(".picker.picker-ready input[role=combobox]#stakeholder")`)
		browse(t, ctx, "type car", chromedp.SendKeys(chromedp.ID("stakeholder"), "car"))
		wait("Carol listed", `[...document.querySelectorAll("#stakeholder-results .picker-option-name")].map(o => o.textContent).join() === "Carol Diaz"`)
		browse(t, ctx, "choose Carol", chromedp.Click(chromedp.CSS("#stakeholder-results .picker-option")),
			chromedp.Click(chromedp.ID("channel-phone")),
			chromedp.SendKeys(chromedp.ID("comment"), "Said so on the quarterly call."))
		if status := load(t, ctx, "record without a score", chromedp.Click(chromedp.CSS(`form[action$="/answers"] button[type=submit]`))); status != 422 {
			t.Fatalf("without a score: %d", status)
		}
		if got := eval[string](t, ctx, `document.querySelector("#record .nps-scale").closest("fieldset").querySelector(".field-error").textContent`); !strings.Contains(got, "must be chosen") {
			t.Errorf("score error %q", got)
		}
		if got := chips("stakeholder_id"); !slices.Equal(got, []string{fmt.Sprint(f.carol.ID)}) {
			t.Errorf("the chosen contact is lost: %v", got)
		}
		checkPage(t, ctx, "answer form with an error "+size.name)
		screenshot(t, ctx, "survey-answer-error-"+size.name)

		browse(t, ctx, "choose the score", chromedp.Click(chromedp.CSS(`#record input[name=score][value="`+size.score+`"]`)))
		navigate(t, ctx, "record the answer", chromedp.Click(chromedp.CSS(`form[action$="/answers"] button[type=submit]`)))
		if got := eval[string](t, ctx, `document.querySelector(".alert-info .alert-title").textContent`); got != "The answer is recorded." {
			t.Errorf("after recording: %q", got)
		}
		if got := eval[string](t, ctx, `document.getElementById("campaign-nps").textContent`); got != map[string]string{"8": "0", "10": "100"}[size.score] {
			t.Errorf("NPS %q after a %s", got, size.score)
		}
		checkPage(t, ctx, "campaign after recording "+size.name)
		screenshot(t, ctx, "survey-answer-recorded-"+size.name)
		as, err := f.db.SurveyAnswers(bg, f.sc, store.AnswerFilter{CampaignID: camp.ID})
		if err != nil || len(as) != 1 || as[0].RespondentID != f.carol.ID || as[0].Comment != "Said so on the quarterly call." || as[0].Channel != store.ChannelPhone {
			t.Fatalf("answers %+v %v", as, err)
		}
	}
}
