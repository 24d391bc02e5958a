package exchange

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
)

// Kind is a kind of record that can be imported and exported.
type Kind string

const (
	Accounts      Kind = "accounts"
	Stakeholders  Kind = "stakeholders"
	People        Kind = "people"
	Touches       Kind = "touches"
	Opportunities Kind = "opportunities"
	Contracts     Kind = "contracts"
	Products      Kind = "products"
)

// Kinds lists every kind, in the order a whole installation is imported
// (referenced records first).
var Kinds = []Kind{People, Accounts, Stakeholders, Touches, Opportunities, Contracts, Products}

// ParseKind checks a kind name (singular accepted).
func ParseKind(s string) (Kind, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, k := range Kinds {
		if s == string(k) || s+"s" == string(k) || (k == People && s == "person") {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown kind %q: use one of accounts, stakeholders, people, touches, opportunities, contracts, products", s)
}

// Ref slots: which referenced record a reference column names.
const (
	RefAccount = iota // the account a stakeholder, touch, opportunity or contract belongs to
	RefOwner          // an account's or opportunity's owner (a person)
	RefParent         // an account's parent account
	RefManager        // a person's manager
	refSlots
)

// RefEntity says what each reference slot points to.
var RefEntity = [refSlots]Kind{RefAccount: Accounts, RefOwner: People, RefParent: Accounts, RefManager: People}

// Record is one parsed line: the record of its kind with every mapped
// column's value, the references still as text (the store resolves them),
// and which fields the file gave (an update changes only those).
type Record struct {
	Kind        Kind
	Line        int
	Account     account.Account
	Stakeholder account.Stakeholder
	Person      account.Person
	Touch       account.Touch
	Opportunity account.Opportunity
	Contract    account.Contract
	Product     intel.Product
	// ProductExternalID is a product's id in another system (products
	// keep it beside the catalog's own fields).
	ProductExternalID string
	// Refs holds reference columns as written: an external id, a domain or
	// e-mail address, or a name.
	Refs [refSlots]string
	// PeopleRefs and StakeholderRefs are a touch's attendees (e-mail
	// addresses, external ids or names, separated by ';' or '|').
	PeopleRefs, StakeholderRefs []string
	// Custom holds custom field values by key.
	Custom map[string]string
	// Present has bit i set when field i of the kind's field list was mapped.
	Present uint64
}

// Reset clears r for reuse.
func (r *Record) Reset(kind Kind, line int) {
	custom := r.Custom
	clear(custom)
	*r = Record{Kind: kind, Line: line, Custom: custom}
}

// Has reports whether the field named name was given.
func (r *Record) Has(name string) bool {
	i := FieldIndex(r.Kind, name)
	return i >= 0 && r.Present&(1<<i) != 0
}

// Field is one column of a kind: its name in samwise's export format, how
// text becomes its value, and how an update copies it onto a stored record.
type Field struct {
	Name     string
	Required bool   // a new record needs it
	Help     string // the accepted values, for documentation and errors
	Ref      int    // reference slot + 1, 0 if not a reference
	parse    func(r *Record, s string, o *Options) error
	copy     func(dst, src *Record)
	format   func(r *Record) string
}

// Options tune how text is read.
type Options struct {
	// DateOrder resolves dates such as 03/04/2025: "dmy" or "mdy"; empty
	// rejects them as ambiguous unless one part is above 12.
	DateOrder string
	// Location is the zone of instants written without one (UTC if nil).
	Location *time.Location
}

func strField(name string, required bool, acc func(*Record) *string) Field {
	return Field{Name: name, Required: required,
		parse:  func(r *Record, s string, _ *Options) error { *acc(r) = s; return nil },
		copy:   func(d, s *Record) { *acc(d) = *acc(s) },
		format: func(r *Record) string { return *acc(r) }}
}

func intField(name string, acc func(*Record) *int64) Field {
	return Field{Name: name, Help: "a whole number",
		parse: func(r *Record, s string, _ *Options) error {
			if s == "" {
				*acc(r) = 0
				return nil
			}
			v, err := ParseMoney(s)
			if err != nil || v%100 != 0 {
				return fmt.Errorf("%q is not a whole number", s)
			}
			*acc(r) = v / 100
			return nil
		},
		copy:   func(d, s *Record) { *acc(d) = *acc(s) },
		format: func(r *Record) string { return strconv.FormatInt(*acc(r), 10) }}
}

func moneyField(name string, acc func(*Record) *int64) Field {
	return Field{Name: name, Help: "an amount such as 12500 or 12,500.00",
		parse: func(r *Record, s string, _ *Options) error {
			if s == "" {
				*acc(r) = 0
				return nil
			}
			v, err := ParseMoney(s)
			if err != nil {
				return err
			}
			*acc(r) = v
			return nil
		},
		copy:   func(d, s *Record) { *acc(d) = *acc(s) },
		format: func(r *Record) string { return FormatMoney(*acc(r)) }}
}

func dateField(name string, required bool, acc func(*Record) *account.Date) Field {
	return Field{Name: name, Required: required, Help: "a date such as 2025-03-31",
		parse: func(r *Record, s string, o *Options) error {
			if s == "" {
				*acc(r) = account.Date{}
				return nil
			}
			t, err := ParseTime(s, o)
			if err != nil {
				return err
			}
			*acc(r) = account.DateOf(t)
			return nil
		},
		copy: func(d, s *Record) { *acc(d) = *acc(s) },
		format: func(r *Record) string {
			if acc(r).IsZero() {
				return ""
			}
			return acc(r).String()
		}}
}

func instantField(name string, required bool, acc func(*Record) *time.Time) Field {
	return Field{Name: name, Required: required, Help: "a date or time such as 2025-03-31 or 2025-03-31T14:30:00Z",
		parse: func(r *Record, s string, o *Options) error {
			if s == "" {
				*acc(r) = time.Time{}
				return nil
			}
			t, err := ParseTime(s, o)
			if err != nil {
				return err
			}
			*acc(r) = t.UTC()
			return nil
		},
		copy: func(d, s *Record) { *acc(d) = *acc(s) },
		format: func(r *Record) string {
			if acc(r).IsZero() {
				return ""
			}
			return acc(r).UTC().Format(time.RFC3339Nano)
		}}
}

func boolField(name string, acc func(*Record) *bool) Field {
	return Field{Name: name, Help: "yes or no",
		parse: func(r *Record, s string, _ *Options) error {
			v, err := ParseBool(s)
			if err != nil {
				return err
			}
			*acc(r) = v
			return nil
		},
		copy: func(d, s *Record) { *acc(d) = *acc(s) },
		format: func(r *Record) string {
			if *acc(r) {
				return "yes"
			}
			return "no"
		}}
}

func enumField[T ~string](name string, all []T, acc func(*Record) *T) Field {
	names := make([]string, len(all))
	for i, v := range all {
		names[i] = string(v)
	}
	help := "one of " + strings.Join(names, ", ")
	return Field{Name: name, Help: help,
		parse: func(r *Record, s string, _ *Options) error {
			if s == "" {
				*acc(r) = ""
				return nil
			}
			k := enumKey(s)
			for _, v := range all {
				if string(v) == k {
					*acc(r) = v
					return nil
				}
			}
			return fmt.Errorf("unknown value %q: use %s, or map it with a value mapping", s, help)
		},
		copy:   func(d, s *Record) { *acc(d) = *acc(s) },
		format: func(r *Record) string { return string(*acc(r)) }}
}

// enumKey turns a label such as "Senior management" or "Cross-sell" into the
// value's spelling ("senior_management", "cross_sell").
func enumKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return enumSpaces.Replace(s)
}

var enumSpaces = strings.NewReplacer(" ", "_", "-", "_")

func refField(name string, slot int, required bool) Field {
	return Field{Name: name, Required: required, Ref: slot + 1,
		Help:   "an external id, " + map[Kind]string{Accounts: "domain", People: "e-mail address"}[RefEntity[slot]] + " or name",
		parse:  func(r *Record, s string, _ *Options) error { r.Refs[slot] = s; return nil },
		copy:   func(d, s *Record) { d.Refs[slot] = s.Refs[slot] },
		format: func(r *Record) string { return r.Refs[slot] }}
}

func listField(name string, acc func(*Record) *[]string) Field {
	return Field{Name: name, Help: "e-mail addresses separated by ';'",
		parse: func(r *Record, s string, _ *Options) error {
			*acc(r) = splitList(s)
			return nil
		},
		copy:   func(d, s *Record) { *acc(d) = *acc(s) },
		format: func(r *Record) string { return strings.Join(*acc(r), "; ") }}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' || r == '\n' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// fieldsOf is each kind's columns, in export order. Names are samwise's
// export format: a file with these headers imports without a mapping.
var fieldsOf = map[Kind][]Field{
	People: {
		strField("external_id", false, func(r *Record) *string { return &r.Person.ExternalID }),
		strField("name", true, func(r *Record) *string { return &r.Person.Name }),
		strField("email", true, func(r *Record) *string { return &r.Person.Email }),
		strField("title", false, func(r *Record) *string { return &r.Person.Title }),
		refField("manager", RefManager, false),
	},
	Accounts: {
		strField("external_id", false, func(r *Record) *string { return &r.Account.ExternalID }),
		strField("name", true, func(r *Record) *string { return &r.Account.Name }),
		strField("domain", false, func(r *Record) *string { return &r.Account.Domain }),
		strField("industry", false, func(r *Record) *string { return &r.Account.Industry }),
		intField("employees", func(r *Record) *int64 { return &r.Account.Employees }),
		moneyField("annual_revenue", func(r *Record) *int64 { return &r.Account.AnnualRevenue }),
		strField("currency", false, func(r *Record) *string { return &r.Account.Currency }),
		strField("region", false, func(r *Record) *string { return &r.Account.Region }),
		strField("country", false, func(r *Record) *string { return &r.Account.Country }),
		enumField("lifecycle", account.Lifecycles, func(r *Record) *account.Lifecycle { return &r.Account.Lifecycle }),
		refField("parent", RefParent, false),
		refField("owner", RefOwner, false),
	},
	Stakeholders: {
		strField("external_id", false, func(r *Record) *string { return &r.Stakeholder.ExternalID }),
		refField("account", RefAccount, true),
		strField("name", true, func(r *Record) *string { return &r.Stakeholder.Name }),
		strField("title", false, func(r *Record) *string { return &r.Stakeholder.Title }),
		strField("email", false, func(r *Record) *string { return &r.Stakeholder.Email }),
		strField("phone", false, func(r *Record) *string { return &r.Stakeholder.Phone }),
		enumField("level", account.Levels, func(r *Record) *account.Level { return &r.Stakeholder.Level }),
		enumField("buying_role", account.BuyingRoles, func(r *Record) *account.BuyingRole { return &r.Stakeholder.BuyingRole }),
		boolField("active", func(r *Record) *bool { return &r.Stakeholder.Active }),
	},
	Touches: {
		refField("account", RefAccount, true),
		enumField("kind", account.TouchKinds, func(r *Record) *account.TouchKind { return &r.Touch.Kind }),
		instantField("occurred_at", true, func(r *Record) *time.Time { return &r.Touch.OccurredAt }),
		strField("summary", true, func(r *Record) *string { return &r.Touch.Summary }),
		strField("next_step", false, func(r *Record) *string { return &r.Touch.NextStep }),
		listField("people", func(r *Record) *[]string { return &r.PeopleRefs }),
		listField("stakeholders", func(r *Record) *[]string { return &r.StakeholderRefs }),
	},
	Opportunities: {
		strField("external_id", false, func(r *Record) *string { return &r.Opportunity.ExternalID }),
		refField("account", RefAccount, true),
		strField("name", true, func(r *Record) *string { return &r.Opportunity.Name }),
		strField("product", false, func(r *Record) *string { return &r.Opportunity.Product }),
		enumField("kind", account.OpportunityKinds, func(r *Record) *account.OpportunityKind { return &r.Opportunity.Kind }),
		enumField("stage", account.Stages, func(r *Record) *account.Stage { return &r.Opportunity.Stage }),
		moneyField("amount", func(r *Record) *int64 { return &r.Opportunity.Amount }),
		strField("currency", false, func(r *Record) *string { return &r.Opportunity.Currency }),
		dateField("expected_close", false, func(r *Record) *account.Date { return &r.Opportunity.ExpectedClose }),
		dateField("actual_close", false, func(r *Record) *account.Date { return &r.Opportunity.ActualClose }),
		refField("owner", RefOwner, false),
	},
	Contracts: {
		strField("external_id", false, func(r *Record) *string { return &r.Contract.ExternalID }),
		refField("account", RefAccount, true),
		strField("product", true, func(r *Record) *string { return &r.Contract.Product }),
		moneyField("annual_value", func(r *Record) *int64 { return &r.Contract.AnnualValue }),
		strField("currency", false, func(r *Record) *string { return &r.Contract.Currency }),
		dateField("start", true, func(r *Record) *account.Date { return &r.Contract.Start }),
		dateField("end", false, func(r *Record) *account.Date { return &r.Contract.End }),
		boolField("auto_renew", func(r *Record) *bool { return &r.Contract.AutoRenew }),
		enumField("status", account.ContractStatuses, func(r *Record) *account.ContractStatus { return &r.Contract.Status }),
	},
	Products: {
		strField("external_id", false, func(r *Record) *string { return &r.ProductExternalID }),
		strField("name", true, func(r *Record) *string { return &r.Product.Name }),
		strField("family", false, func(r *Record) *string { return &r.Product.Family }),
		moneyField("list_price", func(r *Record) *int64 { return &r.Product.ListPrice }),
		strField("currency", false, func(r *Record) *string { return &r.Product.Currency }),
		strField("description", false, func(r *Record) *string { return &r.Product.Description }),
		boolField("retired", func(r *Record) *bool { return &r.Product.Retired }),
	},
}

// Fields returns a kind's columns in export order.
func Fields(k Kind) []Field { return fieldsOf[k] }

// FieldIndex returns the position of a field in Fields(k), or -1.
func FieldIndex(k Kind, name string) int {
	for i, f := range fieldsOf[k] {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// CopyPresent copies onto dst (a stored record) every field src gives: an
// update changes only the columns the file has.
func CopyPresent(dst, src *Record) {
	for i, f := range fieldsOf[src.Kind] {
		if src.Present&(1<<i) != 0 {
			f.copy(dst, src)
		}
	}
	for k, v := range src.Custom {
		if dst.Custom == nil {
			dst.Custom = map[string]string{}
		}
		dst.Custom[k] = v
	}
}

// Format returns the export text of every field of r, in Fields order.
func Format(r *Record, out []string) []string {
	out = out[:0]
	for _, f := range fieldsOf[r.Kind] {
		out = append(out, f.format(r))
	}
	return out
}

// ParseMoney reads an amount in major units ("12,500.50", "€ 1.234,56",
// "-3") as minor units (cents). The last of '.' or ',' is the decimal
// separator when one to two digits follow it and it occurs once; otherwise
// both are thousands separators.
func ParseMoney(s string) (int64, error) {
	orig := s
	s = strings.TrimSpace(s)
	s = strings.TrimFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9') && r != '-' && r != '.' && r != ','
	})
	s = strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), "\u00a0", "")
	if s == "" {
		return 0, fmt.Errorf("%q is not an amount", orig)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac := s, ""
	if i := strings.LastIndexAny(s, ".,"); i >= 0 {
		sep := s[i]
		tail := s[i+1:]
		if len(tail) >= 1 && len(tail) <= 2 && strings.Count(s, string(sep)) == 1 {
			intPart, frac = s[:i], tail
		} else if len(tail) != 3 {
			return 0, fmt.Errorf("%q is not an amount", orig)
		}
	}
	intPart = strings.NewReplacer(",", "", ".", "").Replace(intPart)
	if intPart == "" {
		intPart = "0"
	}
	for _, c := range intPart + frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not an amount", orig)
		}
	}
	whole, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || whole > math.MaxInt64/100-1 {
		return 0, fmt.Errorf("%q is too large", orig)
	}
	cents := whole * 100
	if frac != "" {
		f, _ := strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
		cents += f
	}
	if neg {
		cents = -cents
	}
	return cents, nil
}

// FormatMoney writes minor units as a plain decimal ("12500.50", "3").
func FormatMoney(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	if v%100 == 0 {
		return sign + strconv.FormatInt(v/100, 10)
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// ParseBool reads yes/no, true/false, 1/0, y/n, x/empty.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y", "true", "t", "1", "x", "on", "ja", "oui":
		return true, nil
	case "no", "n", "false", "f", "0", "", "off", "nein", "non":
		return false, nil
	}
	return false, fmt.Errorf("%q is not yes or no", s)
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02", "2006/01/02", "2006-1-2", "20060102"}

// ParseTime reads a date or an instant. ISO forms are always accepted;
// day.month.year (dots) is read as such; d/m/y or m/d/y only with
// Options.DateOrder or when a part above 12 makes it unambiguous.
func ParseTime(s string, o *Options) (time.Time, error) {
	s = strings.TrimSpace(s)
	loc := time.UTC
	if o != nil && o.Location != nil {
		loc = o.Location
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	date, rest, _ := strings.Cut(s, " ")
	clock := strings.TrimSpace(rest)
	var parts []string
	var order string
	switch {
	case strings.Count(date, ".") == 2:
		parts, order = strings.Split(date, "."), "dmy"
	case strings.Count(date, "/") == 2:
		parts = strings.Split(date, "/")
		if o != nil {
			order = o.DateOrder
		}
	default:
		return time.Time{}, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD", s)
	}
	n := make([]int, 3)
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD", s)
		}
		n[i] = v
	}
	if order == "" {
		switch {
		case n[0] > 12 && n[1] <= 12:
			order = "dmy"
		case n[1] > 12 && n[0] <= 12:
			order = "mdy"
		default:
			return time.Time{}, fmt.Errorf("%q is ambiguous (day/month or month/day?): write it as YYYY-MM-DD or give --date-order dmy|mdy", s)
		}
	}
	d, m, y := n[0], n[1], n[2]
	if order == "mdy" {
		d, m = n[1], n[0]
	}
	if y < 100 {
		y += 2000
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if t.Day() != d || int(t.Month()) != m || m < 1 || m > 12 {
		return time.Time{}, fmt.Errorf("%q is not a valid date", s)
	}
	if clock != "" {
		c, err := time.Parse("15:04", clock)
		if err != nil {
			if c, err = time.Parse("15:04:05", clock); err != nil {
				return time.Time{}, fmt.Errorf("%q has a time that is not HH:MM", s)
			}
		}
		t = t.Add(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute + time.Duration(c.Second())*time.Second)
	}
	return t, nil
}
