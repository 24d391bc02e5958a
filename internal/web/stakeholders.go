package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
)

// stakeholderForm is the stakeholder form as typed.
type stakeholderForm struct {
	Name, Title, Email, Phone, Level, BuyingRole, ExternalID string
	Active                                                   bool
}

var stakeholderFieldOrder = []string{"name", "title", "email", "phone", "level", "buying_role", "external_id", "active"}

var stakeholderLabels = map[string]string{
	"name": "Name", "title": "Title", "email": "E-mail", "phone": "Phone", "level": "Level",
	"buying_role": "Buying role", "active": "Active", "external_id": "External ID",
}

func stakeholderFormOf(s account.Stakeholder) stakeholderForm {
	return stakeholderForm{Name: s.Name, Title: s.Title, Email: s.Email, Phone: s.Phone, Level: string(s.Level),
		BuyingRole: string(s.BuyingRole), ExternalID: s.ExternalID, Active: s.Active}
}

func readStakeholderForm(r *http.Request) stakeholderForm {
	g := r.PostForm.Get
	return stakeholderForm{Name: g("name"), Title: g("title"), Email: g("email"), Phone: g("phone"), Level: g("level"),
		BuyingRole: g("buying_role"), ExternalID: g("external_id"),
		// An unticked checkbox sends nothing, so absence means inactive.
		Active: r.PostForm.Has("active")}
}

func (f stakeholderForm) stakeholder(id, accountID int64) account.Stakeholder {
	return account.Stakeholder{ID: id, AccountID: accountID, Name: f.Name, Title: f.Title, Email: f.Email,
		Phone: f.Phone, Level: account.Level(f.Level), BuyingRole: account.BuyingRole(f.BuyingRole),
		ExternalID: f.ExternalID, Active: f.Active}
}

type stakeholderFormView struct {
	page
	IsNew       bool
	Account     account.Account
	ID          int64
	Action      string
	Cancel      string
	Form        stakeholderForm
	Errors      formErrors
	Levels      []account.Level
	BuyingRoles []account.BuyingRole
	// Custom is the stakeholder custom fields with their values
	// (fields_stakeholders.go).
	Custom []customValueView
}

func (h *handler) renderStakeholderForm(w http.ResponseWriter, r *http.Request, status int, v stakeholderFormView) {
	v.Levels, v.BuyingRoles = account.Levels, account.BuyingRoles
	v.Section = "accounts"
	if v.Custom == nil {
		var err error
		if v.Custom, err = h.stakeholderCustom(r.Context(), v.ID, nil); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	order := stakeholderFieldOrder
	for _, c := range v.Custom {
		order = append(order[:len(order):len(order)], "cf_"+c.Field.Key)
	}
	v.Errors.arrange(order, nil)
	h.render(w, r, status, "stakeholder_form", v)
}

// stakeholderAccount loads the account whose stakeholders are to change, if
// the principal may read it and edit its stakeholders.
func (h *handler) stakeholderAccount(r *http.Request, accountID int64) (account.Account, error) {
	ctx := r.Context()
	if err := h.guard.CanReadAccount(ctx, accountID); err != nil {
		return account.Account{}, err
	}
	a, err := h.db.Account(ctx, h.guard.Scope(ctx), accountID)
	if err != nil {
		return a, err
	}
	return a, h.guard.CanEdit(ctx, accountID, access.PartStakeholder)
}

func (h *handler) newStakeholder(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.stakeholderAccount(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderStakeholderForm(w, r, http.StatusOK, stakeholderFormView{
		page: page{Title: "New stakeholder at " + a.Name}, IsNew: true, Account: a,
		Action: accountURL(id) + "/stakeholders", Cancel: accountURL(id),
		Form: stakeholderForm{Active: true, Level: string(account.Operational), BuyingRole: string(account.UnknownRole)},
	})
}

func (h *handler) createStakeholder(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.stakeholderAccount(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := readStakeholderForm(r)
	s := f.stakeholder(0, id)
	v := stakeholderFormView{page: page{Title: "New stakeholder at " + a.Name}, IsNew: true, Account: a,
		Action: accountURL(id) + "/stakeholders", Cancel: accountURL(id), Form: f}
	h.saveStakeholderForm(w, r, v, &s, "The stakeholder was not saved.", h.db.CreateStakeholderWithValues)
}

// editableStakeholder loads stakeholder id and its account, if the principal
// may edit the account's stakeholders. A stakeholder of a hidden account is
// "not found", like the account itself.
func (h *handler) editableStakeholder(r *http.Request) (account.Stakeholder, account.Account, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return account.Stakeholder{}, account.Account{}, err
	}
	s, err := h.db.Stakeholder(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return s, account.Account{}, err
	}
	a, err := h.stakeholderAccount(r, s.AccountID)
	if account.ErrorCode(err) == account.ENOTFOUND {
		err = account.Errorf(account.ENOTFOUND, "Stakeholder %d not found.", id)
	}
	return s, a, err
}

func stakeholderURL(id int64) string { return "/stakeholders/" + strconv.FormatInt(id, 10) }

func (h *handler) editStakeholder(w http.ResponseWriter, r *http.Request) {
	s, a, err := h.editableStakeholder(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderStakeholderForm(w, r, http.StatusOK, stakeholderFormView{
		page: page{Title: "Edit " + s.Name}, Account: a, ID: s.ID,
		Action: stakeholderURL(s.ID) + "/edit", Cancel: accountURL(a.ID), Form: stakeholderFormOf(s),
	})
}

func (h *handler) updateStakeholder(w http.ResponseWriter, r *http.Request) {
	old, a, err := h.editableStakeholder(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := readStakeholderForm(r)
	s := f.stakeholder(old.ID, old.AccountID)
	v := stakeholderFormView{page: page{Title: "Edit " + old.Name}, Account: a, ID: old.ID,
		Action: stakeholderURL(old.ID) + "/edit", Cancel: accountURL(a.ID), Form: f}
	h.saveStakeholderForm(w, r, v, &s, "The changes were not saved.", h.db.UpdateStakeholderWithValues)
}

// saveStakeholderForm saves a posted stakeholder form (create or update)
// with its custom values, and answers the account page, or the form again
// with what to fix. The stakeholder and its custom values are saved in one
// transaction; custom values are checked first as well, so that every
// problem of the form shows at once.
func (h *handler) saveStakeholderForm(w http.ResponseWriter, r *http.Request, v stakeholderFormView, s *account.Stakeholder,
	summary string, save func(context.Context, account.Scope, *account.Stakeholder, map[string]string) error) {
	ctx := r.Context()
	custom, err := h.stakeholderCustom(ctx, s.ID, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Custom = custom
	invalid := func(err error) {
		if err != nil {
			v.Errors.fromError(err, stakeholderLabels)
		}
		checkCustom(v.Custom, &v.Errors)
		if v.Errors.Summary == "" {
			v.Errors.Summary = summary
		}
		h.renderStakeholderForm(w, r, http.StatusUnprocessableEntity, v)
	}
	var probe formErrors
	vals := checkCustom(slices.Clone(custom), &probe)
	if probe.Any() {
		check := *s
		check.Normalize()
		invalid(check.Validate())
		return
	}
	if err := save(ctx, h.guard.Scope(ctx), s, vals); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		invalid(err)
		return
	}
	http.Redirect(w, r, accountURL(s.AccountID)+"#stakeholders", http.StatusSeeOther)
}

func (h *handler) confirmDeleteStakeholder(w http.ResponseWriter, r *http.Request) {
	s, a, err := h.editableStakeholder(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "confirm", confirmView{
		page:    page{Title: "Delete " + s.Name, Section: "accounts"},
		Heading: "Delete " + s.Name + " from " + a.Name + "?",
		Message: "Touches they attended stay on the timeline without them. " +
			"If they have only left the company, consider marking them inactive instead, which keeps their history.",
		Action: stakeholderURL(s.ID) + "/delete", Button: "Delete stakeholder", Cancel: stakeholderURL(s.ID) + "/edit",
	})
}

func (h *handler) deleteStakeholder(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, a, err := h.editableStakeholder(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.db.DeleteStakeholder(ctx, h.guard.Scope(ctx), s.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, accountURL(a.ID)+"#stakeholders", http.StatusSeeOther)
}
