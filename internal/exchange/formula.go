package exchange

import "strings"

// A spreadsheet runs a cell that starts with = + - @ (or a tab or a
// carriage return) as a formula, so a CSV of text that clients and
// colleagues typed could run one when opened in Excel ("CSV injection").
// Every CSV samwise writes carries such text behind an apostrophe —
// Excel's own mark for "this is text", not shown in the cell — and every
// CSV it reads drops that apostrophe again, so an export still re-imports
// as the same records. Plain numbers ("-5", "+1.5e3") are left alone.

// Defuse returns s as a CSV cell that a spreadsheet shows as text: s with
// an apostrophe in front if it starts, after any apostrophes of its own,
// with one of = + - @ tab or carriage return and is not a plain number.
func Defuse(s string) string {
	if formulaLike(s) && !plainNumber(s) {
		return "'" + s
	}
	return s
}

// Restore undoes Defuse: Restore(Defuse(s)) == s for every s.
func Restore(s string) string {
	if len(s) > 1 && s[0] == '\'' && formulaLike(s[1:]) {
		return s[1:]
	}
	return s
}

// formulaLike reports whether s starts, after apostrophes, with a
// character that makes a spreadsheet read a formula.
func formulaLike(s string) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	return i < len(s) && strings.IndexByte("=+-@\t\r", s[i]) >= 0
}

// plainNumber reports whether s is a signed decimal number: digits, dots
// and commas after an optional sign, and an optional exponent.
func plainNumber(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == ',':
		case c == 'e' || c == 'E':
			exp := s[i+1:]
			if exp != "" && (exp[0] == '+' || exp[0] == '-') {
				exp = exp[1:]
			}
			if exp == "" {
				return false
			}
			for j := 0; j < len(exp); j++ {
				if exp[j] < '0' || exp[j] > '9' {
					return false
				}
			}
			return true
		default:
			return false
		}
	}
	return true
}
