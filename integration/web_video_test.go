package integration

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"derma2go/demodata"
)

// TestVideoConsultationInBrowser runs a video consultation through the real
// pages in two headless Chromium instances with fake cameras and
// microphones (web/e2e/video.mjs): the patient checks in and tests the
// equipment against the SFU, the doctor announces a delay that the patient
// sees, admits the patient, both decode each other's video, and the doctor
// ends the session. The workflow then has the consultation completed.
func TestVideoConsultationInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)

	_, doctorID := roundTheClockDoctor(t, 46)
	email, password := newEmail("video-browser"), "video-browser-2026"
	patient, _ := registerPatient(t, email, password)
	// The first slot from now starts within minutes: the waiting room is open.
	slot := firstSlotFrom(t, doctorID, time.Now())
	var b booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, patient, b.ID, "scheduled")
	patient.do("POST", "/v1/consultations/"+b.ID+"/intake", map[string]any{"answers": map[string]any{
		"complaint": "Dry, cracked skin on both hands", "location": "hands", "duration": "weeks", "question": "What cream should I use?",
	}, "birth_date": "1988-03-14"}).expect(t, http.StatusAccepted)

	out := filepath.Join(root, "web", "e2e", "out")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "video.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_OUT_DIR="+out, "E2E_CONSULTATION="+b.ID,
		"E2E_PATIENT_EMAIL="+email, "E2E_PATIENT_PASSWORD="+password, "E2E_PATIENT_PIN="+testPIN,
		"E2E_DOCTOR_EMAIL="+demodata.DoctorEmail(46), "E2E_DOCTOR_PASSWORD=doctor-demo-2026", "CHROMIUM="+chromiumPath(),
	)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("video browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("video browser test failed: %v (screenshots in %s)", err, out)
	}
	// The hang-up ended the session in the workflow: completed, and the
	// delay the doctor announced in the browser is on the record.
	var v struct {
		Status        string     `json:"status"`
		StartsAt      *time.Time `json:"starts_at"`
		ExpectedStart *time.Time `json:"expected_start"`
	}
	waitConsultation(t, patient, b.ID, "completed")
	patient.do("GET", "/v1/consultations/"+b.ID, nil).expect(t, http.StatusOK).decode(t, &v)
	if v.StartsAt == nil || v.ExpectedStart == nil || v.ExpectedStart.Sub(*v.StartsAt) != 5*time.Minute {
		t.Fatalf("the delay announced in the browser is not on the record: %+v", v)
	}
}
