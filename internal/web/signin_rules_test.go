package web

import (
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

func TestSafeNextKeepsLocalPathsAndRefusesEverythingElse(t *testing.T) {
	cases := []struct{ next, want string }{
		{"/accounts/12", "/accounts/12"},
		{"/accounts?q=acme&sort=-updated_at", "/accounts?q=acme&sort=-updated_at"},
		{"/people#top", "/people#top"},
		{"", "/accounts"},
		{"accounts", "/accounts"},
		{"//evil.example", "/accounts"},
		{"//evil.example/accounts", "/accounts"},
		{`/\evil.example`, "/accounts"},
		{`/accounts\..\x`, "/accounts"},
		{"https://evil.example/", "/accounts"},
		{"javascript:alert(1)", "/accounts"},
		{"/\t/evil.example", "/accounts"},
		{"/accounts\r\nSet-Cookie: x=1", "/accounts"},
		{"/signin?next=/accounts", "/accounts"},
		{"/signout", "/accounts"},
		{"/setup", "/accounts"},
	}
	for _, c := range cases {
		if got := safeNext(c.next); got != c.want {
			t.Errorf("safeNext(%q) = %q, want %q", c.next, got, c.want)
		}
	}
}

func TestCSVCellsThatASpreadsheetWouldRunAreDefused(t *testing.T) {
	cases := map[string]string{
		`=HYPERLINK("x")`:      `'=HYPERLINK("x")`,
		"+1 555":               "'+1 555",
		"-2":                   "-2", // a number is safe
		"-2+cmd|' /C calc'!A0": "'-2+cmd|' /C calc'!A0",
		"@SUM(A1)":             "'@SUM(A1)",
		"\tx":                  "'\tx",
		"\rx":                  "'\rx",
		"Acme = good":          "Acme = good",
		"":                     "",
		"ann@example.com":      "ann@example.com",
	}
	for in, want := range cases {
		if got := exchange.Defuse(in); got != want {
			t.Errorf("Defuse(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSVValuesAreWrittenPlainly(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{nil, ""}, {"text", "text"}, {true, "true"}, {float64(1240000000), "1240000000"}, {2.5, "2.5"},
		{[]any{float64(1), float64(2)}, "[1,2]"}, {map[string]any{"a": "b"}, `{"a":"b"}`},
	}
	for _, c := range cases {
		if got := csvValue(c.in); got != c.want {
			t.Errorf("csvValue(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestAuditFiltersReadWholeDaysAndDropWhatCannotBeRead(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone data")
	}
	q := readAuditQuery(url.Values{"entity": {"account"}, "actor": {"7"}, "account": {"#12"},
		"from": {"2026-03-01"}, "to": {"2026-03-02"}, "cursor": {"abc"}})
	if len(q.Problems) != 0 || q.Entity != "account" || q.Actor != 7 || q.Account != 12 {
		t.Fatalf("read %+v", q)
	}
	f := q.filter(paris, 50)
	if want := time.Date(2026, 3, 1, 0, 0, 0, 0, paris); !f.From.Equal(want) {
		t.Errorf("from %v, want %v", f.From, want)
	}
	if want := time.Date(2026, 3, 3, 0, 0, 0, 0, paris); !f.To.Equal(want) {
		t.Errorf("to %v, want the end of the whole day %v", f.To, want)
	}
	if got := q.url("/admin/audit.csv"); got != "/admin/audit.csv?account=12&actor=7&cursor=abc&entity=account&from=2026-03-01&to=2026-03-02" {
		t.Errorf("url %q", got)
	}

	bad := readAuditQuery(url.Values{"account": {"acme"}, "from": {"yesterday"}, "to": {"2026-02-30"}, "actor": {"-1"}})
	if len(bad.Problems) != 3 || bad.Account != 0 || bad.From != "" || bad.To != "" || bad.Actor != 0 || bad.filtered() {
		t.Errorf("unreadable filters gave %+v", bad)
	}
}

func TestAuditValuesReadAsWords(t *testing.T) {
	f := auditFormatter{people: map[int64]string{3: "Ann Lee"}, currency: "EUR", loc: time.UTC}
	cases := []struct {
		field string
		v     any
		want  string
	}{
		{"owner_id", float64(3), "Ann Lee (#3)"},
		{"owner_id", float64(9), "#9"},
		{"parent_id", float64(4), "#4"},
		{"annual_revenue", float64(310000000), "€3,100,000.00"},
		{"employees", float64(5200), "5,200"},
		{"active", true, "yes"},
		{"lifecycle", "former_customer", "Former customer"},
		{"occurred_at", "2026-03-02T11:15:00Z", "2 Mar 2026, 11:15"},
		{"people_ids", []any{float64(3), float64(8)}, "Ann Lee, #8"},
		{"name", nil, ""},
	}
	for _, c := range cases {
		if got := f.value(c.field, c.v); got != c.want {
			t.Errorf("value(%s, %v) = %q, want %q", c.field, c.v, got, c.want)
		}
	}
}

func TestTokenExpiryChoices(t *testing.T) {
	now := time.Date(2026, 1, 31, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		choice string
		want   time.Time
		ok     bool
	}{
		{"30d", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), true},
		{"90d", time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), true},
		{"1y", time.Date(2027, 1, 31, 9, 0, 0, 0, time.UTC), true},
		{"never", time.Time{}, true},
		{"forever", time.Time{}, false},
	} {
		got, ok := expiresAt(c.choice, now)
		if !got.Equal(c.want) || ok != c.ok {
			t.Errorf("expiresAt(%q) = %v %v, want %v %v", c.choice, got, ok, c.want, c.ok)
		}
	}
	var offered []string
	for _, e := range tokenExpiries {
		offered = append(offered, e.Value)
	}
	if !slices.Equal(offered, []string{"30d", "90d", "1y", "never"}) {
		t.Errorf("offered %v", offered)
	}
}

func TestClientAddressTrustsAProxyOnlyWhenTold(t *testing.T) {
	r := httptest.NewRequest("POST", "/signin", nil)
	r.RemoteAddr = "10.0.0.5:41234"
	r.Header.Add("X-Forwarded-For", "6.6.6.6, 203.0.113.9")
	if got := (&handler{}).clientAddress(r); got != "10.0.0.5" {
		t.Errorf("without TrustProxy: %q", got)
	}
	if got := (&handler{trustProxy: true}).clientAddress(r); got != "203.0.113.9" {
		t.Errorf("with TrustProxy: %q, want the address the proxy appended", got)
	}
	r.Header.Set("X-Forwarded-For", "garbage")
	if got := (&handler{trustProxy: true}).clientAddress(r); got != "10.0.0.5" {
		t.Errorf("with an unreadable header: %q", got)
	}
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{"Ann Lee": "AL", "ann": "A", "Jean-Paul de la Tour": "JT", "": "?", "élodie durand": "ÉD"} {
		if got := initials(in); got != want {
			t.Errorf("initials(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAuditEntriesSayWhatHappened(t *testing.T) {
	cases := []struct {
		e         store.AuditEntry
		what, ref string
	}{
		{store.AuditEntry{Action: "update", Entity: "account", EntityID: 12, UserID: 1}, "updated account", "#12"},
		{store.AuditEntry{Action: "create", Entity: "team_member", EntityID: 3, UserID: 1}, "created team member", "#3"},
		{store.AuditEntry{Action: "sign_in", Entity: "user", EntityID: 1, UserID: 1}, "signed in", ""},
		{store.AuditEntry{Action: "sign_in_failed", Entity: "user", EntityID: 1, UserID: 1}, "failed to sign in", ""},
		{store.AuditEntry{Action: "set_password", Entity: "user", EntityID: 1, UserID: 1}, "changed their password", ""},
		{store.AuditEntry{Action: "set_password", Entity: "user", EntityID: 5, UserID: 1}, "set the password of user", "#5"},
		{store.AuditEntry{Action: "sign_out_everywhere", Entity: "user", EntityID: 5, UserID: 1}, "signed out everywhere user", "#5"},
		{store.AuditEntry{Action: "archive_all", Entity: "org_settings", EntityID: 2}, "archive all org settings", "#2"},
	}
	for _, c := range cases {
		if what, ref := auditWhat(c.e); what != c.what || ref != c.ref {
			t.Errorf("%s %s: %q %q, want %q %q", c.e.Action, c.e.Entity, what, ref, c.what, c.ref)
		}
	}
}
