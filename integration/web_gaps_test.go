package integration

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"derma2go/demodata"
)

// Demo doctors of the gaps browser test: one builds a questionnaire (and
// gets round-the-clock video hours), one connects and disconnects Mollie.
const (
	gapsBrowserQuestionnaireDoctor = 117
	gapsBrowserConnectDoctor       = 118
)

// TestGapsInBrowser runs web/e2e/gaps.mjs in Debian's Chromium against the
// private stack: a doctor builds a questionnaire on /doctor/questionnaires,
// the patient fills it in on a phone, the doctor reads the answers with the
// booking; the profile's complaint link opens the contact form about the
// doctor; a doctor without a Mollie connection connects through the
// sandbox's consent page from the dashboard and disconnects again. The API
// must then hold the answers and the disconnected connection.
func TestGapsInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)
	ctx := context.Background()

	doctor, doctorID := roundTheClockDoctor(t, gapsBrowserQuestionnaireDoctor)
	if res := doctor.do("DELETE", "/v1/doctor/questionnaires/video", nil); res.Status != http.StatusNoContent && res.Status != http.StatusNotFound {
		t.Fatalf("withdraw a left-over questionnaire → %d", res.Status)
	}
	var profile struct {
		Name string `json:"name"`
	}
	newClient(t).do("GET", "/v1/doctors/"+doctorID, nil).expect(t, http.StatusOK).decode(t, &profile)
	email, password := newEmail("web-gaps"), "web-gaps-patient-2026"
	patient, _ := registerPatient(t, email, password)
	id, _ := bookPaidVideo(t, patient, doctorID, time.Now())

	// The connecting doctor starts without a connection (no payments yet).
	connector, cs := loginAs(t, demodata.DoctorEmail(gapsBrowserConnectDoctor), "doctor-demo-2026")
	org := organizationOf(t, cs.User.ID)
	if _, err := stack.Platform.Store.Pool.Exec(ctx, "DELETE FROM mollie_connections WHERE doctor_id = $1", cs.User.ID); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var st payoutState
		connector.do("GET", "/v1/doctor/payments/connection", nil).expect(t, http.StatusOK).decode(t, &st)
		if st.Connected {
			return
		}
		if count(t, "mollie_connections WHERE doctor_id = '"+cs.User.ID+"'") == 0 {
			if _, err := stack.ConnectDoctors(context.Background()); err != nil {
				t.Errorf("reconnecting: %v", err)
			}
			return
		}
		back := clickThroughAs(t, connector, org, true)
		complete(connector, back).expect(t, http.StatusOK)
	})

	const why = "Rode schilferende plekken op de ellebogen"
	out := filepath.Join(root, "web", "e2e", "out", "gaps")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "gaps.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_OUT_DIR="+out, "CHROMIUM="+chromiumPath(),
		"E2E_DOCTOR_EMAIL="+demodata.DoctorEmail(gapsBrowserQuestionnaireDoctor), "E2E_DOCTOR_PASSWORD=doctor-demo-2026",
		"E2E_DOCTOR_ID="+doctorID, "E2E_DOCTOR_NAME="+profile.Name,
		"E2E_PATIENT_EMAIL="+email, "E2E_PATIENT_PASSWORD="+password, "E2E_PIN="+testPIN,
		"E2E_CONSULTATION="+id, "E2E_QNR_TITLE=Voor uw videoconsult "+id[:8], "E2E_QNR_WHY="+why,
		"E2E_CONNECT_EMAIL="+demodata.DoctorEmail(gapsBrowserConnectDoctor), "E2E_CONNECT_ORG=Praktijk gaps "+cs.User.ID[:8],
	)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (output in %s)", err, out)
	}

	var filled questionnaireView
	doctor.do("GET", "/v1/doctor/consultations/"+id+"/questionnaire", nil).expect(t, http.StatusOK).decode(t, &filled)
	if filled.State != "filled" || filled.answer("q1") != why || filled.answer("q2") != true || filled.answer("q3") != "romp" {
		t.Errorf("the answers the browser sent: %+v", filled.Response)
	}
	live := count(t, "mollie_connections WHERE doctor_id = '"+cs.User.ID+"' AND disconnected_at IS NULL")
	if n := count(t, "mollie_connections WHERE doctor_id = '"+cs.User.ID+"' AND disconnected_at IS NOT NULL"); n != 1 || live != 0 {
		t.Errorf("the doctor the browser connected and disconnected has %d disconnected and %d live connections, want 1 and 0", n, live)
	}
}
