package integration

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"derma2go/demodata"
	"derma2go/fhir/fhirtest"
)

// TestWebRecordInBrowser runs web/e2e/record.mjs in Debian's Chromium: the
// doctor opens the patient from the patient list, adds a note and an ICD-10
// diagnosis through the record page (a SNOMED code of the wrong shape is
// refused) and downloads the record; the patient unlocks the PIN on a phone,
// reads the record across both doctors and downloads it. Afterwards the API
// holds the browser's note and diagnosis, and all four downloaded files are
// checked here: the PDFs are PDFs, the Bundles pass the R4 schema.
func TestWebRecordInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)
	rc := sharedRecordCase(t)
	_, nameA := publicDoctor(t, recordDoctorA)
	_, nameB := publicDoctor(t, recordDoctorB)
	note := "Browsernotitie " + time.Now().Format("150405.000")

	// The downloads go to a directory of the test (not under web/, where
	// biome would lint the JSON).
	out := t.TempDir()
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "record.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_OUT_DIR="+out, "CHROMIUM="+chromiumPath(),
		"E2E_PATIENT_EMAIL="+rc.email, "E2E_PATIENT_PASSWORD="+rc.password, "E2E_PATIENT_ID="+rc.patientID, "E2E_PIN="+testPIN,
		"E2E_DOCTOR_EMAIL="+demodata.DoctorEmail(recordDoctorB), "E2E_DOCTOR_PASSWORD=doctor-demo-2026",
		"E2E_DOCTOR_NAMES="+nameA+"|"+nameB, "E2E_MEDICINE="+recordMedicine, "E2E_NOTE_TEXT="+note,
	)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (files in %s)", err, out)
	}

	var v recordView
	rc.doctorB.do("GET", "/v1/doctor/patients/"+rc.patientID+"/record", nil).expect(t, http.StatusOK).decode(t, &v)
	var sawNote, sawDiagnosis, sawWrong bool
	for _, e := range v.Entries {
		sawNote = sawNote || (e.Kind == "note" && e.Text == note && e.ConsultationID == rc.videoID)
		sawDiagnosis = sawDiagnosis || (e.Kind == "diagnosis" && e.Code == "L25.9" && e.CodeSystem == "icd10" && e.Text == "Contacteczeem")
		sawWrong = sawWrong || e.Text == "Verkeerde code"
	}
	if !sawNote || !sawDiagnosis || sawWrong {
		t.Errorf("after the browser: note %v, diagnosis %v, refused diagnosis stored %v", sawNote, sawDiagnosis, sawWrong)
	}
	for _, name := range []string{"doctor-record", "patient-record"} {
		pdf, err := os.ReadFile(filepath.Join(out, name+".pdf"))
		if err != nil || !strings.HasPrefix(string(pdf), "%PDF") || !pdfHas(pdf, recordMedicine[:10]) {
			t.Errorf("%s.pdf: %v", name, err)
		}
		doc, err := os.ReadFile(filepath.Join(out, name+".fhir.json"))
		if err != nil {
			t.Fatal(err)
		}
		if problems := fhirtest.Validate(doc); len(problems) > 0 {
			t.Errorf("%s.fhir.json: %d FHIR problems:\n%s", name, len(problems), strings.Join(problems, "\n"))
		}
		if !strings.Contains(string(doc), "L25.9") {
			t.Errorf("%s.fhir.json lacks the browser's diagnosis", name)
		}
	}
}
