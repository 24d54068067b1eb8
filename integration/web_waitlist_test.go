package integration

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Demo doctors 110–113 belong to the waitlist's web, benchmark and HTTP
// tests (web_waitlist_test.go, bench_waitlist_test.go, waitlist_http_test.go).

// TestWebWaitlistInBrowser runs web/e2e/waitlist.mjs in Debian's Chromium
// against the private stack: Ann joins a doctor's video waitlist from the
// profile (second in line) and sees her place in the portal; the paid
// booking of a slot is cancelled and confirmed; the patient ahead of her
// opens the offer from the email and declines it in the browser; Ann's
// list shows her offer live, she opens the link in her email, accepts, pays
// in the Mollie sandbox and is booked. Afterwards the API must hold what the
// browser did: Ann's booking of that slot, scheduled, and the first patient
// still waiting, first in line again.
func TestWebWaitlistInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)

	doctor, doctorID := roundTheClockDoctor(t, 110)
	booker, _ := registerPatient(t, newEmail("wlweb-booker"), "waitlist-password-1")
	slot := firstSlotFrom(t, doctorID, time.Now().Add(30*time.Hour))
	var b booking
	booker.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, booker, b.ID, "scheduled")

	// The patient ahead of Ann reads English.
	firstEmail, firstPassword := newEmail("wlweb-first"), "waitlist-first-2026"
	first, _ := registerPatient(t, firstEmail, firstPassword)
	first.do("PUT", "/v1/me/language", map[string]any{"language": "en"}).expect(t, http.StatusOK)
	firstEntry := joinWaitlist(t, first, doctorID, slot)
	annEmail, annPassword := newEmail("wlweb-ann"), "waitlist-ann-2026"
	ann, _ := registerPatient(t, annEmail, annPassword)

	out := filepath.Join(root, "web", "e2e", "out", "waitlist")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "waitlist.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_SINK_URL="+stack.MailURL, "E2E_OUT_DIR="+out, "CHROMIUM="+chromiumPath(),
		"E2E_DOCTOR_ID="+doctorID, "E2E_SLOT="+slot.UTC().Format(time.RFC3339),
		"E2E_BOOKING="+b.ID, "E2E_BOOKER_TOKEN="+booker.token, "E2E_DOCTOR_TOKEN="+doctor.token,
		"E2E_ANN_EMAIL="+annEmail, "E2E_ANN_PASSWORD="+annPassword,
		"E2E_FIRST_EMAIL="+firstEmail, "E2E_FIRST_PASSWORD="+firstPassword,
	)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (screenshots in %s)", err, out)
	}
	var result struct {
		Consultation string `json:"consultation"`
		AnnOffer     string `json:"annOffer"`
		FirstOffer   string `json:"firstOffer"`
	}
	for line := range strings.Lines(string(output)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "RESULT "); ok {
			if err := json.Unmarshal([]byte(rest), &result); err != nil {
				t.Fatalf("result line %q: %v", rest, err)
			}
		}
	}

	// Ann's booking is the freed slot, paid.
	var v struct {
		Type     string     `json:"type"`
		StartsAt *time.Time `json:"starts_at"`
	}
	ann.do("GET", "/v1/consultations/"+result.Consultation, nil).expect(t, http.StatusOK).decode(t, &v)
	if v.Type != "video" || v.StartsAt == nil || !v.StartsAt.Equal(slot) {
		t.Fatalf("Ann's booking %+v, want the slot %s", v, slot)
	}
	waitConsultation(t, ann, result.Consultation, "scheduled")
	var offer waitlistOffer
	ann.do("GET", "/v1/me/waitlist/offers/"+result.AnnOffer, nil).expect(t, http.StatusOK).decode(t, &offer)
	if offer.Status != "booked" || offer.ConsultationID == nil || *offer.ConsultationID != result.Consultation {
		t.Fatalf("Ann's offer %+v, want booked as %s", offer, result.Consultation)
	}
	if l := myWaitlist(t, ann); len(l) != 0 {
		t.Errorf("Ann still waits after booking: %+v", l)
	}
	// The first patient declined in the browser and waits on, first in line.
	first.do("GET", "/v1/me/waitlist/offers/"+result.FirstOffer, nil).expect(t, http.StatusOK).decode(t, &offer)
	if offer.Status != "declined" {
		t.Fatalf("the first patient's offer %+v, want declined", offer)
	}
	if l := myWaitlist(t, first); len(l) != 1 || l[0].ID != firstEntry.ID || l[0].Position != 1 || l[0].Offer != nil {
		t.Fatalf("the first patient's waitlist after declining: %+v", l)
	}
}
