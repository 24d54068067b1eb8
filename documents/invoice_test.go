package documents

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

func TestInvoicePDF(t *testing.T) {
	paid := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	b, err := InvoicePDF(Invoice{Number: "2026-0007", IssuedAt: paid, PaidAt: &paid, DoctorName: "dr. Anna Jansen",
		PatientName: "Pim Patiënt", Description: "E-mailconsult", AmountCents: 5550, Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || len(b) < 500 {
		t.Fatalf("not a PDF: %q", b[:min(len(b), 20)])
	}
	if !bytes.Contains(b, []byte("2026-0007")) {
		t.Error("invoice number not in the PDF")
	}
}

func TestFormatMoney(t *testing.T) {
	for cents, want := range map[int64]string{0: "€ 0,00", 5: "€ 0,05", 5550: "€ 55,50", -1250: "-€ 12,50",
		123450: "€ 1.234,50", math.MinInt64: "-€ 92.233.720.368.547.758,08"} {
		if got := FormatMoney(cents, "EUR"); got != want {
			t.Errorf("FormatMoney(%d) = %q, want %q", cents, got, want)
		}
	}
}

func TestPrescriptionPDF(t *testing.T) {
	b, err := PrescriptionPDF(Prescription{ID: "rx-1", IssuedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
		DoctorName: "dr. Anna Jansen", PatientName: "Pim", Medication: "Hydrocortison crème", Strength: "1%",
		Dosage: "2× per dag", DurationDays: 14, Instructions: "Dun aanbrengen."})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("rx-1")) {
		t.Fatal("prescription PDF lacks its reference")
	}
}

// pdfText reports whether s is printed in the (uncompressed) PDF b as one
// text string; parentheses and backslashes are escaped as PDF strings do.
func pdfText(b []byte, s string) bool {
	esc := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s)
	return bytes.Contains(b, []byte(esc))
}

func rowValue(rows []Row, labelPrefix string) (string, bool) {
	for _, r := range rows {
		if strings.HasPrefix(r.Label, labelPrefix) {
			return r.Value, true
		}
	}
	return "", false
}

func TestInvoiceCarriesWhatAnInsurerNeeds(t *testing.T) {
	issued := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	care := time.Date(2026, 11, 24, 13, 30, 0, 0, time.UTC)
	born := time.Date(1984, 2, 29, 0, 0, 0, 0, time.UTC)
	inv := Invoice{Number: "D2G-000007", IssuedAt: issued, CareDate: care, PaidAt: &issued,
		PracticeName: "Huidpraktijk Jansen", DoctorName: "dr. Anna Jansen", DoctorAddress: "Keizersgracht 1", DoctorCity: "Amsterdam",
		BIGNumber: "12345678901", AGBCode: "03012345",
		PatientName: "Pim Pieters", PatientBirthDate: &born,
		Description: "Videoconsult dermatoloog", AmountCents: 5550, Currency: "EUR"}
	header := strings.Join(inv.Header(), "\n")
	for _, want := range []string{"Huidpraktijk Jansen", "dr. Anna Jansen", "Keizersgracht 1", "Amsterdam", "12345678901", "03012345"} {
		if !strings.Contains(header, want) {
			t.Errorf("header %q lacks %q", header, want)
		}
	}
	rows := inv.Rows()
	for label, want := range map[string]string{
		"Factuurnummer": "D2G-000007", "Datum zorg": "24-11-2026", "Patiënt": "Pim Pieters",
		"Geboortedatum": "29-02-1984", "Status": "Betaald op 25-11-2026 / Paid on 25-11-2026",
	} {
		if got, ok := rowValue(rows, label); !ok || got != want {
			t.Errorf("row %s = %q, want %q", label, got, want)
		}
	}
	b, err := InvoicePDF(inv)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"D2G-000007", "Huidpraktijk Jansen", "BIG-nummer / BIG number: 12345678901",
		"AGB-code / AGB code: 03012345", "Pim Pieters", "29-02-1984", "24-11-2026", "Videoconsult dermatoloog", "55,50", "Paid on 25-11-2026"} {
		if !pdfText(b, want) {
			t.Errorf("invoice PDF lacks %q", want)
		}
	}
}

func TestUnpaidInvoiceSaysHowAndByWhenToPay(t *testing.T) {
	issued := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	due := issued.AddDate(0, 0, 14)
	inv := Invoice{Number: "D2G-000008", IssuedAt: issued, CareDate: issued, PayBy: &due,
		PaymentURL: "https://pay.example/checkout/tr_1", DoctorName: "dr. A", Description: "Consult", AmountCents: 9000, Currency: "EUR"}
	if got := inv.Status(); got != "Openstaand, te betalen vóór 09-12-2026 / Unpaid, due by 09-12-2026" {
		t.Errorf("status %q", got)
	}
	notes := strings.Join(inv.Notes(), "\n")
	if !strings.Contains(notes, "https://pay.example/checkout/tr_1") || !strings.Contains(notes, "by 09-12-2026") {
		t.Errorf("notes %q lack the payment link and date", notes)
	}
	if got, _ := rowValue(inv.Rows(), "Geboortedatum"); got != "onbekend / unknown" {
		t.Errorf("unknown date of birth printed as %q", got)
	}
	b, err := InvoicePDF(inv)
	if err != nil {
		t.Fatal(err)
	}
	if !pdfText(b, "https://pay.example/checkout/tr_1") {
		t.Error("invoice PDF lacks the payment link")
	}
}

func TestCreditedInvoiceIsNotForReimbursement(t *testing.T) {
	issued := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	credited := issued.Add(48 * time.Hour)
	inv := Invoice{Number: "D2G-000009", IssuedAt: issued, CareDate: issued, PaidAt: &issued, DoctorName: "dr. A",
		Description: "Consult", AmountCents: 6000, Currency: "EUR",
		Credits: []CreditRef{{Number: "D2G-CN-000003", IssuedAt: credited, AmountCents: 5000}}}
	if got := inv.Status(); !strings.HasPrefix(got, "Deels gecrediteerd") {
		t.Errorf("status %q", got)
	}
	inv.Credits[0].AmountCents = 6000
	if got := inv.Status(); got != "Gecrediteerd / Credited" {
		t.Errorf("status %q", got)
	}
	notes := strings.Join(inv.Notes(), "\n")
	if !strings.Contains(notes, "D2G-CN-000003") || !strings.Contains(notes, NotForReimbursement[1]) {
		t.Errorf("notes %q lack the credit note or the reimbursement notice", notes)
	}
	cn := CreditNote{Number: "D2G-CN-000003", IssuedAt: credited, InvoiceNumber: inv.Number, InvoiceDate: issued, Invoice: inv, AmountCents: 6000}
	if got, _ := rowValue(cn.Rows(), "Betreft factuur"); got != "D2G-000009 (25-11-2026)" {
		t.Errorf("credit note refers to %q", got)
	}
	b, err := CreditNotePDF(cn)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"D2G-CN-000003", "D2G-000009", "-€ 60,00", NotForReimbursement[1]} {
		if !pdfText(b, strings.ReplaceAll(want, "€", "\x80")) {
			t.Errorf("credit note PDF lacks %q", want)
		}
	}
}

func TestPrescriptionCarriesWhatAPharmacyNeeds(t *testing.T) {
	born := time.Date(1990, 7, 1, 0, 0, 0, 0, time.UTC)
	p := Prescription{ID: "rx-1", IssuedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
		DoctorName: "dr. Anna Jansen", DoctorAddress: "Keizersgracht 1", DoctorCity: "Amsterdam", BIGNumber: "12345678901",
		PatientName: "Pim Pieters", PatientBirthDate: &born, Medication: "Hydrocortison creme", Strength: "1%",
		Dosage: "2x per dag", Quantity: "1 tube 30 g", DurationDays: 14}
	rows := p.Rows()
	for label, want := range map[string]string{
		"Datum": "25-11-2026", "Voorschrijver": "dr. Anna Jansen", "BIG-nummer": "12345678901", "Patiënt": "Pim Pieters",
		"Geboortedatum": "01-07-1990", "Geneesmiddel": "Hydrocortison creme", "Sterkte": "1%", "Dosering": "2x per dag",
		"Hoeveelheid": "1 tube 30 g",
	} {
		if got, ok := rowValue(rows, label); !ok || got != want {
			t.Errorf("row %s = %q, want %q", label, got, want)
		}
	}
	b, err := PrescriptionPDF(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Keizersgracht 1", "12345678901", "Pim Pieters", "01-07-1990", "1 tube 30 g", "Handtekening / Signature"} {
		if !pdfText(b, want) {
			t.Errorf("prescription PDF lacks %q", want)
		}
	}
}
