// Package prescribing stores prescriptions encrypted and renders them as
// PDF. Prescriptions come only from video, walk-in and in-person
// consultations, in session or completed; never from email advice.
package prescribing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"derma2go/accounts"
	"derma2go/db"
	"derma2go/documents"
	"derma2go/secure"
)

// Rx is what the doctor prescribes.
type Rx struct {
	Medication   string `json:"medication"`
	Strength     string `json:"strength"`
	Dosage       string `json:"dosage"`
	DurationDays int    `json:"duration_days"`
	// Quantity is what the pharmacy hands out ("1 tube 30 g"); empty:
	// enough for DurationDays.
	Quantity     string `json:"quantity,omitempty"`
	Instructions string `json:"instructions"`
}

// ErrNotAllowed is returned for a consultation that may not get a prescription.
var ErrNotAllowed = errors.New("prescribing: not allowed for this consultation")

// Allowed reports whether a consultation of typ in status may get a prescription.
func Allowed(typ, status string) bool {
	switch typ {
	case "video", "walk_in", "in_person":
		return status == "in_session" || status == "completed"
	}
	return false
}

// Issue stores a prescription encrypted, after checking in the same
// transaction that the consultation may have one.
func Issue(ctx context.Context, store *db.Store, f *secure.Fields, consultationID, doctorID uuid.UUID, rx Rx, byEmail bool) (db.Prescription, error) {
	data, err := json.Marshal(rx)
	if err != nil {
		return db.Prescription{}, fmt.Errorf("prescribing: %w", err)
	}
	enc, err := f.Encrypt(db.FieldPrescription, data)
	if err != nil {
		return db.Prescription{}, err
	}
	id := uuid.New()
	err = store.Tx(ctx, func(q *db.Queries) error {
		c, err := q.GetConsultationForUpdate(ctx, consultationID)
		if err != nil {
			return err
		}
		if c.DoctorID != doctorID || !Allowed(c.ConsultationType, c.Status) {
			return ErrNotAllowed
		}
		return q.CreatePrescription(ctx, db.CreatePrescriptionParams{ID: id, ConsultationID: consultationID, DoctorID: doctorID,
			DataEnc: enc, SendByEmail: byEmail})
	})
	if err != nil {
		return db.Prescription{}, err
	}
	return db.Prescription{ID: id, ConsultationID: consultationID, DoctorID: doctorID, SendByEmail: byEmail}, nil
}

// PDF renders a stored prescription.
func PDF(ctx context.Context, q *db.Queries, f *secure.Fields, p db.Prescription) ([]byte, error) {
	data, err := f.Decrypt(db.FieldPrescription, p.DataEnc)
	if err != nil {
		return nil, fmt.Errorf("prescribing: %w", err)
	}
	var rx Rx
	if err := json.Unmarshal(data, &rx); err != nil {
		return nil, fmt.Errorf("prescribing: %w", err)
	}
	c, err := q.GetConsultation(ctx, p.ConsultationID)
	if err != nil {
		return nil, fmt.Errorf("prescribing: %w", err)
	}
	doctor, err := q.GetDoctor(ctx, p.DoctorID)
	if err != nil {
		return nil, fmt.Errorf("prescribing: %w", err)
	}
	patient, err := accounts.PatientIdentity(ctx, q, f, c)
	if err != nil {
		return nil, err
	}
	return documents.PrescriptionPDF(documents.Prescription{
		ID: p.ID.String(), IssuedAt: p.CreatedAt, PracticeName: doctor.PracticeName, DoctorName: doctor.DisplayName,
		DoctorAddress: doctor.Address, DoctorCity: doctor.City, BIGNumber: doctor.BigNumber, AGBCode: doctor.AgbCode,
		PatientName: patient.Name, PatientBirthDate: patient.BirthDate, Medication: rx.Medication, Strength: rx.Strength,
		Dosage: rx.Dosage, Quantity: rx.Quantity, DurationDays: rx.DurationDays, Instructions: rx.Instructions,
	})
}
