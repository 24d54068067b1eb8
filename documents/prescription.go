package documents

import (
	"bytes"
	"fmt"
	"time"
)

// Prescription is the data printed on a prescription: what a Dutch
// pharmacy needs (prescriber with address and BIG number, date, patient
// with date of birth, medicine, strength, dosage, quantity, signature).
type Prescription struct {
	ID               string
	IssuedAt         time.Time
	PracticeName     string
	DoctorName       string
	DoctorAddress    string
	DoctorCity       string
	BIGNumber        string
	AGBCode          string
	PatientName      string
	PatientBirthDate *time.Time
	Medication       string
	Strength         string
	Dosage           string
	// Quantity is what the pharmacy hands out ("1 tube 30 g"); empty
	// means enough for DurationDays.
	Quantity     string
	DurationDays int
	Instructions string
}

// Header returns the prescriber lines printed under the letterhead.
func (p Prescription) Header() []string {
	return practiceLines(p.PracticeName, p.DoctorName, p.DoctorAddress, p.DoctorCity, p.BIGNumber, p.AGBCode)
}

// Rows returns the prescription's labelled lines, in print order: the
// document model the PDF is rendered from.
func (p Prescription) Rows() []Row {
	quantity := p.Quantity
	if quantity == "" {
		quantity = fmt.Sprintf("voor %d dagen / for %d days", p.DurationDays, p.DurationDays)
	}
	return []Row{
		{"Datum / Date", day(p.IssuedAt)},
		{"Voorschrijver / Prescriber", p.DoctorName},
		{"BIG-nummer / BIG number", orUnknown(p.BIGNumber)},
		{"Patiënt / Patient", orUnknown(p.PatientName)},
		{"Geboortedatum / Date of birth", dayOrUnknown(p.PatientBirthDate)},
		{"Geneesmiddel / Medication", p.Medication},
		{"Sterkte / Strength", p.Strength},
		{"Dosering / Dosage", p.Dosage},
		{"Hoeveelheid / Quantity", quantity},
		{"Duur / Duration", fmt.Sprintf("%d dagen / days", p.DurationDays)},
	}
}

// SignatureLine is printed under the prescription, with the prescriber's
// name under it.
const SignatureLine = "Handtekening / Signature: ______________________________"

// PrescriptionPDF renders a prescription from its model (Header, Rows).
func PrescriptionPDF(p Prescription) ([]byte, error) {
	pdf, tr := letterhead("Recept / Prescription", p.IssuedAt, p.Header()...)
	printRows(pdf, tr, p.Rows())
	if p.Instructions != "" {
		pdf.Ln(4)
		pdf.SetFont("Helvetica", "B", 10)
		pdf.Cell(0, 6, tr("Gebruiksaanwijzing / Instructions"))
		pdf.Ln(6)
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(0, 5, tr(p.Instructions), "", "L", false)
	}
	pdf.Ln(14)
	pdf.SetFont("Helvetica", "", 10)
	pdf.Cell(0, 6, tr(SignatureLine))
	pdf.Ln(6)
	pdf.Cell(0, 6, tr(p.DoctorName))
	pdf.Ln(10)
	pdf.SetFont("Helvetica", "", 8)
	pdf.MultiCell(0, 4, tr("Referentie / Reference: "+p.ID), "", "L", false)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("documents: prescription pdf: %w", err)
	}
	return buf.Bytes(), nil
}
