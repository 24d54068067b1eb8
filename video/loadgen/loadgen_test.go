package loadgen

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// sfuEnv makes the test binary the SFU process of the ramp test.
const sfuEnv = "LOADGEN_TEST_SFU"

func TestMain(m *testing.M) {
	if os.Getenv(sfuEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		err := ServeFromEnv(ctx)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRampAgainstASeparateSFUProcess runs two small steps against the SFU
// in a child process: sessions flow both ways at the synthetic bitrate, the
// SFU's CPU, forwarding delay and the loss are measured.
func TestRampAgainstASeparateSFUProcess(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SFU = []string{os.Args[0]}
	cfg.Env = []string{sfuEnv + "=1"}
	cfg.Steps = []int{1, 2}
	cfg.Settle, cfg.Window = time.Second, 3*time.Second
	// The machine is shared: the limits here check the measuring, not the SFU.
	cfg.MaxP99, cfg.MaxLoss = time.Second, 0.05
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Steps) != 2 || rep.Held == nil || rep.Held.Sessions != 2 {
		t.Fatalf("report %+v", rep)
	}
	for _, s := range rep.Steps {
		t.Log(s.line())
		if s.Failed != "" {
			t.Fatalf("step %d failed: %s", s.Sessions, s.Failed)
		}
		if s.SFUCores <= 0 || s.SFUCores > float64(rep.Cores) {
			t.Errorf("step %d: SFU cores %v", s.Sessions, s.SFUCores)
		}
		// The SFU forwards what the peers sent (each packet to one
		// receiver), however fast a busy machine let them send: nominally
		// 2 peers × (79 video + 50 audio packets/s).
		if s.Sent < 100*float64(s.Sessions) || s.Sent > 320*float64(s.Sessions) {
			t.Errorf("step %d: the peers sent %.0f packets/s", s.Sessions, s.Sent)
		}
		if s.Forwarded < s.Sent*0.9 || s.Forwarded > s.Sent*1.1 || s.CPUPerPacket <= 0 {
			t.Errorf("step %d: %.0f packets/s forwarded of %.0f sent, %s CPU each", s.Sessions, s.Forwarded, s.Sent, s.CPUPerPacket)
		}
		if s.DelayP50 <= 0 || s.DelayP99 < s.DelayP50 || s.DelayMean <= 0 {
			t.Errorf("step %d: forwarding delay p50 %s p99 %s mean %s", s.Sessions, s.DelayP50, s.DelayP99, s.DelayMean)
		}
		if s.E2EP50 <= 0 || s.E2EP99 < s.E2EP50 {
			t.Errorf("step %d: end-to-end delay p50 %s p99 %s", s.Sessions, s.E2EP50, s.E2EP99)
		}
		// 2 × (500 kbps video + 32 kbps audio) of payload plus RTP headers
		// is ~1,090 kbps per session at 258 packets/s: ~525 bytes a packet.
		if perPacket := s.KbpsIn * 1000 / 8 * float64(s.Sessions) / s.Sent; perPacket < 450 || perPacket > 600 {
			t.Errorf("step %d: %.0f kbps into the SFU per session at %.0f packets/s: %.0f bytes a packet, want about 525", s.Sessions, s.KbpsIn, s.Sent, perPacket)
		}
	}
}

func TestPromQuantileInterpolatesLikePrometheus(t *testing.T) {
	bs := []bucket{{le: math.Inf(1), count: 100}, {le: 0.001, count: 50}, {le: 0.002, count: 90}, {le: 0.005, count: 100}}
	for _, c := range []struct{ q, want float64 }{{0.5, 0.001}, {0.25, 0.0005}, {0.7, 0.0015}, {0.95, 0.0035}, {1, 0.005}} {
		if got := promQuantile(c.q, bs); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("q %v = %v, want %v", c.q, got, c.want)
		}
	}
	// Samples above the highest bound: the highest finite bound.
	if got := promQuantile(0.99, []bucket{{le: 0.001, count: 1}, {le: math.Inf(1), count: 10}}); got != 0.001 {
		t.Errorf("q in +Inf = %v", got)
	}
	if got := promQuantile(0.5, []bucket{{le: 0.001, count: 0}, {le: math.Inf(1), count: 0}}); !math.IsNaN(got) {
		t.Errorf("no samples = %v, want NaN", got)
	}
}

func TestLatencyQuantileOverAWindow(t *testing.T) {
	var l latency
	l.observe(10 * time.Second) // before the window
	before := l.snapshot()
	for i := range 100 {
		l.observe(time.Duration(i) * 100 * time.Microsecond) // 0 … 9.9 ms
	}
	after := l.snapshot()
	if got := latencyQuantile(before, after, 0.5); got != 4925*time.Microsecond { // the 50th value, 4.9 ms, in the step up to 4.925 ms
		t.Errorf("p50 = %s", got)
	}
	if got := latencyQuantile(before, after, 0.99); got != 9825*time.Microsecond {
		t.Errorf("p99 = %s", got)
	}
	if got := latencyQuantile(after, after, 0.99); got != 0 {
		t.Errorf("empty window = %s", got)
	}
}

func TestParseProcStat(t *testing.T) {
	line := "4242 (sfu bench) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 12 0 99 123456 789 18446744073709551615\n"
	got, err := parseProcStat([]byte(line))
	if err != nil || got != 3250*time.Millisecond {
		t.Fatalf("parseProcStat = %s, %v; want 3.25s (325 ticks)", got, err)
	}
	if _, err := parseProcStat([]byte("4242 (x) S 1 2")); err == nil {
		t.Fatal("a short line was accepted")
	}
	// The test process's own CPU time grows while it spins.
	deadline := time.Now().Add(20 * time.Second)
	for {
		self, err := processCPU(os.Getpid())
		if err != nil {
			t.Fatal(err)
		}
		if self > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("processCPU(self) stayed 0 while spinning for 20 s")
		}
		for spin := time.Now(); time.Since(spin) < time.Millisecond; {
		}
	}
}

func TestScrapeSumsTheDelayHistogramOverKinds(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "derma_video_forward_delay_seconds", Buckets: []float64{.001, .005}}, []string{"kind"})
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "derma_video_received_packets_total"}, []string{"kind"})
	reg.MustRegister(h, c)
	h.WithLabelValues("audio").Observe(.0005)
	h.WithLabelValues("video").Observe(.003)
	h.WithLabelValues("video").Observe(.01)
	c.WithLabelValues("audio").Add(3)
	c.WithLabelValues("video").Add(4)
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	s, err := scrapeMetrics(srv.Client(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	want := []bucket{{.001, 1}, {.005, 2}, {math.Inf(1), 3}}
	if fmt.Sprint(s.delay) != fmt.Sprint(want) || s.delayCount != 3 || math.Abs(s.delaySum-.0135) > 1e-12 {
		t.Fatalf("delay %v count %v sum %v; want %v, 3, 0.0135", s.delay, s.delayCount, s.delaySum, want)
	}
	if s.counters["derma_video_received_packets_total"] != 7 {
		t.Fatalf("counters %v", s.counters)
	}
}

func TestParseSNMPRcvbufErrors(t *testing.T) {
	snmp := "Ip: Forwarding DefaultTTL\nIp: 1 64\nUdp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors\nUdp: 570038 76 26708 596939 26709 0\nUdpLite: InDatagrams RcvbufErrors\nUdpLite: 0 0\n"
	if n, err := parseSNMPRcvbufErrors(snmp); err != nil || n != 26709 {
		t.Fatalf("RcvbufErrors = %d, %v", n, err)
	}
	if _, err := parseSNMPRcvbufErrors("Ip: a\nIp: 1\n"); err == nil {
		t.Fatal("no Udp lines accepted")
	}
	if _, err := udpReceiveErrors(); err != nil {
		t.Fatal(err)
	}
}
