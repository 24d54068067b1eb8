package waitlist

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"derma2go/availability"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/schedule"
)

// NewHoursHorizon is how far ahead new availability is offered to the
// waitlist (as far as search shows the next free slot).
const NewHoursHorizon = 60 * 24 * time.Hour

// maxChainsPerChange bounds the chains one change of availability starts.
const maxChainsPerChange = 20

// Slot is a free slot of one type.
type Slot struct {
	Type       string
	Start, End time.Time
}

// FreeSlots lists the doctor's free slots of the waitlist types from now
// until the horizon.
func FreeSlots(ctx context.Context, q *db.Queries, doctorID uuid.UUID, now time.Time) ([]Slot, error) {
	to := now.Add(NewHoursHorizon)
	doctors, err := schedule.Load(ctx, q, []uuid.UUID{doctorID}, now, to)
	if err != nil {
		return nil, err
	}
	d, ok := doctors[doctorID]
	if !ok {
		return nil, nil
	}
	var out []Slot
	for _, t := range domain.WaitlistTypes() {
		fee, ok := d.Fee(string(t))
		if !ok {
			continue
		}
		starts, err := availability.Slots(d.Query(fee, now, to, now))
		if err != nil {
			return nil, fmt.Errorf("waitlist: slots: %w", err)
		}
		length := time.Duration(fee.DurationMinutes) * time.Minute
		for _, s := range starts {
			out = append(out, Slot{Type: string(t), Start: s.UTC(), End: s.Add(length).UTC()})
		}
	}
	return out, nil
}

// Opened returns the slots of after that before did not have: what a change
// of availability opened.
func Opened(before, after []Slot) []Slot {
	had := make(map[Slot]bool, len(before))
	for _, s := range before {
		had[s] = true
	}
	var out []Slot
	for _, s := range after {
		if !had[s] {
			out = append(out, s)
		}
	}
	return out
}

// ToOffer picks, of the slots a change opened, those to offer: soonest
// first, only slots worth offering and matched by an entry, and no more per
// type than the type's waitlist is long (each chain needs its own patient).
func ToOffer(ctx context.Context, q *db.Queries, cfg Config, doctorID uuid.UUID, opened []Slot, now time.Time) ([]Slot, error) {
	if len(opened) == 0 {
		return nil, nil
	}
	d, err := q.GetDoctor(ctx, doctorID)
	if err != nil {
		return nil, fmt.Errorf("waitlist: doctor: %w", err)
	}
	lengths, err := q.CountWaitlistByType(ctx, db.CountWaitlistByTypeParams{DoctorID: doctorID, Now: now})
	if err != nil {
		return nil, fmt.Errorf("waitlist: lengths: %w", err)
	}
	left := map[string]int64{}
	for _, l := range lengths {
		left[l.ConsultationType] = l.Length
	}
	zone := Zone(d.TimeZone)
	var out []Slot
	for _, s := range opened {
		if left[s.Type] == 0 || len(out) == maxChainsPerChange || !cfg.Worth(s.Start, now) {
			continue
		}
		n, err := Matching(ctx, q, doctorID, s.Type, s.Start, zone, now)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, s)
			left[s.Type]--
		}
	}
	return out, nil
}
