package workflows

import (
	"go.temporal.io/sdk/workflow"
)

func (w *appointment) validatePatientJoined(ctx workflow.Context) error {
	const op = "checking in"
	if err := w.requireType(op, TypeVideo); err != nil {
		return err
	}
	if w.st.Status != StatusScheduled && w.st.Status != StatusWaiting {
		return invalidState(op, w.st.Status)
	}
	now, opens, end := workflow.Now(ctx), *w.st.WaitingRoomOpensAt, w.expectedEnd()
	if now.Before(opens) || now.After(end) {
		return outsideWindow(op, opens, end)
	}
	return nil
}

func (w *appointment) patientJoined(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validatePatientJoined(ctx); err != nil {
		return ConsultationState{}, err
	}
	if w.st.Status == StatusWaiting {
		return w.st, nil // back after a lost connection
	}
	now := workflow.Now(ctx).UTC()
	w.st.PatientJoinedAt = &now
	w.setStatus(StatusWaiting, "")
	w.change(ctx)
	return w.st, nil
}

func (w *appointment) validateStartSession(workflow.Context) error {
	const op = "starting the session"
	if err := w.requireType(op, TypeVideo); err != nil {
		return err
	}
	if w.st.Status != StatusWaiting {
		return invalidState(op, w.st.Status)
	}
	return nil
}

func (w *appointment) startSession(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateStartSession(ctx); err != nil {
		return ConsultationState{}, err
	}
	w.beginSession(ctx)
	w.change(ctx)
	return w.st, nil
}

func (w *appointment) validateEndSession(workflow.Context) error {
	const op = "ending the session"
	if err := w.requireType(op, TypeVideo); err != nil {
		return err
	}
	return w.validateSessionEnd()
}

func (w *appointment) endSession(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateEndSession(ctx); err != nil {
		return ConsultationState{}, err
	}
	w.endSessionNow(ctx)
	w.change(ctx)
	return w.st, nil
}
