package server_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/server"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// ssoFixture is samwise behind httptest with single sign-on against an
// in-process OpenID Connect provider (mockoidc), and a browser: an
// http.Client with a cookie jar that follows redirects across both.
type ssoFixture struct {
	t       *testing.T
	db      *store.DB
	sc      account.Scope
	org     account.Organisation
	handler *server.Server
	mock    *mockoidc.MockOIDC
	srv     *httptest.Server
	browser *http.Client
	suffix  string // keeps e-mails unique in the package's shared PostgreSQL database

	mu        sync.Mutex
	authorize url.Values // the last authorization request samwise sent the browser with
	deny      string     // when set, the provider answers the next authorization with error=access_denied and this description
	nonce     string     // when set, the provider puts this nonce in the next ID token instead of samwise's
}

// newSSO opens a database with a fresh organisation and starts the
// provider; start then starts samwise.
func newSSO(t *testing.T, d store.Dialect) *ssoFixture {
	t.Helper()
	f := &ssoFixture{t: t, suffix: fmt.Sprint(rand.Uint32())}
	f.db, f.sc = storetest.New(t, d)
	f.org = orgOf(t, f.db, f.sc.OrgID)

	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	// Watch what samwise asks the provider for, and play a provider that
	// refuses the person when the test says so.
	m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == mockoidc.AuthorizationEndpoint {
				f.mu.Lock()
				f.authorize = r.URL.Query()
				deny, nonce := f.deny, f.nonce
				f.deny, f.nonce = "", ""
				f.mu.Unlock()
				if nonce != "" {
					q := r.URL.Query()
					q.Set("nonce", nonce)
					r.URL.RawQuery = q.Encode()
				}
				if deny != "" {
					back, _ := url.Parse(r.URL.Query().Get("redirect_uri"))
					back.RawQuery = url.Values{"error": {"access_denied"}, "error_description": {deny},
						"state": {r.URL.Query().Get("state")}}.Encode()
					http.Redirect(w, r, back.String(), http.StatusFound)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	f.mock = m
	return f
}

// start serves samwise with single sign-on configured by cfg (the
// provider's part of it filled in) and opens a fresh browser.
func (f *ssoFixture) start(cfg server.OIDCConfig) *ssoFixture {
	f.t.Helper()
	// samwise's address must be known before the provider is configured
	// with it, so the server is built on an unstarted listener.
	f.srv = httptest.NewUnstartedServer(nil)
	cfg.Issuer, cfg.ClientID, cfg.ClientSecret = f.mock.Issuer(), f.mock.ClientID, f.mock.ClientSecret
	cfg.RedirectURL = "http://" + f.srv.Listener.Addr().String() + "/auth/oidc/callback"
	o, err := server.NewOIDC(context.Background(), cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	f.handler = server.New(server.Deps{DB: f.db, Guard: server.Guard{DB: f.db}, OIDC: o})
	f.srv.Config.Handler = f.handler
	f.srv.Start()
	f.t.Cleanup(f.srv.Close)
	jar, _ := cookiejar.New(nil)
	f.browser = &http.Client{Jar: jar}
	return f
}

// email is an address unique to this fixture.
func (f *ssoFixture) email(local string) string { return local + "." + f.suffix + "@example.com" }

func (f *ssoFixture) addUser(email string, role auth.Role, disabled bool) auth.User {
	f.t.Helper()
	u := auth.User{Email: email, Name: "Ann Example", Role: role, Disabled: disabled}
	if err := f.db.CreateUser(context.Background(), f.sc, &u); err != nil {
		f.t.Fatal(err)
	}
	return u
}

// signIn queues who the provider will vouch for and opens path (normally
// /auth/oidc/start) in the browser, following every redirect.
func (f *ssoFixture) signIn(user *mockoidc.MockUser, path string) (*http.Response, string) {
	f.t.Helper()
	if user != nil {
		f.mock.QueueUser(user)
	}
	return f.get(path)
}

func (f *ssoFixture) get(path string) (*http.Response, string) {
	f.t.Helper()
	res, err := f.browser.Get(f.srv.URL + path)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (f *ssoFixture) signedIn() bool {
	f.t.Helper()
	res, _ := f.get("/accounts")
	return res.StatusCode == http.StatusOK && res.Request.URL.Path == "/accounts"
}

func (f *ssoFixture) auditActions(userID int64) []string {
	f.t.Helper()
	entries, _, err := f.db.Audit(context.Background(), f.sc, store.AuditFilter{Entity: "user", EntityID: userID})
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Action)
	}
	return out
}

func verified(email string) *mockoidc.MockUser {
	return &mockoidc.MockUser{Subject: "sub-" + email, Email: email, EmailVerified: true, PreferredUsername: "ann.sso"}
}

func TestAnExistingUserSignsInWithSingleSignOn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newSSO(t, d).start(server.OIDCConfig{Label: "Example ID"})
		u := f.addUser(f.email("ann"), auth.RoleAccountManager, false)

		// The provider may spell the address differently; it is the same user.
		res, body := f.signIn(verified(strings.ToUpper(f.email("ann"))), "/auth/oidc/start")
		if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/accounts" {
			t.Fatalf("after sign-in the browser is at %s (%d), want /accounts:\n%.500s", res.Request.URL, res.StatusCode, body)
		}
		if !f.signedIn() {
			t.Error("the next request with the session cookie is not signed in")
		}
		if got := f.auditActions(u.ID); !slices.Contains(got, "sign_in") {
			t.Errorf("audit of the user = %v, want a sign_in entry", got)
		}
		after, err := f.db.UserByEmail(context.Background(), u.Email)
		if err != nil || after.LastSignInAt.IsZero() {
			t.Errorf("last sign-in not recorded: %+v, %v", after, err)
		}
		f.mu.Lock()
		q := f.authorize
		f.mu.Unlock()
		if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" ||
			!strings.HasPrefix(q.Get("scope"), "openid") || len(q.Get("state")) < 40 {
			t.Errorf("authorization request lacks PKCE S256, a nonce, a long state or the openid scope: %v", q)
		}
	})
}

func TestSingleSignOnRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		for _, tc := range []struct {
			name       string
			disabled   bool // the samwise user exists but is disabled
			known      bool // the samwise user exists
			provider   func(email string) *mockoidc.MockUser
			deny       string // the provider refuses with access_denied and this description
			nonce      string // the provider's ID token carries this nonce instead of samwise's
			wantStatus int
			wantText   string
			wantAudit  string // an action the user's audit trail must then hold
		}{
			{name: "an unknown e-mail is refused when new users are not created",
				provider:   verified,
				wantStatus: http.StatusForbidden, wantText: "No samwise user has the e-mail"},
			{name: "an unverified e-mail is refused, saying so", known: true,
				provider: func(e string) *mockoidc.MockUser {
					u := verified(e)
					u.EmailVerified = false
					return u
				},
				wantStatus: http.StatusForbidden, wantText: "has not verified the e-mail address"},
			{name: "a token without an e-mail is refused", known: true,
				provider: func(e string) *mockoidc.MockUser {
					u := verified(e)
					u.Email = ""
					return u
				},
				wantStatus: http.StatusForbidden, wantText: "did not share your e-mail address"},
			{name: "a disabled user is refused and the refusal audited", known: true, disabled: true,
				provider:   verified,
				wantStatus: http.StatusForbidden, wantText: "This user is disabled", wantAudit: "sign_in_failed"},
			{name: "the provider's refusal is shown plainly and escaped", known: true,
				provider:   verified,
				deny:       "<b>You</b> are not assigned to samwise",
				wantStatus: http.StatusForbidden, wantText: "access denied): &lt;b&gt;You&lt;/b&gt; are not assigned to samwise."},
			{name: "an ID token minted for another sign-in is refused", known: true,
				provider: verified, nonce: "replayed",
				wantStatus: http.StatusBadRequest, wantText: "nonce mismatch"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := newSSO(t, d).start(server.OIDCConfig{})
				email := f.email("bob")
				var u auth.User
				if tc.known {
					u = f.addUser(email, auth.RoleViewer, tc.disabled)
				}
				f.mu.Lock()
				f.deny, f.nonce = tc.deny, tc.nonce
				f.mu.Unlock()
				res, body := f.signIn(tc.provider(email), "/auth/oidc/start")
				if res.StatusCode != tc.wantStatus || !strings.Contains(body, tc.wantText) {
					t.Errorf("status %d, want %d with %q:\n%.1000s", res.StatusCode, tc.wantStatus, tc.wantText, body)
				}
				if strings.Contains(body, "<b>") {
					t.Error("the provider's text reached the page unescaped")
				}
				if f.signedIn() {
					t.Error("the browser is signed in after a refusal")
				}
				if !tc.known {
					if _, err := f.db.UserByEmail(context.Background(), email); account.ErrorCode(err) != account.ENOTFOUND {
						t.Errorf("a user was created for the unknown e-mail (err %v)", err)
					}
				}
				if tc.wantAudit != "" {
					if got := f.auditActions(u.ID); !slices.Contains(got, tc.wantAudit) {
						t.Errorf("audit = %v, want %s", got, tc.wantAudit)
					}
				}
			})
		}
	})
}

func TestAnUnknownEMailBecomesAUserWithTheConfiguredRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		cases := []struct {
			name string
			org  func(f *ssoFixture) string
		}{
			{"in the organisation named for new users", func(f *ssoFixture) string { return f.org.Slug }},
		}
		// Only SQLite's test database is fresh, its one organisation the
		// oldest; PostgreSQL's holds the organisations of the whole package.
		if d == store.SQLite {
			cases = append(cases, struct {
				name string
				org  func(f *ssoFixture) string
			}{"in the oldest organisation when none is named", func(*ssoFixture) string { return "" }})
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				f := newSSO(t, d)
				f.start(server.OIDCConfig{CreateRole: auth.RoleTeamMember, Org: tc.org(f)})
				ctx := context.Background()
				email := f.email("cleo")
				person := account.Person{Name: "Cleo Person", Email: email}
				if err := f.db.CreatePerson(ctx, f.sc, &person); err != nil {
					t.Fatal(err)
				}
				res, body := f.signIn(verified(email), "/auth/oidc/start")
				if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/accounts" {
					t.Fatalf("after first sign-in the browser is at %s (%d):\n%.500s", res.Request.URL, res.StatusCode, body)
				}
				u, err := f.db.UserByEmail(ctx, email)
				if err != nil {
					t.Fatalf("no user was created: %v", err)
				}
				if u.Role != auth.RoleTeamMember || u.OrgID != f.sc.OrgID || u.Name != "ann.sso" || u.PasswordHash != "" {
					t.Errorf("created user = %+v, want a team member named from the token, in org %d, without a password", u, f.sc.OrgID)
				}
				if u.PersonID == nil || *u.PersonID != person.ID {
					t.Errorf("created user is linked to person %v, want %d (same e-mail)", u.PersonID, person.ID)
				}
				if got := f.auditActions(u.ID); !slices.Contains(got, "create") || !slices.Contains(got, "sign_in") {
					t.Errorf("audit = %v, want create and sign_in", got)
				}

				// The second sign-in finds the user rather than creating another.
				f.browser.Jar, _ = cookiejar.New(nil)
				if res, _ := f.signIn(verified(email), "/auth/oidc/start"); res.Request.URL.Path != "/accounts" || !f.signedIn() {
					t.Errorf("second sign-in ended at %s", res.Request.URL)
				}
				users, err := f.db.Users(ctx, f.sc)
				if err != nil || len(users) != 1 {
					t.Errorf("organisation has users %v (%v), want only the one created", users, err)
				}
			})
		}
	})
}

func orgOf(t *testing.T, db *store.DB, id int64) account.Organisation {
	t.Helper()
	orgs, err := db.Organisations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if o.ID == id {
			return o
		}
	}
	t.Fatalf("organisation %d not found", id)
	return account.Organisation{}
}

func TestAfterSingleSignOnTheBrowserGoesToALocalNextPathOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newSSO(t, d).start(server.OIDCConfig{})
		f.addUser(f.email("dan"), auth.RoleLeader, false)
		for _, tc := range []struct {
			next, wantPath, wantQuery string
		}{
			{"/accounts?q=acme", "/accounts", "q=acme"},
			{"/people", "/people", ""},
			{"//evil.example/accounts", "/accounts", ""},
			{"https://evil.example/", "/accounts", ""},
			{`/\evil.example`, "/accounts", ""},
			{"/auth/oidc/start", "/accounts", ""},
		} {
			t.Run(tc.next, func(t *testing.T) {
				f.browser.Jar, _ = cookiejar.New(nil)
				res, body := f.signIn(verified(f.email("dan")), "/auth/oidc/start?next="+url.QueryEscape(tc.next))
				if res.Request.URL.Host != f.srv.Listener.Addr().String() || res.Request.URL.Path != tc.wantPath ||
					res.Request.URL.RawQuery != tc.wantQuery || res.StatusCode != http.StatusOK {
					t.Errorf("next=%q ended at %s (%d), want %s?%s:\n%.300s", tc.next, res.Request.URL, res.StatusCode, tc.wantPath, tc.wantQuery, body)
				}
			})
		}
	})
}

func TestACallbackThatDoesNotMatchTheBrowsersSignInIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newSSO(t, d).start(server.OIDCConfig{})
		email := f.email("eve")
		f.addUser(email, auth.RoleViewer, false)

		t.Run("state mismatch: sign-in started twice, the first finished", func(t *testing.T) {
			stop := *f.browser
			stop.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			first, err := stop.Get(f.srv.URL + "/auth/oidc/start")
			if err != nil {
				t.Fatal(err)
			}
			first.Body.Close()
			second, err := stop.Get(f.srv.URL + "/auth/oidc/start") // replaces the first's cookie
			if err != nil {
				t.Fatal(err)
			}
			second.Body.Close()
			f.mock.QueueUser(verified(email))
			res, err := f.browser.Get(first.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "state mismatch") {
				t.Errorf("status %d:\n%.500s", res.StatusCode, b)
			}
			if f.signedIn() {
				t.Error("signed in despite the state mismatch")
			}
		})
		t.Run("no sign-in started in this browser", func(t *testing.T) {
			f.browser.Jar, _ = cookiejar.New(nil)
			res, body := f.get("/auth/oidc/callback?state=x&code=y&error_description=" + url.QueryEscape("Call 555"))
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "not started in this browser") || strings.Contains(body, "Call 555") {
				t.Errorf("status %d:\n%.500s", res.StatusCode, body)
			}
		})
	})
}

func TestSingleSignOnRoutesExistOnlyWhenConfigured(t *testing.T) {
	db, sc := storetest.New(t, "sqlite")
	off := server.New(server.Deps{DB: db, Guard: access.Unrestricted{S: sc}})
	for _, r := range off.Routes {
		if strings.Contains(r.Pattern, "/auth/oidc/") {
			t.Errorf("route %s is served without single sign-on", r.Pattern)
		}
	}
	on := newSSO(t, store.SQLite).start(server.OIDCConfig{}).handler
	for _, want := range []string{"GET /auth/oidc/start", "GET /auth/oidc/callback"} {
		if !slices.Contains(on.Routes, server.Route{Pattern: want, Rule: access.Public}) {
			t.Errorf("route table lacks %s as public: %v", want, on.Routes)
		}
	}
}

func TestNewOIDCFailsClearlyAtStart(t *testing.T) {
	// A port that was free a moment ago: nothing answers there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/realms/staff"
	ln.Close()
	good := server.OIDCConfig{Issuer: dead, ClientID: "samwise", RedirectURL: "https://samwise.example.com/auth/oidc/callback"}

	for _, tc := range []struct {
		name string
		edit func(*server.OIDCConfig)
		want []string
	}{
		{"an unreachable issuer names the issuer", func(*server.OIDCConfig) {}, []string{"discovery at issuer " + dead + " failed"}},
		{"a missing client ID and redirect URL are both reported", func(c *server.OIDCConfig) { c.ClientID, c.RedirectURL = "", "" },
			[]string{"client ID is required", "redirect URL must be"}},
		{"an issuer that is not a URL is refused", func(c *server.OIDCConfig) { c.Issuer = "login.example.com" }, []string{"issuer must be"}},
		{"an unknown role for new users is refused", func(c *server.OIDCConfig) { c.CreateRole = "boss" }, []string{`not "boss"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.edit(&cfg)
			o, err := server.NewOIDC(context.Background(), cfg)
			if err == nil || o != nil {
				t.Fatalf("NewOIDC = %v, %v; want an error", o, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	var none *server.OIDC
	if none.Label() != "" {
		t.Error("a nil OIDC has a sign-in label")
	}
}
