package web

import (
	"context"
	"net/http"

	"github.com/samwise-sam/samwise/internal/account"
)

// Custom fields on stakeholders: the stakeholder form has an input per
// field (checked by type before anything is saved, like the account's), and
// the account page's stakeholder list shows each stakeholder's values.

// stakeholderCustom returns the stakeholder custom fields with the values
// of stakeholder id (0: a new one) or, when form is set, as typed.
func (h *handler) stakeholderCustom(ctx context.Context, id int64, r *http.Request) ([]customValueView, error) {
	sc := h.guard.Scope(ctx)
	fs, err := h.db.CustomFields(ctx, sc, "stakeholder")
	if err != nil || len(fs) == 0 {
		return nil, err
	}
	var vals map[string]string
	if r == nil && id != 0 {
		all, err := h.db.CustomValues(ctx, sc, "stakeholder", []int64{id})
		if err != nil {
			return nil, err
		}
		vals = all[id]
	}
	out := make([]customValueView, len(fs))
	for i, f := range fs {
		out[i] = customValueView{Field: f, Value: vals[f.Key]}
		if r != nil {
			out[i].Value = r.PostForm.Get("cf_" + f.Key)
		}
	}
	return out, nil
}

// checkCustom checks typed custom values by type and reports each problem
// on its input; it returns the values to save (key → value).
func checkCustom(vs []customValueView, errs *formErrors) map[string]string {
	out := map[string]string{}
	for i := range vs {
		v, err := vs[i].Field.Value(vs[i].Value, nil)
		if err != nil {
			vs[i].Error = err.Error()
			errs.add("cf_"+vs[i].Field.Key, vs[i].Field.Label, err.Error())
			continue
		}
		out[vs[i].Field.Key] = v
	}
	return out
}

// stakeholderValues loads the non-empty custom values of the account's
// stakeholders for its page: stakeholder id → values in field order.
func (h *handler) stakeholderValues(ctx context.Context, sc account.Scope, accountID int64) (map[int64][]customValueView, error) {
	fs, err := h.db.CustomFields(ctx, sc, "stakeholder")
	if err != nil || len(fs) == 0 {
		return nil, err
	}
	ss, _, err := h.db.Stakeholders(ctx, sc, account.StakeholderFilter{AccountID: accountID, Page: account.Page{Limit: sectionLimit}})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(ss))
	for i, s := range ss {
		ids[i] = s.ID
	}
	vals, err := h.db.CustomValues(ctx, sc, "stakeholder", ids)
	if err != nil {
		return nil, err
	}
	out := map[int64][]customValueView{}
	for _, id := range ids {
		for _, f := range fs {
			if v := vals[id][f.Key]; v != "" {
				out[id] = append(out[id], customValueView{Field: f, Value: v})
			}
		}
	}
	return out, nil
}
