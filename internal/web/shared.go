package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/plan"
	"github.com/samwise-sam/samwise/internal/store"
)

// The client's page: a share link opens one plan version, read-only, without
// an account. The client can comment on each section, propose changes and
// sign off. Everything on it comes from store.SharedPlan, whose document has
// already lost its internal sections and items. The page is public; its
// forms post to the same origin, which http.CrossOriginProtection allows,
// and every post looks the token up again (rate-limited per address).

func (h *handler) sharedPages(handle handleFunc) {
	handle("GET /shared/plans/{token}", access.Public, h.sharedPlanPage)
	handle("POST /shared/plans/{token}/comments", access.Public, h.sharedComment)
	handle("POST /shared/plans/{token}/signoff", access.Public, h.sharedSignOff)
	handle("GET /shared/plans/{token}/plan.md", access.Public, h.sharedMarkdown)
	handle("GET /shared/plans/{token}/plan.pdf", access.Public, h.sharedPDF)
}

type commentForm struct {
	Section, Author, Body, Proposal string
	Errors                          formErrors
}

type signForm struct {
	Name, Role, SignedOn string
	Errors               formErrors
}

type sharedView struct {
	Title     string
	Base      string // /shared/plans/{token}
	Doc       planDoc
	Open      bool // comments and sign-off still accepted
	Comment   commentForm
	Sign      signForm
	Notice    string
	CSSHref   string
	JSHref    string
	Gone      string // why the link opens nothing
	GoneTitle string
}

// sharedHeaders keep the page, and the token in its address, out of caches,
// search engines and other sites' Referer headers.
func sharedHeaders(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Robots-Tag", "noindex, nofollow")
}

// sharedFail answers a link that opens nothing: it says whether it expired,
// was withdrawn, never existed or the address is sending too many wrong
// links, and nothing more.
func (h *handler) sharedFail(w http.ResponseWriter, r *http.Request, err error) {
	v := sharedView{Title: "Link not available", GoneTitle: "This link does not open anything", Gone: account.ErrorMessage(err)}
	status := http.StatusNotFound
	switch {
	case errors.Is(err, store.ErrShareExpired):
		status, v.GoneTitle = http.StatusGone, "This link has expired"
	case errors.Is(err, store.ErrShareRevoked):
		status, v.GoneTitle = http.StatusGone, "This link was withdrawn"
	case errors.Is(err, store.ErrShareLimited):
		status, v.GoneTitle = http.StatusTooManyRequests, "Too many attempts"
		v.Gone += " Please wait a quarter of an hour and try again."
	case errors.Is(err, store.ErrShareUnknown):
	default:
		h.serverError(w, r, err)
		return
	}
	h.writeShared(w, r, status, v)
}

func (h *handler) writeShared(w http.ResponseWriter, r *http.Request, status int, v sharedView) {
	v.CSSHref = "/static/app.css?v=" + h.assetVersion["app.css"]
	var buf bytes.Buffer
	if err := h.pages["shared_plan"].ExecuteTemplate(&buf, "shared-doc", v); err != nil {
		h.serverError(w, r, fmt.Errorf("render shared plan: %w", err))
		return
	}
	sharedHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

var sharedNotices = map[string]string{
	"comment": "Thank you: your comment was sent to the team.",
	"signed":  "Thank you: you signed off this plan. The team has been told.",
}

func (h *handler) sharedPlanPage(w http.ResponseWriter, r *http.Request) {
	sp, err := h.db.OpenSharedPlan(r.Context(), r.PathValue("token"), h.clientAddress(r))
	if err != nil {
		h.sharedFail(w, r, err)
		return
	}
	h.showShared(w, r, sp, http.StatusOK, nil, nil)
}

func (h *handler) sharedDoc(r *http.Request, sp store.SharedPlan) (planDoc, error) {
	sit, err := h.db.PlanSituation(r.Context(), account.Scope{OrgID: sp.OrgID}, sp.AccountID)
	if err != nil {
		return planDoc{}, err
	}
	// sp.Version.Content is the client's copy already; its sections are
	// sp.Sections.
	c := sp.Version.Content
	d := planDoc{AccountName: sp.AccountName, Title: c.Title, N: sp.Version.N, Status: sp.Version.Status, ForClient: true, SignOff: sp.SignOff,
		Period:    formatDate(c.StartsOn) + " – " + formatDate(c.EndsOn),
		Sections:  filled(planSections(c, sp.Sections, visionNames(sit), sp.Comments)),
		Generated: formatDate(account.DateOf(h.now()))}
	for _, s := range sp.Sections {
		if s == plan.SecSituation {
			d.Situation = situationOf(sit, true)
		}
	}
	return d, nil
}

func (h *handler) showShared(w http.ResponseWriter, r *http.Request, sp store.SharedPlan, status int, cf *commentForm, sf *signForm) {
	d, err := h.sharedDoc(r, sp)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := sharedView{Title: sp.Version.Content.Title, Base: "/shared/plans/" + r.PathValue("token"), Doc: d,
		Open: sp.Version.Status.OpenToClient() && sp.SignOff == nil, Notice: sharedNotices[r.URL.Query().Get("done")],
		Sign: signForm{SignedOn: account.DateOf(h.now()).String()}}
	if cf != nil {
		v.Comment = *cf
	}
	if sf != nil {
		v.Sign = *sf
	}
	h.writeShared(w, r, status, v)
}

var commentLabels = map[string]string{"section": "Section", "author": "Your name", "body": "Comment", "proposal": "Proposed change"}

func (h *handler) sharedComment(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.sharedFail(w, r, store.ErrShareUnknown)
		return
	}
	token, addr := r.PathValue("token"), h.clientAddress(r)
	f := commentForm{Section: r.PostForm.Get("section"), Author: r.PostForm.Get("author"), Body: r.PostForm.Get("body"), Proposal: r.PostForm.Get("proposal")}
	c := plan.Comment{Section: plan.Section(f.Section), Author: f.Author, Body: f.Body, Proposal: f.Proposal}
	err := h.db.CommentOnSharedPlan(r.Context(), token, addr, &c)
	if err == nil {
		http.Redirect(w, r, "/shared/plans/"+token+"?done=comment#sec-"+f.Section, http.StatusSeeOther)
		return
	}
	h.sharedFormError(w, r, err, func(errs formErrors) (*commentForm, *signForm) {
		errs.arrange([]string{"author", "body", "proposal"}, map[string]string{
			"author": "c-" + f.Section + "-author", "body": "c-" + f.Section + "-body", "proposal": "c-" + f.Section + "-proposal"})
		f.Errors = errs
		return &f, nil
	}, commentLabels)
}

var signLabels = map[string]string{"name": "Your name", "role": "Your role", "signed_on": "Date"}

func (h *handler) sharedSignOff(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.sharedFail(w, r, store.ErrShareUnknown)
		return
	}
	token, addr := r.PathValue("token"), h.clientAddress(r)
	f := signForm{Name: r.PostForm.Get("name"), Role: r.PostForm.Get("role"), SignedOn: r.PostForm.Get("signed_on")}
	var errs formErrors
	s := plan.SignOff{Name: f.Name, Role: f.Role, SignedOn: formDate(&errs, "signed_on", signLabels["signed_on"], f.SignedOn)}
	var err error
	if errs.Any() {
		err = &account.Error{Code: account.EINVALID, Message: "Please correct the highlighted fields.", Fields: []account.FieldError{{Field: "signed_on", Message: errs.Field("signed_on")}}}
	} else {
		err = h.db.SignSharedPlan(r.Context(), token, addr, &s)
	}
	if err == nil {
		http.Redirect(w, r, "/shared/plans/"+token+"?done=signed#signoff", http.StatusSeeOther)
		return
	}
	h.sharedFormError(w, r, err, func(errs formErrors) (*commentForm, *signForm) {
		errs.arrange([]string{"name", "role", "signed_on"}, map[string]string{"name": "sign-name", "role": "sign-role", "signed_on": "sign-on"})
		f.Errors = errs
		return nil, &f
	}, signLabels)
}

// sharedFormError re-shows the client's page with the form's errors, or the
// link's own failure.
func (h *handler) sharedFormError(w http.ResponseWriter, r *http.Request, err error, fill func(formErrors) (*commentForm, *signForm), labels map[string]string) {
	if !formProblem(err) {
		h.sharedFail(w, r, err)
		return
	}
	sp, oerr := h.db.OpenSharedPlan(r.Context(), r.PathValue("token"), h.clientAddress(r))
	if oerr != nil {
		h.sharedFail(w, r, oerr)
		return
	}
	var errs formErrors
	errs.fromError(err, labels)
	cf, sf := fill(errs)
	status := http.StatusUnprocessableEntity
	if account.ErrorCode(err) == account.ECONFLICT {
		status = http.StatusConflict
	}
	h.showShared(w, r, sp, status, cf, sf)
}

func (h *handler) sharedMarkdown(w http.ResponseWriter, r *http.Request) {
	sp, err := h.db.OpenSharedPlan(r.Context(), r.PathValue("token"), h.clientAddress(r))
	if err != nil {
		h.sharedFail(w, r, err)
		return
	}
	d, err := h.sharedDoc(r, sp)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d.Sections = stripComments(d.Sections)
	sharedHeaders(w)
	writeFile(w, "text/markdown; charset=utf-8", exportName(sp.AccountName, sp.Version.N, true, "md"), []byte(markdownOf(d)))
}

func (h *handler) sharedPDF(w http.ResponseWriter, r *http.Request) {
	sp, err := h.db.OpenSharedPlan(r.Context(), r.PathValue("token"), h.clientAddress(r))
	if err != nil {
		h.sharedFail(w, r, err)
		return
	}
	d, err := h.sharedDoc(r, sp)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d.Sections = stripComments(d.Sections)
	b, err := h.pdfOf(r.Context(), d)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	sharedHeaders(w)
	writeFile(w, "application/pdf", exportName(sp.AccountName, sp.Version.N, true, "pdf"), b)
}

func stripComments(secs []sectionView) []sectionView {
	for i := range secs {
		secs[i].Comments = nil
	}
	return secs
}
