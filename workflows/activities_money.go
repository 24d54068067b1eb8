package workflows

// ActivityIssueCreditNote issues the credit note of a refund of an invoiced
// consultation with the doctor's next gap-free credit-note number:
// IssueCreditNoteInput → IssueCreditNoteResult. At most one credit note per
// refund: a retry returns the one issued before. A consultation without an
// invoice gets none (Issued false).
const ActivityIssueCreditNote = "IssueCreditNote"

// IssueCreditNoteInput is the input of ActivityIssueCreditNote.
type IssueCreditNoteInput struct {
	ConsultationID string
	// RefundKey is the refund's idempotency key,
	// "consultation/<id>/refund/<purpose>".
	RefundKey string
}

// IssueCreditNoteResult is the output of ActivityIssueCreditNote.
type IssueCreditNoteResult struct {
	Issued       bool
	CreditNoteID string
	Number       string // the doctor's gap-free credit-note number
}

// Money email templates.
const (
	// TemplateCreditNote (patient): the credit note
	// SendEmailInput.DocumentID of a refund (PDF, attached by the
	// activity), referring to the invoice; the occasion is the refund's
	// purpose.
	TemplateCreditNote Template = "credit_note"
	// TemplateInvoiceDue (patient): the invoice of an in-person visit,
	// unpaid, with the amount, the due date and the online payment link
	// (the payment the workflow created for it); the PDF is attached.
	TemplateInvoiceDue Template = "invoice_due"
)

// AlertCreditNoteFailed: a refund was issued but its credit note could not
// be.
const AlertCreditNoteFailed AlertCode = "credit_note_failed"
