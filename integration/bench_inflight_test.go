package integration

import (
	"context"
	"crypto/rand"
	"fmt"
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
	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"derma2go/db"
	"derma2go/devstack"
	"derma2go/workflows"
)

// BenchmarkConsultationsInFlight puts BENCH_INFLIGHT (default 1,000; the
// issue's figure is 10,000, about ten minutes on a quiet machine of this
// size) in-person appointments in flight on a stack of its own and
// measures what they cost while they wait: each is a real
// AppointmentWorkflow, its row in PostgreSQL, its initial projection done,
// with its pending timers (the reminders 24 h and 1 h before, the start)
// a month ahead. The workflows run on a separate `derma worker` process
// (DERMA_BIN, else built into a temporary directory), configured from the
// stack's environment as in production, so that its resident memory can be
// read apart from the API's and the Temporal server's. Reported:
//   - the time to start them (ExecuteWorkflow from 16 clients) and until
//     every one has recorded its first transition (the worker caught up);
//   - the worker's RSS (VmRSS, and its peak VmHWM) then; goal ≤ 1 GiB at
//     10,000, the worker's sticky cache holding every one of them;
//   - the Temporal store's size (the two PostgreSQL databases, or the
//     SQLite file with its WAL) before and after.
//
// The store is the stack's default unless BENCH_INFLIGHT_STORE names one.
func BenchmarkConsultationsInFlight(b *testing.B) {
	n, err := strconv.Atoi(benchEnv("BENCH_INFLIGHT", "1000"))
	if err != nil || n <= 0 {
		b.Fatalf("BENCH_INFLIGHT %q: want a positive number", os.Getenv("BENCH_INFLIGHT"))
	}
	bin := os.Getenv("DERMA_BIN")
	if bin == "" {
		bin = filepath.Join(b.TempDir(), "derma")
		build := exec.Command("go", "build", "-o", bin, "../cmd/derma")
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("build derma: %v\n%s", err, out)
		}
	} else if bin, err = filepath.Abs(bin); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
		s := startBenchStack(b, ctx, os.Getenv("BENCH_INFLIGHT_STORE"))
		s.StopWorker()
		worker := startWorkerProcess(b, s, bin)
		load0 := loadAverage()
		size0 := temporalStoreSize(b, ctx, s)
		rss0, _ := processMemory(worker.Process.Pid)

		ids := insertInPersonRows(b, ctx, s, n)
		began := time.Now()
		startAppointments(b, ctx, s, ids)
		started := time.Since(began)
		waitProjected(b, ctx, s, n)
		settled := time.Since(began)
		// A moment for the worker to finish what it was doing, then read.
		time.Sleep(2 * time.Second)
		rss, hwm := processMemory(worker.Process.Pid)
		size := temporalStoreSize(b, ctx, s)
		pending := pendingTimers(b, ctx, s, ids[len(ids)-1])

		b.ReportMetric(float64(n), "consultations")
		b.ReportMetric(started.Seconds(), "start-s")
		b.ReportMetric(float64(n)/started.Seconds(), "starts/s")
		b.ReportMetric(settled.Seconds(), "settled-s")
		b.ReportMetric(float64(rss)/(1<<20), "worker-rss-MiB")
		b.ReportMetric(float64(hwm)/(1<<20), "worker-peak-rss-MiB")
		b.ReportMetric(float64(size)/(1<<20), "temporal-db-MiB")
		b.Logf("%d in-person appointments in flight on %s: started in %s (%.0f/s), all projected after %s; "+
			"worker RSS %.0f MiB (peak %.0f MiB; %.0f MiB before); Temporal store %.1f MiB (%.1f MiB before, %.1f kB per consultation); "+
			"last one has %d pending timer(s); load average %s → %s",
			n, s.TemporalStore, started.Round(time.Millisecond), float64(n)/started.Seconds(), settled.Round(time.Millisecond),
			float64(rss)/(1<<20), float64(hwm)/(1<<20), float64(rss0)/(1<<20),
			float64(size)/(1<<20), float64(size0)/(1<<20), float64(size-size0)/1024/float64(n),
			pending, load0, loadAverage())
		if pending == 0 {
			b.Errorf("the last appointment has no pending timer")
		}
		if err := s.Stop(); err != nil {
			b.Errorf("stop stack: %v", err)
		}
		cancel()
	}
}

// startWorkerProcess runs `derma worker` with the stack's environment until
// the benchmark ends.
func startWorkerProcess(b *testing.B, s *devstack.Stack, bin string) *exec.Cmd {
	b.Helper()
	cmd := exec.Command(bin, "worker")
	cmd.Env = append(os.Environ(), "LOG_LEVEL=warn")
	for k, v := range s.ProcessEnv {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "METRICS_ADDR=off")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatalf("start worker: %v", err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

// insertInPersonRows writes n in-person consultations of guests, spread
// over the stack's doctors in 20-minute slots a month ahead, as the API's
// booking does before it starts the workflow.
func insertInPersonRows(b *testing.B, ctx context.Context, s *devstack.Stack, n int) []inFlight {
	b.Helper()
	base := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	return insertGuestAppointments(b, ctx, s, n, "inflight", func(i, doctors int) (time.Time, time.Time) {
		start := base.Add(time.Duration(i/doctors) * 20 * time.Minute)
		return start, start.Add(20 * time.Minute)
	})
}

// insertGuestAppointments writes n in-person consultations of guests
// (<prefix>-<i>@example.test, sealed and hashed with the stack's field keys
// as the API stores them, so that their emails really go out), the i-th
// with the i-th of the stack's doctors in turn and the slot slot(i,
// number of doctors) gives it.
func insertGuestAppointments(b *testing.B, ctx context.Context, s *devstack.Stack, n int, prefix string,
	slot func(i, doctors int) (start, end time.Time)) []inFlight {
	b.Helper()
	var doctors []uuid.UUID
	rows, err := s.Platform.Store.Pool.Query(ctx, `SELECT user_id FROM doctors ORDER BY user_id`)
	if err != nil {
		b.Fatal(err)
	}
	doctors, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil || len(doctors) == 0 {
		b.Fatalf("doctors: %v (%d)", err, len(doctors))
	}
	out := make([]inFlight, n)
	batch := &pgx.Batch{}
	for i := range n {
		start, end := slot(i, len(doctors))
		email := fmt.Sprintf("%s-%d-%s@example.test", prefix, i, rand.Text()[:8])
		sealed, err := s.Platform.Fields.EncryptString(db.FieldGuestEmail, email)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = inFlight{id: uuid.New(), doctor: doctors[i%len(doctors)], start: start, end: end, email: email}
		batch.Queue(`INSERT INTO consultations (id, doctor_id, guest_email_enc, guest_email_hash, consultation_type, status, language, amount_cents, slot)
			VALUES ($1, $2, $3, $4, 'in_person', 'scheduled', 'nl', 8500, tstzrange($5, $6))`,
			out[i].id, out[i].doctor, sealed, s.Platform.Fields.Lookup(db.FieldGuestEmail, email), out[i].start, out[i].end)
		if batch.Len() == 500 || i == n-1 {
			if err := s.Platform.Store.Pool.SendBatch(ctx, batch).Close(); err != nil {
				b.Fatalf("insert consultations: %v", err)
			}
			batch = &pgx.Batch{}
		}
	}
	return out
}

// inFlight is one appointment of BenchmarkConsultationsInFlight.
type inFlight struct {
	id, doctor uuid.UUID
	start, end time.Time
	email      string
}

// startAppointments starts the workflows as the API's engine does
// (StartAppointment for in-person), from 16 clients.
func startAppointments(b *testing.B, ctx context.Context, s *devstack.Stack, all []inFlight) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(all) {
					return
				}
				a := all[i]
				id := workflows.ConsultationWorkflowID(a.id.String())
				_, err := s.Platform.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
					ID: id, TaskQueue: workflows.TaskQueue,
					WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
					WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
					TypedSearchAttributes: temporal.NewSearchAttributes(
						workflows.ConsultationTypeKey.ValueSet(string(workflows.TypeInPerson)),
						workflows.DoctorIDKey.ValueSet(a.doctor.String()),
						workflows.ConsultationStatusKey.ValueSet(string(workflows.StatusScheduled)),
						workflows.ScheduledStartKey.ValueSet(a.start),
					),
				}, workflows.AppointmentWorkflowType, workflows.AppointmentInput{
					ConsultationID: a.id.String(), DoctorID: a.doctor.String(), Type: workflows.TypeInPerson,
					AmountCents: 8500, Start: a.start, End: a.end, DoctorTimeZone: "Europe/Amsterdam", Language: "nl",
				})
				if err != nil {
					errs <- fmt.Errorf("start %s: %w", id, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// waitProjected waits until n consultations have recorded their first
// transition (status_seq ≥ 1).
func waitProjected(b *testing.B, ctx context.Context, s *devstack.Stack, n int) {
	b.Helper()
	deadline := time.Now().Add(30 * time.Minute)
	for {
		var done int
		if err := s.Platform.Store.Pool.QueryRow(ctx,
			`SELECT count(*) FROM consultations WHERE consultation_type = 'in_person' AND status_seq >= 1`).Scan(&done); err != nil {
			b.Fatal(err)
		}
		if done >= n {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d projected after 30 minutes", done, n)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// pendingTimers counts the started, unfired timers of one appointment.
func pendingTimers(b *testing.B, ctx context.Context, s *devstack.Stack, a inFlight) int {
	b.Helper()
	it := s.Platform.Temporal.GetWorkflowHistory(ctx, workflows.ConsultationWorkflowID(a.id.String()), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	open := map[int64]bool{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			b.Fatal(err)
		}
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_TIMER_STARTED:
			open[e.GetEventId()] = true
		case enumspb.EVENT_TYPE_TIMER_FIRED:
			delete(open, e.GetTimerFiredEventAttributes().GetStartedEventId())
		case enumspb.EVENT_TYPE_TIMER_CANCELED:
			delete(open, e.GetTimerCanceledEventAttributes().GetStartedEventId())
		}
	}
	return len(open)
}

// temporalStoreSize is the on-disk size of the Temporal server's state.
func temporalStoreSize(b *testing.B, ctx context.Context, s *devstack.Stack) int64 {
	b.Helper()
	if s.TemporalStore == devstack.TemporalStoreSQLite {
		var total int64
		for _, suffix := range []string{"", "-wal"} {
			if fi, err := os.Stat(filepath.Join(s.Dir, "temporal.db"+suffix)); err == nil {
				total += fi.Size()
			}
		}
		return total
	}
	var size int64
	if err := s.Platform.Store.Pool.QueryRow(ctx,
		`SELECT sum(pg_database_size(datname))::bigint FROM pg_database WHERE datname IN ('temporal', 'temporal_visibility')`).Scan(&size); err != nil {
		b.Fatal(err)
	}
	return size
}

// processMemory reads VmRSS and VmHWM (bytes) of a process.
func processMemory(pid int) (rss, hwm int64) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		kb, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			hwm = kb << 10
		}
	}
	return rss, hwm
}
