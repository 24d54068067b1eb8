package care

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/domain"
)

// DoctorSetups loads the checklist inputs (domain.DoctorSetup) of the
// doctors ids from the record: profile, fees, weekly hours, second factor,
// Mollie connection and questionnaires. payoutsRequired says whether Mollie
// Connect is on. A missing id is left out of the map.
func DoctorSetups(ctx context.Context, q *db.Queries, ids []uuid.UUID, payoutsRequired bool) (map[uuid.UUID]domain.DoctorSetup, error) {
	doctors, err := q.GetDoctors(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("care: doctors: %w", err)
	}
	fees, err := q.ListDoctorFees(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("care: fees: %w", err)
	}
	rules, err := q.ListAvailabilityRulesFor(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("care: hours: %w", err)
	}
	facts, err := q.DoctorSetupFacts(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("care: setup: %w", err)
	}
	out := make(map[uuid.UUID]domain.DoctorSetup, len(doctors))
	for _, d := range doctors {
		out[d.UserID] = domain.DoctorSetup{
			Bio: d.Bio, City: d.City, Address: d.Address, Languages: d.Languages, Lat: d.Latitude, Lng: d.Longitude,
			PhotoURL: d.PhotoUrl, AdminFeeCents: int64(d.AdminFeeCents),
			Fees: map[domain.ConsultationType]int64{}, HoursFor: map[domain.ConsultationType]bool{},
			PayoutsRequired: payoutsRequired,
		}
	}
	for _, f := range fees {
		if s, ok := out[f.DoctorID]; ok {
			s.Fees[domain.ConsultationType(f.ConsultationType)] = int64(f.AmountCents)
		}
	}
	for _, r := range rules {
		if s, ok := out[r.DoctorID]; ok {
			s.HoursFor[domain.ConsultationType(r.ConsultationType)] = true
		}
	}
	for _, f := range facts {
		if s, ok := out[f.UserID]; ok {
			s.SecondFactor, s.PayoutsConnected, s.Questionnaires = f.SecondFactor, f.PayoutsConnected, int(f.Questionnaires)
			out[f.UserID] = s
		}
	}
	return out, nil
}

// DoctorChecklist is the checklist of one doctor (db.ErrNotFound-wrapped
// when there is no such doctor).
func DoctorChecklist(ctx context.Context, q *db.Queries, id uuid.UUID, payoutsRequired bool) ([]domain.ChecklistItem, error) {
	setups, err := DoctorSetups(ctx, q, []uuid.UUID{id}, payoutsRequired)
	if err != nil {
		return nil, err
	}
	s, ok := setups[id]
	if !ok {
		return nil, fmt.Errorf("care: doctor %s: %w", id, db.ErrNotFound)
	}
	return domain.Checklist(s), nil
}

// DoctorListed reports whether the doctor is listed (domain.Listed): found
// in the search, bookable and with a public profile. An unknown doctor is
// not listed.
func DoctorListed(ctx context.Context, q *db.Queries, id uuid.UUID, payoutsRequired bool) (bool, error) {
	setups, err := DoctorSetups(ctx, q, []uuid.UUID{id}, payoutsRequired)
	if err != nil {
		return false, err
	}
	s, ok := setups[id]
	return ok && domain.Listed(domain.Checklist(s)), nil
}
