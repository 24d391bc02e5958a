package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// currencySymbols are the currencies shown by symbol; every other currency is
// shown by its ISO code ("CHF 12.4M"), which is never ambiguous.
var currencySymbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£"}

// zeroDecimal lists the ISO 4217 currencies without minor units, so that
// their amounts are stored as whole units.
var zeroDecimal = map[string]bool{
	"BIF": true, "CLP": true, "DJF": true, "GNF": true, "ISK": true, "JPY": true, "KMF": true, "KRW": true,
	"PYG": true, "RWF": true, "UGX": true, "VND": true, "VUV": true, "XAF": true, "XOF": true, "XPF": true,
}

// minorDigits returns how many decimal digits currency has (2 or 0).
func minorDigits(currency string) int {
	if zeroDecimal[strings.ToUpper(currency)] {
		return 0
	}
	return 2
}

func withCurrency(currency, number string, negative bool) string {
	sign := ""
	if negative {
		sign = "-"
	}
	currency = strings.ToUpper(currency)
	if currency == "" {
		currency = "USD" // the store's default
	}
	if sym, ok := currencySymbols[currency]; ok {
		return sign + sym + number
	}
	return sign + currency + " " + number
}

// moneyCompact formats an amount in minor units for a glance: "$950",
// "$12.4K", "$12.4M", "€3B". Exact amounts belong in moneyFull.
func moneyCompact(minor int64, currency string) string {
	neg := minor < 0
	major := math.Abs(float64(minor)) / math.Pow10(minorDigits(currency))
	var num string
	switch {
	case major >= 1e9:
		num = oneDecimal(major/1e9) + "B"
	case major >= 1e6:
		num = oneDecimal(major/1e6) + "M"
	case major >= 1e4:
		num = oneDecimal(major/1e3) + "K"
	default:
		// Below ten thousand the whole number is short enough to show as is.
		num = groupThousands(int64(math.Round(major)))
	}
	return withCurrency(currency, num, neg && num != "0")
}

// oneDecimal prints v with at most one decimal, dropping a trailing ".0".
// It rounds down rather than to nearest so that 999.96K never shows as
// "1000K" and a figure never looks bigger than it is.
func oneDecimal(v float64) string {
	v = math.Floor(v*10+1e-9) / 10
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
}

// moneyFull formats an amount in minor units exactly: "$12,400,000.00".
func moneyFull(minor int64, currency string) string {
	neg := minor < 0
	abs := minor
	if neg {
		abs = -minor
	}
	digits := minorDigits(currency)
	if digits == 0 {
		return withCurrency(currency, groupThousands(abs), neg)
	}
	return withCurrency(currency, fmt.Sprintf("%s.%02d", groupThousands(abs/100), abs%100), neg)
}

// groupThousands writes n with comma separators: 12400000 → "12,400,000".
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// parseMoney reads an amount typed in major units ("12,400,000", "1250.5")
// into minor units of currency. The empty string is zero.
func parseMoney(s, currency string) (int64, error) {
	s = strings.TrimSpace(s)
	for _, sym := range []string{"$", "€", "£", strings.ToUpper(currency)} {
		s = strings.TrimSpace(strings.TrimPrefix(s, sym))
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, ",", ""), " ", "")
	if s == "" {
		return 0, nil
	}
	digits := minorDigits(currency)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if hasFrac && (len(frac) > digits || frac == "" && digits == 0) {
		if digits == 0 {
			return 0, fmt.Errorf("must be a whole amount for %s", currency)
		}
		return 0, fmt.Errorf("must have at most %d decimals", digits)
	}
	for len(frac) < digits {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || strings.HasPrefix(whole, "+") {
		return 0, fmt.Errorf("must be an amount such as 12500 or 12500.50")
	}
	if n > math.MaxInt64/1000 { // far beyond any real revenue; guards overflow in sums later
		return 0, fmt.Errorf("is too large")
	}
	return n, nil
}

// moneyInput renders minor units back into the form field's major units.
func moneyInput(minor int64, currency string) string {
	if minor == 0 {
		return ""
	}
	if minorDigits(currency) == 0 {
		return strconv.FormatInt(minor, 10)
	}
	if minor%100 == 0 {
		return strconv.FormatInt(minor/100, 10)
	}
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%02d", sign, minor/100, minor%100)
}

// formatDate shows a calendar day as "2 Mar 2026"; unset dates show as "—".
func formatDate(d account.Date) string {
	if d.IsZero() {
		return "—"
	}
	return d.Time().Format("2 Jan 2006")
}

// formatDay shows the day of an instant in loc as "2 Mar 2026".
func formatDay(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(loc).Format("2 Jan 2006")
}

// formatTime shows an instant in loc as "2 Mar 2026, 14:05".
func formatTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(loc).Format("2 Jan 2006, 15:04")
}

// formatCount shows a count with thousands separators; zero shows as "—"
// because for employees it means "unknown".
func formatCount(n int64) string {
	if n == 0 {
		return "—"
	}
	return groupThousands(n)
}
