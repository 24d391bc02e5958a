package server_test

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/server"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
	"github.com/samwise-sam/samwise/internal/web"
)

// These tests run the real server — authentication middleware, guard,
// cross-origin protection — in front of the sign-in and administration
// pages, on both databases.

const password = "correct horse battery staple"

// site is a running samwise with one organisation.
type site struct {
	t   *testing.T
	db  *store.DB
	sc  account.Scope
	srv *httptest.Server
}

func newSite(t *testing.T, d store.Dialect) *site {
	t.Helper()
	db, sc := storetest.New(t, d)
	return serve(t, db, sc)
}

func serve(t *testing.T, db *store.DB, sc account.Scope) *site {
	t.Helper()
	srv := httptest.NewServer(server.New(server.Deps{DB: db, Guard: server.Guard{DB: db}}))
	t.Cleanup(srv.Close)
	return &site{t: t, db: db, sc: sc, srv: srv}
}

// email makes an address unique to the site's organisation: e-mails are
// unique across the installation, and on PostgreSQL the package's tests
// share one database.
func (s *site) email(name string) string { return fmt.Sprintf("%s.%d@example.com", name, s.sc.OrgID) }

// passwordHash is the test password's hash, made once: at the real cost
// parameters (the sign-in upgrades any other) each hash takes a while.
var passwordHash = sync.OnceValues(func() (string, error) { return auth.HashPassword(password) })

// user adds a user with the test password, linked to person if non-zero.
func (s *site) user(name string, role auth.Role, person int64) auth.User {
	s.t.Helper()
	hash, err := passwordHash()
	if err != nil {
		s.t.Fatal(err)
	}
	u := auth.User{Email: s.email(name), Name: strings.ToUpper(name[:1]) + name[1:], Role: role, PasswordHash: hash}
	if person != 0 {
		u.PersonID = &person
	}
	if err := s.db.CreateUser(context.Background(), s.sc, &u); err != nil {
		s.t.Fatal(err)
	}
	return u
}

func (s *site) person(name string) account.Person {
	s.t.Helper()
	p := account.Person{Name: name, Email: s.email(strings.ToLower(strings.Fields(name)[0]) + ".person")}
	if err := s.db.CreatePerson(context.Background(), s.sc, &p); err != nil {
		s.t.Fatal(err)
	}
	return p
}

func (s *site) account(name string, owner int64) account.Account {
	s.t.Helper()
	a := account.Account{Name: name, Lifecycle: account.Customer, OwnerID: &owner}
	if err := s.db.CreateAccount(context.Background(), s.sc, &a); err != nil {
		s.t.Fatal(err)
	}
	return a
}

// browser is one browser: its own cookies, redirects not followed (they
// are part of what the tests check), and optionally an API token instead.
type browser struct {
	t      *testing.T
	base   string
	c      *http.Client
	bearer string
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: s.t, base: s.srv.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// script is a client holding only an API token.
func (s *site) script(token string) *browser {
	b := s.browser()
	b.bearer = token
	return b
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (a answer) location() string { return a.header.Get("Location") }

func (b *browser) get(path string) answer {
	b.t.Helper()
	return b.do(http.MethodGet, path, nil)
}

func (b *browser) post(path string, form url.Values) answer {
	b.t.Helper()
	return b.do(http.MethodPost, path, form)
}

func (b *browser) do(method, path string, form url.Values) answer {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+b.bearer)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: string(raw)}
}

// signIn posts the sign-in form and fails the test unless it succeeds.
func (b *browser) signIn(email string) {
	b.t.Helper()
	if a := b.post("/signin", url.Values{"email": {email}, "password": {password}}); a.status != http.StatusSeeOther {
		b.t.Fatalf("sign-in of %s: %d\n%.600s", email, a.status, alert(a.body))
	}
}

// session returns the browser's session cookie value ("" if none).
func (b *browser) session() string {
	u, _ := url.Parse(b.base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == web.SessionCookie {
			return c.Value
		}
	}
	return ""
}

var alertRE = regexp.MustCompile(`(?s)<div class="alert[^"]*"[^>]*>(.*?)</div>`)

// alert returns the text of a page's first alert box.
func alert(body string) string {
	m := alertRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], "")))
}

func wantStatus(t *testing.T, what string, a answer, status int) {
	t.Helper()
	if a.status != status {
		t.Fatalf("%s: status %d, want %d (Location %q)\n%.600s", what, a.status, status, a.location(), alert(a.body))
	}
}

func TestSigningInSetsAProtectedCookieAndTheNextRequestIsSignedIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d)
		ann := s.user("ann", auth.RoleAdministrator, 0)
		b := s.browser()

		a := b.get("/accounts?q=acme")
		if a.status != http.StatusSeeOther || a.location() != "/signin?next=%2Faccounts%3Fq%3Dacme" {
			t.Fatalf("anonymous GET /accounts: %d to %q", a.status, a.location())
		}
		a = b.get(a.location())
		wantStatus(t, "sign-in page", a, http.StatusOK)
		if !strings.Contains(a.body, `name="next" value="/accounts?q=acme"`) {
			t.Error("the sign-in form does not carry the page to return to")
		}
		a = b.post("/signin", url.Values{"email": {strings.ToUpper(ann.Email)}, "password": {password}, "next": {"/accounts?q=acme"}})
		if a.status != http.StatusSeeOther || a.location() != "/accounts?q=acme" {
			t.Fatalf("sign-in: %d to %q, %s", a.status, a.location(), alert(a.body))
		}
		cookie := a.header.Get("Set-Cookie")
		for _, want := range []string{web.SessionCookie + "=sws_", "HttpOnly", "SameSite=Lax", "Path=/", "Expires="} {
			if !strings.Contains(cookie, want) {
				t.Errorf("session cookie %q lacks %q", cookie, want)
			}
		}
		a = b.get("/accounts")
		wantStatus(t, "accounts after sign-in", a, http.StatusOK)
		for _, want := range []string{`<span class="usermenu-name">Ann</span>`, `action="/signout"`, `href="/admin/users"`, `href="/admin/audit"`, `href="/me"`} {
			if !strings.Contains(a.body, want) {
				t.Errorf("the top bar lacks %q", want)
			}
		}
		a = b.get("/me")
		wantStatus(t, "my account", a, http.StatusOK)
		if !strings.Contains(a.body, ann.Email) || !strings.Contains(a.body, "Administrator") {
			t.Error("My account does not say who is signed in")
		}
		// Signed in already: the sign-in page goes straight on.
		if a := b.get("/signin?next=/people"); a.status != http.StatusSeeOther || a.location() != "/people" {
			t.Errorf("sign-in page when signed in: %d to %q", a.status, a.location())
		}
	})
}

func TestWrongPasswordAndUnknownEmailGetTheSameAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d)
		ann := s.user("ann", auth.RoleViewer, 0)
		b := s.browser()
		wrong := b.post("/signin", url.Values{"email": {ann.Email}, "password": {"not the password"}})
		unknown := b.post("/signin", url.Values{"email": {s.email("nobody")}, "password": {"not the password"}})
		if wrong.status != http.StatusUnauthorized || unknown.status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d, unknown e-mail %d; want 401 both", wrong.status, unknown.status)
		}
		if alert(wrong.body) != alert(unknown.body) || alert(wrong.body) != "Wrong e-mail or password." {
			t.Errorf("wrong password says %q, unknown e-mail says %q", alert(wrong.body), alert(unknown.body))
		}
		if !strings.Contains(wrong.body, `value="`+ann.Email+`"`) || strings.Contains(wrong.body, "not the password") {
			t.Error("the form should keep the e-mail and never the password")
		}
		if b.session() != "" {
			t.Error("a failed sign-in left a session cookie")
		}

		// A disabled user is told so, but only after the right password.
		bob := s.user("bob", auth.RoleViewer, 0)
		bob.Disabled = true
		if err := s.db.UpdateUser(context.Background(), s.sc, &bob); err != nil {
			t.Fatal(err)
		}
		a := b.post("/signin", url.Values{"email": {bob.Email}, "password": {password}})
		if a.status != http.StatusForbidden || !strings.Contains(alert(a.body), "disabled") {
			t.Errorf("disabled user: %d %q", a.status, alert(a.body))
		}
		a = b.post("/signin", url.Values{"email": {bob.Email}, "password": {"guess guess guess"}})
		if a.status != http.StatusUnauthorized || strings.Contains(a.body, "disabled") {
			t.Errorf("disabled user with a wrong password must look like any wrong password: %d %q", a.status, alert(a.body))
		}
	})
}

func TestTheSixthFailedSignInIsLockedAndSaysWhenToComeBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d)
		ann := s.user("ann", auth.RoleViewer, 0)
		b := s.browser()
		for i := 1; i <= 5; i++ {
			a := b.post("/signin", url.Values{"email": {ann.Email}, "password": {fmt.Sprintf("wrong guess %d", i)}})
			wantStatus(t, fmt.Sprintf("failure %d", i), a, http.StatusUnauthorized)
		}
		// The sixth attempt is turned away even with the right password.
		a := b.post("/signin", url.Values{"email": {ann.Email}, "password": {password}})
		wantStatus(t, "sixth attempt", a, http.StatusTooManyRequests)
		if !regexp.MustCompile(`^Too many failed sign-ins; try again after \d\d:\d\d`).MatchString(alert(a.body)) {
			t.Errorf("the lock says %q", alert(a.body))
		}
		if secs, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || secs < 800 || secs > 900 {
			t.Errorf("Retry-After %q, want about 15 minutes", a.header.Get("Retry-After"))
		}
		if b.session() != "" {
			t.Error("a locked sign-in left a session cookie")
		}
	})
}

func TestSigningOutEndsTheSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d)
		ann := s.user("ann", auth.RoleViewer, 0)
		b := s.browser()
		b.signIn(ann.Email)
		old := b.session()
		a := b.post("/signout", url.Values{})
		if a.status != http.StatusSeeOther || a.location() != "/signin?done=signout" {
			t.Fatalf("sign-out: %d to %q", a.status, a.location())
		}
		if b.session() != "" {
			t.Error("the cookie survived signing out")
		}
		if a := b.get(a.location()); !strings.Contains(a.body, "You are signed out.") {
			t.Error("the sign-in page does not say the user is signed out")
		}
		// A copy of the old cookie is worth nothing now.
		thief := s.browser()
		u, _ := url.Parse(s.srv.URL)
		thief.c.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: old}})
		if a := thief.get("/accounts"); a.status != http.StatusSeeOther || !strings.HasPrefix(a.location(), "/signin") {
			t.Errorf("the ended session still opens /accounts: %d %q", a.status, a.location())
		}
	})
}

func TestSigningOutEverywhereEndsTheUsersOtherSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d)
		ann := s.user("ann", auth.RoleViewer, 0)
		bob := s.user("bob", auth.RoleViewer, 0)
		laptop, phone, bobs := s.browser(), s.browser(), s.browser()
		laptop.signIn(ann.Email)
		phone.signIn(ann.Email)
		bobs.signIn(bob.Email)
		a := laptop.post("/me/signout-everywhere", url.Values{})
		if a.status != http.StatusSeeOther || a.location() != "/signin?done=everywhere" {
			t.Fatalf("sign out everywhere: %d to %q", a.status, a.location())
		}
		for name, b := range map[string]*browser{"the laptop": laptop, "the phone": phone} {
			if a := b.get("/accounts"); a.status != http.StatusSeeOther {
				t.Errorf("%s is still signed in: %d", name, a.status)
			}
		}
		if a := bobs.get("/accounts"); a.status != http.StatusOK {
			t.Errorf("another user was signed out too: %d", a.status)
		}
	})
}

// emptyDB opens a migrated database without any organisation or user. The
// first-run setup is about the whole installation having no user, so on
// PostgreSQL it needs a database of its own (the package's shared one has
// other tests' users), dropped when the test ends.
func emptyDB(t *testing.T, d store.Dialect) *store.DB {
	t.Helper()
	if d == store.SQLite {
		return storetest.Open(t, d)
	}
	base := os.Getenv(storetest.EnvPostgres)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := fmt.Sprintf("samwise_test_server_setup_%d", rand.Uint32())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(base)
	u.Path = "/" + name
	db, err := store.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestSetupCreatesTheFirstAdministratorOnceAndThenIsGone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db := emptyDB(t, d)
		s := serve(t, db, account.Scope{})
		b := s.browser()

		// A fresh installation leads everyone to the setup.
		a := b.get("/")
		if a.status != http.StatusSeeOther || a.location() != "/signin?next=%2F" {
			t.Fatalf("GET / on a fresh install: %d to %q", a.status, a.location())
		}
		if a = b.get(a.location()); a.status != http.StatusSeeOther || a.location() != "/setup" {
			t.Fatalf("sign-in on a fresh install: %d to %q", a.status, a.location())
		}
		a = b.get("/setup")
		wantStatus(t, "setup page", a, http.StatusOK)
		for _, want := range []string{`name="org_name"`, `name="password2"`, `type="password"`} {
			if !strings.Contains(a.body, want) {
				t.Errorf("the setup form lacks %s", want)
			}
		}

		form := url.Values{"org_name": {"Acme Software"}, "name": {"Ann Lee"}, "email": {"ann@example.com"},
			"password": {password}, "password2": {password + "!"}}
		a = b.post("/setup", form)
		wantStatus(t, "setup with passwords that differ", a, http.StatusUnprocessableEntity)
		if !strings.Contains(a.body, "Repeat password does not match the password") || !strings.Contains(a.body, `value="Acme Software"`) {
			t.Errorf("the form does not explain the mismatch or lost the input:\n%s", alert(a.body))
		}
		short := url.Values{"name": {""}, "email": {"ann"}, "password": {"short"}, "password2": {"short"}}
		a = b.post("/setup", short)
		for _, want := range []string{"Organisation is required", "Your name is required", "E-mail must be an e-mail address", "Password must be at least 12 characters (is 5)"} {
			if !strings.Contains(alert(a.body), want) {
				t.Errorf("setup errors %q lack %q", alert(a.body), want)
			}
		}

		form.Set("password2", password)
		a = b.post("/setup", form)
		if a.status != http.StatusSeeOther || a.location() != "/admin/users?done=welcome" {
			t.Fatalf("setup: %d to %q\n%s", a.status, a.location(), alert(a.body))
		}
		a = b.get("/admin/users?done=welcome")
		wantStatus(t, "users after setup", a, http.StatusOK)
		if !strings.Contains(a.body, "ann@example.com") || !strings.Contains(a.body, "Welcome") {
			t.Error("the new administrator does not land on the user list")
		}
		u, err := db.UserByEmail(ctx, "ann@example.com")
		if err != nil || u.Role != auth.RoleAdministrator || u.PersonID == nil {
			t.Fatalf("the administrator %+v (%v) is not an administrator linked to a person", u, err)
		}
		orgs, _ := db.Organisations(ctx)
		if len(orgs) != 1 || orgs[0].Name != "Acme Software" {
			t.Errorf("organisations %+v", orgs)
		}

		// Once done, the page is gone, for everyone.
		for _, c := range []*browser{b, s.browser()} {
			if a := c.get("/setup"); a.status != http.StatusNotFound {
				t.Errorf("GET /setup after setup: %d", a.status)
			}
			form.Set("email", "eve@example.com")
			if a := c.post("/setup", form); a.status != http.StatusNotFound {
				t.Errorf("POST /setup after setup: %d", a.status)
			}
		}
		if n, _ := db.CountUsers(ctx); n != 1 {
			t.Errorf("%d users after setup, want 1", n)
		}
		if a := s.browser().get("/signin"); a.status != http.StatusOK {
			t.Errorf("sign-in page after setup: %d", a.status)
		}
	})
}

func TestSignInNeverRedirectsToAnotherSite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d)
		ann := s.user("ann", auth.RoleViewer, 0)
		cases := []struct{ next, want string }{
			{"//evil.example", "/accounts"},
			{"//evil.example/accounts", "/accounts"},
			{"https://evil.example/", "/accounts"},
			{`/\evil.example`, "/accounts"},
			{"javascript:alert(1)", "/accounts"},
			{"/signout", "/accounts"},
			{"", "/accounts"},
			{"/people?x=1#top", "/people?x=1#top"},
		}
		for _, c := range cases {
			t.Run(c.next, func(t *testing.T) {
				b := s.browser()
				if c.next != "" {
					page := b.get("/signin?next=" + url.QueryEscape(c.next))
					if c.want != c.next && strings.Contains(page.body, `name="next"`) {
						t.Errorf("the form carries the unsafe next %q along", c.next)
					}
				}
				a := b.post("/signin", url.Values{"email": {ann.Email}, "password": {password}, "next": {c.next}})
				if a.status != http.StatusSeeOther || a.location() != c.want {
					t.Errorf("next=%q led to %d %q, want %q", c.next, a.status, a.location(), c.want)
				}
			})
		}
	})
}

func TestRolesAreEnforcedOnPagesAndForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d)
		roles := map[auth.Role]*browser{}
		for _, r := range []auth.Role{auth.RoleViewer, auth.RoleAccountManager, auth.RoleLeader, auth.RoleAdministrator} {
			u := s.user(string(r), r, 0)
			roles[r] = s.browser()
			roles[r].signIn(u.Email)
		}
		cases := []struct {
			role   auth.Role
			method string
			path   string
			status int
		}{
			{auth.RoleViewer, "POST", "/accounts", http.StatusForbidden},
			{auth.RoleViewer, "GET", "/admin/users", http.StatusForbidden},
			{auth.RoleViewer, "GET", "/admin/audit", http.StatusForbidden},
			{auth.RoleViewer, "GET", "/admin/audit.csv", http.StatusForbidden},
			{auth.RoleViewer, "GET", "/admin/settings", http.StatusForbidden},
			{auth.RoleViewer, "GET", "/me", http.StatusOK},
			{auth.RoleAccountManager, "GET", "/admin/users", http.StatusForbidden},
			{auth.RoleAccountManager, "POST", "/admin/users/new", http.StatusForbidden},
			{auth.RoleLeader, "GET", "/admin/audit", http.StatusOK},
			{auth.RoleLeader, "GET", "/admin/users", http.StatusForbidden},
			{auth.RoleLeader, "POST", "/admin/settings", http.StatusForbidden},
			{auth.RoleAdministrator, "GET", "/admin/users", http.StatusOK},
			{auth.RoleAdministrator, "GET", "/admin/settings", http.StatusOK},
		}
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s %s %s", c.role, c.method, c.path), func(t *testing.T) {
				var form url.Values
				if c.method == "POST" {
					form = url.Values{"name": {"Viewer's account"}, "lifecycle": {"prospect"}, "need_to_know": {"1"}}
				}
				a := roles[c.role].do(c.method, c.path, form)
				if a.status != c.status {
					t.Errorf("status %d, want %d", a.status, c.status)
				}
			})
		}
		// The menu offers only what the role may open.
		viewer := roles[auth.RoleViewer].get("/me").body
		leader := roles[auth.RoleLeader].get("/me").body
		if strings.Contains(viewer, "Administration") || strings.Contains(leader, `href="/admin/users"`) || !strings.Contains(leader, `href="/admin/audit"`) {
			t.Error("the user menu offers administration links the role may not open, or hides allowed ones")
		}
	})
}

var secretRE = regexp.MustCompile(`value="(sw_[A-Za-z0-9_-]+)"`)

func TestATokenCreatedOnMyAccountWorksAsBearerUntilRevoked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d)
		ann := s.user("ann", auth.RoleAccountManager, 0)
		b := s.browser()
		b.signIn(ann.Email)
		a := b.post("/me/tokens", url.Values{"name": {"Nightly sync"}, "scope": {"read"}, "expiry": {"30d"}})
		wantStatus(t, "create token", a, http.StatusCreated)
		m := secretRE.FindStringSubmatch(a.body)
		if m == nil {
			t.Fatal("the new token's secret is not on the page")
		}
		secret := m[1]
		if a.header.Get("Cache-Control") != "no-store" || !strings.Contains(a.body, "shown this once") {
			t.Errorf("the secret page may be cached (%q) or lacks the copy hint", a.header.Get("Cache-Control"))
		}
		// Shown once: the next visit lists the token but not its secret.
		again := b.get("/me")
		if strings.Contains(again.body, secret) || !strings.Contains(again.body, "Nightly sync") {
			t.Error("My account shows the secret again, or not the token")
		}

		script := s.script(secret)
		if a := script.get("/accounts"); a.status != http.StatusOK {
			t.Errorf("GET /accounts with the token: %d", a.status)
		}
		if a := script.post("/accounts", url.Values{"name": {"By script"}, "lifecycle": {"prospect"}}); a.status != http.StatusForbidden {
			t.Errorf("a read token wrote: %d", a.status)
		}
		if a := script.post("/me/tokens", url.Values{"name": {"successor"}, "scope": {"read"}, "expiry": {"never"}}); a.status != http.StatusForbidden {
			t.Errorf("a token minted a token: %d", a.status)
		}

		tokens, err := s.db.Tokens(context.Background(), s.sc, ann.ID)
		if err != nil || len(tokens) != 1 {
			t.Fatalf("tokens %v %v", tokens, err)
		}
		tok := tokens[0]
		if tok.Scope != auth.ScopeRead || tok.ExpiresAt.IsZero() {
			t.Errorf("token %+v", tok)
		}
		// Someone else cannot revoke it, nor learn that it exists.
		bob := s.user("bob", auth.RoleLeader, 0)
		other := s.browser()
		other.signIn(bob.Email)
		if a := other.post(fmt.Sprintf("/me/tokens/%d/revoke", tok.ID), url.Values{}); a.status != http.StatusNotFound {
			t.Errorf("another user revoking: %d", a.status)
		}
		a = b.post(fmt.Sprintf("/me/tokens/%d/revoke", tok.ID), url.Values{})
		if a.status != http.StatusSeeOther || a.location() != "/me?done=revoked" {
			t.Fatalf("revoke: %d to %q", a.status, a.location())
		}
		if a := script.get("/accounts"); a.status != http.StatusUnauthorized {
			t.Errorf("the revoked token still works: %d", a.status)
		}
	})
}

func TestTheAuditExportHasAHeaderEveryChangeAndDefusesFormulas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d)
		ann := s.user("ann", auth.RoleAdministrator, 0)
		b := s.browser()
		b.signIn(ann.Email)
		evil := `=HYPERLINK("http://evil.example","click")`
		a := b.post("/accounts", url.Values{"name": {evil}, "lifecycle": {"prospect"}, "industry": {"+Energy"}})
		wantStatus(t, "create the account", a, http.StatusSeeOther)
		id, _ := strconv.ParseInt(strings.TrimPrefix(a.location(), "/accounts/"), 10, 64)

		a = b.get("/admin/audit.csv?entity=account")
		wantStatus(t, "export", a, http.StatusOK)
		if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(a.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("export served as %q, %q", ct, a.header.Get("Content-Disposition"))
		}
		rows, err := csv.NewReader(strings.NewReader(a.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"at", "actor", "action", "entity", "entity_id", "account_id", "field", "old", "new"}; !slices.Equal(rows[0], want) {
			t.Fatalf("header %v", rows[0])
		}
		got := map[string]string{}
		for _, r := range rows[1:] {
			if r[1] != ann.Email || r[2] != "create" || r[3] != "account" || r[4] != strconv.FormatInt(id, 10) || r[5] != r[4] {
				t.Errorf("row %v is not Ann creating account %d", r, id)
			}
			got[r[6]] = r[8]
		}
		if got["name"] != "'"+evil || got["industry"] != "'+Energy" || got["lifecycle"] != "prospect" {
			t.Errorf("exported name %q, industry %q, lifecycle %q", got["name"], got["industry"], got["lifecycle"])
		}

		// The page shows the same entry, readably, linked to the account.
		a = b.get("/admin/audit?entity=account")
		wantStatus(t, "audit page", a, http.StatusOK)
		for _, want := range []string{fmt.Sprintf(`href="/accounts/%d"`, id), "created account", html.EscapeString(evil), "Prospect"} {
			if !strings.Contains(a.body, want) {
				t.Errorf("audit page lacks %q", want)
			}
		}
		// Everything, unfiltered, includes the sign-in.
		a = b.get("/admin/audit.csv")
		if !strings.Contains(a.body, ",sign_in,user,") {
			t.Error("the unfiltered export lacks the sign-in")
		}
	})
}

func TestNeedToKnowHidesAccountsFromAnAccountManagerNotOnThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d)
		carl, dora := s.person("Carl Manager"), s.person("Dora Other")
		mine, theirs := s.account("Mine Corp", carl.ID), s.account("Theirs Corp", dora.ID)
		admin := s.user("admin", auth.RoleAdministrator, 0)
		am := s.user("carl", auth.RoleAccountManager, carl.ID)
		ab, cb := s.browser(), s.browser()
		ab.signIn(admin.Email)
		cb.signIn(am.Email)
		theirsURL, mineURL := fmt.Sprintf("/accounts/%d", theirs.ID), fmt.Sprintf("/accounts/%d", mine.ID)

		if a := cb.get(theirsURL); a.status != http.StatusOK {
			t.Fatalf("without need-to-know the account manager reads every account: %d", a.status)
		}
		if a := ab.get("/admin/settings"); !strings.Contains(a.body, "Need to know") {
			t.Error("the settings page does not offer need-to-know")
		}
		a := ab.post("/admin/settings", url.Values{"need_to_know": {"1"}})
		if a.status != http.StatusSeeOther || a.location() != "/admin/settings?done=saved" {
			t.Fatalf("save settings: %d to %q", a.status, a.location())
		}
		if a := ab.get("/admin/settings"); !strings.Contains(a.body, `name="need_to_know" value="1" checked`) {
			t.Error("the saved setting does not show as on")
		}
		if a := cb.get(theirsURL); a.status != http.StatusNotFound {
			t.Errorf("with need-to-know the account manager opened an account they are not on: %d", a.status)
		}
		if a := cb.get(mineURL); a.status != http.StatusOK {
			t.Errorf("the account manager lost their own account: %d", a.status)
		}
		if a := cb.get("/accounts"); strings.Contains(a.body, "Theirs Corp") || !strings.Contains(a.body, "Mine Corp") {
			t.Error("the list shows a hidden account or lost the account manager's own")
		}
		if a := ab.get(theirsURL); a.status != http.StatusOK {
			t.Errorf("the administrator lost sight of an account: %d", a.status)
		}
		// Turning it off again (the unticked box is not sent) restores it.
		ab.post("/admin/settings", url.Values{})
		if a := cb.get(theirsURL); a.status != http.StatusOK {
			t.Errorf("after turning need-to-know off: %d", a.status)
		}
	})
}

var shownPasswordRE = regexp.MustCompile(`id="new-password" class="secret-value" value="([a-z0-9-]+)"`)

func TestAdministratorsAddUsersResetPasswordsAndKeepAnAdministrator(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newSite(t, d)
		admin := s.user("admin", auth.RoleAdministrator, 0)
		ab := s.browser()
		ab.signIn(admin.Email)

		a := ab.post("/admin/users/new", url.Values{"name": {"Eve Viewer"}, "email": {s.email("eve")}, "role": {"viewer"}})
		wantStatus(t, "add user", a, http.StatusCreated)
		m := shownPasswordRE.FindStringSubmatch(a.body)
		if m == nil {
			t.Fatal("the generated password is not shown")
		}
		eve := s.browser()
		if a := eve.post("/signin", url.Values{"email": {s.email("eve")}, "password": {m[1]}}); a.status != http.StatusSeeOther {
			t.Fatalf("the new user cannot sign in with the shown password: %d", a.status)
		}
		if a := ab.post("/admin/users/new", url.Values{"name": {"Eve Again"}, "email": {s.email("eve")}, "role": {"viewer"}}); a.status != http.StatusUnprocessableEntity {
			t.Errorf("a second user with the same e-mail: %d", a.status)
		}
		if a := ab.get("/admin/users"); !strings.Contains(a.body, "Eve Viewer") || !strings.Contains(a.body, "never") && !strings.Contains(a.body, "Viewer") {
			t.Error("the user list lacks the new user")
		}

		u, err := s.db.UserByEmail(ctx, s.email("eve"))
		if err != nil {
			t.Fatal(err)
		}
		// Resetting the password shows a new one and signs the user out.
		a = ab.post(fmt.Sprintf("/admin/users/%d/password", u.ID), url.Values{})
		wantStatus(t, "reset password", a, http.StatusOK)
		m2 := shownPasswordRE.FindStringSubmatch(a.body)
		if m2 == nil || m2[1] == m[1] || !strings.Contains(a.body, "signed out everywhere") {
			t.Fatalf("reset did not show a new password or did not end sessions:\n%s", alert(a.body))
		}
		if a := eve.get("/accounts"); a.status != http.StatusSeeOther {
			t.Errorf("the user is still signed in after the reset: %d", a.status)
		}

		// An administrator revokes anyone's token, from the user's page.
		tok := auth.Token{UserID: u.ID, Name: "Eve's script", Scope: auth.ScopeRead}
		if _, err := s.db.CreateToken(ctx, s.sc, &tok); err != nil {
			t.Fatal(err)
		}
		if a := ab.get(fmt.Sprintf("/admin/users/%d", u.ID)); !strings.Contains(a.body, "Eve&#39;s script") {
			t.Error("the user's page does not list their tokens")
		}
		a = ab.post(fmt.Sprintf("/me/tokens/%d/revoke", tok.ID), url.Values{})
		if want := fmt.Sprintf("/admin/users/%d?done=revoked", u.ID); a.status != http.StatusSeeOther || a.location() != want {
			t.Errorf("revoking another user's token: %d to %q, want %q", a.status, a.location(), want)
		}
		if tok, _ = s.db.Token(ctx, s.sc, tok.ID); tok.RevokedAt.IsZero() {
			t.Error("the token is not revoked")
		}

		// The only administrator cannot demote themselves: the form says why.
		a = ab.post(fmt.Sprintf("/admin/users/%d", admin.ID), url.Values{"name": {admin.Name}, "email": {admin.Email}, "role": {"viewer"}})
		wantStatus(t, "demote the last administrator", a, http.StatusUnprocessableEntity)
		if !strings.Contains(alert(a.body), "is the last administrator") {
			t.Errorf("the refusal says %q", alert(a.body))
		}
		// Changing someone's role and disabling them works.
		a = ab.post(fmt.Sprintf("/admin/users/%d", u.ID), url.Values{"name": {"Eve Leader"}, "email": {u.Email}, "role": {"leader"}, "disabled": {"1"}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("update: %d %s", a.status, alert(a.body))
		}
		u, _ = s.db.User(ctx, s.sc, u.ID)
		if u.Role != auth.RoleLeader || !u.Disabled || u.Name != "Eve Leader" {
			t.Errorf("after the update %+v", u)
		}
	})
}

func TestChangingThePasswordChecksTheCurrentOneAndSignsOutElsewhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d)
		ann := s.user("ann", auth.RoleViewer, 0)
		laptop, phone := s.browser(), s.browser()
		laptop.signIn(ann.Email)
		phone.signIn(ann.Email)
		const fresh = "a completely different sentence"

		a := laptop.post("/me/password", url.Values{"current": {"not it at all"}, "password": {fresh}, "password2": {fresh}})
		wantStatus(t, "wrong current password", a, http.StatusUnprocessableEntity)
		if !strings.Contains(alert(a.body), "Current password is not right") {
			t.Errorf("says %q", alert(a.body))
		}
		a = laptop.post("/me/password", url.Values{"current": {password}, "password": {"short"}, "password2": {"short"}})
		if !strings.Contains(alert(a.body), "New password must be at least 12 characters") {
			t.Errorf("says %q", alert(a.body))
		}
		a = laptop.post("/me/password", url.Values{"current": {password}, "password": {fresh}, "password2": {fresh}})
		if a.status != http.StatusSeeOther || a.location() != "/me?done=password" {
			t.Fatalf("change password: %d to %q %s", a.status, a.location(), alert(a.body))
		}
		if a := laptop.get("/me?done=password"); a.status != http.StatusOK || !strings.Contains(a.body, "Your password is changed") {
			t.Errorf("this browser should stay signed in and be told: %d", a.status)
		}
		if a := phone.get("/me"); a.status != http.StatusSeeOther {
			t.Errorf("the other device is still signed in: %d", a.status)
		}
		other := s.browser()
		if a := other.post("/signin", url.Values{"email": {ann.Email}, "password": {fresh}}); a.status != http.StatusSeeOther {
			t.Errorf("sign-in with the new password: %d", a.status)
		}
	})
}

// chromium finds a Chromium to drive. Without one the browser test skips —
// except in CI (CI=true), where it must run.
func chromium(t *testing.T) string {
	t.Helper()
	for _, c := range []string{os.Getenv("SAMWISE_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found: in CI the browser tests must run")
	}
	t.Skip("no Chromium found (install Debian's chromium package, or set SAMWISE_CHROMIUM)")
	return ""
}

// tab starts a headless Chromium for the test and returns a tab that
// records Content-Security-Policy violations and script errors.
func tab(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	path := chromium(t)
	parent, cancel := context.WithTimeout(t.Context(), limit)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(parent, chromedp.ExecPath(path), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true), chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800))
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
		window.__problems = [];
		document.addEventListener("securitypolicyviolation", e => window.__problems.push("CSP " + e.violatedDirective + " " + e.blockedURI));
		window.addEventListener("error", e => window.__problems.push("error " + e.message));`}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// step runs browser actions, failing the test with what it was doing.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// open runs actions that load a page and returns its status.
func open(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res == nil {
		return 0
	}
	return res.Status
}

func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// look checks the page runs clean under the real CSP and fits the window,
// then saves a screenshot for people to look at.
func look(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if p := js[[]string](t, ctx, `window.__problems || []`); len(p) > 0 {
		t.Errorf("%s: %v", name, p)
	}
	if w := js[[]int](t, ctx, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
		t.Errorf("%s: page is %dpx wide in a %dpx window", name, w[0], w[1])
	}
	dir := cmp.Or(os.Getenv("SAMWISE_SCREENSHOTS"), "/tmp/shots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserSetUpAdministerAndCreateAToken clicks through the first run
// and the administration pages in a real browser, at desktop and phone
// widths, under the server's real Content-Security-Policy.
func TestBrowserSetUpAdministerAndCreateAToken(t *testing.T) {
	ctx := tab(t, 90*time.Second)
	db := emptyDB(t, store.SQLite)
	s := serve(t, db, account.Scope{})
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	desktop := chromedp.EmulateViewport(1280, 800)

	// First run, on a phone: the front page leads to the setup.
	step(t, ctx, "phone viewport", phone)
	open(t, ctx, "open samwise", chromedp.Navigate(s.srv.URL+"/"))
	if p := js[string](t, ctx, `location.pathname`); p != "/setup" {
		t.Fatalf("a fresh install opens %q, not /setup", p)
	}
	look(t, ctx, "setup-phone")
	step(t, ctx, "desktop viewport", desktop)
	look(t, ctx, "setup-desktop")
	step(t, ctx, "fill in the setup form",
		chromedp.SendKeys(chromedp.ID("org_name"), "Acme Software"),
		chromedp.SendKeys(chromedp.ID("name"), "Ann Lee"),
		chromedp.SendKeys(chromedp.ID("email"), "ann@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.SendKeys(chromedp.ID("password2"), password))
	if st := open(t, ctx, "submit the setup", chromedp.Click(chromedp.CSS(`form button[type=submit]`))); st != http.StatusOK {
		t.Fatalf("after setup: status %d", st)
	}
	if p := js[string](t, ctx, `location.pathname`); p != "/admin/users" {
		t.Fatalf("after setup the browser is at %q", p)
	}

	// Some history for the audit trail, as Ann.
	ctx2 := context.Background()
	ann, err := db.UserByEmail(ctx2, "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	sc := (&auth.Principal{User: &ann}).Scope()
	bob := account.Person{Name: "Bob Stone", Email: "bob@example.com", Title: "Account manager"}
	if err := db.CreatePerson(ctx2, sc, &bob); err != nil {
		t.Fatal(err)
	}
	acme := account.Account{Name: "Acme Corp", Industry: "Manufacturing", AnnualRevenue: 12_400_000_00, Currency: "USD",
		Lifecycle: account.Prospect, OwnerID: ann.PersonID}
	if err := db.CreateAccount(ctx2, sc, &acme); err != nil {
		t.Fatal(err)
	}
	acme.Lifecycle, acme.OwnerID, acme.Employees = account.Customer, &bob.ID, 5200
	if err := db.UpdateAccount(ctx2, sc, &acme); err != nil {
		t.Fatal(err)
	}

	// Add a user; the generated password is shown once.
	open(t, ctx, "new user form", chromedp.Navigate(s.srv.URL+"/admin/users/new"))
	step(t, ctx, "fill in the user form",
		chromedp.SendKeys(chromedp.ID("name"), "Bob Stone"),
		chromedp.SendKeys(chromedp.ID("email"), "bob@example.com"),
		chromedp.Click(chromedp.CSS(`input[name=role][value=account_manager]`)))
	if st := open(t, ctx, "add the user", chromedp.Click(chromedp.CSS(`form.form button[type=submit]`))); st != http.StatusCreated {
		t.Fatalf("adding a user answered %d", st)
	}
	if pw := js[string](t, ctx, `document.getElementById("new-password").value`); len(pw) != 23 {
		t.Errorf("the generated password %q is not shown", pw)
	}
	if linked := js[string](t, ctx, `document.getElementById("person_id").selectedOptions[0].textContent`); !strings.HasPrefix(linked, "Bob Stone") {
		t.Errorf("the new user is linked to %q, not the person with the same e-mail", linked)
	}
	look(t, ctx, "admin-user-created-desktop")
	open(t, ctx, "user list", chromedp.Navigate(s.srv.URL+"/admin/users"))
	look(t, ctx, "admin-users-desktop")

	// A token, shown once, with a working Copy button.
	open(t, ctx, "my account", chromedp.Navigate(s.srv.URL+"/me"))
	step(t, ctx, "fill in the token form",
		chromedp.SendKeys(chromedp.ID("name"), "Nightly CRM sync"),
		chromedp.SetValue(chromedp.ID("scope"), "read_write"))
	if st := open(t, ctx, "create the token", chromedp.Click(chromedp.CSS(`form[action="/me/tokens"] button[type=submit]`))); st != http.StatusCreated {
		t.Fatalf("creating a token answered %d", st)
	}
	secret := js[string](t, ctx, `document.getElementById("new-secret").value`)
	if !strings.HasPrefix(secret, auth.TokenPrefix) {
		t.Fatalf("the page shows %q as the secret", secret)
	}
	if hidden := js[bool](t, ctx, `document.querySelector("button[data-copy]").hidden`); hidden {
		t.Error("the script did not reveal the Copy button")
	}
	look(t, ctx, "me-token-desktop")
	if a := s.script(secret).get("/accounts"); a.status != http.StatusOK {
		t.Errorf("the token from the page does not work: %d", a.status)
	}

	open(t, ctx, "audit trail", chromedp.Navigate(s.srv.URL+"/admin/audit"))
	if n := js[int](t, ctx, `document.querySelectorAll(".audit-table tbody tr").length`); n < 6 {
		t.Errorf("the audit trail shows %d entries", n)
	}
	look(t, ctx, "audit-desktop")
	open(t, ctx, "filter the audit trail", chromedp.SetValue(chromedp.ID("entity"), "account"))
	if q := js[string](t, ctx, `location.search`); q != "?entity=account" {
		t.Errorf("choosing a record kind leads to %q", q)
	}
	open(t, ctx, "settings", chromedp.Navigate(s.srv.URL+"/admin/settings"))
	look(t, ctx, "settings-desktop")

	// The user menu opens, and signs out.
	step(t, ctx, "open the user menu", chromedp.Click(chromedp.CSS(".usermenu summary")))
	look(t, ctx, "usermenu-desktop")
	open(t, ctx, "sign out", chromedp.Click(chromedp.CSS(".usermenu-signout button")))
	if p := js[string](t, ctx, `location.pathname + location.search`); p != "/signin?done=signout" {
		t.Fatalf("signing out leads to %q", p)
	}
	look(t, ctx, "signin-desktop")
	step(t, ctx, "sign in wrongly", chromedp.SendKeys(chromedp.ID("email"), "ann@example.com"), chromedp.SendKeys(chromedp.ID("password"), "wrong password"))
	if st := open(t, ctx, "submit", chromedp.Click(chromedp.CSS(`form button[type=submit]`))); st != http.StatusUnauthorized {
		t.Errorf("a wrong password answered %d", st)
	}
	if f := js[string](t, ctx, `document.activeElement.id`); f != "form-errors" {
		t.Errorf("focus is on %q, not the message", f)
	}
	look(t, ctx, "signin-error-desktop")

	// The same pages on a phone.
	step(t, ctx, "phone viewport", phone)
	open(t, ctx, "sign-in page on a phone", chromedp.Navigate(s.srv.URL+"/signin?next=/me"))
	look(t, ctx, "signin-phone")
	step(t, ctx, "sign in", chromedp.SendKeys(chromedp.ID("email"), "ann@example.com"), chromedp.SendKeys(chromedp.ID("password"), password))
	open(t, ctx, "submit", chromedp.Click(chromedp.CSS(`form button[type=submit]`)))
	if p := js[string](t, ctx, `location.pathname`); p != "/me" {
		t.Fatalf("signing in with next=/me leads to %q", p)
	}
	step(t, ctx, "fill in the token form", chromedp.SendKeys(chromedp.ID("name"), "Phone script"))
	open(t, ctx, "create a token on a phone", chromedp.Click(chromedp.CSS(`form[action="/me/tokens"] button[type=submit]`)))
	look(t, ctx, "me-token-phone")
	open(t, ctx, "users on a phone", chromedp.Navigate(s.srv.URL+"/admin/users"))
	look(t, ctx, "admin-users-phone")
	open(t, ctx, "audit on a phone", chromedp.Navigate(s.srv.URL+"/admin/audit"))
	look(t, ctx, "audit-phone")
	step(t, ctx, "open the user menu on a phone", chromedp.Click(chromedp.CSS(".usermenu summary")))
	look(t, ctx, "usermenu-phone")
}
