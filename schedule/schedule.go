// Package schedule loads doctors' availability from Postgres into the pure
// availability model: weekly rules, exceptions and live bookings (holds
// included). The slots API, booking and the search indexer all read
// schedules through it.
package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/availability"
	"derma2go/db"
)

// Doctor is one doctor's profile, fees and schedule.
type Doctor struct {
	Row        db.Doctor
	Fees       []db.DoctorFee
	Rules      []availability.Rule
	Exceptions []availability.Exception
	// Booked holds the live bookings and the slots held for waitlist
	// offers (Holds names the latter).
	Booked []availability.Interval
	Holds  []Hold
	Zone   *time.Location
}

// Hold is a slot held while it is offered to the waitlist.
type Hold struct {
	ID uuid.UUID
	availability.Interval
}

// WithoutHold takes the slot of hold id out of Booked: the patient who
// accepted its offer books it.
func (d *Doctor) WithoutHold(id uuid.UUID) bool {
	for _, h := range d.Holds {
		if h.ID != id {
			continue
		}
		for i, b := range d.Booked {
			if b.Start.Equal(h.Start) && b.End.Equal(h.End) {
				d.Booked = append(d.Booked[:i:i], d.Booked[i+1:]...)
				return true
			}
		}
	}
	return false
}

// Load reads the doctors of ids with their schedules; exceptions and
// bookings are read for [from, to) (padded by a day for time zones).
func Load(ctx context.Context, q *db.Queries, ids []uuid.UUID, from, to time.Time) (map[uuid.UUID]*Doctor, error) {
	doctors, err := q.GetDoctors(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("schedule: doctors: %w", err)
	}
	fees, err := q.ListDoctorFees(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("schedule: fees: %w", err)
	}
	rules, err := q.ListAvailabilityRulesFor(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("schedule: rules: %w", err)
	}
	exceptions, err := q.ListAvailabilityExceptionsFor(ctx, db.ListAvailabilityExceptionsForParams{
		Ids: ids, FromDay: DateOf(from.Add(-24 * time.Hour)), ToDay: DateOf(to.Add(24 * time.Hour)),
	})
	if err != nil {
		return nil, fmt.Errorf("schedule: exceptions: %w", err)
	}
	booked, err := q.ListBookedSlotsFor(ctx, db.ListBookedSlotsForParams{Ids: ids, FromTime: from})
	if err != nil {
		return nil, fmt.Errorf("schedule: bookings: %w", err)
	}
	holds, err := q.ListHeldSlotsFor(ctx, db.ListHeldSlotsForParams{Ids: ids, Now: time.Now(), FromTime: from})
	if err != nil {
		return nil, fmt.Errorf("schedule: waitlist holds: %w", err)
	}
	out := map[uuid.UUID]*Doctor{}
	for _, d := range doctors {
		zone, err := time.LoadLocation(d.TimeZone)
		if err != nil {
			zone = time.UTC
		}
		out[d.UserID] = &Doctor{Row: d, Zone: zone}
	}
	for _, f := range fees {
		if d := out[f.DoctorID]; d != nil {
			d.Fees = append(d.Fees, f)
		}
	}
	for _, r := range rules {
		if d := out[r.DoctorID]; d != nil {
			d.Rules = append(d.Rules, RuleOf(r))
		}
	}
	for _, e := range exceptions {
		if d := out[e.DoctorID]; d != nil {
			d.Exceptions = append(d.Exceptions, ExceptionOf(e))
		}
	}
	for _, b := range booked {
		if d := out[b.DoctorID]; d != nil {
			d.Booked = append(d.Booked, availability.Interval{Start: b.StartsAt, End: b.EndsAt})
		}
	}
	for _, h := range holds {
		if d := out[h.DoctorID]; d != nil {
			iv := availability.Interval{Start: h.StartsAt, End: h.EndsAt}
			d.Booked = append(d.Booked, iv)
			d.Holds = append(d.Holds, Hold{ID: h.ID, Interval: iv})
		}
	}
	return out, nil
}

// Fee returns the doctor's fee for a consultation type.
func (d *Doctor) Fee(typ string) (db.DoctorFee, bool) {
	for _, f := range d.Fees {
		if f.ConsultationType == typ {
			return f, true
		}
	}
	return db.DoctorFee{}, false
}

// Query is the availability query of one type over [from, to) at now.
func (d *Doctor) Query(fee db.DoctorFee, from, to, now time.Time) availability.Query {
	return availability.Query{
		Rules: d.Rules, Exceptions: d.Exceptions, Booked: d.Booked, Type: fee.ConsultationType,
		SlotLength: time.Duration(fee.DurationMinutes) * time.Minute, Zone: d.Zone, From: from, To: to, Now: now,
	}
}

// RuleOf converts a stored rule.
func RuleOf(r db.AvailabilityRule) availability.Rule {
	return availability.Rule{Type: r.ConsultationType, Weekday: time.Weekday(r.Weekday), Start: ClockOf(r.StartTime), End: ClockOf(r.EndTime)}
}

// ExceptionOf converts a stored exception.
func ExceptionOf(e db.AvailabilityException) availability.Exception {
	y, m, d := e.Day.Time.Date()
	out := availability.Exception{Day: availability.Date{Year: y, Month: m, Day: d}, Kind: e.Kind, Type: e.ConsultationType.String}
	if e.StartTime.Valid {
		out.Start = ClockOf(e.StartTime)
	}
	if e.EndTime.Valid {
		out.End = ClockOf(e.EndTime)
	}
	return out
}

// ClockOf turns a Postgres time into a wall-clock time of day.
func ClockOf(t pgtype.Time) availability.Clock {
	minutes := int(t.Microseconds / int64(time.Minute/time.Microsecond))
	return availability.Clock{Hour: minutes / 60, Minute: minutes % 60}
}

// TimeOf turns a wall-clock time of day into a Postgres time (24:00 included).
func TimeOf(c availability.Clock) pgtype.Time {
	return pgtype.Time{Microseconds: int64(c.Minutes()) * int64(time.Minute/time.Microsecond), Valid: true}
}

// DateOf is the UTC calendar date of t as a Postgres date.
func DateOf(t time.Time) pgtype.Date {
	y, m, d := t.UTC().Date()
	return pgtype.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), Valid: true}
}

// PGDate converts a civil date.
func PGDate(d availability.Date) pgtype.Date {
	return pgtype.Date{Time: time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC), Valid: true}
}
