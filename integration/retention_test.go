package integration

import (
	"context"
	"net/http"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"derma2go/demodata"
	"derma2go/workflows"
)

// TestRetentionScheduleRemovesAnErasedRecordAfterItsRetention: the worker
// created one Temporal Schedule per retention job; triggering the
// erased-records schedule through the real Temporal server removes the
// record of an erased account whose last consultation is older than the
// retention (moved back 21 years here), users row and all, leaving the
// patient only in the audit log — and leaves a recent erased record alone.
func TestRetentionScheduleRemovesAnErasedRecordAfterItsRetention(t *testing.T) {
	ctx := context.Background()
	sc := stack.Platform.Temporal.ScheduleClient()
	for _, j := range workflows.RetentionJobs {
		d, err := sc.GetHandle(ctx, workflows.RetentionScheduleID(j.Name)).Describe(ctx)
		if err != nil {
			t.Fatalf("schedule of %s: %v", j.Name, err)
		}
		a, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction)
		if !ok || a.Workflow != workflows.RetentionWorkflowType || a.ID != workflows.RetentionWorkflowID(j.Name) {
			t.Errorf("schedule of %s starts %+v", j.Name, d.Schedule.Action)
		}
	}

	_, doctor := loginAs(t, demodata.DoctorEmail(gdprDoctorC), "doctor-demo-2026")
	erasedWithRecord := func(prefix string) (id, email, name string) {
		email, password := newEmail(prefix), "gdpr-password-6"
		name = "Olga Oudarchief " + time.Now().Format("150405.000000")
		c, s := registerVerifiedNamed(t, email, password, name)
		var created booking
		c.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": doctor.User.ID, "form": "short"}).
			expect(t, http.StatusCreated).decode(t, &created)
		res, err := http.PostForm(created.CheckoutURL, map[string][]string{"status": {"failed"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		waitConsultation(t, c, created.ID, "payment_failed")
		c.do("POST", "/v1/me/erasure", map[string]any{"password": password}).expect(t, http.StatusOK)
		return s.User.ID, email, name
	}
	oldID, oldEmail, oldName := erasedWithRecord("gdpr-old")
	recentID, _, _ := erasedWithRecord("gdpr-recent")
	if _, err := stack.Platform.Store.Pool.Exec(ctx, `UPDATE consultations SET created_at = created_at - interval '21 years',
		updated_at = updated_at - interval '21 years' WHERE patient_id = $1`, oldID); err != nil {
		t.Fatal(err)
	}

	if err := sc.GetHandle(ctx, workflows.RetentionScheduleID("erased-records")).Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the erased-records schedule to remove the old record", func() bool {
		var n int
		_ = stack.Platform.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE id = $1`, oldID).Scan(&n)
		return n == 0
	})
	for _, h := range scanForPatient(t, oldID, oldEmail, oldName) {
		if h.table != "audit_events" {
			t.Errorf("after its retention the record still names the patient in %s", h)
		}
	}
	var n int
	if err := stack.Platform.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM consultations WHERE patient_id = $1`, recentID).Scan(&n); err != nil || n != 1 {
		t.Errorf("the recent erased record: %d consultations (%v), want it kept", n, err)
	}
}
