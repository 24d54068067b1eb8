package documents

import (
	"bytes"
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
	for cents, want := range map[int64]string{0: "€ 0,00", 5: "€ 0,05", 5550: "€ 55,50", -1250: "-€ 12,50"} {
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
