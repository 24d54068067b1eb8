package loadgen

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/pion/webrtc/v4"

	"derma2go/secure"
	"derma2go/video"
)

// Config is one benchmark run.
type Config struct {
	// SFU is the command line of the SFU process (it must call
	// ServeFromEnv); Env is added to its environment.
	SFU []string
	Env []string
	// Steps are the numbers of concurrent sessions tried, in order.
	Steps []int
	// Settle is the wait after a step's sessions flow, Window the
	// measurement that follows.
	Settle, Window time.Duration
	// Budget bounds the whole ramp: no step starts that would likely end
	// after it.
	Budget time.Duration
	// MaxLoss (a fraction) and MaxP99 (the SFU's forwarding delay) end the
	// ramp when passed.
	MaxLoss float64
	MaxP99  time.Duration
	// Interceptors gives the peers pion's default interceptors (RTCP
	// receiver reports, NACK, TWCC feedback) as browsers have.
	Interceptors bool
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// DefaultConfig is the `make bench` ramp.
func DefaultConfig() Config {
	return Config{
		Steps:  []int{1, 5, 10, 20, 30, 40, 50, 60, 80, 100, 120, 150, 200},
		Settle: 2 * time.Second, Window: 6 * time.Second, Budget: 150 * time.Second,
		MaxLoss: 0.01, MaxP99: 5 * time.Millisecond, Interceptors: true,
	}
}

// Step is what one step measured over its window.
type Step struct {
	Sessions int
	// SFUCores is the SFU process's CPU time over the window ÷ the
	// window (1.0 = one core busy).
	SFUCores float64
	// Forwarded is the SFU's rate of packets written to receivers (per
	// second), CPUPerPacket its CPU time per forwarded packet: it does not
	// depend on whether the load generator kept up its rate.
	Forwarded    float64
	CPUPerPacket time.Duration
	// Sent is the load generator's rate of marked packets (per second; 260
	// per session when it keeps up).
	Sent float64
	// DelayP50, DelayP99 and DelayMean are the SFU's forwarding delay
	// (its histogram, arrival on the socket → write).
	DelayP50, DelayP99, DelayMean time.Duration
	// Loss is the share of marked packets sent that no receiver got (end
	// to end); LossIn the share missing on the way into the SFU (its
	// sequence-gap counter).
	Loss, LossIn float64
	// E2EP50 and E2EP99 are the delays from the sender's write to the
	// receiver's read (both pion stacks, the SFU and loopback).
	E2EP50, E2EP99 time.Duration
	// KbpsIn is the SFU's incoming bitrate per session (both directions).
	KbpsIn float64
	// KernelDrops are the UDP datagrams the kernel dropped on the whole
	// machine because a receive buffer was full.
	KernelDrops int64
	// GenCores is the load generator's own CPU, MachineBusy the whole
	// machine's (0–1 of all cores), Load the 1-minute load average.
	GenCores, MachineBusy, Load float64
	// Failed says why the step missed the limits ("" when it held).
	Failed string
}

// SessionsPerCore is the sessions the SFU would hold per core of its CPU.
func (s Step) SessionsPerCore() float64 {
	if s.SFUCores == 0 {
		return math.Inf(1)
	}
	return float64(s.Sessions) / s.SFUCores
}

// Report is a whole run.
type Report struct {
	Steps []Step
	// Held is the last step within the limits (nil when none was).
	Held *Step
	// Stopped says why the ramp ended.
	Stopped string
	Cores   int
}

// Run starts the SFU process and ramps the sessions.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	began := time.Now()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	sfu, err := startSFU(ctx, cfg, key)
	if err != nil {
		return Report{}, err
	}
	defer sfu.stop()
	fmt.Fprintf(cfg.Log, "SFU process %d at %s (/metrics, /debug/pprof/)\n", sfu.pid(), sfu.base)
	api, err := newAPI(cfg.Interceptors)
	if err != nil {
		return Report{}, err
	}
	g := &generator{cfg: cfg, api: api, sfu: sfu, tokens: video.NewTokens(secure.NewLinks(key), nil), http: &http.Client{Timeout: 10 * time.Second}}
	defer g.closeAll()

	rep := Report{Cores: numCPU()}
	var last time.Duration
	for _, n := range cfg.Steps {
		if err := ctx.Err(); err != nil {
			rep.Stopped = "interrupted"
			break
		}
		if elapsed := time.Since(began); cfg.Budget > 0 && elapsed+last*3/2 > cfg.Budget {
			rep.Stopped = fmt.Sprintf("time budget (%s) reached", cfg.Budget)
			break
		}
		t0 := time.Now()
		st, err := g.step(ctx, n)
		if err != nil {
			return rep, err
		}
		last = time.Since(t0)
		rep.Steps = append(rep.Steps, st)
		fmt.Fprintln(cfg.Log, st.line())
		if st.Failed != "" {
			rep.Stopped = fmt.Sprintf("%d sessions: %s", n, st.Failed)
			break
		}
		rep.Held = &rep.Steps[len(rep.Steps)-1]
	}
	if rep.Stopped == "" {
		rep.Stopped = "all steps held"
	}
	return rep, nil
}

// sfuProcess is the SFU running in its own process.
type sfuProcess struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

func startSFU(ctx context.Context, cfg Config, key []byte) (*sfuProcess, error) {
	if len(cfg.SFU) == 0 {
		return nil, errors.New("loadgen: Config.SFU is empty")
	}
	cmd := exec.Command(cfg.SFU[0], cfg.SFU[1:]...)
	cmd.Env = append(append(os.Environ(), cfg.Env...), KeyEnv+"="+hex.EncodeToString(key))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("loadgen: start the SFU: %w", err)
	}
	p := &sfuProcess{cmd: cmd, done: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), readyPrefix+" "); ok {
				ready <- rest
			}
		}
		p.done <- cmd.Wait()
	}()
	select {
	case p.base = <-ready:
		return p, nil
	case err := <-p.done:
		return nil, fmt.Errorf("loadgen: the SFU exited before listening: %v", err)
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, errors.New("loadgen: the SFU did not listen within 30 s")
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
}

func (p *sfuProcess) pid() int { return p.cmd.Process.Pid }

func (p *sfuProcess) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// generator holds the sessions of a run.
type generator struct {
	cfg    Config
	api    *webrtc.API
	sfu    *sfuProcess
	tokens *video.Tokens
	http   *http.Client
	count  counters
	peers  []*peer
}

// session connects a patient and a doctor to a new room.
func (g *generator) session(ctx context.Context) ([]*peer, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	id := uuid.New()
	ws := "ws" + strings.TrimPrefix(g.sfu.base, "http") + "/ws"
	var out []*peer
	for _, role := range []video.Role{video.RolePatient, video.RoleDoctor} {
		tok := g.tokens.Sign(video.Grant{ConsultationID: id, Role: role, Expires: time.Now().Add(time.Hour)})
		p, err := dial(ctx, g.api, ws, tok, role, &g.count)
		if err != nil {
			for _, q := range out {
				q.close()
			}
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// grow adds sessions until there are n, eight being set up at a time, and
// waits until every peer receives both kinds from the other side.
func (g *generator) grow(ctx context.Context, n int) error {
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
	)
	sem := make(chan struct{}, 8)
	for range n - len(g.peers)/2 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ps, err := g.session(ctx)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			g.peers = append(g.peers, ps...)
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("%d sessions not set up: %w", len(errs), errs[0])
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		waiting := 0
		for _, p := range g.peers {
			if err := p.failure(); err != nil {
				return err
			}
			if !p.flowing() {
				waiting++
			}
		}
		if waiting == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d peers receive no media after 30 s", waiting, len(g.peers))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// sample is the state of the counters at one moment.
type sample struct {
	at          time.Time
	sfuCPU      time.Duration
	genCPU      time.Duration
	busy, total time.Duration
	scrape      scrape
	sent, recv  int64
	delay       []int64
	drops       int64
}

func (g *generator) sample() (sample, error) {
	s := sample{at: time.Now()}
	var err error
	if s.scrape, err = scrapeMetrics(g.http, g.sfu.base+"/metrics"); err != nil {
		return s, err
	}
	if s.sfuCPU, err = processCPU(g.sfu.pid()); err != nil {
		return s, err
	}
	if s.genCPU, err = processCPU(os.Getpid()); err != nil {
		return s, err
	}
	if s.busy, s.total, err = machineCPU(); err != nil {
		return s, err
	}
	if s.drops, err = udpReceiveErrors(); err != nil {
		return s, err
	}
	s.sent, s.recv = g.count.sent.Load(), g.count.received.Load()
	s.delay = g.count.delay.snapshot()
	return s, nil
}

// step grows to n sessions and measures them.
func (g *generator) step(ctx context.Context, n int) (Step, error) {
	st := Step{Sessions: n}
	if err := g.grow(ctx, n); err != nil {
		st.Failed = err.Error()
		return st, nil
	}
	select {
	case <-ctx.Done():
		return st, ctx.Err()
	case <-time.After(g.cfg.Settle):
	}
	a, err := g.sample()
	if err != nil {
		return st, err
	}
	select {
	case <-ctx.Done():
		return st, ctx.Err()
	case <-time.After(g.cfg.Window):
	}
	b, err := g.sample()
	if err != nil {
		return st, err
	}
	for _, p := range g.peers {
		if err := p.failure(); err != nil {
			st.Failed = err.Error()
		}
	}
	wall := b.at.Sub(a.at).Seconds()
	st.SFUCores = (b.sfuCPU - a.sfuCPU).Seconds() / wall
	st.GenCores = (b.genCPU - a.genCPU).Seconds() / wall
	if total := b.total - a.total; total > 0 {
		st.MachineBusy = float64(b.busy-a.busy) / float64(total)
	}
	st.Load = loadAverage()
	st.KernelDrops = b.drops - a.drops
	delay := b.scrape.delaySince(a.scrape)
	st.DelayP50 = seconds(promQuantile(0.5, delay))
	st.DelayP99 = seconds(promQuantile(0.99, delay))
	if c := b.scrape.delayCount - a.scrape.delayCount; c > 0 {
		st.DelayMean = seconds((b.scrape.delaySum - a.scrape.delaySum) / c)
		st.Forwarded = c / wall
		st.CPUPerPacket = (b.sfuCPU - a.sfuCPU) / time.Duration(c)
	}
	st.Sent = float64(b.sent-a.sent) / wall
	if sent := b.sent - a.sent; sent > 0 {
		st.Loss = math.Max(0, 1-float64(b.recv-a.recv)/float64(sent))
	}
	got := b.scrape.counters["derma_video_received_packets_total"] - a.scrape.counters["derma_video_received_packets_total"]
	lost := b.scrape.counters["derma_video_lost_packets_total"] - a.scrape.counters["derma_video_lost_packets_total"]
	if got+lost > 0 {
		st.LossIn = lost / (got + lost)
	}
	st.KbpsIn = (b.scrape.counters["derma_video_received_bytes_total"] - a.scrape.counters["derma_video_received_bytes_total"]) * 8 / 1000 / wall / float64(n)
	st.E2EP50 = latencyQuantile(a.delay, b.delay, 0.5)
	st.E2EP99 = latencyQuantile(a.delay, b.delay, 0.99)
	switch {
	case st.Failed != "":
	case b.scrape.delayCount-a.scrape.delayCount == 0:
		st.Failed = "the SFU forwarded nothing"
	case st.Loss > g.cfg.MaxLoss:
		st.Failed = fmt.Sprintf("loss %.2f %% > %.2f %%", st.Loss*100, g.cfg.MaxLoss*100)
	case st.DelayP99 > g.cfg.MaxP99:
		st.Failed = fmt.Sprintf("forwarding delay p99 %s > %s", st.DelayP99, g.cfg.MaxP99)
	}
	return st, nil
}

func seconds(s float64) time.Duration {
	if math.IsNaN(s) {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}

// closeAll hangs up every peer.
func (g *generator) closeAll() {
	var wg sync.WaitGroup
	for _, p := range g.peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.close()
		}()
	}
	wg.Wait()
	g.peers = nil
}
