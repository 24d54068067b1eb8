package care

import (
	"context"
	"errors"

	"derma2go/db"
	"derma2go/domain"
)

// VideoRoom is a consultation's video room as the workflow's live status
// makes it.
type VideoRoom struct {
	// Status is the workflow's live status.
	Status domain.Status
	// Open: the participant asked about may be in the room now
	// (domain.VideoRoomOpen).
	Open bool
	// Admitted: patient and doctor see and hear each other (the session runs).
	Admitted bool
	// Ended: the consultation is over (final status, or its workflow is
	// gone); its room closes for good.
	Ended bool
}

// VideoRoom asks the consultation's workflow whether who may be in its video
// room now. A workflow that no longer exists counts as ended; one that does
// not answer is ErrUnavailable.
func (s *Service) VideoRoom(ctx context.Context, row db.Consultation, who domain.Participant) (VideoRoom, error) {
	st, err := s.LiveStatus(ctx, row)
	var r *Refusal
	if errors.As(err, &r) {
		return VideoRoom{Ended: true}, nil
	}
	if err != nil {
		return VideoRoom{}, err
	}
	t := domain.ConsultationType(row.ConsultationType)
	return VideoRoom{Status: st, Open: domain.VideoRoomOpen(t, st, who), Admitted: domain.VideoAdmitted(t, st), Ended: st.Final()}, nil
}
