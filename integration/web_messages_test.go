package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"derma2go/demodata"
)

// runMessagesBrowser runs web/e2e/messages.mjs against the shared stack with
// a fresh patient who has a paid consultation with demo doctor 125, and
// returns the script's output.
func runMessagesBrowser(t *testing.T, rounds, budgetMS int) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)
	m := newMessagingCase(t, 125)
	m.bookAdvice(t, true)
	out := filepath.Join(root, "web", "e2e", "out", "messages")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "messages.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_OUT_DIR="+out, "CHROMIUM="+chromiumPath(), "E2E_PIN="+testPIN,
		"E2E_PATIENT_EMAIL="+m.email, "E2E_PATIENT_PASSWORD="+m.password,
		"E2E_DOCTOR_EMAIL="+demodata.DoctorEmail(125), "E2E_DOCTOR_PASSWORD=doctor-demo-2026", "E2E_DOCTOR_ID="+m.doctorID,
		fmt.Sprintf("E2E_LATENCY_ROUNDS=%d", rounds), fmt.Sprintf("E2E_LATENCY_BUDGET_MS=%d", budgetMS),
	)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (screenshots in %s)", err, out)
	}
	var closed string
	if err := stack.Platform.Store.Pool.QueryRow(t.Context(),
		"SELECT status FROM message_threads WHERE patient_id = $1 AND doctor_id = $2", m.patientID, m.doctorID).Scan(&closed); err != nil || closed != "closed" {
		t.Errorf("after the browser run the thread is %q (%v), want closed", closed, err)
	}
	return string(output)
}

var latencyLine = regexp.MustCompile(`LATENCY n=(\d+) p50=(\d+)ms p95=(\d+)ms max=(\d+)ms`)

// TestWebMessagesInBrowser: patient and doctor on two pages exchange
// messages live (each appears on the other's open page without a reload),
// the patient enters through the message link and the PIN, the doctor
// through the inbox, shares a link and closes the thread, which the
// patient's page shows at once (web/e2e/messages.mjs). It also times the
// way from the click on Send to the other open page (each message within
// 5 s); with MESSAGE_BENCH_ROUNDS set (make bench: 25 each way) it is the
// benchmark and fails above 1 s p95.
func TestWebMessagesInBrowser(t *testing.T) {
	rounds, budget := 5, 0
	if v := os.Getenv("MESSAGE_BENCH_ROUNDS"); v != "" {
		if _, err := fmt.Sscan(v, &rounds); err != nil || rounds < 1 {
			t.Fatalf("MESSAGE_BENCH_ROUNDS=%q", v)
		}
		budget = 1000
	}
	out := runMessagesBrowser(t, rounds, budget)
	m := latencyLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no LATENCY line in the output")
	}
	fmt.Println("message delivery to the open page:", strings.TrimPrefix(m[0], "LATENCY "))
}
