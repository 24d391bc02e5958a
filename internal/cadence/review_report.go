package cadence

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
)

// The Operations Review Report ("what we have done for you lately") goes
// with each business review. It is compiled from what samwise knows of the
// review's period — touches, won opportunities, contracts and the account
// team's deliverables — and closes with the team's recommendations.
//
// A Report is a plain list of sections so that later features add theirs
// (problems resolved, plan initiatives delivered) by appending a Section
// before rendering; the page, the Markdown and the PDF all render the same
// list in order.

// Report is an Operations Review Report.
type Report struct {
	Title    string
	Account  string
	Review   Review
	From, To account.Date // the period covered, inclusive
	Sections []Section
}

// Section is one part of a report: a few headline figures, then items.
type Section struct {
	Key     string // stable, for anchors and tests: "summary", "touches", ...
	Title   string
	Intro   string
	Figures []Figure
	Items   []Item
	Text    string // free text (e.g. the recommendations), kept as typed
	Empty   string // shown when the section has neither figures, items nor text
}

// Figure is one headline number.
type Figure struct{ Label, Value string }

// Item is one line of a section.
type Item struct {
	Day    account.Date // zero when not dated
	Title  string
	Detail string
}

// ReportTouch is a touch of the period as the report shows it.
type ReportTouch struct {
	Day     account.Date
	Kind    string // label
	Summary string
	With    []string // stakeholders present
}

// ReportDeal is a won opportunity.
type ReportDeal struct {
	Name, Product string
	Amount        int64 // minor units
	Currency      string
	ClosedOn      account.Date
}

// ReportContract is a contract that was active during the period.
type ReportContract struct {
	Product     string
	AnnualValue int64 // minor units per year
	Currency    string
	Start, End  account.Date
	Status      string
	AutoRenew   bool
}

// ReportDeliverable is an account-team deliverable brought up to date.
type ReportDeliverable struct {
	Role, Title string
	UpdatedOn   account.Date
}

// ReportInput is what the report is compiled from.
type ReportInput struct {
	Account      string
	Review       Review
	From, To     account.Date
	Touches      []ReportTouch
	Won          []ReportDeal
	Contracts    []ReportContract
	Deliverables []ReportDeliverable
	// Money formats minor units of a currency (the web's formatter).
	Money func(minor int64, currency string) string
}

// BuildReport compiles the report's standard sections: a summary, the
// touches, the new business won, the contracts and service, the team's
// deliverables, then the review's agenda, outcome and recommendations.
func BuildReport(in ReportInput) Report {
	money := in.Money
	if money == nil {
		money = func(minor int64, cur string) string { return fmt.Sprintf("%s %.2f", cur, float64(minor)/100) }
	}
	r := Report{Title: "Operations Review Report", Account: in.Account, Review: in.Review, From: in.From, To: in.To}

	touches := slices.Clone(in.Touches)
	slices.SortStableFunc(touches, func(a, b ReportTouch) int { return cmp.Compare(b.Day.String(), a.Day.String()) })
	won := slices.Clone(in.Won)
	slices.SortStableFunc(won, func(a, b ReportDeal) int { return cmp.Compare(b.ClosedOn.String(), a.ClosedOn.String()) })

	wonTotal := sumByCurrency(len(won), func(i int) (int64, string) { return won[i].Amount, won[i].Currency }, money)
	arr := sumByCurrency(len(in.Contracts), func(i int) (int64, string) {
		c := in.Contracts[i]
		return c.AnnualValue, c.Currency
	}, money)
	people := map[string]bool{}
	for _, t := range touches {
		for _, w := range t.With {
			people[w] = true
		}
	}
	r.Sections = append(r.Sections, Section{Key: "summary", Title: "At a glance",
		Figures: []Figure{
			{"Touches", fmt.Sprint(len(touches))},
			{"Your people we met", fmt.Sprint(len(people))},
			{"New business won", cmp.Or(wonTotal, "none")},
			{"Contracts in service", fmt.Sprint(len(in.Contracts))},
			{"Annual contract value", cmp.Or(arr, "none")},
			{"Deliverables updated", fmt.Sprint(len(in.Deliverables))},
		}})

	s := Section{Key: "touches", Title: "Working together", Empty: "No touches were recorded in the period."}
	for _, t := range touches {
		it := Item{Day: t.Day, Title: t.Kind + ": " + t.Summary}
		if len(t.With) > 0 {
			it.Detail = "With " + strings.Join(t.With, ", ")
		}
		s.Items = append(s.Items, it)
	}
	r.Sections = append(r.Sections, s)

	s = Section{Key: "won", Title: "New business", Empty: "No opportunities were won in the period."}
	for _, d := range won {
		it := Item{Day: d.ClosedOn, Title: d.Name, Detail: money(d.Amount, d.Currency)}
		if d.Product != "" {
			it.Detail = d.Product + " · " + it.Detail
		}
		s.Items = append(s.Items, it)
	}
	r.Sections = append(r.Sections, s)

	s = Section{Key: "contracts", Title: "Contracts and service", Empty: "No contract was in force during the period."}
	for _, c := range in.Contracts {
		detail := money(c.AnnualValue, c.Currency) + " a year · " + c.Status + " since " + c.Start.String()
		if !c.End.IsZero() {
			detail += ", until " + c.End.String()
			if c.AutoRenew {
				detail += " (renews automatically)"
			}
		}
		s.Items = append(s.Items, Item{Title: c.Product, Detail: detail})
	}
	r.Sections = append(r.Sections, s)

	s = Section{Key: "deliverables", Title: "Your account team's work", Empty: "No account-team deliverable was updated in the period."}
	for _, d := range in.Deliverables {
		s.Items = append(s.Items, Item{Day: d.UpdatedOn, Title: d.Title, Detail: d.Role})
	}
	r.Sections = append(r.Sections, s)

	rv := in.Review
	r.Sections = append(r.Sections,
		Section{Key: "agenda", Title: "Agenda", Text: rv.Agenda, Empty: "No agenda recorded yet."},
		Section{Key: "outcome", Title: "Outcome", Text: rv.Outcome, Empty: "Recorded once the review is held."},
		Section{Key: "recommendations", Title: "Our recommendations", Text: rv.Recommendations,
			Empty: "The account team has not written its recommendations yet."})
	return r
}

// Add inserts a section before the closing ones (agenda, outcome,
// recommendations), where later features' sections belong.
func (r *Report) Add(s Section) {
	i := slices.IndexFunc(r.Sections, func(x Section) bool { return x.Key == "agenda" })
	if i < 0 {
		r.Sections = append(r.Sections, s)
		return
	}
	r.Sections = slices.Insert(r.Sections, i, s)
}

// Section returns the section with key, if any.
func (r Report) Section(key string) (Section, bool) {
	for _, s := range r.Sections {
		if s.Key == key {
			return s, true
		}
	}
	return Section{}, false
}

// IsEmpty reports whether the section has nothing to show but its Empty text.
func (s Section) IsEmpty() bool { return len(s.Figures) == 0 && len(s.Items) == 0 && s.Text == "" }

func sumByCurrency(n int, at func(int) (int64, string), money func(int64, string) string) string {
	sums := map[string]int64{}
	var order []string
	for i := range n {
		v, c := at(i)
		if _, ok := sums[c]; !ok {
			order = append(order, c)
		}
		sums[c] += v
	}
	parts := make([]string, 0, len(order))
	for _, c := range order {
		parts = append(parts, money(sums[c], c))
	}
	return strings.Join(parts, " + ")
}

// Markdown renders the report as CommonMark. Text typed by people is kept
// as typed but indented under its heading; markup characters in titles are
// escaped so that a summary cannot become a heading or a link.
func (r Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n\n", r.Title, mdEscape(r.Account))
	fmt.Fprintf(&b, "%s on %s. Period covered: %s to %s.\n", r.Review.Kind.Label(), r.Review.Day(), r.From, r.To)
	for _, s := range r.Sections {
		fmt.Fprintf(&b, "\n## %s\n\n", mdEscape(s.Title))
		if s.Intro != "" {
			fmt.Fprintf(&b, "%s\n\n", mdEscape(s.Intro))
		}
		if s.IsEmpty() {
			fmt.Fprintf(&b, "_%s_\n", mdEscape(s.Empty))
			continue
		}
		if len(s.Figures) > 0 {
			b.WriteString("| Figure | Value |\n|---|---|\n")
			for _, f := range s.Figures {
				fmt.Fprintf(&b, "| %s | %s |\n", mdCell(f.Label), mdCell(f.Value))
			}
			if len(s.Items) > 0 || s.Text != "" {
				b.WriteString("\n")
			}
		}
		for _, it := range s.Items {
			b.WriteString("- ")
			if !it.Day.IsZero() {
				fmt.Fprintf(&b, "%s: ", it.Day)
			}
			b.WriteString("**" + mdEscape(it.Title) + "**")
			if it.Detail != "" {
				b.WriteString(" — " + mdEscape(it.Detail))
			}
			b.WriteString("\n")
		}
		if s.Text != "" {
			for _, line := range strings.Split(strings.ReplaceAll(s.Text, "\r\n", "\n"), "\n") {
				b.WriteString(mdEscape(line) + "\n")
			}
		}
	}
	return b.String()
}

var mdReplacer = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "#", `\#`, "|", `\|`)

func mdEscape(s string) string {
	s = mdReplacer.Replace(strings.TrimRight(s, " \t"))
	// A line starting with a list marker or a numbered item would become a
	// list; escape the marker.
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		s = `\` + s
	}
	return s
}

func mdCell(s string) string { return strings.ReplaceAll(mdEscape(s), "\n", " ") }
