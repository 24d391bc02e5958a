package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
)

// TestBrowserTheAuditShowsEveryChangeMadeInTheBrowser signs in as an
// account manager through the real sign-in page, edits an account, logs a
// touch and adds a stakeholder with the forms, then signs in as the
// administrator and finds each of those changes — and the sign-in — in the
// audit trail.
func TestBrowserTheAuditShowsEveryChangeMadeInTheBrowser(t *testing.T) {
	ctx := tab(t, 90*time.Second)
	s := newSite(t, store.SQLite)
	ann := s.person("Ann Lee")
	annUser := s.user("ann", auth.RoleAccountManager, ann.ID)
	root := s.user("root", auth.RoleAdministrator, 0)
	acme := s.account("Acme Corp", ann.ID)
	base := s.srv.URL

	signIn := func(email string) {
		t.Helper()
		open(t, ctx, "sign-in page", chromedp.Navigate(base+"/signin"))
		step(t, ctx, "fill in the sign-in form",
			chromedp.SendKeys(chromedp.ID("email"), email),
			chromedp.SendKeys(chromedp.ID("password"), password))
		if st := open(t, ctx, "sign in", chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type=submit]`))); st != http.StatusOK {
			t.Fatalf("signing in as %s answered %d", email, st)
		}
	}
	submit := func(what, form string) {
		t.Helper()
		if st := open(t, ctx, what, chromedp.Click(chromedp.CSS(form+` button[type=submit]`))); st != http.StatusOK {
			t.Fatalf("%s answered %d", what, st)
		}
	}

	signIn(annUser.Email)
	open(t, ctx, "edit the account", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d/edit", base, acme.ID)))
	step(t, ctx, "change the industry", chromedp.SetValue(chromedp.ID("industry"), "Aerospace"))
	submit("save the account", "form.form")

	open(t, ctx, "account page", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d", base, acme.ID)))
	step(t, ctx, "log a touch",
		chromedp.Click(chromedp.CSS(`#log-touch summary`)),
		chromedp.SendKeys(chromedp.ID("touch-summary"), "Met the new CFO about the renewal"))
	submit("log the touch", fmt.Sprintf(`form[action="/accounts/%d/touches"]`, acme.ID))

	open(t, ctx, "new stakeholder", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d/stakeholders/new", base, acme.ID)))
	step(t, ctx, "name the stakeholder", chromedp.SendKeys(chromedp.ID("name"), "Carol Diaz"))
	submit("add the stakeholder", "form.form")

	// The sign-out button sits in the user menu; submit its form directly.
	js[any](t, ctx, `document.querySelector('form[action="/signout"]').requestSubmit()`)
	step(t, ctx, "back at the sign-in page", chromedp.WaitVisible(chromedp.ID("email")))
	signIn(root.Email)
	open(t, ctx, "audit of the account", chromedp.Navigate(fmt.Sprintf("%s/admin/audit?account=%d", base, acme.ID)))
	text := js[string](t, ctx, `document.querySelector("main").innerText`)
	for _, want := range []string{"Aerospace", "Met the new CFO about the renewal", "Carol Diaz", annUser.Email} {
		if !strings.Contains(text, want) {
			t.Errorf("the audit of the account lacks %q:\n%s", want, text)
		}
	}
	open(t, ctx, "sign-ins in the audit", chromedp.Navigate(fmt.Sprintf("%s/admin/audit?user=%d", base, annUser.ID)))
	if text := js[string](t, ctx, `document.querySelector("main").innerText`); !strings.Contains(strings.ToLower(text), "signed in") {
		t.Errorf("the audit lacks Ann's sign-in:\n%s", text)
	}
	look(t, ctx, "audit-after-browser-changes-desktop")
}
