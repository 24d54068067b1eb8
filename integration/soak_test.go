package integration

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/devstack"
)

// soakFlatTolerance: a series is flat when the mean of its last third is at
// most this much above the mean of its second third (plus soakSlack*).
const (
	soakFlatTolerance = 0.10
	soakSlackRSS      = 8 << 20
	soakSlackRoutines = 20
)

// TestSoak is `make soak`: the production topology's processes — the dev
// stack's infrastructure, one `derma api` and one `derma worker` (DERMA_BIN)
// configured from the environment — under SOAK_CLIENTS (default 4) clients
// of mixed traffic for SOAK_DURATION (make soak: 30m): guests create email
// advice consultations and fail their payment in the Mollie sandbox (the
// webhook, the signal, the workflow ends), patients read their account and
// consultations, visitors search doctors and list their free slots. Every
// SOAK_SAMPLE (default 10s) it reads process_resident_memory_bytes and
// go_goroutines from both processes' /metrics. It passes when no request
// got a 5xx and every series is flat: the mean of the last third of the
// samples at most 10 % (+ 8 MiB, + 20 goroutines) above the second third's.
// The first third is warm-up (caches, pools, the search index).
func TestSoak(t *testing.T) {
	raw := os.Getenv("SOAK_DURATION")
	if raw == "" {
		t.Skip("the soak runs only under make soak (SOAK_DURATION)")
	}
	duration, err := time.ParseDuration(raw)
	if err != nil || duration < time.Minute {
		t.Fatalf("SOAK_DURATION %q: want a duration of at least 1m", raw)
	}
	sample, err := time.ParseDuration(benchEnv("SOAK_SAMPLE", "10s"))
	if err != nil || sample <= 0 {
		t.Fatalf("SOAK_SAMPLE %q: want a duration", os.Getenv("SOAK_SAMPLE"))
	}
	clients, err := strconv.Atoi(benchEnv("SOAK_CLIENTS", "4"))
	if err != nil || clients <= 0 {
		t.Fatalf("SOAK_CLIENTS %q: want a positive number", os.Getenv("SOAK_CLIENTS"))
	}
	bin, err := filepath.Abs(benchEnv("DERMA_BIN", "../bin/derma"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("DERMA_BIN (make build): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), duration+10*time.Minute)
	defer cancel()
	dir := t.TempDir()
	s, err := devstack.Start(ctx, devstack.Options{
		Dir: filepath.Join(dir, "stack"), TemporalUIAddr: "-", Logger: testLogger(), Seed: true, NoConnect: true,
		InfraOnly: true, TrustedProxies: "127.0.0.1/32",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	apiMetrics, workerMetrics := freeLoopback(t), freeLoopback(t)
	soakProcess(t, bin, "api", s, map[string]string{"METRICS_ADDR": apiMetrics})
	soakProcess(t, bin, "worker", s, map[string]string{"METRICS_ADDR": workerMetrics})
	base := s.ProcessEnv["PUBLIC_URL"]
	waitReady(t, base+"/readyz")
	waitReady(t, "http://"+workerMetrics+"/healthz")

	var tokens []string
	for i := range 4 {
		tok, err := registerOn(s, newEmail(fmt.Sprintf("soak%d", i)), "soak-password-1")
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	doctors := soakDoctors(t, base)

	var ops, failures, serverErrors atomic.Int64
	var firstErr atomic.Value
	note := func(status int, err error) {
		ops.Add(1)
		if err != nil || status >= 500 {
			failures.Add(1)
			if status >= 500 {
				serverErrors.Add(1)
			}
			firstErr.CompareAndSwap(nil, fmt.Sprintf("status %d: %v", status, err))
		}
	}
	load0 := loadAverage()
	end := time.Now().Add(duration)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 13))
			hc := &http.Client{Timeout: time.Minute}
			for n := 0; time.Now().Before(end); n++ {
				doctor := doctors[rng.IntN(len(doctors))]
				switch k := rng.IntN(10); {
				case k < 3:
					note(soakAdvice(hc, base, doctor, fmt.Sprintf("10.%d.%d.%d", 100+c, n>>8&0xff, n&0xff)))
				case k < 6:
					q := []string{"huid", "eczeem", "acne", "Amsterdam", "wrat", "psoriasis"}[rng.IntN(6)]
					note(soakGet(hc, base+"/v1/doctors?q="+url.QueryEscape(q)+"&type=video", ""))
				case k < 8:
					note(soakGet(hc, base+"/v1/doctors/"+doctor+"/slots?type=in_person", ""))
				default:
					tok := tokens[rng.IntN(len(tokens))]
					note(soakGet(hc, base+"/v1/me", tok))
					note(soakGet(hc, base+"/v1/consultations", tok))
				}
			}
		})
	}
	type point struct{ apiRSS, apiG, workerRSS, workerG float64 }
	var points []point
	tick := time.NewTicker(sample)
	for time.Now().Before(end) {
		<-tick.C
		a, aerr := readMetrics("http://" + apiMetrics + "/metrics")
		w, werr := readMetrics("http://" + workerMetrics + "/metrics")
		if aerr != nil || werr != nil {
			t.Errorf("metrics: %v %v", aerr, werr)
			continue
		}
		p := point{a["process_resident_memory_bytes"], a["go_goroutines"], w["process_resident_memory_bytes"], w["go_goroutines"]}
		points = append(points, p)
		t.Logf("%3d  api %6.1f MiB %5.0f goroutines   worker %6.1f MiB %5.0f goroutines   %d requests, %d failed, load %s",
			len(points), p.apiRSS/(1<<20), p.apiG, p.workerRSS/(1<<20), p.workerG, ops.Load(), failures.Load(), loadAverage())
	}
	tick.Stop()
	wg.Wait()
	if len(points) < 6 {
		t.Fatalf("%d samples: run longer or sample more often", len(points))
	}
	third := len(points) / 3
	series := []struct {
		name  string
		get   func(point) float64
		slack float64
		unit  float64
	}{
		{"api RSS (MiB)", func(p point) float64 { return p.apiRSS }, soakSlackRSS, 1 << 20},
		{"api goroutines", func(p point) float64 { return p.apiG }, soakSlackRoutines, 1},
		{"worker RSS (MiB)", func(p point) float64 { return p.workerRSS }, soakSlackRSS, 1 << 20},
		{"worker goroutines", func(p point) float64 { return p.workerG }, soakSlackRoutines, 1},
	}
	mean := func(ps []point, f func(point) float64) float64 {
		var sum float64
		for _, p := range ps {
			sum += f(p)
		}
		return sum / float64(len(ps))
	}
	for _, sr := range series {
		second, last := mean(points[third:2*third], sr.get), mean(points[len(points)-third:], sr.get)
		flat := last <= second*(1+soakFlatTolerance)+sr.slack
		t.Logf("%-18s second third %.1f, last third %.1f (%+.1f %%): flat %v", sr.name, second/sr.unit, last/sr.unit, 100*(last/second-1), flat)
		if !flat {
			t.Errorf("%s grows: last third's mean %.1f > %.0f %% above the second third's %.1f", sr.name, last/sr.unit, 100*soakFlatTolerance, second/sr.unit)
		}
	}
	t.Logf("soak of %s, %d clients: %d requests, %d failed (%d 5xx); load average %s → %s",
		duration, clients, ops.Load(), failures.Load(), serverErrors.Load(), load0, loadAverage())
	if serverErrors.Load() > 0 {
		t.Errorf("%d requests got a 5xx; first: %v", serverErrors.Load(), firstErr.Load())
	}
}

// soakProcess runs `derma <cmd>` with the stack's environment and extra
// until the test ends.
func soakProcess(t *testing.T, bin, cmd string, s *devstack.Stack, extra map[string]string) {
	t.Helper()
	c := exec.Command(bin, cmd)
	c.Env = append(os.Environ(), "LOG_LEVEL=warn")
	for k, v := range s.ProcessEnv {
		if _, ok := extra[k]; !ok {
			c.Env = append(c.Env, k+"="+v)
		}
	}
	for k, v := range extra {
		c.Env = append(c.Env, k+"="+v)
	}
	c.Stdout, c.Stderr = os.Stderr, os.Stderr
	if err := c.Start(); err != nil {
		t.Fatalf("start derma %s: %v", cmd, err)
	}
	t.Cleanup(func() {
		_ = c.Process.Kill()
		_ = c.Wait()
	})
}

// freeLoopback is a free loopback address.
func freeLoopback(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitReady polls u until it answers 200.
func waitReady(t *testing.T, u string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		res, err := http.Get(u)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after 2 minutes: %v", u, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// soakDoctors lists doctors that offer email advice, once the search
// index has them.
func soakDoctors(t *testing.T, base string) []string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		c := &adviceCreator{base: base, http: http.DefaultClient}
		ids, _, err := c.emailAdviceDoctors()
		if err == nil && len(ids) > 0 {
			return ids
		}
		if time.Now().After(deadline) {
			t.Fatalf("no email-advice doctors listed after 2 minutes: %v", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// soakAdvice creates a guest's email advice and fails its payment in the
// sandbox, which ends the workflow.
func soakAdvice(hc *http.Client, base, doctor, source string) (int, error) {
	body, _ := json.Marshal(map[string]string{"type": "email_advice", "doctor_id": doctor, "form": "short",
		"guest_email": "soak-" + uuid.NewString() + "@example.test"})
	req, err := http.NewRequest(http.MethodPost, base+"/v1/consultations", strings.NewReader(string(body)))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", source)
	res, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, fmt.Errorf("POST /v1/consultations → %d: %s", res.StatusCode, b)
	}
	var created struct {
		CheckoutURL string `json:"checkout_url"`
	}
	if err := json.NewDecoder(res.Body).Decode(&created); err != nil {
		return res.StatusCode, err
	}
	pay, err := hc.PostForm(created.CheckoutURL, url.Values{"status": {"failed"}})
	if err != nil {
		return 0, err
	}
	pay.Body.Close()
	return pay.StatusCode, nil
}

// soakGet sends a GET (with a bearer token when given) and drains it.
func soakGet(hc *http.Client, u, token string) (int, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	if res.StatusCode >= 400 {
		return res.StatusCode, fmt.Errorf("GET %s → %d", u, res.StatusCode)
	}
	return res.StatusCode, nil
}

// readMetrics reads the unlabelled samples of a Prometheus text page.
func readMetrics(u string) (map[string]float64, error) {
	res, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.Contains(line, "{") {
			continue
		}
		name, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if v, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err == nil {
			out[name] = v
		}
	}
	return out, sc.Err()
}
