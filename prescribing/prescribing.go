// Package prescribing renders stored prescriptions as PDF. Who may get a
// prescription is domain.PrescriptionRule; package care stores them.
package prescribing

import (
	"context"
	"encoding/json"
	"fmt"

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
