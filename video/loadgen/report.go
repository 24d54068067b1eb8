package loadgen

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

func numCPU() int { return runtime.NumCPU() }

// line is the step's progress line.
func (s Step) line() string {
	out := fmt.Sprintf("sessions %3d: SFU %.3f cores (%.1f sessions/core, %.0f of %.0f packets/s forwarded, %.1f µs CPU each), forward delay p50 %s p99 %s, loss %.3f %% (in %.3f %%, %d kernel drops), e2e p50 %s p99 %s, %.0f kbps in/session, loadgen %.2f cores, machine %.0f %% busy, load %.1f",
		s.Sessions, s.SFUCores, s.SessionsPerCore(), s.Forwarded, s.Sent, us(s.CPUPerPacket), ms(s.DelayP50), ms(s.DelayP99), s.Loss*100, s.LossIn*100, s.KernelDrops,
		ms(s.E2EP50), ms(s.E2EP99), s.KbpsIn, s.GenCores, s.MachineBusy*100, s.Load)
	if s.Failed != "" {
		out += " — FAILED: " + s.Failed
	}
	return out
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)) }

// WriteMarkdown writes the report as the table of docs/benchmarks.md and
// its summary.
func (r Report) WriteMarkdown(w io.Writer, goalPerCore float64) {
	fmt.Fprintln(w, "| sessions | SFU CPU (cores) | SFU CPU per session | sessions per SFU core | packets forwarded /s | SFU CPU per packet | forward delay p50 | p99 | mean | loss end to end | loss into SFU | UDP drops (kernel) | e2e delay p50 | p99 | kbps into SFU per session | load generator CPU | machine busy | load avg |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, s := range r.Steps {
		mark := ""
		if s.Failed != "" {
			mark = " ✗"
		}
		fmt.Fprintf(w, "| %d%s | %.3f | %.2f ms/s | %.1f | %.0f | %.1f µs | %s | %s | %s | %.3f %% | %.3f %% | %d | %s | %s | %.0f | %.2f | %.0f %% | %.1f |\n",
			s.Sessions, mark, s.SFUCores, s.SFUCores/float64(s.Sessions)*1000, s.SessionsPerCore(), s.Forwarded, us(s.CPUPerPacket), ms(s.DelayP50), ms(s.DelayP99), ms(s.DelayMean),
			s.Loss*100, s.LossIn*100, s.KernelDrops, ms(s.E2EP50), ms(s.E2EP99), s.KbpsIn, s.GenCores, s.MachineBusy*100, s.Load)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Stopped: %s. Machine: %d cores (%s/%s, %s).\n", r.Stopped, r.Cores, runtime.GOOS, runtime.GOARCH, runtime.Version())
	if r.Held == nil {
		fmt.Fprintln(w, "No step held within the limits.")
		return
	}
	h := r.Held
	verdict := "meets"
	if h.SessionsPerCore() < goalPerCore || h.DelayP99 > 5*time.Millisecond {
		verdict = "misses"
	}
	fmt.Fprintf(w, "Held: **%s** at %.3f SFU cores, i.e. **%.1f sessions per core of SFU CPU**, forwarding delay p50 %s, p99 %s, loss %.3f %%: %s the goal (≥ %.0f sessions/core, p99 ≤ 5 ms).\n",
		plural(h.Sessions, "session"), h.SFUCores, h.SessionsPerCore(), ms(h.DelayP50), ms(h.DelayP99), h.Loss*100, verdict, goalPerCore)
	if len(r.Steps) > 0 && r.Steps[0].Sessions < h.Sessions {
		b := r.Steps[0]
		fmt.Fprintf(w, "Baseline (%s, same run): %.2f ms/s of SFU CPU per session, p99 %s; at %d sessions: %.2f ms/s per session, p99 %s.\n",
			plural(b.Sessions, "session"), b.SFUCores/float64(b.Sessions)*1000, ms(b.DelayP99), h.Sessions, h.SFUCores/float64(h.Sessions)*1000, ms(h.DelayP99))
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
