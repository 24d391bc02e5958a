package plan

import (
	"fmt"
	"strconv"
)

// Field is one labelled value of a plan item, as text.
type Field struct {
	Name  string // "Title", "Our owner"
	Value string
}

// Item is one entry of a section flattened to fields, with its key.
type Item struct {
	Key      string
	Internal bool
	Fields   []Field
}

// Items flattens a section of the document. The situation has no items: it
// is not part of the document.
func (c Content) Items(s Section) []Item {
	var out []Item
	switch s {
	case SecSummary:
		out = append(out, Item{Key: "summary", Fields: []Field{{"Title", c.Title}, {"From", c.StartsOn.String()},
			{"Until", c.EndsOn.String()}, {"Summary", c.Summary}}})
	case SecObjectives:
		for _, o := range c.Objectives {
			vision := ""
			if o.VisionItemID != 0 {
				vision = "#" + strconv.FormatInt(o.VisionItemID, 10)
			}
			out = append(out, Item{o.Key, o.Internal, []Field{{"Objective", o.Title}, {"Detail", o.Detail}, {"Vision item", vision}}})
		}
	case SecInitiatives:
		for _, in := range c.Initiatives {
			out = append(out, Item{in.Key, in.Internal, []Field{{"Initiative", in.Title}, {"Objective", in.ObjectiveKey},
				{"Our owner", in.OurOwner}, {"Their owner", in.TheirOwner}, {"Starts", in.StartsOn.String()},
				{"Due", in.DueOn.String()}, {"Status", string(in.Status)}}})
		}
	case SecKPIs:
		for _, k := range c.KPIs {
			out = append(out, Item{k.Key, k.Internal, []Field{{"KPI", k.Name}, {"Unit", k.Unit}, {"Baseline", Number(k.Baseline)},
				{"Target", Number(k.Target)}, {"Due", k.DueOn.String()}}})
		}
	case SecRevenue:
		for _, r := range c.Revenue {
			out = append(out, Item{r.Key, r.Internal, []Field{{"Period", r.Period}, {"Amount", Minor(r.Amount) + " " + r.Currency}, {"Note", r.Note}}})
		}
	case SecRisks:
		for _, r := range c.Risks {
			out = append(out, Item{r.Key, r.Internal, []Field{{"Risk", r.Risk}, {"Mitigation", r.Mitigation}, {"Owner", r.Owner}}})
		}
	case SecResolution:
		for _, r := range c.Resolution {
			out = append(out, Item{r.Key, r.Internal, []Field{{"Who", r.Who}, {"What", r.What}, {"When", r.When}, {"How", r.How}}})
		}
	}
	return out
}

// Number writes a KPI value without trailing zeros.
func Number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Minor writes an amount in minor units as major units with two decimals.
func Minor(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Change says how an item or field differs between two versions.
type Change string

const (
	Same    Change = "same"
	Added   Change = "added"
	Removed Change = "removed"
	Changed Change = "changed"
)

// FieldDiff is one field on both sides.
type FieldDiff struct {
	Name     string
	Old, New string
	Changed  bool
}

// ItemDiff is one item on both sides, matched by key.
type ItemDiff struct {
	Key    string
	Change Change
	Fields []FieldDiff
	// Internal is true when the item is internal on either side.
	Internal bool
}

// SectionDiff is one section of the comparison.
type SectionDiff struct {
	Section Section
	Items   []ItemDiff
	// Visibility is set when the section turned internal or public.
	OldInternal, NewInternal bool
}

// Changed reports whether anything in the section differs.
func (d SectionDiff) Changed() bool {
	if d.OldInternal != d.NewInternal {
		return true
	}
	for _, it := range d.Items {
		if it.Change != Same {
			return true
		}
	}
	return false
}

// Diff compares two versions section by section, items matched by key in
// the new version's order, removed items after them in the old order.
func Diff(old, new Content) []SectionDiff {
	var out []SectionDiff
	for _, s := range Sections {
		if s == SecSituation {
			continue
		}
		d := SectionDiff{Section: s, OldInternal: old.Hidden(s), NewInternal: new.Hidden(s)}
		a, b := old.Items(s), new.Items(s)
		byKey := map[string]Item{}
		for _, it := range a {
			byKey[it.Key] = it
		}
		seen := map[string]bool{}
		for _, nb := range b {
			seen[nb.Key] = true
			oa, ok := byKey[nb.Key]
			if !ok {
				d.Items = append(d.Items, itemDiff(Item{}, nb, Added))
				continue
			}
			d.Items = append(d.Items, itemDiff(oa, nb, Same))
		}
		for _, oa := range a {
			if !seen[oa.Key] {
				d.Items = append(d.Items, itemDiff(oa, Item{}, Removed))
			}
		}
		out = append(out, d)
	}
	return out
}

func itemDiff(a, b Item, c Change) ItemDiff {
	d := ItemDiff{Key: a.Key, Change: c, Internal: a.Internal || b.Internal}
	if d.Key == "" {
		d.Key = b.Key
	}
	n := max(len(a.Fields), len(b.Fields))
	for i := range n {
		var f FieldDiff
		if i < len(a.Fields) {
			f.Name, f.Old = a.Fields[i].Name, a.Fields[i].Value
		}
		if i < len(b.Fields) {
			f.Name, f.New = b.Fields[i].Name, b.Fields[i].Value
		}
		f.Changed = c == Same && f.Old != f.New || c != Same && (f.Old != "" || f.New != "")
		if c == Same && f.Changed {
			d.Change = Changed
		}
		d.Fields = append(d.Fields, f)
	}
	if c == Same && a.Internal != b.Internal {
		d.Change = Changed
	}
	return d
}
