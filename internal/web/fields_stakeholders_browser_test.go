package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// TestBrowserStakeholderCustomFields adds a stakeholder with the
// organisation's stakeholder fields through the form: a wrong number comes
// back on its field with the user's input kept, a right one saves, and the
// values show beside the stakeholder on the account page — on a desktop and
// on a phone.
func TestBrowserStakeholderCustomFields(t *testing.T) {
	ctx := newBrowser(t, 60*time.Second)
	f := newFixture(t, store.SQLite)
	bg := context.Background()
	channel := exchange.CustomField{Entity: "stakeholder", Label: "Preferred channel", Type: "choice", Choices: []string{"E-mail", "Phone"}}
	seats := exchange.CustomField{Entity: "stakeholder", Label: "Seats managed", Type: "number"}
	for _, cf := range []*exchange.CustomField{&channel, &seats} {
		if err := f.db.SaveCustomField(bg, f.sc, cf); err != nil {
			t.Fatal(err)
		}
	}
	for i, vp := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		browse(t, ctx, vp.name+" viewport", chromedp.EmulateViewport(vp.w, vp.h))
		navigate(t, ctx, "open the new stakeholder form", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d/stakeholders/new", f.srv.URL, f.acme.ID)))
		checkPage(t, ctx, "stakeholder form")
		name := fmt.Sprintf("Grace Field %d", i)
		browse(t, ctx, "fill in the form with a wrong number",
			chromedp.SendKeys(chromedp.ID("name"), name),
			chromedp.SetValue(chromedp.ID("cf_"+channel.Key), "Phone"),
			chromedp.SendKeys(chromedp.ID("cf_"+seats.Key), "lots"),
		)
		screenshot(t, ctx, "stakeholder-fields-form-"+vp.name)
		if status := load(t, ctx, "submit the form", chromedp.Click(chromedp.CSS(`form button[type=submit]`))); status != 422 && status != 400 {
			t.Errorf("%s: a wrong number answered %d, want a form error", vp.name, status)
		}
		if msg := eval[string](t, ctx, `(document.getElementById("cf_`+seats.Key+`-error") || {}).innerText || ""`); msg == "" {
			t.Errorf("%s: no error on the seats field", vp.name)
		}
		if v := eval[string](t, ctx, `document.getElementById("cf_`+seats.Key+`").value`); v != "lots" {
			t.Errorf("%s: the seats field holds %q after the failed submit", vp.name, v)
		}
		checkPage(t, ctx, "stakeholder form with errors")
		screenshot(t, ctx, "stakeholder-fields-errors-"+vp.name)
		browse(t, ctx, "correct the number",
			chromedp.SetValue(chromedp.ID("cf_"+seats.Key), "40"),
		)
		navigate(t, ctx, "submit the corrected form", chromedp.Click(chromedp.CSS(`form button[type=submit]`)))
		if p := eval[string](t, ctx, `location.pathname`); p != fmt.Sprintf("/accounts/%d", f.acme.ID) {
			t.Fatalf("%s: after saving the browser is at %q", vp.name, p)
		}
		page := eval[string](t, ctx, `document.body.innerText`)
		for _, want := range []string{name, "Phone", "40"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the account page lacks %q", vp.name, want)
			}
		}
		checkPage(t, ctx, "account page with stakeholder fields")
		screenshot(t, ctx, "stakeholder-fields-account-"+vp.name)
	}
}
