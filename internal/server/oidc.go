package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/web"
)

// Single sign-on with OpenID Connect (the authorization-code flow with PKCE).
//
// GET /auth/oidc/start remembers a random state, nonce and PKCE verifier in
// a short-lived cookie and sends the browser to the identity provider;
// GET /auth/oidc/callback checks the state, exchanges the code, verifies the
// ID token and signs in the samwise user with the token's verified e-mail.
// Users are matched by e-mail only, never by the provider's subject: samwise
// users are managed by e-mail, and an administrator who changes a user's
// e-mail changes whom the provider signs in.

// OIDCConfig configures single sign-on. Issuer, ClientID, ClientSecret and
// RedirectURL come from registering samwise as a client ("application") at
// the identity provider.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL, e.g. https://login.example.com/realms/staff;
	// discovery reads Issuer + "/.well-known/openid-configuration".
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is samwise's callback as registered at the provider:
	// the public address of samwise followed by /auth/oidc/callback.
	RedirectURL string
	// Label names the provider on the sign-in page ("Sign in with <Label>");
	// "" means "single sign-on".
	Label string
	// CreateRole decides who may sign in: "" admits only users that already
	// exist in samwise; a role admits everyone the provider vouches for,
	// creating unknown users with that role.
	CreateRole auth.Role
	// Org is the slug of the organisation new users join; "" means the
	// first (oldest) organisation, which is the only one in most
	// installations.
	Org string
	// Scopes are requested besides "openid"; nil means email and profile.
	// The ID token must carry a verified "email" claim whatever the scopes.
	Scopes []string
}

// OIDC is a discovered identity provider, ready to sign users in. Build it
// with NewOIDC and hand it to the server in Deps.OIDC.
type OIDC struct {
	cfg      OIDCConfig
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	client   *http.Client // for the token exchange and key fetches
}

// oidcTimeout bounds each call samwise makes to the provider (discovery,
// keys, code exchange): a provider that hangs must not hold a browser's
// sign-in, or the start of serve, for long.
const oidcTimeout = 15 * time.Second

// NewOIDC checks cfg and fetches the provider's discovery document, so that
// a wrong issuer or an unreachable provider stops serve at start rather than
// on someone's first sign-in.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	cfg.Issuer = strings.TrimSpace(cfg.Issuer)
	cfg.Label = strings.TrimSpace(cfg.Label)
	var problems []string
	if u, err := url.Parse(cfg.Issuer); cfg.Issuer == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		problems = append(problems, "the issuer must be the provider's http(s) URL")
	}
	if cfg.ClientID == "" {
		problems = append(problems, "the client ID is required")
	}
	if u, err := url.Parse(cfg.RedirectURL); cfg.RedirectURL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		problems = append(problems, "the redirect URL must be samwise's public address followed by /auth/oidc/callback")
	}
	if cfg.CreateRole != "" && !cfg.CreateRole.Valid() {
		problems = append(problems, fmt.Sprintf("the role for new users must be empty or one of the roles, not %q", cfg.CreateRole))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("single sign-on: %s", strings.Join(problems, "; "))
	}
	if cfg.Scopes == nil {
		cfg.Scopes = []string{oidc.ScopeEmail, "profile"}
	}
	// "openid" goes first: it is what makes the request OpenID Connect, and
	// some providers look only at the first scope.
	scopes := []string{oidc.ScopeOpenID}
	for _, s := range cfg.Scopes {
		if s != oidc.ScopeOpenID && s != "" {
			scopes = append(scopes, s)
		}
	}

	client := &http.Client{Timeout: oidcTimeout}
	// go-oidc keeps the context of discovery for its later key fetches (as
	// a bag of values, without its cancellation): the client travels in it.
	dctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, client), oidcTimeout)
	defer cancel()
	provider, err := oidc.NewProvider(dctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("single sign-on: discovery at issuer %s failed (check the issuer URL and that samwise can reach it): %w", cfg.Issuer, err)
	}
	return &OIDC{
		cfg: cfg,
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: provider.Endpoint(), Scopes: scopes},
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		client:   client,
	}, nil
}

// Label is the provider's name for the sign-in button, or "" when o is nil
// (single sign-on off), so the wiring can pass o.Label() unconditionally.
func (o *OIDC) Label() string {
	switch {
	case o == nil:
		return ""
	case o.cfg.Label == "":
		return "single sign-on"
	}
	return o.cfg.Label
}

// oidcFlow is what the start of a sign-in leaves in the browser for its
// callback. The cookie needs no signature: the state must come back from
// the provider unchanged, and the cookie is HttpOnly, SameSite=Lax and, over
// HTTPS, __Host- prefixed, so no other site or subdomain can plant one.
type oidcFlow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"r,omitempty"`
}

const (
	oidcCookie       = "samwise_oidc"
	oidcCookieSecure = "__Host-samwise_oidc" // browsers accept it only when Secure, Path=/, no Domain
	oidcFlowTTL      = 10 * time.Minute      // time to get through the provider's sign-in
	oidcSessionTTL   = 12 * time.Hour        // a working day, as for password sign-ins
	oidcDefaultNext  = "/accounts"
)

// oidcHandler serves the two single sign-on routes.
type oidcHandler struct {
	o   *OIDC
	db  *store.DB
	log *slog.Logger
}

// start sends the browser to the provider.
func (h oidcHandler) start(w http.ResponseWriter, r *http.Request) {
	f := oidcFlow{State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier(),
		Next: localPath(r.URL.Query().Get("next"))}
	b, _ := json.Marshal(f) // four strings: cannot fail
	secure := secureRequest(r)
	http.SetCookie(w, &http.Cookie{
		Name: oidcCookieName(secure), Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		MaxAge: int(oidcFlowTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, h.o.oauth.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), http.StatusFound)
}

// callback finishes the sign-in the provider sends the browser back from.
func (h oidcHandler) callback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	secure := secureRequest(r)
	f, ok := readFlow(r, secure)
	// The flow is single-use, whatever happens next.
	http.SetCookie(w, &http.Cookie{Name: oidcCookieName(secure), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure})
	if !ok {
		h.refuse(w, r, http.StatusBadRequest, "This sign-in was not started in this browser, or took longer than 10 minutes, "+
			"or the browser blocks cookies. Please start again.", "no flow cookie")
		return
	}
	// The state is checked before anything else is believed, the provider's
	// error message included: otherwise anyone could link to this page with
	// a message of their choosing.
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(f.State)) != 1 {
		h.refuse(w, r, http.StatusBadRequest, "This answer from the identity provider does not belong to the sign-in this browser started "+
			"(state mismatch); perhaps sign-in was started twice. Please start again.", "state mismatch")
		return
	}
	if e := q.Get("error"); e != "" {
		status, msg := http.StatusBadGateway, "The identity provider reported an error: "+e
		if e == "access_denied" {
			status, msg = http.StatusForbidden, "The identity provider did not let you sign in (access denied)"
		}
		if d := q.Get("error_description"); d != "" {
			msg += ": " + clipText(d, 300)
		}
		h.refuse(w, r, status, msg+".", "provider error "+e)
		return
	}
	code := q.Get("code")
	if code == "" {
		h.refuse(w, r, http.StatusBadRequest, "The identity provider sent no sign-in code. Please start again.", "no code")
		return
	}

	octx, cancel := context.WithTimeout(context.WithValue(ctx, oauth2.HTTPClient, h.o.client), oidcTimeout)
	defer cancel()
	tok, err := h.o.oauth.Exchange(octx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		msg := "The identity provider did not accept the sign-in code."
		if re := (*oauth2.RetrieveError)(nil); errors.As(err, &re) && re.ErrorCode != "" {
			msg = fmt.Sprintf("The identity provider did not accept the sign-in code: %s.", clipText(strings.TrimSpace(re.ErrorCode+" "+re.ErrorDescription), 300))
		}
		h.refuse(w, r, http.StatusBadGateway, msg+" Please try again; if it keeps happening, tell your administrator.", "code exchange: "+err.Error())
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		h.refuse(w, r, http.StatusBadGateway, "The identity provider sent no ID token; is samwise registered as an OpenID Connect client?", "no id_token")
		return
	}
	idt, err := h.o.verifier.Verify(octx, raw)
	if err != nil {
		h.refuse(w, r, http.StatusBadGateway, "The identity provider's ID token could not be verified. Please start again.", "verify id_token: "+err.Error())
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		h.refuse(w, r, http.StatusBadRequest, "The ID token belongs to another sign-in (nonce mismatch). Please start again.", "nonce mismatch")
		return
	}
	var c idClaims
	if err := idt.Claims(&c); err != nil {
		h.refuse(w, r, http.StatusBadGateway, "The identity provider's ID token could not be read.", "claims: "+err.Error())
		return
	}
	email := auth.NormalizeEmail(c.Email)
	switch {
	case email == "":
		h.refuse(w, r, http.StatusForbidden, "The identity provider did not share your e-mail address, and samwise finds its users by e-mail. "+
			"Ask your administrator to release the email claim to samwise.", "no email claim")
		return
	case !c.EmailVerified.True():
		h.refuse(w, r, http.StatusForbidden, fmt.Sprintf("The identity provider has not verified the e-mail address %s, "+
			"and samwise signs in only verified addresses. Verify it at the provider and try again.", email), "unverified email "+email)
		return
	}

	u, err := h.db.UserByEmail(ctx, email)
	if account.ErrorCode(err) == account.ENOTFOUND {
		if h.o.cfg.CreateRole == "" {
			h.refuse(w, r, http.StatusForbidden, fmt.Sprintf("No samwise user has the e-mail %s — ask an administrator to add you.", email),
				"unknown user "+email)
			return
		}
		u, err = h.createUser(ctx, email, c.displayName(email))
	}
	if err != nil {
		if code := account.ErrorCode(err); code == account.EINVALID || code == account.ENOTFOUND {
			h.refuse(w, r, http.StatusForbidden, account.ErrorMessage(err), "user for "+email+": "+err.Error())
			return
		}
		h.internal(w, r, fmt.Errorf("single sign-on of %s: %w", email, err))
		return
	}

	attempt := auth.Attempt{Email: email, Address: clientAddress(r), OK: !u.Disabled}
	if u.Disabled {
		attempt.Reason = "disabled (single sign-on)"
	}
	if err := h.db.RecordSignInAttempt(ctx, attempt, &u); err != nil {
		h.internal(w, r, fmt.Errorf("record single sign-on of %s: %w", email, err))
		return
	}
	if u.Disabled {
		h.refuse(w, r, http.StatusForbidden, account.ErrorMessage(auth.ErrDisabled), "disabled user "+email)
		return
	}
	// A new sign-in gets a new session; any earlier one in this browser ends.
	if old, err := r.Cookie(web.SessionCookie); err == nil && old.Value != "" {
		if err := h.db.DeleteSession(ctx, old.Value); err != nil {
			h.log.WarnContext(ctx, "single sign-on: end previous session", "err", err)
		}
	}
	secret, s, err := h.db.CreateSession(ctx, u, oidcSessionTTL, r.UserAgent(), clientAddress(r))
	if err != nil {
		h.internal(w, r, fmt.Errorf("session for %s: %w", email, err))
		return
	}
	web.SetSessionCookie(w, r, secret, s.ExpiresAt)
	h.log.InfoContext(ctx, "single sign-on", "user", u.ID, "email", email)
	next := f.Next
	if next == "" {
		next = oidcDefaultNext
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// createUser adds a user the provider vouches for to the organisation for
// new users. When two first sign-ins of the same person race, the loser
// finds the winner's user.
func (h oidcHandler) createUser(ctx context.Context, email, name string) (auth.User, error) {
	org, err := h.newUserOrg(ctx)
	if err != nil {
		return auth.User{}, err
	}
	u := auth.User{Email: email, Name: name, Role: h.o.cfg.CreateRole}
	// The audit trail shows the user as created by themselves, through SSO.
	sc := account.Scope{OrgID: org.ID, Actor: email + " (single sign-on)"}
	if err := h.db.CreateUser(ctx, sc, &u); err != nil {
		if account.ErrorCode(err) == account.ECONFLICT {
			return h.db.UserByEmail(ctx, email)
		}
		return auth.User{}, err
	}
	h.log.InfoContext(ctx, "single sign-on created a user", "user", u.ID, "email", email, "role", u.Role, "org", org.Slug)
	return u, nil
}

// newUserOrg is the organisation new users join: the configured one, or the
// oldest.
func (h oidcHandler) newUserOrg(ctx context.Context) (account.Organisation, error) {
	if h.o.cfg.Org != "" {
		org, err := h.db.OrganisationBySlug(ctx, h.o.cfg.Org)
		if err != nil {
			return org, fmt.Errorf("organisation %q for new single sign-on users: %w", h.o.cfg.Org, err)
		}
		return org, nil
	}
	orgs, err := h.db.Organisations(ctx)
	if err != nil {
		return account.Organisation{}, err
	}
	if len(orgs) == 0 {
		return account.Organisation{}, account.Errorf(account.ENOTFOUND, "samwise has no organisation yet for new users to join; ask an administrator to set it up.")
	}
	return orgs[0], nil
}

// idClaims are the ID token claims samwise reads.
type idClaims struct {
	Email             string   `json:"email"`
	EmailVerified     flexBool `json:"email_verified"`
	Name              string   `json:"name"`
	PreferredUsername string   `json:"preferred_username"`
}

// displayName is the name a new user gets: the token's name, else the
// username, else the part of the e-mail before the @.
func (c idClaims) displayName(email string) string {
	for _, n := range []string{c.Name, c.PreferredUsername, strings.SplitN(email, "@", 2)[0]} {
		if n = strings.TrimSpace(n); n != "" && utf8.ValidString(n) {
			return clipText(n, 199) // with the ellipsis, within the 200 a name may have
		}
	}
	return email
}

// flexBool reads a JSON boolean, or the string "true" that some providers
// send for email_verified.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	switch strings.ToLower(string(data)) {
	case "true", `"true"`:
		*b = true
	default:
		*b = false
	}
	return nil
}

func (b flexBool) True() bool { return bool(b) }

// refuse answers a sign-in that cannot go on with a small page saying why.
// msg is for the person (escaped here); cause is for the log.
func (h oidcHandler) refuse(w http.ResponseWriter, r *http.Request, status int, msg, cause string) {
	h.log.InfoContext(r.Context(), "single sign-on refused", "status", status, "cause", cause)
	writeSSOPage(w, status, msg)
}

func (h oidcHandler) internal(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "single sign-on failed", "err", err)
	writeSSOPage(w, http.StatusInternalServerError, "Something went wrong on our side and it has been logged. "+
		"Please try again; if it keeps happening, tell your administrator.")
}

// writeSSOPage is the whole page of a failed single sign-on. It stands
// alone (the web package's templates belong to the pages) and carries no
// inline script or style, as the CSP requires.
func writeSSOPage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed · samwise</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="signin">
<h1>Single sign-on did not work</h1>
<p role="alert">%s</p>
<p><a href="/auth/oidc/start">Try single sign-on again</a> · <a href="/signin">Sign in with a password</a></p>
</main></body>
</html>
`, html.EscapeString(msg))
}

func readFlow(r *http.Request, secure bool) (oidcFlow, bool) {
	var f oidcFlow
	c, err := r.Cookie(oidcCookieName(secure))
	if err != nil {
		return f, false
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || json.Unmarshal(b, &f) != nil || f.State == "" || f.Nonce == "" || f.Verifier == "" {
		return oidcFlow{}, false
	}
	f.Next = localPath(f.Next) // checked again: the cookie is the browser's to change
	return f, true
}

func oidcCookieName(secure bool) string {
	if secure {
		return oidcCookieSecure
	}
	return oidcCookie
}

// localPath returns next if it is a path on this site to go to after
// sign-in, and "" otherwise, so that a crafted link cannot send someone
// signing in to another site ("//evil.example", "/\evil.example",
// "https://evil.example").
func localPath(next string) string {
	if len(next) > 1000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\x00\r\n\t") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	// Coming back to the sign-in itself would start it all again.
	if strings.HasPrefix(u.Path, "/auth/oidc/") {
		return ""
	}
	return next
}

// randomToken is 256 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than return weak bytes)
	return base64.RawURLEncoding.EncodeToString(b)
}

// secureRequest tells whether the browser reached samwise over HTTPS,
// directly or through a proxy that says so (as web.SetSessionCookie does).
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// clientAddress is the connecting address, for the sign-in records. Proxy
// headers are not trusted: anyone can send them.
func clientAddress(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// clipText cuts s to at most n characters.
func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
