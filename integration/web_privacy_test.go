package integration

import (
	"archive/zip"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"derma2go/secure"
)

// TestPrivacyPageInBrowser runs web/e2e/privacy.mjs in Debian's Chromium: a
// patient with two-factor sign-in, on a 390x844 phone, goes from the
// account page to /account/privacy, downloads the export behind the PIN
// with a recovery code, and erases the account (refused without the code,
// done with it); after that logging in fails. The zip the browser saved
// holds data.json with the patient's email.
func TestPrivacyPageInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)
	email, password := newEmail("privacy-page"), "privacy-page-2026"
	c, _ := registerVerified(t, email, password)
	c.do("PUT", "/v1/me/pin", map[string]any{"pin": testPIN, "password": password}).expect(t, http.StatusNoContent)
	// Two-factor sign-in, confirmed with the previous step's code, so that
	// the browser's login can use the current one without waiting.
	var enrol struct {
		Secret string `json:"secret"`
	}
	c.do("POST", "/v1/me/second-factor", map[string]any{"password": password}).expect(t, http.StatusOK).decode(t, &enrol)
	code, err := secure.TOTPCode(enrol.Secret, time.Now().Add(-secure.TOTPPeriod))
	if err != nil {
		t.Fatal(err)
	}
	var codes struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	c.do("POST", "/v1/me/second-factor/confirm", map[string]any{"code": code}).expect(t, http.StatusOK).decode(t, &codes)
	if len(codes.RecoveryCodes) < 2 {
		t.Fatalf("recovery codes %v", codes.RecoveryCodes)
	}

	out := filepath.Join(root, "web", "e2e", "out", "privacy")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	download := filepath.Join(t.TempDir(), "export.zip")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "privacy.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_OUT_DIR="+out, "CHROMIUM="+chromiumPath(),
		"E2E_PATIENT_EMAIL="+email, "E2E_PATIENT_PASSWORD="+password, "E2E_PIN="+testPIN,
		"E2E_TOTP_SECRET="+enrol.Secret, // the patient's own, for the login's second step
		"E2E_RECOVERY_1="+codes.RecoveryCodes[0], "E2E_RECOVERY_2="+codes.RecoveryCodes[1],
		"E2E_DOWNLOAD="+download,
	)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (output in %s)", err, out)
	}

	z, err := zip.OpenReader(download)
	if err != nil {
		t.Fatalf("the downloaded export is not a zip: %v", err)
	}
	defer z.Close()
	var data []byte
	for _, f := range z.File {
		if f.Name == "data.json" {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err = io.ReadAll(r)
			r.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	var export struct {
		Tables map[string][]map[string]any `json:"tables"`
	}
	if err := json.Unmarshal(data, &export); err != nil {
		t.Fatalf("data.json of the downloaded export: %v", err)
	}
	if users := export.Tables["users"]; len(users) != 1 || users[0]["email"] != email {
		t.Errorf("data.json's users row is %v, want the patient's email %s", export.Tables["users"], email)
	}
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": email, "password": password}).expect(t, http.StatusUnauthorized)
}
