package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"derma2go/demodata"
	"derma2go/web"
)

// browserReady says why the browser tests cannot run here, if they cannot:
// node, Chromium, web/node_modules and a built client are needed. A browser
// test that can run is marked parallel: the browser tests run two at a time
// (go test's -parallel, GOMAXPROCS by default) after the sequential tests,
// since most of their time is spent waiting on pages and workflows. Each
// uses its own doctors and patients.
func browserReady(t *testing.T, root string) {
	t.Helper()
	_, errNode := exec.LookPath("node")
	_, errChromium := os.Stat(chromiumPath())
	_, errModules := os.Stat(filepath.Join(root, "web", "node_modules", "playwright-core"))
	_, errAxe := os.Stat(filepath.Join(root, "web", "node_modules", "axe-core"))
	if errNode != nil || errChromium != nil || errModules != nil || errAxe != nil || !web.Built() {
		msg := fmt.Sprintf("browser test needs node (%v), %s (%v), web/node_modules with playwright-core (%v) and axe-core (%v) and a built client (%v): run `make test`, which installs them",
			errNode, chromiumPath(), errChromium, errModules, errAxe, web.Built())
		if os.Getenv("DERMA_REQUIRE_BROWSER") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Parallel()
}

// largePhotoJPEG is a 3000×2250 photo, larger than the client sends (2048
// on the longer side): the browser must downscale it before the upload.
func largePhotoJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3000, 2250))
	for y := range 2250 {
		for x := range 3000 {
			img.Set(x, y, color.RGBA{uint8(150 + x%60), uint8(60 + y%40), 50, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// publicDoctor is a demo doctor no other test books with, by public name.
func publicDoctor(t *testing.T, index int) (id, name string) {
	t.Helper()
	_, s := loginAs(t, demodata.DoctorEmail(index), "doctor-demo-2026")
	var d struct {
		Name string `json:"name"`
	}
	newClient(t).do("GET", "/v1/doctors/"+s.User.ID, nil).expect(t, http.StatusOK).decode(t, &d)
	return s.User.ID, d.Name
}

// TestWebPublicInBrowser runs web/e2e/public.mjs in Debian's Chromium: the
// public pages (home, search, profile, conditions, DermaWizard) and the
// booking flow — a video slot with an account (after losing the first slot
// to another patient), paid in the Mollie sandbox, then the intake; a
// guest's email advice with two photos through the intake — with axe-core
// on every page, a keyboard walk, the language switch and a phone viewport.
// Afterwards the API must hold what the browser did.
func TestWebPublicInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)

	videoID, videoName := publicDoctor(t, 150)
	adviceID, adviceName := publicDoctor(t, 151)
	email, password := newEmail("public"), "public-patient-2026"
	patient, _ := registerPatient(t, email, password)
	rival, _ := registerPatient(t, newEmail("rival"), "rival-patient-2026")
	guestEmail := newEmail("publicguest")

	dir := t.TempDir()
	small, large := filepath.Join(dir, "elbow.jpg"), filepath.Join(dir, "arm-large.jpg")
	if err := os.WriteFile(small, photoJPEG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(large, largePhotoJPEG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "web", "e2e", "out", "public")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "public.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_SINK_URL="+stack.MailURL, "E2E_OUT_DIR="+out,
		"E2E_VIDEO_DOCTOR_ID="+videoID, "E2E_VIDEO_DOCTOR_NAME="+videoName,
		"E2E_ADVICE_DOCTOR_ID="+adviceID, "E2E_ADVICE_DOCTOR_NAME="+adviceName,
		"E2E_PATIENT_EMAIL="+email, "E2E_PATIENT_PASSWORD="+password, "E2E_PATIENT_PIN="+testPIN,
		"E2E_RIVAL_TOKEN="+rival.token, "E2E_GUEST_EMAIL="+guestEmail,
		"E2E_PHOTO_SMALL="+small, "E2E_PHOTO_LARGE="+large, "CHROMIUM="+chromiumPath(),
	)
	if shots := os.Getenv("WEB_SCREENSHOTS_DIR"); shots != "" {
		cmd.Env = append(cmd.Env, "E2E_SHOTS_DIR="+shots)
	}
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (screenshots in %s)", err, out)
	}

	var result struct {
		Video struct {
			ID    string `json:"id"`
			Slot  string `json:"slot"`
			Taken string `json:"taken"`
		} `json:"video"`
		Advice struct {
			ID string `json:"id"`
		} `json:"advice"`
	}
	_, line, ok := strings.Cut(string(output), "RESULT ")
	if !ok {
		t.Fatal("the browser run printed no RESULT line")
	}
	line, _, _ = strings.Cut(line, "\n")
	if err := json.Unmarshal([]byte(line), &result); err != nil {
		t.Fatalf("RESULT %q: %v", line, err)
	}

	// The video booking: the second slot, paid, the intake in.
	var v struct {
		Status    string    `json:"status"`
		HasIntake bool      `json:"has_intake"`
		StartsAt  time.Time `json:"starts_at"`
		DoctorID  string    `json:"doctor_id"`
		Type      string    `json:"type"`
	}
	patient.do("GET", "/v1/consultations/"+result.Video.ID, nil).expect(t, http.StatusOK).decode(t, &v)
	slot, err := time.Parse(time.RFC3339, result.Video.Slot)
	if err != nil {
		t.Fatalf("slot %q: %v", result.Video.Slot, err)
	}
	if v.Type != "video" || v.DoctorID != videoID || v.Status != "scheduled" || !v.HasIntake || !v.StartsAt.Equal(slot) {
		t.Fatalf("video booking made in the browser: %+v (slot %s)", v, slot)
	}
	if result.Video.Taken == result.Video.Slot {
		t.Fatal("the browser booked the slot another patient had taken")
	}

	// The guest's email advice: both photos and the form reached the doctor.
	doctor, _ := loginAs(t, demodata.DoctorEmail(151), "doctor-demo-2026")
	var dc struct {
		Status   string         `json:"status"`
		Guest    bool           `json:"guest"`
		PhotoIDs []string       `json:"photo_ids"`
		Intake   map[string]any `json:"intake"`
	}
	doctor.do("GET", "/v1/doctor/consultations/"+result.Advice.ID, nil).expect(t, http.StatusOK).decode(t, &dc)
	if !dc.Guest || dc.Status != "awaiting_advice" || len(dc.PhotoIDs) != 2 {
		t.Fatalf("guest advice made in the browser: %+v", dc)
	}
	if !strings.Contains(fmt.Sprint(dc.Intake), "left elbow") {
		t.Fatalf("the intake written in the browser did not reach the doctor: %+v", dc.Intake)
	}
}
