package care

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/workflows"
)

// Act sends an appointment action (a workflows.Update* name, such as the
// patient's request-cancellation) to the workflow, whose validator decides,
// and returns the state after it.
func (s *Service) Act(ctx context.Context, row db.Consultation, update string, arg any) (workflows.ConsultationState, error) {
	walkInEnd := domain.ConsultationType(row.ConsultationType) == domain.TypeWalkIn && update == workflows.UpdateEndSession
	if !domain.ConsultationType(row.ConsultationType).Appointment() && !walkInEnd {
		return workflows.ConsultationState{}, refuse(WrongType, "This action belongs to video and in-person appointments.")
	}
	st, err := s.Engine.Update(ctx, row.ID, update, arg)
	if errors.Is(err, ErrRejected) {
		return st, refuse(NotNow, "%s", strings.TrimPrefix(strings.TrimPrefix(err.Error(), ErrRejected.Error()), ": "))
	}
	if err != nil {
		return st, fmt.Errorf("care: %s: %w", update, err)
	}
	return st, nil
}
