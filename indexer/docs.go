package indexer

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"derma2go/availability"
	"derma2go/care"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/schedule"
	"derma2go/search"
)

// slotHorizon is how far ahead the next free slot is looked for.
const slotHorizon = 60 * 24 * time.Hour

// ListedDoctorDocs builds the search documents of those of ids that are
// listed (domain.Listed: their getting-started checklist's required items
// are done); a doctor who is not listed gets no document, so the index
// deletes theirs. payoutsRequired says whether Mollie Connect is on.
func ListedDoctorDocs(ctx context.Context, q *db.Queries, ids []uuid.UUID, now time.Time, payoutsRequired bool) ([]search.DoctorDoc, error) {
	setups, err := care.DoctorSetups(ctx, q, ids, payoutsRequired)
	if err != nil {
		return nil, fmt.Errorf("indexer: %w", err)
	}
	var listed []uuid.UUID
	for _, id := range ids {
		if s, ok := setups[id]; ok && domain.Listed(domain.Checklist(s)) {
			listed = append(listed, id)
		}
	}
	if len(listed) == 0 {
		return nil, nil
	}
	return DoctorDocs(ctx, q, listed, now)
}

// DoctorDocs builds the search documents of ids from Postgres, listed or
// not: profile, fees, rating, and the next free slot per bookable type
// computed from the weekly rules, exceptions and live bookings.
func DoctorDocs(ctx context.Context, q *db.Queries, ids []uuid.UUID, now time.Time) ([]search.DoctorDoc, error) {
	doctors, err := schedule.Load(ctx, q, ids, now, now.Add(slotHorizon))
	if err != nil {
		return nil, fmt.Errorf("indexer: %w", err)
	}
	docs := make([]search.DoctorDoc, 0, len(doctors))
	for _, id := range ids {
		if d, ok := doctors[id]; ok {
			docs = append(docs, doc(d, now))
		}
	}
	return docs, nil
}

func doc(d *schedule.Doctor, now time.Time) search.DoctorDoc {
	r := d.Row
	out := search.DoctorDoc{
		ID: r.UserID.String(), Name: r.DisplayName, Specialty: r.Specialty, FocusAreas: r.FocusAreas, City: r.City,
		Lat: r.Latitude, Lng: r.Longitude, Languages: r.Languages, PriceCents: map[string]int64{},
		NextSlot: map[string]time.Time{}, RatingCount: int(r.RatingCount),
	}
	if r.RatingCount > 0 {
		out.Rating = float64(r.RatingSum) / float64(r.RatingCount)
	}
	for _, f := range d.Fees {
		out.Types = append(out.Types, f.ConsultationType)
		out.PriceCents[f.ConsultationType] = int64(f.AmountCents)
		if domain.ConsultationType(f.ConsultationType) == domain.TypeEmailAdvice {
			continue // no slots: answered within the SLA
		}
		next, ok := availability.NextSlot(d.Query(f, now, now.Add(slotHorizon), now))
		if ok {
			out.NextSlot[f.ConsultationType] = next.UTC()
			if out.NextAvailable == nil || next.Before(*out.NextAvailable) {
				n := next.UTC()
				out.NextAvailable = &n
			}
		}
	}
	return out
}
