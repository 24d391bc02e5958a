package web

import (
	"errors"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
)

// defaultLanding is where a sign-in leads when it names no page to return to.
const defaultLanding = "/accounts"

// notices are the fixed messages a redirect may ask a page to show
// (?done=…). Only these words ever appear: the query cannot inject text.
var notices = map[string]string{
	"signout":    "You are signed out.",
	"everywhere": "You are signed out everywhere: every browser and device has to sign in again.",
	"password":   "Your password is changed. Every other browser and device has been signed out.",
	"revoked":    "The API token is revoked: scripts using it are turned away from now on.",
	"saved":      "Saved.",
	"welcome":    "Welcome: samwise is set up and you are its administrator. Add the people who will use it here.",
}

type signInView struct {
	page
	Email    string
	Next     string
	Error    string
	Notice   string
	SSOLabel string
	SSOURL   string
}

// signInPage shows the sign-in form. A fresh installation without any user
// sends everyone to the first-run setup instead; someone already signed in
// goes straight on.
func (h *handler) signInPage(w http.ResponseWriter, r *http.Request) {
	if h.toSetup(w, r) {
		return
	}
	next := r.URL.Query().Get("next")
	if auth.FromContext(r.Context()).SignedIn() {
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return
	}
	h.renderSignIn(w, r, http.StatusOK, signInView{Next: next, Notice: notices[r.URL.Query().Get("done")]})
}

func (h *handler) renderSignIn(w http.ResponseWriter, r *http.Request, status int, v signInView) {
	v.page = page{Title: "Sign in", Bare: true}
	if v.Next != "" && safeNext(v.Next) != v.Next {
		v.Next = "" // never carry an unsafe target along, not even in a hidden field
	}
	if h.ssoLabel != "" {
		v.SSOLabel, v.SSOURL = h.ssoLabel, "/auth/oidc/start"
		if v.Next != "" {
			v.SSOURL += "?next=" + url.QueryEscape(v.Next)
		}
	}
	h.render(w, r, status, "signin", v)
}

// signIn checks e-mail and password and starts a session. Wrong e-mail and
// wrong password get the same answer; a locked account gets 429 with the
// time it opens again; a disabled user is told so (only after the right
// password, so this reveals nothing to a guesser).
func (h *handler) signIn(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if h.toSetup(w, r) {
		return
	}
	v := signInView{Email: strings.TrimSpace(r.PostFormValue("email")), Next: r.PostFormValue("next")}
	password := r.PostFormValue("password")
	if v.Email == "" || password == "" {
		v.Error = "Enter your e-mail and your password."
		h.renderSignIn(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	u, err := h.authn.Authenticate(r.Context(), v.Email, password, h.clientAddress(r))
	var locked *auth.LockedError
	switch {
	case errors.As(err, &locked):
		setRetryAfter(w, locked.Until, h.now())
		v.Error = locked.Err.Message
		h.renderSignIn(w, r, http.StatusTooManyRequests, v)
		return
	case account.ErrorCode(err) == account.EUNAUTHORIZED:
		v.Error = account.ErrorMessage(err)
		h.renderSignIn(w, r, http.StatusUnauthorized, v)
		return
	case account.ErrorCode(err) == account.EFORBIDDEN:
		v.Error = account.ErrorMessage(err)
		h.renderSignIn(w, r, http.StatusForbidden, v)
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	if err := h.startSession(w, r, u); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, safeNext(v.Next), http.StatusSeeOther)
}

// setRetryAfter tells a client how many seconds to wait, until until
// (rounded up, at least one).
func setRetryAfter(w http.ResponseWriter, until, now time.Time) {
	wait := max(until.Sub(now), time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
}

// startSession signs u in on this browser: a new session in the database
// and its secret in the cookie. A session the browser held before is ended
// first, so a session id planted before sign-in never becomes a signed-in
// one (session fixation).
func (h *handler) startSession(w http.ResponseWriter, r *http.Request, u auth.User) error {
	ctx := r.Context()
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := h.db.DeleteSession(ctx, c.Value); err != nil {
			return err
		}
	}
	secret, s, err := h.db.CreateSession(ctx, u, h.sessionTTL, r.UserAgent(), h.clientAddress(r))
	if err != nil {
		return err
	}
	SetSessionCookie(w, r, secret, s.ExpiresAt)
	return nil
}

// toSetup sends the request to the first-run setup when the installation
// has no user yet, and reports whether it did.
func (h *handler) toSetup(w http.ResponseWriter, r *http.Request) bool {
	n, err := h.db.CountUsers(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return true
	}
	if n == 0 {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return true
	}
	return false
}

// signOut ends this browser's session.
func (h *handler) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := h.db.DeleteSession(r.Context(), c.Value); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	ClearSessionCookie(w, r)
	http.Redirect(w, r, "/signin?done=signout", http.StatusSeeOther)
}

// signOutEverywhere ends every session of the signed-in user, this one
// included: for a lost laptop or a session left open on a shared computer.
func (h *handler) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if p.ViaToken() {
		h.fail(w, r, account.Errorf(account.EFORBIDDEN, "An API token cannot sign its user out; sign in with a browser."))
		return
	}
	if _, err := h.db.DeleteUserSessions(ctx, h.guard.Scope(ctx), p.User.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	ClearSessionCookie(w, r)
	http.Redirect(w, r, "/signin?done=everywhere", http.StatusSeeOther)
}

// clientAddress is the address sign-ins are counted against: the
// connection's peer, or with Deps.TrustProxy the address the proxy in front
// appended to X-Forwarded-For (the last one: earlier entries come from the
// client and may be forged).
func (h *handler) clientAddress(r *http.Request) string {
	if h.trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// safeNext returns next if it is a path on this site, and the default
// landing page otherwise. Only a single leading slash is accepted: "//host"
// and "/\host" are read by browsers as another site (an open redirect), and
// backslashes or control characters have no business in our paths. Pages
// of the sign-in flow itself lead to the default, never round in a loop.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || len(next) > 2000 {
		return defaultLanding
	}
	for _, c := range next {
		if c == '\\' || c < ' ' || c == 0x7f {
			return defaultLanding
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return defaultLanding
	}
	switch u.Path {
	case "/signin", "/signout", "/setup":
		return defaultLanding
	}
	return next
}

// setupForm is the first-run form as typed (never the passwords: those are
// not shown again).
type setupForm struct {
	Name, Email, OrgName string
}

type setupView struct {
	page
	Form        setupForm
	Errors      formErrors
	ExistingOrg string // the organisation the administrator joins, when there is one
}

var setupLabels = map[string]string{
	"name": "Your name", "email": "E-mail", "password": "Password", "password2": "Repeat password", "org_name": "Organisation",
}

var setupOrder = []string{"org_name", "name", "email", "password", "password2"}

// setupPage asks for the first administrator while no user exists; after
// that the page does not exist.
func (h *handler) setupPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.setupView(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "setup", v)
}

// setupView returns the setup page's view, or answers 404 itself (and
// reports false) when samwise is already set up.
func (h *handler) setupView(w http.ResponseWriter, r *http.Request) (setupView, bool) {
	ctx := r.Context()
	n, err := h.db.CountUsers(ctx)
	if err != nil {
		h.fail(w, r, err)
		return setupView{}, false
	}
	if n > 0 {
		h.errorPage(w, r, http.StatusNotFound, "Not found", "samwise is already set up. Sign in, or ask an administrator for an account.")
		return setupView{}, false
	}
	orgs, err := h.db.Organisations(ctx)
	if err != nil {
		h.fail(w, r, err)
		return setupView{}, false
	}
	v := setupView{page: page{Title: "Set up samwise", Bare: true}}
	if len(orgs) > 0 {
		v.ExistingOrg = orgs[0].Name
	}
	return v, true
}

// setUp creates the first administrator (and the organisation, and their
// person record) and signs them in.
func (h *handler) setUp(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	v, ok := h.setupView(w, r)
	if !ok {
		return
	}
	v.Form = setupForm{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), OrgName: r.PostFormValue("org_name")}
	password, again := r.PostFormValue("password"), r.PostFormValue("password2")

	// Every mistake at once: the user's fields, the password rules, and the
	// organisation's name when one is to be created.
	u := auth.User{Name: v.Form.Name, Email: v.Form.Email, Role: auth.RoleAdministrator}
	u.Normalize()
	if err := u.Validate(); err != nil {
		v.Errors.fromError(err, setupLabels)
	}
	if err := auth.CheckPassword(password); err != nil {
		v.Errors.fromError(err, setupLabels)
	} else if again != password {
		v.Errors.add("password2", setupLabels["password2"], "does not match the password")
	}
	if v.ExistingOrg == "" && strings.TrimSpace(v.Form.OrgName) == "" {
		v.Errors.add("org_name", setupLabels["org_name"], "is required")
	}
	if v.Errors.Any() {
		v.Errors.Summary = "Please correct the highlighted fields."
		v.Errors.arrange(setupOrder, nil)
		h.render(w, r, http.StatusUnprocessableEntity, "setup", v)
		return
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	user, _, err := h.db.SetUpFirstAdmin(r.Context(), store.FirstAdmin{OrgName: v.Form.OrgName, Name: u.Name, Email: u.Email, PasswordHash: hash})
	switch {
	case account.ErrorCode(err) == account.EINVALID:
		v.Errors.fromError(err, setupLabels)
		v.Errors.arrange(setupOrder, nil)
		h.render(w, r, http.StatusUnprocessableEntity, "setup", v)
		return
	case account.ErrorCode(err) == account.ECONFLICT:
		// Someone else finished the setup a moment earlier.
		h.errorPage(w, r, http.StatusNotFound, "Not found", account.ErrorMessage(err))
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	// Setting up signs the administrator in: recorded like any sign-in
	// (the audit trail, and "last sign-in" on the user list).
	a := auth.Attempt{Email: user.Email, Address: h.clientAddress(r), At: h.now(), OK: true}
	if err := h.db.RecordSignInAttempt(r.Context(), a, &user); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.startSession(w, r, user); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users?done=welcome", http.StatusSeeOther)
}
