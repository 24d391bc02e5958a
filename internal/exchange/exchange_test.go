package exchange

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

func TestReaderDetectsSeparatorAndByteOrderMark(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		delim      rune
	}{
		{"comma", "name,domain\nAcme,acme.com\n", ','},
		{"semicolon with BOM", "\ufeffname;domain\nAcme;acme.com\n", ';'},
		{"semicolon, commas in quotes", "\"name, full\";domain\n\"Acme, Inc\";acme.com\n", ';'},
		{"tab", "name\tdomain\nAcme\tacme.com\n", '\t'},
		{"CRLF", "name,domain\r\nAcme,acme.com\r\n", ','},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			if r.Delimiter != tc.delim {
				t.Errorf("delimiter %q, want %q", r.Delimiter, tc.delim)
			}
			if h := r.Header(); h[1] != "domain" {
				t.Errorf("header %q", h)
			}
			rec, line, err := r.Read()
			if err != nil || line != 2 || rec[1] != "acme.com" {
				t.Errorf("record %q line %d err %v", rec, line, err)
			}
			if _, _, err := r.Read(); err != io.EOF {
				t.Errorf("want EOF, got %v", err)
			}
		})
	}
}

func TestReaderRejectsLatin1AndUTF16(t *testing.T) {
	r, err := NewReader(strings.NewReader("name\nCaf\xe9\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, line, err := r.Read(); err == nil || line != 2 || !Recoverable(err) || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("Latin-1 line: line %d err %v", line, err)
	}
	if _, err := NewReader(strings.NewReader("\xff\xfen\x00a\x00")); err == nil || !strings.Contains(err.Error(), "UTF-16") {
		t.Errorf("UTF-16: %v", err)
	}
	if _, err := NewReader(strings.NewReader("")); err == nil {
		t.Error("empty file accepted")
	}
}

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{"12500", 1250000, false}, {"12,500.50", 1250050, false}, {"1.234.567,89", 123456789, false},
		{"€ 1.234,5", 123450, false}, {"$3", 300, false}, {"12,500", 1250000, false}, {"0.5", 50, false},
		{"-3.25", -325, false}, {"abc", 0, true}, {"1.2.3", 0, true}, {"12.3456", 0, true},
	} {
		got, err := ParseMoney(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d (bad %v)", tc.in, got, err, tc.want, tc.bad)
		}
	}
	for _, v := range []int64{0, 5, 100, 1250050, -325} {
		if got, _ := ParseMoney(FormatMoney(v)); got != v {
			t.Errorf("FormatMoney(%d) = %q reads back as %d", v, FormatMoney(v), got)
		}
	}
}

func TestParseTime(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		in    string
		order string
		want  time.Time
		bad   string
	}{
		{"2025-03-04", "", day(2025, 3, 4), ""},
		{"2025-03-04T10:30:00Z", "", time.Date(2025, 3, 4, 10, 30, 0, 0, time.UTC), ""},
		{"04.03.2025", "", day(2025, 3, 4), ""},
		{"31/03/2025", "", day(2025, 3, 31), ""},
		{"03/31/2025", "", day(2025, 3, 31), ""},
		{"03/04/2025", "", time.Time{}, "ambiguous"},
		{"03/04/2025", "dmy", day(2025, 4, 3), ""},
		{"03/04/2025", "mdy", day(2025, 3, 4), ""},
		{"31/02/2025", "dmy", time.Time{}, "not a valid date"},
		{"yesterday", "", time.Time{}, "YYYY-MM-DD"},
	} {
		got, err := ParseTime(tc.in, &Options{DateOrder: tc.order})
		if tc.bad != "" {
			if err == nil || !strings.Contains(err.Error(), tc.bad) {
				t.Errorf("ParseTime(%q) error %v, want %q", tc.in, err, tc.bad)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q, %q) = %v, %v; want %v", tc.in, tc.order, got, err, tc.want)
		}
	}
}

func TestBindMapsOwnColumnsPresetsAndReportsMissingOnes(t *testing.T) {
	p, err := Bind(Accounts, []string{"Name", "Domain", "Annual Revenue", "Notes"}, Mapping{}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Ignored) != 1 || p.Ignored[0] != "Notes" {
		t.Errorf("ignored %v", p.Ignored)
	}
	var r Record
	if probs := p.Parse([]string{"Acme", "acme.com", "1,000", "x"}, 2, &r); len(probs) > 0 || r.Account.AnnualRevenue != 100000 {
		t.Errorf("parse: %v %+v", probs, r.Account)
	}
	if !r.Has("domain") || r.Has("industry") {
		t.Error("present fields wrong")
	}
	if _, err := Bind(Accounts, []string{"Company", "Web"}, Mapping{}, nil, Options{}); err == nil || !strings.Contains(err.Error(), "no column for name") {
		t.Errorf("missing name: %v", err)
	}
	if _, err := Bind(Accounts, []string{"A", "B"}, Mapping{Columns: map[string]string{"a": "name", "b": "name"}}, nil, Options{}); err == nil {
		t.Error("two columns mapped to name accepted")
	}
	if _, err := Bind(Accounts, []string{"A"}, Mapping{Columns: map[string]string{"a": "nmae"}}, nil, Options{}); err == nil || !strings.Contains(err.Error(), "not a field") {
		t.Errorf("unknown field: %v", err)
	}

	// A Salesforce opportunity report.
	header := []string{"Opportunity ID", "Opportunity Name", "Account Name", "Stage", "Amount", "Close Date", "Type", "Lead Source"}
	m, err := Preset("salesforce", Opportunities)
	if err != nil {
		t.Fatal(err)
	}
	p, err = Bind(Opportunities, header, m.ForFile(header), nil, Options{DateOrder: "mdy"})
	if err != nil {
		t.Fatal(err)
	}
	if probs := p.Parse([]string{"006A", "Big deal", "Acme", "Closed Won", "$12,000.00", "3/31/2025", "Existing Business", "Web"}, 2, &r); len(probs) > 0 {
		t.Fatal(probs)
	}
	o := r.Opportunity
	if o.ExternalID != "006A" || o.Stage != account.Won || o.Kind != account.Upsell || o.Amount != 1200000 ||
		o.ActualClose.String() != "2025-03-31" || o.ExpectedClose.String() != "2025-03-31" || r.Refs[RefAccount] != "Acme" {
		t.Errorf("salesforce opportunity = %+v refs %q", o, r.Refs)
	}
	// HubSpot contacts: first and last name make the name.
	header = []string{"Record ID", "First Name", "Last Name", "Email", "Associated Company"}
	m, _ = Preset("hubspot", Stakeholders)
	p, err = Bind(Stakeholders, header, m.ForFile(header), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if probs := p.Parse([]string{"51", "Carla", "Chief", "carla@acme.com", "Acme"}, 2, &r); len(probs) > 0 || r.Stakeholder.Name != "Carla Chief" {
		t.Errorf("hubspot contact: %v %+v", probs, r.Stakeholder)
	}
}

func TestParseReportsEveryBadFieldAndWrongFieldCounts(t *testing.T) {
	p, err := Bind(Contracts, []string{"account", "product", "start", "annual_value", "status"}, Mapping{}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var r Record
	probs := p.Parse([]string{"Acme", "X", "2025-02-30", "ten", "open"}, 7, &r)
	if len(probs) != 3 {
		t.Fatalf("problems %v", probs)
	}
	for _, pr := range probs {
		if pr.Line != 7 || pr.Column == "" {
			t.Errorf("problem %+v lacks line or column", pr)
		}
	}
	probs = p.Parse([]string{"Acme;X;2025-01-01;10;active"}, 8, &r)
	if len(probs) != 1 || !strings.Contains(probs[0].Reason, "separated") {
		t.Errorf("one-field line: %v", probs)
	}
}

func TestMappingFile(t *testing.T) {
	m, err := ParseMappingFile(strings.NewReader("# Pipedrive deals\nTitle = name\nOrganization = account\nStatus = stage\nstage: Open = prospecting\nstage: Won = won\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Columns["title"] != "name" || m.Values["stage"]["open"] != "prospecting" {
		t.Errorf("mapping %+v", m)
	}
	if _, err := ParseMappingFile(strings.NewReader("just words\n")); err == nil {
		t.Error("bad line accepted")
	}
}

func TestCustomFieldValues(t *testing.T) {
	f := CustomField{Entity: "account", Label: "Support plan", Type: "choice", Choices: []string{" Gold ", "Silver", "Gold"}}
	f.Normalize()
	if f.Key != "support_plan" || len(f.Choices) != 2 || len(f.Validate(nil)) != 0 {
		t.Fatalf("field %+v %v", f, f.Validate(nil))
	}
	if v, err := f.Value("gold", nil); err != nil || v != "Gold" {
		t.Errorf("choice = %q %v", v, err)
	}
	if _, err := f.Value("Bronze", nil); err == nil {
		t.Error("unknown choice accepted")
	}
	n := CustomField{Type: "number"}
	if v, _ := n.Value("1,500.50", nil); v != "1500.5" {
		t.Errorf("number = %q", v)
	}
	d := CustomField{Type: "date"}
	if v, _ := d.Value("31.12.2025", nil); v != "2025-12-31" {
		t.Errorf("date = %q", v)
	}
	bad := CustomField{Entity: "thing", Key: "name", Type: "x"}
	if len(bad.Validate([]string{"name"})) < 3 {
		t.Errorf("bad field passes: %v", bad.Validate([]string{"name"}))
	}
}

// FuzzImportLine feeds arbitrary bytes through the reader, binding and
// parsing: never a panic, every problem has a line.
func FuzzImportLine(f *testing.F) {
	f.Add("name;domain;annual_revenue;lifecycle\nAcme;acme.com;1.000,50;customer\n", "accounts")
	f.Add("\ufeffaccount,kind,occurred_at,summary,people\nA,call,03/04/2025,x,a@b.c;d\n", "touches")
	f.Add("account,name,stage,amount,expected_close\n\"Ac\"\"me\",D,Closed Won,\"1,5\",31.02.2025\n", "opportunities")
	f.Add("\"unterminated\nx", "people")
	f.Fuzz(func(t *testing.T, text, kind string) {
		k, err := ParseKind(kind)
		if err != nil {
			k = Accounts
		}
		rd, err := NewReader(strings.NewReader(text))
		if err != nil {
			return
		}
		m, _ := Preset("salesforce", Accounts)
		for _, mm := range []Mapping{{}, m.ForFile(rd.Header())} {
			p, err := Bind(k, rd.Header(), mm, []string{"plan"}, Options{})
			if err != nil {
				continue
			}
			var r Record
			for i := 0; i < 50; i++ {
				rec, line, err := rd.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					if !Recoverable(err) {
						break
					}
					continue
				}
				for _, pr := range p.Parse(rec, line, &r) {
					if pr.Line != line || pr.Reason == "" {
						t.Fatalf("problem %+v", pr)
					}
				}
				Values(&r, []string{"plan"}, nil)
			}
		}
	})
}
