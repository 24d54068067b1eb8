package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"
)

// invoice issues the invoice of the paid consultation (IssueInvoice, which
// takes the doctor's next gap-free number once per consultation) and emails
// it to the patient. It runs in the background so that a slow invoice never
// delays the consultation; if it cannot be issued, support is alerted.
// invoiceSettled is set when the step has an outcome.
func (c *consultation) invoice(ctx workflow.Context) {
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
		c.notify(ctx, TemplateInvoice, RecipientPatient, "")
	})
}
