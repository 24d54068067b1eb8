package workflows

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
)

// Recorded histories of the other terminal paths of AppointmentWorkflow
// (TestRecordAppointmentPaths writes them).
const (
	inPersonAttendedPaidHistory = "appointment_in_person_attended_paid.json"
	inPersonNoShowHistory       = "appointment_in_person_no_show.json"
	cancelConfirmedHistory      = "appointment_cancellation_confirmed.json"
	cancelRejectedHistory       = "appointment_cancellation_rejected.json"
	cancelAutoConfirmedHistory  = "appointment_cancellation_auto_confirmed.json"
	doctorCancelHistory         = "appointment_doctor_cancel.json"
	paymentExpiredHistory       = "appointment_payment_expired.json"
	latePaymentHistory          = "appointment_late_payment.json"
)

// appointmentPathHistories lists every recorded AppointmentWorkflow history.
var appointmentPathHistories = []string{
	appointmentHappyHistory, inPersonAttendedPaidHistory, inPersonNoShowHistory,
	cancelConfirmedHistory, cancelRejectedHistory, cancelAutoConfirmedHistory,
	doctorCancelHistory, paymentExpiredHistory, latePaymentHistory,
	reminderActivityHistory, reminderLocalHistory,
}

// TestRecordAppointmentPaths (re)records one history per terminal path of
// AppointmentWorkflow besides the video happy path: an in-person visit
// attended and paid, an in-person no-show, a cancellation confirmed,
// rejected (then held) and auto-confirmed at the start, a doctor's
// cancellation, a payment that expired and one paid after it expired. Each
// is driven in real time the way the API drives it, with trivial fake
// activities (CancelPayment reports a payment it could not cancel for the
// late-payment path):
//
//	DERMA_RECORD_HISTORY=127.0.0.1:7233 go test ./workflows -run TestRecordAppointmentPaths -count=1
//
// See TestRecordEmailAdviceHistory for the namespace and when to record again.
func TestRecordAppointmentPaths(t *testing.T) {
	r, stamp, stop := startRecording(t, "derma-record-paths-", 5*time.Minute)
	defer stop()

	paths := []struct {
		history string
		typ     ConsultationType
		startIn time.Duration
		hold    time.Duration
		pay     bool
		want    Status
		drive   func(r *recorder, id string)
	}{
		{inPersonAttendedPaidHistory, TypeInPerson, 10 * time.Minute, 0, false, StatusCompleted, func(r *recorder, id string) {
			r.update(id, UpdateMarkAttended, nil)
			r.update(id, UpdateMarkPaid, nil)
		}},
		// A no-show may be marked only DefaultNoShowMarkGrace after the start: book one that began 15 minutes ago.
		{inPersonNoShowHistory, TypeInPerson, -15 * time.Minute, 0, false, StatusNoShow, func(r *recorder, id string) {
			r.update(id, UpdateMarkNoShow, nil)
		}},
		{cancelConfirmedHistory, TypeVideo, time.Hour, 0, true, StatusCancelled, func(r *recorder, id string) {
			r.update(id, UpdateRequestCancellation, CancellationRequest{Reason: CancelReasonFeelingBetter})
			r.update(id, UpdateConfirmCancellation, nil)
		}},
		{cancelRejectedHistory, TypeVideo, time.Hour, 0, true, StatusCompleted, func(r *recorder, id string) {
			r.update(id, UpdateRequestCancellation, CancellationRequest{Reason: CancelReasonScheduleConflict})
			r.update(id, UpdateRejectCancellation, nil)
			r.update(id, UpdatePatientJoined, nil)
			r.update(id, UpdateStartSession, nil)
			r.update(id, UpdateEndSession, nil)
		}},
		{cancelAutoConfirmedHistory, TypeVideo, 20 * time.Second, 0, true, StatusCancelled, func(r *recorder, id string) {
			r.update(id, UpdateRequestCancellation, CancellationRequest{Reason: CancelReasonOther})
		}},
		{doctorCancelHistory, TypeVideo, time.Hour, 0, true, StatusCancelled, func(r *recorder, id string) {
			r.update(id, UpdateDoctorCancel, DoctorCancellation{Reason: CancelReasonDoctorUnavailable})
			r.waitFor(id, func(st ConsultationState) bool { return st.RefundID != "" })
			r.signal(id, SignalRefundUpdate, RefundUpdate{RefundID: "re_record", Status: RefundRefunded})
		}},
		{paymentExpiredHistory, TypeVideo, time.Hour, 3 * time.Second, false, StatusExpired, func(*recorder, string) {}},
		{latePaymentHistory, TypeVideo, time.Hour, 3 * time.Second, false, StatusExpired, func(r *recorder, id string) {
			r.waitFor(id, func(st ConsultationState) bool { return st.Status == StatusExpired })
			r.signal(id, SignalPaymentUpdate, PaymentUpdate{PaymentID: "tr_record", Status: PaymentPaid})
			r.waitFor(id, func(st ConsultationState) bool { return st.RefundID != "" })
			r.signal(id, SignalRefundUpdate, RefundUpdate{RefundID: "re_record", Status: RefundRefunded})
		}},
	}
	// The parallel subtests finish inside this group, before the deferred
	// worker stop and cancel.
	t.Run("paths", func(t *testing.T) {
		for _, p := range paths {
			t.Run(p.history, func(t *testing.T) {
				t.Parallel()
				r := r
				r.t = t
				name := strings.TrimSuffix(strings.TrimPrefix(p.history, "appointment_"), ".json")
				start := time.Now().UTC().Add(p.startIn).Truncate(time.Second)
				in := AppointmentInput{
					ConsultationID:   name + "-" + stamp,
					DoctorID:         "d-7",
					Type:             p.typ,
					AmountCents:      6000,
					AdminFeeCents:    1000,
					Start:            start,
					End:              start.Add(20 * time.Minute),
					DoctorTimeZone:   "Europe/Amsterdam",
					Language:         "en",
					PaymentHold:      p.hold,
					ReviewDelay:      2 * time.Second,
					WaitingRoomOpens: 2 * time.Hour,
				}
				id := r.startAppointment(in)
				if p.pay {
					r.signal(id, SignalPaymentUpdate, PaymentUpdate{PaymentID: "tr_record", Status: PaymentPaid})
				}
				if p.typ == TypeInPerson || p.pay {
					r.waitFor(id, func(st ConsultationState) bool { return st.Status == StatusScheduled })
				}
				p.drive(&r, id)
				r.write(id, p.history, p.want)
			})
		}
	})
}

// startAppointment starts an appointment as the API does (video with
// update-with-start and the checkout update, in-person plainly) and returns
// the workflow ID.
func (r *recorder) startAppointment(in AppointmentInput) string {
	id := ConsultationWorkflowID(in.ConsultationID)
	opts := client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                r.queue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes:    StartSearchAttributes(in.Type, in.DoctorID),
	}
	if in.Type != TypeVideo {
		if _, err := r.c.ExecuteWorkflow(r.ctx, opts, AppointmentWorkflowType, in); err != nil {
			r.t.Fatalf("start: %v", err)
		}
		return id
	}
	op := r.c.NewWithStartWorkflowOperation(opts, AppointmentWorkflowType, in)
	upd, err := r.c.UpdateWithStartWorkflow(r.ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName:   UpdateCheckout,
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		r.t.Fatalf("update-with-start: %v", err)
	}
	var checkout CheckoutResult
	if err := upd.Get(r.ctx, &checkout); err != nil {
		r.t.Fatalf("checkout = %+v, %v", checkout, err)
	}
	return id
}

// Recorded histories of the other terminal paths of EmailAdviceWorkflow
// (TestRecordEmailAdvicePaths writes them).
const (
	adviceExpiredHistory       = "email_advice_payment_expired.json"
	adviceLatePaymentHistory   = "email_advice_late_payment.json"
	adviceIntakeTimeoutHistory = "email_advice_intake_timeout.json"
)

// emailAdviceHistories lists every recorded EmailAdviceWorkflow history.
var emailAdviceHistories = []string{
	happyHistory, declinedHistory, adviceExpiredHistory, adviceLatePaymentHistory, adviceIntakeTimeoutHistory,
}

// TestRecordEmailAdvicePaths (re)records the email-advice paths that end
// without a doctor: the payment expired, paid after it expired (refunded),
// and paid but never followed by the form (refunded). The SLA breach is not
// among them: its deadline is a working day away, which a real server
// cannot skip; its branches are covered by the time-skipping tests.
//
//	DERMA_RECORD_HISTORY=127.0.0.1:7233 go test ./workflows -run TestRecordEmailAdvicePaths -count=1
func TestRecordEmailAdvicePaths(t *testing.T) {
	r, stamp, stop := startRecording(t, "derma-record-advice-", 3*time.Minute)
	defer stop()

	paths := []struct {
		history string
		in      func(in *EmailAdviceInput)
		want    Status
		drive   func(r *recorder, id string)
	}{
		{adviceExpiredHistory, func(in *EmailAdviceInput) { in.PaymentHold = 3 * time.Second }, StatusExpired, func(*recorder, string) {}},
		{adviceLatePaymentHistory, func(in *EmailAdviceInput) { in.PaymentHold = 3 * time.Second }, StatusExpired, func(r *recorder, id string) {
			r.waitFor(id, func(st ConsultationState) bool { return st.Status == StatusExpired })
			r.signal(id, SignalPaymentUpdate, PaymentUpdate{PaymentID: "tr_record", Status: PaymentPaid})
			r.waitFor(id, func(st ConsultationState) bool { return st.RefundID != "" })
			r.signal(id, SignalRefundUpdate, RefundUpdate{RefundID: "re_record", Status: RefundRefunded})
		}},
		{adviceIntakeTimeoutHistory, func(in *EmailAdviceInput) { in.IntakeTimeout = 3 * time.Second }, StatusExpired, func(r *recorder, id string) {
			r.signal(id, SignalPaymentUpdate, PaymentUpdate{PaymentID: "tr_record", Status: PaymentPaid})
			r.waitFor(id, func(st ConsultationState) bool { return st.RefundID != "" })
			r.signal(id, SignalRefundUpdate, RefundUpdate{RefundID: "re_record", Status: RefundRefunded})
		}},
	}
	t.Run("paths", func(t *testing.T) {
		for _, p := range paths {
			t.Run(p.history, func(t *testing.T) {
				t.Parallel()
				r := r
				r.t = t
				in := testInput()
				in.ConsultationID = strings.TrimSuffix(p.history, ".json") + "-" + stamp
				in.ReviewDelay = 2 * time.Second
				p.in(&in)
				id := ConsultationWorkflowID(in.ConsultationID)
				op := r.c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
					ID:                       id,
					TaskQueue:                r.queue,
					WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
					TypedSearchAttributes:    StartSearchAttributes(TypeEmailAdvice, in.DoctorID),
				}, EmailAdviceWorkflowType, in)
				upd, err := r.c.UpdateWithStartWorkflow(r.ctx, client.UpdateWithStartWorkflowOptions{
					StartWorkflowOperation: op,
					UpdateOptions:          client.UpdateWorkflowOptions{UpdateName: UpdateCheckout, WaitForStage: client.WorkflowUpdateStageCompleted},
				})
				if err != nil {
					t.Fatalf("update-with-start: %v", err)
				}
				var checkout CheckoutResult
				if err := upd.Get(r.ctx, &checkout); err != nil {
					t.Fatalf("checkout = %+v, %v", checkout, err)
				}
				p.drive(&r, id)
				r.write(id, p.history, p.want)
			})
		}
	})
}

// startRecording dials the server named by recordEnv (skipping the test
// when it is unset), registers the search attributes and starts a worker
// with the recording fakes on a private queue. It returns the recorder, the
// stamp that makes IDs unique, and the function that stops it all.
func startRecording(t *testing.T, queuePrefix string, timeout time.Duration) (recorder, string, func()) {
	t.Helper()
	addr := os.Getenv(recordEnv)
	if addr == "" {
		t.Skipf("set %s=<frontend host:port> to record the histories in testdata against a running Temporal server", recordEnv)
	}
	namespace := os.Getenv("DERMA_RECORD_NAMESPACE")
	if namespace == "" {
		namespace = "default"
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: namespace, Logger: testLogger(t)})
	if err != nil {
		cancel()
		t.Fatalf("dial %s: %v", addr, err)
	}
	if err := addSearchAttributes(ctx, c, namespace); err != nil {
		cancel()
		c.Close()
		t.Fatal(err)
	}
	stamp := time.Now().UTC().Format("20060102T150405")
	queue := queuePrefix + stamp
	w := worker.New(c, queue, worker.Options{})
	Register(w)
	registerRecordingFakes(w, c)
	if err := w.Start(); err != nil {
		cancel()
		c.Close()
		t.Fatalf("start worker: %v", err)
	}
	stop := func() {
		w.Stop()
		c.Close()
		cancel()
	}
	return recorder{t: t, ctx: ctx, c: c, queue: queue}, stamp, stop
}
