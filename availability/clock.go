package availability

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidClock is wrapped by the errors ParseClock returns.
var ErrInvalidClock = errors.New("invalid clock time")

// ErrInvalidDate is wrapped by the errors ParseDate returns.
var ErrInvalidDate = errors.New("invalid date")

// Clock is a wall-clock time of day with minute precision, as in a Postgres
// "time" column. Valid values are 00:00 through 23:59, plus 24:00, which is
// only meaningful as the end of a window (midnight at the end of the day).
type Clock struct {
	Hour, Minute int
}

// ParseClock parses "HH:MM" (e.g. "09:30"). It also accepts "HH:MM:SS" with
// zero seconds, the way Postgres prints a time value. "24:00" is accepted as
// the end of the day.
func ParseClock(s string) (Clock, error) {
	if len(s) == 8 {
		if s[5] != ':' || s[6:] != "00" {
			return Clock{}, fmt.Errorf("availability: parse clock %q: seconds must be 00: %w", s, ErrInvalidClock)
		}
		s = s[:5]
	}
	if len(s) != 5 || s[2] != ':' {
		return Clock{}, fmt.Errorf("availability: parse clock %q: want HH:MM: %w", s, ErrInvalidClock)
	}
	h, okH := twoDigits(s[0:2])
	m, okM := twoDigits(s[3:5])
	if !okH || !okM {
		return Clock{}, fmt.Errorf("availability: parse clock %q: want HH:MM: %w", s, ErrInvalidClock)
	}
	c := Clock{Hour: h, Minute: m}
	if !c.Valid() {
		return Clock{}, fmt.Errorf("availability: parse clock %q: out of range: %w", s, ErrInvalidClock)
	}
	return c, nil
}

func twoDigits(s string) (int, bool) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

// Valid reports whether c is 00:00..23:59 or exactly 24:00.
func (c Clock) Valid() bool {
	if c.Hour == 24 {
		return c.Minute == 0
	}
	return c.Hour >= 0 && c.Hour < 24 && c.Minute >= 0 && c.Minute < 60
}

// Minutes returns the number of minutes since midnight (0..1440).
func (c Clock) Minutes() int { return c.Hour*60 + c.Minute }

// IsZero reports whether c is 00:00, the zero value.
func (c Clock) IsZero() bool { return c == Clock{} }

// String formats c as "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// MarshalText implements encoding.TextMarshaler ("HH:MM").
func (c Clock) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("availability: marshal clock %d:%d: %w", c.Hour, c.Minute, ErrInvalidClock)
	}
	return []byte(c.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler using ParseClock.
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Date is a civil (calendar) date without a time zone, as in a Postgres
// "date" column.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses "YYYY-MM-DD" (e.g. "2026-03-29").
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("availability: parse date %q: %w: %w", s, ErrInvalidDate, err)
	}
	return DateOf(t), nil
}

// DateOf returns the civil date of t in t's own location. Convert t with
// In(zone) first to get the date in a particular zone.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// Valid reports whether d names a real calendar day.
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December && d.Day >= 1 &&
		DateOf(d.utcMidnight()) == d
}

// utcMidnight is d at 00:00 UTC; only used for calendar arithmetic.
func (d Date) utcMidnight() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// AddDays returns the date n calendar days after d (n may be negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.utcMidnight().Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// IsZero reports whether d is the zero value.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as "YYYY-MM-DD".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText implements encoding.TextMarshaler ("YYYY-MM-DD").
func (d Date) MarshalText() ([]byte, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("availability: marshal date %v: %w", d, ErrInvalidDate)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler using ParseDate.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
