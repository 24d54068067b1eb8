// Command chaos is `make chaos`: the production topology on one machine
// (PostgreSQL, the Temporal server in a process of its own, two `derma api`
// and two `derma worker` processes behind a load balancer, the mail sink
// and the Mollie sandbox) under a workload of consultations of every type
// driven through the public HTTP API, while a monkey kills an API
// instance, a worker, the Temporal server (SIGKILL) and PostgreSQL
// (pg_ctl stop -m immediate) at random moments, several times each, and
// starts them again. Then everything is driven to its end and checked:
// every consultation in its expected final state and its workflow closed,
// no duplicate charge, refund, invoice or email (counted in the sandbox and
// the mail sink), and the invariants in PostgreSQL (no overlapping
// bookings, gap-free invoice and credit-note numbers, exactly one invoice
// per paid consultation). It exits 1 on any violation.
//
//	chaos                run (environment: see config below)
//	chaos temporal ...   the Temporal server process it starts itself
//
// It links the Temporal server (for its own child process); nothing
// imports it.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"derma2go/devstack"
)

// settings of one run, from the environment.
type settings struct {
	// smoke is SMOKE=1: a few consultations per type, one kill of each
	// kind, done in under 3 minutes.
	smoke bool
	// perType is CHAOS_PER_TYPE: consultations of each type (100; smoke 4).
	perType int
	// killsPerKind is CHAOS_KILLS: kills of each kind (3; smoke 1).
	killsPerKind int
	// duration is CHAOS_DURATION: the bound of the run after the stack is
	// up (12m; smoke 2m).
	duration time.Duration
	// seed is CHAOS_SEED: the random seed (default: the clock), printed so
	// that a run can be repeated.
	seed uint64
	// bin is BIN: the derma binary (bin/derma).
	bin string
	// dir is CHAOS_DIR: the state directory (default a new temporary one,
	// removed after a passing run, kept after a failing one).
	dir string
	// noKills is CHAOS_KILLS=0: the same run without the monkey (baseline).
	noKills bool
	// temporalStore is CHAOS_TEMPORAL_STORE: where the Temporal server
	// keeps its state, sqlite (default) or postgres (the private cluster,
	// so a PostgreSQL kill takes Temporal's persistence down too).
	temporalStore string
}

func envInt(k string, def int) (int, error) {
	v := os.Getenv(k)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("chaos: %s=%q is not a count", k, v)
	}
	return n, nil
}

func readSettings() (settings, error) {
	s := settings{smoke: os.Getenv("SMOKE") == "1", bin: os.Getenv("BIN"), dir: os.Getenv("CHAOS_DIR")}
	perType, kills, dur := 100, 3, 12*time.Minute
	if s.smoke {
		perType, kills, dur = 4, 1, 2*time.Minute
	}
	var err error
	if s.perType, err = envInt("CHAOS_PER_TYPE", perType); err != nil {
		return s, err
	}
	if s.killsPerKind, err = envInt("CHAOS_KILLS", kills); err != nil {
		return s, err
	}
	s.noKills = s.killsPerKind == 0
	s.duration = dur
	if v := os.Getenv("CHAOS_DURATION"); v != "" {
		if s.duration, err = time.ParseDuration(v); err != nil || s.duration <= 0 {
			return s, fmt.Errorf("chaos: CHAOS_DURATION=%q is not a duration", v)
		}
		if s.duration > 15*time.Minute {
			return s, fmt.Errorf("chaos: CHAOS_DURATION=%s: at most 15m", s.duration)
		}
	}
	s.seed = uint64(time.Now().UnixNano())
	if v := os.Getenv("CHAOS_SEED"); v != "" {
		if s.seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			return s, fmt.Errorf("chaos: CHAOS_SEED=%q is not a number", v)
		}
	}
	switch s.temporalStore = os.Getenv("CHAOS_TEMPORAL_STORE"); s.temporalStore {
	case "":
		s.temporalStore = devstack.TemporalStoreSQLite
	case devstack.TemporalStoreSQLite, devstack.TemporalStorePostgres:
	default:
		return s, fmt.Errorf("chaos: CHAOS_TEMPORAL_STORE=%q: sqlite or postgres", s.temporalStore)
	}
	if s.bin == "" {
		s.bin = "bin/derma"
	}
	if s.bin, err = filepath.Abs(s.bin); err != nil {
		return s, fmt.Errorf("chaos: %w", err)
	}
	if _, err := os.Stat(s.bin); err != nil {
		return s, fmt.Errorf("chaos: the derma binary (BIN, default bin/derma; make build): %w", err)
	}
	return s, nil
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "temporal" {
		if err := runTemporal(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "chaos temporal:", err)
			os.Exit(1)
		}
		return
	}
	s, err := readSettings()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ok, err := run(ctx, s)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

func run(ctx context.Context, s settings) (bool, error) {
	started := time.Now()
	removeDir := false
	if s.dir == "" {
		dir, err := os.MkdirTemp("", "derma-chaos-")
		if err != nil {
			return false, err
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			return false, err
		}
		s.dir, removeDir = dir, true
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return false, err
	}
	self, err := os.Executable()
	if err != nil {
		return false, err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	mode := "full"
	if s.smoke {
		mode = "smoke"
	}
	fmt.Printf("chaos: %s run, %d consultations per type, %d kills per kind, bound %s, seed %d, Temporal on %s, state in %s\n",
		mode, s.perType, s.killsPerKind, s.duration, s.seed, s.temporalStore, s.dir)

	passed := false
	defer func() {
		if passed && removeDir {
			_ = os.RemoveAll(s.dir)
		} else {
			fmt.Printf("chaos: state and logs kept in %s\n", s.dir)
		}
	}()
	in, err := startInfra(ctx, s.dir, self, s.temporalStore, logger)
	if err != nil {
		return false, err
	}
	defer in.stop()
	apis, workers, err := startProcesses(ctx, in, s)
	defer func() {
		for _, p := range append(apis, workers...) {
			p.stop()
		}
	}()
	if err != nil {
		return false, err
	}
	fmt.Printf("chaos: stack up in %s (PostgreSQL, Temporal, 2 APIs behind %s, 2 workers)\n", time.Since(started).Round(time.Second), in.publicURL)

	rng := rand.New(rand.NewPCG(s.seed, s.seed^0x9e3779b97f4a7c15))
	r := &runner{s: s, in: in, apis: apis, workers: workers, rng: rng, st: &stats{}}
	passed, err = r.run(ctx)
	return passed, err
}

// startProcesses starts two API and two worker processes of the derma
// binary against the infrastructure, configured only by environment
// variables as in production, and puts the APIs behind the balancer.
func startProcesses(ctx context.Context, in *infra, s settings) (apis, workers []*proc, err error) {
	var shared []string
	for k, v := range in.env {
		shared = append(shared, k+"="+v)
	}
	var backends []string
	for i := 1; i <= 2; i++ {
		listen, err := freeAddr()
		if err != nil {
			return apis, workers, err
		}
		metrics, err := freeAddr()
		if err != nil {
			return apis, workers, err
		}
		udp, err := freeAddr()
		if err != nil {
			return apis, workers, err
		}
		tcp, err := freeAddr()
		if err != nil {
			return apis, workers, err
		}
		env := append(append([]string{}, shared...), "LISTEN_ADDR="+listen, "METRICS_ADDR="+metrics,
			"SEARCH_DIR="+filepath.Join(s.dir, fmt.Sprintf("search-api%d", i)), "VIDEO_UDP_ADDR="+udp, "VIDEO_TCP_ADDR="+tcp)
		p := &proc{name: fmt.Sprintf("api%d", i), kind: kindAPI, dir: s.dir, args: []string{s.bin, "api"}, env: env,
			logger: in.logger, ready: httpReady("http://" + listen + "/readyz")}
		apis = append(apis, p)
		backends = append(backends, listen)
	}
	for j := 1; j <= 2; j++ {
		metrics, err := freeAddr()
		if err != nil {
			return apis, workers, err
		}
		env := append(append([]string{}, shared...), "METRICS_ADDR="+metrics)
		workers = append(workers, &proc{name: fmt.Sprintf("worker%d", j), kind: kindWorker, dir: s.dir, args: []string{s.bin, "worker"},
			env: env, logger: in.logger, ready: httpReady("http://" + metrics + "/healthz")})
	}
	in.lb.set(backends)
	for _, p := range append(append([]*proc{}, apis...), workers...) {
		if err := p.start(ctx); err != nil {
			return apis, workers, err
		}
	}
	return apis, workers, nil
}
