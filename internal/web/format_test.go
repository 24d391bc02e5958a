package web

import (
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

func TestMoneyCompactReadsAtAGlance(t *testing.T) {
	cases := []struct {
		minor    int64
		currency string
		want     string
	}{
		{0, "USD", "$0"},
		{950_00, "USD", "$950"},
		{9_999_49, "USD", "$9,999"},
		{12_400_00, "USD", "$12.4K"},
		{12_400_000_00, "USD", "$12.4M"},
		{12_460_000_00, "USD", "$12.4M"}, // rounds down, never overstates
		{999_960_00, "USD", "$999.9K"},
		{3_000_000_000_00, "EUR", "€3B"},
		{1_500_000_00, "GBP", "£1.5M"},
		{2_500_000_00, "CHF", "CHF 2.5M"},
		{2_500_000, "JPY", "JPY 2.5M"}, // yen have no minor unit
		{-12_400_000_00, "USD", "-$12.4M"},
		{12_400_000_00, "", "$12.4M"}, // unset means the store's default, USD
	}
	for _, c := range cases {
		if got := moneyCompact(c.minor, c.currency); got != c.want {
			t.Errorf("moneyCompact(%d, %q) = %q, want %q", c.minor, c.currency, got, c.want)
		}
	}
}

func TestMoneyFullIsExact(t *testing.T) {
	cases := []struct {
		minor    int64
		currency string
		want     string
	}{
		{12_400_000_00, "USD", "$12,400,000.00"},
		{5, "EUR", "€0.05"},
		{-1_234_56, "USD", "-$1,234.56"},
		{2_500_000, "JPY", "JPY 2,500,000"},
	}
	for _, c := range cases {
		if got := moneyFull(c.minor, c.currency); got != c.want {
			t.Errorf("moneyFull(%d, %q) = %q, want %q", c.minor, c.currency, got, c.want)
		}
	}
}

func TestParseMoneyReadsWhatPeopleType(t *testing.T) {
	cases := []struct {
		in       string
		currency string
		want     int64
		err      bool
	}{
		{"", "USD", 0, false},
		{"12400000", "USD", 12_400_000_00, false},
		{"12,400,000", "USD", 12_400_000_00, false},
		{"$ 1,250.5", "USD", 1_250_50, false},
		{"1250.55", "EUR", 1_250_55, false},
		{".5", "USD", 50, false},
		{"1.234", "USD", 0, true},
		{"2500000", "JPY", 2_500_000, false},
		{"2500000.5", "JPY", 0, true},
		{"lots", "USD", 0, true},
		{"+5", "USD", 0, true},
		{"99999999999999999999", "USD", 0, true},
	}
	for _, c := range cases {
		got, err := parseMoney(c.in, c.currency)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("parseMoney(%q, %q) = %d, %v; want %d, error %v", c.in, c.currency, got, err, c.want, c.err)
		}
	}
}

func TestMoneyInputRoundTrips(t *testing.T) {
	for _, c := range []struct {
		minor    int64
		currency string
	}{{0, "USD"}, {12_400_000_00, "USD"}, {1_250_50, "EUR"}, {2_500_000, "JPY"}, {7, "USD"}} {
		s := moneyInput(c.minor, c.currency)
		back, err := parseMoney(s, c.currency)
		if err != nil || back != c.minor {
			t.Errorf("%d %s → %q → %d, %v", c.minor, c.currency, s, back, err)
		}
	}
}

func TestDatesAndTimesReadNaturally(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	at := time.Date(2026, 3, 2, 13, 5, 0, 0, time.UTC)
	if got := formatTime(at, berlin); got != "2 Mar 2026, 14:05" {
		t.Errorf("formatTime = %q", got)
	}
	if got := formatDay(at, berlin); got != "2 Mar 2026" {
		t.Errorf("formatDay = %q", got)
	}
	if got := formatDate(account.Date{Year: 2026, Month: 12, Day: 31}); got != "31 Dec 2026" {
		t.Errorf("formatDate = %q", got)
	}
	if got := formatDate(account.Date{}); got != "—" {
		t.Errorf("unset date = %q", got)
	}
	if got := formatTime(time.Time{}, berlin); got != "—" {
		t.Errorf("zero time = %q", got)
	}
}

func TestCountsGroupThousands(t *testing.T) {
	for in, want := range map[int64]string{0: "—", 7: "7", 1200: "1,200", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := formatCount(in); got != want {
			t.Errorf("formatCount(%d) = %q, want %q", in, got, want)
		}
	}
}
