package payments

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// FormatCents formats an amount in cents as the decimal string Mollie
// expects: 1000 → "10.00", 5 → "0.05", -250 → "-2.50". It is exact (integer
// arithmetic only) for every int64.
func FormatCents(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign = "-"
		u = -u // two's complement: exact even for math.MinInt64
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// ParseCents parses a Mollie amount value ("10.00", "0.5", "12", "-2.50")
// into cents, exactly. It accepts an optional leading minus, at least one
// digit before an optional decimal point and at most two decimals; anything
// else (exponents, separators, spaces, a plus sign, more decimals, values
// outside int64) is an error.
func ParseCents(value string) (int64, error) {
	s, neg := strings.CutPrefix(value, "-")
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || !digitsOnly(intPart) || !digitsOnly(frac) || len(frac) > 2 || (hasDot && frac == "") {
		return 0, fmt.Errorf("payments: invalid amount %q", value)
	}
	units, err := strconv.ParseUint(intPart, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("payments: invalid amount %q: %w", value, err)
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
		return 0, fmt.Errorf("payments: amount %q: %w", value, errAmountRange)
	}
	total := units*100 + sub
	if neg {
		return int64(-total), nil
	}
	return int64(total), nil
}

// errAmountRange reports an amount that does not fit in int64 cents.
var errAmountRange = errors.New("out of range")

// digitsOnly reports whether s consists of ASCII digits (true for "").
func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
