package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"derma2go/devstack"
)

// BenchmarkTemporalStores compares the dev stack's two Temporal stores in
// one run: for each of SQLite and PostgreSQL it starts a stack of its own
// (seeded, Connect off so that email advice is paid on the platform's
// account), then measures
//   - bare workflow starts per second: client.ExecuteWorkflow of the empty
//     workflow (the call returns once the server has persisted the start),
//     benchOps from benchConcurrency clients;
//   - the API's create path: POST /v1/consultations of email advice until
//     201 (row, UpdateWithStart, the checkout update with the Mollie
//     payment), p50 and p95, the same count and concurrency.
//
// The stores run one after the other, in the order of
// BENCH_STORES (default "sqlite,postgres"); each figure is reported with the
// store's name, and the load average before and after each store is logged,
// since the machine is shared.
func BenchmarkTemporalStores(b *testing.B) {
	stores := strings.Split(benchEnv("BENCH_STORES", "sqlite,postgres"), ",")
	for _, store := range stores {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		s := startBenchStack(b, ctx, store)
		load0 := loadAverage()
		creator := newAdviceCreatorAt(b, s.APIURL)
		startEmptyWorkerOn(b, s.Platform.Temporal)
		starter := func(ctx context.Context) (string, error) {
			id := "bench-start/" + uuid.NewString()
			_, err := s.Platform.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: benchEmptyTaskQueue}, benchEmptyWorkflowType)
			return id, err
		}
		for _, op := range []benchOp{starter, creator.create} {
			if _, err := runPhase(benchWarmup, benchConcurrency, op); err != nil {
				b.Fatalf("%s warm-up: %v", store, err)
			}
		}
		// A failed call (under load: a create past TEMPORAL_CALL_TIMEOUT,
		// 503) is counted, not fatal: how often each store fails is part
		// of the comparison.
		var starts, creates phase
		var failed [2]int
		for range b.N {
			for k, op := range []benchOp{starter, creator.create} {
				p, err := runPhase(benchOps, benchConcurrency, op)
				if err != nil {
					failed[k] += benchOps - p.ops
					b.Logf("%s: %v", store, err)
				}
				if k == 0 {
					starts = starts.merge(p)
				} else {
					creates = creates.merge(p)
				}
			}
		}
		b.ReportMetric(float64(failed[0]+failed[1]), store+"-failed")
		b.ReportMetric(starts.rate(), store+"-starts/s")
		b.ReportMetric(creates.rate(), store+"-creates/s")
		b.ReportMetric(creates.percentile(0.50), store+"-create-p50-ms")
		b.ReportMetric(creates.percentile(0.95), store+"-create-p95-ms")
		b.Logf("%s: %.1f workflow starts/s (p50 %.1f ms, p95 %.1f ms, %d failed); create path %.1f/s, p50 %.1f ms, p95 %.1f ms (%d failed); load average %s → %s",
			store, starts.rate(), starts.percentile(0.5), starts.percentile(0.95), failed[0],
			creates.rate(), creates.percentile(0.5), creates.percentile(0.95), failed[1], load0, loadAverage())
		creator.http.CloseIdleConnections()
		if err := s.Stop(); err != nil {
			b.Errorf("stop %s stack: %v", store, err)
		}
		cancel()
	}
}

// startBenchStack starts a seeded stack of its own on the given Temporal
// store and waits until its search index lists the doctors.
func startBenchStack(b *testing.B, ctx context.Context, store string) *devstack.Stack {
	b.Helper()
	dir, err := newStackDir()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	s, err := devstack.Start(ctx, devstack.Options{
		Dir: filepath.Join(dir, "stack"), TemporalUIAddr: "-", Logger: testLogger(), Seed: true, NoConnect: true,
		TemporalStore: store, TrustedProxies: "127.0.0.1/32",
	})
	if err != nil {
		b.Fatalf("%s stack: %v", store, err)
	}
	if store != "" && s.TemporalStore != store {
		b.Fatalf("stack runs on %s, want %s", s.TemporalStore, store)
	}
	return s
}

// benchEnv is the environment variable k, or def when it is unset.
func benchEnv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// loadAverage is /proc/loadavg's three figures.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return fmt.Sprintf("%s %s %s", f[0], f[1], f[2])
}
