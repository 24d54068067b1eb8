package workflows

import (
	"fmt"
	"sort"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// WalkInQueueInput starts (or, with Carry, continues) a WalkInQueueWorkflow.
// Zero durations take their defaults.
type WalkInQueueInput struct {
	DoctorID string
	// Opens and Closes bound the opening session (UTC). At Closes everyone
	// still waiting is refunded.
	Opens, Closes time.Time
	// AnswerWindow: how long a called patient has to answer; default
	// DefaultWalkInAnswerWindow.
	AnswerWindow time.Duration
	// AverageSession is the doctor's measured average session length over
	// MeasuredSessions sessions (walkin_stats); with none measured the
	// queue estimates with EstimatedSession (the doctor's walk-in slot
	// length; default DefaultWalkInSessionLength).
	AverageSession   time.Duration
	MeasuredSessions int
	EstimatedSession time.Duration
	// ContinueAfter: events per run before continue-as-new; default
	// DefaultWalkInContinueAfter.
	ContinueAfter int
	// Carry is the queue handed over by continue-as-new; nil for a new
	// session.
	Carry *WalkInQueueCarry `json:",omitempty"`
}

// WalkInQueueCarry is the state a queue hands to its next run.
type WalkInQueueCarry struct {
	Waiting   []WalkInEntry
	Called    *WalkInEntry `json:",omitempty"`
	InSession *WalkInEntry `json:",omitempty"`
	Paused    bool
	// Removed lists the consultations taken out of the queue (absent):
	// they do not join again.
	Removed  []string `json:",omitempty"`
	Average  time.Duration
	Measured int
	Runs     int
}

// WalkInEntry is one patient in a queue.
type WalkInEntry struct {
	ConsultationID string
	PaidAt         time.Time
	// QueuedAt orders the queue: PaidAt, or the moment a patient who did
	// not answer was put back at the end.
	QueuedAt  time.Time
	Skips     int
	AnswerBy  *time.Time `json:",omitempty"`
	StartedAt *time.Time `json:",omitempty"`
}

func (in WalkInQueueInput) withDefaults() WalkInQueueInput {
	in.Opens, in.Closes = in.Opens.UTC(), in.Closes.UTC()
	if in.AnswerWindow == 0 {
		in.AnswerWindow = DefaultWalkInAnswerWindow
	}
	if in.EstimatedSession == 0 {
		in.EstimatedSession = DefaultWalkInSessionLength
	}
	if in.ContinueAfter == 0 {
		in.ContinueAfter = DefaultWalkInContinueAfter
	}
	return in
}

func (in WalkInQueueInput) validate() error {
	switch {
	case in.DoctorID == "":
		return fmt.Errorf("DoctorID is required")
	case in.Opens.IsZero() || !in.Closes.After(in.Opens):
		return fmt.Errorf("the session must close after it opens")
	case in.AnswerWindow < 0 || in.AverageSession < 0 || in.EstimatedSession < 0 || in.MeasuredSessions < 0 || in.ContinueAfter < 0:
		return fmt.Errorf("durations and counts must not be negative")
	}
	return nil
}

// WalkInQueueWorkflow holds the queue of one doctor's walk-in opening
// session (ID WalkInQueueWorkflowID). The first paid patient starts it
// (UpdateWalkInJoin with update-with-start, from the JoinWalkInQueue
// activity); it runs until the session closes:
//
//   - patients are queued by payment time (WalkInEntry.QueuedAt); each gets
//     a position and an ETA (WalkInETA, from the running average of the
//     doctor's measured session lengths);
//   - the doctor calls the next patient (UpdateWalkInCallNext), who has
//     AnswerWindow to answer (UpdateWalkInAnswer → the session starts);
//     a patient who does not answer is put back at the end of the queue
//     once, and removed the second time (NoticeRemoved, ReasonWalkInAbsent:
//     the consultation refunds in full);
//   - the doctor may pause and resume calling, and close early
//     (UpdateWalkInClose); at Closes, or on the early close, everyone still
//     waiting or called is removed with ReasonWalkInClosed (each
//     consultation refunds itself in full, once);
//   - a consultation's SignalWalkInDone frees the doctor and adds the
//     session's length to the average.
//
// Handlers that talk to consultations hold a workflow.Mutex, so that no
// two of them change the queue at once. After ContinueAfter events the
// queue waits until every handler finished, takes the signals already
// delivered and continues as new with its state (Carry).
func WalkInQueueWorkflow(ctx workflow.Context, in WalkInQueueInput) (WalkInQueueState, error) {
	in = in.withDefaults()
	if err := in.validate(); err != nil {
		return WalkInQueueState{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("invalid walk-in queue input: %v", err), ErrTypeInvalidInput, err)
	}
	q := newWalkInQueue(ctx, in)
	if err := q.register(ctx); err != nil {
		return q.state(ctx), err
	}
	err := q.run(ctx)
	return q.state(ctx), err
}

type walkInQueue struct {
	in     WalkInQueueInput
	c      WalkInQueueCarry
	closed bool
	early  bool
	events int
	// published is the events count whose positions were pushed live.
	published int

	mu     workflow.Mutex
	wake   workflow.Channel
	doneCh workflow.ReceiveChannel
}

func newWalkInQueue(ctx workflow.Context, in WalkInQueueInput) *walkInQueue {
	q := &walkInQueue{
		in:     in,
		mu:     workflow.NewMutex(ctx),
		wake:   workflow.NewBufferedChannel(ctx, 1),
		doneCh: workflow.GetSignalChannel(ctx, SignalWalkInDone),
	}
	if in.Carry != nil {
		q.c = *in.Carry
	} else {
		q.c = WalkInQueueCarry{Average: in.AverageSession, Measured: in.MeasuredSessions}
	}
	return q
}

func (q *walkInQueue) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryWalkInQueue, func() (WalkInQueueState, error) {
		return q.state(ctx), nil
	}); err != nil {
		return fmt.Errorf("register %s query: %w", QueryWalkInQueue, err)
	}
	updates := []struct {
		name      string
		handler   any
		validator any
		desc      string
	}{
		{UpdateWalkInJoin, q.join, q.validateJoin, "A paid patient joins the queue (ordered by payment time)."},
		{UpdateWalkInCallNext, q.callNext, q.validateCallNext, "The doctor calls the next patient."},
		{UpdateWalkInAnswer, q.answer, q.validateAnswer, "The called patient answers; the session starts."},
		{UpdateWalkInPause, q.pause, q.validatePause, "The doctor pauses calling."},
		{UpdateWalkInResume, q.resume, q.validateResume, "The doctor resumes calling."},
		{UpdateWalkInClose, q.closeEarly, q.validateClose, "The doctor closes the session early; the waiting are refunded."},
	}
	for _, u := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler,
			workflow.UpdateHandlerOptions{Validator: u.validator, Description: u.desc}); err != nil {
			return fmt.Errorf("register %s update: %w", u.name, err)
		}
	}
	return nil
}

// run waits for the closing time, answer deadlines and done signals until
// the session has closed and nobody waits any more.
func (q *walkInQueue) run(ctx workflow.Context) error {
	for {
		if q.closed && q.c.Called == nil && len(q.c.Waiting) == 0 {
			return q.drain(ctx)
		}
		if !q.closed && !workflow.Now(ctx).Before(q.in.Closes) {
			if err := q.locked(ctx, q.closeSession); err != nil {
				return err
			}
			continue
		}
		if q.events >= q.in.ContinueAfter {
			return q.continueAsNew(ctx)
		}
		if q.published != q.events {
			q.publish(ctx)
		}
		if err := q.wait(ctx); err != nil {
			return err
		}
	}
}

// wait blocks until an update kicks wake, a done signal arrives, the
// called patient's answer window ends or the session closes, and handles
// what happened.
func (q *walkInQueue) wait(ctx workflow.Context) error {
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	now := workflow.Now(ctx)
	var done *WalkInDone
	deadline, closing := false, false
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(q.wake, func(ch workflow.ReceiveChannel, _ bool) { ch.ReceiveAsync(nil) })
	sel.AddReceive(q.doneCh, func(ch workflow.ReceiveChannel, _ bool) {
		var d WalkInDone
		ch.Receive(ctx, &d)
		done = &d
	})
	sel.AddFuture(workflow.NewTimerWithOptions(timerCtx, q.in.Closes.Sub(now), workflow.TimerOptions{Summary: "walk-in closes"}),
		func(workflow.Future) { closing = true })
	if called := q.c.Called; called != nil && called.AnswerBy != nil {
		sel.AddFuture(workflow.NewTimerWithOptions(timerCtx, called.AnswerBy.Sub(now), workflow.TimerOptions{Summary: "answer window"}),
			func(workflow.Future) { deadline = true })
	}
	sel.Select(ctx)
	if err := ctx.Err(); err != nil {
		return err
	}
	switch {
	case done != nil:
		q.events++
		q.takeDone(*done)
	case deadline:
		return q.locked(ctx, q.answerWindowEnded)
	case closing:
		return q.locked(ctx, q.closeSession)
	}
	return nil
}

// publishOptions (PublishWalkInQueue): a live push is worth little late.
var publishOptions = workflow.ActivityOptions{
	StartToCloseTimeout:    10 * time.Second,
	ScheduleToCloseTimeout: time.Minute,
	RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Second},
}

// publish pushes the waiting patients' positions and ETAs live after a
// change of the queue; a failure is only logged (GET and the query still
// show the place).
func (q *walkInQueue) publish(ctx workflow.Context) {
	q.published = q.events
	st := q.state(ctx)
	if len(st.Waiting) == 0 {
		return
	}
	now := workflow.Now(ctx)
	in := PublishWalkInQueueInput{DoctorID: q.in.DoctorID}
	for _, p := range st.Waiting {
		wait := 0
		if p.ETA != nil && p.ETA.After(now) {
			wait = int((p.ETA.Sub(now) + time.Minute - 1) / time.Minute)
		}
		in.Waiting = append(in.Waiting, WalkInLivePosition{ConsultationID: p.ConsultationID, Position: p.Position, ETAMinutes: wait})
	}
	if err := run(ctx, publishOptions, ActivityPublishWalkInQueue, in, nil); err != nil && ctx.Err() == nil {
		workflow.GetLogger(ctx).Warn("walk-in queue not pushed live", "doctor", q.in.DoctorID, "error", err)
	}
}

// locked runs fn holding the mutex.
func (q *walkInQueue) locked(ctx workflow.Context, fn func(ctx workflow.Context)) error {
	if err := q.mu.Lock(ctx); err != nil {
		return fmt.Errorf("walk-in queue lock: %w", err)
	}
	defer q.mu.Unlock()
	fn(ctx)
	return nil
}

// continueAsNew hands the queue to a new run once no handler runs, after
// taking every done signal already delivered.
func (q *walkInQueue) continueAsNew(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return fmt.Errorf("wait for handlers: %w", err)
	}
	var d WalkInDone
	for q.doneCh.ReceiveAsync(&d) {
		q.takeDone(d)
	}
	carry := q.c
	carry.Runs++
	in := q.in
	in.Carry = &carry
	return workflow.NewContinueAsNewError(ctx, WalkInQueueWorkflowType, in)
}

// drain ends the last run: it waits for the handlers and takes the done
// signals still delivered (the measured lengths are kept by the
// consultations themselves).
func (q *walkInQueue) drain(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return fmt.Errorf("wait for handlers: %w", err)
	}
	var d WalkInDone
	for q.doneCh.ReceiveAsync(&d) {
		q.takeDone(d)
	}
	return nil
}

func (q *walkInQueue) kick() { q.wake.SendAsync(true) }

// takeDone frees the doctor when the session in progress ended (and adds
// its length to the average), or forgets a consultation that ended while
// it waited.
func (q *walkInQueue) takeDone(d WalkInDone) {
	if s := q.c.InSession; s != nil && s.ConsultationID == d.ConsultationID {
		q.c.InSession = nil
		q.c.Average, q.c.Measured, _ = WalkInAverage(q.c.Average, q.c.Measured, time.Duration(d.SessionSeconds)*time.Second)
		return
	}
	if c := q.c.Called; c != nil && c.ConsultationID == d.ConsultationID {
		q.c.Called = nil
	}
	q.c.Waiting = removeEntry(q.c.Waiting, d.ConsultationID)
}

func removeEntry(es []WalkInEntry, id string) []WalkInEntry {
	out := es[:0:0]
	for _, e := range es {
		if e.ConsultationID != id {
			out = append(out, e)
		}
	}
	return out
}

// average is the session length the ETAs use.
func (q *walkInQueue) average() time.Duration {
	if q.c.Measured > 0 && q.c.Average > 0 {
		return q.c.Average
	}
	return q.in.EstimatedSession
}

// state is the queue as the query shows it.
func (q *walkInQueue) state(ctx workflow.Context) WalkInQueueState {
	now := workflow.Now(ctx).UTC()
	avg := q.average()
	var started *time.Time
	if q.c.InSession != nil {
		started = q.c.InSession.StartedAt
	}
	called := q.c.Called != nil
	st := WalkInQueueState{
		DoctorID: q.in.DoctorID, Opens: q.in.Opens, Closes: q.in.Closes, Closed: q.closed, ClosedEarly: q.early,
		Paused: q.c.Paused, Waiting: []WalkInPosition{}, AverageSession: avg, MeasuredSessions: q.c.Measured,
		NewPatientETA: WalkInETA(now, avg, started, called, len(q.c.Waiting)+1), Events: q.events, Runs: q.c.Runs,
	}
	for i, e := range q.c.Waiting {
		eta := WalkInETA(now, avg, started, called, i+1)
		st.Waiting = append(st.Waiting, WalkInPosition{ConsultationID: e.ConsultationID, Place: PlaceWaiting,
			Position: i + 1, ETA: &eta, Skips: e.Skips})
	}
	if c := q.c.Called; c != nil {
		st.Called = &WalkInPosition{ConsultationID: c.ConsultationID, Place: PlaceCalled, AnswerBy: c.AnswerBy, Skips: c.Skips}
	}
	if s := q.c.InSession; s != nil {
		st.InSession = &WalkInPosition{ConsultationID: s.ConsultationID, Place: PlaceInSession, Skips: s.Skips}
	}
	return st
}

// notice tells a consultation what happened to it in the queue. A
// consultation that has ended cannot be told; that is reported.
func (q *walkInQueue) notice(ctx workflow.Context, id string, n WalkInNotice) error {
	err := workflow.SignalExternalWorkflow(ctx, ConsultationWorkflowID(id), "", SignalWalkInNotice, n).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Warn("walk-in notice not delivered", "consultation", id, "kind", n.Kind, "error", err)
	}
	return err
}

// closedError is the refusal of a request to a closed session.
func closedError(op string) error {
	return temporal.NewApplicationErrorWithOptions(fmt.Sprintf("%s is not possible: the walk-in session has closed", op),
		ErrTypeInvalidState, temporal.ApplicationErrorOptions{NonRetryable: true})
}

func queueRefusal(msg string) error {
	return temporal.NewApplicationErrorWithOptions(msg, ErrTypeInvalidState, temporal.ApplicationErrorOptions{NonRetryable: true})
}

func (q *walkInQueue) isClosed(ctx workflow.Context) bool {
	return q.closed || !workflow.Now(ctx).Before(q.in.Closes)
}

func (q *walkInQueue) validateJoin(ctx workflow.Context, j WalkInJoin) error {
	if j.ConsultationID == "" || j.PaidAt.IsZero() {
		return invalidInput("a join needs the consultation and its payment time")
	}
	if q.has(j.ConsultationID) {
		return nil
	}
	for _, id := range q.c.Removed {
		if id == j.ConsultationID {
			return queueRefusal("this patient was removed from the queue")
		}
	}
	if q.isClosed(ctx) {
		return closedError("joining")
	}
	return nil
}

// has reports whether consultation id is in the queue (waiting, called or
// in session).
func (q *walkInQueue) has(id string) bool {
	if c := q.c.Called; c != nil && c.ConsultationID == id {
		return true
	}
	if s := q.c.InSession; s != nil && s.ConsultationID == id {
		return true
	}
	for _, e := range q.c.Waiting {
		if e.ConsultationID == id {
			return true
		}
	}
	return false
}

// join puts the patient in the queue in payment order; a repeat returns
// the place the patient has.
func (q *walkInQueue) join(ctx workflow.Context, j WalkInJoin) (WalkInPosition, error) {
	if err := q.validateJoin(ctx, j); err != nil {
		return WalkInPosition{}, err
	}
	if !q.has(j.ConsultationID) {
		paid := j.PaidAt.UTC()
		e := WalkInEntry{ConsultationID: j.ConsultationID, PaidAt: paid, QueuedAt: paid}
		i := sort.Search(len(q.c.Waiting), func(i int) bool { return q.c.Waiting[i].QueuedAt.After(paid) })
		q.c.Waiting = append(q.c.Waiting, WalkInEntry{})
		copy(q.c.Waiting[i+1:], q.c.Waiting[i:])
		q.c.Waiting[i] = e
		q.events++
		q.kick()
	}
	return q.state(ctx).Position(j.ConsultationID), nil
}

func (q *walkInQueue) validateCallNext(ctx workflow.Context) error {
	switch {
	case q.isClosed(ctx):
		return closedError("calling the next patient")
	case q.c.Paused:
		return queueRefusal("the walk-in queue is paused; resume it to call the next patient")
	case q.c.Called != nil:
		return queueRefusal("a patient has been called and may still answer")
	case q.c.InSession != nil:
		return queueRefusal("end the current walk-in session before calling the next patient")
	case len(q.c.Waiting) == 0:
		return queueRefusal("nobody is waiting in the walk-in queue")
	}
	return nil
}

// callNext calls the first patient who can still be told; one whose
// consultation has ended is dropped.
func (q *walkInQueue) callNext(ctx workflow.Context) (WalkInCallResult, error) {
	if err := q.mu.Lock(ctx); err != nil {
		return WalkInCallResult{}, err
	}
	defer q.mu.Unlock()
	for {
		if err := q.validateCallNext(ctx); err != nil {
			return WalkInCallResult{}, err
		}
		e := q.c.Waiting[0]
		q.c.Waiting = q.c.Waiting[1:]
		by := workflow.Now(ctx).UTC().Add(q.in.AnswerWindow)
		e.AnswerBy = &by
		q.c.Called = &e
		q.events++
		q.kick()
		if err := q.notice(ctx, e.ConsultationID, WalkInNotice{Kind: NoticeCalled, AnswerBy: &by}); err != nil {
			if c := q.c.Called; c != nil && c.ConsultationID == e.ConsultationID {
				q.c.Called = nil
			}
			continue
		}
		return WalkInCallResult{ConsultationID: e.ConsultationID, AnswerBy: by}, nil
	}
}

func (q *walkInQueue) validateAnswer(ctx workflow.Context, a WalkInAnswer) error {
	if s := q.c.InSession; s != nil && s.ConsultationID == a.ConsultationID {
		return nil
	}
	c := q.c.Called
	if c == nil || c.ConsultationID != a.ConsultationID {
		return queueRefusal("you have not been called (yet); please wait for your turn")
	}
	if c.AnswerBy != nil && !workflow.Now(ctx).Before(*c.AnswerBy) {
		return queueRefusal("the time to answer the call has passed")
	}
	return nil
}

// answer starts the session of the called patient; a repeat returns the
// state.
func (q *walkInQueue) answer(ctx workflow.Context, a WalkInAnswer) (WalkInQueueState, error) {
	if err := q.mu.Lock(ctx); err != nil {
		return WalkInQueueState{}, err
	}
	defer q.mu.Unlock()
	if err := q.validateAnswer(ctx, a); err != nil {
		return WalkInQueueState{}, err
	}
	if s := q.c.InSession; s != nil && s.ConsultationID == a.ConsultationID {
		return q.state(ctx), nil
	}
	e := *q.c.Called
	now := workflow.Now(ctx).UTC()
	e.AnswerBy, e.StartedAt = nil, &now
	q.c.Called, q.c.InSession = nil, &e
	q.events++
	q.kick()
	if err := q.notice(ctx, e.ConsultationID, WalkInNotice{Kind: NoticeAnswered}); err != nil {
		q.c.InSession = nil
		return WalkInQueueState{}, queueRefusal("this consultation has ended")
	}
	return q.state(ctx), nil
}

// answerWindowEnded handles a called patient who did not answer: back at
// the end of the queue the first time, removed (and refunded by the
// consultation) the second.
func (q *walkInQueue) answerWindowEnded(ctx workflow.Context) {
	c := q.c.Called
	if c == nil || c.AnswerBy == nil || workflow.Now(ctx).Before(*c.AnswerBy) {
		return
	}
	e := *c
	q.c.Called = nil
	e.AnswerBy = nil
	q.events++
	if e.Skips == 0 {
		e.Skips = 1
		e.QueuedAt = workflow.Now(ctx).UTC()
		q.c.Waiting = append(q.c.Waiting, e)
		if q.notice(ctx, e.ConsultationID, WalkInNotice{Kind: NoticeRequeued}) != nil {
			q.c.Waiting = removeEntry(q.c.Waiting, e.ConsultationID)
		}
		return
	}
	q.c.Removed = append(q.c.Removed, e.ConsultationID)
	_ = q.notice(ctx, e.ConsultationID, WalkInNotice{Kind: NoticeRemoved, Reason: ReasonWalkInAbsent})
}

// closeSession closes the queue: everyone still waiting or called is
// removed, and each consultation refunds itself in full.
func (q *walkInQueue) closeSession(ctx workflow.Context) {
	if q.closed {
		return
	}
	q.closed = true
	q.events++
	var out []WalkInEntry
	if c := q.c.Called; c != nil {
		out = append(out, *c)
	}
	out = append(out, q.c.Waiting...)
	q.c.Called, q.c.Waiting = nil, nil
	for _, e := range out {
		_ = q.notice(ctx, e.ConsultationID, WalkInNotice{Kind: NoticeRemoved, Reason: ReasonWalkInClosed})
	}
	q.kick()
}

func (q *walkInQueue) validatePause(ctx workflow.Context) error {
	if q.isClosed(ctx) {
		return closedError("pausing")
	}
	if q.c.Paused {
		return queueRefusal("the walk-in queue is paused already")
	}
	return nil
}

func (q *walkInQueue) pause(ctx workflow.Context) (WalkInQueueState, error) {
	if err := q.validatePause(ctx); err != nil {
		return WalkInQueueState{}, err
	}
	q.c.Paused = true
	q.events++
	q.kick()
	return q.state(ctx), nil
}

func (q *walkInQueue) validateResume(ctx workflow.Context) error {
	if q.isClosed(ctx) {
		return closedError("resuming")
	}
	if !q.c.Paused {
		return queueRefusal("the walk-in queue is not paused")
	}
	return nil
}

func (q *walkInQueue) resume(ctx workflow.Context) (WalkInQueueState, error) {
	if err := q.validateResume(ctx); err != nil {
		return WalkInQueueState{}, err
	}
	q.c.Paused = false
	q.events++
	q.kick()
	return q.state(ctx), nil
}

func (q *walkInQueue) validateClose(ctx workflow.Context) error {
	if q.isClosed(ctx) {
		return closedError("closing")
	}
	return nil
}

func (q *walkInQueue) closeEarly(ctx workflow.Context) (WalkInQueueState, error) {
	if err := q.mu.Lock(ctx); err != nil {
		return WalkInQueueState{}, err
	}
	defer q.mu.Unlock()
	if err := q.validateClose(ctx); err != nil {
		return WalkInQueueState{}, err
	}
	q.early = true
	q.closeSession(ctx)
	return q.state(ctx), nil
}
