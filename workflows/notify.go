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
//
// Since changeLocalReminders the first attempt is a local activity: the
// worker sends it inside the workflow task of the timer that made it due,
// which saves the server an activity task and the workflow task after it
// (what limits a burst of reminders due in the same minute). An attempt
// that fails there is retried as an ordinary activity until sendBy.
func (c *consultation) notifyBy(ctx workflow.Context, tpl Template, to Recipient, occasion string, facts *AppointmentEmail, sendBy time.Time) {
	in := c.emailInput(tpl, to, occasion, facts)
	retry := emailOptions
	retry.ScheduleToCloseTimeout = sendBy.Sub(workflow.Now(ctx))
	if workflow.GetVersion(ctx, changeLocalReminders, workflow.DefaultVersion, 1) < 1 {
		c.sendInBackground(ctx, retry, in)
		return
	}
	first := reminderLocalOptions
	first.ScheduleToCloseTimeout = min(first.StartToCloseTimeout, retry.ScheduleToCloseTimeout)
	c.goBackground(ctx, func(ctx workflow.Context) {
		err := runLocal(ctx, first, ActivitySendEmail, in, nil)
		if err == nil || isCanceled(ctx, err) {
			return
		}
		c.noteError(ctx, fmt.Errorf("email %s to %s (local): %w", in.Template, in.Recipient, err))
		if retry.ScheduleToCloseTimeout = sendBy.Sub(workflow.Now(ctx)); retry.ScheduleToCloseTimeout <= 0 {
			return
		}
		if err := run(ctx, retry, ActivitySendEmail, in, nil); err != nil {
			c.noteError(ctx, fmt.Errorf("email %s to %s: %w", in.Template, in.Recipient, err))
		}
	})
}

// emailInput is the SendEmail input of template tpl to recipient to, keyed
// by the consultation, the template, the recipient and the occasion.
func (c *consultation) emailInput(tpl Template, to Recipient, occasion string, facts *AppointmentEmail) SendEmailInput {
	return SendEmailInput{
		ConsultationID: c.st.ConsultationID,
		Template:       tpl,
		Recipient:      to,
		DedupKey:       c.key("email", string(tpl), string(to), occasion),
		Appointment:    facts,
	}
}

func (c *consultation) send(ctx workflow.Context, opts workflow.ActivityOptions, tpl Template, to Recipient, occasion string, facts *AppointmentEmail) {
	c.sendInBackground(ctx, opts, c.emailInput(tpl, to, occasion, facts))
}

// sendInBackground runs SendEmail with in as an activity in the background.
func (c *consultation) sendInBackground(ctx workflow.Context, opts workflow.ActivityOptions, in SendEmailInput) {
	c.goBackground(ctx, func(ctx workflow.Context) {
		if err := run(ctx, opts, ActivitySendEmail, in, nil); err != nil {
			c.noteError(ctx, fmt.Errorf("email %s to %s: %w", in.Template, in.Recipient, err))
		}
	})
}
