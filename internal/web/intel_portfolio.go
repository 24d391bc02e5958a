package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/intel"
)

// The portfolio pages of intel: coverage findings, the whitespace matrix
// with its opportunity form, the products catalog, and every CSV export.

// coverageView is /coverage.
type coverageView struct {
	page
	Rule      string
	Rules     []ruleChip
	Findings  []findingView
	Total     int
	QuietDays int
	Account   int64
	Restrict  bool // need-to-know: only the principal's accounts
	CSVURL    string
	// ExportCSV and ExportXLSX download the findings as filtered.
	ExportCSV, ExportXLSX string
	// Cap cuts Findings (as filtered) to its first rows on the page; the
	// chips' counts and the exports cover every finding.
	Cap capped
}

type ruleChip struct {
	Rule  intel.Rule
	Label string
	Count int
	URL   string
}

func coverageURL(base string, rule string, quiet int) string {
	q := url.Values{}
	if rule != "" {
		q.Set("rule", rule)
	}
	if quiet != intel.DefaultCoverageOptions().QuietDays {
		q.Set("quiet_days", strconv.Itoa(quiet))
	}
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}

// coverageQuery reads /coverage's filters; bad values fall back to the
// defaults rather than fail.
func coverageQuery(q url.Values) (intel.Rule, intel.CoverageOptions) {
	rule, err := intel.ParseRule(q.Get("rule"))
	if err != nil {
		rule = ""
	}
	o := intel.DefaultCoverageOptions()
	if n, err := strconv.Atoi(q.Get("quiet_days")); err == nil && n > 0 && n <= 3650 {
		o.QuietDays = n
	}
	return rule, o
}

// coverageFindings answers every finding of /coverage's filters, for the
// downloads. Filtered to one rule, only the matrices of the accounts with
// findings of that rule are read (store.CoverageList).
func (h *handler) coverageFindings(r *http.Request) ([]intel.Finding, intel.Rule, intel.CoverageOptions, error) {
	rule, o := coverageQuery(r.URL.Query())
	ctx := r.Context()
	if rule != "" {
		list, err := h.db.CoverageList(ctx, h.guard.Scope(ctx), h.mapScope(r), h.today(), o, h.loc(), rule, -1)
		return list.Findings, rule, o, err
	}
	fs, err := h.db.Coverage(ctx, h.guard.Scope(ctx), h.mapScope(r), h.today(), o, h.loc())
	return fs, rule, o, err
}

// intelCoveragePage counts the findings per rule and lists the first of
// those filtered (all with ?all=1). The list is read a page at a time
// (store.CoverageList): at 100,000 accounts the rules over every matrix took
// 12 s of CPU for a page of 100 rows.
func (h *handler) intelCoveragePage(w http.ResponseWriter, r *http.Request) {
	rule, o := coverageQuery(r.URL.Query())
	ctx := r.Context()
	limit := listShown
	if showAll(r) {
		limit = -1
	}
	list, err := h.db.CoverageList(ctx, h.guard.Scope(ctx), h.mapScope(r), h.today(), o, h.loc(), rule, limit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := coverageView{page: page{Title: "Coverage", Section: "intel"}, Rule: string(rule), Total: list.Total, QuietDays: o.QuietDays,
		Restrict: h.guard.VisibleTo(ctx) != 0, CSVURL: coverageURL("/coverage.csv", string(rule), o.QuietDays)}
	v.ExportCSV, v.ExportXLSX = coverageExportURL(string(rule), o.QuietDays, "csv"), coverageExportURL(string(rule), o.QuietDays, "xlsx")
	for _, ru := range intel.Rules {
		v.Rules = append(v.Rules, ruleChip{Rule: ru, Label: intel.RuleLabel(ru), Count: list.Counts[ru], URL: coverageURL("/coverage", string(ru), o.QuietDays)})
	}
	v.Cap = capOf(r, list.Matching)
	for _, f := range list.Findings {
		v.Findings = append(v.Findings, findingOf(f))
	}
	h.render(w, r, http.StatusOK, "intel_coverage", v)
}

// csvOut starts a CSV download named samwise-<name>-<day>.csv and returns
// a writer that defuses formulas.
func (h *handler) csvOut(w http.ResponseWriter, name string) (write func(rec ...string), done func()) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/csv; charset=utf-8")
	hdr.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="samwise-%s-%s.csv"`, name, h.today()))
	hdr.Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	return func(rec ...string) {
			for i := range rec {
				rec[i] = exchange.Defuse(rec[i])
			}
			_ = cw.Write(rec)
		}, func() {
			cw.Flush()
		}
}

// idText is an optional id as text: "" for none. (Shared with
// outcomes_lists.go.)
func idText(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func (h *handler) intelCoverageCSV(w http.ResponseWriter, r *http.Request) {
	fs, rule, _, err := h.coverageFindings(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	write, done := h.csvOut(w, "coverage")
	defer done()
	write("rule", "severity", "account_id", "account", "account_manager", "stakeholder_id", "stakeholder", "level", "person", "detail")
	for _, f := range fs {
		if rule != "" && f.Rule != rule {
			continue
		}
		sid := ""
		if f.StakeholderID != 0 {
			sid = strconv.FormatInt(f.StakeholderID, 10)
		}
		write(string(f.Rule), string(f.Severity), strconv.FormatInt(f.AccountID, 10), f.AccountName, f.OwnerName, sid,
			f.StakeholderName, string(f.Level), f.PersonName, f.Detail)
	}
}

// coverageExportURL is /coverage's filters as an export download of format.
func coverageExportURL(rule string, quiet int, format string) string {
	u := coverageURL("/coverage/export", rule, quiet)
	if strings.Contains(u, "?") {
		return u + "&format=" + format
	}
	return u + "?format=" + format
}

// intelCoverageExport answers the findings as filtered, in the page's
// order, as CSV or Excel (the columns of /coverage.csv).
func (h *handler) intelCoverageExport(w http.ResponseWriter, r *http.Request) {
	fs, rule, _, err := h.coverageFindings(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var rows [][]any
	for _, f := range fs {
		if rule != "" && f.Rule != rule {
			continue
		}
		var sid any = ""
		if f.StakeholderID != 0 {
			sid = f.StakeholderID
		}
		rows = append(rows, []any{string(f.Rule), intel.RuleLabel(f.Rule), string(f.Severity), f.AccountID, f.AccountName, f.OwnerName, sid,
			f.StakeholderName, string(f.Level), f.PersonName, f.Detail})
	}
	name := "coverage"
	if rule != "" {
		name += "-" + string(rule)
	}
	if err := writeTable(w, r.URL.Query().Get("format"), name,
		[]string{"rule", "finding", "severity", "account_id", "account", "account_manager", "stakeholder_id", "stakeholder", "level", "person", "detail"}, rows); err != nil {
		h.log.ErrorContext(r.Context(), "export coverage", "err", err)
	}
}

// whitespaceView is /whitespace.
type whitespaceView struct {
	page
	M        intel.WhitespaceMatrix
	Rows     []whitespaceRowView
	Currency string
	CanWrite bool
	Restrict bool
	Products int
}

type whitespaceRowView struct {
	intel.WhitespaceRow
	Cells []whitespaceCellView
}

type whitespaceCellView struct {
	intel.Cell
	Class string
	Label string
	URL   string // the opportunity, or the form to open one
	Title string
}

func (h *handler) intelWhitespacePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	m, err := h.db.Whitespace(ctx, sc, h.guard.VisibleTo(ctx))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := whitespaceView{page: page{Title: "Whitespace", Section: "intel"}, M: m, Currency: "USD",
		CanWrite: h.guard.Allow(ctx, access.WriteRecords) == nil, Restrict: h.guard.VisibleTo(ctx) != 0, Products: len(m.Products)}
	if len(m.Products) > 0 {
		v.Currency = m.Products[0].Product.Currency
	}
	for _, row := range m.Rows {
		rv := whitespaceRowView{WhitespaceRow: row}
		for j, c := range row.Cells {
			cv := whitespaceCellView{Cell: c, Class: "ws-" + string(c.State), Label: intel.StateLabel(c.State)}
			if c.State == "" {
				cv.Class = "ws-none"
			}
			product := m.Products[j].Product.Name
			switch {
			case c.OpportunityID != nil:
				cv.URL = fmt.Sprintf("/accounts/%d#opportunities", row.AccountID)
				cv.Title = fmt.Sprintf("%s for %s: open the opportunity", product, row.AccountName)
			case c.State.Whitespace() && v.CanWrite:
				cv.URL = fmt.Sprintf("/whitespace/opportunity?account=%d&product=%d", row.AccountID, c.ProductID)
				cv.Title = fmt.Sprintf("%s for %s: create an opportunity", product, row.AccountName)
			default:
				cv.URL = fmt.Sprintf("/accounts/%d/roadmap#product-%d", row.AccountID, c.ProductID)
				cv.Title = fmt.Sprintf("%s for %s: %s", product, row.AccountName, strings.ToLower(cv.Label))
			}
			rv.Cells = append(rv.Cells, cv)
		}
		v.Rows = append(v.Rows, rv)
	}
	h.render(w, r, http.StatusOK, "intel_whitespace", v)
}

func (h *handler) intelWhitespaceCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m, err := h.db.Whitespace(ctx, h.guard.Scope(ctx), h.guard.VisibleTo(ctx))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	write, done := h.csvOut(w, "whitespace")
	defer done()
	write("account_id", "account", "product_id", "product", "family", "state", "fit", "estimated_value", "opportunity_id")
	for _, row := range m.Rows {
		for j, c := range row.Cells {
			p := m.Products[j].Product
			state := string(c.State)
			if state == "" {
				state = "not_assessed"
			}
			write(strconv.FormatInt(row.AccountID, 10), row.AccountName, strconv.FormatInt(p.ID, 10), p.Name, p.Family, state,
				strconv.Itoa(c.Fit), strconv.FormatInt(c.EstimatedValue, 10), idText(c.OpportunityID))
		}
	}
}

// opportunityFormView is the small form that opens an opportunity from a
// whitespace cell.
type opportunityFormView struct {
	page
	A       account.Account
	Product intel.Product
	Item    *intel.RoadmapItem
	Form    opportunityForm
	Kinds   []account.OpportunityKind
	People  []account.Person
}

type opportunityForm struct {
	Name, Kind, Amount, ExpectedClose, OwnerID string
	Errors                                     formErrors
}

var opportunityLabels = map[string]string{"name": "Name", "kind": "Kind", "amount": "Amount", "expected_close": "Expected close", "owner_id": "Owner"}

// opportunityTarget reads the account and product of the form and checks
// that the principal may open opportunities on the account.
func (h *handler) opportunityTarget(r *http.Request, accountRaw, productRaw string) (account.Account, intel.Product, *intel.RoadmapItem, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	aid, err := strconv.ParseInt(accountRaw, 10, 64)
	if err != nil || aid <= 0 {
		return account.Account{}, intel.Product{}, nil, account.Errorf(account.ENOTFOUND, "There is no such account.")
	}
	if err := h.guard.CanReadAccount(ctx, aid); err != nil {
		return account.Account{}, intel.Product{}, nil, err
	}
	a, err := h.db.Account(ctx, sc, aid)
	if err != nil {
		return a, intel.Product{}, nil, err
	}
	if err := h.guard.CanEdit(ctx, aid, access.PartOpportunity); err != nil {
		return a, intel.Product{}, nil, err
	}
	pid, err := strconv.ParseInt(productRaw, 10, 64)
	if err != nil || pid <= 0 {
		return a, intel.Product{}, nil, account.Errorf(account.ENOTFOUND, "There is no such product.")
	}
	p, err := h.db.Product(ctx, sc, pid)
	if err != nil {
		return a, p, nil, err
	}
	rm, err := h.db.Roadmap(ctx, sc, aid)
	if err != nil {
		return a, p, nil, err
	}
	for i := range rm {
		if rm[i].ProductID == pid {
			return a, p, &rm[i], nil
		}
	}
	return a, p, nil, nil
}

func (h *handler) renderOpportunityForm(w http.ResponseWriter, r *http.Request, status int, a account.Account, p intel.Product, it *intel.RoadmapItem, f opportunityForm) {
	people, err := h.db.AllPeople(r.Context(), h.guard.Scope(r.Context()))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.Errors.arrange([]string{"name", "kind", "amount", "expected_close", "owner_id"}, nil)
	h.render(w, r, status, "intel_opportunity", opportunityFormView{page: page{Title: "New opportunity · " + a.Name, Section: "intel"},
		A: a, Product: p, Item: it, Form: f, Kinds: account.OpportunityKinds, People: people})
}

func (h *handler) intelOpportunityForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a, p, it, err := h.opportunityTarget(r, q.Get("account"), q.Get("product"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if it != nil && it.OpportunityID != nil {
		http.Redirect(w, r, fmt.Sprintf("/accounts/%d#opportunities", a.ID), http.StatusSeeOther)
		return
	}
	f := opportunityForm{Name: p.Name + " for " + a.Name, Kind: string(account.CrossSell),
		ExpectedClose: h.today().AddDays(90).String()}
	if it != nil && it.EstimatedValue > 0 {
		f.Amount = strconv.FormatInt(it.EstimatedValue/intelPow10(minorDigits(a.Currency)), 10)
	}
	if a.OwnerID != nil {
		f.OwnerID = strconv.FormatInt(*a.OwnerID, 10)
	}
	h.renderOpportunityForm(w, r, http.StatusOK, a, p, it, f)
}

func (h *handler) intelCreateOpportunity(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	g := r.PostForm.Get
	a, p, it, err := h.opportunityTarget(r, g("account_id"), g("product_id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := opportunityForm{Name: g("name"), Kind: g("kind"), Amount: g("amount"), ExpectedClose: g("expected_close"), OwnerID: g("owner_id")}
	o := account.Opportunity{AccountID: a.ID, Name: f.Name, Kind: account.OpportunityKind(f.Kind), Stage: account.Prospecting,
		Currency: a.Currency, Product: p.Name}
	if amt, err := wholeNumber(f.Amount); err != nil {
		f.Errors.add("amount", opportunityLabels["amount"], err.Error())
	} else if amt > 1<<50 {
		f.Errors.add("amount", opportunityLabels["amount"], "is too large")
	} else {
		o.Amount = amt * intelPow10(minorDigits(a.Currency))
	}
	if o.ExpectedClose, err = account.ParseDate(strings.TrimSpace(f.ExpectedClose)); err != nil {
		f.Errors.add("expected_close", opportunityLabels["expected_close"], "must be a date such as 2026-06-30")
	}
	if o.OwnerID, err = optionalID(f.OwnerID); err != nil {
		f.Errors.add("owner_id", opportunityLabels["owner_id"], err.Error())
	}
	if !f.Errors.Any() {
		err = h.db.OpenRoadmapOpportunity(r.Context(), h.guard.Scope(r.Context()), p.ID, &o)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/accounts/%d#opportunities", a.ID), http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, opportunityLabels)
	} else {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	h.renderOpportunityForm(w, r, http.StatusUnprocessableEntity, a, p, it, f)
}

// productsView is /products.
type productsView struct {
	page
	Families  []productFamily
	Count     int
	CanManage bool
	Form      productForm
	EditID    int64
	EditForm  productForm
	Notice    string
	Problem   string
}

type productFamily struct {
	Name     string
	Products []productRow
}

type productRow struct {
	intel.Product
	Form productForm
}

type productForm struct {
	Name, Family, ListPrice, Currency, Description string
	Retired                                        bool
	Errors                                         formErrors
}

var productLabels = map[string]string{"name": "Name", "family": "Family", "list_price": "List price", "currency": "Currency", "description": "Description"}

func productFormOf(p intel.Product) productForm {
	return productForm{Name: p.Name, Family: p.Family, ListPrice: strconv.FormatInt(p.ListPrice/intelPow10(minorDigits(p.Currency)), 10),
		Currency: p.Currency, Description: p.Description, Retired: p.Retired}
}

func (h *handler) intelProductsPage(w http.ResponseWriter, r *http.Request) {
	h.renderProducts(w, r, http.StatusOK, nil)
}

func (h *handler) renderProducts(w http.ResponseWriter, r *http.Request, status int, edit func(*productsView)) {
	ctx := r.Context()
	ps, err := h.db.Products(ctx, h.guard.Scope(ctx), true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := productsView{page: page{Title: "Products", Section: "intel"}, Count: len(ps), CanManage: h.guard.Allow(ctx, access.SetPolicy) == nil,
		Form: productForm{Currency: "USD"}, Notice: intelNotices[r.URL.Query().Get("done")]}
	for _, p := range ps {
		name := p.Family
		if name == "" {
			name = "Other"
		}
		if len(v.Families) == 0 || v.Families[len(v.Families)-1].Name != name {
			v.Families = append(v.Families, productFamily{Name: name})
		}
		f := &v.Families[len(v.Families)-1]
		f.Products = append(f.Products, productRow{Product: p, Form: productFormOf(p)})
	}
	if edit != nil {
		edit(&v)
	}
	h.render(w, r, status, "intel_products", v)
}

func readProductForm(r *http.Request, id int64) (productForm, intel.Product) {
	g := r.PostForm.Get
	f := productForm{Name: g("name"), Family: g("family"), ListPrice: g("list_price"), Currency: strings.ToUpper(strings.TrimSpace(g("currency"))),
		Description: g("description"), Retired: g("retired") != ""}
	p := intel.Product{ID: id, Name: f.Name, Family: f.Family, Currency: f.Currency, Description: f.Description, Retired: f.Retired}
	if n, err := wholeNumber(f.ListPrice); err != nil {
		f.Errors.add("list_price", productLabels["list_price"], err.Error())
	} else if n > 1<<50 {
		f.Errors.add("list_price", productLabels["list_price"], "is too large")
	} else {
		cur := f.Currency
		if cur == "" {
			cur = "USD"
		}
		p.ListPrice = n * intelPow10(minorDigits(cur))
	}
	return f, p
}

var productOrder = []string{"name", "family", "list_price", "currency", "description"}

func (h *handler) intelCreateProduct(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f, p := readProductForm(r, 0)
	if !f.Errors.Any() {
		err := h.db.CreateProduct(r.Context(), h.guard.Scope(r.Context()), &p)
		if err == nil {
			http.Redirect(w, r, "/products?done=product", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, productLabels)
	} else {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	f.Errors.arrange(productOrder, nil)
	h.renderProducts(w, r, http.StatusUnprocessableEntity, func(v *productsView) { v.Form = f })
}

func (h *handler) intelUpdateProduct(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f, p := readProductForm(r, id)
	if !f.Errors.Any() {
		err := h.db.UpdateProduct(r.Context(), h.guard.Scope(r.Context()), &p)
		if err == nil {
			http.Redirect(w, r, "/products?done=product", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, productLabels)
	} else {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	f.Errors.arrange(productOrder, nil)
	h.renderProducts(w, r, http.StatusUnprocessableEntity, func(v *productsView) {
		v.EditID = id
		for i := range v.Families {
			for j := range v.Families[i].Products {
				if v.Families[i].Products[j].ID == id {
					v.Families[i].Products[j].Form = f
				}
			}
		}
	})
}

func (h *handler) intelDeleteProduct(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.db.DeleteProduct(r.Context(), h.guard.Scope(r.Context()), id); err != nil {
		if account.ErrorCode(err) == account.ECONFLICT {
			h.renderProducts(w, r, http.StatusConflict, func(v *productsView) { v.Problem = account.ErrorMessage(err) })
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/products?done=product-deleted", http.StatusSeeOther)
}

func (h *handler) intelProductsCSV(w http.ResponseWriter, r *http.Request) {
	ps, err := h.db.Products(r.Context(), h.guard.Scope(r.Context()), true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	write, done := h.csvOut(w, "products")
	defer done()
	write("id", "name", "family", "list_price", "currency", "retired", "description")
	for _, p := range ps {
		write(strconv.FormatInt(p.ID, 10), p.Name, p.Family, strconv.FormatInt(p.ListPrice, 10), p.Currency, strconv.FormatBool(p.Retired), p.Description)
	}
}

// The account lists as CSV.

func (h *handler) intelProfileCSV(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.db.Profile(r.Context(), h.guard.Scope(r.Context()), a.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	write, done := h.csvOut(w, fmt.Sprintf("profile-%d", a.ID))
	defer done()
	write("section", "position", "text", "note", "stakeholder_id")
	if p.Summary != "" {
		write("summary", "0", p.Summary, "", "")
	}
	for _, s := range intel.Sections {
		for i, e := range *p.List(s) {
			write(string(s), strconv.Itoa(i+1), e.Text, e.Note, idText(e.StakeholderID))
		}
	}
}

func (h *handler) intelVisionCSV(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.db.VisionItems(r.Context(), h.guard.Scope(r.Context()), a.ID, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	write, done := h.csvOut(w, fmt.Sprintf("vision-%d", a.ID))
	defer done()
	write("id", "horizon_years", "text", "target_date", "source_stakeholder", "source_note", "stated_on", "current", "superseded_by")
	for _, it := range items {
		write(strconv.FormatInt(it.ID, 10), strconv.Itoa(it.HorizonYears), it.Text, it.TargetDate.String(), it.SourceName, it.SourceNote,
			it.StatedOn.String(), strconv.FormatBool(it.Current()), idText(it.SupersededBy))
	}
}

func (h *handler) intelNeedsCSV(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	ns, err := h.db.Needs(ctx, h.guard.Scope(ctx), a.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ps, err := h.db.Products(ctx, h.guard.Scope(ctx), true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, p := range ps {
		names[p.ID] = p.Name
	}
	write, done := h.csvOut(w, fmt.Sprintf("needs-%d", a.ID))
	defer done()
	write("id", "text", "horizon", "priority", "status", "vision_item_id", "products", "note")
	for _, n := range ns {
		var prods []string
		for _, id := range n.ProductIDs {
			prods = append(prods, names[id])
		}
		write(strconv.FormatInt(n.ID, 10), n.Text, string(n.Horizon), string(n.Priority), string(n.Status), idText(n.VisionItemID),
			strings.Join(prods, "; "), n.Note)
	}
}

func (h *handler) intelMatrixCSV(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m, err := h.db.AccountMap(r.Context(), h.guard.Scope(r.Context()), a.ID, h.loc())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	write, done := h.csvOut(w, fmt.Sprintf("relationships-%d", a.ID))
	defer done()
	write("stakeholder_id", "stakeholder", "title", "level", "function", "buying_role", "influence", "attitude", "left_on", "left_to",
		"last_touch", "person", "strength", "person_last_touch")
	for _, p := range m.Players {
		base := []string{strconv.FormatInt(p.StakeholderID, 10), p.Name, p.Title, string(p.Level), p.Function, string(p.BuyingRole),
			strconv.Itoa(p.Influence), strconv.Itoa(int(p.Attitude)), p.LeftOn.String(), p.LeftTo, p.LastTouch.String()}
		if len(p.Links) == 0 {
			write(append(base, "", "none", "")...)
		}
		for _, l := range p.Links {
			write(append(append([]string{}, base...), l.PersonName, string(l.Strength), l.LastTouch.String())...)
		}
	}
}

func (h *handler) intelRoadmapCSV(w http.ResponseWriter, r *http.Request) {
	a, err := h.intelAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rm, err := h.db.Roadmap(r.Context(), h.guard.Scope(r.Context()), a.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	write, done := h.csvOut(w, fmt.Sprintf("roadmap-%d", a.ID))
	defer done()
	write("product_id", "product", "state", "since", "contract_id", "fit", "estimated_value", "vision_item_id", "opportunity_id", "note")
	for _, it := range rm {
		write(strconv.FormatInt(it.ProductID, 10), it.ProductName, string(it.State), it.Since.String(), idText(it.ContractID),
			strconv.Itoa(it.Fit), strconv.FormatInt(it.EstimatedValue, 10), idText(it.VisionItemID), idText(it.OpportunityID), it.Note)
	}
}
