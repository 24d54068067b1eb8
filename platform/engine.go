package platform

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"derma2go/api"
	"derma2go/config"
	"derma2go/domain"
	"derma2go/workflows"
)

// engine implements api.Engine with the Temporal client: it starts,
// signals and updates consultation workflows.
type engine struct {
	c           client.Client
	paymentHold time.Duration
	reviewDelay time.Duration
	noShowGrace time.Duration
	// walkInAnswer is the answer window of the walk-in queues the
	// consultations start.
	walkInAnswer time.Duration
	// callTimeout bounds every call to Temporal (0: defaultCallTimeout).
	callTimeout time.Duration
}

// defaultCallTimeout bounds a call to Temporal when none is configured.
const defaultCallTimeout = 10 * time.Second

// bound gives a call to Temporal its deadline: a frontend that does not
// answer, or a workflow whose worker or database is down, ends the call
// with api.ErrUnavailable instead of holding the request open.
func (e *engine) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	d := e.callTimeout
	if d <= 0 {
		d = defaultCallTimeout
	}
	return context.WithTimeout(ctx, d)
}

// unavailable marks err as api.ErrUnavailable when the call ran out of time
// or Temporal could not be reached; other errors come back as they are.
func unavailable(ctx context.Context, err error) error {
	if err != nil && (ctx.Err() != nil || outage(err)) {
		return fmt.Errorf("%w: %w", api.ErrUnavailable, err)
	}
	return err
}

// outage reports whether err is Temporal (or the way to it) being away or
// overloaded rather than a refusal of the call: a deadline, a cancellation,
// the server unavailable (its persistence down too) or out of resources, no
// worker polling, or the namespace not found — which a server restarted on
// PostgreSQL answers until it has loaded its namespaces again (a wrong
// TEMPORAL_NAMESPACE then also answers 503, its error in the log, rather
// than 500). The errors of an update-with-start
// come inside a MultiOperationExecution, which does not unwrap: each is
// looked at.
func outage(err error) bool {
	var unavail *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	var canceled *serviceerror.Canceled
	var exhausted *serviceerror.ResourceExhausted
	var noNamespace *serviceerror.NamespaceNotFound
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.As(err, &unavail) ||
		errors.As(err, &deadline) || errors.As(err, &canceled) || errors.As(err, &exhausted) ||
		errors.As(err, &noNamespace) || noWorker(err) {
		return true
	}
	var multi *serviceerror.MultiOperationExecution
	if errors.As(err, &multi) {
		for _, op := range multi.OperationErrors() {
			if op != nil && outage(op) {
				return true
			}
		}
	}
	return false
}

// noWorker reports whether err is Temporal refusing a query because no
// worker polls the task queue ("no poller seen for task queue recently,
// worker may be down"): the workers are down, as when make chaos kills
// them, which is a dependency down and not a refusal of the request.
func noWorker(err error) bool {
	var precondition *serviceerror.FailedPrecondition
	return errors.As(err, &precondition) && strings.Contains(strings.ToLower(precondition.Message), "no poller seen")
}

var _ api.Engine = (*engine)(nil)

// NewEngine returns the api.Engine over a Temporal client, with the
// durations of cfg the workflows are started with.
func NewEngine(c client.Client, cfg config.Config) api.Engine {
	return &engine{c: c, paymentHold: cfg.PaymentHold, reviewDelay: cfg.ReviewDelay, noShowGrace: cfg.NoShowGrace,
		walkInAnswer: cfg.WalkInAnswerWindow, callTimeout: cfg.TemporalCallTimeout}
}

// StartEmailAdvice starts the workflow and, in the same call, sends the
// checkout Update, which returns once the payment exists.
func (e *engine) StartEmailAdvice(ctx context.Context, in api.EmailAdviceStart) (string, error) {
	id := workflows.ConsultationWorkflowID(in.ConsultationID.String())
	start := e.c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.ConsultationTypeKey.ValueSet(string(workflows.TypeEmailAdvice)),
			workflows.DoctorIDKey.ValueSet(in.DoctorID.String()),
			workflows.ConsultationStatusKey.ValueSet(string(workflows.StatusAwaitingPayment)),
		),
	}, workflows.EmailAdviceWorkflowType, workflows.EmailAdviceInput{
		ConsultationID: in.ConsultationID.String(), DoctorID: in.DoctorID.String(), AmountCents: in.AmountCents,
		FormKind: workflows.FormKind(in.FormKind), SLADays: in.SLADays, DoctorTimeZone: in.TimeZone,
		Language: in.Language, PaymentHold: e.paymentHold, ReviewDelay: e.reviewDelay,
	})
	return e.startWithCheckout(ctx, id, start)
}

// PaymentChanged signals the payment status fetched from Mollie.
func (e *engine) PaymentChanged(ctx context.Context, id uuid.UUID, paymentID, status string) error {
	return e.signal(ctx, id, workflows.SignalPaymentUpdate,
		workflows.PaymentUpdate{PaymentID: paymentID, Status: workflows.PaymentStatus(status)})
}

// RefundChanged signals a refund status fetched from Mollie.
func (e *engine) RefundChanged(ctx context.Context, id uuid.UUID, refundID, status string) error {
	return e.signal(ctx, id, workflows.SignalRefundUpdate,
		workflows.RefundUpdate{RefundID: refundID, Status: workflows.RefundStatus(status)})
}

// SubmitIntake signals that the form is stored. A signal is durable even
// while no worker runs; the workflow takes the first and ignores repeats.
func (e *engine) SubmitIntake(ctx context.Context, id uuid.UUID) error {
	return e.signal(ctx, id, workflows.SignalIntakeSubmitted, workflows.IntakeSubmitted{SubmittedAt: time.Now().UTC()})
}

// State queries the workflow's live state; a workflow that does not exist
// (any more) is api.ErrRejected.
func (e *engine) State(ctx context.Context, id uuid.UUID) (workflows.ConsultationState, error) {
	ctx, cancel := e.bound(ctx)
	defer cancel()
	var st workflows.ConsultationState
	v, err := e.c.QueryWorkflow(ctx, workflows.ConsultationWorkflowID(id.String()), "", workflows.QueryState)
	if err == nil {
		err = v.Get(&st)
	}
	if err != nil {
		return st, rejected(workflows.QueryState, id, unavailable(ctx, err))
	}
	return st, nil
}

// signal sends a signal; a workflow that has already ended needs none, so
// that is not an error.
func (e *engine) signal(ctx context.Context, id uuid.UUID, name string, arg any) error {
	ctx, cancel := e.bound(ctx)
	defer cancel()
	err := unavailable(ctx, e.c.SignalWorkflow(ctx, workflows.ConsultationWorkflowID(id.String()), "", name, arg))
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("engine: signal %s to %s: %w", name, id, err)
	}
	return nil
}

// AnswerAdvice sends the answer-advice Update with an id derived from the
// advice id: a repeat is deduplicated by the server and accepted again by
// the workflow.
func (e *engine) AnswerAdvice(ctx context.Context, id, adviceID uuid.UUID) error {
	_, err := e.update(ctx, id, workflows.UpdateAnswerAdvice, "advice/"+adviceID.String(),
		workflows.AnswerAdviceInput{AdviceID: adviceID.String()})
	return err
}

// Decline sends the decline Update.
func (e *engine) Decline(ctx context.Context, id uuid.UUID, reason domain.DeclineReason) error {
	_, err := e.Update(ctx, id, workflows.UpdateDecline, workflows.DeclineInput{Reason: reason})
	return err
}

// StartAppointment starts an appointment workflow. Video goes through the
// checkout Update like email advice; in-person is paid afterwards, so the
// workflow is only started.
func (e *engine) StartAppointment(ctx context.Context, in api.AppointmentStart) (string, error) {
	id := workflows.ConsultationWorkflowID(in.ConsultationID.String())
	typ := workflows.ConsultationType(in.Type)
	opts := client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.ConsultationTypeKey.ValueSet(in.Type),
			workflows.DoctorIDKey.ValueSet(in.DoctorID.String()),
			workflows.ConsultationStatusKey.ValueSet(string(workflows.InitialStatus(typ))),
			workflows.ScheduledStartKey.ValueSet(in.Start),
		),
	}
	input := workflows.AppointmentInput{
		ConsultationID: in.ConsultationID.String(), DoctorID: in.DoctorID.String(), Type: typ,
		AmountCents: in.AmountCents, AdminFeeCents: in.AdminFeeCents, Start: in.Start, End: in.End,
		DoctorTimeZone: in.TimeZone, Language: in.Language, PaymentHold: e.paymentHold, ReviewDelay: e.reviewDelay,
		NoShowMarkGrace: e.noShowGrace,
	}
	if typ != workflows.TypeVideo {
		ctx, cancel := e.bound(ctx)
		defer cancel()
		if _, err := e.c.ExecuteWorkflow(ctx, opts, workflows.AppointmentWorkflowType, input); err != nil {
			err = unavailable(ctx, err)
			return "", fmt.Errorf("engine: start %s: %w", id, err)
		}
		return "", nil
	}
	return e.startWithCheckout(ctx, id, e.c.NewWithStartWorkflowOperation(opts, workflows.AppointmentWorkflowType, input))
}

// startWithCheckout starts a workflow and, in the same call, sends the
// checkout Update, which returns once the payment exists.
func (e *engine) startWithCheckout(ctx context.Context, id string, start client.WithStartWorkflowOperation) (string, error) {
	ctx, cancel := e.bound(ctx)
	defer cancel()
	handle, err := e.c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName:   workflows.UpdateCheckout,
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		return "", fmt.Errorf("engine: start %s: %w", id, unavailable(ctx, err))
	}
	var res workflows.CheckoutResult
	if err := handle.Get(ctx, &res); err != nil {
		return "", fmt.Errorf("engine: checkout of %s: %w", id, unavailable(ctx, err))
	}
	if res.CheckoutURL == "" {
		return "", fmt.Errorf("engine: %s has no checkout (status %s)", id, res.Status)
	}
	return res.CheckoutURL, nil
}

// Update sends a named Update and returns the state after it.
func (e *engine) Update(ctx context.Context, id uuid.UUID, name string, arg any) (workflows.ConsultationState, error) {
	return e.update(ctx, id, name, "", arg)
}

// update sends a named Update with an update id ("" for a new one each time).
func (e *engine) update(ctx context.Context, id uuid.UUID, name, updateID string, arg any) (workflows.ConsultationState, error) {
	ctx, cancel := e.bound(ctx)
	defer cancel()
	var st workflows.ConsultationState
	opts := client.UpdateWorkflowOptions{
		WorkflowID: workflows.ConsultationWorkflowID(id.String()), UpdateName: name, UpdateID: updateID,
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}
	if arg != nil {
		opts.Args = []any{arg}
	}
	handle, err := e.c.UpdateWorkflow(ctx, opts)
	if err == nil {
		err = handle.Get(ctx, &st)
	}
	return st, rejected(name, id, unavailable(ctx, err))
}

// rejected maps a validator's refusal, or a workflow that has ended, onto
// api.ErrRejected.
func rejected(name string, id uuid.UUID, err error) error {
	var appErr *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	switch {
	case err == nil:
		return nil
	case errors.As(err, &appErr) && (appErr.Type() == workflows.ErrTypeInvalidState || appErr.Type() == workflows.ErrTypeInvalidInput):
		return fmt.Errorf("%w: %s", api.ErrRejected, appErr.Message())
	case errors.As(err, &notFound):
		return fmt.Errorf("%w: the consultation has ended", api.ErrRejected)
	default:
		return fmt.Errorf("engine: update %s of %s: %w", name, id, err)
	}
}

// DeliverPrescription emails a prescription through a small workflow of its
// own (the consultation's workflow may have ended): the SendEmail activity
// retries until the mail is out, once.
func (e *engine) DeliverPrescription(ctx context.Context, consultationID, prescriptionID uuid.UUID) error {
	in := workflows.SendEmailInput{
		ConsultationID: consultationID.String(), Template: workflows.TemplatePrescriptionIssued,
		Recipient: workflows.RecipientPatient, DocumentID: prescriptionID.String(),
		DedupKey: workflows.ConsultationWorkflowID(consultationID.String()) + "/email/prescription_issued/patient/" + prescriptionID.String(),
	}
	ctx, cancel := e.bound(ctx)
	defer cancel()
	_, err := e.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: "prescription/" + prescriptionID.String(), TaskQueue: workflows.TaskQueue,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.DeliverEmailWorkflowType, in)
	if err != nil {
		err = unavailable(ctx, err)
		return fmt.Errorf("engine: deliver prescription %s: %w", prescriptionID, err)
	}
	return nil
}
