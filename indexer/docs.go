package indexer

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"derma2go/availability"
	"derma2go/db"
	"derma2go/search"
)

// slotHorizon is how far ahead the next free slot is looked for.
const slotHorizon = 60 * 24 * time.Hour

// DoctorDocs builds the search documents of ids from Postgres: profile,
// fees, rating, and the next free slot per bookable type computed from the
// weekly rules, exceptions and live bookings.
func DoctorDocs(ctx context.Context, q *db.Queries, ids []uuid.UUID, now time.Time) ([]search.DoctorDoc, error) {
	doctors, err := q.GetDoctors(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("indexer: doctors: %w", err)
	}
	fees, err := q.ListDoctorFees(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("indexer: fees: %w", err)
	}
	rules, err := q.ListAvailabilityRulesFor(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("indexer: rules: %w", err)
	}
	exceptions, err := q.ListAvailabilityExceptionsFor(ctx, db.ListAvailabilityExceptionsForParams{
		Ids: ids, FromDay: dateOf(now.Add(-24 * time.Hour)), ToDay: dateOf(now.Add(slotHorizon + 24*time.Hour)),
	})
	if err != nil {
		return nil, fmt.Errorf("indexer: exceptions: %w", err)
	}
	booked, err := q.ListBookedSlotsFor(ctx, db.ListBookedSlotsForParams{Ids: ids, FromTime: now})
	if err != nil {
		return nil, fmt.Errorf("indexer: bookings: %w", err)
	}
	byDoctor := map[uuid.UUID]*doctorData{}
	for _, d := range doctors {
		byDoctor[d.UserID] = &doctorData{row: d}
	}
	for _, f := range fees {
		if d := byDoctor[f.DoctorID]; d != nil {
			d.fees = append(d.fees, f)
		}
	}
	for _, r := range rules {
		if d := byDoctor[r.DoctorID]; d != nil {
			d.rules = append(d.rules, availability.Rule{
				Type: r.ConsultationType, Weekday: time.Weekday(r.Weekday), Start: clockOf(r.StartTime), End: clockOf(r.EndTime),
			})
		}
	}
	for _, e := range exceptions {
		if d := byDoctor[e.DoctorID]; d != nil {
			d.exceptions = append(d.exceptions, exceptionOf(e))
		}
	}
	for _, b := range booked {
		if d := byDoctor[b.DoctorID]; d != nil {
			d.booked = append(d.booked, availability.Interval{Start: b.StartsAt, End: b.EndsAt})
		}
	}
	docs := make([]search.DoctorDoc, 0, len(doctors))
	for _, d := range doctors {
		docs = append(docs, byDoctor[d.UserID].doc(now))
	}
	return docs, nil
}

type doctorData struct {
	row        db.Doctor
	fees       []db.DoctorFee
	rules      []availability.Rule
	exceptions []availability.Exception
	booked     []availability.Interval
}

func (d *doctorData) doc(now time.Time) search.DoctorDoc {
	r := d.row
	doc := search.DoctorDoc{
		ID: r.UserID.String(), Name: r.DisplayName, Specialty: r.Specialty, FocusAreas: r.FocusAreas, City: r.City,
		Lat: r.Latitude, Lng: r.Longitude, Languages: r.Languages, PriceCents: map[string]int64{},
		NextSlot: map[string]time.Time{}, RatingCount: int(r.RatingCount),
	}
	if r.RatingCount > 0 {
		doc.Rating = float64(r.RatingSum) / float64(r.RatingCount)
	}
	zone, err := time.LoadLocation(r.TimeZone)
	if err != nil {
		zone = time.UTC
	}
	for _, f := range d.fees {
		doc.Types = append(doc.Types, f.ConsultationType)
		doc.PriceCents[f.ConsultationType] = int64(f.AmountCents)
		if f.ConsultationType == "email_advice" {
			continue // no slots: answered within the SLA
		}
		next, ok := availability.NextSlot(availability.Query{
			Rules: d.rules, Exceptions: d.exceptions, Booked: d.booked, Type: f.ConsultationType,
			SlotLength: time.Duration(f.DurationMinutes) * time.Minute, Zone: zone,
			From: now, To: now.Add(slotHorizon), Now: now,
		})
		if ok {
			doc.NextSlot[f.ConsultationType] = next.UTC()
			if doc.NextAvailable == nil || next.Before(*doc.NextAvailable) {
				n := next.UTC()
				doc.NextAvailable = &n
			}
		}
	}
	return doc
}
