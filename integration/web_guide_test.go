package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestDoctorChecklistInBrowser runs web/e2e/guide.mjs in Debian's Chromium
// against the private stack: the admin invites a doctor in the browser, the
// doctor opens the emailed link (from the SMTP sink), sets a password,
// signs in and enrols the authenticator; the dashboard's checklist shows
// every required step missing and turns green step by step as the doctor
// fills in the profile, fees, hours and connects payouts through the Mollie
// sandbox's consent page; the doctor then appears in the public search.
// The guide page and its PDFs are opened; axe-core checks every new page.
func TestDoctorChecklistInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)
	// A name of its own (letters only, for the search), per run.
	token := []byte(time.Now().Format("150405000"))
	for i, d := range token {
		token[i] = 'a' + d - '0'
	}
	out := filepath.Join(root, "web", "e2e", "out", "guide")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "guide.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_SINK_URL="+stack.MailURL, "E2E_OUT_DIR="+out, "CHROMIUM="+chromiumPath(),
		"E2E_ADMIN_EMAIL=admin@derma2go.test", "E2E_ADMIN_PASSWORD=admin-demo-2026",
		"E2E_NEW_DOCTOR_EMAIL="+newEmail("guide-doctor"), "E2E_NEW_DOCTOR_NAME=dr. Gids Nieuwkomer-"+string(token),
	)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (output in %s)", err, out)
	}
}
