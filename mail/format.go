package mail

import (
	"fmt"
	"strings"
	"time"

	"derma2go/money"
)

// FormatMoney formats an amount in cents the way readers of lang write it:
// Dutch "€ 1.234,50", English "€1,234.50" (money.Format). Other currencies
// than the euro are written with their ISO code ("USD 12.00", "USD 12,00").
func FormatMoney(lang string, cents int64, currency string) string {
	return money.Format(string(NormalizeLang(lang)), cents, currency)
}

var (
	dutchDays   = [...]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}
	dutchMonths = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
)

// FormatTime formats an instant in zone the way readers of lang write it:
// Dutch "dinsdag 4 maart 2025 om 14:30 (CET)", English "Tuesday, 4 March
// 2025 at 14:30 (CET)". The zone's abbreviation tells a reader abroad which
// clock is meant.
func FormatTime(lang string, t time.Time, zone *time.Location) string {
	if zone == nil {
		zone = time.UTC
	}
	t = t.In(zone)
	if NormalizeLang(lang) == LangEN {
		return t.Format("Monday, 2 January 2006 at 15:04 (MST)")
	}
	return fmt.Sprintf("%s %d %s %d om %s", dutchDays[t.Weekday()], t.Day(), dutchMonths[t.Month()-1], t.Year(), t.Format("15:04 (MST)"))
}

// GreetingName returns name if it is fit to greet someone with, and ""
// (the templates then greet formally) if it is empty or an email address:
// a guest is never greeted by their address.
func GreetingName(name string) string {
	name = strings.TrimSpace(name)
	if strings.Contains(name, "@") {
		return ""
	}
	return name
}
