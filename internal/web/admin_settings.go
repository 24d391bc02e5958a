package web

import (
	"net/http"

	"github.com/samwise-sam/samwise/internal/auth"
)

type settingsView struct {
	page
	Notice   string
	Settings auth.OrgSettings
}

// settingsPage shows the organisation's access settings.
func (h *handler) settingsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, err := h.db.OrgSettings(ctx, h.guard.Scope(ctx))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "admin_settings", settingsView{page: page{Title: "Settings", Section: "settings"},
		Notice: notices[r.URL.Query().Get("done")], Settings: s})
}

// saveSettings stores the settings. A checkbox that is not ticked is not
// sent at all, so its absence means "off".
func (h *handler) saveSettings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	s := auth.OrgSettings{NeedToKnow: r.PostFormValue("need_to_know") != ""}
	if err := h.db.SetOrgSettings(ctx, h.guard.Scope(ctx), s); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/settings?done=saved", http.StatusSeeOther)
}
