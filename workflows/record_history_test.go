package workflows

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
)

// recordEnv names the environment variable that turns
// TestRecordEmailAdviceHistory on: the frontend host:port of a running
// Temporal server (for example the one `derma dev` starts).
const recordEnv = "DERMA_RECORD_HISTORY"

// TestRecordEmailAdviceHistory (re)records the histories
// TestReplayEmailAdviceHistories replays (testdata/email_advice_*.json). It
// runs EmailAdviceWorkflow on a real server the way the API drives it
// (UpdateWithStartWorkflow with the checkout update, payment and intake
// signals, the answer or decline update, a refund webhook), with trivial fake
// activities on a private task queue, and writes each history as protojson:
//
//	DERMA_RECORD_HISTORY=127.0.0.1:7233 go test ./workflows -run TestRecordEmailAdviceHistory -count=1
//
// DERMA_RECORD_NAMESPACE picks the namespace (default "default"). Missing
// search attributes are added to it. Record again only when a workflow change
// is meant to break replay (and then guard the change with
// workflow.GetVersion instead, if workflows of the old shape may be running).
func TestRecordEmailAdviceHistory(t *testing.T) {
	addr := os.Getenv(recordEnv)
	if addr == "" {
		t.Skipf("set %s=<frontend host:port> to record the histories in testdata against a running Temporal server", recordEnv)
	}
	namespace := os.Getenv("DERMA_RECORD_NAMESPACE")
	if namespace == "" {
		namespace = "default"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	c, err := client.Dial(client.Options{HostPort: addr, Namespace: namespace, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	if err := addSearchAttributes(ctx, c, namespace); err != nil {
		t.Fatal(err)
	}

	stamp := time.Now().UTC().Format("20060102T150405")
	queue := "derma-record-" + stamp
	w := worker.New(c, queue, worker.Options{})
	Register(w)
	registerRecordingFakes(w, c)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()

	r := recorder{t: t, ctx: ctx, c: c, queue: queue}
	t.Run("happy", func(t *testing.T) {
		r := r
		r.t = t
		id := r.start("happy-"+stamp, func(rec *recorder, id string) {
			rec.update(id, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
		})
		r.write(id, happyHistory, StatusCompleted)
	})
	t.Run("declined", func(t *testing.T) {
		r := r
		r.t = t
		id := r.start("declined-"+stamp, func(rec *recorder, id string) {
			rec.update(id, UpdateDecline, DeclineInput{Reason: DeclineNeedsPhysicalExam})
			rec.waitFor(id, func(st ConsultationState) bool { return st.RefundID != "" })
			rec.signal(id, SignalRefundUpdate, RefundUpdate{RefundID: "re_record", Status: RefundRefunded})
		})
		r.write(id, declinedHistory, StatusDeclined)
	})
}

// TestRecordAppointmentHistory (re)records the history
// TestReplayAppointmentHistories replays (testdata/appointment_video_happy.json):
// a video appointment driven the way the API drives it, in real time. The
// slot starts one hour and ten seconds after booking and the waiting room is
// opened early (WaitingRoomOpens two hours), so that within a minute the
// history holds the checkout update, the payment signal, the 1 h reminder
// timer firing (the 24 h one is skipped), a doctor delay, the check-in, the
// session's start and end, and the review request timer:
//
//	DERMA_RECORD_HISTORY=127.0.0.1:7233 go test ./workflows -run TestRecordAppointmentHistory -count=1
//
// See TestRecordEmailAdviceHistory for the namespace and when to record again.
func TestRecordAppointmentHistory(t *testing.T) {
	addr := os.Getenv(recordEnv)
	if addr == "" {
		t.Skipf("set %s=<frontend host:port> to record the histories in testdata against a running Temporal server", recordEnv)
	}
	namespace := os.Getenv("DERMA_RECORD_NAMESPACE")
	if namespace == "" {
		namespace = "default"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	c, err := client.Dial(client.Options{HostPort: addr, Namespace: namespace, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	if err := addSearchAttributes(ctx, c, namespace); err != nil {
		t.Fatal(err)
	}

	stamp := time.Now().UTC().Format("20060102T150405")
	queue := "derma-record-" + stamp
	w := worker.New(c, queue, worker.Options{})
	Register(w)
	registerRecordingFakes(w, c)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()
	r := recorder{t: t, ctx: ctx, c: c, queue: queue}

	start := time.Now().UTC().Add(time.Hour + 10*time.Second).Truncate(time.Second)
	in := AppointmentInput{
		ConsultationID:   "appt-happy-" + stamp,
		DoctorID:         "d-7",
		Type:             TypeVideo,
		AmountCents:      6000,
		AdminFeeCents:    1000,
		Start:            start,
		End:              start.Add(20 * time.Minute),
		DoctorTimeZone:   "Europe/Amsterdam",
		Language:         "nl",
		ReviewDelay:      2 * time.Second,
		WaitingRoomOpens: 2 * time.Hour,
	}
	id := ConsultationWorkflowID(in.ConsultationID)
	attrs := StartSearchAttributes(TypeVideo, in.DoctorID)
	op := c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                queue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes:    attrs,
	}, AppointmentWorkflowType, in)
	upd, err := c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName:   UpdateCheckout,
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		t.Fatalf("update-with-start: %v", err)
	}
	var checkout CheckoutResult
	if err := upd.Get(ctx, &checkout); err != nil || checkout.CheckoutURL == "" {
		t.Fatalf("checkout = %+v, %v", checkout, err)
	}
	r.signal(id, SignalPaymentUpdate, PaymentUpdate{PaymentID: checkout.PaymentID, Status: PaymentPaid})
	r.waitFor(id, func(st ConsultationState) bool { return st.Status == StatusScheduled && st.NextReminderAt != nil })
	r.waitFor(id, func(st ConsultationState) bool { return st.NextReminderAt == nil }) // the 1 h reminder went out
	r.update(id, UpdateDoctorDelay, DoctorDelay{Minutes: 5})
	r.update(id, UpdatePatientJoined, nil)
	r.update(id, UpdateStartSession, nil)
	r.update(id, UpdateEndSession, nil)
	r.write(id, appointmentHappyHistory, StatusCompleted)
}

// recorder drives one consultation on a real server.
type recorder struct {
	t     *testing.T
	ctx   context.Context
	c     client.Client
	queue string
}

// start starts a consultation with the checkout update, pays it, submits the
// intake, waits for awaiting_advice and hands over to decide.
func (r *recorder) start(consultationID string, decide func(r *recorder, id string)) string {
	in := testInput()
	in.ConsultationID = consultationID
	in.ReviewDelay = 2 * time.Second
	id := ConsultationWorkflowID(in.ConsultationID)

	op := r.c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                r.queue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes:    StartSearchAttributes(TypeEmailAdvice, in.DoctorID),
	}, EmailAdviceWorkflowType, in)
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
	if err := upd.Get(r.ctx, &checkout); err != nil || checkout.CheckoutURL == "" {
		r.t.Fatalf("checkout = %+v, %v", checkout, err)
	}
	r.signal(id, SignalPaymentUpdate, PaymentUpdate{PaymentID: checkout.PaymentID, Status: PaymentPaid})
	r.signal(id, SignalIntakeSubmitted, IntakeSubmitted{SubmittedAt: time.Now().UTC()})
	r.waitFor(id, func(st ConsultationState) bool { return st.Status == StatusAwaitingAdvice })
	decide(r, id)
	return id
}

func (r *recorder) signal(id, name string, arg any) {
	if err := r.c.SignalWorkflow(r.ctx, id, "", name, arg); err != nil {
		r.t.Fatalf("signal %s: %v", name, err)
	}
}

func (r *recorder) update(id, name string, arg any) {
	h, err := r.c.UpdateWorkflow(r.ctx, client.UpdateWorkflowOptions{
		WorkflowID:   id,
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(r.ctx, nil)
	}
	if err != nil {
		r.t.Fatalf("update %s: %v", name, err)
	}
}

// waitFor polls the state query until ok holds.
func (r *recorder) waitFor(id string, ok func(ConsultationState) bool) {
	for {
		v, err := r.c.QueryWorkflow(r.ctx, id, "", QueryState)
		if err == nil {
			var st ConsultationState
			if err := v.Get(&st); err != nil {
				r.t.Fatalf("decode state: %v", err)
			}
			if ok(st) {
				return
			}
		}
		select {
		case <-r.ctx.Done():
			r.t.Fatalf("workflow %s: condition never met (last query error: %v)", id, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// write waits for the workflow to end in status want and writes its history
// to testdata/name.
func (r *recorder) write(id, name string, want Status) {
	run := r.c.GetWorkflow(r.ctx, id, "")
	var final ConsultationState
	if err := run.Get(r.ctx, &final); err != nil {
		r.t.Fatalf("workflow: %v", err)
	}
	if final.Status != want {
		r.t.Fatalf("final state = %+v, want %s", final, want)
	}
	hist := &historypb.History{}
	iter := r.c.GetWorkflowHistory(r.ctx, id, run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			r.t.Fatalf("read history: %v", err)
		}
		hist.Events = append(hist.Events, ev)
	}
	data, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(hist)
	if err != nil {
		r.t.Fatalf("marshal history: %v", err)
	}
	path := filepath.Join("testdata", name)
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.t.Logf("wrote %s: %d events of %s", path, len(hist.Events), id)
}

// addSearchAttributes registers the consultation search attributes in the
// namespace unless they are there.
func addSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for name, typ := range SearchAttributeTypes() {
		if _, ok := have.GetCustomAttributes()[name]; !ok {
			missing[name] = typ
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if _, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: missing,
	}); err != nil {
		return fmt.Errorf("add search attributes: %w", err)
	}
	return nil
}

// registerRecordingFakes registers trivial activities under the stub names;
// JoinWalkInQueue really sends the join with update-with-start through c.
func registerRecordingFakes(w worker.Worker, c client.Client) {
	reg := func(fn any, name string) { w.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name}) }
	reg(func(_ context.Context, in CreatePaymentInput) (CreatePaymentResult, error) {
		return CreatePaymentResult{PaymentID: "tr_record", CheckoutURL: "https://pay.test/tr_record"}, nil
	}, ActivityCreatePayment)
	reg(func(_ context.Context, in PaymentRefInput) (PaymentStatusResult, error) {
		// The walk-in recordings' payments and those marked -paid- are paid
		// (their signals are confirmed with "Mollie").
		if strings.Contains(in.ConsultationID, "walkin") || strings.Contains(in.ConsultationID, "-paid-") {
			return PaymentStatusResult{Status: PaymentPaid}, nil
		}
		return PaymentStatusResult{Status: PaymentOpen}, nil
	}, ActivityGetPaymentStatus)
	reg(func(_ context.Context, in PaymentRefInput) (PaymentStatusResult, error) {
		// The late-payment path needs a payment Mollie could not cancel.
		if strings.Contains(in.ConsultationID, "late") {
			return PaymentStatusResult{Status: PaymentOpen}, nil
		}
		return PaymentStatusResult{Status: PaymentCanceled}, nil
	}, ActivityCancelPayment)
	reg(func(context.Context, IssueRefundInput) (IssueRefundResult, error) {
		return IssueRefundResult{RefundID: "re_record", Status: RefundPending}, nil
	}, ActivityIssueRefund)
	reg(func(_ context.Context, in RefundRefInput) (RefundStatusResult, error) {
		// The walk-in recordings settle their refunds at the first look.
		if strings.Contains(in.ConsultationID, "walkin") {
			return RefundStatusResult{Status: RefundRefunded}, nil
		}
		return RefundStatusResult{Status: RefundPending}, nil
	}, ActivityGetRefundStatus)
	reg(func(context.Context, SendEmailInput) error { return nil }, ActivitySendEmail)
	reg(func(context.Context, IssueInvoiceInput) (IssueInvoiceResult, error) {
		return IssueInvoiceResult{InvoiceID: "inv-record", Number: "REC-0001"}, nil
	}, ActivityIssueInvoice)
	reg(func(context.Context, RecordTransitionInput) error { return nil }, ActivityRecordTransition)
	reg(func(context.Context, DeliverAdviceInput) error { return nil }, ActivityDeliverAdvice)
	reg(func(context.Context, AlertSupportInput) error { return nil }, ActivityAlertSupport)
	reg(func(context.Context, MarkInvoicePaidInput) error { return nil }, ActivityMarkInvoicePaid)
	registerWalkInRecordingFakes(reg, c)
	registerWaitlistRecordingFakes(reg)
}
