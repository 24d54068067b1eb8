package integration

import (
	"encoding/json"
	"html"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostSite serves pages of a practice's own website on an origin of its
// own (another port of the loopback), embedding a doctor's widgets as the
// dashboard's snippets do: the booking widget through the loader script
// (the page in English), the walk-in widget as a plain iframe (Dutch), and
// a plain iframe of the booking widget.
func hostSite(t *testing.T, doctorID string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d, id := html.EscapeString(stack.APIURL), html.EscapeString(doctorID)
	pages := map[string]string{
		"/booking": `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Skin practice</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main><h1>Skin practice</h1>
<script src="` + d + `/widgets/loader.js" data-doctor="` + id + `" data-widget="booking" async></script></main></body></html>`,
		"/walk-in": `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Huidpraktijk</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main><h1>Huidpraktijk</h1>
<iframe src="` + d + `/widgets/` + id + `/walk-in?lang=nl" title="Inloopspreekuur" width="100%" height="360" style="border:0"></iframe></main></body></html>`,
		"/frame": `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Huidpraktijk</title></head><body><main>
<iframe src="` + d + `/widgets/` + id + `/booking?lang=nl" title="Afspraak maken" width="100%" height="560"></iframe></main></body></html>`,
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// TestWidgetsInBrowser runs web/e2e/widgets.mjs in Debian's Chromium: a
// practice's page on an allowed origin embeds the booking widget (loader
// script) and the walk-in widget (iframe); the booking widget shows the
// types, fees and slots and books a slot through login and the Mollie
// sandbox in a new window; the same widget on an origin that is not
// allowed is refused by the browser. Afterwards the API must hold the
// booking of the slot the widget offered.
func TestWidgetsInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)

	// The availability PUT replaces every rule, walk-in hours among them: hours first.
	doctor, doctorID := portalDoctor(t, 109)
	walkInDoctor(t, 109)
	_, doctorName := publicDoctor(t, 109)
	allowed, other := hostSite(t, doctorID), hostSite(t, doctorID)
	doctor.do("PUT", "/v1/doctor/widgets", map[string]any{"origins": []string{allowed}}).expect(t, http.StatusOK)
	email, password := newEmail("widget"), "widget-patient-2026"
	patient, _ := registerPatient(t, email, password)
	// The patient's saved language applies once logged in; the widget's page is English.
	patient.do("PUT", "/v1/me/language", map[string]any{"language": "en"}).expect(t, http.StatusOK)

	out := filepath.Join(root, "web", "e2e", "out", "widgets")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "widgets.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_OUT_DIR="+out, "CHROMIUM="+chromiumPath(),
		"E2E_ALLOWED_HOST="+allowed, "E2E_OTHER_HOST="+other,
		"E2E_DOCTOR_ID="+doctorID, "E2E_DOCTOR_NAME="+doctorName,
		"E2E_PATIENT_EMAIL="+email, "E2E_PATIENT_PASSWORD="+password,
	)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (screenshots in %s)", err, out)
	}
	var result struct {
		Booking struct {
			ID   string `json:"id"`
			Slot string `json:"slot"`
		} `json:"booking"`
		Refused int `json:"refused"`
	}
	line := ""
	for _, l := range strings.Split(string(output), "\n") {
		if strings.HasPrefix(l, "RESULT ") {
			line = strings.TrimPrefix(l, "RESULT ")
		}
	}
	if err := json.Unmarshal([]byte(line), &result); err != nil {
		t.Fatalf("no result from the browser run: %v", err)
	}
	if result.Refused != 2 {
		t.Fatalf("refused frames %d, want 2", result.Refused)
	}
	// The booking the widget started is the patient's, with this doctor, at the slot the widget offered, paid.
	waitConsultation(t, patient, result.Booking.ID, "scheduled")
	var v struct {
		Type      string    `json:"type"`
		DoctorID  string    `json:"doctor_id"`
		SlotStart time.Time `json:"starts_at"`
	}
	patient.do("GET", "/v1/consultations/"+result.Booking.ID, nil).expect(t, http.StatusOK).decode(t, &v)
	slot, err := time.Parse(time.RFC3339, result.Booking.Slot)
	if err != nil {
		t.Fatal(err)
	}
	if v.Type != "video" || v.DoctorID != doctorID || !v.SlotStart.Equal(slot) {
		t.Fatalf("booked through the widget: %+v, want video with %s at %s", v, doctorID, slot)
	}
}
