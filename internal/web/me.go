package web

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
)

// tokenExpiries are the lifetimes offered for a new API token, in the order
// shown. "never" suits a long-running integration whose owner revokes it by
// hand; the others make a forgotten token stop working on its own.
var tokenExpiries = []tokenExpiry{
	{"30d", "30 days"}, {"90d", "90 days"}, {"1y", "1 year"}, {"never", "Never"},
}

type tokenExpiry struct{ Value, Label string }

// expiresAt turns an expiry choice into the token's expiry time (zero:
// never) and reports whether the choice is one of tokenExpiries.
func expiresAt(choice string, now time.Time) (time.Time, bool) {
	switch choice {
	case "30d":
		return now.AddDate(0, 0, 30), true
	case "90d":
		return now.AddDate(0, 0, 90), true
	case "1y":
		return now.AddDate(1, 0, 0), true
	case "never":
		return time.Time{}, true
	}
	return time.Time{}, false
}

// tokenRow is one API token in a list.
type tokenRow struct {
	ID       int64
	Name     string
	Scope    string
	Created  time.Time
	Expires  time.Time // zero: never
	LastUsed time.Time // zero: never used
	Revoked  time.Time
	Status   string // active, expired, revoked
}

func tokenRows(tokens []auth.Token, now time.Time) []tokenRow {
	rows := make([]tokenRow, 0, len(tokens))
	// Newest first: the token just made is the one people look for.
	for i := len(tokens) - 1; i >= 0; i-- {
		t := tokens[i]
		rows = append(rows, tokenRow{ID: t.ID, Name: t.Name, Scope: t.Scope.Label(), Created: t.CreatedAt,
			Expires: t.ExpiresAt, LastUsed: t.LastUsedAt, Revoked: t.RevokedAt, Status: t.Status(now)})
	}
	return rows
}

// tokenForm is the new-token form as typed.
type tokenForm struct {
	Name, Scope, Expiry string
}

// passwordForm carries the change-password form's errors; the passwords
// themselves are never shown again.
type passwordForm struct {
	Errors formErrors
}

type meView struct {
	page
	User        auth.User
	Role        string
	OrgName     string
	PersonName  string
	Notice      string
	HasPassword bool
	ViaToken    bool
	Password    passwordForm
	Tokens      []tokenRow
	TokenForm   tokenForm
	TokenErrors formErrors
	Expiries    []tokenExpiry
	// NewSecret is the secret of the token just created, shown this once.
	NewSecret    string
	NewTokenName string
	// The personal calendar feed (calendar.go): the working one, if any,
	// and the URL of one just made, shown this once.
	Calendar       *store.CalendarFeed
	CalendarURL    string
	CalendarWebcal string
}

var calendarNotices = map[string]string{
	"calendar-revoked": "The calendar feed is revoked: calendars subscribed to it get nothing more.",
}

var passwordLabels = map[string]string{
	"current": "Current password", "password": "New password", "password2": "Repeat new password",
}

var tokenLabels = map[string]string{"name": "Name", "scope": "Scope", "expiry": "Expires", "expires_at": "Expires"}

// mePage shows who is signed in, the change-password form, and their API
// tokens.
func (h *handler) mePage(w http.ResponseWriter, r *http.Request) {
	v, err := h.meView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	done := r.URL.Query().Get("done")
	v.Notice = cmp.Or(notices[done], calendarNotices[done])
	h.render(w, r, http.StatusOK, "me", v)
}

func (h *handler) meView(r *http.Request) (meView, error) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.SignedIn() {
		return meView{}, account.Errorf(account.EUNAUTHORIZED, "Sign in first.")
	}
	sc := h.guard.Scope(ctx)
	v := meView{page: page{Title: "My account", Section: "me"}, User: *p.User, Role: p.Role().Label(),
		HasPassword: p.User.PasswordHash != "", ViaToken: p.ViaToken(), Expiries: tokenExpiries,
		TokenForm: tokenForm{Scope: string(auth.ScopeRead), Expiry: "90d"}}
	org, err := h.db.Organisation(ctx, sc)
	if err != nil {
		return v, err
	}
	v.OrgName = org.Name
	if id := p.PersonID(); id != 0 {
		person, err := h.db.Person(ctx, sc, id)
		if err != nil && account.ErrorCode(err) != account.ENOTFOUND {
			return v, err
		}
		v.PersonName = person.Name
	}
	tokens, err := h.db.Tokens(ctx, sc, p.User.ID)
	if err != nil {
		return v, err
	}
	v.Tokens = tokenRows(tokens, h.now())
	feed, ok, err := h.db.CalendarFeedOf(ctx, sc, p.User.ID)
	if err != nil {
		return v, err
	}
	if ok {
		v.Calendar = &feed
	}
	return v, nil
}

// changePassword replaces the signed-in user's password after checking the
// current one, then ends every session of theirs and signs this browser in
// afresh: whoever else held a session (perhaps the reason for the change)
// is out. Wrong current passwords count towards the sign-in lock, so a
// session left open cannot be used to guess the password.
func (h *handler) changePassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	p := auth.FromContext(ctx)
	if p.ViaToken() {
		h.fail(w, r, account.Errorf(account.EFORBIDDEN, "An API token cannot change its user's password."))
		return
	}
	v, err := h.meView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !v.HasPassword {
		// Not a matter of rights: there is simply nothing to change.
		h.fail(w, r, account.Errorf(account.ECONFLICT, "You sign in through single sign-on and have no samwise password to change."))
		return
	}
	current, password, again := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("password2")
	errs := &v.Password.Errors
	if current == "" {
		errs.add("current", passwordLabels["current"], "is required")
	}
	if err := auth.CheckPassword(password); err != nil {
		errs.fromError(err, passwordLabels)
	} else if again != password {
		errs.add("password2", passwordLabels["password2"], "does not match the new password")
	} else if password == current {
		errs.add("password", passwordLabels["password"], "must differ from the current password")
	}
	if errs.Any() {
		errs.Summary = "The password is not changed: please correct the highlighted fields."
		errs.arrange([]string{"current", "password", "password2"}, nil)
		h.render(w, r, http.StatusUnprocessableEntity, "me", v)
		return
	}

	addr := h.clientAddress(r)
	now := h.now()
	lim := h.authn.Limits
	recent, err := h.db.RecentSignInAttempts(ctx, p.User.Email, addr, now.Add(-lim.Lookback()))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if lock := lim.Check(p.User.Email, addr, recent, now); lock.Locked() {
		setRetryAfter(w, lock.Until, now)
		errs.Summary = "Too many wrong passwords; try again after " + lock.Until.In(h.loc()).Format("15:04 MST") + "."
		h.render(w, r, http.StatusTooManyRequests, "me", v)
		return
	}
	ok, err := auth.VerifyPassword(p.User.PasswordHash, current)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !ok {
		a := auth.Attempt{Email: p.User.Email, Address: addr, At: now, Reason: "wrong current password when changing it"}
		if err := h.db.RecordSignInAttempt(ctx, a, p.User); err != nil {
			h.fail(w, r, err)
			return
		}
		errs.add("current", passwordLabels["current"], "is not right")
		errs.Summary = "The password is not changed: the current password is not right."
		errs.arrange([]string{"current"}, nil)
		h.render(w, r, http.StatusUnprocessableEntity, "me", v)
		return
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sc := h.guard.Scope(ctx)
	if err := h.db.SetPassword(ctx, sc, p.User.ID, hash); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.db.DeleteUserSessions(ctx, sc, p.User.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	u := *p.User
	u.PasswordHash = hash
	if err := h.startSession(w, r, u); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/me?done=password", http.StatusSeeOther)
}

// createToken makes an API token for the signed-in user and shows its
// secret on the page it answers with — the only time anyone sees it, so it
// is not redirected away from and the answer is never cached.
func (h *handler) createToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	p := auth.FromContext(ctx)
	if p.ViaToken() { // the route's rule refuses tokens already; never let one mint another
		h.fail(w, r, account.Errorf(account.EFORBIDDEN, "An API token cannot create API tokens."))
		return
	}
	v, err := h.meView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.TokenForm = tokenForm{Name: r.PostFormValue("name"), Scope: r.PostFormValue("scope"), Expiry: r.PostFormValue("expiry")}
	t := auth.Token{UserID: p.User.ID, Name: v.TokenForm.Name}
	scope, err := auth.ParseTokenScope(v.TokenForm.Scope)
	if err != nil {
		v.TokenErrors.fromError(err, tokenLabels)
	}
	t.Scope = scope
	exp, ok := expiresAt(v.TokenForm.Expiry, h.now())
	if !ok {
		v.TokenErrors.add("expiry", tokenLabels["expiry"], "must be one of the choices offered")
	}
	t.ExpiresAt = exp
	if !v.TokenErrors.Any() {
		secret, err := h.db.CreateToken(ctx, h.guard.Scope(ctx), &t)
		switch {
		case err == nil:
			v.NewSecret, v.NewTokenName = secret, t.Name
			v.TokenForm = tokenForm{Scope: string(auth.ScopeRead), Expiry: "90d"}
			tokens, err := h.db.Tokens(ctx, h.guard.Scope(ctx), p.User.ID)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			v.Tokens = tokenRows(tokens, h.now())
			w.Header().Set("Cache-Control", "no-store")
			h.render(w, r, http.StatusCreated, "me", v)
			return
		case formProblem(err):
			v.TokenErrors.fromError(err, tokenLabels)
		default:
			h.fail(w, r, err)
			return
		}
	}
	v.TokenErrors.Summary = cmp.Or(v.TokenErrors.Summary, "The token is not created: please correct the highlighted fields.")
	v.TokenErrors.arrange([]string{"name", "scope", "expiry"}, nil)
	h.render(w, r, http.StatusUnprocessableEntity, "me", v)
}

// revokeToken stops one of the user's own tokens from working; an
// administrator may revoke anyone's (from the user's administration page).
// Someone else's token is "not found", so token ids reveal nothing.
func (h *handler) revokeToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	p := auth.FromContext(ctx)
	sc := h.guard.Scope(ctx)
	t, err := h.db.Token(ctx, sc, id)
	if err == nil && t.UserID != p.User.ID && !p.Allowed(auth.ManageUsers) {
		err = account.Errorf(account.ENOTFOUND, "API token %d not found.", id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.db.RevokeToken(ctx, sc, id); err != nil {
		h.fail(w, r, err)
		return
	}
	back := "/me?done=revoked"
	if t.UserID != p.User.ID {
		back = userURL(t.UserID) + "?done=revoked"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// userURL is a user's administration page.
func userURL(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

// trimmed reads a form value without surrounding spaces.
func trimmed(r *http.Request, name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
