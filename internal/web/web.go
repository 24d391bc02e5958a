package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
)

//go:embed templates static
var files embed.FS

// Deps is what the pages need from the server.
type Deps struct {
	DB    *store.DB
	Guard access.Guard
	Log   *slog.Logger
	Now   func() time.Time
	// SSOLabel, when set, puts a "Sign in with {SSOLabel}" button on the
	// sign-in page, leading to GET /auth/oidc/start (served by the server).
	SSOLabel string
	// SessionTTL is how long a sign-in lasts; DefaultSessionTTL when zero.
	SessionTTL time.Duration
	// TrustProxy makes the sign-in rate limit count the client address a
	// reverse proxy appends to X-Forwarded-For rather than the connection's
	// address. Set it only when samwise is reachable through that proxy
	// alone: otherwise anyone can claim any address and escape the limit.
	TrustProxy bool
	// ExportDir is where background exports are written (default: the
	// store's FilesDir). Instances sharing a database should share it.
	ExportDir string
}

// DefaultSessionTTL is a working day with room to spare: people sign in
// once in the morning and not again until tomorrow.
const DefaultSessionTTL = 12 * time.Hour

// handler holds the parsed templates and the dependencies every page uses.
type handler struct {
	db    *store.DB
	guard access.Guard
	log   *slog.Logger
	now   func() time.Time
	authn *auth.Authenticator
	// ssoLabel, sessionTTL and trustProxy: see Deps.
	ssoLabel   string
	sessionTTL time.Duration
	trustProxy bool
	exportDir  string // see Deps
	pages      map[string]*template.Template
	static     fs.FS
	// assetVersion maps a static file name to a short hash of its content,
	// so that URLs change whenever the file does and can be cached for good.
	assetVersion map[string]string
}

func newHandler(d Deps) (*handler, error) {
	h := &handler{db: d.DB, guard: d.Guard, log: d.Log, now: d.Now,
		ssoLabel: strings.TrimSpace(d.SSOLabel), sessionTTL: d.SessionTTL, trustProxy: d.TrustProxy, exportDir: d.ExportDir}
	if h.exportDir == "" && d.DB != nil {
		h.exportDir = d.DB.FilesDir()
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.sessionTTL <= 0 {
		h.sessionTTL = DefaultSessionTTL
	}
	// One authenticator for all requests: it bounds how many password
	// hashes run at once. Its clock and zone are the pages' own, so "try
	// again after 14:20" reads in the zone every other time is shown in.
	h.authn = auth.NewAuthenticator(d.DB)
	h.authn.Now = h.now
	h.authn.Location = h.loc()
	var err error
	if h.static, err = fs.Sub(files, "static"); err != nil {
		return nil, err
	}
	h.assetVersion = map[string]string{}
	err = fs.WalkDir(h.static, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(h.static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h.assetVersion[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, err
	}
	if h.pages, err = h.parseTemplates(); err != nil {
		return nil, err
	}
	return h, nil
}

// loc is the zone times are shown and read in (see the package doc).
func (h *handler) loc() *time.Location { return h.now().Location() }

// parseTemplates parses the layout and partials once, then clones them for
// each page so that every page can define its own "title" and "content".
func (h *handler) parseTemplates() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(h.funcs()).ParseFS(files, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(files, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	pages := make(map[string]*template.Template, len(names))
	for _, name := range names {
		t, err := template.Must(base.Clone()).ParseFS(files, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		pages[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return pages, nil
}

func (h *handler) funcs() template.FuncMap {
	fm := template.FuncMap{
		"static": func(name string) string {
			return "/static/" + name + "?v=" + h.assetVersion[name]
		},
		"money":     moneyCompact,
		"moneyFull": moneyFull,
		"date":      formatDate,
		"day":       func(t time.Time) string { return formatDay(t, h.loc()) },
		"when":      func(t time.Time) string { return formatTime(t, h.loc()) },
		"isoTime":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"count":     formatCount,
		"label":     labelOf,
		"icon":      touchIcon,
		"join":      func(names []string) string { return strings.Join(names, ", ") },
		"field":     newFieldView,
		"sortHead": func(c sortColumn, label, class string) sortHeadView {
			return sortHeadView{Col: c, Label: label, Class: class}
		},
		// listSize is how many rows a multi-select shows: all of a short
		// list, a scrolling window onto a long one.
		"listSize": func(n int) int { return min(max(n, 3), 6) },
	}
	maps.Copy(fm, portfolioFuncs)
	return fm
}

type sortHeadView struct {
	Col   sortColumn
	Label string
	Class string
}

// fieldView is one labelled text input of a form (the "text-field" partial).
type fieldView struct {
	Name, Label, Value, Error string
	Type, Class, Hint         string
	Required                  bool
	Attrs                     map[string]string
}

// newFieldView builds a fieldView; opts are "required" or "key=value" for
// type, class, hint and the input attributes the partial knows
// (inputmode, list, placeholder, maxlength, autocomplete).
func newFieldView(name, label, value, err string, opts ...string) fieldView {
	f := fieldView{Name: name, Label: label, Value: value, Error: err, Type: "text", Attrs: map[string]string{}}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "required":
			f.Required = true
		case "type":
			f.Type = v
		case "class":
			f.Class = v
		case "hint":
			f.Hint = v
		default:
			f.Attrs[k] = v
		}
	}
	return f
}

// page is what the layout needs from every view.
type page struct {
	Title   string
	Section string // the navigation entry to mark as current: "accounts", "people", "me", "admin"
	// Bare pages (sign-in, first-run setup) are shown alone, centred,
	// without the top bar: there is nobody to show it to yet.
	Bare bool
}

// layoutView is what the layout executes: the page's own view, which the
// "content" template receives, and the top bar, which depends on who is
// signed in rather than on the page.
type layoutView struct {
	View any
	Nav  navView
}

// navView is the top bar's user menu.
type navView struct {
	Name     string // "" when nobody is signed in: no menu
	Initials string
	Email    string
	Role     string
	Users    bool // the administration links the principal's role allows
	Settings bool
	Audit    bool
}

// Admin reports whether any administration link is shown.
func (n navView) Admin() bool { return n.Users || n.Settings || n.Audit }

// nav builds the user menu for the principal of r. Links appear only when
// the routes behind them would let the principal in.
func (h *handler) nav(r *http.Request) navView {
	p := auth.FromContext(r.Context())
	if !p.SignedIn() {
		return navView{}
	}
	ctx := r.Context()
	return navView{
		Name: p.User.Name, Initials: initials(p.User.Name), Email: p.User.Email, Role: p.Role().Label(),
		Users:    h.guard.Allow(ctx, access.ManageUsers) == nil,
		Settings: h.guard.Allow(ctx, access.ManageSettings) == nil,
		Audit:    h.guard.Allow(ctx, access.ReadAudit) == nil,
	}
}

// initials are the first letters of the first and last words of a name,
// for the avatar in the top bar.
func initials(name string) string {
	words := strings.Fields(name)
	if len(words) == 0 {
		return "?"
	}
	first := []rune(words[0])[:1]
	if len(words) == 1 {
		return strings.ToUpper(string(first))
	}
	last := []rune(words[len(words)-1])[:1]
	return strings.ToUpper(string(first) + string(last))
}

// render writes the named page with status. It executes into a buffer
// first, so a template error becomes a clean 500 rather than half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, view any) {
	t, ok := h.pages[name]
	if !ok {
		h.serverError(w, r, fmt.Errorf("no page template %q", name))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", layoutView{View: view, Nav: h.nav(r)}); err != nil {
		h.serverError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	// Pages show organisation data: keep them out of shared caches, and let
	// the browser revalidate rather than show a stale list after a change.
	// A handler showing a secret once has set no-store already.
	if hdr.Get("Cache-Control") == "" {
		hdr.Set("Cache-Control", "private, no-cache")
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorView is the 403, 404, 409 and 500 pages.
type errorView struct {
	page
	Status  int
	Heading string
	Message string
}

// fail answers a request whose work failed with the page for the error's
// code. It is the one place where application errors become HTTP statuses
// for pages; users see what they can act on, the log sees the cause.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	msg := account.ErrorMessage(err)
	switch account.ErrorCode(err) {
	case account.EUNAUTHORIZED:
		h.toSignIn(w, r)
	case account.ENOTFOUND:
		h.errorPage(w, r, http.StatusNotFound, "Not found", msg+" It may have been deleted, or the link is wrong.")
	case account.EFORBIDDEN:
		h.errorPage(w, r, http.StatusForbidden, "Not allowed", msg)
	case account.EINVALID:
		h.errorPage(w, r, http.StatusBadRequest, "That request did not make sense", msg)
	case account.ECONFLICT:
		h.errorPage(w, r, http.StatusConflict, "Conflict", msg)
	case account.ETOOMANY:
		h.errorPage(w, r, http.StatusTooManyRequests, "Too many requests", msg+" Please wait a moment and try again.")
	default:
		h.serverError(w, r, err)
	}
}

func (h *handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "page failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	if _, ok := h.pages["error"]; !ok {
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	h.errorPage(w, r, http.StatusInternalServerError, "Something went wrong",
		"Something went wrong on our side and it has been logged. Please try again; if it keeps happening, tell your administrator.")
}

func (h *handler) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
	v := errorView{page: page{Title: heading}, Status: status, Heading: heading, Message: msg}
	t := h.pages["error"]
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", layoutView{View: v, Nav: h.nav(r)}); err != nil {
		h.log.ErrorContext(r.Context(), "render error page", slog.Any("err", err))
		http.Error(w, heading, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// toSignIn sends someone who is not signed in to the sign-in page, to come
// back here afterwards. Only a GET can be replayed as a link, so other
// methods come back to the front page.
func (h *handler) toSignIn(w http.ResponseWriter, r *http.Request) {
	target := "/signin"
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// serveStatic serves the embedded /static/ files. A request carrying the
// file's current version may be cached for a year; others revalidate.
func (h *handler) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	v, ok := h.assetVersion[name]
	if !ok {
		h.errorPage(w, r, http.StatusNotFound, "Not found", "There is no such file.")
		return
	}
	if r.URL.Query().Get("v") == v {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeFileFS(w, r, h.static, name)
}

// labelOf turns any enum value (account.Lifecycle, account.Level, …) into
// words for people; templates cannot convert named string types themselves.
func labelOf(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.String {
		return fmt.Sprint(v)
	}
	return account.Label(rv.String())
}
