package workflows

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// queueHarness runs WalkInQueueWorkflow alone with time skipping; the
// notices it sends to consultations are recorded instead of delivered.
type queueHarness struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	start time.Time

	mu      sync.Mutex
	notices []sentNotice
	// gone lists consultations whose workflow has ended: a notice to
	// them fails.
	gone map[string]bool
	seq  int
	// pushed are the live pushes (PublishWalkInQueue), with their times.
	pushed []sentPush
}

type sentPush struct {
	In PublishWalkInQueueInput
	At time.Time
}

type sentNotice struct {
	WorkflowID string
	Notice     WalkInNotice
	At         time.Time
}

func newQueueHarness(t *testing.T) *queueHarness {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(testLogger(t))
	h := &queueHarness{t: t, env: suite.NewTestWorkflowEnvironment(), gone: map[string]bool{},
		start: time.Date(2026, 3, 23, 16, 0, 0, 0, time.UTC)}
	h.env.SetStartTime(h.start)
	h.env.SetTestTimeout(30 * time.Second)
	h.env.RegisterWorkflowWithOptions(WalkInQueueWorkflow, workflow.RegisterOptions{Name: WalkInQueueWorkflowType})
	h.env.RegisterActivityWithOptions(func(_ context.Context, in PublishWalkInQueueInput) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.pushed = append(h.pushed, sentPush{In: in, At: h.env.Now()})
		return nil
	}, activity.RegisterOptions{Name: ActivityPublishWalkInQueue})
	h.env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, mock.Anything, SignalWalkInNotice, mock.Anything).Return(
		func(_, workflowID, _, _ string, arg any) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.gone[workflowID] {
				return errors.New("workflow not found")
			}
			h.notices = append(h.notices, sentNotice{WorkflowID: workflowID, Notice: arg.(WalkInNotice), At: h.env.Now()})
			return nil
		})
	return h
}

func (h *queueHarness) input() WalkInQueueInput {
	return WalkInQueueInput{
		DoctorID: "d-7", Opens: h.start, Closes: h.start.Add(2 * time.Hour),
		AverageSession: 12 * time.Minute, MeasuredSessions: 3, EstimatedSession: 20 * time.Minute,
	}
}

func (h *queueHarness) after(d time.Duration, fn func()) { h.env.RegisterDelayedCallback(fn, d) }

func (h *queueHarness) update(d time.Duration, name string, arg ...any) *updateResult {
	res := &updateResult{}
	h.seq++
	updateID := fmt.Sprintf("%s-%d", name, h.seq)
	h.after(d, func() {
		h.env.UpdateWorkflow(name, updateID, &testsuite.TestUpdateCallback{
			OnAccept:   func() { res.Accepted = true },
			OnReject:   func(err error) { res.RejectErr = err },
			OnComplete: func(v any, err error) { res.Done, res.Value, res.Err = true, v, err },
		}, arg...)
	})
	return res
}

func (h *queueHarness) join(d time.Duration, id string, paidAt time.Time) *updateResult {
	return h.update(d, UpdateWalkInJoin, WalkInJoin{ConsultationID: id, PaidAt: paidAt})
}

func (h *queueHarness) query(d time.Duration) *WalkInQueueState {
	st := &WalkInQueueState{}
	h.after(d, func() {
		v, err := h.env.QueryWorkflow(QueryWalkInQueue)
		if err != nil {
			h.t.Errorf("query at %s: %v", h.env.Now(), err)
			return
		}
		if err := v.Get(st); err != nil {
			h.t.Errorf("decode queue state: %v", err)
		}
	})
	return st
}

func (h *queueHarness) done(d time.Duration, id string, seconds int64) {
	h.after(d, func() {
		h.env.SignalWorkflow(SignalWalkInDone, WalkInDone{ConsultationID: id, SessionSeconds: seconds})
	})
}

func (h *queueHarness) run(in WalkInQueueInput) WalkInQueueState {
	h.t.Helper()
	h.env.ExecuteWorkflow(WalkInQueueWorkflowType, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("queue workflow did not complete")
	}
	var st WalkInQueueState
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatalf("queue workflow failed: %v", err)
	}
	return st
}

// noticesTo returns the notices sent to one consultation, in order.
func (h *queueHarness) noticesTo(id string) []sentNotice {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []sentNotice
	for _, n := range h.notices {
		if n.WorkflowID == ConsultationWorkflowID(id) {
			out = append(out, n)
		}
	}
	return out
}

func order(st *WalkInQueueState) []string {
	var ids []string
	for _, p := range st.Waiting {
		ids = append(ids, p.ConsultationID)
	}
	return ids
}

func sameIDs(got []string, want ...string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// TestWalkInQueueOrderAndETA: patients are queued by payment time, not by
// the moment their join arrives; the ETAs come from the doctor's measured
// average, and a session's measured length moves that average.
func TestWalkInQueueOrderAndETA(t *testing.T) {
	h := newQueueHarness(t)
	s := h.start
	h.join(time.Minute, "b", s.Add(30*time.Second))
	h.join(2*time.Minute, "a", s.Add(20*time.Second)) // paid first, joined later
	h.join(3*time.Minute, "c", s.Add(150*time.Second))
	again := h.join(4*time.Minute, "a", s.Add(20*time.Second))
	before := h.query(5 * time.Minute)
	call := h.update(6*time.Minute, UpdateWalkInCallNext)
	answered := h.update(7*time.Minute, UpdateWalkInAnswer, WalkInAnswer{ConsultationID: "a"})
	inSession := h.query(8 * time.Minute)
	h.done(27*time.Minute, "a", int64((20 * time.Minute).Seconds()))
	after := h.query(28 * time.Minute)
	h.update(29*time.Minute, UpdateWalkInClose)
	h.run(h.input())

	if !sameIDs(order(before), "a", "b", "c") {
		t.Fatalf("queue %v, want by payment time a, b, c", order(before))
	}
	if p := again.Value.(WalkInPosition); again.Err != nil || p.Position != 1 {
		t.Errorf("repeated join = %+v, %v; want position 1", p, again.Err)
	}
	at := s.Add(5 * time.Minute)
	for i, p := range before.Waiting {
		want := at.Add(time.Duration(i) * 12 * time.Minute) // measured average 12 min, not the 20 min estimate
		if p.ETA == nil || !p.ETA.Equal(want) {
			t.Errorf("ETA of %s = %v, want %v", p.ConsultationID, p.ETA, want)
		}
	}
	var last *sentPush
	for i := range h.pushed {
		if !h.pushed[i].At.After(at) {
			last = &h.pushed[i]
		}
	}
	if last == nil || len(last.In.Waiting) != 3 || last.In.DoctorID != "d-7" {
		t.Fatalf("live push before the call: %+v", last)
	}
	for i, p := range last.In.Waiting {
		if p.ConsultationID != []string{"a", "b", "c"}[i] || p.Position != i+1 || p.ETAMinutes != 12*i {
			t.Errorf("pushed %+v, want position %d with a %d min wait", p, i+1, 12*i)
		}
	}
	if !before.NewPatientETA.Equal(at.Add(36 * time.Minute)) {
		t.Errorf("new patient's ETA %v, want %v", before.NewPatientETA, at.Add(36*time.Minute))
	}
	if call.Err != nil || call.Value.(WalkInCallResult).ConsultationID != "a" {
		t.Fatalf("call next = %+v, %v", call.Value, call.Err)
	}
	if answered.Err != nil || inSession.InSession == nil || inSession.InSession.ConsultationID != "a" {
		t.Fatalf("answer = %v; in session %+v", answered.Err, inSession.InSession)
	}
	// a started at +7 min and is expected to take 12: b is next at +19.
	if eta := inSession.Waiting[0].ETA; eta == nil || !eta.Equal(s.Add(19*time.Minute)) {
		t.Errorf("ETA of b during a's session = %v, want %v", eta, s.Add(19*time.Minute))
	}
	// Three sessions averaged 12 min; a fourth of 20 makes 14.
	if after.AverageSession != 14*time.Minute || after.MeasuredSessions != 4 || after.InSession != nil {
		t.Errorf("after a's session: average %v over %d, in session %+v; want 14m over 4, nobody",
			after.AverageSession, after.MeasuredSessions, after.InSession)
	}
}

// TestWalkInQueueDefaultEstimate: a doctor without a measured session is
// estimated with the walk-in slot length.
func TestWalkInQueueDefaultEstimate(t *testing.T) {
	h := newQueueHarness(t)
	h.join(time.Minute, "a", h.start)
	st := h.query(2 * time.Minute)
	h.update(3*time.Minute, UpdateWalkInClose)
	in := h.input()
	in.AverageSession, in.MeasuredSessions = 0, 0
	h.run(in)
	if st.AverageSession != 20*time.Minute || !st.NewPatientETA.Equal(h.start.Add(22*time.Minute)) {
		t.Errorf("average %v, new patient ETA %v; want the 20 min estimate", st.AverageSession, st.NewPatientETA)
	}
}

// TestWalkInQueueAbsentRequeuedOnceThenRemoved: a called patient who does
// not answer goes to the end of the queue once; the second time they are
// removed (the consultation refunds).
func TestWalkInQueueAbsentRequeuedOnceThenRemoved(t *testing.T) {
	h := newQueueHarness(t)
	s := h.start
	h.join(time.Minute, "a", s)
	h.join(time.Minute, "b", s.Add(time.Second))
	first := h.update(2*time.Minute, UpdateWalkInCallNext)
	late := h.update(4*time.Minute+time.Second, UpdateWalkInAnswer, WalkInAnswer{ConsultationID: "a"})
	requeued := h.query(5 * time.Minute)
	h.update(6*time.Minute, UpdateWalkInCallNext)                                  // b
	h.update(7*time.Minute, UpdateWalkInAnswer, WalkInAnswer{ConsultationID: "b"}) // b's session
	h.done(17*time.Minute, "b", 600)                                               // ends
	second := h.update(18*time.Minute, UpdateWalkInCallNext)                       // a again
	removed := h.query(21 * time.Minute)                                           // a absent again
	empty := h.update(22*time.Minute, UpdateWalkInCallNext)                        // nobody left
	h.update(23*time.Minute, UpdateWalkInClose)
	h.run(h.input())

	if first.Err != nil || late.RejectErr == nil {
		t.Fatalf("first call %v; answer after the window was accepted (%v)", first.Err, late.RejectErr)
	}
	if !sameIDs(order(requeued), "b", "a") || requeued.Waiting[1].Skips != 1 {
		t.Errorf("after the first absence queue %v (%+v), want b, a with one skip", order(requeued), requeued.Waiting)
	}
	if second.Err != nil || second.Value.(WalkInCallResult).ConsultationID != "a" {
		t.Fatalf("second call = %+v, %v", second.Value, second.Err)
	}
	if len(removed.Waiting) != 0 || removed.Called != nil {
		t.Errorf("a still in the queue after the second absence: %+v", removed)
	}
	if empty.RejectErr == nil {
		t.Error("calling with nobody waiting was accepted")
	}
	var kinds []WalkInNoticeKind
	for _, n := range h.noticesTo("a") {
		kinds = append(kinds, n.Notice.Kind)
	}
	want := []WalkInNoticeKind{NoticeCalled, NoticeRequeued, NoticeCalled, NoticeRemoved}
	if len(kinds) != len(want) {
		t.Fatalf("notices to a: %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("notices to a: %v, want %v", kinds, want)
		}
	}
	last := h.noticesTo("a")[3]
	if last.Notice.Reason != ReasonWalkInAbsent || !last.At.Equal(s.Add(20*time.Minute)) {
		t.Errorf("removal %+v at %v, want absent at +20 min (call + 2 min answer window)", last.Notice, last.At)
	}
	if n := h.noticesTo("a")[0].Notice; n.AnswerBy == nil || !n.AnswerBy.Equal(s.Add(4*time.Minute)) {
		t.Errorf("first call answer by %v, want +4 min", n.AnswerBy)
	}
}

// TestWalkInQueuePause: a paused queue calls nobody until resumed.
func TestWalkInQueuePause(t *testing.T) {
	h := newQueueHarness(t)
	h.join(time.Minute, "a", h.start)
	paused := h.update(2*time.Minute, UpdateWalkInPause)
	again := h.update(3*time.Minute, UpdateWalkInPause)
	refused := h.update(4*time.Minute, UpdateWalkInCallNext)
	state := h.query(5 * time.Minute)
	resumed := h.update(6*time.Minute, UpdateWalkInResume)
	called := h.update(7*time.Minute, UpdateWalkInCallNext)
	h.update(8*time.Minute, UpdateWalkInClose)
	h.run(h.input())
	if paused.Err != nil || again.RejectErr == nil || refused.RejectErr == nil || !state.Paused {
		t.Errorf("pause %v, second pause %v, call while paused %v, paused %v", paused.Err, again.RejectErr, refused.RejectErr, state.Paused)
	}
	if appErrType(refused.RejectErr) != ErrTypeInvalidState {
		t.Errorf("call while paused refused with %v, want %s", refused.RejectErr, ErrTypeInvalidState)
	}
	if resumed.Err != nil || called.Err != nil || called.Value.(WalkInCallResult).ConsultationID != "a" {
		t.Errorf("resume %v, call %+v %v", resumed.Err, called.Value, called.Err)
	}
}

// TestWalkInQueueClosingRemovesEveryoneOnce: at closing time everyone
// waiting or called is removed once (and each consultation refunds
// itself); the session in progress carries on; nobody joins afterwards.
func TestWalkInQueueClosingRemovesEveryoneOnce(t *testing.T) {
	h := newQueueHarness(t)
	s := h.start
	for i, id := range []string{"a", "b", "c", "d"} {
		h.join(time.Minute, id, s.Add(time.Duration(i)*time.Second))
	}
	h.update(2*time.Minute, UpdateWalkInCallNext)
	h.update(3*time.Minute, UpdateWalkInAnswer, WalkInAnswer{ConsultationID: "a"})
	h.update(2*time.Hour-time.Minute, UpdateWalkInCallNext) // b called a minute before closing
	h.done(50*time.Minute, "a", 1800)
	st := h.run(h.input())
	if !st.Closed || len(st.Waiting) != 0 || st.Called != nil {
		t.Errorf("after closing: %+v", st)
	}
	for _, id := range []string{"b", "c", "d"} {
		var removed []sentNotice
		for _, n := range h.noticesTo(id) {
			if n.Notice.Kind == NoticeRemoved {
				removed = append(removed, n)
			}
		}
		if len(removed) != 1 || removed[0].Notice.Reason != ReasonWalkInClosed || !removed[0].At.Equal(s.Add(2*time.Hour)) {
			t.Errorf("%s removed %+v, want once at closing time with %s", id, removed, ReasonWalkInClosed)
		}
	}
	for _, n := range h.noticesTo("a") {
		if n.Notice.Kind == NoticeRemoved {
			t.Errorf("a, seen before closing, was removed: %+v", n)
		}
	}
}

// TestWalkInQueueCloseEarly: the doctor closes early: the waiting are
// removed once, later joins and a second close are refused.
func TestWalkInQueueCloseEarly(t *testing.T) {
	h := newQueueHarness(t)
	h.join(time.Minute, "a", h.start)
	h.join(time.Minute, "b", h.start.Add(time.Second))
	closed := h.update(10*time.Minute, UpdateWalkInClose)
	st := h.run(h.input())
	if closed.Err != nil || !st.Closed || !st.ClosedEarly {
		t.Fatalf("close %v; state %+v", closed.Err, st)
	}
	for _, id := range []string{"a", "b"} {
		ns := h.noticesTo(id)
		if len(ns) != 1 || ns[0].Notice.Kind != NoticeRemoved || ns[0].Notice.Reason != ReasonWalkInClosed ||
			!ns[0].At.Equal(h.start.Add(10*time.Minute)) {
			t.Errorf("notices to %s: %+v, want one removal at the early close", id, ns)
		}
	}
}

// TestWalkInQueueContinueAsNewKeepsQueueAndSignals: after ContinueAfter
// events the queue continues as new with its waiting patients, the
// patient in session, the pause and a done signal that arrived just
// before, taken rather than lost.
func TestWalkInQueueContinueAsNewKeepsQueueAndSignals(t *testing.T) {
	h := newQueueHarness(t)
	s := h.start
	h.join(time.Minute, "a", s)
	h.join(time.Minute, "b", s.Add(time.Second))
	h.join(time.Minute, "c", s.Add(2*time.Second))
	h.update(2*time.Minute, UpdateWalkInCallNext)
	h.update(3*time.Minute, UpdateWalkInAnswer, WalkInAnswer{ConsultationID: "a"})
	h.update(4*time.Minute, UpdateWalkInPause)
	// The seventh event: a's session ends, in the same moment as the
	// eighth (d joins): both are taken before the run continues.
	h.after(20*time.Minute, func() {
		h.env.SignalWorkflow(SignalWalkInDone, WalkInDone{ConsultationID: "a", SessionSeconds: 900})
		h.env.UpdateWorkflow(UpdateWalkInJoin, "join-d", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { t.Errorf("join d rejected: %v", err) }, OnComplete: func(any, error) {},
		}, WalkInJoin{ConsultationID: "d", PaidAt: s.Add(19 * time.Minute)})
	})
	in := h.input()
	in.ContinueAfter = 8
	h.env.ExecuteWorkflow(WalkInQueueWorkflowType, in)
	if !h.env.IsWorkflowCompleted() {
		t.Fatal("queue did not complete its run")
	}
	err := h.env.GetWorkflowError()
	var can *workflow.ContinueAsNewError
	if !errors.As(err, &can) {
		t.Fatalf("run ended with %v, want continue-as-new", err)
	}
	if can.WorkflowType.Name != WalkInQueueWorkflowType {
		t.Errorf("continued as %s", can.WorkflowType.Name)
	}
	var next WalkInQueueInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatalf("decode next input: %v", err)
	}
	c := next.Carry
	if c == nil {
		t.Fatal("no carry")
	}
	var ids []string
	for _, e := range c.Waiting {
		ids = append(ids, e.ConsultationID)
	}
	if !sameIDs(ids, "b", "c", "d") || !c.Paused || c.InSession != nil || c.Runs != 1 {
		t.Errorf("carry: waiting %v, paused %v, in session %+v, runs %d; want b, c, d, paused, nobody, 1", ids, c.Paused, c.InSession, c.Runs)
	}
	// 3 sessions of 12 min and a's 15 make 12m45s.
	if c.Measured != 4 || c.Average != 12*time.Minute+45*time.Second {
		t.Errorf("carry average %v over %d, want 12m45s over 4 (the done signal was lost?)", c.Average, c.Measured)
	}
	if !next.Closes.Equal(in.Closes) || next.DoctorID != in.DoctorID {
		t.Errorf("next run's session %v–%v of %s", next.Opens, next.Closes, next.DoctorID)
	}

	// The next run carries on from the carry: b is called first.
	h2 := newQueueHarness(t)
	h2.update(time.Minute, UpdateWalkInResume)
	call := h2.update(2*time.Minute, UpdateWalkInCallNext)
	st := h2.query(3 * time.Minute)
	h2.update(4*time.Minute, UpdateWalkInClose)
	h2.run(next)
	if call.Err != nil || call.Value.(WalkInCallResult).ConsultationID != "b" || !sameIDs(order(st), "c", "d") || st.Runs != 1 {
		t.Errorf("next run: call %+v %v, queue %v, runs %d", call.Value, call.Err, order(st), st.Runs)
	}
}

func TestWalkInPolicy(t *testing.T) {
	avg, n, ok := WalkInAverage(0, 0, 9*time.Minute)
	if !ok || avg != 9*time.Minute || n != 1 {
		t.Errorf("first sample: %v %d %v", avg, n, ok)
	}
	if avg, n, ok = WalkInAverage(avg, n, 11*time.Minute); !ok || avg != 10*time.Minute || n != 2 {
		t.Errorf("second sample: %v %d %v", avg, n, ok)
	}
	if _, _, ok := WalkInAverage(avg, n, 10*time.Second); ok {
		t.Error("a 10 s session counted")
	}
	if _, _, ok := WalkInAverage(avg, n, 3*time.Hour); ok {
		t.Error("a 3 h session counted")
	}
	now := time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC)
	started := now.Add(-4 * time.Minute)
	if got := WalkInETA(now, 10*time.Minute, &started, false, 1); !got.Equal(now.Add(6 * time.Minute)) {
		t.Errorf("ETA during a session: %v", got)
	}
	long := now.Add(-30 * time.Minute)
	if got := WalkInETA(now, 10*time.Minute, &long, true, 3); !got.Equal(now.Add(30 * time.Minute)) {
		t.Errorf("ETA after an overrun, a patient called, third: %v", got)
	}
}
