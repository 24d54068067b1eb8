package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// WaitlistOfferInput starts a WaitlistOfferWorkflow for one freed slot.
// Zero durations take their defaults.
type WaitlistOfferInput struct {
	DoctorID string
	Type     ConsultationType
	// Start and End are the freed slot (UTC).
	Start, End time.Time
	// Trigger is what freed it (WaitlistTrigger*), for the Temporal UI and
	// the logs.
	Trigger string
	// OfferWait is how long each patient may answer; default
	// DefaultWaitlistOfferWait.
	OfferWait time.Duration
	// Cutoff: no offer runs into the last Cutoff before the start; default
	// DefaultWaitlistCutoff.
	Cutoff time.Duration
}

func (in WaitlistOfferInput) withDefaults() WaitlistOfferInput {
	in.Start, in.End = in.Start.UTC(), in.End.UTC()
	if in.OfferWait == 0 {
		in.OfferWait = DefaultWaitlistOfferWait
	}
	if in.Cutoff == 0 {
		in.Cutoff = DefaultWaitlistCutoff
	}
	return in
}

func (in WaitlistOfferInput) validate() error {
	switch {
	case in.DoctorID == "":
		return fmt.Errorf("DoctorID is required")
	case in.Type != TypeVideo && in.Type != TypeInPerson:
		return fmt.Errorf("type must be %q or %q, got %q", TypeVideo, TypeInPerson, in.Type)
	case in.Start.IsZero() || !in.End.After(in.Start):
		return fmt.Errorf("the slot must end after it starts")
	case in.OfferWait < 0 || in.Cutoff < 0:
		return fmt.Errorf("durations must not be negative")
	}
	return nil
}

// WaitlistAnswer is the argument of UpdateWaitlistAccept and
// UpdateWaitlistDecline: the offer answered.
type WaitlistAnswer struct {
	OfferID string
}

// WaitlistChainState is the live state of a chain (QueryWaitlistChain and
// the workflow's result).
type WaitlistChainState struct {
	HoldID  string
	Phase   string // WaitlistPhase*
	Outcome string // WaitlistTaken, …; empty until ended
	// OfferID and OfferExpiresAt are the offer open now.
	OfferID        string     `json:",omitempty"`
	OfferExpiresAt *time.Time `json:",omitempty"`
	// Offers counts the offers made; Declines the declines among them.
	Offers   int
	Declines int
	// ConsultationID is the booking that took the slot.
	ConsultationID string `json:",omitempty"`
	LastError      string `json:",omitempty"`
}

// WaitlistOfferWindow is how long the offer made at now may stay open for a
// slot starting at start: wait, but never into the last cutoff before the
// start. A window shorter than MinWaitlistOfferWindow is 0: no offer is made
// and the slot is released.
func WaitlistOfferWindow(now, start time.Time, wait, cutoff time.Duration) time.Duration {
	window := min(wait, start.Add(-cutoff).Sub(now))
	if window < MinWaitlistOfferWindow {
		return 0
	}
	return window
}

// WaitlistOfferWorkflow offers one freed slot (ID WaitlistOfferWorkflowID)
// to the doctor's waitlist, one patient at a time:
//
//  1. it holds the slot (ActivityHoldWaitlistSlot), which then counts like a
//     booking: nobody else can book it meanwhile. A slot booked already
//     ends the chain (WaitlistNotFree);
//  2. it offers the slot to the first matching entry, first come first
//     served (ActivityOfferWaitlistSlot), emails the offer with its link
//     and pushes it live (ActivitySendWaitlistOffer), and waits
//     WaitlistOfferWindow: OfferWait, shorter near the start;
//  3. a decline (UpdateWaitlistDecline) or no answer in time closes the
//     offer and the next patient gets it; an accept (UpdateWaitlistAccept)
//     waits for the booking (SignalWaitlistBooked, at most
//     WaitlistBookingGrace) and ends the chain once the hold is taken
//     (WaitlistTaken); a booking that did not come follows as no answer;
//  4. when nobody more matches (WaitlistExhausted) or no offer fits before
//     the cutoff (WaitlistStartNear), the hold is released and the slot is
//     free for everyone.
func WaitlistOfferWorkflow(ctx workflow.Context, in WaitlistOfferInput) (WaitlistChainState, error) {
	in = in.withDefaults()
	if err := in.validate(); err != nil {
		return WaitlistChainState{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("invalid waitlist offer input: %v", err), ErrTypeInvalidInput, err)
	}
	w := &waitlistChain{in: in, wake: workflow.NewBufferedChannel(ctx, 1),
		booked: workflow.GetSignalChannel(ctx, SignalWaitlistBooked)}
	w.st.Phase = WaitlistPhaseHolding
	if err := w.register(ctx); err != nil {
		return w.st, err
	}
	err := w.run(ctx)
	if werr := workflow.Await(ctx, func() bool { return w.sending == 0 && workflow.AllHandlersFinished(ctx) }); werr != nil && err == nil {
		err = werr
	}
	return w.st, err
}

// waitlistChain is the state of one WaitlistOfferWorkflow.
type waitlistChain struct {
	in WaitlistOfferInput
	st WaitlistChainState

	// answer is what the patient of the open offer said ("" while
	// waiting); wake is kicked when it is set.
	answer string
	wake   workflow.Channel
	booked workflow.ReceiveChannel
	// sending counts offer emails still being sent; the chain waits for
	// them before it completes.
	sending int
}

// send emails the offer in the background: a slow mail server does not
// hold up the chain, and an email that cannot go out while the offer is
// open is not sent late.
func (w *waitlistChain) send(ctx workflow.Context, offerID string, expires time.Time) {
	opts := emailOptions
	opts.ScheduleToCloseTimeout = expires.Sub(workflow.Now(ctx))
	w.sending++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { w.sending-- }()
		if err := run(ctx, opts, ActivitySendWaitlistOffer, SendWaitlistOfferInput{OfferID: offerID}, nil); err != nil {
			w.noteError(ctx, err)
		}
	})
}

func (w *waitlistChain) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryWaitlistChain, func() (WaitlistChainState, error) {
		return w.st, nil
	}); err != nil {
		return fmt.Errorf("register %s query: %w", QueryWaitlistChain, err)
	}
	for _, u := range []struct{ name, answer string }{
		{UpdateWaitlistAccept, WaitlistAnswerAccepted}, {UpdateWaitlistDecline, WaitlistAnswerDeclined},
	} {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name,
			func(ctx workflow.Context, a WaitlistAnswer) (WaitlistChainState, error) {
				return w.respond(ctx, a, u.answer)
			},
			workflow.UpdateHandlerOptions{Validator: w.validateAnswer}); err != nil {
			return fmt.Errorf("register %s update: %w", u.name, err)
		}
	}
	return nil
}

// validateAnswer accepts an answer to the open offer while its time runs.
func (w *waitlistChain) validateAnswer(ctx workflow.Context, a WaitlistAnswer) error {
	if a.OfferID == "" {
		return invalidInput("OfferID is required")
	}
	if w.st.Phase != WaitlistPhaseOffering || w.answer != "" || a.OfferID != w.st.OfferID ||
		w.st.OfferExpiresAt == nil || !workflow.Now(ctx).Before(*w.st.OfferExpiresAt) {
		return temporal.NewApplicationErrorWithOptions("this offer is no longer open", ErrTypeInvalidState,
			temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	return nil
}

// respond records the answer in Postgres before the caller hears yes, so
// that an accepting patient's booking finds the offer accepted.
func (w *waitlistChain) respond(ctx workflow.Context, a WaitlistAnswer, answer string) (WaitlistChainState, error) {
	if err := w.validateAnswer(ctx, a); err != nil {
		return WaitlistChainState{}, err
	}
	w.answer = answer
	if answer == WaitlistAnswerAccepted {
		w.st.Phase = WaitlistPhaseBooking
	}
	var res AnswerWaitlistOfferResult
	if err := run(ctx, interactiveOptions, ActivityAnswerWaitlistOffer,
		AnswerWaitlistOfferInput{OfferID: a.OfferID, Answer: answer}, &res); err != nil {
		// Unrecorded, the answer does not count: the offer stays open.
		w.answer = ""
		w.st.Phase = WaitlistPhaseOffering
		return WaitlistChainState{}, err
	}
	if answer == WaitlistAnswerDeclined {
		w.st.Declines++
	}
	w.wake.SendAsync(true)
	return w.st, nil
}

func (w *waitlistChain) run(ctx workflow.Context) error {
	info := workflow.GetInfo(ctx)
	var hold HoldWaitlistSlotResult
	if err := run(ctx, projectionOptions, ActivityHoldWaitlistSlot, HoldWaitlistSlotInput{
		WorkflowID: info.WorkflowExecution.ID, RunID: info.WorkflowExecution.RunID,
		DoctorID: w.in.DoctorID, Type: w.in.Type, Start: w.in.Start, End: w.in.End, HeldUntil: w.in.Start,
	}, &hold); err != nil {
		return err
	}
	w.st.HoldID = hold.HoldID
	if !hold.Held {
		w.end(WaitlistNotFree)
		return nil
	}
	for {
		window := WaitlistOfferWindow(workflow.Now(ctx), w.in.Start, w.in.OfferWait, w.in.Cutoff)
		if window == 0 {
			return w.release(ctx, WaitlistStartNear)
		}
		var offer OfferWaitlistSlotResult
		if err := run(ctx, projectionOptions, ActivityOfferWaitlistSlot,
			OfferWaitlistSlotInput{HoldID: w.st.HoldID, ExpiresAt: workflow.Now(ctx).Add(window).UTC()}, &offer); err != nil {
			return err
		}
		if !offer.Found {
			return w.release(ctx, WaitlistExhausted)
		}
		expires := offer.ExpiresAt.UTC()
		w.st.OfferID, w.st.OfferExpiresAt, w.answer = offer.OfferID, &expires, ""
		w.st.Offers++
		w.st.Phase = WaitlistPhaseOffering
		w.send(ctx, offer.OfferID, expires)
		if err := w.awaitAnswer(ctx, expires); err != nil {
			return err
		}
		taken, err := w.settle(ctx)
		if err != nil || taken {
			return err
		}
	}
}

// awaitAnswer waits for an answer to the open offer or for its end.
func (w *waitlistChain) awaitAnswer(ctx workflow.Context, expires time.Time) error {
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimerWithOptions(timerCtx, expires.Sub(workflow.Now(ctx)), workflow.TimerOptions{Summary: "offer " + w.st.OfferID})
	for w.answer == "" {
		fired := false
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(w.wake, func(ch workflow.ReceiveChannel, _ bool) { ch.ReceiveAsync(nil) })
		sel.AddFuture(timer, func(workflow.Future) { fired = true })
		sel.Select(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if fired && w.answer == "" {
			// No answer in time; an answer accepted from now on is refused.
			w.answer = WaitlistAnswerExpired
		}
	}
	return nil
}

// settle closes the offer after its answer and reports whether the slot was
// taken (the chain ends then).
func (w *waitlistChain) settle(ctx workflow.Context) (bool, error) {
	offerID := w.st.OfferID
	switch w.answer {
	case WaitlistAnswerDeclined:
		return false, nil
	case WaitlistAnswerAccepted:
		ok, err := workflow.AwaitWithTimeout(ctx, WaitlistBookingGrace, func() bool { return w.booked.Len() > 0 })
		if err != nil {
			return false, err
		}
		if ok {
			w.booked.ReceiveAsync(nil)
		}
		var hs WaitlistHoldStatusResult
		if err := run(ctx, projectionOptions, ActivityWaitlistHoldStatus, WaitlistHoldRef{HoldID: w.st.HoldID}, &hs); err != nil {
			return false, err
		}
		if hs.Status == "taken" {
			w.st.ConsultationID = hs.ConsultationID
			w.end(WaitlistTaken)
			return true, nil
		}
	}
	// Not answered in time, or accepted but not booked: the offer ends,
	// unless the booking took the hold at the last moment.
	var res AnswerWaitlistOfferResult
	if err := run(ctx, projectionOptions, ActivityAnswerWaitlistOffer,
		AnswerWaitlistOfferInput{OfferID: offerID, Answer: WaitlistAnswerExpired}, &res); err != nil {
		return false, err
	}
	if res.HoldTaken {
		var hs WaitlistHoldStatusResult
		if err := run(ctx, projectionOptions, ActivityWaitlistHoldStatus, WaitlistHoldRef{HoldID: w.st.HoldID}, &hs); err != nil {
			return false, err
		}
		w.st.ConsultationID = hs.ConsultationID
		w.end(WaitlistTaken)
		return true, nil
	}
	return false, nil
}

func (w *waitlistChain) release(ctx workflow.Context, outcome string) error {
	w.st.OfferID, w.st.OfferExpiresAt = "", nil
	if err := run(ctx, projectionOptions, ActivityReleaseWaitlistHold,
		ReleaseWaitlistHoldInput{HoldID: w.st.HoldID, Outcome: outcome}, nil); err != nil {
		return err
	}
	w.end(outcome)
	return nil
}

func (w *waitlistChain) end(outcome string) {
	w.st.Phase, w.st.Outcome = WaitlistPhaseEnded, outcome
	w.st.OfferID, w.st.OfferExpiresAt = "", nil
}

func (w *waitlistChain) noteError(ctx workflow.Context, err error) {
	w.st.LastError = err.Error()
	workflow.GetLogger(ctx).Warn("waitlist step failed", "hold", w.st.HoldID, "error", err)
}
