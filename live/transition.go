package live

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/db"
)

// RecordTransition applies the workflow's sequence-guarded projection (p)
// in the caller's transaction and publishes what changed: a status event
// when the status changed, a delay event when the expected start moved.
// A write the sequence guard ignores (an older or repeated transition)
// publishes nothing, so an event goes out exactly when the row changed. It
// returns the rows written (0 or 1); a consultation that does not exist is
// 0 rows, as for the plain query.
func RecordTransition(ctx context.Context, q *db.Queries, p db.RecordTransitionParams) (int64, error) {
	before, err := q.LockConsultationLive(ctx, p.ID)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("live: lock consultation: %w", err)
	}
	n, err := q.RecordTransition(ctx, p)
	if err != nil || n == 0 {
		return n, err
	}
	at := p.At.UTC()
	if before.Status != p.Status {
		if err := Publish(ctx, q, Event{Type: TypeStatus, ConsultationID: p.ID, DoctorID: before.DoctorID,
			Status: &Status{Status: p.Status, At: at}}); err != nil {
			return n, err
		}
	}
	if p.ExpectedStart != nil && !sameInstant(before.ExpectedStart, p.ExpectedStart) {
		expected := p.ExpectedStart.UTC()
		if err := Publish(ctx, q, Event{Type: TypeDelay, ConsultationID: p.ID, DoctorID: before.DoctorID,
			Delay: &Delay{Minutes: DelayMinutes(before.Slot, &expected), ExpectedStart: &expected, At: at}}); err != nil {
			return n, err
		}
	}
	return n, nil
}

// DelayMinutes is how far expected lies after the start of slot, in whole
// minutes (0 without a slot or an expected start, never negative).
func DelayMinutes(slot pgtype.Range[pgtype.Timestamptz], expected *time.Time) int {
	if expected == nil || !slot.Valid || !slot.Lower.Valid {
		return 0
	}
	d := expected.Sub(slot.Lower.Time)
	if d <= 0 {
		return 0
	}
	return int(d.Round(time.Minute) / time.Minute)
}

func sameInstant(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
