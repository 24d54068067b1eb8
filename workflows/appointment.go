package workflows

import (
	"fmt"
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
	w.st.AdminFeeCents = in.AdminFeeCents
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
			w.offerFreedSlot(ctx, WaitlistTriggerHoldExpired)
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

// offerFreedSlot offers the slot the appointment just freed to the doctor's
// waitlist (ActivityOfferFreedSlot starts the offer chain if anyone waits).
// Histories recorded before the waitlist replay without the step.
func (w *appointment) offerFreedSlot(ctx workflow.Context, trigger string) {
	if workflow.GetVersion(ctx, versionWaitlistOffers, workflow.DefaultVersion, 1) < 1 {
		return
	}
	var res OfferFreedSlotResult
	err := run(ctx, waitlistTriggerOptions, ActivityOfferFreedSlot, OfferFreedSlotInput{
		DoctorID: w.in.DoctorID, Type: w.in.Type, Start: w.in.Start, End: w.in.End, Trigger: trigger,
	}, &res)
	if err != nil {
		w.noteError(ctx, fmt.Errorf("offer the freed slot to the waitlist: %w", err))
	}
}

// change records a status set by an update handler and wakes the main loop.
func (w *appointment) change(ctx workflow.Context) {
	w.record(ctx)
	w.kick()
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
		msg = fmt.Sprintf("%s is possible from %s until %s", op, from.UTC().Format(time.RFC3339), until.UTC().Format(time.RFC3339))
	}
	return temporal.NewApplicationErrorWithOptions(msg, ErrTypeInvalidState,
		temporal.ApplicationErrorOptions{NonRetryable: true})
}
