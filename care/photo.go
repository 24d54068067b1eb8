package care

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/media"
	"derma2go/workflows"
)

// MaxPhotos is how many photos a consultation takes.
const MaxPhotos = 5

// AddPhoto stores a cleaned photo encrypted, then asks the workflow, which
// takes photos while domain.PhotosOpen (after payment until the doctor
// answers). A photo it refuses, or whose fate is unknown, is removed again,
// so a retry never leaves one behind. It returns the photo's id.
func (s *Service) AddPhoto(ctx context.Context, row db.Consultation, photo media.Photo) (uuid.UUID, error) {
	if domain.ConsultationType(row.ConsultationType) != domain.TypeEmailAdvice {
		return uuid.Nil, refuse(WrongType, "Photos are part of the email-advice form.")
	}
	enc, err := s.Fields.Encrypt(db.FieldPhoto, photo.Data)
	if err != nil {
		return uuid.Nil, fmt.Errorf("care: encrypt photo: %w", err)
	}
	id := uuid.New()
	err = s.Store.AddPhoto(ctx, db.CreatePhotoParams{ID: id, ConsultationID: row.ID, ContentType: photo.ContentType,
		SizeBytes: int32(len(photo.Data)), Width: int32(photo.Width), Height: int32(photo.Height), DataEnc: enc}, MaxPhotos)
	if errors.Is(err, ErrTooManyPhotos) {
		return uuid.Nil, refuse(TooMany, "At most %d photos per consultation.", MaxPhotos)
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("care: store photo: %w", err)
	}
	_, err = s.Engine.Update(ctx, row.ID, workflows.UpdateAddPhoto, workflows.AddPhotoInput{PhotoID: id.String()})
	if err == nil {
		return id, nil
	}
	if delErr := s.Store.DeletePhoto(context.WithoutCancel(ctx), row.ID, id); delErr != nil {
		err = errors.Join(err, fmt.Errorf("remove refused photo %s: %w", id, delErr))
	}
	if errors.Is(err, ErrRejected) {
		return uuid.Nil, refuse(NotNow, "Photos can be added after payment and until the doctor answers; this consultation no longer takes them.")
	}
	return uuid.Nil, fmt.Errorf("care: add photo: %w", err)
}
