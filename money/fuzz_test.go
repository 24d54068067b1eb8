package money

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

// FuzzDecimal: every amount formats to a decimal that parses back to it,
// and every decimal that parses formats back to the same amount.
func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"10.00", "0.5", "-2.50", "92233720368547758.07", "-92233720368547758.08", "1e3", "+1", "١٢"} {
		f.Add(s, int64(len(s)))
	}
	f.Add("0", int64(math.MinInt64))
	f.Add("0", int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, value string, cents int64) {
		back, err := ParseDecimal(Decimal(cents))
		if err != nil || back != cents {
			t.Fatalf("Decimal(%d) = %q parses to %d, %v", cents, Decimal(cents), back, err)
		}
		parsed, err := ParseDecimal(value)
		if err != nil {
			if strings.Contains(value, "e") && errors.Is(err, ErrRange) {
				t.Fatalf("%q: an exponent is not out of range", value)
			}
			return
		}
		again, err := ParseDecimal(Decimal(parsed))
		if err != nil || again != parsed {
			t.Fatalf("%q → %d → %q → %d, %v", value, parsed, Decimal(parsed), again, err)
		}
	})
}

// FuzzFormat: the text of every amount, in both languages and any
// currency, holds exactly its digits and its sign.
func FuzzFormat(f *testing.F) {
	f.Add("nl", int64(123450), "EUR")
	f.Add("en", int64(-5), "")
	f.Add("en", int64(math.MinInt64), "USD")
	f.Add("nl", int64(math.MaxInt64), "EUR")
	f.Fuzz(func(t *testing.T, lang string, cents int64, currency string) {
		if strings.ContainsAny(currency, "0123456789-") {
			return // an ISO code has no digits or sign
		}
		s := Format(lang, cents, currency)
		neg, units, sub := Parts(cents)
		if strings.HasPrefix(s, "-") != neg || strings.Count(s, "-") != map[bool]int{true: 1, false: 0}[neg] {
			t.Fatalf("Format(%d) = %q: wrong sign", cents, s)
		}
		var digits strings.Builder
		for _, r := range s {
			if r >= '0' && r <= '9' {
				digits.WriteRune(r)
			}
		}
		if want := strconv.FormatUint(units, 10) + strconv.FormatUint(100+sub, 10)[1:]; digits.String() != want {
			t.Fatalf("Format(%d) = %q: digits %s, want %s", cents, s, digits.String(), want)
		}
	})
}
