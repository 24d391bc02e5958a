package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
	"github.com/samwise-sam/samwise/internal/web"
)

// signInFixture serves the pages with single sign-on configured, on a
// database that has a user (so /signin is not sent to the setup).
func signInFixture(t *testing.T, sso string) *fixture {
	t.Helper()
	db, sc := storetest.New(t, store.SQLite)
	u := auth.User{Email: "ann@example.com", Name: "Ann", Role: auth.RoleViewer}
	if err := db.CreateUser(context.Background(), sc, &u); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, sc: sc}
	mux := http.NewServeMux()
	f.routes = web.Register(mux, web.Deps{DB: db, Guard: access.Unrestricted{S: sc}, Now: func() time.Time { return now }, SSOLabel: sso})
	f.srv = httptest.NewServer(withCSP(mux))
	t.Cleanup(f.srv.Close)
	f.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f
}

func TestSignInPageOffersSingleSignOnOnlyWhenConfigured(t *testing.T) {
	with := signInFixture(t, "Okta").get("/signin?next=%2Fpeople%3Fx%3D1")
	contains(t, with.body, `href="/auth/oidc/start?next=%2Fpeople%3Fx%3D1"`, "Sign in with Okta", `name="next" value="/people?x=1"`)
	unsafe := signInFixture(t, "Okta").get("/signin?next=%2F%2Fevil.example")
	contains(t, unsafe.body, `href="/auth/oidc/start"`)
	lacks(t, unsafe.body, "evil.example")
	without := signInFixture(t, "").get("/signin")
	lacks(t, without.body, "/auth/oidc/start", "Sign in with")
	if without.status != http.StatusOK {
		t.Errorf("sign-in page: %d", without.status)
	}
}

func TestSignInAndSetupPagesStandAloneWithoutTheTopBar(t *testing.T) {
	f := signInFixture(t, "")
	page := f.get("/signin?done=signout")
	contains(t, page.body, `<body class="bare">`, "You are signed out.", `autocomplete="current-password"`)
	lacks(t, page.body, `class="topbar"`, `action="/signout"`)
	if res := f.get("/setup"); res.status != http.StatusNotFound {
		t.Errorf("setup with a user present: %d", res.status)
	}
	// Unknown notices show nothing: the query cannot put words on the page.
	lacks(t, f.get("/signin?done=%3Cb%3Ehi").body, "&lt;b&gt;hi", "<b>hi")
}
