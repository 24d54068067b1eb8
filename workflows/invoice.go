package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"
)

// invoice issues the invoice of the paid consultation (IssueInvoice, which
// takes the doctor's next gap-free number once per consultation) and emails
// it to the patient. An in-person invoice, unpaid, first gets a Mollie
// payment and goes out as TemplateInvoiceDue with its link; an
// email-advice invoice goes out once invoiceMailReady says the patient's
// identity is in. It runs in the background so that a slow invoice never
// delays the consultation; if it cannot be issued, support is alerted.
// invoiceSettled is set when the step has an outcome.
func (c *consultation) invoice(ctx workflow.Context) {
	c.invoiceStarted = true
	c.goBackground(ctx, func(ctx workflow.Context) {
		defer func() { c.invoiceSettled = true }()
		var res IssueInvoiceResult
		err := run(ctx, moneyOptions, ActivityIssueInvoice, IssueInvoiceInput{ConsultationID: c.st.ConsultationID}, &res)
		if err != nil {
			if isCanceled(ctx, err) {
				return
			}
			err = fmt.Errorf("issue invoice: %w", err)
			c.noteError(ctx, err)
			c.alert(ctx, AlertInvoiceFailed, err)
			return
		}
		c.st.InvoiceNumber = res.Number
		if c.st.Type == TypeInPerson && c.st.PaidAt == nil &&
			workflow.GetVersion(ctx, changeInvoicePaymentLink, workflow.DefaultVersion, versionInvoicePaymentLink) >= versionInvoicePaymentLink {
			c.invoicePayment(ctx)
			c.notify(ctx, TemplateInvoiceDue, RecipientPatient, "")
			return
		}
		if c.invoiceMailReady != nil &&
			workflow.GetVersion(ctx, changeInvoiceAfterIntake, workflow.DefaultVersion, versionInvoiceAfterIntake) >= versionInvoiceAfterIntake {
			if err := workflow.Await(ctx, c.invoiceMailReady); err != nil {
				return
			}
		}
		c.notify(ctx, TemplateInvoice, RecipientPatient, "")
	})
}

// invoicePayment creates the Mollie payment an unpaid in-person invoice
// links to (key "consultation/<id>/payment/invoice"). Without it the
// invoice still goes out, naming the practice as the place to pay.
func (c *consultation) invoicePayment(ctx workflow.Context) {
	var created CreatePaymentResult
	err := run(ctx, createPaymentOptions, ActivityCreatePayment, CreatePaymentInput{
		ConsultationID: c.st.ConsultationID,
		AmountCents:    c.st.AmountCents,
		Description:    "Derma2Go " + c.st.InvoiceNumber,
		Language:       c.language,
		IdempotencyKey: c.key("payment", "invoice"),
	}, &created)
	if err != nil {
		if !isCanceled(ctx, err) {
			c.noteError(ctx, fmt.Errorf("create invoice payment: %w", err))
		}
		return
	}
	c.st.PaymentID = created.PaymentID
	c.st.CheckoutURL = created.CheckoutURL
	c.st.PaymentStatus = PaymentOpen
}
