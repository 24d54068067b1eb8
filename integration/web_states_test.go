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
)

// The demo doctors of TestProblemStatesInBrowser (no other test uses them):
// statesRaceDoctor's slot is raced for, statesDoctor edits an exception
// day and writes to a patient from the consultation page.
const (
	statesRaceDoctor = 143
	statesDoctor     = 144
)

// TestProblemStatesInBrowser runs web/e2e/states.mjs in Debian's Chromium:
// two patients race for one slot and the loser is told in Dutch that it was
// just taken, with the slots again; wrong PINs until the lockout, which
// says until when; a request without a connection says so; none of these
// Dutch pages shows an English word. The doctor's date field writes and
// reads the Dutch format (and the English one on the English page), and the
// doctor reads and answers the patient's message on the consultation page.
// Afterwards the API must hold what the browser did.
func TestProblemStatesInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)

	_, raceDoctorID := portalDoctor(t, statesRaceDoctor)
	slot := firstSlot(t, raceDoctorID, "video", time.Now().Add(50*time.Hour))
	racers := make([]*apiClient, 2)
	racerEmails := make([]string, 2)
	for i := range racers {
		racerEmails[i] = newEmail("racer")
		racers[i], _ = registerPatient(t, racerEmails[i], "racer-patient-2026")
	}

	lockEmail, lockPassword := newEmail("pinlock"), "pinlock-patient-2026"
	locker, _ := registerPatient(t, lockEmail, lockPassword)
	var lockCase booking
	locker.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": raceDoctorID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &lockCase)

	doctor, ds := loginAs(t, demodata.DoctorEmail(statesDoctor), "doctor-demo-2026")
	writer, _ := registerPatient(t, newEmail("writer"), "writer-patient-2026")
	var advice booking
	writer.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": ds.User.ID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &advice)
	payCheckout(t, advice.CheckoutURL)
	waitConsultation(t, writer, advice.ID, "awaiting_intake")
	var thread struct {
		ID string `json:"id"`
	}
	writer.do("POST", "/v1/me/threads", map[string]any{"doctor_id": ds.User.ID}).expect(t, http.StatusCreated).decode(t, &thread)
	question := "Moet ik de zalf ook op de rug smeren?"
	writer.do("POST", "/v1/threads/"+thread.ID+"/messages", map[string]any{"text": question}).expect(t, http.StatusCreated)
	reply := "Ja, twee keer per dag, ook op de rug."

	day := time.Now().AddDate(0, 0, 40)
	dayISO := day.Format("2006-01-02")

	out := filepath.Join(root, "web", "e2e", "out", "states")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "states.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_OUT_DIR="+out, "CHROMIUM="+chromiumPath(),
		"E2E_RACE_DOCTOR_ID="+raceDoctorID, "E2E_RACE_SLOT="+slot.UTC().Format(time.RFC3339),
		"E2E_RACER_A_EMAIL="+racerEmails[0], "E2E_RACER_B_EMAIL="+racerEmails[1], "E2E_RACER_PASSWORD=racer-patient-2026",
		"E2E_LOCK_EMAIL="+lockEmail, "E2E_LOCK_PASSWORD="+lockPassword, "E2E_LOCK_CONSULTATION="+lockCase.ID,
		"E2E_DOCTOR_EMAIL="+demodata.DoctorEmail(statesDoctor), "E2E_DOCTOR_PASSWORD=doctor-demo-2026",
		"E2E_ADVICE_CONSULTATION="+advice.ID, "E2E_QUESTION="+question, "E2E_REPLY="+reply,
		"E2E_DAY_NL="+day.Format("02-01-2006"), "E2E_DAY_EN="+day.Format("02/01/2006"),
	)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (screenshots in %s)", err, out)
	}

	// One of the two racers holds the slot, the other nothing.
	booked := 0
	for _, r := range racers {
		var list struct {
			Items []struct {
				StartsAt *time.Time `json:"starts_at"`
			} `json:"items"`
		}
		r.do("GET", "/v1/consultations", nil).expect(t, http.StatusOK).decode(t, &list)
		for _, it := range list.Items {
			if it.StartsAt != nil && it.StartsAt.Equal(slot) {
				booked++
			}
		}
	}
	if booked != 1 {
		t.Errorf("%d bookings of the raced slot %s, want 1", booked, slot)
	}

	// The exception typed as dd-mm-jjjj is stored as that day.
	var avail struct {
		Exceptions []struct {
			Day string `json:"day"`
		} `json:"exceptions"`
	}
	doctor.do("GET", "/v1/doctor/availability", nil).expect(t, http.StatusOK).decode(t, &avail)
	found := false
	for _, x := range avail.Exceptions {
		found = found || x.Day == dayISO
	}
	if !found {
		t.Errorf("exceptions %+v lack %s, typed as %s", avail.Exceptions, dayISO, day.Format("02-01-2006"))
	}

	// The doctor's answer from the consultation page reached the patient's thread.
	var page struct {
		Items []struct {
			FromRole string `json:"from_role"`
			Text     string `json:"text"`
		} `json:"items"`
	}
	writer.do("GET", "/v1/threads/"+thread.ID, nil).expect(t, http.StatusOK).decode(t, &page)
	var texts []string
	answered := false
	for _, m := range page.Items {
		texts = append(texts, m.FromRole+": "+m.Text)
		answered = answered || (m.FromRole == "doctor" && m.Text == reply)
	}
	if !answered {
		t.Errorf("the patient's thread holds %s, without the doctor's reply", strings.Join(texts, " | "))
	}
}
