package documents

import (
	"bytes"
	"fmt"
	"time"
)

// Prescription is the data printed on a prescription.
type Prescription struct {
	ID            string
	IssuedAt      time.Time
	DoctorName    string
	DoctorAddress string
	DoctorCity    string
	PatientName   string
	Medication    string
	Strength      string
	Dosage        string
	DurationDays  int
	Instructions  string
}

// PrescriptionPDF renders a prescription.
func PrescriptionPDF(p Prescription) ([]byte, error) {
	pdf, tr := letterhead("Recept / Prescription", p.IssuedAt, p.DoctorName, p.DoctorAddress, p.DoctorCity)
	rows := [][2]string{
		{"Datum / Date", p.IssuedAt.In(amsterdam()).Format("02-01-2006")},
		{"Patiënt / Patient", p.PatientName},
		{"Geneesmiddel / Medication", p.Medication},
		{"Sterkte / Strength", p.Strength},
		{"Dosering / Dosage", p.Dosage},
		{"Duur / Duration", fmt.Sprintf("%d dagen / days", p.DurationDays)},
	}
	for _, r := range rows {
		pdf.CellFormat(60, 7, tr(r[0]), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 7, tr(r[1]), "", 1, "L", false, 0, "")
	}
	if p.Instructions != "" {
		pdf.Ln(4)
		pdf.SetFont("Helvetica", "B", 10)
		pdf.Cell(0, 6, tr("Gebruiksaanwijzing / Instructions"))
		pdf.Ln(6)
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(0, 5, tr(p.Instructions), "", "L", false)
	}
	pdf.Ln(8)
	pdf.SetFont("Helvetica", "", 8)
	pdf.MultiCell(0, 4, tr("Referentie / Reference: "+p.ID), "", "L", false)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("documents: prescription pdf: %w", err)
	}
	return buf.Bytes(), nil
}
