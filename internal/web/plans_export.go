package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/pdf"
	"github.com/samwise-sam/samwise/internal/plan"
	"github.com/samwise-sam/samwise/internal/store"
)

// Print page, Markdown and PDF of a plan version. With ?for=client they
// carry exactly what the client's page shows: internal sections and items
// are removed before anything is rendered, so they cannot leak through
// markup, comments or metadata.

// planDoc is a version laid out for print and export.
type planDoc struct {
	AccountName string
	Title       string
	N           int
	Status      plan.Status
	Period      string
	ForClient   bool
	Situation   *situationView // nil when not shown
	Sections    []sectionView
	SignOff     *plan.SignOff
	Generated   string
	// CSSHref links the print stylesheet (pages); InlineCSS embeds it (PDF,
	// which is printed from a document without a server behind it).
	CSSHref   string
	InlineCSS template.CSS
	PDFHref   string
	MDHref    string
	Back      string
}

// buildDoc lays out version v of the plan for print or export.
func (h *handler) buildDoc(sit store.PlanSituation, accountName string, v plan.Version, signOff *plan.SignOff, forClient bool) planDoc {
	c := v.Content
	secs := plan.Sections
	if forClient {
		secs = c.ClientSections()
		c = c.ForClient()
	}
	d := planDoc{AccountName: accountName, Title: c.Title, N: v.N, Status: v.Status, ForClient: forClient, SignOff: signOff,
		Period:    formatDate(c.StartsOn) + " – " + formatDate(c.EndsOn),
		Sections:  planSections(c, secs, visionNames(sit), nil),
		Generated: formatDate(account.DateOf(h.now()))}
	if !forClient || !c.Hidden(plan.SecSituation) {
		d.Situation = situationOf(sit, forClient)
	}
	if forClient {
		d.Sections = filled(d.Sections)
	}
	return d
}

// filled drops empty sections: the client reads a finished document, not a
// form with blanks.
func filled(secs []sectionView) []sectionView {
	var out []sectionView
	for _, s := range secs {
		if !s.Empty || len(s.Comments) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// exportRequest loads the {id} plan and {n} version for an export and says
// whether it is the client's copy.
func (h *handler) exportRequest(w http.ResponseWriter, r *http.Request) (store.PlanOverview, plan.Version, store.PlanSituation, bool) {
	ctx := r.Context()
	o, err := h.loadPlan(r)
	var v plan.Version
	if err == nil {
		v, err = pathVersion(r, o)
	}
	var sit store.PlanSituation
	if err == nil {
		sit, err = h.db.PlanSituation(ctx, h.guard.Scope(ctx), o.Plan.AccountID)
	}
	if err != nil {
		h.fail(w, r, err)
		return o, v, sit, false
	}
	return o, v, sit, true
}

func signOffOf(o store.PlanOverview, v plan.Version) *plan.SignOff {
	for i := range o.SignOffs {
		if o.SignOffs[i].VersionID == v.ID {
			return &o.SignOffs[i]
		}
	}
	return nil
}

func (h *handler) printPlan(w http.ResponseWriter, r *http.Request) {
	o, v, sit, ok := h.exportRequest(w, r)
	if !ok {
		return
	}
	forClient := r.URL.Query().Get("for") == "client"
	d := h.buildDoc(sit, o.Plan.AccountName, v, signOffOf(o, v), forClient)
	d.CSSHref = "/static/plan_print.css?v=" + h.assetVersion["plan_print.css"]
	q := ""
	if forClient {
		q = "?for=client"
	}
	d.PDFHref, d.MDHref, d.Back = versionURL(o.Plan.ID, v.N)+"/plan.pdf"+q, versionURL(o.Plan.ID, v.N)+"/plan.md"+q, versionURL(o.Plan.ID, v.N)
	h.writeDoc(w, r, d)
}

// writeDoc renders the standalone print document.
func (h *handler) writeDoc(w http.ResponseWriter, r *http.Request, d planDoc) {
	b, err := h.docHTML(d)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-cache")
	_, _ = w.Write(b)
}

func (h *handler) docHTML(d planDoc) ([]byte, error) {
	var buf bytes.Buffer
	if err := h.pages["plan_print"].ExecuteTemplate(&buf, "plan-doc", d); err != nil {
		return nil, fmt.Errorf("render plan document: %w", err)
	}
	return buf.Bytes(), nil
}

// pdfOf prints a document to PDF with its stylesheet inlined.
func (h *handler) pdfOf(ctx context.Context, d planDoc) ([]byte, error) {
	css, err := fs.ReadFile(h.static, "plan_print.css")
	if err != nil {
		return nil, err
	}
	d.CSSHref, d.PDFHref, d.MDHref, d.Back = "", "", "", ""
	d.InlineCSS = template.CSS(css)
	html, err := h.docHTML(d)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return pdf.FromHTML(ctx, html)
}

func (h *handler) planPDF(w http.ResponseWriter, r *http.Request) {
	o, v, sit, ok := h.exportRequest(w, r)
	if !ok {
		return
	}
	d := h.buildDoc(sit, o.Plan.AccountName, v, signOffOf(o, v), r.URL.Query().Get("for") == "client")
	b, err := h.pdfOf(r.Context(), d)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	writeFile(w, "application/pdf", exportName(o.Plan.AccountName, v.N, d.ForClient, "pdf"), b)
}

func (h *handler) planMarkdown(w http.ResponseWriter, r *http.Request) {
	o, v, sit, ok := h.exportRequest(w, r)
	if !ok {
		return
	}
	d := h.buildDoc(sit, o.Plan.AccountName, v, signOffOf(o, v), r.URL.Query().Get("for") == "client")
	writeFile(w, "text/markdown; charset=utf-8", exportName(o.Plan.AccountName, v.N, d.ForClient, "md"), []byte(markdownOf(d)))
}

func writeFile(w http.ResponseWriter, ctype, name string, b []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(b)
}

// exportName is a file name safe in a header: the account's name reduced to
// letters, digits and dashes.
func exportName(accountName string, n int, forClient bool, ext string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(accountName) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		name = "account"
	}
	suffix := ""
	if forClient {
		suffix = "-client"
	}
	return fmt.Sprintf("%s-plan-v%d%s.%s", name, n, suffix, ext)
}

// mdCell makes text safe inside a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	s = strings.ReplaceAll(s, "\n", "<br>")
	return strings.ReplaceAll(s, "|", `\|`)
}

// markdownOf writes a plan document as Markdown.
func markdownOf(d planDoc) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", d.Title)
	fmt.Fprintf(&b, "%s · version %d (%s) · %s\n\n", d.AccountName, d.N, d.Status.Words(), d.Period)
	if d.SignOff != nil {
		fmt.Fprintf(&b, "Agreed by %s, %s, on %s.\n\n", d.SignOff.Name, d.SignOff.Role, formatDate(d.SignOff.SignedOn))
	}
	if s := d.Situation; s != nil {
		b.WriteString("## Situation\n\n")
		if s.Profile != "" {
			fmt.Fprintf(&b, "%s\n\n", s.Profile)
		}
		if len(s.Vision) > 0 {
			b.WriteString("Your vision:\n\n")
			for _, v := range s.Vision {
				fmt.Fprintf(&b, "- %s (%d-year)\n", v.Text, v.HorizonYears)
			}
			b.WriteString("\n")
		}
		if len(s.Needs) > 0 {
			b.WriteString("Needs:\n\n")
			for _, n := range s.Needs {
				fmt.Fprintf(&b, "- %s (%s priority)\n", n.Text, n.Priority)
			}
			b.WriteString("\n")
		}
		if len(s.Contracts) > 0 {
			b.WriteString("Contracts:\n\n")
			for _, c := range s.Contracts {
				fmt.Fprintf(&b, "- %s, %s a year, from %s\n", c.Product, moneyFull(c.AnnualValue, c.Currency), formatDate(c.Start))
			}
			b.WriteString("\n")
		}
		if !s.ForClient {
			if len(s.ARR) > 0 {
				fmt.Fprintf(&b, "Annual contract value: %s.\n\n", strings.Join(s.ARR, ", "))
			}
			if len(s.Opportunities) > 0 {
				fmt.Fprintf(&b, "Open pipeline: %s in %d opportunities.\n\n", strings.Join(s.Pipeline, ", "), len(s.Opportunities))
			}
			if s.Coverage != "" {
				fmt.Fprintf(&b, "Coverage: %s.\n\n", s.Coverage)
			}
		}
		if len(s.Stakeholders) > 0 {
			b.WriteString("Key people:\n\n")
			for _, st := range s.Stakeholders {
				fmt.Fprintf(&b, "- %s", st.Name)
				if st.Title != "" {
					fmt.Fprintf(&b, ", %s", st.Title)
				}
				b.WriteString("\n")
			}
			b.WriteString("\n")
		}
	}
	for _, s := range d.Sections {
		fmt.Fprintf(&b, "## %s", s.Label)
		if s.Internal {
			b.WriteString(" (internal)")
		}
		b.WriteString("\n\n")
		if s.Section == plan.SecSummary {
			if s.Summary != "" {
				fmt.Fprintf(&b, "%s\n\n", s.Summary)
			}
			continue
		}
		if s.Empty {
			b.WriteString("Nothing yet.\n\n")
			continue
		}
		cols := s.Columns
		if !d.ForClient {
			cols = append(append([]string{}, cols...), "Internal")
		}
		b.WriteString("| " + strings.Join(cols, " | ") + " |\n|" + strings.Repeat(" --- |", len(cols)) + "\n")
		for _, it := range s.Items {
			var cells []string
			for _, f := range it.Fields {
				cells = append(cells, mdCell(f.Value))
			}
			if !d.ForClient {
				mark := ""
				if it.Internal {
					mark = "yes"
				}
				cells = append(cells, mark)
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "_Exported %s._\n", d.Generated)
	return b.String()
}
