package mail

// Money templates.
const (
	// TemplateCreditNote accompanies a credit note PDF attached by the
	// caller. Data: CreditNoteData.
	TemplateCreditNote = "credit_note"
	// TemplateInvoiceDue accompanies an unpaid invoice PDF attached by the
	// caller, with how and by when to pay. Data: InvoiceDueData.
	TemplateInvoiceDue = "invoice_due"
)

// CreditNoteData is the data of TemplateCreditNote.
type CreditNoteData struct {
	Name             string // addressee; may be empty
	CreditNoteNumber string
	InvoiceNumber    string
	Amount           string // formatted amount credited
}

// InvoiceDueData is the data of TemplateInvoiceDue.
type InvoiceDueData struct {
	Name          string // addressee; may be empty
	InvoiceNumber string
	Amount        string // formatted invoice total
	DueDate       string // formatted date by which to pay
	PaymentURL    string // online payment link; empty: pay at the practice
	PracticeName  string // where else to pay; may be empty
}
