package documents

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"
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
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(false)
	pdf.SetTitle("Recept "+p.ID, true)
	pdf.SetAuthor("Derma2Go", true)
	pdf.SetCreationDate(p.IssuedAt)
	pdf.SetModificationDate(p.IssuedAt)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 18)
	pdf.Cell(0, 10, "Derma2Go")
	pdf.Ln(12)
	pdf.SetFont("Helvetica", "", 10)
	for _, line := range []string{p.DoctorName, p.DoctorAddress, p.DoctorCity} {
		if line != "" {
			pdf.Cell(0, 5, tr(line))
			pdf.Ln(5)
		}
	}
	pdf.Ln(8)
	pdf.SetFont("Helvetica", "B", 14)
	pdf.Cell(0, 8, tr("Recept / Prescription"))
	pdf.Ln(10)
	pdf.SetFont("Helvetica", "", 10)
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
