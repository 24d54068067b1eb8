package integration

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"derma2go/demodata"
)

// accessLogDoctor is the demo doctor whose reads the browser test shows
// (no other browser test uses it).
const accessLogDoctor = 181

// TestAccessLogInBrowser runs web/e2e/accesslog.mjs in Debian's Chromium:
// the patient's access view merges the doctor's three record reads of
// today into one line and filters by period, the treating doctor opens the
// same view from the record, and the admin finds the reads by the
// patient's email and opens the patient's view; axe on every page.
func TestAccessLogInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)
	email, password := newEmail("accesslog"), "accesslog-patient-2026"
	patient, ps := registerPatient(t, email, password)
	doctor, ds := loginAs(t, demodata.DoctorEmail(accessLogDoctor), "doctor-demo-2026")
	var created struct {
		ID          string `json:"id"`
		CheckoutURL string `json:"checkout_url"`
	}
	patient.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": ds.User.ID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &created)
	res, err := http.PostForm(created.CheckoutURL, url.Values{"status": {"paid"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	waitConsultation(t, patient, created.ID, "awaiting_intake")
	for range 3 {
		doctor.do("GET", "/v1/doctor/patients/"+ps.User.ID+"/record", nil).expect(t, http.StatusOK)
	}
	var profile struct {
		Name string `json:"name"`
	}
	newClient(t).do("GET", "/v1/doctors/"+ds.User.ID, nil).expect(t, http.StatusOK).decode(t, &profile)

	out := filepath.Join(root, "web", "e2e", "out", "accesslog")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "accesslog.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_OUT_DIR="+out, "CHROMIUM="+chromiumPath(),
		"E2E_ADMIN_EMAIL=admin@derma2go.test", "E2E_ADMIN_PASSWORD=admin-demo-2026",
		"E2E_DOCTOR_EMAIL="+demodata.DoctorEmail(accessLogDoctor), "E2E_DOCTOR_PASSWORD=doctor-demo-2026",
		"E2E_DOCTOR_NAME="+profile.Name,
		"E2E_PATIENT_EMAIL="+email, "E2E_PATIENT_PASSWORD="+password, "E2E_PATIENT_ID="+ps.User.ID,
	)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (output in %s)", err, out)
	}
}
