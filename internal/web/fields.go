package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
)

// dataPages registers this feature's pages: import and export (data.go) and
// custom fields (below). Importing changes records across the portfolio, so
// it is the SAM leaders' and administrators' (access.SetPolicy), as is
// defining custom fields; exports are everyone's, confined to what they may
// see.
func (h *handler) dataPages(handle handleFunc) {
	handle("GET /data", access.ReadRecords, h.dataPage)
	handle("POST /data/imports", access.SetPolicy, h.importUpload)
	handle("POST /data/imports/{id}/undo", access.SetPolicy, h.undoImportPage)
	handle("GET /data/export/{file}", access.ReadRecords, h.exportDownload)
	h.exportRoutes(handle) // background exports (data_exports.go)
	handle("GET /data/fields", access.ReadRecords, h.fieldsPage)
	handle("POST /data/fields", access.SetPolicy, h.saveField)
	handle("POST /data/fields/{id}/delete", access.SetPolicy, h.deleteField)
	handle("POST /accounts/{id}/fields", access.WriteRecords, h.saveAccountFields)
}

// customValueView is one custom field with a record's value, for display
// and for the edit form.
type customValueView struct {
	Field exchange.CustomField
	Value string
	Error string
}

// fieldsSectionView is the account page's custom fields section.
type fieldsSectionView struct {
	AccountID int64
	Values    []customValueView
	CanEdit   bool
	CanDefine bool
	// Stakeholder holds the account's stakeholders' custom values, shown
	// in the stakeholder list (stakeholder id → non-empty values).
	Stakeholder map[int64][]customValueView
}

// fieldsSummary loads this feature's section of the account page (nil: none).
func (h *handler) fieldsSummary(r *http.Request, a account.Account) (any, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	fs, err := h.db.CustomFields(ctx, sc, "account")
	if err != nil {
		return nil, err
	}
	canDefine := h.guard.Allow(ctx, access.SetPolicy) == nil
	sv, err := h.stakeholderValues(ctx, sc, a.ID)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 && !canDefine && len(sv) == 0 {
		return nil, nil
	}
	vals, err := h.db.CustomValues(ctx, sc, "account", []int64{a.ID})
	if err != nil {
		return nil, err
	}
	v := fieldsSectionView{AccountID: a.ID, CanDefine: canDefine, Stakeholder: sv,
		CanEdit: h.guard.Allow(ctx, access.WriteRecords) == nil && h.guard.CanEdit(ctx, a.ID, access.PartAccount) == nil}
	for _, f := range fs {
		v.Values = append(v.Values, customValueView{Field: f, Value: vals[a.ID][f.Key]})
	}
	return v, nil
}

// saveAccountFields saves the custom values of an account.
func (h *handler) saveAccountFields(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, account.Errorf(account.ENOTFOUND, "No such account."))
		return
	}
	if err := h.guard.CanReadAccount(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.guard.CanEdit(ctx, id, access.PartAccount); err != nil {
		h.fail(w, r, err)
		return
	}
	sc := h.guard.Scope(ctx)
	fs, err := h.db.CustomFields(ctx, sc, "account")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, account.Errorf(account.EINVALID, "The form could not be read."))
		return
	}
	vals := map[string]string{}
	for _, f := range fs {
		if _, ok := r.PostForm["cf_"+f.Key]; ok || r.FormValue("cf_"+f.Key) != "" {
			vals[f.Key] = r.FormValue("cf_" + f.Key)
		}
	}
	if err := h.db.SetCustomValues(ctx, sc, "account", id, id, vals); err != nil {
		if account.ErrorCode(err) == account.EINVALID {
			msgs := []string{}
			for _, fe := range account.ErrorFields(err) {
				msgs = append(msgs, strings.TrimPrefix(fe.Field, "cf_")+" "+fe.Message)
			}
			h.fail(w, r, account.Errorf(account.EINVALID, "Custom fields not saved: %s.", strings.Join(msgs, "; ")))
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/accounts/"+strconv.FormatInt(id, 10)+"#custom-fields", http.StatusSeeOther)
}

type fieldsView struct {
	page
	Fields    []exchange.CustomField
	Types     []string
	Entities  []string
	Form      fieldForm
	Errors    formErrors
	CanDefine bool
	Saved     bool
}

type fieldForm struct {
	ID                                int64
	Entity, Label, Key, Type, Choices string
}

func (h *handler) fieldsPage(w http.ResponseWriter, r *http.Request) {
	h.renderFields(w, r, http.StatusOK, fieldsView{Form: fieldForm{Entity: "account", Type: "text"}, Saved: r.URL.Query().Get("saved") != ""})
}

func (h *handler) renderFields(w http.ResponseWriter, r *http.Request, status int, v fieldsView) {
	ctx := r.Context()
	fs, err := h.db.CustomFields(ctx, h.guard.Scope(ctx), "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.page = page{Title: "Custom fields", Section: "data"}
	v.Fields, v.Types, v.Entities = fs, exchange.CustomTypes, exchange.CustomEntities
	v.CanDefine = h.guard.Allow(ctx, access.SetPolicy) == nil
	h.render(w, r, status, "data_fields", v)
}

func (h *handler) saveField(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form := fieldForm{Entity: r.FormValue("entity"), Label: r.FormValue("label"), Key: r.FormValue("key"),
		Type: r.FormValue("type"), Choices: r.FormValue("choices")}
	form.ID, _ = strconv.ParseInt(r.FormValue("id"), 10, 64)
	f := exchange.CustomField{ID: form.ID, Entity: form.Entity, Label: form.Label, Key: form.Key, Type: form.Type}
	for _, c := range strings.FieldsFunc(form.Choices, func(r rune) bool { return r == '\n' || r == ',' }) {
		f.Choices = append(f.Choices, c)
	}
	if err := h.db.SaveCustomField(ctx, h.guard.Scope(ctx), &f); err != nil {
		if account.ErrorCode(err) != account.EINVALID {
			h.fail(w, r, err)
			return
		}
		v := fieldsView{Form: form}
		v.Errors.fromError(err, map[string]string{"entity": "Record", "label": "Label", "key": "Column name", "type": "Type", "choices": "Choices"})
		v.Errors.Summary = "The field was not saved."
		h.renderFields(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	http.Redirect(w, r, "/data/fields?saved=1", http.StatusSeeOther)
}

func (h *handler) deleteField(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, account.Errorf(account.ENOTFOUND, "No such field."))
		return
	}
	if err := h.db.DeleteCustomField(ctx, h.guard.Scope(ctx), id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/data/fields?saved=1", http.StatusSeeOther)
}
