package molliesandbox

import (
	"errors"
	"strconv"
	"strings"
)

// maxIntegerDigits bounds the integer part of an amount so that its value in
// minor units always fits in an int64.
const maxIntegerDigits = 12

// decimals returns how many decimals Mollie expects for currency. Mollie
// wants exactly that many: "10.00" for EUR, "1000" for JPY.
func decimals(currency string) int {
	if currency == "JPY" {
		return 0
	}
	return 2
}

// validCurrency reports whether c looks like an ISO 4217 code.
func validCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// parseValue parses a Mollie amount value strictly (no sign, no exponent,
// no separators, exactly the currency's decimals) into minor units.
func parseValue(value, currency string) (int64, error) {
	d := decimals(currency)
	intPart, frac, hasDot := strings.Cut(value, ".")
	switch {
	case d == 0 && hasDot:
		return 0, errors.New("this currency has no decimals")
	case d > 0 && (!hasDot || len(frac) != d):
		return 0, errors.New("the value must have exactly " + strconv.Itoa(d) + " decimals")
	case intPart == "" || len(intPart) > maxIntegerDigits:
		return 0, errors.New("the value is not a valid amount")
	case len(intPart) > 1 && intPart[0] == '0':
		return 0, errors.New("the value has leading zeros")
	}
	var n int64
	for _, c := range intPart + frac {
		if c < '0' || c > '9' {
			return 0, errors.New("the value is not a valid amount")
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}

// formatValue formats minor units as a Mollie amount value for currency.
// Negative amounts (settlement amounts of refunds) get a leading minus.
func formatValue(minor int64, currency string) string {
	sign := ""
	u := uint64(minor)
	if minor < 0 {
		sign = "-"
		u = -u
	}
	d := decimals(currency)
	s := strconv.FormatUint(u, 10)
	if d == 0 {
		return sign + s
	}
	if len(s) <= d {
		s = strings.Repeat("0", d-len(s)+1) + s
	}
	return sign + s[:len(s)-d] + "." + s[len(s)-d:]
}
