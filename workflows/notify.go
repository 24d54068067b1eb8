package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"
)

// notify emails template tpl to the consultation's recipient in the
// background: the step does not wait for the mail server, and the workflow
// waits for outstanding emails before it completes. The dedup key
// "consultation/<id>/email/<template>/<recipient>[/<occasion>]" makes a
// retried or replayed send go out once; occasion tells apart emails of one
// template that are meant to go out more than once (the 4 h and 1 h
// reminders). A send that still fails after emailOptions' retries is noted in
// LastError and the log.
func (c *consultation) notify(ctx workflow.Context, tpl Template, to Recipient, occasion string) {
	c.notifyWith(ctx, tpl, to, occasion, nil)
}

// notifyWith is notify for the appointment templates, whose input carries
// the facts of the moment (SendEmailInput.Appointment).
func (c *consultation) notifyWith(ctx workflow.Context, tpl Template, to Recipient, occasion string, facts *AppointmentEmail) {
	c.send(ctx, emailOptions, tpl, to, occasion, facts)
}

// notifyBy is notifyWith for an email that is useless after sendBy (a
// reminder): Temporal stops retrying it then, and the activity, which
// finds facts.SendBy, does not send it late either.
func (c *consultation) notifyBy(ctx workflow.Context, tpl Template, to Recipient, occasion string, facts *AppointmentEmail, sendBy time.Time) {
	opts := emailOptions
	opts.ScheduleToCloseTimeout = sendBy.Sub(workflow.Now(ctx))
	c.send(ctx, opts, tpl, to, occasion, facts)
}

func (c *consultation) send(ctx workflow.Context, opts workflow.ActivityOptions, tpl Template, to Recipient, occasion string, facts *AppointmentEmail) {
	in := SendEmailInput{
		ConsultationID: c.st.ConsultationID,
		Template:       tpl,
		Recipient:      to,
		DedupKey:       c.key("email", string(tpl), string(to), occasion),
		Appointment:    facts,
	}
	c.goBackground(ctx, func(ctx workflow.Context) {
		if err := run(ctx, opts, ActivitySendEmail, in, nil); err != nil {
			c.noteError(ctx, fmt.Errorf("email %s to %s: %w", tpl, to, err))
		}
	})
}
