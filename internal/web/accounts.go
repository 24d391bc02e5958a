package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// listPageSize is how many accounts one page of the list shows.
const listPageSize = 50

// accountSortKeys are the list's sortable columns (the store's sort keys)
// and the direction a first click sorts in: names A→Z, figures and dates
// biggest or newest first.
var accountSortKeys = map[string]bool{ // key → descending first
	"name": false, "industry": false, "employees": true, "annual_revenue": true, "updated_at": true,
}

// accountQuery is the account list's state as carried in its URL.
type accountQuery struct {
	Q         string
	Industry  string
	Lifecycle account.Lifecycle
	Owner     int64
	Sort      string
	Cursor    string
	// Custom filters on custom fields (key → value, from cf_<key>
	// parameters); a custom sort is "cf_<key>". Either switches the list to
	// offset paging (Page).
	Custom map[string]string
	Page   int
}

// readAccountQuery reads the list's parameters, dropping values that cannot
// be valid (a hand-edited URL shows the unfiltered list rather than an error).
func readAccountQuery(v url.Values) accountQuery {
	q := accountQuery{
		Q:        strings.TrimSpace(v.Get("q")),
		Industry: strings.TrimSpace(v.Get("industry")),
		Sort:     v.Get("sort"),
		Cursor:   v.Get("cursor"),
	}
	if l := account.Lifecycle(v.Get("lifecycle")); slices.Contains(account.Lifecycles, l) {
		q.Lifecycle = l
	}
	if id, err := strconv.ParseInt(v.Get("owner"), 10, 64); err == nil && id > 0 {
		q.Owner = id
	}
	for k, vs := range v {
		if key, ok := strings.CutPrefix(k, "cf_"); ok && key != "" && len(vs) > 0 && strings.TrimSpace(vs[0]) != "" {
			if q.Custom == nil {
				q.Custom = map[string]string{}
			}
			q.Custom[key] = strings.TrimSpace(vs[0])
		}
	}
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 {
		q.Page = n
	}
	if _, ok := accountSortKeys[strings.TrimPrefix(q.Sort, "-")]; !ok && !strings.HasPrefix(strings.TrimPrefix(q.Sort, "-"), "cf_") {
		q.Sort = ""
	}
	return q
}

// custom reports whether a custom field filters or sorts the list.
func (q accountQuery) custom() bool {
	return len(q.Custom) > 0 || strings.HasPrefix(strings.TrimPrefix(q.Sort, "-"), "cf_")
}

// filtered reports whether any filter (not sort or paging) is set.
func (q accountQuery) filtered() bool {
	return q.Q != "" || q.Industry != "" || q.Lifecycle != "" || q.Owner != 0 || len(q.Custom) > 0
}

// url returns the list's URL for q; empty values are left out so links stay short.
func (q accountQuery) url() string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", q.Q)
	set("industry", q.Industry)
	set("lifecycle", string(q.Lifecycle))
	if q.Owner != 0 {
		v.Set("owner", strconv.FormatInt(q.Owner, 10))
	}
	for k, val := range q.Custom {
		set("cf_"+k, val)
	}
	set("sort", q.Sort)
	set("cursor", q.Cursor)
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if len(v) == 0 {
		return "/accounts"
	}
	return "/accounts?" + v.Encode()
}

// exportURL is the list's filters as an export download of format.
func (q accountQuery) exportURL(format string) string {
	f := q
	f.Sort, f.Cursor, f.Page = "", "", 0
	u := f.url()
	_, params, _ := strings.Cut(u, "?")
	if params != "" {
		params = "?" + params
	}
	return "/data/export/accounts." + format + params
}

// sortColumn is one sortable header: where clicking leads and how the
// column is sorted now.
type sortColumn struct {
	URL      string
	Arrow    string // "▲", "▼" or ""
	AriaSort string // "ascending", "descending" or "none"
}

func (q accountQuery) column(key string) sortColumn {
	cur := q.Sort
	if cur == "" {
		cur = "name"
	}
	next := q
	next.Cursor, next.Page = "", 0
	c := sortColumn{AriaSort: "none"}
	switch cur {
	case key:
		next.Sort, c.Arrow, c.AriaSort = "-"+key, "▲", "ascending"
	case "-" + key:
		next.Sort, c.Arrow, c.AriaSort = key, "▼", "descending"
	default:
		next.Sort = key
		if accountSortKeys[key] {
			next.Sort = "-" + key
		}
	}
	if next.Sort == "name" {
		next.Sort = "" // the default; keeps the plain URL canonical
	}
	c.URL = next.url()
	return c
}

type accountRow struct {
	ID        int64
	Name      string
	Industry  string
	Country   string
	Lifecycle account.Lifecycle
	Owner     string
	Employees int64
	Revenue   int64
	Currency  string
	Updated   time.Time
	Standing  store.Badge // tier, score and designation (portfolio.go)
	Custom    []string    // values of CustomCols, in order
}

// customCol is a custom field shown as a column of the account list.
type customCol struct {
	Key, Label string
	Col        sortColumn
}

// customFilter is a choice field offered as a filter.
type customFilter struct {
	Key, Label, Value string
	Choices           []string
}

// maxCustomCols is how many custom fields the list shows as columns.
const maxCustomCols = 3

type accountListView struct {
	page
	Query      accountQuery
	Industries []string
	Lifecycles []account.Lifecycle
	People     []account.Person
	Columns    map[string]sortColumn
	Rows       []accountRow
	NextURL    string
	FirstURL   string
	Filtered   bool
	CanCreate  bool
	CustomCols []customCol
	CustomFilt []customFilter
	ExportCSV  string
	ExportXLSX string
}

func (h *handler) accountList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	q := readAccountQuery(r.URL.Query())
	f := account.AccountFilter{
		Page:     account.Page{Limit: listPageSize, Cursor: q.Cursor, Sort: q.Sort},
		OwnerID:  q.Owner,
		Industry: q.Industry, Lifecycle: q.Lifecycle, Q: q.Q,
	}
	// Need-to-know: a principal limited to the accounts they own or serve
	// on lists only those, whatever filters the URL carries.
	f.VisibleTo = h.guard.VisibleTo(ctx)
	cfs, err := h.db.CustomFields(ctx, sc, "account")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q = pruneCustom(q, cfs)
	var accounts []account.Account
	var next string
	if q.custom() {
		// Custom fields filter or sort: offset pages (see store.AccountsByCustom).
		key, desc := strings.CutPrefix(q.Sort, "-")
		key = strings.TrimPrefix(key, "cf_")
		if !strings.HasPrefix(strings.TrimPrefix(q.Sort, "-"), "cf_") {
			key, desc = "", false
		}
		ef := store.ExportFilter{VisibleTo: f.VisibleTo, Q: q.Q, Industry: q.Industry, Lifecycle: string(q.Lifecycle), OwnerID: q.Owner, Custom: q.Custom}
		var more bool
		accounts, more, err = h.db.AccountsByCustom(ctx, sc, ef, key, desc, listPageSize, max(0, q.Page-1)*listPageSize)
		if more {
			next = "page"
		}
	} else {
		accounts, next, err = h.db.Accounts(ctx, sc, f)
		if account.ErrorCode(err) == account.EINVALID && q.Cursor != "" {
			// A stale or mangled cursor: show the first page rather than an error.
			q.Cursor, f.Cursor = "", ""
			accounts, next, err = h.db.Accounts(ctx, sc, f)
		}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	people, err := h.db.AllPeople(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	industries, err := h.db.Industries(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := personNames(people)
	v := accountListView{
		page:       page{Title: "Accounts", Section: "accounts"},
		Query:      q,
		Industries: industries,
		Lifecycles: account.Lifecycles,
		People:     people,
		Columns:    map[string]sortColumn{},
		Filtered:   q.filtered(),
		CanCreate:  h.guard.CanCreateAccount(ctx) == nil,
	}
	for key := range accountSortKeys {
		v.Columns[key] = q.column(key)
	}
	v.ExportCSV, v.ExportXLSX = q.exportURL("csv"), q.exportURL("xlsx")
	for _, cf := range cfs {
		if len(v.CustomCols) < maxCustomCols {
			v.CustomCols = append(v.CustomCols, customCol{Key: cf.Key, Label: cf.Label, Col: q.column("cf_" + cf.Key)})
		}
		if cf.Type == "choice" {
			v.CustomFilt = append(v.CustomFilt, customFilter{Key: cf.Key, Label: cf.Label, Value: q.Custom[cf.Key], Choices: cf.Choices})
		}
	}
	pageIDs := make([]int64, len(accounts))
	for i, a := range accounts {
		pageIDs[i] = a.ID
	}
	var customVals map[int64]map[string]string
	if len(v.CustomCols) > 0 {
		if customVals, err = h.db.CustomValues(ctx, sc, "account", pageIDs); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	badges, err := h.db.AccountBadges(ctx, sc, pageIDs) // one query for the page
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, a := range accounts {
		row := accountRow{ID: a.ID, Name: a.Name, Industry: a.Industry, Country: a.Country, Lifecycle: a.Lifecycle,
			Employees: a.Employees, Revenue: a.AnnualRevenue, Currency: a.Currency, Updated: a.UpdatedAt, Standing: badges[a.ID]}
		if a.OwnerID != nil {
			row.Owner = names[*a.OwnerID]
		}
		for _, c := range v.CustomCols {
			row.Custom = append(row.Custom, customVals[a.ID][c.Key])
		}
		v.Rows = append(v.Rows, row)
	}
	if next != "" {
		n := q
		if q.custom() {
			n.Page = max(1, q.Page) + 1
		} else {
			n.Cursor = next
		}
		v.NextURL = n.url()
	}
	if q.Cursor != "" || q.Page > 1 {
		first := q
		first.Cursor, first.Page = "", 0
		v.FirstURL = first.url()
	}
	h.render(w, r, http.StatusOK, "accounts", v)
}

// pruneCustom drops custom filters and sorts on fields that do not exist
// (a hand-edited or stale URL shows the list rather than an error).
func pruneCustom(q accountQuery, fields []exchange.CustomField) accountQuery {
	known := map[string]bool{}
	for _, f := range fields {
		known[f.Key] = true
	}
	for k := range q.Custom {
		if !known[k] {
			delete(q.Custom, k)
		}
	}
	if key, ok := strings.CutPrefix(strings.TrimPrefix(q.Sort, "-"), "cf_"); ok && !known[key] {
		q.Sort = ""
	}
	return q
}

func personNames(people []account.Person) map[int64]string {
	out := make(map[int64]string, len(people))
	for _, p := range people {
		out[p.ID] = p.Name
	}
	return out
}

// accountForm is the account form's fields exactly as typed, so that a
// failed submit shows the user's own input again.
type accountForm struct {
	Name, Domain, Industry, Employees, AnnualRevenue, Currency string
	Region, Country, ParentID, Lifecycle, OwnerID, ExternalID  string
}

// accountLabels names the form's fields in messages ("Name is required").
// accountFieldOrder is the order of the account form's inputs.
var accountFieldOrder = []string{"name", "domain", "industry", "lifecycle", "owner_id", "parent_id",
	"annual_revenue", "currency", "employees", "country", "region", "external_id"}

var accountLabels = map[string]string{
	"name": "Name", "domain": "Domain", "industry": "Industry", "employees": "Employees",
	"annual_revenue": "Annual revenue", "currency": "Currency", "region": "Region", "country": "Country",
	"parent_id": "Parent account", "lifecycle": "Lifecycle", "owner_id": "Owner", "external_id": "External ID",
}

func accountFormOf(a account.Account) accountForm {
	f := accountForm{
		Name: a.Name, Domain: a.Domain, Industry: a.Industry, Currency: a.Currency, Region: a.Region,
		Country: a.Country, Lifecycle: string(a.Lifecycle), ExternalID: a.ExternalID,
		AnnualRevenue: moneyInput(a.AnnualRevenue, a.Currency),
	}
	if a.Employees != 0 {
		f.Employees = strconv.FormatInt(a.Employees, 10)
	}
	if a.ParentID != nil {
		f.ParentID = strconv.FormatInt(*a.ParentID, 10)
	}
	if a.OwnerID != nil {
		f.OwnerID = strconv.FormatInt(*a.OwnerID, 10)
	}
	return f
}

func readAccountForm(r *http.Request) accountForm {
	g := r.PostForm.Get
	return accountForm{
		Name: g("name"), Domain: g("domain"), Industry: g("industry"), Employees: g("employees"),
		AnnualRevenue: g("annual_revenue"), Currency: g("currency"), Region: g("region"), Country: g("country"),
		ParentID: g("parent_id"), Lifecycle: g("lifecycle"), OwnerID: g("owner_id"), ExternalID: g("external_id"),
	}
}

// account turns the form into a record. Values that cannot be read (a
// number that is not one) are reported as field errors together with the
// record's own validation, so the user sees every problem at once.
func (f accountForm) account(id int64) (account.Account, formErrors) {
	var errs formErrors
	a := account.Account{ID: id, Name: f.Name, Domain: f.Domain, Industry: f.Industry, Currency: f.Currency,
		Region: f.Region, Country: f.Country, Lifecycle: account.Lifecycle(f.Lifecycle), ExternalID: f.ExternalID}
	var err error
	if a.Employees, err = wholeNumber(f.Employees); err != nil {
		errs.add("employees", accountLabels["employees"], err.Error())
	}
	cur := strings.ToUpper(strings.TrimSpace(f.Currency))
	if a.AnnualRevenue, err = parseMoney(f.AnnualRevenue, cur); err != nil {
		errs.add("annual_revenue", accountLabels["annual_revenue"], err.Error())
	}
	if a.ParentID, err = optionalID(f.ParentID); err != nil {
		errs.add("parent_id", accountLabels["parent_id"], err.Error())
	}
	if a.OwnerID, err = optionalID(f.OwnerID); err != nil {
		errs.add("owner_id", accountLabels["owner_id"], err.Error())
	}
	if errs.Any() {
		// Also show what validation would say about the other fields.
		check := a
		check.Normalize()
		errs.fromError(check.Validate(), accountLabels)
		errs.Summary = "Please correct the highlighted fields."
	}
	return a, errs
}

type accountFormView struct {
	page
	IsNew      bool
	ID         int64
	Name       string // the stored name, for the breadcrumb while the form is edited
	Action     string
	Cancel     string
	Form       accountForm
	Errors     formErrors
	Lifecycles []account.Lifecycle
	People     []account.Person
	Industries []string
	Parents    []parentChoice
	// ParentByID is set when the organisation has too many accounts for a
	// select; the form then asks for the parent's id.
	ParentByID bool
}

type parentChoice struct {
	ID   int64
	Name string
}

// maxParentChoices is the most accounts offered in the parent select.
const maxParentChoices = 500

func (h *handler) renderAccountForm(w http.ResponseWriter, r *http.Request, status int, v accountFormView) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	var err error
	if v.People, err = h.db.AllPeople(ctx, sc); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Industries, err = h.db.Industries(ctx, sc); err != nil {
		h.fail(w, r, err)
		return
	}
	f := account.AccountFilter{Page: account.Page{Limit: maxParentChoices, VisibleTo: h.guard.VisibleTo(ctx)}}
	parents, more, err := h.db.Accounts(ctx, sc, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.ParentByID = more != ""
	cur, _ := strconv.ParseInt(v.Form.ParentID, 10, 64)
	seen := false
	for _, p := range parents {
		if p.ID == v.ID {
			continue // an account cannot be its own parent
		}
		seen = seen || p.ID == cur
		v.Parents = append(v.Parents, parentChoice{p.ID, p.Name})
	}
	if cur > 0 && !seen && !v.ParentByID {
		// Keep the current parent selectable even when it is not in the list
		// (another owner's account under need-to-know), without naming it
		// unless the principal may read it.
		name := "Account " + strconv.FormatInt(cur, 10)
		if h.guard.CanReadAccount(ctx, cur) == nil {
			if p, err := h.db.Account(ctx, sc, cur); err == nil {
				name = p.Name
			}
		}
		v.Parents = append([]parentChoice{{cur, name}}, v.Parents...)
	}
	v.Lifecycles = account.Lifecycles
	v.Errors.arrange(accountFieldOrder, nil)
	h.render(w, r, status, "account_form", v)
}

func (h *handler) newAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := h.guard.CanCreateAccount(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	f := accountForm{Currency: "USD", Lifecycle: string(account.Prospect)}
	if pid := h.guard.PersonID(ctx); pid != 0 {
		f.OwnerID = strconv.FormatInt(pid, 10)
	}
	if p := r.URL.Query().Get("parent"); p != "" {
		if _, err := optionalID(p); err == nil {
			f.ParentID = p
		}
	}
	h.renderAccountForm(w, r, http.StatusOK, accountFormView{
		page: page{Title: "New account", Section: "accounts"}, IsNew: true,
		Action: "/accounts", Cancel: "/accounts", Form: f,
	})
}

func (h *handler) createAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := h.guard.CanCreateAccount(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	form := readAccountForm(r)
	v := accountFormView{page: page{Title: "New account", Section: "accounts"}, IsNew: true,
		Action: "/accounts", Cancel: "/accounts", Form: form}
	a, errs := form.account(0)
	if errs.Any() {
		v.Errors = errs
		h.renderAccountForm(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	if err := h.db.CreateAccount(ctx, h.guard.Scope(ctx), &a); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		v.Errors.fromError(err, accountLabels)
		h.renderAccountForm(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	http.Redirect(w, r, "/accounts/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}

// editableAccount loads account id if the principal may read it and edit
// the given part of it.
func (h *handler) editableAccount(r *http.Request, id int64) (account.Account, error) {
	ctx := r.Context()
	if err := h.guard.CanReadAccount(ctx, id); err != nil {
		return account.Account{}, err
	}
	a, err := h.db.Account(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return a, err
	}
	return a, h.guard.CanEdit(ctx, id, access.PartAccount)
}

func (h *handler) editAccount(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.editableAccount(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderAccountForm(w, r, http.StatusOK, accountFormView{
		page: page{Title: "Edit " + a.Name, Section: "accounts"}, ID: id, Name: a.Name,
		Action: accountURL(id), Cancel: accountURL(id), Form: accountFormOf(a),
	})
}

func (h *handler) updateAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	old, err := h.editableAccount(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	form := readAccountForm(r)
	v := accountFormView{page: page{Title: "Edit " + old.Name, Section: "accounts"}, ID: id, Name: old.Name,
		Action: accountURL(id), Cancel: accountURL(id), Form: form}
	a, errs := form.account(id)
	if errs.Any() {
		v.Errors = errs
		h.renderAccountForm(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	if err := h.db.UpdateAccount(ctx, h.guard.Scope(ctx), &a); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		v.Errors.fromError(err, accountLabels)
		h.renderAccountForm(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	http.Redirect(w, r, accountURL(id), http.StatusSeeOther)
}

type confirmView struct {
	page
	Heading string
	Message string
	Action  string
	Button  string
	Cancel  string
}

func (h *handler) confirmDeleteAccount(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.editableAccount(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "confirm", confirmView{
		page:    page{Title: "Delete " + a.Name, Section: "accounts"},
		Heading: "Delete " + a.Name + "?",
		Message: "This deletes the account with its stakeholders, touches, opportunities and contracts. " +
			"Its child accounts stay, without a parent. The audit trail keeps a record of the deletion.",
		Action: accountURL(id) + "/delete", Button: "Delete account", Cancel: accountURL(id),
	})
}

func (h *handler) deleteAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.editableAccount(r, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.db.DeleteAccount(ctx, h.guard.Scope(ctx), id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/accounts", http.StatusSeeOther)
}

func accountURL(id int64) string { return "/accounts/" + strconv.FormatInt(id, 10) }
