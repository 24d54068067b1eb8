// Package money is the one place that turns amounts in cents into text and
// back: Mollie's decimal values, and amounts as Dutch and English readers
// write them in emails and on invoices. It uses integer arithmetic only, so
// it is exact for every int64, math.MinInt64 included.
package money

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Parts splits cents into its sign and the whole and hundredth units of its
// absolute value, exactly (the absolute value of math.MinInt64 fits in a
// uint64).
func Parts(cents int64) (negative bool, units, hundredths uint64) {
	u := uint64(cents)
	if cents < 0 {
		negative, u = true, -u // two's complement: exact even for math.MinInt64
	}
	return negative, u / 100, u % 100
}

// Decimal formats cents as a plain decimal with two decimals, as Mollie
// expects: 1000 → "10.00", 5 → "0.05", -250 → "-2.50".
func Decimal(cents int64) string {
	neg, units, sub := Parts(cents)
	sign := ""
	if neg {
		sign = "-"
	}
	return fmt.Sprintf("%s%d.%02d", sign, units, sub)
}

// ErrRange reports an amount that does not fit in int64 cents.
var ErrRange = errors.New("money: amount out of range")

// ParseDecimal parses a decimal amount ("10.00", "0.5", "12", "-2.50") into
// cents, exactly. It accepts an optional leading minus, at least one digit
// before an optional decimal point and at most two decimals; anything else
// (exponents, separators, spaces, a plus sign, more decimals) is an error,
// and so are values outside int64 (ErrRange).
func ParseDecimal(value string) (int64, error) {
	s, neg := strings.CutPrefix(value, "-")
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || !digitsOnly(intPart) || !digitsOnly(frac) || len(frac) > 2 || (hasDot && frac == "") {
		return 0, fmt.Errorf("money: invalid amount %q", value)
	}
	units, err := strconv.ParseUint(intPart, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("money: amount %q: %w", value, ErrRange)
	}
	var sub uint64
	for i := range 2 {
		sub *= 10
		if i < len(frac) {
			sub += uint64(frac[i] - '0')
		}
	}
	// |value| in cents must fit: up to MaxInt64 for positives, one more for
	// negatives.
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	if units > (limit-sub)/100 {
		return 0, fmt.Errorf("money: amount %q: %w", value, ErrRange)
	}
	total := units*100 + sub
	if neg {
		return int64(-total), nil
	}
	return int64(total), nil
}

// digitsOnly reports whether s consists of ASCII digits (true for "").
func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Format writes cents the way readers of the language write it: Dutch
// ("nl", and any other value) "€ 1.234,50", English ("en") "€1,234.50".
// Other currencies than the euro (or "") are written with their ISO code:
// "USD 12,00", "USD 12.00". A negative amount starts with "-".
func Format(lang string, cents int64, currency string) string {
	neg, units, sub := Parts(cents)
	en := lang == "en"
	group, decimal := ".", ","
	if en {
		group, decimal = ",", "."
	}
	digits := strconv.FormatUint(units, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case currency != "EUR" && currency != "":
		b.WriteString(currency + " ")
	case en:
		b.WriteString("€")
	default:
		b.WriteString("€ ")
	}
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteByte(digits[i])
	}
	fmt.Fprintf(&b, "%s%02d", decimal, sub)
	return b.String()
}
