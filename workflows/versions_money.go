package workflows

// Change IDs and versions of workflow.GetVersion for the money steps. A
// consultation started before a change replays with
// workflow.DefaultVersion and keeps its old behaviour.
const (
	// changeConfirmPaymentSignal: a payment-update signal claiming a final
	// status is confirmed with Mollie (GetPaymentStatus) before the
	// workflow acts on it.
	changeConfirmPaymentSignal  = "confirm-payment-signal"
	versionConfirmPaymentSignal = 1

	// changeConfirmRefundSignal: a refund-update signal only triggers a
	// GetRefundStatus; the status Mollie returns is what counts.
	changeConfirmRefundSignal  = "confirm-refund-signal"
	versionConfirmRefundSignal = 1

	// changeCreditNote: a refund accepted by Mollie gets a credit note
	// (IssueCreditNote), emailed to the patient (TemplateCreditNote).
	changeCreditNote  = "credit-note"
	versionCreditNote = 1

	// changeInvoicePaymentLink: the in-person invoice gets a Mollie
	// payment, whose checkout link the invoice email (TemplateInvoiceDue)
	// carries; paying it marks the invoice paid.
	changeInvoicePaymentLink  = "invoice-payment-link"
	versionInvoicePaymentLink = 1

	// changeInvoiceAfterIntake: an email-advice invoice is mailed once the
	// intake is taken (or the wait for it ended), not at payment: a guest
	// gives the name and date of birth the invoice prints at intake.
	changeInvoiceAfterIntake  = "invoice-after-intake"
	versionInvoiceAfterIntake = 1
)
