package integration

import (
	"context"
	"net/textproto"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"derma2go/devstack/mailsink"
)

// benchReminderBaseline is how many lone reminders, 5 s apart, come due in
// the minute before the burst: the baseline of the same run.
const benchReminderBaseline = 10

// BenchmarkRemindersDueInOneMinute: BENCH_REMINDERS (default 1,000)
// in-person appointments whose one-hour reminders all come due in the same
// minute, spread evenly over it, and the delay of each from its due moment
// to its email in the SMTP sink — the appointment workflow's timer firing
// on the Temporal server, its workflow task, the SendEmail activity
// (PostgreSQL reads, decryption, rendering) and the SMTP session, on the
// stack's real worker. Goal: p99 ≤ 5 s. Baseline in the same run: ten
// reminders due one at a time, 5 s apart, in the minute before.
//
// Each appointment is a real AppointmentWorkflow of a guest (the address
// sealed with the stack's field keys), started as the API starts one, one
// hour and a bit ahead; its 24-hour reminder is already past and skipped.
// The reminders come due BENCH_REMINDER_LEAD (default 4m, rounded up to
// the minute) after the benchmark starts, which must leave the stack time
// to start every workflow and arm its timers first.
func BenchmarkRemindersDueInOneMinute(b *testing.B) {
	n, err := strconv.Atoi(benchEnv("BENCH_REMINDERS", "1000"))
	if err != nil || n <= 0 {
		b.Fatalf("BENCH_REMINDERS %q: want a positive number", os.Getenv("BENCH_REMINDERS"))
	}
	lead, err := time.ParseDuration(benchEnv("BENCH_REMINDER_LEAD", "4m"))
	if err != nil || lead < time.Minute {
		b.Fatalf("BENCH_REMINDER_LEAD %q: want a duration of at least 1m", os.Getenv("BENCH_REMINDER_LEAD"))
	}
	for range b.N {
		ctx, cancel := context.WithTimeout(context.Background(), lead+15*time.Minute)
		s := startBenchStack(b, ctx, os.Getenv("BENCH_REMINDER_STORE"))
		load0 := loadAverage()
		burst := time.Now().Add(lead).Truncate(time.Minute).Add(time.Minute)
		lone := burst.Add(-time.Minute)
		// due(i): the baseline's first, then the burst spread evenly over
		// its minute.
		due := func(i int) time.Time {
			if i < benchReminderBaseline {
				return lone.Add(time.Duration(i) * 5 * time.Second)
			}
			return burst.Add(time.Duration(i-benchReminderBaseline) * time.Minute / time.Duration(n))
		}
		total := n + benchReminderBaseline
		all := insertGuestAppointments(b, ctx, s, total, "reminder", func(i, _ int) (time.Time, time.Time) {
			start := due(i).Add(time.Hour)
			return start, start.Add(5 * time.Second)
		})
		dueOf := make(map[string]time.Time, total)
		for i, a := range all {
			dueOf[a.id.String()] = due(i)
		}
		sent := make(map[string]time.Time, total)
		var mu sync.Mutex
		collected := make(chan error, 1)
		go func() {
			_, err := s.Mail.WaitFor(ctx, func(m mailsink.Message) bool {
				ids := m.Headers[textproto.CanonicalMIMEHeaderKey("X-Derma2Go-Consultation")]
				if len(ids) == 0 || !strings.HasPrefix(m.Subject, "Herinnering:") {
					return false
				}
				mu.Lock()
				defer mu.Unlock()
				if _, ours := dueOf[ids[0]]; ours {
					if _, seen := sent[ids[0]]; !seen {
						sent[ids[0]] = m.ReceivedAt
					}
				}
				return len(sent) == total
			})
			collected <- err
		}()

		began := time.Now()
		startAppointments(b, ctx, s, all)
		started := time.Since(began)
		waitProjected(b, ctx, s, total)
		armed := time.Since(began)
		if margin := time.Until(lone); margin < 5*time.Second {
			b.Fatalf("%d appointments started in %s and projected after %s, %s before the first reminder is due: raise BENCH_REMINDER_LEAD (%s)",
				total, started.Round(time.Second), armed.Round(time.Second), margin.Round(time.Second), lead)
		}
		loadDue := loadAverage()
		count := func() int {
			mu.Lock()
			defer mu.Unlock()
			return len(sent)
		}
		select {
		case err := <-collected:
			if err != nil {
				b.Fatalf("%d of %d reminders in the sink: %v", count(), total, err)
			}
		case <-time.After(time.Until(burst.Add(11 * time.Minute))):
			b.Fatalf("%d of %d reminders in the sink 10 minutes after the burst's minute", count(), total)
		}
		mu.Lock()
		var loneDelays, burstDelays []time.Duration
		for i, a := range all {
			d := sent[a.id.String()].Sub(due(i))
			if i < benchReminderBaseline {
				loneDelays = append(loneDelays, d)
			} else {
				burstDelays = append(burstDelays, d)
			}
		}
		mu.Unlock()
		slices.Sort(loneDelays)
		slices.Sort(burstDelays)
		ms := percentileMs
		b.ReportMetric(ms(burstDelays, 0.5), "burst-p50-ms")
		b.ReportMetric(ms(burstDelays, 0.99), "burst-p99-ms")
		b.ReportMetric(ms(burstDelays, 1), "burst-max-ms")
		b.ReportMetric(ms(loneDelays, 0.5), "lone-p50-ms")
		b.ReportMetric(ms(loneDelays, 1), "lone-max-ms")
		b.Logf("%d reminders due within %s on %s: due → in the sink p50 %.0f ms, p99 %.0f ms, max %.0f ms; "+
			"baseline, %d lone reminders 5 s apart: p50 %.0f ms, max %.0f ms; %d workflows started in %s, projected after %s; "+
			"load average %s at the start, %s when the first came due, %s at the end; worker %+v",
			n, time.Minute, s.TemporalStore, ms(burstDelays, 0.5), ms(burstDelays, 0.99), ms(burstDelays, 1),
			benchReminderBaseline, ms(loneDelays, 0.5), ms(loneDelays, 1), total, started.Round(time.Millisecond), armed.Round(time.Millisecond),
			load0, loadDue, loadAverage(), s.Config.Worker)
		sentAt := func(id string) time.Time {
			mu.Lock()
			defer mu.Unlock()
			return sent[id]
		}
		logReminderStages(b, ctx, s, "baseline", all[:benchReminderBaseline], 0, 1, due, sentAt)
		logReminderStages(b, ctx, s, "burst", all, benchReminderBaseline, max(1, n/100), due, sentAt)
		if p99 := ms(burstDelays, 0.99); p99 > 5000 {
			b.Logf("over the goal: p99 %.0f ms > 5000 ms", p99)
		}
		if err := s.Stop(); err != nil {
			b.Errorf("stop stack: %v", err)
		}
		cancel()
	}
}
