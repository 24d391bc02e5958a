package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
)

type userRow struct {
	ID         int64
	Name       string
	Email      string
	Role       string
	Person     string
	LastSignIn time.Time
	Disabled   bool
	Me         bool
}

type usersView struct {
	page
	Notice string
	Rows   []userRow
}

// userList shows every user of the organisation: users are few (tens, not
// thousands), so the list is one page, ordered by e-mail.
func (h *handler) userList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	users, err := h.db.Users(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	people, err := h.db.AllPeople(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := personNames(people)
	v := usersView{page: page{Title: "Users", Section: "users"}, Notice: notices[r.URL.Query().Get("done")]}
	for _, u := range users {
		row := userRow{ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role.Label(), LastSignIn: u.LastSignInAt,
			Disabled: u.Disabled, Me: u.ID == sc.UserID}
		if u.PersonID != nil {
			row.Person = names[*u.PersonID]
		}
		v.Rows = append(v.Rows, row)
	}
	h.render(w, r, http.StatusOK, "admin_users", v)
}

// userForm is the user form as typed.
type userForm struct {
	Name, Email, Role, PersonID string
	Disabled                    bool
}

type roleChoice struct {
	Value auth.Role
	Label string
	What  string
}

// roleChoices explain each role where it is chosen, following the
// permission matrix in package auth.
var roleChoices = []roleChoice{
	{auth.RoleAdministrator, "Administrator", "Everything a SAM leader does, plus users and settings."},
	{auth.RoleLeader, "SAM leader", "Sees and edits every account, sets portfolio policy, reads the audit trail."},
	{auth.RoleAccountManager, "Account manager", "Adds accounts; edits the accounts they own or are on the team of."},
	{auth.RoleTeamMember, "Team member", "Edits what their account-team role covers on their accounts."},
	{auth.RoleViewer, "Viewer", "Reads only."},
}

type userView struct {
	page
	IsNew   bool
	ID      int64
	Me      bool
	Notice  string
	Form    userForm
	Errors  formErrors
	Roles   []roleChoice
	People  []account.Person
	Created time.Time
	Last    time.Time
	Tokens  []tokenRow
	// NewPassword is a generated password, shown this once.
	NewPassword string
	HasPassword bool
}

var userLabels = map[string]string{"name": "Name", "email": "E-mail", "role": "Role", "person_id": "Linked person", "disabled": "Disabled"}

var userOrder = []string{"name", "email", "role", "person_id", "disabled"}

func readUserForm(r *http.Request) userForm {
	return userForm{Name: trimmed(r, "name"), Email: trimmed(r, "email"), Role: trimmed(r, "role"),
		PersonID: trimmed(r, "person_id"), Disabled: r.PostFormValue("disabled") != ""}
}

// apply copies the form onto u, collecting what cannot be read.
func (f userForm) apply(u *auth.User, errs *formErrors) {
	u.Name, u.Email, u.Disabled = f.Name, f.Email, f.Disabled
	role, err := auth.ParseRole(f.Role)
	if err != nil {
		errs.fromError(err, userLabels)
	}
	u.Role = role
	pid, err := optionalID(f.PersonID)
	if err != nil {
		errs.add("person_id", userLabels["person_id"], err.Error())
	}
	u.PersonID = pid
}

func userFormOf(u auth.User) userForm {
	f := userForm{Name: u.Name, Email: u.Email, Role: string(u.Role), Disabled: u.Disabled}
	if u.PersonID != nil {
		f.PersonID = strconv.FormatInt(*u.PersonID, 10)
	}
	return f
}

func (h *handler) newUser(w http.ResponseWriter, r *http.Request) {
	v, err := h.userFormView(r, userView{IsNew: true, Form: userForm{Role: string(auth.RoleAccountManager)}})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "admin_user", v)
}

// userFormView fills what every state of the user form shows.
func (h *handler) userFormView(r *http.Request, v userView) (userView, error) {
	ctx := r.Context()
	v.Roles = roleChoices
	v.page = page{Title: "New user", Section: "users"}
	if !v.IsNew {
		v.page.Title = v.Form.Name
		v.Me = v.ID == h.guard.Scope(ctx).UserID
	}
	people, err := h.db.AllPeople(ctx, h.guard.Scope(ctx))
	v.People = people
	return v, err
}

// createUser adds a user with a generated password, shown once on the page
// it answers with for the administrator to hand over. There is no e-mail to
// send it by yet; the user should change it at first sign-in.
func (h *handler) createUser(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.userFormView(r, userView{IsNew: true, Form: readUserForm(r)})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Form.Disabled = false
	var u auth.User
	v.Form.apply(&u, &v.Errors)
	if !v.Errors.Any() {
		password := auth.GeneratePassword()
		hash, err := auth.HashPassword(password)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		u.PasswordHash = hash
		err = h.db.CreateUser(ctx, h.guard.Scope(ctx), &u)
		switch {
		case err == nil:
			v, err := h.userPage(r, u.ID)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			v.NewPassword = password
			v.Notice = "The user is added. Hand them the password below; they can change it under My account once signed in."
			w.Header().Set("Cache-Control", "no-store")
			h.render(w, r, http.StatusCreated, "admin_user", v)
			return
		case formProblem(err):
			v.Errors.fromError(err, userLabels)
		default:
			h.fail(w, r, err)
			return
		}
	}
	h.renderUserErrors(w, r, v)
}

func (h *handler) renderUserErrors(w http.ResponseWriter, r *http.Request, v userView) {
	if v.Errors.Summary == "" {
		v.Errors.Summary = "Please correct the highlighted fields."
	}
	v.Errors.arrange(userOrder, nil)
	h.render(w, r, http.StatusUnprocessableEntity, "admin_user", v)
}

// userPage builds the page of an existing user.
func (h *handler) userPage(r *http.Request, id int64) (userView, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	u, err := h.db.User(ctx, sc, id)
	if err != nil {
		return userView{}, err
	}
	v, err := h.userFormView(r, userView{ID: u.ID, Form: userFormOf(u)})
	if err != nil {
		return v, err
	}
	v.Created, v.Last, v.HasPassword = u.CreatedAt, u.LastSignInAt, u.PasswordHash != ""
	tokens, err := h.db.Tokens(ctx, sc, u.ID)
	if err != nil {
		return v, err
	}
	v.Tokens = tokenRows(tokens, h.now())
	return v, nil
}

func (h *handler) showUser(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.userPage(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Notice = notices[r.URL.Query().Get("done")]
	h.render(w, r, http.StatusOK, "admin_user", v)
}

// updateUser changes a user's name, e-mail, role, linked person and
// disabled flag. The store refuses to leave the organisation without an
// enabled administrator; that, like every other refusal, shows on the form.
func (h *handler) updateUser(w http.ResponseWriter, r *http.Request) {
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
	v, err := h.userPage(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sc := h.guard.Scope(ctx)
	u, err := h.db.User(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Form = readUserForm(r)
	v.Form.apply(&u, &v.Errors)
	if v.Me && u.Disabled {
		// Disabling oneself would end this very session: a slip nobody means.
		v.Errors.add("disabled", userLabels["disabled"], "cannot be set on yourself; ask another administrator")
	}
	if v.Errors.Any() {
		h.renderUserErrors(w, r, v)
		return
	}
	if err := h.db.UpdateUser(ctx, sc, &u); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		v.Errors.fromError(err, userLabels)
		h.renderUserErrors(w, r, v)
		return
	}
	if v.Me && u.Role != auth.RoleAdministrator {
		// No longer allowed on this page: go where one still is.
		http.Redirect(w, r, "/me?done=saved", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, userURL(id)+"?done=saved", http.StatusSeeOther)
}

// resetPassword gives a user a new generated password, shown once, and
// ends all their sessions: for someone who forgot theirs, or whose password
// may be known to others. Administrators change their own under My account,
// which asks for the current one.
func (h *handler) resetPassword(w http.ResponseWriter, r *http.Request) {
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
	v, err := h.userPage(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Me {
		h.fail(w, r, account.Errorf(account.ECONFLICT, "Change your own password under My account, which asks for the current one."))
		return
	}
	password := auth.GeneratePassword()
	hash, err := auth.HashPassword(password)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sc := h.guard.Scope(ctx)
	if err := h.db.SetPassword(ctx, sc, id, hash); err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.db.DeleteUserSessions(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.NewPassword, v.HasPassword = password, true
	v.Notice = "The password is reset"
	if n > 0 {
		v.Notice += " and the user is signed out everywhere (" + strconv.FormatInt(n, 10) + " session" + plural(n) + " ended)"
	}
	v.Notice += ". Hand them the new password below."
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, http.StatusOK, "admin_user", v)
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}
