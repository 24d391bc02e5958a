package account

import (
	"strings"
	"testing"
	"time"
)

func fieldsOf(err error) []string {
	var out []string
	for _, f := range ErrorFields(err) {
		out = append(out, f.Field)
	}
	return out
}

func TestAccountValidation(t *testing.T) {
	id := int64(7)
	tests := []struct {
		name string
		a    Account
		want string // comma-separated fields, "" for valid
	}{
		{"a name alone is enough", Account{Name: "Acme"}, ""},
		{"the name is required", Account{}, "name"},
		{"names over 200 characters are refused", Account{Name: strings.Repeat("x", 201)}, "name"},
		{"a domain is bare", Account{Name: "A", Domain: "acme.com/x"}, "domain"},
		{"revenue and employees are not negative", Account{Name: "A", AnnualRevenue: -1, Employees: -1}, "employees,annual_revenue"},
		{"currency is an ISO code", Account{Name: "A", Currency: "usd1"}, "currency"},
		{"lifecycle is one of three", Account{Name: "A", Lifecycle: "vip"}, "lifecycle"},
		{"an account is not its own parent", Account{ID: 7, Name: "A", ParentID: &id}, "parent_id"},
		{"invalid UTF-8 is refused", Account{Name: "A\xff"}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.a.Normalize()
			err := tt.a.Validate()
			if got := strings.Join(fieldsOf(err), ","); got != tt.want {
				t.Errorf("invalid fields = %q, want %q (%v)", got, tt.want, err)
			}
			if tt.want != "" && ErrorCode(err) != EINVALID {
				t.Errorf("code = %q", ErrorCode(err))
			}
		})
	}
}

func TestNormalizeCleansInputBeforeValidation(t *testing.T) {
	a := Account{Name: "  Acme  ", Domain: " HTTPS://Acme.COM/ ", Currency: " eur "}
	a.Normalize()
	if a.Name != "Acme" || a.Domain != "acme.com" || a.Currency != "EUR" || a.Lifecycle != Prospect {
		t.Errorf("normalised = %+v", a)
	}
	tc := Touch{PeopleIDs: []int64{3, 3, 1}, StakeholderIDs: nil}
	tc.Normalize()
	if len(tc.PeopleIDs) != 2 || tc.StakeholderIDs == nil {
		t.Errorf("touch attendees = %v %v", tc.PeopleIDs, tc.StakeholderIDs)
	}
}

func TestRecordRules(t *testing.T) {
	day := Date{2026, 1, 31}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a stakeholder needs an account and a name", (&Stakeholder{Level: Executive, BuyingRole: Champion}).Validate(), "account_id,name"},
		{"a stakeholder's e-mail is an address", (&Stakeholder{AccountID: 1, Name: "S", Email: "not-mail", Level: Executive, BuyingRole: Champion}).Validate(), "email"},
		{"a person needs an e-mail", (&Person{Name: "P"}).Validate(), "email"},
		{"a touch needs a kind, a time and a summary", (&Touch{AccountID: 1}).Validate(), "kind,occurred_at,summary"},
		{"a won opportunity has a close date", (&Opportunity{AccountID: 1, Name: "O", Kind: NewBusiness, Stage: Won, Currency: "USD"}).Validate(), "actual_close"},
		{"an open opportunity has none", (&Opportunity{AccountID: 1, Name: "O", Kind: NewBusiness, Stage: Proposal, Currency: "USD", ActualClose: day}).Validate(), "actual_close"},
		{"a contract ends after it starts", (&Contract{AccountID: 1, Product: "P", Currency: "USD", Status: ContractActive, Start: day, End: Date{2026, 1, 1}}).Validate(), "end"},
		{"a valid touch", (&Touch{AccountID: 1, Kind: Call, OccurredAt: time.Now(), Summary: "Hi"}).Validate(), ""},
	}
	for _, tt := range tests {
		if got := strings.Join(fieldsOf(tt.err), ","); got != tt.want {
			t.Errorf("%s: fields %q, want %q (%v)", tt.name, got, tt.want, tt.err)
		}
	}
}

func TestDates(t *testing.T) {
	d, err := ParseDate("2028-02-28")
	if err != nil || d.AddDays(1).String() != "2028-02-29" || d.AddDays(2).String() != "2028-03-01" {
		t.Errorf("leap-year arithmetic: %v %v", d, err)
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("30 February accepted")
	}
	if z, err := ParseDate(""); err != nil || !z.IsZero() || z.String() != "" {
		t.Errorf("empty date: %v %v", z, err)
	}
	if (Date{2026, 3, 1}).DaysSince(Date{2026, 2, 1}) != 28 {
		t.Error("DaysSince across February")
	}
	if Label(SeniorManagement) != "Senior management" {
		t.Errorf("label = %q", Label(SeniorManagement))
	}
}

// FuzzParseDate checks the date parser never panics and round-trips what it
// accepts.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-01-31", "", "2026-13-01", "x", "0000-00-00", "2028-02-29"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil || s == "" {
			return
		}
		back, err := ParseDate(d.String())
		if err != nil || back != d {
			t.Errorf("%q → %v → %q → %v %v", s, d, d.String(), back, err)
		}
	})
}
