package workflows

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
)

// walkInRun drives one WalkInWorkflow in the harness: the signals it sends
// to its queue are recorded.
type walkInRun struct {
	*harness
	mu   sync.Mutex
	done []WalkInDone
	in   WalkInInput
}

func newWalkInRun(t *testing.T) *walkInRun {
	t.Helper()
	start := time.Date(2026, 3, 23, 16, 0, 0, 0, time.UTC)
	r := &walkInRun{harness: newHarness(t, start)}
	r.in = WalkInInput{
		ConsultationID: testConsultation, DoctorID: "d-7", AmountCents: 4500,
		Opens: start.Add(-time.Hour), Closes: start.Add(time.Hour),
		DoctorTimeZone: "Europe/Amsterdam", Language: "en", ReviewDelay: time.Hour,
	}
	r.env.OnSignalExternalWorkflow(mock.Anything, WalkInQueueWorkflowID("d-7", r.in.Opens), "", SignalWalkInDone, mock.Anything).Return(
		func(_, _, _, _ string, arg any) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.done = append(r.done, arg.(WalkInDone))
			return nil
		})
	return r
}

func (r *walkInRun) notice(d time.Duration, n WalkInNotice) {
	r.after(d, func() { r.env.SignalWorkflow(SignalWalkInNotice, n) })
}

func (r *walkInRun) run() ConsultationState {
	r.t.Helper()
	r.env.ExecuteWorkflow(WalkInWorkflowType, r.in)
	if !r.env.IsWorkflowCompleted() {
		r.t.Fatal("walk-in workflow did not complete")
	}
	var st ConsultationState
	if err := r.env.GetWorkflowResult(&st); err != nil {
		r.t.Fatalf("walk-in workflow failed: %v", err)
	}
	return st
}

func (r *walkInRun) refunds() []*IssueRefundInput {
	var out []*IssueRefundInput
	for _, c := range r.callsTo(ActivityIssueRefund) {
		out = append(out, c.Input.(*IssueRefundInput))
	}
	return out
}

// TestWalkInSessionCompleted: paid → queued → called → answered (the
// session starts) → ended by the doctor → completed; the session's length
// goes to the doctor's average and the queue, the invoice and the review
// request follow.
func TestWalkInSessionCompleted(t *testing.T) {
	r := newWalkInRun(t)
	r.signalPayment(time.Minute, testPayment, PaymentPaid)
	queued := r.query(2 * time.Minute)
	by := r.harness.env.Now().Add(12 * time.Minute)
	r.notice(10*time.Minute, WalkInNotice{Kind: NoticeCalled, AnswerBy: &by})
	called := r.query(11 * time.Minute)
	refused := r.update(11*time.Minute, UpdateEndSession)
	r.notice(11*time.Minute+30*time.Second, WalkInNotice{Kind: NoticeAnswered})
	ended := r.update(25*time.Minute+30*time.Second, UpdateEndSession)
	st := r.run()

	assertStatuses(t, r.statuses(), StatusAwaitingPayment, StatusQueued, StatusCalled, StatusInSession, StatusCompleted)
	if queued.Status != StatusQueued || queued.WalkIn == nil || queued.WalkIn.JoinedAt == nil {
		t.Errorf("after payment: %+v", queued)
	}
	if called.Status != StatusCalled || called.WalkIn.AnswerBy == nil || !called.WalkIn.AnswerBy.Equal(by) {
		t.Errorf("called: %s, answer by %v", called.Status, called.WalkIn.AnswerBy)
	}
	if refused.RejectErr == nil || ended.Err != nil {
		t.Errorf("end before the session accepted (%v); end in session %v", refused.RejectErr, ended.Err)
	}
	if st.Status != StatusCompleted || !st.PrescriptionAllowed {
		t.Errorf("final %s", st.Status)
	}
	joins := r.callsTo(ActivityJoinWalkInQueue)
	if len(joins) != 1 {
		t.Fatalf("joined %d times", len(joins))
	}
	j := joins[0].Input.(*JoinWalkInQueueInput)
	if !j.PaidAt.Equal(r.in.Opens.Add(time.Hour+time.Minute)) || !j.Opens.Equal(r.in.Opens) || j.AnswerWindow != DefaultWalkInAnswerWindow {
		t.Errorf("join %+v", j)
	}
	rec := r.callsTo(ActivityRecordWalkInSession)
	if len(rec) != 1 || rec[0].Input.(*RecordWalkInSessionInput).Seconds != 14*60 {
		t.Errorf("recorded session lengths %+v, want one of 14 min", rec)
	}
	if len(r.done) != 1 || r.done[0].SessionSeconds != 14*60 || r.done[0].ConsultationID != testConsultation {
		t.Errorf("queue told %+v", r.done)
	}
	if len(r.refunds()) != 0 || r.sent(TemplateReviewRequest) != 1 || len(r.callsTo(ActivityIssueInvoice)) != 1 {
		t.Errorf("refunds %d, review requests %d, invoices %d", len(r.refunds()), r.sent(TemplateReviewRequest), len(r.callsTo(ActivityIssueInvoice)))
	}
}

// TestWalkInAbsentRefundedOnce: called, not answering, re-queued, called
// again, removed as absent: cancelled and refunded in full exactly once,
// even when the removal is repeated.
func TestWalkInAbsentRefundedOnce(t *testing.T) {
	r := newWalkInRun(t)
	r.signalPayment(time.Minute, testPayment, PaymentPaid)
	by := r.harness.env.Now().Add(7 * time.Minute)
	r.notice(5*time.Minute, WalkInNotice{Kind: NoticeCalled, AnswerBy: &by})
	r.notice(7*time.Minute, WalkInNotice{Kind: NoticeRequeued})
	requeued := r.query(8 * time.Minute)
	by2 := r.harness.env.Now().Add(22 * time.Minute)
	r.notice(20*time.Minute, WalkInNotice{Kind: NoticeCalled, AnswerBy: &by2})
	r.notice(22*time.Minute, WalkInNotice{Kind: NoticeRemoved, Reason: ReasonWalkInAbsent})
	r.notice(22*time.Minute, WalkInNotice{Kind: NoticeRemoved, Reason: ReasonWalkInAbsent})
	st := r.run()

	assertStatuses(t, r.statuses(), StatusAwaitingPayment, StatusQueued, StatusCalled, StatusQueued, StatusCalled, StatusCancelled)
	if requeued.WalkIn.Skips != 1 {
		t.Errorf("skips after the first absence: %d", requeued.WalkIn.Skips)
	}
	refunds := r.refunds()
	if len(refunds) != 1 || refunds[0].AmountCents != 4500 || refunds[0].IdempotencyKey != "consultation/c-123/refund/walkin_absent" {
		t.Fatalf("refunds %+v, want one full refund keyed walkin_absent", refunds)
	}
	if st.Reason != ReasonWalkInAbsent || st.RefundedCents != 4500 || r.sent(TemplateRefundIssued) != 1 {
		t.Errorf("final %s/%s refunded %d, refund emails %d", st.Status, st.Reason, st.RefundedCents, r.sent(TemplateRefundIssued))
	}
	if len(r.done) != 1 || r.done[0].SessionSeconds != 0 {
		t.Errorf("queue told %+v", r.done)
	}
}

// TestWalkInClosedWhileQueued: the session closes while the patient waits:
// refunded in full once.
func TestWalkInClosedWhileQueued(t *testing.T) {
	r := newWalkInRun(t)
	r.signalPayment(time.Minute, testPayment, PaymentPaid)
	r.notice(time.Hour, WalkInNotice{Kind: NoticeRemoved, Reason: ReasonWalkInClosed})
	st := r.run()
	refunds := r.refunds()
	if st.Status != StatusCancelled || st.Reason != ReasonWalkInClosed || len(refunds) != 1 ||
		refunds[0].IdempotencyKey != "consultation/c-123/refund/walkin_closed" || refunds[0].AmountCents != 4500 {
		t.Errorf("final %s/%s, refunds %+v", st.Status, st.Reason, refunds)
	}
}

// TestWalkInPaidAfterClosing: the queue no longer takes the patient (the
// payment came in after the session closed): refunded in full.
func TestWalkInPaidAfterClosing(t *testing.T) {
	r := newWalkInRun(t)
	r.walkInJoin = JoinWalkInQueueResult{Joined: false}
	r.signalPayment(time.Minute, testPayment, PaymentPaid)
	st := r.run()
	assertStatuses(t, r.statuses(), StatusAwaitingPayment, StatusCancelled)
	if st.Reason != ReasonWalkInClosed || len(r.refunds()) != 1 || st.RefundedCents != 4500 {
		t.Errorf("final %s/%s refunded %d, refunds %d", st.Status, st.Reason, st.RefundedCents, len(r.refunds()))
	}
}

// TestWalkInGuardRefundsWhenQueueSilent: a consultation still queued
// walkInCloseGrace after closing (its queue never removed it) refunds
// itself.
func TestWalkInGuardRefundsWhenQueueSilent(t *testing.T) {
	r := newWalkInRun(t)
	r.signalPayment(time.Minute, testPayment, PaymentPaid)
	st := r.run()
	if st.Status != StatusCancelled || st.Reason != ReasonWalkInClosed || len(r.refunds()) != 1 {
		t.Fatalf("final %s/%s refunds %d", st.Status, st.Reason, len(r.refunds()))
	}
	if at := r.callsTo(ActivityIssueRefund)[0].At; !at.Equal(r.in.Closes.Add(walkInCloseGrace)) {
		t.Errorf("refunded at %v, want closing + %v", at, walkInCloseGrace)
	}
}

// TestWalkInUnpaid: a walk-in whose payment fails never joins a queue.
func TestWalkInUnpaid(t *testing.T) {
	r := newWalkInRun(t)
	r.signalPayment(time.Minute, testPayment, PaymentFailed)
	st := r.run()
	if st.Status != StatusPaymentFailed || len(r.callsTo(ActivityJoinWalkInQueue)) != 0 {
		t.Errorf("final %s, joins %d", st.Status, len(r.callsTo(ActivityJoinWalkInQueue)))
	}
}
