package care

import (
	"context"
	"errors"
	"time"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/workflows"
)

// CancellationQuote is what the patient's cancellation request would give
// at now (workflows.QuoteCancellation over the workflow's live state), so a
// client shows the refund before the patient confirms. A consultation whose
// status in Postgres is final, or whose workflow has ended, is quoted as not
// allowed, nothing back.
func (s *Service) CancellationQuote(ctx context.Context, row db.Consultation, now time.Time) (workflows.CancellationQuote, error) {
	if !domain.ConsultationType(row.ConsultationType).Appointment() {
		return workflows.CancellationQuote{}, refuse(WrongType, "Only video and in-person appointments are cancelled this way.")
	}
	if domain.Status(row.Status).Final() {
		return workflows.CancellationQuote{}, nil
	}
	st, err := s.liveState(ctx, row)
	if errors.Is(err, ErrRejected) {
		return workflows.CancellationQuote{}, nil
	}
	if err != nil {
		return workflows.CancellationQuote{}, err
	}
	return workflows.QuoteCancellation(st, now), nil
}
