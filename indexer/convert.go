package indexer

import (
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/availability"
	"derma2go/db"
)

// clockOf turns a Postgres time into a wall-clock time of day.
func clockOf(t pgtype.Time) availability.Clock {
	minutes := int(t.Microseconds / int64(time.Minute/time.Microsecond))
	return availability.Clock{Hour: minutes / 60, Minute: minutes % 60}
}

// dateOf is the UTC calendar date of t as a Postgres date.
func dateOf(t time.Time) pgtype.Date {
	y, m, d := t.UTC().Date()
	return pgtype.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), Valid: true}
}

func exceptionOf(e db.AvailabilityException) availability.Exception {
	y, m, d := e.Day.Time.Date()
	out := availability.Exception{Day: availability.Date{Year: y, Month: m, Day: d}, Kind: e.Kind, Type: e.ConsultationType.String}
	if e.StartTime.Valid {
		out.Start = clockOf(e.StartTime)
	}
	if e.EndTime.Valid {
		out.End = clockOf(e.EndTime)
	}
	return out
}
