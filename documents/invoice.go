// Package documents renders the PDFs Derma2Go hands out: invoices now,
// prescriptions later. Rendering is pure: data in, bytes out.
package documents

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"
)

// Invoice is the data printed on an invoice.
type Invoice struct {
	Number        string // the doctor's gap-free number, formatted
	IssuedAt      time.Time
	PaidAt        *time.Time
	DoctorName    string
	DoctorAddress string
	DoctorCity    string
	PatientName   string
	Description   string
	AmountCents   int64
	Currency      string
}

// InvoicePDF renders an invoice. Medical care by a registered physician is
// exempt from Dutch VAT (art. 11 lid 1 onderdeel g Wet OB), which the invoice
// states.
func InvoicePDF(inv Invoice) ([]byte, error) {
	pdf, tr := letterhead("Factuur / Invoice "+inv.Number, inv.IssuedAt, inv.DoctorName, inv.DoctorAddress, inv.DoctorCity)
	rows := [][2]string{
		{"Factuurdatum / Date", inv.IssuedAt.In(amsterdam()).Format("02-01-2006")},
		{"Patiënt / Patient", inv.PatientName},
	}
	if inv.PaidAt != nil {
		rows = append(rows, [2]string{"Betaald / Paid", inv.PaidAt.In(amsterdam()).Format("02-01-2006 15:04")})
	}
	for _, r := range rows {
		pdf.CellFormat(55, 6, tr(r[0]), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 6, tr(r[1]), "", 1, "L", false, 0, "")
	}
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(130, 7, tr("Omschrijving / Description"), "B", 0, "L", false, 0, "")
	pdf.CellFormat(0, 7, tr("Bedrag / Amount"), "B", 1, "R", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.CellFormat(130, 7, tr(inv.Description), "", 0, "L", false, 0, "")
	pdf.CellFormat(0, 7, tr(FormatMoney(inv.AmountCents, inv.Currency)), "", 1, "R", false, 0, "")
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(130, 7, tr("Totaal / Total"), "T", 0, "L", false, 0, "")
	pdf.CellFormat(0, 7, tr(FormatMoney(inv.AmountCents, inv.Currency)), "T", 1, "R", false, 0, "")
	pdf.Ln(8)
	pdf.SetFont("Helvetica", "", 8)
	pdf.MultiCell(0, 4, tr("Vrijgesteld van btw: medische zorg (art. 11 lid 1 onderdeel g Wet OB). "+
		"VAT exempt: medical care."), "", "L", false)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("documents: invoice pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// FormatMoney prints cents as "€ 55,00" (Dutch notation).
func FormatMoney(cents int64, currency string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	symbol := currency + " "
	if currency == "EUR" || currency == "" {
		symbol = "€ "
	}
	return fmt.Sprintf("%s%s%d,%02d", sign, symbol, cents/100, cents%100)
}

// letterhead starts an A4 document: metadata, the Derma2Go header, the
// doctor's lines and the title. It returns the document and its text
// translator (UTF-8 to the PDF's code page).
func letterhead(title string, created time.Time, doctorLines ...string) (*fpdf.Fpdf, func(string) string) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(false) // tiny documents; keeps their text greppable
	pdf.SetTitle(title, true)
	pdf.SetAuthor("Derma2Go", true)
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 18)
	pdf.Cell(0, 10, "Derma2Go")
	pdf.Ln(12)
	pdf.SetFont("Helvetica", "", 10)
	for _, line := range doctorLines {
		if line != "" {
			pdf.Cell(0, 5, tr(line))
			pdf.Ln(5)
		}
	}
	pdf.Ln(8)
	pdf.SetFont("Helvetica", "B", 14)
	pdf.Cell(0, 8, tr(title))
	pdf.Ln(10)
	pdf.SetFont("Helvetica", "", 10)
	return pdf, tr
}

func amsterdam() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.UTC
	}
	return loc
}
