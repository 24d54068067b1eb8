package workflows

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

const (
	testConsultation = "c-123"
	testPayment      = "tr_test"
	testRefund       = "re_test"
)

// call is one activity attempt the workflow made.
type call struct {
	Name  string
	At    time.Time
	Input any
	// Local: run as a local activity (in the workflow task that asked).
	Local bool
}

// harness runs EmailAdviceWorkflow in the test environment with time
// skipping. Every activity stub is registered under its name with a fake;
// tests override single activities with env.OnActivity(name, …). Every
// attempt is recorded with its input and the environment's clock.
type harness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment
	ams *time.Location

	mu    sync.Mutex
	calls []call

	// Fake behaviour.
	pollStatus   PaymentStatus // GetPaymentStatus
	cancelStatus PaymentStatus // CancelPayment
	refundIssued RefundStatus  // IssueRefund
	refundPolled RefundStatus  // GetRefundStatus
	// walkInJoin is what JoinWalkInQueue answers.
	walkInJoin JoinWalkInQueueResult
}

func newHarness(t *testing.T, start time.Time) *harness {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(testLogger(t))
	h := &harness{
		t:            t,
		env:          suite.NewTestWorkflowEnvironment(),
		ams:          mustZone(t, "Europe/Amsterdam"),
		pollStatus:   PaymentOpen,
		cancelStatus: PaymentCanceled,
		refundIssued: RefundPending,
		refundPolled: RefundRefunded,
	}
	h.env.SetStartTime(start)
	h.env.SetTestTimeout(30 * time.Second)
	h.env.RegisterWorkflowWithOptions(EmailAdviceWorkflow, workflow.RegisterOptions{Name: EmailAdviceWorkflowType})
	h.env.RegisterWorkflowWithOptions(AppointmentWorkflow, workflow.RegisterOptions{Name: AppointmentWorkflowType})
	h.env.RegisterWorkflowWithOptions(WalkInWorkflow, workflow.RegisterOptions{Name: WalkInWorkflowType})
	h.walkInJoin = JoinWalkInQueueResult{Joined: true, Position: WalkInPosition{Place: PlaceWaiting, Position: 1}}

	reg := func(fn any, name string) {
		h.env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	reg(func(context.Context, CreatePaymentInput) (CreatePaymentResult, error) {
		return CreatePaymentResult{PaymentID: testPayment, CheckoutURL: "https://pay.test/" + testPayment}, nil
	}, ActivityCreatePayment)
	reg(func(context.Context, PaymentRefInput) (PaymentStatusResult, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		return PaymentStatusResult{Status: h.pollStatus}, nil
	}, ActivityGetPaymentStatus)
	reg(func(context.Context, PaymentRefInput) (PaymentStatusResult, error) {
		return PaymentStatusResult{Status: h.cancelStatus}, nil
	}, ActivityCancelPayment)
	reg(func(context.Context, IssueRefundInput) (IssueRefundResult, error) {
		return IssueRefundResult{RefundID: testRefund, Status: h.refundIssued}, nil
	}, ActivityIssueRefund)
	reg(func(context.Context, RefundRefInput) (RefundStatusResult, error) {
		return RefundStatusResult{Status: h.refundPolled}, nil
	}, ActivityGetRefundStatus)
	reg(func(context.Context, SendEmailInput) error { return nil }, ActivitySendEmail)
	reg(func(context.Context, IssueInvoiceInput) (IssueInvoiceResult, error) {
		return IssueInvoiceResult{InvoiceID: "inv-1", Number: "DR1-2026-0001"}, nil
	}, ActivityIssueInvoice)
	reg(func(context.Context, RecordTransitionInput) error { return nil }, ActivityRecordTransition)
	reg(func(context.Context, DeliverAdviceInput) error { return nil }, ActivityDeliverAdvice)
	reg(func(context.Context, AlertSupportInput) error { return nil }, ActivityAlertSupport)
	reg(func(context.Context, MarkInvoicePaidInput) error { return nil }, ActivityMarkInvoicePaid)
	reg(func(_ context.Context, in IssueCreditNoteInput) (IssueCreditNoteResult, error) {
		return IssueCreditNoteResult{Issued: true, Number: "D2G-CN-000001"}, nil
	}, ActivityIssueCreditNote)
	reg(func(context.Context, JoinWalkInQueueInput) (JoinWalkInQueueResult, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.walkInJoin, nil
	}, ActivityJoinWalkInQueue)
	reg(func(context.Context, RecordWalkInSessionInput) error { return nil }, ActivityRecordWalkInSession)
	reg(func(context.Context, OfferFreedSlotInput) (OfferFreedSlotResult, error) {
		return OfferFreedSlotResult{Started: true}, nil
	}, ActivityOfferFreedSlot)

	h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, args converter.EncodedValues) {
		h.record(info.ActivityType.Name, args)
	})
	// Local activities (the create path) are recorded like the others: a
	// pointer to a copy of their input.
	h.env.SetOnLocalActivityStartedListener(func(info *activity.Info, _ context.Context, args []any) {
		if len(args) != 1 {
			h.t.Errorf("local activity %s with %d arguments", info.ActivityType.Name, len(args))
			return
		}
		in := reflect.New(reflect.TypeOf(args[0]))
		in.Elem().Set(reflect.ValueOf(args[0]))
		h.mu.Lock()
		defer h.mu.Unlock()
		h.calls = append(h.calls, call{Name: info.ActivityType.Name, At: h.env.Now(), Input: in.Interface(), Local: true})
	})
	return h
}

// record decodes and stores an activity attempt.
func (h *harness) record(name string, args converter.EncodedValues) {
	var in any
	switch name {
	case ActivityCreatePayment:
		in = new(CreatePaymentInput)
	case ActivityGetPaymentStatus, ActivityCancelPayment:
		in = new(PaymentRefInput)
	case ActivityIssueRefund:
		in = new(IssueRefundInput)
	case ActivityGetRefundStatus:
		in = new(RefundRefInput)
	case ActivitySendEmail:
		in = new(SendEmailInput)
	case ActivityIssueInvoice:
		in = new(IssueInvoiceInput)
	case ActivityRecordTransition:
		in = new(RecordTransitionInput)
	case ActivityDeliverAdvice:
		in = new(DeliverAdviceInput)
	case ActivityAlertSupport:
		in = new(AlertSupportInput)
	case ActivityMarkInvoicePaid:
		in = new(MarkInvoicePaidInput)
	case ActivityIssueCreditNote:
		in = new(IssueCreditNoteInput)
	case ActivityJoinWalkInQueue:
		in = new(JoinWalkInQueueInput)
	case ActivityRecordWalkInSession:
		in = new(RecordWalkInSessionInput)
	case ActivityOfferFreedSlot:
		in = new(OfferFreedSlotInput)
	default:
		h.t.Errorf("unexpected activity %s", name)
		return
	}
	if err := args.Get(in); err != nil {
		h.t.Errorf("decode %s input: %v", name, err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, call{Name: name, At: h.env.Now(), Input: in})
}

// input builds a valid workflow input; change fields as needed.
func testInput() EmailAdviceInput {
	return EmailAdviceInput{
		ConsultationID: testConsultation,
		DoctorID:       "d-7",
		AmountCents:    4500,
		FormKind:       FormShort,
		SLADays:        1,
		DoctorTimeZone: "Europe/Amsterdam",
		Language:       "nl",
	}
}

// at returns a local Amsterdam time.
func (h *harness) at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, h.ams)
}

// after schedules fn at start+d.
func (h *harness) after(d time.Duration, fn func()) { h.env.RegisterDelayedCallback(fn, d) }

// signalPayment sends, at start+d, the payment-update signal the API sends
// after a webhook: Mollie now reports status for the test payment (the fake
// GetPaymentStatus returns it from then on).
func (h *harness) signalPayment(d time.Duration, id string, status PaymentStatus) {
	h.after(d, func() {
		if id == testPayment {
			h.setPollStatus(status)
		}
		h.env.SignalWorkflow(SignalPaymentUpdate, PaymentUpdate{PaymentID: id, Status: status})
	})
}

// forgePayment sends, at start+d, a payment-update signal that Mollie does
// not back up (sent by hand through Temporal): GetPaymentStatus keeps
// answering what it did.
func (h *harness) forgePayment(d time.Duration, status PaymentStatus) {
	h.after(d, func() {
		h.env.SignalWorkflow(SignalPaymentUpdate, PaymentUpdate{PaymentID: testPayment, Status: status})
	})
}

func (h *harness) setPollStatus(s PaymentStatus) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pollStatus = s
}

func (h *harness) signalIntake(d time.Duration) {
	h.after(d, func() { h.env.SignalWorkflow(SignalIntakeSubmitted, IntakeSubmitted{SubmittedAt: h.env.Now()}) })
}

// updateResult is the outcome of one update.
type updateResult struct {
	Accepted  bool
	RejectErr error
	Done      bool
	Value     any
	Err       error
}

// update sends an update at start+d; the returned result is filled in as the
// update progresses.
func (h *harness) update(d time.Duration, name string, arg ...any) *updateResult {
	res := &updateResult{}
	h.after(d, func() {
		h.env.UpdateWorkflow(name, name+"-"+h.env.Now().Format(time.RFC3339), &testsuite.TestUpdateCallback{
			OnAccept:   func() { res.Accepted = true },
			OnReject:   func(err error) { res.RejectErr = err },
			OnComplete: func(v any, err error) { res.Done, res.Value, res.Err = true, v, err },
		}, arg...)
	})
	return res
}

// query reads the state at start+d into the returned struct.
func (h *harness) query(d time.Duration) *ConsultationState {
	st := &ConsultationState{}
	h.after(d, func() {
		v, err := h.env.QueryWorkflow(QueryState)
		if err != nil {
			h.t.Errorf("query at %s: %v", h.env.Now(), err)
			return
		}
		if err := v.Get(st); err != nil {
			h.t.Errorf("decode state: %v", err)
		}
	})
	return st
}

// run executes the workflow and returns its result.
func (h *harness) run(in EmailAdviceInput) ConsultationState {
	h.t.Helper()
	h.env.ExecuteWorkflow(EmailAdviceWorkflowType, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	var st ConsultationState
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	h.env.AssertExpectations(h.t)
	return st
}

// runAppointment executes AppointmentWorkflow and returns its result.
func (h *harness) runAppointment(in AppointmentInput) ConsultationState {
	h.t.Helper()
	h.env.ExecuteWorkflow(AppointmentWorkflowType, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	var st ConsultationState
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	h.env.AssertExpectations(h.t)
	return st
}

// callsTo returns the recorded attempts of one activity.
func (h *harness) callsTo(name string) []call {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []call
	for _, c := range h.calls {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// statuses returns the statuses recorded by RecordTransition, in order.
func (h *harness) statuses() []Status {
	var out []Status
	for _, c := range h.callsTo(ActivityRecordTransition) {
		out = append(out, c.Input.(*RecordTransitionInput).Status)
	}
	return out
}

// emails returns the emails sent, with their send times.
func (h *harness) emails() []call { return h.callsTo(ActivitySendEmail) }

// emailAt returns when the email with the given template and recipient was
// sent; it fails the test unless exactly one was.
func (h *harness) emailAt(tpl Template, to Recipient) time.Time {
	h.t.Helper()
	var found []time.Time
	for _, c := range h.emails() {
		in := c.Input.(*SendEmailInput)
		if in.Template == tpl && in.Recipient == to {
			found = append(found, c.At)
		}
	}
	if len(found) != 1 {
		h.t.Errorf("%s to %s sent %d times, want once", tpl, to, len(found))
		return time.Time{}
	}
	return found[0]
}

// sent counts the emails with the given template.
func (h *harness) sent(tpl Template) int {
	n := 0
	for _, c := range h.emails() {
		if c.Input.(*SendEmailInput).Template == tpl {
			n++
		}
	}
	return n
}

// appErrType returns the type of the application error in err's chain.
func appErrType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return ""
}

func assertStatuses(t *testing.T, got []Status, want ...Status) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("transitions %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("transitions %v, want %v", got, want)
		}
	}
}

func assertTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s at %s, want %s", what, got.In(want.Location()).Format(time.RFC3339), want.Format(time.RFC3339))
	}
}

// temporalNonRetryable is a permanent activity failure.
func temporalNonRetryable(msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, "Permanent", nil)
}

// testLogger sends the workflow's log (info and above) to the test log, shown
// for failing tests and with -v.
func testLogger(t *testing.T) tlog.Logger {
	return tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo})))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
