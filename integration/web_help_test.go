package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestHelpPagesInBrowser runs web/e2e/help.mjs in Debian's Chromium against
// the private stack: the FAQ searched in Dutch and English (diacritics
// folded) with each answer's link to its page, and the technical support
// page with the camera permission refused (fake devices without the
// permission: reported as refused, with Chromium's fixes) and granted (the
// same devices work), and its connection check: a real WebRTC call into a
// test room of the stack's SFU passes (connected without the relay, round
// trip and loss good or fair, the media back; with a generated picture when
// the camera is refused), and with the signalling socket closed on it the check fails
// with the network fixes. Every page passes axe-core and the keyboard walk.
func TestHelpPagesInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)
	runHelpScript(t, root)
}

// runHelpScript runs help.mjs with the stack's address and extra environment.
func runHelpScript(t *testing.T, root string, extra ...string) {
	t.Helper()
	out := filepath.Join(root, "web", "e2e", "out", "help")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "help.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(append(os.Environ(), "E2E_BASE_URL="+stack.APIURL, "E2E_OUT_DIR="+out, "CHROMIUM="+chromiumPath()), extra...)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (output in %s)", err, out)
	}
}
