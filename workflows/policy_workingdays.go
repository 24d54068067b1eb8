package workflows

import (
	"time"
	// The workflows resolve doctors' IANA zones; embed the zone database so
	// a worker on a minimal image resolves them too.
	_ "time/tzdata"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/nl"
)

// dutchHolidays are the "algemeen erkende feestdagen" of the Dutch Algemene
// termijnenwet (art. 3), the statutory list Dutch law uses to extend
// deadlines: New Year's Day, Easter Monday, King's Day (27 April, 26 April
// when the 27th is a Sunday), Liberation Day (5 May, every year, not only in
// lustrum years), Ascension Day, Whit Monday, Christmas Day and Boxing Day.
// Good Friday is not on that list and is a working day here.
//
// Only IsHoliday is called; the calendar is not cacheable, so it is never
// written to and safe for concurrent use.
var dutchHolidays = &cal.Calendar{
	Name: "NL (Algemene termijnenwet)",
	Holidays: []*cal.Holiday{
		nl.Nieuwjaar,
		nl.TweedePaasdag,
		nl.Koningsdag,
		nl.BevrijdingsDag,
		nl.Hemelvaart,
		nl.TweedePinksterDag,
		nl.EersteKerstdag,
		nl.TweedeKerstdag,
	},
}

// IsWorkingDay reports whether the calendar day of t in loc is a working day:
// Monday to Friday and not a Dutch public holiday (see AddWorkingDays for the
// list).
func IsWorkingDay(t time.Time, loc *time.Location) bool {
	y, m, d := t.In(loc).Date()
	return isWorkingDate(y, m, d)
}

func isWorkingDate(y int, m time.Month, d int) bool {
	// Noon UTC names the calendar day without any zone or DST ambiguity.
	day := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	actual, observed, _ := dutchHolidays.IsHoliday(day)
	return !actual && !observed
}

// nextWorkingDate returns the first working day after the calendar day
// y-m-d.
func nextWorkingDate(y int, m time.Month, d int) (int, time.Month, int) {
	for {
		next := time.Date(y, m, d+1, 12, 0, 0, 0, time.UTC)
		y, m, d = next.Date()
		if isWorkingDate(y, m, d) {
			return y, m, d
		}
	}
}

// AddWorkingDays returns the instant n working days after t, counted on the
// wall clock of loc (the doctor's zone).
//
// Working days are Monday to Friday in loc, except the Dutch public holidays
// of the Algemene termijnenwet: New Year's Day, Easter Monday, King's Day,
// Liberation Day (5 May, every year), Ascension Day, Whit Monday and both
// Christmas days. Good Friday counts as a working day.
//
// The rule, chosen so that the patient gets n whole working days of the
// doctor and a later submission never gets an earlier deadline:
//
//   - t on a working day: the result is the same local clock time on the
//     n-th following working day. Friday 15:10 plus 1 is Monday 15:10;
//     Thursday 15:10 before Ascension Day plus 1 is Friday 15:10.
//   - t on a weekend or holiday: counting starts at 00:00 of the next working
//     day, so Saturday 11:00 plus 1 is Tuesday 00:00, the end of Monday (a
//     form sent on Friday at 23:59 is due on Monday at 23:59).
//
// The clock time is kept across daylight-saving changes (the duration is not
// a multiple of 24 h then). A clock time that does not exist on the target
// day is normalised by time.Date (in Europe/Amsterdam the clocks change on
// Sundays, so this never happens there). n < 0 counts as 0; n == 0 returns t,
// or the start of the next working day if t is not on one. The result is in
// loc.
func AddWorkingDays(t time.Time, n int, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	ns := t.Nanosecond()
	if !isWorkingDate(y, m, d) {
		y, m, d = nextWorkingDate(y, m, d)
		hh, mm, ss, ns = 0, 0, 0, 0
	} else if n <= 0 {
		return t
	}
	for i := 0; i < n; i++ {
		y, m, d = nextWorkingDate(y, m, d)
	}
	return time.Date(y, m, d, hh, mm, ss, ns, loc)
}
