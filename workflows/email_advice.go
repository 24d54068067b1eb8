package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"derma2go/domain"
)

// DefaultIntakeTimeout is how long after payment the patient has to submit
// the form; later, the consultation expires and is refunded in full.
const DefaultIntakeTimeout = 7 * 24 * time.Hour

// FormKind is the size of the email-advice form the patient fills in (domain).
type FormKind = domain.FormKind

// Form kinds (domain).
const (
	FormShort    = domain.FormShort
	FormDetailed = domain.FormDetailed
)

// EmailAdviceInput starts an EmailAdviceWorkflow. Zero durations, SLADays,
// DoctorTimeZone and Language take their defaults.
type EmailAdviceInput struct {
	ConsultationID string
	DoctorID       string
	AmountCents    int64
	FormKind       FormKind
	// SLADays is the doctor's answer time in working days: 1 (default) or 2.
	SLADays int
	// DoctorTimeZone is the doctor's IANA zone (default Europe/Amsterdam);
	// working days and deadlines are counted on its wall clock. The API
	// validates it; an unknown zone falls back to the default.
	DoctorTimeZone string
	// Language of the patient's checkout: "nl" (default) or "en".
	Language string
	// PaymentHold: default DefaultPaymentHold.
	PaymentHold time.Duration
	// ReviewDelay: default DefaultReviewDelay.
	ReviewDelay time.Duration
	// IntakeTimeout, counted from the payment: default DefaultIntakeTimeout.
	IntakeTimeout time.Duration
}

func (in EmailAdviceInput) withDefaults() EmailAdviceInput {
	if in.SLADays == 0 {
		in.SLADays = 1
	}
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
	if in.IntakeTimeout == 0 {
		in.IntakeTimeout = DefaultIntakeTimeout
	}
	return in
}

func (in EmailAdviceInput) validate() error {
	switch {
	case in.ConsultationID == "":
		return fmt.Errorf("ConsultationID is required")
	case in.DoctorID == "":
		return fmt.Errorf("DoctorID is required")
	case in.AmountCents <= 0:
		return fmt.Errorf("AmountCents must be positive, got %d", in.AmountCents)
	case in.FormKind != FormShort && in.FormKind != FormDetailed:
		return fmt.Errorf("FormKind must be %q or %q, got %q", FormShort, FormDetailed, in.FormKind)
	case in.SLADays != 1 && in.SLADays != 2:
		return fmt.Errorf("SLADays must be 1 or 2, got %d", in.SLADays)
	case in.Language != "nl" && in.Language != "en":
		return fmt.Errorf("language must be nl or en, got %q", in.Language)
	case in.PaymentHold < 0 || in.ReviewDelay < 0 || in.IntakeTimeout < 0:
		return fmt.Errorf("durations must not be negative")
	}
	return nil
}

// EmailAdviceWorkflow drives one email-advice consultation:
//
//  1. payment (see consultation.pay): paid continues; failed or cancelled
//     ends in payment_failed; an elapsed hold or expired payment in expired;
//  2. paid: the invoice (mailed once the wait for the intake is over, as
//     a guest's name and date of birth come with the intake) and
//     payment_received in the background; status
//     awaiting_intake until SignalIntakeSubmitted (the doctor may decline;
//     after IntakeTimeout: full refund, expired);
//  3. intake: the advice is due SLADays working days later (AddWorkingDays,
//     from the moment the workflow takes the signal); status
//     awaiting_advice; the doctor gets advice_request_received, reminders 4 h
//     and 1 h before the due time; at the due time the patient and support
//     are told (the doctor may still answer); one working day later the
//     patient is refunded in full and the request expires;
//     UpdateAddPhoto is valid during steps 2 and 3, until the doctor
//     answers or declines (the API keeps a photo only if it is accepted);
//  4. UpdateAnswerAdvice: answered, DeliverAdvice, completed,
//     advice_answered, review_request after ReviewDelay;
//     UpdateDecline: declined, consultation_declined, full refund.
//
// It returns the final ConsultationState. Invalid input fails the workflow
// with an ErrTypeInvalidInput application error.
func EmailAdviceWorkflow(ctx workflow.Context, in EmailAdviceInput) (ConsultationState, error) {
	in = in.withDefaults()
	if err := in.validate(); err != nil {
		return ConsultationState{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("invalid email advice input: %v", err), ErrTypeInvalidInput, err)
	}
	w := newEmailAdvice(ctx, in)
	if err := w.register(ctx); err != nil {
		return w.st, err
	}
	runErr := w.run(ctx)
	if err := w.finish(ctx, w.intakeCh); err != nil && runErr == nil {
		runErr = err
	}
	return w.st, runErr
}

// decisionKind is what the doctor decided on a request.
type decisionKind int

const (
	decisionAnswer decisionKind = iota + 1
	decisionDecline
)

// emailAdvice is the state of one EmailAdviceWorkflow.
type emailAdvice struct {
	*consultation
	in       EmailAdviceInput
	intakeCh workflow.ReceiveChannel

	// decided is settled by the first accepted answer or decline update;
	// the waits select on it next to their timers.
	decided  workflow.Future
	decide   workflow.Settable
	decision decisionKind
	adviceID string
	// intakeOver is set once the wait for the intake ended (taken, or the
	// doctor decided, or it timed out); the invoice email waits for it.
	intakeOver bool
}

func newEmailAdvice(ctx workflow.Context, in EmailAdviceInput) *emailAdvice {
	decided, decide := workflow.NewFuture(ctx)
	w := &emailAdvice{
		consultation: newConsultation(ctx, TypeEmailAdvice, in.ConsultationID, in.DoctorID, in.AmountCents, in.Language),
		in:           in,
		intakeCh:     workflow.GetSignalChannel(ctx, SignalIntakeSubmitted),
		decided:      decided,
		decide:       decide,
	}
	w.invoiceMailReady = func() bool { return w.intakeOver }
	return w
}

// register registers the query and update handlers. It runs before the
// workflow blocks for the first time, so an update sent with
// UpdateWithStartWorkflow finds its handler.
func (w *emailAdvice) register(ctx workflow.Context) error {
	if err := w.registerStateQuery(ctx); err != nil {
		return err
	}
	if err := w.registerCheckout(ctx); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateAnswerAdvice, w.answer,
		workflow.UpdateHandlerOptions{
			Validator:   w.validateAnswer,
			Description: "The doctor's written advice (by id) for a request awaiting advice.",
		}); err != nil {
		return fmt.Errorf("register %s update: %w", UpdateAnswerAdvice, err)
	}
	// A handler that only validates adds no command, so registering it
	// needs no version marker: recorded histories replay unchanged.
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateAddPhoto, w.addPhoto,
		workflow.UpdateHandlerOptions{
			Validator:   w.validateAddPhoto,
			Description: "A photo (by id) the patient added, taken until the doctor answers.",
		}); err != nil {
		return fmt.Errorf("register %s update: %w", UpdateAddPhoto, err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateDecline, w.decline,
		workflow.UpdateHandlerOptions{
			Validator:   w.validateDecline,
			Description: "The doctor declines a request awaiting intake or advice; the patient is refunded in full.",
		}); err != nil {
		return fmt.Errorf("register %s update: %w", UpdateDecline, err)
	}
	return nil
}

// validateAnswer accepts advice while awaiting advice, and the advice
// already accepted again (a retry of the same advice id).
func (w *emailAdvice) validateAnswer(_ workflow.Context, in AnswerAdviceInput) error {
	if in.AdviceID == "" {
		return invalidInput("AdviceID is required")
	}
	if w.decision == decisionAnswer && in.AdviceID == w.adviceID {
		return nil
	}
	if w.st.Status != StatusAwaitingAdvice {
		return invalidState("answering", w.st.Status)
	}
	return nil
}

// answer accepts the advice. It re-validates because two updates accepted
// in one workflow task are validated before either handler runs.
func (w *emailAdvice) answer(ctx workflow.Context, in AnswerAdviceInput) (ConsultationState, error) {
	if err := w.validateAnswer(ctx, in); err != nil {
		return ConsultationState{}, err
	}
	if w.decision == decisionAnswer {
		return w.st, nil
	}
	w.adviceID = in.AdviceID
	w.decision = decisionAnswer
	w.setStatus(StatusAnswered, "")
	w.decide.SetValue(nil)
	return w.st, nil
}

func (w *emailAdvice) validateAddPhoto(_ workflow.Context, in AddPhotoInput) error {
	if in.PhotoID == "" {
		return invalidInput("PhotoID is required")
	}
	if !domain.PhotosOpen(TypeEmailAdvice, w.st.Status) {
		return invalidState("adding a photo", w.st.Status)
	}
	return nil
}

// addPhoto takes a photo; see answer for the re-validation.
func (w *emailAdvice) addPhoto(ctx workflow.Context, in AddPhotoInput) (ConsultationState, error) {
	if err := w.validateAddPhoto(ctx, in); err != nil {
		return ConsultationState{}, err
	}
	return w.st, nil
}

func (w *emailAdvice) validateDecline(_ workflow.Context, in DeclineInput) error {
	if !in.Reason.Valid() {
		return invalidInput(fmt.Sprintf("unknown decline reason %q", in.Reason))
	}
	if w.st.Status != StatusAwaitingIntake && w.st.Status != StatusAwaitingAdvice {
		return invalidState("declining", w.st.Status)
	}
	return nil
}

// decline accepts the doctor's decline; see answer for the re-validation.
func (w *emailAdvice) decline(ctx workflow.Context, in DeclineInput) (ConsultationState, error) {
	if err := w.validateDecline(ctx, in); err != nil {
		return ConsultationState{}, err
	}
	w.decision = decisionDecline
	w.setStatus(StatusDeclined, string(in.Reason))
	w.decide.SetValue(nil)
	return w.st, nil
}

func (w *emailAdvice) run(ctx workflow.Context) error {
	w.start(ctx)

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

	w.transition(ctx, StatusAwaitingIntake, "")
	w.invoice(ctx)
	w.notify(ctx, TemplatePaymentReceived, RecipientPatient, "")

	took, err := w.awaitIntake(ctx)
	w.intakeOver = true
	if err != nil {
		return err
	}
	if !took {
		if w.decided.IsReady() {
			return w.onDecision(ctx)
		}
		w.transition(ctx, StatusExpired, ReasonIntakeTimeout)
		w.refund(ctx, w.st.AmountCents, w.refundDescription(), "intake_timeout", TemplateRefundIssued)
		return ctx.Err()
	}

	w.startSLA(ctx)
	return w.awaitAdvice(ctx)
}

// awaitIntake waits for the patient's form. It reports false if the doctor
// decided first or the intake timeout elapsed.
func (w *emailAdvice) awaitIntake(ctx workflow.Context) (bool, error) {
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimerWithOptions(timerCtx, w.in.IntakeTimeout, workflow.TimerOptions{Summary: "intake timeout"})
	took := false
	sel := workflow.NewSelector(ctx)
	sel.AddFuture(w.decided, func(workflow.Future) {})
	sel.AddReceive(w.intakeCh, func(ch workflow.ReceiveChannel, _ bool) {
		var sig IntakeSubmitted
		ch.Receive(ctx, &sig)
		workflow.GetLogger(ctx).Info("intake taken", "submittedAt", sig.SubmittedAt)
		w.st.IntakeTaken = true
		took = true
	})
	sel.AddFuture(timer, func(workflow.Future) {})
	sel.Select(ctx)
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return took, nil
}

// slaTimes is the recorded result of the deadline computation.
type slaTimes struct {
	TimeZone string
	DueAt    time.Time
	Expires  time.Time
}

// startSLA computes the advice deadlines from now in the doctor's zone and
// moves to awaiting_advice. The computation depends on the zone database and
// the holiday calendar, both of which may change with a deployment, so its
// result is recorded in the history (SideEffect) and replays never recompute
// a different deadline.
func (w *emailAdvice) startSLA(ctx workflow.Context) {
	intakeAt := workflow.Now(ctx).UTC()
	zone, slaDays := w.in.DoctorTimeZone, w.in.SLADays
	var sla slaTimes
	err := workflow.SideEffect(ctx, func(workflow.Context) any {
		name := zone
		loc, err := time.LoadLocation(name)
		if err != nil {
			name = DefaultTimeZone
			if loc, err = time.LoadLocation(name); err != nil {
				name, loc = "UTC", time.UTC
			}
		}
		due, expires := AdviceDeadlines(intakeAt, slaDays, loc)
		return slaTimes{TimeZone: name, DueAt: due.UTC(), Expires: expires.UTC()}
	}).Get(&sla)
	if err != nil {
		// Only a data converter failure gets here; fall back to the
		// default zone computed in place.
		w.noteError(ctx, fmt.Errorf("record advice deadline: %w", err))
		loc, _ := time.LoadLocation(DefaultTimeZone)
		due, expires := AdviceDeadlines(intakeAt, slaDays, loc)
		sla = slaTimes{TimeZone: DefaultTimeZone, DueAt: due.UTC(), Expires: expires.UTC()}
	}
	if sla.TimeZone != zone {
		workflow.GetLogger(ctx).Warn("unknown doctor time zone, using fallback", "zone", zone, "used", sla.TimeZone)
	}
	w.st.TimeZone = sla.TimeZone
	w.st.IntakeAt = &intakeAt
	w.st.DueAt = &sla.DueAt
	w.st.ExpiresAt = &sla.Expires
	if w.decided.IsReady() {
		return // declined meanwhile; awaitAdvice hands over to onDecision
	}
	w.transition(ctx, StatusAwaitingAdvice, "")
	w.notify(ctx, TemplateAdviceRequestReceived, RecipientDoctor, "")
}

// awaitAdvice runs the SLA until the doctor answers or declines, or the
// request expires.
func (w *emailAdvice) awaitAdvice(ctx workflow.Context) error {
	for _, ev := range adviceSchedule(workflow.Now(ctx), *w.st.DueAt, *w.st.ExpiresAt) {
		decided, err := w.waitUntil(ctx, ev.at, "advice "+ev.occasion)
		if err != nil {
			return err
		}
		if decided {
			return w.onDecision(ctx)
		}
		switch ev.kind {
		case slaReminder:
			w.notify(ctx, TemplateAdviceSLAReminder, RecipientDoctor, ev.occasion)
		case slaBreach:
			w.st.SLABreached = true
			w.notify(ctx, TemplateAdviceSLABreachedPatient, RecipientPatient, "")
			w.notify(ctx, TemplateAdviceSLABreachedSupport, RecipientSupport, "")
		case slaExpire:
			w.transition(ctx, StatusExpired, ReasonAdviceSLAExpired)
			w.refund(ctx, w.st.AmountCents, w.refundDescription(), "advice_expired", TemplateAdviceExpiredRefunded)
			return ctx.Err()
		}
	}
	return nil
}

// waitUntil blocks until at or until the doctor decided, and reports
// whether the doctor decided. A decision and a timer ready together go to
// the decision.
func (w *emailAdvice) waitUntil(ctx workflow.Context, at time.Time, summary string) (bool, error) {
	d := at.Sub(workflow.Now(ctx))
	if d <= 0 {
		return w.decided.IsReady(), nil
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimerWithOptions(timerCtx, d, workflow.TimerOptions{Summary: summary})
	decided := false
	sel := workflow.NewSelector(ctx)
	sel.AddFuture(w.decided, func(workflow.Future) { decided = true })
	sel.AddFuture(timer, func(workflow.Future) {})
	sel.Select(ctx)
	return decided, ctx.Err()
}

// onDecision carries out the doctor's answer or decline.
func (w *emailAdvice) onDecision(ctx workflow.Context) error {
	w.record(ctx) // answered or declined, set by the update handler
	if w.decision == decisionDecline {
		w.notify(ctx, TemplateConsultationDeclined, RecipientPatient, "")
		w.refund(ctx, w.st.AmountCents, w.refundDescription(), "declined", "")
		return ctx.Err()
	}

	err := run(ctx, moneyOptions, ActivityDeliverAdvice,
		DeliverAdviceInput{ConsultationID: w.st.ConsultationID, AdviceID: w.adviceID}, nil)
	if err != nil {
		if isCanceled(ctx, err) {
			return ctx.Err()
		}
		err = fmt.Errorf("deliver advice %s: %w", w.adviceID, err)
		w.noteError(ctx, err)
		w.alert(ctx, AlertDeliveryFailed, err)
		return err
	}
	w.transition(ctx, StatusCompleted, "")
	w.notify(ctx, TemplateAdviceAnswered, RecipientPatient, "")
	return w.requestReview(ctx, w.in.ReviewDelay)
}

func (w *emailAdvice) paymentDescription() string {
	if w.in.Language == "en" {
		return "Derma2Go email advice " + w.st.ConsultationID
	}
	return "Derma2Go e-mailconsult " + w.st.ConsultationID
}

func (w *emailAdvice) refundDescription() string {
	if w.in.Language == "en" {
		return "Derma2Go refund " + w.st.ConsultationID
	}
	return "Derma2Go terugbetaling " + w.st.ConsultationID
}
