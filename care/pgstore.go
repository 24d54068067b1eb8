package care

import (
	"context"

	"github.com/google/uuid"

	"derma2go/db"
)

// PG is the Store over PostgreSQL.
type PG struct{ DB *db.Store }

var _ Store = PG{}

// Intake returns the stored form.
func (p PG) Intake(ctx context.Context, id uuid.UUID) (db.ConsultationIntake, error) {
	in, err := p.DB.GetIntake(ctx, id)
	return in, db.Translate(err)
}

// CreateIntake stores the form unless one is stored.
func (p PG) CreateIntake(ctx context.Context, in db.CreateIntakeParams) (bool, error) {
	n, err := p.DB.CreateIntakeIfAbsent(ctx, db.CreateIntakeIfAbsentParams(in))
	return n == 1, db.Translate(err)
}

// AddPhoto counts and inserts in one transaction, with the consultation row
// locked, so concurrent uploads cannot pass the limit.
func (p PG) AddPhoto(ctx context.Context, photo db.CreatePhotoParams, max int) error {
	return p.DB.Tx(ctx, func(q *db.Queries) error {
		if _, err := q.GetConsultationForUpdate(ctx, photo.ConsultationID); err != nil {
			return err
		}
		n, err := q.CountPhotos(ctx, photo.ConsultationID)
		if err != nil {
			return err
		}
		if n >= int64(max) {
			return ErrTooManyPhotos
		}
		return q.CreatePhoto(ctx, photo)
	})
}

// DeletePhoto removes a photo.
func (p PG) DeletePhoto(ctx context.Context, consultationID, photoID uuid.UUID) error {
	return db.Translate(p.DB.Queries.DeletePhoto(ctx, db.DeletePhotoParams{ID: photoID, ConsultationID: consultationID}))
}

// CreateAdvice stores a draft.
func (p PG) CreateAdvice(ctx context.Context, a db.CreateAdviceParams) error {
	return db.Translate(p.DB.CreateAdvice(ctx, a))
}

// DeleteDraftAdvice removes an unpublished draft.
func (p PG) DeleteDraftAdvice(ctx context.Context, id uuid.UUID) error {
	return db.Translate(p.DB.Queries.DeleteDraftAdvice(ctx, id))
}

// CreatePrescription stores a prescription.
func (p PG) CreatePrescription(ctx context.Context, rx db.CreatePrescriptionParams) error {
	return db.Translate(p.DB.Queries.CreatePrescription(ctx, rx))
}
