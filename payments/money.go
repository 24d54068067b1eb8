package payments

import "derma2go/money"

// FormatCents formats an amount in cents as the decimal string Mollie
// expects: 1000 → "10.00", 5 → "0.05", -250 → "-2.50" (money.Decimal,
// exact for every int64).
func FormatCents(cents int64) string { return money.Decimal(cents) }

// ParseCents parses a Mollie amount value ("10.00", "0.5", "12", "-2.50")
// into cents, exactly (money.ParseDecimal): an optional leading minus, at
// least one digit before an optional decimal point and at most two
// decimals; anything else is an error.
func ParseCents(value string) (int64, error) { return money.ParseDecimal(value) }
