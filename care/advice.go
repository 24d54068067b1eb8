package care

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/domain"
)

// AnswerAdvice stores the doctor's advice as a draft and asks the workflow
// to accept it; it returns the advice id. Only the workflow's refusal
// removes the draft again: after any other failure (a timeout, an
// unreachable server) the workflow may have accepted it and will publish it
// by this id, so the draft stays.
func (s *Service) AnswerAdvice(ctx context.Context, row db.Consultation, text string) (uuid.UUID, error) {
	if domain.ConsultationType(row.ConsultationType) != domain.TypeEmailAdvice {
		return uuid.Nil, refuse(WrongType, "Written advice belongs to email-advice consultations.")
	}
	enc, err := s.Fields.EncryptString(db.FieldAdvice, strings.TrimSpace(text))
	if err != nil {
		return uuid.Nil, fmt.Errorf("care: encrypt advice: %w", err)
	}
	id := uuid.New()
	if err := s.Store.CreateAdvice(ctx, db.CreateAdviceParams{ID: id, ConsultationID: row.ID, DoctorID: row.DoctorID, TextEnc: enc}); err != nil {
		return uuid.Nil, fmt.Errorf("care: store advice: %w", err)
	}
	err = s.Engine.AnswerAdvice(ctx, row.ID, id)
	if err == nil {
		return id, nil
	}
	if refusal := rejected(err, "The consultation is not waiting for advice.", "answer advice"); isRefusal(refusal) {
		if delErr := s.Store.DeleteDraftAdvice(context.WithoutCancel(ctx), id); delErr != nil {
			return uuid.Nil, fmt.Errorf("care: remove refused advice %s: %w", id, delErr)
		}
		return uuid.Nil, refusal
	}
	return uuid.Nil, fmt.Errorf("care: answer advice %s (draft kept): %w", id, err)
}

// Decline asks the workflow to decline the consultation.
func (s *Service) Decline(ctx context.Context, row db.Consultation, reason domain.DeclineReason) error {
	if !reason.Valid() {
		return fmt.Errorf("care: unknown decline reason %q", reason)
	}
	if err := s.Engine.Decline(ctx, row.ID, reason); err != nil {
		return rejected(err, "This consultation can no longer be declined.", "decline")
	}
	return nil
}

func isRefusal(err error) bool {
	_, ok := err.(*Refusal)
	return ok
}
