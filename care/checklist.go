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
// Mollie connection and questionnaires, in one query. payoutsRequired says whether Mollie
// Connect is on. A missing id is left out of the map.
func DoctorSetups(ctx context.Context, q *db.Queries, ids []uuid.UUID, payoutsRequired bool) (map[uuid.UUID]domain.DoctorSetup, error) {
	rows, err := q.DoctorSetups(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("care: doctor setups: %w", err)
	}
	out := make(map[uuid.UUID]domain.DoctorSetup, len(rows))
	for _, d := range rows {
		s := domain.DoctorSetup{
			Bio: d.Bio, City: d.City, Address: d.Address, Languages: d.Languages, Lat: d.Latitude, Lng: d.Longitude,
			PhotoURL: d.PhotoUrl, AdminFeeCents: int64(d.AdminFeeCents),
			Fees: make(map[domain.ConsultationType]int64, len(d.FeeTypes)), HoursFor: make(map[domain.ConsultationType]bool, len(d.HourTypes)),
			PayoutsRequired: payoutsRequired, PayoutsConnected: d.PayoutsConnected,
			SecondFactor: d.SecondFactor, Questionnaires: int(d.Questionnaires),
		}
		for i, t := range d.FeeTypes { // FeeCents is aggregated beside it, in the same order
			s.Fees[domain.ConsultationType(t)] = int64(d.FeeCents[i])
		}
		for _, t := range d.HourTypes {
			s.HoursFor[domain.ConsultationType(t)] = true
		}
		out[d.UserID] = s
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
