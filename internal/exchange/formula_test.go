package exchange

import "testing"

func TestDefuseAndRestore(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"", ""},
		{"Kick-off", "Kick-off"},
		{"=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"},
		{"+1 555 0100", "'+1 555 0100"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"-", "'-"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"-5", "-5"},
		{"+1.5e3", "+1.5e3"},
		{"-1,250.00", "-1,250.00"},
		{"-1e", "'-1e"},
		{"-1+2", "'-1+2"},
		{"-Inf", "'-Inf"},
		{"'=x", "''=x"},
		{"'-5", "''-5"},
		{"'abc", "'abc"},
		{"'", "'"},
		{"2025-03-01", "2025-03-01"},
	} {
		if got := Defuse(tc.in); got != tc.out {
			t.Errorf("Defuse(%q) = %q, want %q", tc.in, got, tc.out)
		}
		if got := Restore(tc.out); got != tc.in {
			t.Errorf("Restore(%q) = %q, want %q", tc.out, got, tc.in)
		}
	}
	// An apostrophe before a formula in someone else's file is Excel's text
	// mark: it goes.
	if got := Restore("'=x"); got != "=x" {
		t.Errorf("Restore('=x) = %q", got)
	}
}

// FuzzDefuse: Restore undoes Defuse, and what Defuse returns never starts
// a formula unless it is a plain number.
func FuzzDefuse(f *testing.F) {
	for _, s := range []string{"", "=1+1", "'=x", "-5", "''-5", "@", "-1e+5", "a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := Defuse(s)
		if got := Restore(d); got != s {
			t.Fatalf("Restore(Defuse(%q)) = %q (via %q)", s, got, d)
		}
		if d != "" && d[0] != '\'' && formulaLike(d) && !plainNumber(d) {
			t.Fatalf("Defuse(%q) = %q starts a formula", s, d)
		}
	})
}
