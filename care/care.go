// Package care holds the consultation use cases between the HTTP handlers
// and the store and workflow engine: submit the intake form, add a photo,
// answer advice, decline, act on an appointment, issue a prescription. Each
// asks the workflow (the one judge of "may this happen now") through its
// live state or an Update validator, stores what Postgres keeps, and tells
// the workflow in a step that may be repeated end to end: a retry after any
// failure stores nothing twice and tells the workflow again, and the
// workflow takes a repeat as the same fact. Handlers decode, authorize, call
// and encode; a Refusal becomes a 409 (or 422) problem.
package care

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/secure"
	"derma2go/workflows"
)

// ErrRejected is returned by an Engine when the workflow refuses an update
// in its current state (or has ended).
var ErrRejected = errors.New("rejected by the consultation workflow")

// Engine is the part of the workflow engine the use cases need.
type Engine interface {
	// State queries the workflow's live state.
	State(ctx context.Context, consultationID uuid.UUID) (workflows.ConsultationState, error)
	// SubmitIntake tells the workflow, durably (even while no worker
	// runs), that the form is stored; safe to repeat: the workflow takes
	// the first while awaiting intake and ignores the others.
	SubmitIntake(ctx context.Context, consultationID uuid.UUID) error
	// AnswerAdvice asks the workflow to accept stored advice; repeating it
	// with the same advice id is safe. ErrRejected if it may not.
	AnswerAdvice(ctx context.Context, consultationID, adviceID uuid.UUID) error
	// Decline asks the workflow to decline; ErrRejected if it may not.
	Decline(ctx context.Context, consultationID uuid.UUID, reason domain.DeclineReason) error
	// Update sends a named Update with arg and returns the state after it;
	// ErrRejected if the workflow refuses.
	Update(ctx context.Context, consultationID uuid.UUID, name string, arg any) (workflows.ConsultationState, error)
	// DeliverPrescription emails a stored prescription's PDF to the patient, durably.
	DeliverPrescription(ctx context.Context, consultationID, prescriptionID uuid.UUID) error
}

// Store is the part of the record the use cases write.
type Store interface {
	// Intake returns the stored form; db.ErrNotFound if there is none.
	Intake(ctx context.Context, consultationID uuid.UUID) (db.ConsultationIntake, error)
	// CreateIntake stores the form unless one is stored already and
	// reports whether it did.
	CreateIntake(ctx context.Context, in db.CreateIntakeParams) (bool, error)
	// AddPhoto stores a photo unless the consultation has max photos already
	// (then ErrTooManyPhotos).
	AddPhoto(ctx context.Context, p db.CreatePhotoParams, max int) error
	// DeletePhoto removes a photo the workflow did not take.
	DeletePhoto(ctx context.Context, consultationID, photoID uuid.UUID) error
	// CreateAdvice stores a draft of the doctor's advice.
	CreateAdvice(ctx context.Context, p db.CreateAdviceParams) error
	// DeleteDraftAdvice removes a draft the workflow refused.
	DeleteDraftAdvice(ctx context.Context, adviceID uuid.UUID) error
	// CreatePrescription stores an encrypted prescription.
	CreatePrescription(ctx context.Context, p db.CreatePrescriptionParams) error
}

// ErrUnavailable means the workflow engine did not answer in time (Temporal
// down, no worker running for a query or Update): the API answers 503. The
// call may or may not have taken effect.
var ErrUnavailable = errors.New("the workflow engine did not answer in time")

// DefaultStateTimeout bounds a state query unless Service.StateTimeout is set.
const DefaultStateTimeout = 5 * time.Second

// ErrTooManyPhotos is returned by Store.AddPhoto at the photo limit.
var ErrTooManyPhotos = errors.New("care: photo limit reached")

// Service runs the use cases.
type Service struct {
	Store  Store
	Engine Engine
	Fields *secure.Fields
	// StateTimeout bounds a state query (0: DefaultStateTimeout).
	StateTimeout time.Duration
}

// Reason is why a use case said no.
type Reason int

// Reasons of a Refusal.
const (
	// NotNow: the consultation's live status does not allow it (409).
	NotNow Reason = iota + 1
	// WrongType: the action does not belong to this consultation type (409).
	WrongType
	// SentAlready: a different form was taken already (409).
	SentAlready
	// TooMany: a limit is reached (409).
	TooMany
	// NeverForType: this consultation type never allows it (422), e.g. a
	// prescription for email advice.
	NeverForType
)

// Refusal is a use case's "no": the request is well formed but does not fit
// the consultation (now).
type Refusal struct {
	Reason Reason
	// Detail is a sentence for the caller.
	Detail string
}

func (r *Refusal) Error() string { return "care: refused: " + r.Detail }

func refuse(reason Reason, format string, args ...any) error {
	return &Refusal{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// rejected turns the workflow's refusal into a Refusal with detail; other
// errors come back wrapped.
func rejected(err error, detail string, op string) error {
	if errors.Is(err, ErrRejected) {
		return refuse(NotNow, "%s", detail)
	}
	return fmt.Errorf("care: %s: %w", op, err)
}

// LiveStatus is the consultation's status as the workflow holds it. A final
// status in Postgres never changes again and is taken as it is (its
// workflow may have closed); any other is asked from the workflow, since the
// projection into Postgres lags behind. A workflow that does not answer
// within the state timeout is ErrUnavailable; one that no longer exists a
// NotNow refusal.
func (s *Service) LiveStatus(ctx context.Context, row db.Consultation) (domain.Status, error) {
	if st := domain.Status(row.Status); st.Final() {
		return st, nil
	}
	state, err := s.liveState(ctx, row)
	if errors.Is(err, ErrRejected) {
		return "", refuse(NotNow, "The consultation has ended.")
	}
	return state.Status, err
}

// liveState queries the workflow's state within the state timeout: a
// workflow that does not answer in time is ErrUnavailable, one that no
// longer exists ErrRejected.
func (s *Service) liveState(ctx context.Context, row db.Consultation) (workflows.ConsultationState, error) {
	timeout := s.StateTimeout
	if timeout == 0 {
		timeout = DefaultStateTimeout
	}
	qctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	state, err := s.Engine.State(qctx, row.ID)
	switch {
	case err == nil:
		return state, nil
	case errors.Is(err, ErrRejected):
		return state, err
	case qctx.Err() != nil && ctx.Err() == nil:
		return state, fmt.Errorf("%w: state of %s: %w", ErrUnavailable, row.ID, err)
	default:
		return state, fmt.Errorf("care: state of %s: %w", row.ID, err)
	}
}
