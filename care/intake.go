package care

import (
	"bytes"
	"context"
	"fmt"

	"derma2go/db"
	"derma2go/domain"
)

// IntakeForm is the form kind the consultation takes.
func IntakeForm(row db.Consultation) domain.FormKind {
	return domain.IntakeForm(domain.ConsultationType(row.ConsultationType), domain.FormKind(row.AdviceForm.String))
}

// SubmitIntake stores the patient's form (answers: validated, canonical
// JSON) and, for email advice, tells the workflow. It may be repeated after
// any failure: the same answers are stored once and the workflow is told
// again (it takes the first and ignores repeats); different answers are
// refused once a form is stored.
//
// Statuses only move forward, so a Postgres row that is past payment is a
// safe lower bound: the form is taken from awaiting_intake on (a workflow
// already past that ignores the signal), and only a row still at
// awaiting_payment is asked from the workflow. Telling the workflow is a
// signal, so the form is accepted even while no worker runs.
//
// withForm, when not nil, runs once the form is stored and before the
// workflow is told (the patient's name and date of birth given with it,
// which the invoice the workflow then mails prints); it must be as safe
// to repeat as the form.
func (s *Service) SubmitIntake(ctx context.Context, row db.Consultation, answers []byte, withForm func(context.Context) error) error {
	typ := domain.ConsultationType(row.ConsultationType)
	status := domain.Status(row.Status)
	if !status.Final() && (typ != domain.TypeEmailAdvice || status == domain.StatusAwaitingPayment) {
		live, err := s.LiveStatus(ctx, row)
		if err != nil {
			return err
		}
		status = live
	}
	if !domain.IntakeOpen(typ, status) && !(typ == domain.TypeEmailAdvice && intakeTakenBy(status)) {
		return refuse(NotNow, "The form can be sent after payment and before the consultation; this consultation is %s.", status)
	}
	stored, err := s.storeIntake(ctx, row, IntakeForm(row), answers)
	if err != nil {
		return err
	}
	if !stored {
		return refuse(SentAlready, "The form was sent already.")
	}
	if withForm != nil {
		if err := withForm(ctx); err != nil {
			return fmt.Errorf("care: store with the form: %w", err)
		}
	}
	if typ != domain.TypeEmailAdvice {
		return nil
	}
	if err := s.Engine.SubmitIntake(ctx, row.ID); err != nil {
		return fmt.Errorf("care: tell the workflow the form is in: %w", err)
	}
	return nil
}

// intakeTakenBy reports whether an email-advice consultation in status s has
// taken its form (a repeat of the same form is answered as accepted).
func intakeTakenBy(s domain.Status) bool {
	return s == domain.StatusAwaitingAdvice || s == domain.StatusAnswered
}

// storeIntake stores answers unless answers are stored already; it reports
// false if the stored ones differ.
func (s *Service) storeIntake(ctx context.Context, row db.Consultation, kind domain.FormKind, answers []byte) (bool, error) {
	enc, err := s.Fields.Encrypt(db.FieldIntake, answers)
	if err != nil {
		return false, fmt.Errorf("care: encrypt intake: %w", err)
	}
	params := db.CreateIntakeParams{ConsultationID: row.ID, FormKind: string(kind), AnswersEnc: enc}
	created, err := s.Store.CreateIntake(ctx, params)
	if err != nil {
		return false, fmt.Errorf("care: store intake: %w", err)
	}
	if created {
		return true, nil
	}
	existing, err := s.Store.Intake(ctx, row.ID)
	if err != nil {
		return false, fmt.Errorf("care: read intake: %w", err)
	}
	plain, err := s.Fields.Decrypt(db.FieldIntake, existing.AnswersEnc)
	if err != nil {
		return false, fmt.Errorf("care: decrypt intake: %w", err)
	}
	return existing.FormKind == string(kind) && bytes.Equal(plain, answers), nil
}
