package exchange

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// Mapping says which of a file's columns fill which fields, and how values of
// enumerations translate (a CRM's "Closed Won" → won).
type Mapping struct {
	// Columns maps a source column (as in the header, case-insensitive) to a
	// field name. The pseudo-fields first_name and last_name are joined with
	// a space into name; "-" ignores the column.
	Columns map[string]string
	// Values maps, per field, a source value (case-insensitive) to the value
	// samwise uses.
	Values map[string]map[string]string
}

// Merge returns m with o's entries added (o wins).
func (m Mapping) Merge(o Mapping) Mapping {
	out := Mapping{Columns: map[string]string{}, Values: map[string]map[string]string{}}
	for _, src := range []Mapping{m, o} {
		for k, v := range src.Columns {
			out.Columns[norm(k)] = v
		}
		for f, vm := range src.Values {
			if out.Values[f] == nil {
				out.Values[f] = map[string]string{}
			}
			for k, v := range vm {
				out.Values[f][norm(k)] = v
			}
		}
	}
	return out
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ParseMapFlag reads "Source Column=field,Other=field2" (the --map flag).
func ParseMapFlag(s string) (Mapping, error) {
	m := Mapping{Columns: map[string]string{}}
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		src, field, ok := strings.Cut(part, "=")
		if !ok || strings.TrimSpace(src) == "" || strings.TrimSpace(field) == "" {
			return Mapping{}, fmt.Errorf("--map: %q is not source_column=field", part)
		}
		m.Columns[norm(src)] = strings.TrimSpace(field)
	}
	return m, nil
}

// ParseMappingFile reads a mapping file: one "Source Column = field" per
// line, and value mappings as "field: Source value = value"; blank lines and
// lines starting with '#' are skipped.
//
//	Account Name = name
//	Stage = stage
//	stage: Closed Won = won
func ParseMappingFile(r io.Reader) (Mapping, error) {
	m := Mapping{Columns: map[string]string{}, Values: map[string]map[string]string{}}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		left, right, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(right) == "" {
			return Mapping{}, fmt.Errorf("mapping line %d: %q is not \"column = field\" or \"field: value = value\"", n, line)
		}
		right = strings.TrimSpace(right)
		if field, val, ok := strings.Cut(left, ":"); ok && !strings.Contains(field, " ") {
			f := strings.TrimSpace(field)
			if m.Values[f] == nil {
				m.Values[f] = map[string]string{}
			}
			m.Values[f][norm(val)] = right
			continue
		}
		m.Columns[norm(left)] = right
	}
	return m, sc.Err()
}

// Problem is a rejected line (or, with Line 0, a problem with the whole
// file): where, which column, and why.
type Problem struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Column != "" {
		fmt.Fprintf(&b, "%s: ", p.Column)
	}
	b.WriteString(p.Reason)
	return b.String()
}

// Parser turns a file's records into Records for one kind, following a
// mapping bound to the file's header.
type Parser struct {
	kind     Kind
	header   []string
	cols     []binding // per source column
	opts     Options
	values   map[string]map[string]string
	first    int // column index of first_name, -1 if none
	last     int
	close    int      // column index of close_date, -1 if none
	Ignored  []string // source columns no field takes
	required []int    // field indexes a new record needs
}

type binding struct {
	field  int    // index into Fields(kind), -1 for none
	custom string // custom field key
	column string // source column name, for messages
}

// Bind matches a header to a kind's fields. A column whose name is a field
// (samwise's own export format, case-insensitive, spaces as underscores) maps
// to it; the mapping's entries win. customKeys are the organisation's custom
// fields for the kind: columns named cf_<key> or <key> fill them. It fails
// when a column maps to an unknown field or two columns to the same field.
func Bind(kind Kind, header []string, m Mapping, customKeys []string, opts Options) (*Parser, error) {
	fields := fieldsOf[kind]
	if fields == nil {
		return nil, fmt.Errorf("unknown kind %q", kind)
	}
	m = Mapping{}.Merge(m)
	p := &Parser{kind: kind, header: slices.Clone(header), opts: opts, values: m.Values, first: -1, last: -1, close: -1}
	taken := map[string]string{}
	for i, h := range header {
		target, explicit := m.Columns[norm(h)]
		if !explicit {
			target = enumKey(h)
		}
		b := binding{field: -1, column: h}
		switch {
		case target == "-" || target == "":
		case target == "first_name":
			p.first = i
		case target == "last_name":
			p.last = i
		case target == "close_date" && kind == Opportunities:
			p.close = i
			target = "expected_close"
			b.field = -2
		case FieldIndex(kind, target) >= 0:
			b.field = FieldIndex(kind, target)
		case slices.Contains(customKeys, strings.TrimPrefix(target, "cf_")):
			b.custom = strings.TrimPrefix(target, "cf_")
		case explicit:
			return nil, fmt.Errorf("column %q maps to %q, which is not a field of %s (fields: %s)", h, target, kind, strings.Join(FieldNames(kind), ", "))
		}
		if b.field == -2 {
			b.field = -1
		} else if b.field < 0 && b.custom == "" && target != "first_name" && target != "last_name" {
			if h != "" {
				p.Ignored = append(p.Ignored, h)
			}
		}
		name := target
		if b.field >= 0 || b.custom != "" || i == p.close {
			if prev, dup := taken[name]; dup {
				return nil, fmt.Errorf("columns %q and %q both map to %s: map one of them to \"-\"", prev, h, name)
			}
			taken[name] = h
		}
		p.cols = append(p.cols, b)
	}
	if (p.first >= 0 || p.last >= 0) && taken["name"] == "" {
		taken["name"] = "first_name/last_name"
	}
	for _, k := range m.Columns {
		if k == "name" && (p.first >= 0 || p.last >= 0) {
			return nil, fmt.Errorf("name is mapped both from a column and from first_name/last_name")
		}
	}
	var missing []string
	for i, f := range fields {
		if f.Required {
			p.required = append(p.required, i)
			if taken[f.Name] == "" {
				missing = append(missing, f.Name)
			}
		}
	}
	// A file with external ids may update records without naming every
	// required field; lines that would create a record are then checked one
	// by one.
	if len(missing) > 0 && taken["external_id"] == "" {
		return nil, fmt.Errorf("the file has no column for %s (required for new %s): name a column so, or map one with --map \"Column=%s\"; the header has: %s",
			strings.Join(missing, ", "), kind, missing[0], strings.Join(header, ", "))
	}
	sort.Strings(p.Ignored)
	return p, nil
}

// FieldNames lists a kind's field names in export order.
func FieldNames(k Kind) []string {
	var out []string
	for _, f := range fieldsOf[k] {
		out = append(out, f.Name)
	}
	return out
}

// Kind is the kind the parser reads.
func (p *Parser) Kind() Kind { return p.kind }

// Header is the bound file's header.
func (p *Parser) Header() []string { return p.header }

// Parse fills r from one record of the file. It reports every field that
// does not parse, not just the first.
func (p *Parser) Parse(rec []string, line int, r *Record) []Problem {
	r.Reset(p.kind, line)
	fields := fieldsOf[p.kind]
	var probs []Problem
	if len(rec) != len(p.cols) && !(len(rec) < len(p.cols) && allEmpty(rec)) {
		reason := fmt.Sprintf("has %d fields but the header has %d", len(rec), len(p.cols))
		if len(rec) == 1 && len(p.cols) > 1 {
			reason += " (is the file separated by ',' or ';' like its header?)"
		} else {
			reason += " (a value with the separator or a line break needs double quotes)"
		}
		return []Problem{{Line: line, Reason: reason}}
	}
	for i, b := range p.cols {
		if i >= len(rec) {
			break
		}
		v := strings.TrimSpace(rec[i])
		if b.custom != "" {
			if r.Custom == nil {
				r.Custom = map[string]string{}
			}
			r.Custom[b.custom] = v
			continue
		}
		if b.field < 0 {
			continue
		}
		f := fields[b.field]
		if vm := p.values[f.Name]; vm != nil {
			if to, ok := vm[norm(v)]; ok {
				v = to
			}
		}
		if err := f.parse(r, v, &p.opts); err != nil {
			probs = append(probs, Problem{Line: line, Column: b.column, Reason: err.Error()})
			continue
		}
		r.Present |= 1 << b.field
	}
	if p.first >= 0 || p.last >= 0 {
		var parts []string
		for _, i := range []int{p.first, p.last} {
			if i >= 0 && i < len(rec) && strings.TrimSpace(rec[i]) != "" {
				parts = append(parts, strings.TrimSpace(rec[i]))
			}
		}
		ni := FieldIndex(p.kind, "name")
		fields[ni].parse(r, strings.Join(parts, " "), &p.opts)
		r.Present |= 1 << ni
	}
	if p.close >= 0 && p.close < len(rec) {
		v := strings.TrimSpace(rec[p.close])
		var probe Record
		probe.Kind = p.kind
		ei, ai := FieldIndex(p.kind, "expected_close"), FieldIndex(p.kind, "actual_close")
		if err := fields[ei].parse(&probe, v, &p.opts); err != nil {
			probs = append(probs, Problem{Line: line, Column: p.header[p.close], Reason: err.Error()})
		} else {
			r.Opportunity.ExpectedClose = probe.Opportunity.ExpectedClose
			r.Present |= 1 << ei
			if r.Opportunity.Stage.Closed() {
				r.Opportunity.ActualClose = probe.Opportunity.ExpectedClose
				r.Present |= 1 << ai
			}
		}
	}
	return probs
}

// Missing lists the required fields r leaves empty (checked for new records:
// an update may leave them out).
func (p *Parser) Missing(r *Record) []Problem {
	var probs []Problem
	for _, i := range p.required {
		f := fieldsOf[p.kind][i]
		if f.format(r) == "" {
			probs = append(probs, Problem{Line: r.Line, Column: p.columnOf(i), Reason: f.Name + " is required"})
		}
	}
	return probs
}

// ColumnOf returns the source column that fills field name ("" if none).
func (p *Parser) ColumnOf(name string) string {
	i := FieldIndex(p.kind, name)
	if i < 0 {
		if name == "name" && p.first >= 0 {
			return p.header[p.first]
		}
		return ""
	}
	return p.columnOf(i)
}

func (p *Parser) columnOf(field int) string {
	for _, b := range p.cols {
		if b.field == field {
			return b.column
		}
	}
	if fieldsOf[p.kind][field].Name == "name" {
		if p.first >= 0 {
			return p.header[p.first]
		}
		if p.last >= 0 {
			return p.header[p.last]
		}
	}
	return fieldsOf[p.kind][field].Name
}

func allEmpty(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}
