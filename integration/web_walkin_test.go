package integration

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/demodata"
)

// TestWalkInGuestInBrowser runs a guest's walk-in through the real pages in
// two headless Chromium instances with fake cameras and microphones
// (web/e2e/walkin.mjs): the guest finds the clinic open on the profile,
// joins with an email address, pays in the Mollie sandbox and sees their
// position; the doctor calls from the dashboard, the guest answers within
// the countdown, both decode each other's video, the doctor ends the
// session. The workflows then have the walk-in completed with an invoice
// and the queue free with the session measured.
func TestWalkInGuestInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)

	doctor, doctorID := walkInDoctor(t, 137)
	_, s := loginAs(t, demodata.DoctorEmail(137), "doctor-demo-2026")
	guestEmail := newEmail("walkin-browser")

	out := filepath.Join(root, "web", "e2e", "out", "walkin")
	resultFile := filepath.Join(t.TempDir(), "result.json")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "walkin.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_OUT_DIR="+out, "E2E_DOCTOR_ID="+doctorID,
		"E2E_DOCTOR_TOKEN="+s.Token, "E2E_GUEST_EMAIL="+guestEmail, "E2E_RESULT="+resultFile, "CHROMIUM="+chromiumPath(),
	)
	if shots := os.Getenv("WEB_SCREENSHOTS_DIR"); shots != "" {
		cmd.Env = append(cmd.Env, "E2E_SHOTS_DIR="+shots)
	}
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("walk-in browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("walk-in browser test failed: %v (screenshots in %s)", err, out)
	}
	raw, err := os.ReadFile(resultFile)
	if err != nil {
		t.Fatal(err)
	}
	var result struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &result); err != nil || uuid.Validate(result.ID) != nil {
		t.Fatalf("result %s: %v", raw, err)
	}

	// The hang-up ended the session in the workflow: completed with an
	// invoice, the guest's own consultation, and the queue free again (a
	// session this short is not counted in the measured average: 30 s to
	// 2 h count).
	var v struct {
		Status string `json:"status"`
		Type   string `json:"type"`
	}
	waitFor(t, "the walk-in completed", func() bool {
		doctor.do("GET", "/v1/doctor/consultations/"+result.ID, nil).expect(t, http.StatusOK).decode(t, &v)
		return v.Status == "completed"
	})
	if v.Type != "walk_in" {
		t.Fatalf("the browser's consultation is a %s", v.Type)
	}
	row, err := stack.Platform.Store.GetConsultation(t.Context(), uuid.MustParse(result.ID))
	if err != nil {
		t.Fatal(err)
	}
	if row.PatientID.Valid || len(row.GuestEmailHash) == 0 {
		t.Errorf("the walk-in from the browser is not a guest's: patient %v", row.PatientID)
	}
	waitFor(t, "invoice", func() bool {
		_, err := stack.Platform.Store.GetInvoiceByConsultation(t.Context(), row.ID)
		return err == nil
	})
	var queue struct {
		InSession *struct{} `json:"in_session"`
		Called    *struct{} `json:"called"`
		Paused    bool      `json:"paused"`
	}
	waitFor(t, "the queue freed", func() bool {
		doctor.do("GET", "/v1/doctor/walk-in", nil).expect(t, http.StatusOK).decode(t, &queue)
		return queue.InSession == nil && queue.Called == nil
	})
	if queue.Paused {
		t.Errorf("the queue is still paused after the doctor resumed it in the browser")
	}
	if n, _ := refundsOf(t, result.ID); n != 0 {
		t.Errorf("a completed walk-in was refunded %d times", n)
	}
}
