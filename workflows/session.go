package workflows

import "go.temporal.io/sdk/workflow"

// The video session part shared by video appointments and walk-ins: who
// starts it differs (the doctor admits a waiting video patient; a called
// walk-in patient answers), the session itself does not. The callers
// project the status (record) themselves.

// validateSessionEnd is the rule of ending a session: only while in
// session.
func (c *consultation) validateSessionEnd() error {
	if c.st.Status != StatusInSession {
		return invalidState("ending the session", c.st.Status)
	}
	return nil
}

// beginSession starts the session now (→ in_session).
func (c *consultation) beginSession(ctx workflow.Context) {
	now := workflow.Now(ctx).UTC()
	c.st.SessionStartedAt = &now
	c.setStatus(StatusInSession, "")
}

// endSessionNow ends the session now (→ completed): the review request
// and, for a walk-in, the measured length follow.
func (c *consultation) endSessionNow(ctx workflow.Context) {
	now := workflow.Now(ctx).UTC()
	c.st.SessionEndedAt, c.st.CompletedAt = &now, &now
	c.setStatus(StatusCompleted, "")
}
