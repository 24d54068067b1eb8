package integration

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

func scrapeMetrics(t *testing.T) string {
	t.Helper()
	res, err := http.Get(stack.MetricsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("metrics → %d, %v", res.StatusCode, err)
	}
	return string(body)
}

// waitMetric polls /metrics until re matches, or fails after timeout.
func waitMetric(t *testing.T, re *regexp.Regexp, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		body := scrapeMetrics(t)
		if re.MatchString(body) {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s on /metrics after %v", re, timeout)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestMailOutageRaisesOneOperatorAlert: while SMTP refuses every mail, the
// failed SendEmail attempts raise one incident — the gauge
// derma_integration_incident_open{integration="smtp"} goes to 1 and the
// Temporal SDK's activity failure counter shows it — and when mail works
// again the gauge drops to 0 and support gets exactly one "keeps failing"
// and one "works again" mail. Then every metric the example alerts and the
// dashboard (deploy/monitoring) use is on /metrics.
func TestMailOutageRaisesOneOperatorAlert(t *testing.T) {
	started := time.Now()
	stack.Mail.SetOutage(true)
	defer stack.Mail.SetOutage(false)
	for _, doctor := range []int{156, 157, 158} {
		newAdviceCase(t, doctor).pay("paid")
	}
	open := regexp.MustCompile(`derma_integration_incident_open\{[^}]*integration="smtp"[^}]*\} 1`)
	body := waitMetric(t, open, 90*time.Second)
	if !regexp.MustCompile(`temporal_activity_execution_failed_total\{[^}]*activity_type="SendEmail"`).MatchString(body) {
		t.Errorf("no SendEmail failures in the SDK metrics")
	}
	stack.Mail.SetOutage(false)
	waitMetric(t, regexp.MustCompile(`derma_integration_incident_open\{[^}]*integration="smtp"[^}]*\} 0`), 3*time.Minute)

	alerts := func() (failing, recovered int) {
		for _, m := range stack.Mail.Messages() {
			if !m.ReceivedAt.After(started) || !sentTo(m, "support@derma2go.test") {
				continue
			}
			switch m.Subject {
			case "[Derma2Go] Mail delivery (SMTP) keeps failing":
				failing++
			case "[Derma2Go] Mail delivery (SMTP) works again":
				recovered++
			}
		}
		return failing, recovered
	}
	deadline := time.Now().Add(2 * time.Minute)
	for f, r := alerts(); f < 1 || r < 1; f, r = alerts() {
		if time.Now().After(deadline) {
			t.Fatalf("support got %d outage and %d recovery mails, want 1 and 1", f, r)
		}
		time.Sleep(time.Second)
	}
	time.Sleep(3 * time.Second)
	if f, r := alerts(); f != 1 || r != 1 {
		t.Errorf("support got %d outage and %d recovery mails, want exactly 1 and 1", f, r)
	}

	checkMonitoringNames(t, func(name string) bool { return !strings.HasPrefix(name, "derma_video_") })
}

// checkMonitoringNames fails for each metric that the example alerts or the
// dashboard (deploy/monitoring) use, that check selects, and that /metrics
// lacks. A vector shows on /metrics only once it has a series, so the
// video ones are checked during a video session (TestVideoSessionThroughTheAPI).
func checkMonitoringNames(t *testing.T, check func(name string) bool) {
	t.Helper()
	body := scrapeMetrics(t)
	for _, file := range []string{"../deploy/monitoring/alerts.yaml", "../deploy/monitoring/dashboard.json"} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range regexp.MustCompile(`\b(?:derma|temporal|process|go)_[a-z_]+\b`).FindAllString(string(raw), -1) {
			name = strings.TrimSuffix(name, "_bucket")
			if check(name) && !strings.Contains(body, "\n"+name) {
				t.Errorf("%s uses %s, which /metrics does not have", file, name)
			}
		}
	}
}
