package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// WalkInInput starts a WalkInWorkflow. Zero durations, DoctorTimeZone and
// Language take their defaults.
type WalkInInput struct {
	ConsultationID string
	DoctorID       string
	// AmountCents is the doctor's walk-in fee, paid in advance.
	AmountCents int64
	// Opens and Closes are the opening session the patient pays for (UTC);
	// its queue is WalkInQueueWorkflowID(DoctorID, Opens).
	Opens, Closes  time.Time
	DoctorTimeZone string
	Language       string
	// PaymentHold: default DefaultPaymentHold.
	PaymentHold time.Duration
	// ReviewDelay: default DefaultReviewDelay.
	ReviewDelay time.Duration
	// AnswerWindow is handed to the queue this patient may start; default
	// DefaultWalkInAnswerWindow.
	AnswerWindow time.Duration
}

func (in WalkInInput) withDefaults() WalkInInput {
	in.Opens, in.Closes = in.Opens.UTC(), in.Closes.UTC()
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
	if in.AnswerWindow == 0 {
		in.AnswerWindow = DefaultWalkInAnswerWindow
	}
	return in
}

func (in WalkInInput) validate() error {
	switch {
	case in.ConsultationID == "":
		return fmt.Errorf("ConsultationID is required")
	case in.DoctorID == "":
		return fmt.Errorf("DoctorID is required")
	case in.AmountCents <= 0:
		return fmt.Errorf("AmountCents must be positive, got %d", in.AmountCents)
	case in.Opens.IsZero() || !in.Closes.After(in.Opens):
		return fmt.Errorf("the walk-in session must close after it opens")
	case in.Language != "nl" && in.Language != "en":
		return fmt.Errorf("language must be nl or en, got %q", in.Language)
	case in.PaymentHold < 0 || in.ReviewDelay < 0 || in.AnswerWindow < 0:
		return fmt.Errorf("durations must not be negative")
	}
	return nil
}

// joinOptions (JoinWalkInQueue): a call to Temporal itself, retried for a
// few minutes; then the patient is refunded rather than left hanging.
var joinOptions = workflow.ActivityOptions{
	StartToCloseTimeout:    30 * time.Second,
	ScheduleToCloseTimeout: 5 * time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    30 * time.Second,
	},
}

// WalkInWorkflow drives one walk-in consultation (see the walk-in status
// diagram at StatusQueued):
//
//  1. payment (consultation.pay): unpaid ends in payment_failed or expired;
//     paid: the invoice is issued and the patient joins the session's queue
//     (JoinWalkInQueue, which starts the queue for the first patient). A
//     session that closed meanwhile refunds in full (ReasonWalkInClosed).
//  2. queued: the queue's notices (SignalWalkInNotice) move it to called
//     (answer by AnswerBy), back to queued (not answered the first time),
//     to in_session (answered) or to cancelled with a full refund (absent
//     twice, or the session closed). A consultation still queued or called
//     walkInCloseGrace after the closing time refunds itself.
//  3. in_session: the doctor ends it (UpdateEndSession) → completed; a
//     session nobody ended is completed SessionOvertime after its start.
//     Its length is recorded (RecordWalkInSession, the doctor's running
//     average) and sent to the queue (SignalWalkInDone), and the review
//     request follows after ReviewDelay.
func WalkInWorkflow(ctx workflow.Context, in WalkInInput) (ConsultationState, error) {
	in = in.withDefaults()
	if err := in.validate(); err != nil {
		return ConsultationState{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("invalid walk-in input: %v", err), ErrTypeInvalidInput, err)
	}
	w := &walkIn{
		consultation: newConsultation(ctx, TypeWalkIn, in.ConsultationID, in.DoctorID, in.AmountCents, in.Language),
		in:           in,
		noticeCh:     workflow.GetSignalChannel(ctx, SignalWalkInNotice),
		wake:         workflow.NewBufferedChannel(ctx, 1),
	}
	w.st.TimeZone = in.DoctorTimeZone
	w.st.WalkIn = &WalkInFacts{QueueID: WalkInQueueWorkflowID(in.DoctorID, in.Opens), Opens: in.Opens, Closes: in.Closes}
	if err := w.register(ctx); err != nil {
		return w.st, err
	}
	runErr := w.run(ctx)
	if err := w.finish(ctx, w.noticeCh); err != nil && runErr == nil {
		runErr = err
	}
	return w.st, runErr
}

// WalkInFacts is ConsultationState.WalkIn: the walk-in consultation's
// session and its place in the queue as the consultation last heard it
// (the queue's query has the live position and ETA).
type WalkInFacts struct {
	QueueID       string
	Opens, Closes time.Time
	// JoinedAt is when the patient joined the queue.
	JoinedAt *time.Time `json:",omitempty"`
	// CalledAt and AnswerBy: the latest call and its answer window.
	CalledAt *time.Time `json:",omitempty"`
	AnswerBy *time.Time `json:",omitempty"`
	// Skips counts calls not answered.
	Skips int `json:",omitempty"`
}

type walkIn struct {
	*consultation
	in       WalkInInput
	noticeCh workflow.ReceiveChannel
	wake     workflow.Channel
}

func (w *walkIn) register(ctx workflow.Context) error {
	if err := w.registerStateQuery(ctx); err != nil {
		return err
	}
	if err := w.registerCheckout(ctx); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateEndSession, w.endSession,
		workflow.UpdateHandlerOptions{Validator: w.validateEndSession, Description: "The doctor ends the walk-in session."}); err != nil {
		return fmt.Errorf("register %s update: %w", UpdateEndSession, err)
	}
	return nil
}

func (w *walkIn) run(ctx workflow.Context) error {
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
	w.invoice(ctx)

	var joined JoinWalkInQueueResult
	err := run(ctx, joinOptions, ActivityJoinWalkInQueue, JoinWalkInQueueInput{
		ConsultationID: w.st.ConsultationID, DoctorID: w.st.DoctorID, Opens: w.in.Opens, Closes: w.in.Closes,
		PaidAt: *w.st.PaidAt, AnswerWindow: w.in.AnswerWindow,
	}, &joined)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w.noteError(ctx, fmt.Errorf("join the walk-in queue: %w", err))
	}
	if !joined.Joined {
		return w.leave(ctx, ReasonWalkInClosed)
	}
	now := workflow.Now(ctx).UTC()
	w.st.WalkIn.JoinedAt = &now
	w.transition(ctx, StatusQueued, "")

	for !w.st.Status.Final() {
		if err := w.step(ctx); err != nil {
			return err
		}
	}
	if w.st.Status == StatusCancelled {
		return w.leave(ctx, w.st.Reason)
	}
	return w.complete(ctx)
}

// step waits for the queue's next notice, the end of the session or the
// guard timer of the current status, and applies it.
func (w *walkIn) step(ctx workflow.Context) error {
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	at, summary := w.in.Closes.Add(walkInCloseGrace), "walk-in close guard"
	if w.st.Status == StatusInSession && w.st.SessionStartedAt != nil {
		at, summary = w.st.SessionStartedAt.Add(SessionOvertime), "session overtime"
	}
	fired := false
	var n WalkInNotice
	got := false
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(w.wake, func(ch workflow.ReceiveChannel, _ bool) { ch.ReceiveAsync(nil) })
	sel.AddReceive(w.noticeCh, func(ch workflow.ReceiveChannel, _ bool) {
		ch.Receive(ctx, &n)
		got = true
	})
	sel.AddFuture(workflow.NewTimerWithOptions(timerCtx, at.Sub(workflow.Now(ctx)), workflow.TimerOptions{Summary: summary}),
		func(workflow.Future) { fired = true })
	sel.Select(ctx)
	if err := ctx.Err(); err != nil {
		return err
	}
	now := workflow.Now(ctx).UTC()
	switch {
	case got:
		w.take(ctx, n, now)
	case fired && w.st.Status == StatusInSession:
		w.st.SessionEndedAt, w.st.CompletedAt = &now, &now
		w.transition(ctx, StatusCompleted, ReasonSessionEndNotMarked)
	case fired && (w.st.Status == StatusQueued || w.st.Status == StatusCalled):
		w.setStatus(StatusCancelled, ReasonWalkInClosed)
		w.record(ctx)
	}
	return nil
}

// take applies a notice of the queue; one that does not fit the status
// (a duplicate, or one overtaken by the end of the session) is ignored.
func (w *walkIn) take(ctx workflow.Context, n WalkInNotice, now time.Time) {
	switch {
	case n.Kind == NoticeCalled && w.st.Status == StatusQueued && n.AnswerBy != nil:
		by := n.AnswerBy.UTC()
		w.st.WalkIn.CalledAt, w.st.WalkIn.AnswerBy = &now, &by
		w.transition(ctx, StatusCalled, "")
	case n.Kind == NoticeRequeued && w.st.Status == StatusCalled:
		w.st.WalkIn.AnswerBy = nil
		w.st.WalkIn.Skips++
		w.transition(ctx, StatusQueued, "")
	case n.Kind == NoticeAnswered && w.st.Status == StatusCalled:
		w.st.WalkIn.AnswerBy = nil
		w.st.PatientJoinedAt = &now
		w.beginSession(ctx)
		w.record(ctx)
	case n.Kind == NoticeRemoved && (w.st.Status == StatusQueued || w.st.Status == StatusCalled):
		reason := ReasonWalkInClosed
		if n.Reason == ReasonWalkInAbsent {
			reason = ReasonWalkInAbsent
		}
		w.st.WalkIn.AnswerBy = nil
		w.setStatus(StatusCancelled, reason)
		w.record(ctx)
	default:
		workflow.GetLogger(ctx).Info("ignored walk-in notice", "consultation", w.st.ConsultationID,
			"kind", n.Kind, "status", w.st.Status)
	}
}

// leave ends a paid walk-in that was not seen: cancelled with reason, the
// patient refunded in full (key "consultation/<id>/refund/<reason>", so
// once), the queue told.
func (w *walkIn) leave(ctx workflow.Context, reason string) error {
	if w.st.Status != StatusCancelled {
		w.setStatus(StatusCancelled, reason)
		w.record(ctx)
	}
	w.tellQueue(ctx, 0)
	w.refund(ctx, w.st.AmountCents, w.refundDescription(), reason, TemplateRefundIssued)
	return ctx.Err()
}

// complete records the session's length, tells the queue and asks for a
// review.
func (w *walkIn) complete(ctx workflow.Context) error {
	var seconds int64
	if w.st.SessionStartedAt != nil && w.st.SessionEndedAt != nil {
		seconds = int64(w.st.SessionEndedAt.Sub(*w.st.SessionStartedAt) / time.Second)
	}
	if w.st.Reason == ReasonSessionEndNotMarked {
		seconds = 0 // nobody ended it: its length says nothing
	}
	w.tellQueue(ctx, seconds)
	if _, _, counts := WalkInAverage(0, 0, time.Duration(seconds)*time.Second); counts {
		err := run(ctx, projectionOptions, ActivityRecordWalkInSession,
			RecordWalkInSessionInput{ConsultationID: w.st.ConsultationID, DoctorID: w.st.DoctorID, Seconds: seconds}, nil)
		if err != nil {
			w.noteError(ctx, fmt.Errorf("record the walk-in session length: %w", err))
		}
	}
	return w.requestReview(ctx, w.in.ReviewDelay)
}

// tellQueue sends SignalWalkInDone to the queue; a queue that has ended
// needs no word.
func (w *walkIn) tellQueue(ctx workflow.Context, seconds int64) {
	err := workflow.SignalExternalWorkflow(ctx, w.st.WalkIn.QueueID, "", SignalWalkInDone,
		WalkInDone{ConsultationID: w.st.ConsultationID, SessionSeconds: seconds}).Get(ctx, nil)
	if err != nil && ctx.Err() == nil {
		workflow.GetLogger(ctx).Info("walk-in queue not told", "queue", w.st.WalkIn.QueueID, "error", err)
	}
}

func (w *walkIn) validateEndSession(workflow.Context) error { return w.validateSessionEnd() }

func (w *walkIn) endSession(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateEndSession(ctx); err != nil {
		return ConsultationState{}, err
	}
	w.endSessionNow(ctx)
	w.record(ctx)
	w.wake.SendAsync(true)
	return w.st, nil
}

func (w *walkIn) paymentDescription() string {
	if w.in.Language == "en" {
		return "Derma2Go walk-in consultation " + w.st.ConsultationID
	}
	return "Derma2Go inloopconsult " + w.st.ConsultationID
}

func (w *walkIn) refundDescription() string {
	if w.in.Language == "en" {
		return "Derma2Go refund " + w.st.ConsultationID
	}
	return "Derma2Go terugbetaling " + w.st.ConsultationID
}
