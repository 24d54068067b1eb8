// Package documents renders the PDFs Derma2Go hands out: invoices now,
// prescriptions later. Rendering is pure: data in, bytes out.
package documents

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"

	"derma2go/money"
)

// Invoice is the data printed on an invoice: what a Dutch health insurer
// needs to reimburse it (practice, doctor with BIG and AGB, patient with
// date of birth, date of care, description, amount, payment status).
type Invoice struct {
	Number   string // the doctor's gap-free number, formatted
	IssuedAt time.Time
	// CareDate is the day of care (the appointment, or the day the advice
	// was given or the invoice issued).
	CareDate time.Time
	PaidAt   *time.Time

	PracticeName  string
	DoctorName    string
	DoctorAddress string
	DoctorCity    string
	BIGNumber     string
	AGBCode       string

	PatientName string
	// PatientBirthDate is the patient's date of birth (nil: unknown).
	PatientBirthDate *time.Time

	Description string
	AmountCents int64
	Currency    string

	// PayBy and PaymentURL tell an unpaid invoice's patient by when and
	// where to pay online.
	PayBy      *time.Time
	PaymentURL string

	// Credits are the credit notes issued against this invoice (refunds).
	// A credited invoice is not for reimbursement.
	Credits []CreditRef
}

// CreditRef names a credit note on the invoice it credits.
type CreditRef struct {
	Number      string
	IssuedAt    time.Time
	AmountCents int64
}

// Row is one labelled line of a document.
type Row struct {
	Label string
	Value string
}

// Header returns the practice lines printed under the letterhead.
func (inv Invoice) Header() []string {
	return practiceLines(inv.PracticeName, inv.DoctorName, inv.DoctorAddress, inv.DoctorCity, inv.BIGNumber, inv.AGBCode)
}

// Rows returns the invoice's labelled lines, in print order: the document
// model the PDF is rendered from.
func (inv Invoice) Rows() []Row {
	rows := []Row{
		{"Factuurnummer / Invoice number", inv.Number},
		{"Factuurdatum / Invoice date", day(inv.IssuedAt)},
		{"Datum zorg / Date of care", day(inv.CareDate)},
		{"Patiënt / Patient", orUnknown(inv.PatientName)},
		{"Geboortedatum / Date of birth", dayOrUnknown(inv.PatientBirthDate)},
	}
	return append(rows, Row{"Status", inv.Status()})
}

// Status is the payment status line.
func (inv Invoice) Status() string {
	var credited int64
	for _, c := range inv.Credits {
		credited += c.AmountCents
	}
	switch {
	case credited > 0 && credited >= inv.AmountCents:
		return "Gecrediteerd / Credited"
	case credited > 0:
		return fmt.Sprintf("Deels gecrediteerd (%s) / Partly credited", FormatMoney(credited, inv.Currency))
	case inv.PaidAt != nil:
		return "Betaald op " + day(*inv.PaidAt) + " / Paid on " + day(*inv.PaidAt)
	case inv.PayBy != nil:
		return "Openstaand, te betalen vóór " + day(*inv.PayBy) + " / Unpaid, due by " + day(*inv.PayBy)
	}
	return "Openstaand / Unpaid"
}

// Notes are the paragraphs under the amounts: how to pay an unpaid
// invoice, the credit notes and the reimbursement notice, the VAT
// exemption.
func (inv Invoice) Notes() []string {
	var notes []string
	if len(inv.Credits) > 0 {
		for _, c := range inv.Credits {
			amount := FormatMoney(c.AmountCents, inv.Currency)
			notes = append(notes,
				fmt.Sprintf("Gecrediteerd met creditnota %s van %s (%s).", c.Number, day(c.IssuedAt), amount),
				fmt.Sprintf("Credited by credit note %s of %s (%s).", c.Number, day(c.IssuedAt), amount))
		}
		notes = append(notes, NotForReimbursement...)
	} else if inv.PaidAt == nil && inv.PaymentURL != "" {
		by, byEN := "", ""
		if inv.PayBy != nil {
			by, byEN = " vóór "+day(*inv.PayBy), " by "+day(*inv.PayBy)
		}
		notes = append(notes, "Betaal"+by+" online via:", inv.PaymentURL, "Please pay"+byEN+" online at the link above.")
	}
	return append(notes, "Vrijgesteld van btw: medische zorg (art. 11 lid 1 onderdeel g Wet OB). VAT exempt: medical care.")
}

// NotForReimbursement is printed on credited invoices and on credit notes
// (Dutch, English).
var NotForReimbursement = []string{
	"Deze factuur is (deels) terugbetaald en mag niet bij de zorgverzekeraar worden gedeclareerd.",
	"This invoice was (partly) refunded and must not be claimed from a health insurer.",
}

// InvoicePDF renders an invoice from its model (Header, Rows, Notes).
// Medical care by a registered physician is exempt from Dutch VAT (art. 11
// lid 1 onderdeel g Wet OB), which the invoice states.
func InvoicePDF(inv Invoice) ([]byte, error) {
	pdf, tr := letterhead("Factuur / Invoice "+inv.Number, inv.IssuedAt, inv.Header()...)
	printRows(pdf, tr, inv.Rows())
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
	printNotes(pdf, tr, inv.Notes())
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("documents: invoice pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// CreditNote is the data printed on a credit note: it refers to the
// invoice it credits and carries the same practice and patient lines.
type CreditNote struct {
	Number        string // the doctor's gap-free credit-note number, formatted
	IssuedAt      time.Time
	InvoiceNumber string
	InvoiceDate   time.Time
	Invoice       Invoice // practice, doctor, patient, care date, description
	AmountCents   int64   // the amount credited (refunded), positive
}

// Rows returns the credit note's labelled lines, in print order.
func (cn CreditNote) Rows() []Row {
	inv := cn.Invoice
	return []Row{
		{"Creditnotanummer / Credit note number", cn.Number},
		{"Datum / Date", day(cn.IssuedAt)},
		{"Betreft factuur / Credits invoice", cn.InvoiceNumber + " (" + day(cn.InvoiceDate) + ")"},
		{"Datum zorg / Date of care", day(inv.CareDate)},
		{"Patiënt / Patient", orUnknown(inv.PatientName)},
		{"Geboortedatum / Date of birth", dayOrUnknown(inv.PatientBirthDate)},
	}
}

// CreditNotePDF renders a credit note.
func CreditNotePDF(cn CreditNote) ([]byte, error) {
	pdf, tr := letterhead("Creditnota / Credit note "+cn.Number, cn.IssuedAt, cn.Invoice.Header()...)
	printRows(pdf, tr, cn.Rows())
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(130, 7, tr("Omschrijving / Description"), "B", 0, "L", false, 0, "")
	pdf.CellFormat(0, 7, tr("Bedrag / Amount"), "B", 1, "R", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.CellFormat(130, 7, tr("Terugbetaling / Refund: "+cn.Invoice.Description), "", 0, "L", false, 0, "")
	pdf.CellFormat(0, 7, tr(FormatMoney(-cn.AmountCents, cn.Invoice.Currency)), "", 1, "R", false, 0, "")
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(130, 7, tr("Totaal / Total"), "T", 0, "L", false, 0, "")
	pdf.CellFormat(0, 7, tr(FormatMoney(-cn.AmountCents, cn.Invoice.Currency)), "T", 1, "R", false, 0, "")
	printNotes(pdf, tr, NotForReimbursement)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("documents: credit note pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// practiceLines are the header lines of the practice and its doctor.
func practiceLines(practice, doctor, address, city, big, agb string) []string {
	lines := []string{practice, doctor, address, city}
	if big != "" {
		lines = append(lines, "BIG-nummer / BIG number: "+big)
	}
	if agb != "" {
		lines = append(lines, "AGB-code / AGB code: "+agb)
	}
	return lines
}

func printRows(pdf *fpdf.Fpdf, tr func(string) string, rows []Row) {
	for _, r := range rows {
		pdf.CellFormat(65, 6, tr(r.Label), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 6, tr(r.Value), "", 1, "L", false, 0, "")
	}
}

func printNotes(pdf *fpdf.Fpdf, tr func(string) string, notes []string) {
	pdf.Ln(8)
	pdf.SetFont("Helvetica", "", 8)
	for _, n := range notes {
		pdf.CellFormat(0, 4, tr(n), "", 1, "L", false, 0, "")
		pdf.Ln(1)
	}
}

// day prints a date in Amsterdam as dd-mm-yyyy.
func day(t time.Time) string { return t.In(amsterdam()).Format("02-01-2006") }

// dayOrUnknown prints a date of birth (a calendar date, not an instant) or
// "onbekend / unknown".
func dayOrUnknown(t *time.Time) string {
	if t == nil {
		return "onbekend / unknown"
	}
	return t.Format("02-01-2006")
}

func orUnknown(s string) string {
	if s == "" {
		return "onbekend / unknown"
	}
	return s
}

// FormatMoney prints cents as "€ 1.234,50" (Dutch notation, money.Format).
func FormatMoney(cents int64, currency string) string { return money.Format("nl", cents, currency) }

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
