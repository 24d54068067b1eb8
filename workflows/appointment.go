package workflows

import (
	"fmt"
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Appointment timing. The defaults apply to zero AppointmentInput fields;
// the others are rules of the workflow.
const (
	// DefaultWaitingRoomOpens is how long before the scheduled start a video
	// patient may check in to the waiting room.
	DefaultWaitingRoomOpens = 10 * time.Minute
	// NoShowGrace: a video appointment whose patient never checked in is a
	// no-show this long after the expected end (scheduled end plus the
	// doctor's delay). A patient who checked in but whose session the doctor
	// never started is, at the same moment, refunded in full and the
	// appointment cancelled (ReasonSessionNotHeld), with a support alert.
	NoShowGrace = 15 * time.Minute
	// SessionOvertime: a video session nobody ended is completed this long
	// after its expected end (ReasonSessionEndNotMarked), so that the review
	// request still follows.
	SessionOvertime = 2 * time.Hour
	// AttendanceMarkLead is how long before the scheduled start the doctor
	// may mark an in-person patient attended.
	AttendanceMarkLead = 15 * time.Minute
	// DefaultNoShowMarkGrace is how long after the expected start (the
	// scheduled start plus the doctor's delay) the doctor may first mark an
	// in-person patient absent: nobody is a no-show before the appointment
	// has begun and the patient had a few minutes to arrive.
	DefaultNoShowMarkGrace = 10 * time.Minute
	// MaxCancellationRequests is how many cancellation requests a patient
	// may make for one appointment: the first and, after the doctor
	// rejected it, one more. After a second rejection the appointment
	// stands; a further request is refused (ErrTypeInvalidState, HTTP 409)
	// and the patient is pointed to the practice (messages), so a doctor
	// who has decided twice is not asked again and again.
	MaxCancellationRequests = 2
	// AttendanceAlertAfter: an in-person visit marked neither attended nor
	// no-show this long after its expected end raises a support alert; the
	// doctor may still mark it.
	AttendanceAlertAfter = 24 * time.Hour
	// AttendanceMarkLimit: an in-person visit still unmarked this long
	// after its expected end expires (ReasonAttendanceNotMarked): no invoice.
	AttendanceMarkLimit = 30 * 24 * time.Hour
	// DefaultInvoiceOpenFor is how long after an in-person visit the
	// workflow stays open for UpdateMarkPaid.
	DefaultInvoiceOpenFor = 90 * 24 * time.Hour
	// maxAppointmentLength bounds End − Start.
	maxAppointmentLength = 12 * time.Hour
)

// AppointmentInput starts an AppointmentWorkflow. Zero durations,
// DoctorTimeZone and Language take their defaults.
type AppointmentInput struct {
	ConsultationID string
	DoctorID       string
	// Type is TypeVideo (paid at booking) or TypeInPerson (invoiced after
	// the visit).
	Type ConsultationType
	// AmountCents is the doctor's price for the type: paid at booking for
	// video, invoiced after the visit for in-person.
	AmountCents int64
	// AdminFeeCents is the doctor's admin fee, kept from the refund of a
	// cancellation the patient requested in time (CancellationRefund).
	AdminFeeCents int64
	// Start and End are the booked slot (converted to UTC).
	Start time.Time
	End   time.Time
	// DoctorTimeZone is the doctor's IANA zone (default Europe/Amsterdam),
	// in which the emails show times; the workflow itself computes on
	// instants only.
	DoctorTimeZone string
	// Language of the patient's checkout: "nl" (default) or "en".
	Language string
	// PaymentHold (video): how long the slot is held while the patient pays;
	// default DefaultPaymentHold.
	PaymentHold time.Duration
	// ReviewDelay: default DefaultReviewDelay.
	ReviewDelay time.Duration
	// WaitingRoomOpens (video): default DefaultWaitingRoomOpens.
	WaitingRoomOpens time.Duration
	// InvoiceOpenFor (in-person): default DefaultInvoiceOpenFor.
	InvoiceOpenFor time.Duration
	// NoShowMarkGrace (in-person): default DefaultNoShowMarkGrace.
	NoShowMarkGrace time.Duration `json:",omitempty"`
}

func (in AppointmentInput) withDefaults() AppointmentInput {
	in.Start, in.End = in.Start.UTC(), in.End.UTC()
	if in.DoctorTimeZone == "" {
		in.DoctorTimeZone = DefaultTimeZone
	}
	if in.Language == "" {
		in.Language = "nl"
	}
	if in.PaymentHold == 0 {
		in.PaymentHold = DefaultPaymentHold
	}
	if in.ReviewDelay == 0 {
		in.ReviewDelay = DefaultReviewDelay
	}
	if in.WaitingRoomOpens == 0 {
		in.WaitingRoomOpens = DefaultWaitingRoomOpens
	}
	if in.InvoiceOpenFor == 0 {
		in.InvoiceOpenFor = DefaultInvoiceOpenFor
	}
	if in.NoShowMarkGrace == 0 {
		in.NoShowMarkGrace = DefaultNoShowMarkGrace
	}
	return in
}

func (in AppointmentInput) validate() error {
	switch {
	case in.ConsultationID == "":
		return fmt.Errorf("ConsultationID is required")
	case in.DoctorID == "":
		return fmt.Errorf("DoctorID is required")
	case in.Type != TypeVideo && in.Type != TypeInPerson:
		return fmt.Errorf("type must be %q or %q, got %q", TypeVideo, TypeInPerson, in.Type)
	case in.AmountCents <= 0:
		return fmt.Errorf("AmountCents must be positive, got %d", in.AmountCents)
	case in.AdminFeeCents < 0:
		return fmt.Errorf("AdminFeeCents must not be negative, got %d", in.AdminFeeCents)
	case in.Start.IsZero() || in.End.IsZero():
		return fmt.Errorf("start and end are required")
	case !in.End.After(in.Start):
		return fmt.Errorf("end %s is not after start %s", in.End.Format(time.RFC3339), in.Start.Format(time.RFC3339))
	case in.End.Sub(in.Start) > maxAppointmentLength:
		return fmt.Errorf("appointment longer than %s", maxAppointmentLength)
	case in.Language != "nl" && in.Language != "en":
		return fmt.Errorf("language must be nl or en, got %q", in.Language)
	case in.PaymentHold < 0 || in.ReviewDelay < 0 || in.WaitingRoomOpens < 0 || in.InvoiceOpenFor < 0 ||
		in.NoShowMarkGrace < 0:
		return fmt.Errorf("durations must not be negative")
	}
	return nil
}

// AppointmentWorkflow drives one video or in-person appointment; the type
// decides the steps (see the Status diagram):
//
//  1. video: payment (consultation.pay, hold PaymentHold): unpaid ends in
//     payment_failed or expired, which frees the slot; paid: the invoice is
//     issued. In-person: nothing is paid at booking.
//  2. scheduled: appointment_invitation to the patient (the activity adds
//     the .ics, intake and waiting-room links), new_booking_doctor to the
//     doctor; reminders 24 h and 1 h before the expected start
//     (ReminderTimes: those already past are skipped; one that cannot go
//     out by ReminderSendBy is dropped, not sent late), re-armed when the
//     doctor announces a delay (UpdateDoctorDelay, which also emails
//     doctor_delay at once), dropped when the appointment ends otherwise.
//  3. video: the waiting room opens WaitingRoomOpens before the start;
//     UpdatePatientJoined → waiting, UpdateStartSession (only while the
//     patient waits) → in_session, UpdateEndSession → completed, review
//     request after ReviewDelay. Never checked in by the expected end plus
//     NoShowGrace: no_show, no refund. Checked in but never admitted by
//     then: cancelled, full refund, support alerted.
//  4. in-person: from AttendanceMarkLead before the start the doctor marks
//     the patient attended (completed, invoice, review request; the
//     workflow then stays open for UpdateMarkPaid for InvoiceOpenFor), and
//     from NoShowMarkGrace after the expected start absent (no_show).
//  5. cancellation (DESIGN §5): UpdateRequestCancellation before the start
//     fixes the refund (CancellationRefund) and waits for the doctor's
//     UpdateConfirmCancellation (cancelled, refund with the key
//     "consultation/<id>/refund/cancellation") or
//     UpdateRejectCancellation (back to scheduled; the patient may ask
//     once more, MaxCancellationRequests); still undecided at the start,
//     it is confirmed automatically. UpdateDoctorCancel and
//     UpdateDecline refund in full. The patient gets appointment_cancelled.
//
// It returns the final ConsultationState. Invalid input fails the workflow
// with an ErrTypeInvalidInput application error.
func AppointmentWorkflow(ctx workflow.Context, in AppointmentInput) (ConsultationState, error) {
	in = in.withDefaults()
	if err := in.validate(); err != nil {
		return ConsultationState{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("invalid appointment input: %v", err), ErrTypeInvalidInput, err)
	}
	w := newAppointment(ctx, in)
	if err := w.register(ctx); err != nil {
		return w.st, err
	}
	runErr := w.run(ctx)
	if err := w.finish(ctx); err != nil && runErr == nil {
		runErr = err
	}
	return w.st, runErr
}

// reminder is a pending reminder to the patient.
type reminder struct {
	at   time.Time
	lead time.Duration
}

// appointment is the state of one AppointmentWorkflow.
type appointment struct {
	*consultation
	in AppointmentInput

	// wake is kicked by every update that changes the state, so that the
	// main loop recomputes its next timed step.
	wake workflow.Channel

	// reminders are pending, earliest first; reminded lists the leads
	// sent (a lead is sent once, whatever delays follow).
	reminders []reminder
	reminded  []time.Duration

	// delays and cancelRequests count accepted delays and cancellation
	// requests; they tell apart the emails each of them sends.
	delays         int
	cancelRequests int

	// refundCents and refundPurpose are what the end of the appointment
	// refunds (cancelled, declined).
	refundCents   int64
	refundPurpose string

	attendanceAlerted bool
	markingPaid       bool
}

func newAppointment(ctx workflow.Context, in AppointmentInput) *appointment {
	w := &appointment{
		consultation: newConsultation(ctx, in.Type, in.ConsultationID, in.DoctorID, in.AmountCents, in.Language),
		in:           in,
		wake:         workflow.NewBufferedChannel(ctx, 1),
	}
	start, end, expected := in.Start, in.End, in.Start
	w.st.ScheduledStart, w.st.ScheduledEnd, w.st.ExpectedStart = &start, &end, &expected
	w.st.TimeZone = in.DoctorTimeZone
	if in.Type == TypeVideo {
		opens := in.Start.Add(-in.WaitingRoomOpens)
		w.st.WaitingRoomOpensAt = &opens
	}
	w.setStatus(InitialStatus(in.Type), "")
	return w
}

// appointmentUpdate describes one update handler.
type appointmentUpdate struct {
	name        string
	handler     any
	validator   any
	description string
}

// register registers the query and update handlers before the workflow
// blocks for the first time.
func (w *appointment) register(ctx workflow.Context) error {
	if err := w.registerStateQuery(ctx); err != nil {
		return err
	}
	if err := w.registerCheckout(ctx); err != nil {
		return err
	}
	updates := []appointmentUpdate{
		{UpdatePatientJoined, w.patientJoined, w.validatePatientJoined,
			"The video patient checks in to the waiting room (from its opening until the expected end)."},
		{UpdateStartSession, w.startSession, w.validateStartSession,
			"The doctor starts the video session; only while the patient waits."},
		{UpdateEndSession, w.endSession, w.validateEndSession,
			"The doctor ends the video session; the appointment is completed."},
		{UpdateDoctorDelay, w.doctorDelay, w.validateDoctorDelay,
			"The doctor runs Minutes (1..180) late; the patient is told at once."},
		{UpdateMarkAttended, w.markAttended, w.validateMarkAttended,
			"The doctor marks the in-person patient attended; the invoice is issued."},
		{UpdateMarkNoShow, w.markNoShow, w.validateMarkNoShow,
			"The doctor marks the in-person patient absent."},
		{UpdateMarkPaid, w.markPaid, w.validateMarkPaid,
			"The doctor marks the in-person invoice paid."},
		{UpdateRequestCancellation, w.requestCancellation, w.validateRequestCancellation,
			"The patient asks to cancel before the start; the refund is fixed now."},
		{UpdateConfirmCancellation, w.confirmCancellation, w.validateCancellationDecision,
			"The doctor confirms the patient's cancellation request; the fixed refund is issued."},
		{UpdateRejectCancellation, w.rejectCancellation, w.validateCancellationDecision,
			"The doctor rejects the patient's cancellation request; the appointment stands."},
		{UpdateDoctorCancel, w.doctorCancel, w.validateDoctorCancel,
			"The doctor cancels the appointment; the patient is refunded in full."},
		{UpdateDecline, w.decline, w.validateDecline,
			"The doctor declines the appointment; the patient is refunded in full."},
	}
	for _, u := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler,
			workflow.UpdateHandlerOptions{Validator: u.validator, Description: u.description}); err != nil {
			return fmt.Errorf("register %s update: %w", u.name, err)
		}
	}
	return nil
}

func (w *appointment) run(ctx workflow.Context) error {
	w.start(ctx, ScheduledStartKey.ValueSet(w.in.Start))

	if w.in.Type == TypeVideo {
		outcome, reason := w.pay(ctx, w.paymentDescription(), w.in.PaymentHold)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		switch outcome {
		case paymentFailed:
			w.transition(ctx, StatusPaymentFailed, reason)
			return nil
		case paymentExpired:
			w.transition(ctx, StatusExpired, reason)
			w.watchLatePayment(ctx, w.refundDescription())
			return ctx.Err()
		}
		w.transition(ctx, StatusScheduled, "")
		w.invoice(ctx)
	}

	// An update accepted while the transition was recorded may already
	// have ended the appointment; then there is nothing to announce.
	if !w.st.Status.Final() {
		w.armReminders(workflow.Now(ctx))
		w.notifyWith(ctx, TemplateAppointmentInvitation, RecipientPatient, "", w.facts())
		w.notifyWith(ctx, TemplateNewBookingDoctor, RecipientDoctor, "", w.facts())
	}
	if err := w.loop(ctx); err != nil {
		return err
	}
	return w.conclude(ctx)
}

// Timed steps of the main loop.
type timedKind int

const (
	timedReminder         timedKind = iota + 1 // remind the patient
	timedAutoConfirm                           // confirm an undecided cancellation at the start
	timedNoShow                                // video: never checked in, or never admitted
	timedOvertime                              // video: a session nobody ended
	timedAttendanceAlert                       // in-person: unmarked a day after the end
	timedAttendanceExpire                      // in-person: unmarked at the limit
)

// timedStep is the next timed step of the main loop.
type timedStep struct {
	kind    timedKind
	at      time.Time
	summary string
}

// loop runs the timed steps until the appointment reaches a final status.
// Updates change the state and kick wake; every turn recomputes the next
// step from the state, so a step always fits the status it fires in.
func (w *appointment) loop(ctx workflow.Context) error {
	for !w.st.Status.Final() {
		step, ok := w.nextStep()
		if !ok {
			// Every non-final status has a timed step; this is a guard.
			return fmt.Errorf("appointment in status %s has no next step", w.st.Status)
		}
		if workflow.Now(ctx).Before(step.at) {
			if err := w.sleep(ctx, step.at, step.summary); err != nil {
				return err
			}
			continue
		}
		w.fire(ctx, step)
	}
	return ctx.Err()
}

// nextStep returns the earliest timed step that applies to the current
// status.
func (w *appointment) nextStep() (timedStep, bool) {
	var best timedStep
	found := false
	consider := func(kind timedKind, at time.Time, summary string) {
		if !found || at.Before(best.at) {
			best, found = timedStep{kind: kind, at: at, summary: summary}, true
		}
	}
	status := w.st.Status
	if (status == StatusScheduled || status == StatusCancellationRequested) && len(w.reminders) > 0 {
		r := w.reminders[0]
		consider(timedReminder, r.at, "reminder "+leadName(r.lead))
	}
	if status == StatusCancellationRequested {
		consider(timedAutoConfirm, w.in.Start, "cancellation auto-confirm")
	}
	end := w.expectedEnd()
	switch w.in.Type {
	case TypeVideo:
		switch status {
		case StatusScheduled, StatusWaiting:
			consider(timedNoShow, end.Add(NoShowGrace), "no-show")
		case StatusInSession:
			if started := w.st.SessionStartedAt; started != nil {
				if planned := started.Add(w.in.End.Sub(w.in.Start)); planned.After(end) {
					end = planned
				}
			}
			consider(timedOvertime, end.Add(SessionOvertime), "session overtime")
		}
	case TypeInPerson:
		if status == StatusScheduled {
			if !w.attendanceAlerted {
				consider(timedAttendanceAlert, end.Add(AttendanceAlertAfter), "attendance unmarked")
			}
			consider(timedAttendanceExpire, end.Add(AttendanceMarkLimit), "attendance limit")
		}
	}
	return best, found
}

// fire carries out a timed step that is due.
func (w *appointment) fire(ctx workflow.Context, step timedStep) {
	switch step.kind {
	case timedReminder:
		r := w.reminders[0]
		w.reminders = w.reminders[1:]
		w.reminded = append(w.reminded, r.lead)
		w.setNextReminder()
		sendBy := ReminderSendBy(r.at, r.lead)
		if !workflow.Now(ctx).Before(sendBy) &&
			workflow.GetVersion(ctx, versionDropLateReminders, workflow.DefaultVersion, 1) >= 1 {
			// The timer fired this late (the worker was down): a
			// "tomorrow" reminder two hours before the start misleads.
			workflow.GetLogger(ctx).Info("late reminder dropped",
				"consultation", w.st.ConsultationID, "lead", leadName(r.lead), "due", r.at)
			return
		}
		facts := w.facts()
		facts.HoursBefore = int(r.lead / time.Hour)
		facts.SendBy = &sendBy
		w.notifyBy(ctx, TemplateAppointmentReminder, RecipientPatient, leadName(r.lead), facts, sendBy)
	case timedAutoConfirm:
		w.endAppointment(ctx, StatusCancelled, ReasonCancellationAutoConfirmed, w.st.CancellationRefundCents, "cancellation")
	case timedNoShow:
		if w.st.Status == StatusWaiting {
			w.endAppointment(ctx, StatusCancelled, ReasonSessionNotHeld, w.paidCents(), "not_held")
			w.alert(ctx, AlertSessionNotHeld, nil)
			return
		}
		w.dropReminders()
		w.transition(ctx, StatusNoShow, ReasonPatientNoShow)
	case timedOvertime:
		now := workflow.Now(ctx).UTC()
		w.st.CompletedAt = &now
		w.transition(ctx, StatusCompleted, ReasonSessionEndNotMarked)
	case timedAttendanceAlert:
		w.attendanceAlerted = true
		w.alert(ctx, AlertAttendanceUnmarked, nil)
	case timedAttendanceExpire:
		w.dropReminders()
		w.transition(ctx, StatusExpired, ReasonAttendanceNotMarked)
	}
}

// sleep waits until at or until an update kicks wake, whichever comes
// first.
func (w *appointment) sleep(ctx workflow.Context, at time.Time, summary string) error {
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimerWithOptions(timerCtx, at.Sub(workflow.Now(ctx)), workflow.TimerOptions{Summary: summary})
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(w.wake, func(ch workflow.ReceiveChannel, _ bool) { ch.ReceiveAsync(nil) })
	sel.AddFuture(timer, func(workflow.Future) {})
	sel.Select(ctx)
	return ctx.Err()
}

// kick wakes the main loop (a pending kick is enough).
func (w *appointment) kick() { w.wake.SendAsync(true) }

// conclude carries out what follows the final status: the refund of a
// cancelled or declined appointment, the review request of a completed one
// and, in person, the wait for the invoice to be marked paid.
func (w *appointment) conclude(ctx workflow.Context) error {
	switch w.st.Status {
	case StatusCancelled, StatusDeclined:
		w.refund(ctx, w.refundCents, w.refundDescription(), w.refundPurpose, "")
		return ctx.Err()
	case StatusCompleted:
		if w.in.Type != TypeInPerson {
			return w.requestReview(ctx, w.in.ReviewDelay)
		}
		w.goBackground(ctx, func(ctx workflow.Context) {
			if err := w.requestReview(ctx, w.in.ReviewDelay); err != nil {
				w.noteError(ctx, err)
			}
		})
		until := workflow.Now(ctx).Add(w.in.InvoiceOpenFor)
		if w.st.CompletedAt != nil {
			until = w.st.CompletedAt.Add(w.in.InvoiceOpenFor)
		}
		for w.st.InvoicePaidAt == nil && workflow.Now(ctx).Before(until) {
			if err := w.awaitInvoice(ctx, until); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// endAppointment ends a scheduled appointment as cancelled or declined:
// reminders are dropped, the patient gets appointment_cancelled with the
// refund, and conclude issues the refund. It records the status, so from an
// update handler it returns once Postgres has it.
func (w *appointment) endAppointment(ctx workflow.Context, status Status, reason string, refundCents int64, purpose string) {
	w.setStatus(status, reason)
	w.dropReminders()
	w.refundCents, w.refundPurpose = refundCents, purpose
	facts := w.facts()
	facts.RefundCents = refundCents
	facts.Sequence = w.delays + 1
	facts.Reason = reason
	if w.st.CancellationRequestedAt != nil && (reason == ReasonCancellationConfirmed || reason == ReasonCancellationAutoConfirmed) {
		at := *w.st.CancellationRequestedAt
		facts.CancellationRequestedAt = &at
	}
	w.notifyWith(ctx, TemplateAppointmentCancelled, RecipientPatient, "", facts)
	w.record(ctx)
	w.kick()
}

// change records a status set by an update handler and wakes the main loop.
func (w *appointment) change(ctx workflow.Context) {
	w.record(ctx)
	w.kick()
}

// armReminders (re)computes the pending reminders for the expected start:
// the leads not sent yet whose moment is still ahead.
func (w *appointment) armReminders(now time.Time) {
	expected := *w.st.ExpectedStart
	w.reminders = nil
	for _, at := range ReminderTimes(now, expected) {
		lead := expected.Sub(at)
		if !w.wasReminded(lead) {
			w.reminders = append(w.reminders, reminder{at: at, lead: lead})
		}
	}
	w.setNextReminder()
}

func (w *appointment) wasReminded(lead time.Duration) bool {
	for _, l := range w.reminded {
		if l == lead {
			return true
		}
	}
	return false
}

func (w *appointment) dropReminders() {
	w.reminders = nil
	w.setNextReminder()
}

func (w *appointment) setNextReminder() {
	w.st.NextReminderAt = nil
	if len(w.reminders) > 0 {
		at := w.reminders[0].at
		w.st.NextReminderAt = &at
	}
}

// facts returns the appointment facts every appointment email carries.
func (w *appointment) facts() *AppointmentEmail {
	return &AppointmentEmail{
		Type:          w.in.Type,
		Start:         w.in.Start,
		End:           w.in.End,
		ExpectedStart: *w.st.ExpectedStart,
		DelayMinutes:  w.st.DelayMinutes,
		Sequence:      w.delays,
		// CancellationRequests tells the rejection email whether the
		// patient may ask again (MaxCancellationRequests).
		CancellationRequests: w.cancelRequests,
	}
}

// expectedEnd is the scheduled end moved by the doctor's delay.
func (w *appointment) expectedEnd() time.Time {
	return w.in.End.Add(time.Duration(w.st.DelayMinutes) * time.Minute)
}

// paidCents is what the patient paid: the price of a paid video
// appointment, nothing for in-person (paid afterwards by invoice).
func (w *appointment) paidCents() int64 {
	if w.st.PaymentStatus == PaymentPaid {
		return w.st.AmountCents
	}
	return 0
}

func (w *appointment) paymentDescription() string {
	if w.in.Language == "en" {
		return "Derma2Go video consultation " + w.st.ConsultationID
	}
	return "Derma2Go videoconsult " + w.st.ConsultationID
}

func (w *appointment) refundDescription() string {
	if w.in.Language == "en" {
		return "Derma2Go refund " + w.st.ConsultationID
	}
	return "Derma2Go terugbetaling " + w.st.ConsultationID
}

// Validators and handlers. Every handler validates again: updates accepted
// in one workflow task are all validated before any handler runs.

func (w *appointment) requireType(op string, typ ConsultationType) error {
	if w.in.Type != typ {
		return temporal.NewApplicationErrorWithOptions(
			fmt.Sprintf("%s does not apply to %s consultations", op, w.in.Type),
			ErrTypeInvalidState, temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	return nil
}

// outsideWindow is the validators' refusal of a request at the wrong time.
func outsideWindow(op string, from, until time.Time) error {
	msg := fmt.Sprintf("%s is possible from %s", op, from.UTC().Format(time.RFC3339))
	if !until.IsZero() {
		msg += " until " + until.UTC().Format(time.RFC3339)
	}
	return temporal.NewApplicationErrorWithOptions(msg, ErrTypeInvalidState,
		temporal.ApplicationErrorOptions{NonRetryable: true})
}

func (w *appointment) validatePatientJoined(ctx workflow.Context) error {
	const op = "checking in"
	if err := w.requireType(op, TypeVideo); err != nil {
		return err
	}
	if w.st.Status != StatusScheduled && w.st.Status != StatusWaiting {
		return invalidState(op, w.st.Status)
	}
	now, opens, end := workflow.Now(ctx), *w.st.WaitingRoomOpensAt, w.expectedEnd()
	if now.Before(opens) || now.After(end) {
		return outsideWindow(op, opens, end)
	}
	return nil
}

func (w *appointment) patientJoined(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validatePatientJoined(ctx); err != nil {
		return ConsultationState{}, err
	}
	if w.st.Status == StatusWaiting {
		return w.st, nil // back after a lost connection
	}
	now := workflow.Now(ctx).UTC()
	w.st.PatientJoinedAt = &now
	w.setStatus(StatusWaiting, "")
	w.change(ctx)
	return w.st, nil
}

func (w *appointment) validateStartSession(workflow.Context) error {
	const op = "starting the session"
	if err := w.requireType(op, TypeVideo); err != nil {
		return err
	}
	if w.st.Status != StatusWaiting {
		return invalidState(op, w.st.Status)
	}
	return nil
}

func (w *appointment) startSession(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateStartSession(ctx); err != nil {
		return ConsultationState{}, err
	}
	now := workflow.Now(ctx).UTC()
	w.st.SessionStartedAt = &now
	w.setStatus(StatusInSession, "")
	w.change(ctx)
	return w.st, nil
}

func (w *appointment) validateEndSession(workflow.Context) error {
	const op = "ending the session"
	if err := w.requireType(op, TypeVideo); err != nil {
		return err
	}
	if w.st.Status != StatusInSession {
		return invalidState(op, w.st.Status)
	}
	return nil
}

func (w *appointment) endSession(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateEndSession(ctx); err != nil {
		return ConsultationState{}, err
	}
	now := workflow.Now(ctx).UTC()
	w.st.SessionEndedAt, w.st.CompletedAt = &now, &now
	w.setStatus(StatusCompleted, "")
	w.change(ctx)
	return w.st, nil
}

func (w *appointment) validateDoctorDelay(_ workflow.Context, in DoctorDelay) error {
	if in.Minutes < 1 || in.Minutes > MaxDoctorDelayMinutes {
		return invalidInput(fmt.Sprintf("a delay must be 1 to %d minutes, got %d", MaxDoctorDelayMinutes, in.Minutes))
	}
	if w.st.Status != StatusScheduled && w.st.Status != StatusWaiting {
		return invalidState("announcing a delay", w.st.Status)
	}
	return nil
}

// doctorDelay moves the expected start to the scheduled start plus
// in.Minutes, emails the patient and re-arms the reminders not sent yet.
// Repeating the current delay changes nothing.
func (w *appointment) doctorDelay(ctx workflow.Context, in DoctorDelay) (ConsultationState, error) {
	if err := w.validateDoctorDelay(ctx, in); err != nil {
		return ConsultationState{}, err
	}
	if in.Minutes == w.st.DelayMinutes {
		return w.st, nil
	}
	expected := w.in.Start.Add(time.Duration(in.Minutes) * time.Minute)
	w.st.DelayMinutes, w.st.ExpectedStart = in.Minutes, &expected
	w.armReminders(workflow.Now(ctx))
	w.delays++
	w.notifyWith(ctx, TemplateDoctorDelay, RecipientPatient, "delay-"+strconv.Itoa(w.delays), w.facts())
	w.change(ctx)
	return w.st, nil
}

// validateMark checks an in-person attendance mark: while scheduled, from
// AttendanceMarkLead before the start.
func (w *appointment) validateMark(ctx workflow.Context, op string) error {
	if err := w.requireType(op, TypeInPerson); err != nil {
		return err
	}
	if w.st.Status != StatusScheduled {
		return invalidState(op, w.st.Status)
	}
	if from := w.in.Start.Add(-AttendanceMarkLead); workflow.Now(ctx).Before(from) {
		return outsideWindow(op, from, time.Time{})
	}
	return nil
}

func (w *appointment) validateMarkAttended(ctx workflow.Context) error {
	return w.validateMark(ctx, "marking the patient attended")
}

func (w *appointment) markAttended(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateMarkAttended(ctx); err != nil {
		return ConsultationState{}, err
	}
	now := workflow.Now(ctx).UTC()
	w.st.CompletedAt = &now
	w.setStatus(StatusCompleted, "")
	w.dropReminders()
	w.change(ctx)
	w.invoice(ctx)
	return w.st, nil
}

// validateMarkNoShow checks an in-person no-show mark: while scheduled,
// from NoShowMarkGrace after the expected start.
func (w *appointment) validateMarkNoShow(ctx workflow.Context) error {
	const op = "marking the patient absent"
	if err := w.requireType(op, TypeInPerson); err != nil {
		return err
	}
	if w.st.Status != StatusScheduled {
		return invalidState(op, w.st.Status)
	}
	if from := w.noShowFrom(); workflow.Now(ctx).Before(from) {
		return outsideWindow(op, from, time.Time{})
	}
	return nil
}

// noShowFrom is when the doctor may first mark the patient absent.
func (w *appointment) noShowFrom() time.Time {
	return w.st.ExpectedStart.Add(w.in.NoShowMarkGrace)
}

func (w *appointment) markNoShow(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateMarkNoShow(ctx); err != nil {
		// Histories recorded before the rule allowed the mark from
		// AttendanceMarkLead before the start; replay what they did.
		if w.validateMark(ctx, "marking the patient absent") != nil ||
			workflow.GetVersion(ctx, versionNoShowAfterStart, workflow.DefaultVersion, 1) >= 1 {
			return ConsultationState{}, err
		}
	}
	w.setStatus(StatusNoShow, ReasonMarkedNoShow)
	w.dropReminders()
	w.change(ctx)
	return w.st, nil
}

func (w *appointment) validateMarkPaid(workflow.Context) error {
	const op = "marking the invoice paid"
	if err := w.requireType(op, TypeInPerson); err != nil {
		return err
	}
	if w.st.Status != StatusCompleted {
		return invalidState(op, w.st.Status)
	}
	return nil
}

// markPaid records the payment of the in-person invoice once it is issued.
// A repeat, or one sent while the first is being recorded, returns the
// state unchanged.
func (w *appointment) markPaid(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateMarkPaid(ctx); err != nil {
		return ConsultationState{}, err
	}
	if err := workflow.Await(ctx, func() bool { return w.invoiceSettled && !w.markingPaid }); err != nil {
		return ConsultationState{}, err
	}
	if w.st.InvoicePaidAt != nil {
		return w.st, nil
	}
	if w.st.InvoiceNumber == "" {
		return ConsultationState{}, temporal.NewApplicationErrorWithOptions(
			"the invoice of this consultation could not be issued; support has been alerted",
			ErrTypeInvalidState, temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	if err := w.recordInvoicePaid(ctx); err != nil {
		return ConsultationState{}, err
	}
	if w.st.PaymentID != "" && !w.st.PaymentStatus.Final() {
		// Paid at the desk: the online payment link must not take the
		// money a second time. In the background, so that the doctor
		// does not wait for Mollie.
		ref := PaymentRefInput{ConsultationID: w.st.ConsultationID, PaymentID: w.st.PaymentID}
		w.goBackground(ctx, func(ctx workflow.Context) {
			var cancelled PaymentStatusResult
			if err := run(ctx, mollieOptions, ActivityCancelPayment, ref, &cancelled); err != nil {
				w.noteError(ctx, fmt.Errorf("cancel the invoice's online payment: %w", err))
			} else if cancelled.Status != "" {
				w.st.PaymentStatus = cancelled.Status
			}
		})
	}
	return w.st, nil
}

// recordInvoicePaid records the payment of the in-person invoice
// (MarkInvoicePaid, then InvoicePaidAt and PaidAt) and wakes the main loop.
func (w *appointment) recordInvoicePaid(ctx workflow.Context) error {
	w.markingPaid = true
	defer func() { w.markingPaid = false }()
	now := workflow.Now(ctx).UTC()
	err := run(ctx, interactiveOptions, ActivityMarkInvoicePaid,
		MarkInvoicePaidInput{ConsultationID: w.st.ConsultationID, PaidAt: now}, nil)
	if err != nil {
		w.noteError(ctx, fmt.Errorf("mark invoice paid: %w", err))
		return err
	}
	w.st.InvoicePaidAt = &now
	w.st.PaidAt = &now
	w.kick()
	return nil
}

// awaitInvoice waits until at, an update kicks wake, or Mollie's word on
// the invoice's online payment arrives (SignalPaymentUpdate, confirmed with
// Mollie by takePaymentUpdate). Paid online, the invoice is recorded paid.
func (w *appointment) awaitInvoice(ctx workflow.Context, at time.Time) error {
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimerWithOptions(timerCtx, at.Sub(workflow.Now(ctx)), workflow.TimerOptions{Summary: "invoice open"})
	var upd PaymentUpdate
	signalled := false
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(w.wake, func(ch workflow.ReceiveChannel, _ bool) { ch.ReceiveAsync(nil) })
	sel.AddReceive(w.paymentCh, func(ch workflow.ReceiveChannel, _ bool) {
		ch.Receive(ctx, &upd)
		signalled = true
	})
	sel.AddFuture(timer, func(workflow.Future) {})
	sel.Select(ctx)
	if !signalled || w.st.PaymentID == "" {
		return ctx.Err()
	}
	status, ok := w.takePaymentUpdate(ctx, upd)
	if !ok {
		return ctx.Err()
	}
	w.st.PaymentStatus = status
	if status != PaymentPaid {
		w.noteError(ctx, fmt.Errorf("the invoice's online payment ended %s", status))
		return ctx.Err()
	}
	if err := workflow.Await(ctx, func() bool { return !w.markingPaid }); err != nil {
		return err
	}
	if w.st.InvoicePaidAt == nil {
		if err := w.recordInvoicePaid(ctx); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (w *appointment) validateRequestCancellation(ctx workflow.Context, in CancellationRequest) error {
	const op = "requesting a cancellation"
	if !ValidCancelReason(in.Reason) {
		return invalidInput(fmt.Sprintf("unknown cancellation reason %q", in.Reason))
	}
	if w.st.Status != StatusScheduled {
		return invalidState(op, w.st.Status)
	}
	if !workflow.Now(ctx).Before(w.in.Start) {
		return temporal.NewApplicationErrorWithOptions(op+" is possible only before the start",
			ErrTypeInvalidState, temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	return w.checkCancellationLimit()
}

// checkCancellationLimit refuses a request beyond MaxCancellationRequests.
func (w *appointment) checkCancellationLimit() error {
	if w.cancelRequests < MaxCancellationRequests {
		return nil
	}
	return temporal.NewApplicationErrorWithOptions(
		fmt.Sprintf("the doctor has already rejected %d cancellation requests for this appointment, so it stands; "+
			"please contact the practice through your messages", w.cancelRequests),
		ErrTypeInvalidState, temporal.ApplicationErrorOptions{NonRetryable: true})
}

// requestCancellation fixes the refund at the moment of the request
// (CancellationRefund) and asks the doctor to decide.
func (w *appointment) requestCancellation(ctx workflow.Context, in CancellationRequest) (ConsultationState, error) {
	if err := w.validateRequestCancellation(ctx, in); err != nil {
		// Histories recorded before the limit accepted every request;
		// replay what they did.
		if w.checkCancellationLimit() == nil ||
			workflow.GetVersion(ctx, versionCancellationLimit, workflow.DefaultVersion, 1) >= 1 {
			return ConsultationState{}, err
		}
	}
	now := workflow.Now(ctx).UTC()
	w.st.CancellationRequestedAt = &now
	w.st.CancellationReason = in.Reason
	w.st.CancellationRefundCents = CancellationRefund(now, w.in.Start, w.paidCents(), w.in.AdminFeeCents)
	w.cancelRequests++
	w.st.CancellationRequests = w.cancelRequests
	w.setStatus(StatusCancellationRequested, "")
	facts := w.facts()
	facts.RefundCents = w.st.CancellationRefundCents
	w.notifyWith(ctx, TemplateCancellationRequested, RecipientDoctor, strconv.Itoa(w.cancelRequests), facts)
	w.change(ctx)
	return w.st, nil
}

func (w *appointment) validateCancellationDecision(workflow.Context) error {
	if w.st.Status != StatusCancellationRequested {
		return invalidState("deciding on a cancellation", w.st.Status)
	}
	return nil
}

func (w *appointment) confirmCancellation(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateCancellationDecision(ctx); err != nil {
		return ConsultationState{}, err
	}
	w.endAppointment(ctx, StatusCancelled, ReasonCancellationConfirmed, w.st.CancellationRefundCents, "cancellation")
	return w.st, nil
}

func (w *appointment) rejectCancellation(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateCancellationDecision(ctx); err != nil {
		return ConsultationState{}, err
	}
	w.st.CancellationRequestedAt, w.st.CancellationReason, w.st.CancellationRefundCents = nil, "", 0
	w.setStatus(StatusScheduled, "")
	w.notifyWith(ctx, TemplateCancellationRejected, RecipientPatient, strconv.Itoa(w.cancelRequests), w.facts())
	w.change(ctx)
	return w.st, nil
}

// doctorEndable reports whether the doctor may still cancel or decline:
// before the session.
func (w *appointment) doctorEndable() bool {
	switch w.st.Status {
	case StatusScheduled, StatusWaiting, StatusCancellationRequested:
		return true
	}
	return false
}

func (w *appointment) validateDoctorCancel(_ workflow.Context, in DoctorCancellation) error {
	if !ValidCancelReason(in.Reason) {
		return invalidInput(fmt.Sprintf("unknown cancellation reason %q", in.Reason))
	}
	if !w.doctorEndable() {
		return invalidState("cancelling", w.st.Status)
	}
	return nil
}

func (w *appointment) doctorCancel(ctx workflow.Context, in DoctorCancellation) (ConsultationState, error) {
	if err := w.validateDoctorCancel(ctx, in); err != nil {
		return ConsultationState{}, err
	}
	w.st.CancellationReason = in.Reason
	w.st.CancellationRefundCents = w.paidCents()
	w.endAppointment(ctx, StatusCancelled, ReasonDoctorCancelled, w.paidCents(), "doctor_cancellation")
	return w.st, nil
}

func (w *appointment) validateDecline(_ workflow.Context, in DeclineInput) error {
	if !in.Reason.Valid() {
		return invalidInput(fmt.Sprintf("unknown decline reason %q", in.Reason))
	}
	if !w.doctorEndable() {
		return invalidState("declining", w.st.Status)
	}
	return nil
}

func (w *appointment) decline(ctx workflow.Context, in DeclineInput) (ConsultationState, error) {
	if err := w.validateDecline(ctx, in); err != nil {
		return ConsultationState{}, err
	}
	w.st.CancellationRefundCents = w.paidCents()
	w.endAppointment(ctx, StatusDeclined, string(in.Reason), w.paidCents(), "declined")
	return w.st, nil
}
