package documents

import (
	"bytes"
	"fmt"
	"time"
)

// MedicalRecord is a patient's medical record as printed: who it is about,
// whose record it is, and its entries, oldest first.
type MedicalRecord struct {
	PatientName      string
	PatientBirthDate *time.Time
	// Practice is the header of the doctor's record; empty for the
	// patient's own record across doctors.
	Practice    []string
	GeneratedAt time.Time
	Entries     []RecordEntry
}

// RecordEntry is one entry of the printed record.
type RecordEntry struct {
	At    time.Time
	Title string
	// Text is the entry's paragraph (advice, note, diagnosis, message).
	Text string
	Rows []Row
}

// MedicalRecordPDF renders a medical record.
func MedicalRecordPDF(r MedicalRecord) ([]byte, error) {
	pdf, tr := letterhead("Medisch dossier / Medical record", r.GeneratedAt, r.Practice...)
	loc := amsterdam()
	printRows(pdf, tr, []Row{
		{"Patiënt / Patient", orUnknown(r.PatientName)},
		{"Geboortedatum / Date of birth", dayOrUnknown(r.PatientBirthDate)},
		{"Aangemaakt / Generated", r.GeneratedAt.In(loc).Format("02-01-2006 15:04")},
		{"Regels / Entries", fmt.Sprint(len(r.Entries))},
	})
	pdf.Ln(4)
	for _, e := range r.Entries {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(0, 6, tr(e.At.In(loc).Format("02-01-2006 15:04")+"  "+e.Title), "T", 1, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		for _, row := range e.Rows {
			pdf.CellFormat(50, 5, tr(row.Label), "", 0, "L", false, 0, "")
			pdf.MultiCell(0, 5, tr(row.Value), "", "L", false)
		}
		if e.Text != "" {
			pdf.MultiCell(0, 5, tr(e.Text), "", "L", false)
		}
		pdf.Ln(2)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("documents: record pdf: %w", err)
	}
	return buf.Bytes(), nil
}
