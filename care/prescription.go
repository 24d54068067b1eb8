package care

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/prescribing"
)

// IssuePrescription stores a prescription encrypted if domain.PrescriptionRule
// allows it in the consultation's live status, and with byEmail has the PDF
// emailed to the patient. It returns the prescription's id.
func (s *Service) IssuePrescription(ctx context.Context, row db.Consultation, rx prescribing.Rx, byEmail bool) (uuid.UUID, error) {
	typ := domain.ConsultationType(row.ConsultationType)
	if domain.PrescriptionRule(typ, domain.StatusCompleted) == domain.PrescriptionNeverForType {
		return uuid.Nil, refuse(NeverForType, "Prescriptions are only issued after a video, walk-in or in-person consultation.")
	}
	status, err := s.LiveStatus(ctx, row)
	if err != nil {
		return uuid.Nil, err
	}
	if domain.PrescriptionRule(typ, status) != domain.PrescriptionAllowed {
		return uuid.Nil, refuse(NotNow, "A prescription needs a consultation in session or completed; this consultation is %s.", status)
	}
	data, err := json.Marshal(rx)
	if err != nil {
		return uuid.Nil, fmt.Errorf("care: %w", err)
	}
	enc, err := s.Fields.Encrypt(db.FieldPrescription, data)
	if err != nil {
		return uuid.Nil, fmt.Errorf("care: encrypt prescription: %w", err)
	}
	id := uuid.New()
	if err := s.Store.CreatePrescription(ctx, db.CreatePrescriptionParams{ID: id, ConsultationID: row.ID,
		DoctorID: row.DoctorID, DataEnc: enc, SendByEmail: byEmail}); err != nil {
		return uuid.Nil, fmt.Errorf("care: store prescription: %w", err)
	}
	if byEmail {
		if err := s.Engine.DeliverPrescription(ctx, row.ID, id); err != nil {
			return id, fmt.Errorf("care: deliver prescription %s: %w", id, err)
		}
	}
	return id, nil
}
