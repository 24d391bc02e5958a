package web

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// auditPageSize is how many entries one page of the audit trail shows.
const auditPageSize = 50

// auditQuery is the audit page's filters as carried in its URL.
type auditQuery struct {
	Entity  string
	Actor   int64 // user id
	Account int64
	From    string // YYYY-MM-DD, inclusive
	To      string // YYYY-MM-DD, inclusive
	Cursor  string
	// Problems are filters that could not be read and were left out.
	Problems []string
}

// readAuditQuery reads the filters. A value that cannot be valid is left
// out and said so, rather than failing the page.
func readAuditQuery(v url.Values) auditQuery {
	q := auditQuery{Entity: strings.TrimSpace(v.Get("entity")), Cursor: v.Get("cursor")}
	if len(q.Entity) > 50 {
		q.Entity = ""
	}
	if s := strings.TrimSpace(v.Get("actor")); s != "" {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			q.Actor = id
		}
	}
	if s := strings.TrimSpace(v.Get("account")); s != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
		if err != nil || id <= 0 {
			q.Problems = append(q.Problems, fmt.Sprintf("Account %q is not an account number; it is left out.", s))
		} else {
			q.Account = id
		}
	}
	for _, f := range []struct {
		name, label string
		dst         *string
	}{{"from", "From", &q.From}, {"to", "To", &q.To}} {
		s := strings.TrimSpace(v.Get(f.name))
		if s == "" {
			continue
		}
		if d, err := account.ParseDate(s); err != nil || d.IsZero() {
			q.Problems = append(q.Problems, fmt.Sprintf("%s %q is not a date such as 2026-03-01; it is left out.", f.label, s))
		} else {
			*f.dst = d.String()
		}
	}
	return q
}

// filter is the store filter for q, reading dates as whole days in loc.
func (q auditQuery) filter(loc *time.Location, limit int) store.AuditFilter {
	f := store.AuditFilter{Page: account.Page{Limit: limit, Cursor: q.Cursor}, Entity: q.Entity, UserID: q.Actor, AccountID: q.Account}
	if d, err := account.ParseDate(q.From); err == nil && !d.IsZero() {
		f.From = time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	}
	if d, err := account.ParseDate(q.To); err == nil && !d.IsZero() {
		f.To = time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, loc) // the whole "to" day
	}
	return f
}

func (q auditQuery) filtered() bool {
	return q.Entity != "" || q.Actor != 0 || q.Account != 0 || q.From != "" || q.To != ""
}

// url returns path with q's filters (and cursor); empty ones are left out.
func (q auditQuery) url(path string) string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("entity", q.Entity)
	if q.Actor != 0 {
		v.Set("actor", strconv.FormatInt(q.Actor, 10))
	}
	if q.Account != 0 {
		v.Set("account", strconv.FormatInt(q.Account, 10))
	}
	set("from", q.From)
	set("to", q.To)
	set("cursor", q.Cursor)
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

type auditRow struct {
	At          time.Time
	Actor       string // the user's name when known
	ActorDetail string // the trail's own name for the actor: e-mail, or "token 12 (e-mail)"
	What        string // "updated account", "signed in"
	Ref         string // the record's number, "#12", when What names a record
	AccountID   int64
	AccountName string
	Changes     []auditChange
}

type auditChange struct {
	Field, Old, New string
}

type auditView struct {
	page
	Query    auditQuery
	Entities []string
	Users    []auth.User
	Rows     []auditRow
	NextURL  string
	FirstURL string
	CSVURL   string
	XLSXURL  string
	Filtered bool
}

// auditPage shows the audit trail, newest first, filtered and paged by
// cursor: five queries whatever the page size (entries, entity names,
// users, people and the accounts they mention).
func (h *handler) auditPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	q := readAuditQuery(r.URL.Query())
	entries, next, err := h.db.Audit(ctx, sc, q.filter(h.loc(), auditPageSize))
	if account.ErrorCode(err) == account.EINVALID && q.Cursor != "" {
		q.Cursor = "" // a stale or mangled cursor: start over rather than fail
		entries, next, err = h.db.Audit(ctx, sc, q.filter(h.loc(), auditPageSize))
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	entities, err := h.db.AuditEntities(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
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
	var accountIDs []int64
	for _, e := range entries {
		if e.AccountID != 0 {
			accountIDs = append(accountIDs, e.AccountID)
		}
	}
	slices.Sort(accountIDs)
	accounts, err := h.db.AccountsByID(ctx, sc, slices.Compact(accountIDs))
	if err != nil {
		h.fail(w, r, err)
		return
	}

	userNames := make(map[int64]string, len(users))
	for _, u := range users {
		userNames[u.ID] = u.Name
	}
	fv := auditFormatter{people: personNames(people), loc: h.loc()}
	v := auditView{page: page{Title: "Audit trail", Section: "audit"}, Query: q, Entities: entities, Users: users,
		Filtered: q.filtered()}
	for _, e := range entries {
		row := auditRow{At: e.At, Actor: cmp.Or(userNames[e.UserID], auditActor(e.Actor)), ActorDetail: e.Actor,
			AccountID: e.AccountID}
		row.What, row.Ref = auditWhat(e)
		if row.ActorDetail == row.Actor {
			row.ActorDetail = ""
		}
		if e.AccountID != 0 {
			row.AccountName = accounts[e.AccountID].Name // "" for an account deleted since
		}
		fv.currency = accounts[e.AccountID].Currency
		for _, f := range sortedFields(e.Changes) {
			if f == "org_id" {
				continue // always this organisation
			}
			c := e.Changes[f]
			ch := auditChange{Field: auditField(f), Old: fv.value(f, c.Old), New: fv.value(f, c.New)}
			if ch.Old == "" && ch.New == "" {
				continue // a created record's empty fields, a deleted one's: nothing to read
			}
			row.Changes = append(row.Changes, ch)
		}
		v.Rows = append(v.Rows, row)
	}
	if next != "" {
		n := q
		n.Cursor = next
		v.NextURL = n.url("/admin/audit")
	}
	if q.Cursor != "" {
		first := q
		first.Cursor = ""
		v.FirstURL = first.url("/admin/audit")
	}
	csvQ := q
	csvQ.Cursor = ""
	v.CSVURL = csvQ.url("/admin/audit.csv")
	v.XLSXURL = csvQ.url("/admin/audit.xlsx")
	h.render(w, r, http.StatusOK, "audit", v)
}

// auditCSVHeader names the export's columns: one line per changed field.
var auditCSVHeader = []string{"at", "actor", "action", "entity", "entity_id", "account_id", "field", "old", "new"}

// auditCSV exports the filtered trail, every page of it, as CSV: one line
// per changed field (an entry without changes gets one line with the
// field empty). It streams page by page, so a trail of millions of entries
// never sits in memory; the first page is read before anything is written,
// so a failure at the start is still an error page rather than a broken
// file.
func (h *handler) auditCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	q := readAuditQuery(r.URL.Query())
	q.Cursor = ""
	f := q.filter(h.loc(), account.MaxLimit)
	entries, next, err := h.db.Audit(ctx, sc, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/csv; charset=utf-8")
	hdr.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="samwise-audit-%s.csv"`, h.now().In(h.loc()).Format("2006-01-02")))
	hdr.Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	flusher, _ := w.(http.Flusher)
	write := func(rec []string) bool {
		for i := range rec {
			rec[i] = exchange.Defuse(rec[i])
		}
		return cw.Write(rec) == nil
	}
	if !write(slices.Clone(auditCSVHeader)) {
		return
	}
	for {
		for _, e := range entries {
			for _, line := range auditExportLines(e) {
				rec := make([]string, len(line))
				for i, c := range line {
					rec[i] = fmt.Sprint(c)
				}
				if !write(rec) {
					return
				}
			}
		}
		cw.Flush()
		if cw.Error() != nil {
			return // the client went away
		}
		if flusher != nil {
			flusher.Flush()
		}
		if next == "" {
			return
		}
		f.Cursor = next
		if entries, next, err = h.db.Audit(ctx, sc, f); err != nil {
			// Too late for an error page: the log has it, and the file ends
			// short of its last line rather than pretending to be whole.
			h.log.ErrorContext(ctx, "audit export failed", "err", err)
			panic(http.ErrAbortHandler)
		}
	}
}

// auditExportLines are an entry's lines in the exports, under
// auditCSVHeader: one per changed field, or one with the field empty. The
// ids are numbers, the rest text.
func auditExportLines(e store.AuditEntry) [][]any {
	base := []any{e.At.UTC().Format(time.RFC3339), e.Actor, e.Action, e.Entity, e.EntityID, e.AccountID}
	fields := sortedFields(e.Changes)
	if len(fields) == 0 {
		return [][]any{append(slices.Clone(base), "", "", "")}
	}
	out := make([][]any, 0, len(fields))
	for _, name := range fields {
		c := e.Changes[name]
		out = append(out, append(slices.Clone(base), name, csvValue(c.Old), csvValue(c.New)))
	}
	return out
}

// csvValue writes one audited value as decoded from JSON: text as is,
// numbers without exponent, nothing for null, anything else as JSON.
func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func sortedFields(changes map[string]store.Change) []string {
	return slices.SortedFunc(maps.Keys(changes), func(a, b string) int {
		return cmp.Or(cmp.Compare(fieldRank(a), fieldRank(b)), strings.Compare(a, b))
	})
}

// auditActions words the trail's actions for people, before the record
// they act on ("created account #12").
var auditActions = map[string]string{
	"create": "created", "update": "updated", "delete": "deleted", "revoke": "revoked", "use": "used",
	"bulk_load": "bulk-loaded",
}

// auditWhat says what an entry records, and the number of the record it is
// about when the words name one. Sign-in events read as what the user did
// to themselves, or to someone else ("set the password of user #5").
func auditWhat(e store.AuditEntry) (what, ref string) {
	ref = "#" + strconv.FormatInt(e.EntityID, 10)
	self := e.Entity == "user" && e.EntityID == e.UserID
	switch e.Action {
	case "sign_in":
		return "signed in", ""
	case "sign_in_failed":
		return "failed to sign in", ""
	case "set_password":
		if self {
			return "changed their password", ""
		}
		return "set the password of user", ref
	case "sign_out_everywhere":
		if self {
			return "signed out everywhere", ""
		}
		return "signed out everywhere user", ref
	}
	action := cmp.Or(auditActions[e.Action], strings.ReplaceAll(e.Action, "_", " "))
	return action + " " + strings.ToLower(labelOf(e.Entity)), ref
}

func auditActor(a string) string {
	if a == "" || a == "system" {
		return "samwise"
	}
	return a
}

func auditField(f string) string {
	return cmp.Or(fieldLabels[f], strings.ReplaceAll(f, "_", " "))
}

// auditFormatter shows audited values (as decoded from JSON) for people,
// with names for the people they refer to; "" means empty.
type auditFormatter struct {
	people   map[int64]string
	currency string // of the entry's account, for amounts
	loc      *time.Location
}

func (a auditFormatter) value(field string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
		n := int64(x)
		switch field {
		case "owner_id", "manager_id", "person_id":
			if name := a.people[n]; name != "" {
				return fmt.Sprintf("%s (#%d)", name, n)
			}
			return fmt.Sprintf("#%d", n)
		case "annual_revenue", "amount", "annual_value":
			return moneyFull(n, a.currency)
		}
		if strings.HasSuffix(field, "_id") || field == "id" {
			return "#" + strconv.FormatInt(n, 10)
		}
		return groupThousands(n)
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil && len(x) > 10 {
			return formatTime(t, a.loc)
		}
		switch field {
		case "lifecycle", "level", "buying_role", "kind", "stage", "status", "role", "scope":
			return labelOf(x)
		}
		return shorten(x, 160)
	case []any:
		parts := make([]string, 0, len(x))
		for _, el := range x {
			if f, ok := el.(float64); ok && field == "people_ids" {
				parts = append(parts, cmp.Or(a.people[int64(f)], fmt.Sprintf("#%d", int64(f))))
				continue
			}
			parts = append(parts, a.value("", el))
		}
		if len(parts) == 0 {
			return "none"
		}
		return strings.Join(parts, ", ")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return shorten(string(b), 160)
}
