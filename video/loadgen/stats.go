package loadgen

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/common/expfmt"
)

// latency is a histogram of delays in 25 µs steps up to 100 ms (and one
// bucket above), safe for concurrent use.
type latency struct {
	buckets [latencyBuckets + 1]atomic.Int64
}

const (
	latencyStep    = 25 * time.Microsecond
	latencyBuckets = int(100 * time.Millisecond / latencyStep)
)

func (l *latency) observe(d time.Duration) {
	i := int(d / latencyStep)
	if i < 0 {
		i = 0
	}
	if i > latencyBuckets {
		i = latencyBuckets
	}
	l.buckets[i].Add(1)
}

// snapshot copies the counts.
func (l *latency) snapshot() []int64 {
	out := make([]int64, len(l.buckets))
	for i := range l.buckets {
		out[i] = l.buckets[i].Load()
	}
	return out
}

// latencyQuantile is the q-quantile of the delays counted between two
// snapshots (the upper edge of its 25 µs step), 0 without samples.
func latencyQuantile(before, after []int64, q float64) time.Duration {
	var total int64
	for i := range after {
		total += after[i] - before[i]
	}
	if total == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(total)))
	var seen int64
	for i := range after {
		seen += after[i] - before[i]
		if seen >= rank {
			return time.Duration(i+1) * latencyStep
		}
	}
	return time.Duration(len(after)) * latencyStep
}

// bucket is one cumulative bucket of a Prometheus histogram.
type bucket struct {
	le    float64
	count float64
}

// promQuantile is Prometheus' histogram_quantile over cumulative buckets
// (the difference of two scrapes): linear within the bucket, the highest
// finite bound when it falls in +Inf. It returns NaN without samples.
func promQuantile(q float64, bs []bucket) float64 {
	sort.Slice(bs, func(i, j int) bool { return bs[i].le < bs[j].le })
	if len(bs) == 0 || bs[len(bs)-1].count == 0 {
		return math.NaN()
	}
	total := bs[len(bs)-1].count
	rank := q * total
	lower, below := 0.0, 0.0
	for i, b := range bs {
		if b.count >= rank {
			if math.IsInf(b.le, 1) {
				if i == 0 {
					return math.NaN()
				}
				return bs[i-1].le
			}
			if b.count == below {
				return b.le
			}
			return lower + (b.le-lower)*(rank-below)/(b.count-below)
		}
		lower, below = b.le, b.count
	}
	return bs[len(bs)-1].le
}

// scrape is what the load generator reads from the SFU's /metrics.
type scrape struct {
	// delay are the cumulative buckets of
	// derma_video_forward_delay_seconds, all kinds summed.
	delay []bucket
	// delaySum and delayCount are its sum and count.
	delaySum, delayCount float64
	// counters are the sums over labels of the other series used.
	counters map[string]float64
}

// scrapeMetrics reads and parses url.
func scrapeMetrics(client *http.Client, url string) (scrape, error) {
	resp, err := client.Get(url)
	if err != nil {
		return scrape{}, fmt.Errorf("scrape: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return scrape{}, fmt.Errorf("scrape: %s", resp.Status)
	}
	var parser expfmt.TextParser
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return scrape{}, fmt.Errorf("scrape: %w", err)
	}
	s := scrape{counters: map[string]float64{}}
	byBound := map[float64]float64{}
	for name, f := range families {
		for _, m := range f.GetMetric() {
			switch {
			case name == "derma_video_forward_delay_seconds":
				h := m.GetHistogram()
				s.delaySum += h.GetSampleSum()
				s.delayCount += float64(h.GetSampleCount())
				inf := false
				for _, b := range h.GetBucket() {
					byBound[b.GetUpperBound()] += float64(b.GetCumulativeCount())
					inf = inf || math.IsInf(b.GetUpperBound(), 1)
				}
				if !inf {
					byBound[math.Inf(1)] += float64(h.GetSampleCount())
				}
			case m.GetCounter() != nil:
				s.counters[name] += m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				s.counters[name] += m.GetGauge().GetValue()
			}
		}
	}
	for le, c := range byBound {
		s.delay = append(s.delay, bucket{le: le, count: c})
	}
	sort.Slice(s.delay, func(i, j int) bool { return s.delay[i].le < s.delay[j].le })
	return s, nil
}

// delaySince are the delay buckets observed between before and s.
func (s scrape) delaySince(before scrape) []bucket {
	prev := map[float64]float64{}
	for _, b := range before.delay {
		prev[b.le] = b.count
	}
	out := make([]bucket, len(s.delay))
	for i, b := range s.delay {
		out[i] = bucket{le: b.le, count: b.count - prev[b.le]}
	}
	return out
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times (100 on every
// Linux ABI).
const clockTicks = 100

// processCPU is the CPU time (user + system) the process pid has used.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseProcStat(b)
}

// parseProcStat reads utime and stime (fields 14 and 15) of a
// /proc/<pid>/stat line; the command name in parentheses may hold spaces.
func parseProcStat(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("proc stat: no command name")
	}
	fields := strings.Fields(string(b[i+1:]))
	// fields[0] is field 3 (state): utime is field 14, stime 15.
	if len(fields) < 13 {
		return 0, fmt.Errorf("proc stat: %d fields", len(fields))
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("proc stat: utime %q stime %q", fields[11], fields[12])
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// machineCPU is the machine's busy and total CPU time so far (/proc/stat,
// all cores; busy is everything but idle and iowait).
func machineCPU() (busy, total time.Duration, err error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line)
	if len(fields) < 6 || fields[0] != "cpu" {
		return 0, 0, fmt.Errorf("/proc/stat: %q", line)
	}
	var sum, idle int64
	for i, f := range fields[1:] {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/stat: %w", err)
		}
		if i >= 8 { // guest time is already counted in user
			break
		}
		sum += v
		if i == 3 || i == 4 {
			idle += v
		}
	}
	return time.Duration(sum-idle) * time.Second / clockTicks, time.Duration(sum) * time.Second / clockTicks, nil
}

// loadAverage is the first figure of /proc/loadavg.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return math.NaN()
	}
	f, _, _ := strings.Cut(string(b), " ")
	v, err := strconv.ParseFloat(f, 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

// udpReceiveErrors is the machine's count of UDP datagrams dropped because
// a socket's receive buffer was full (RcvbufErrors in /proc/net/snmp).
func udpReceiveErrors() (int64, error) {
	b, err := os.ReadFile("/proc/net/snmp")
	if err != nil {
		return 0, err
	}
	return parseSNMPRcvbufErrors(string(b))
}

// parseSNMPRcvbufErrors finds RcvbufErrors in the Udp lines of
// /proc/net/snmp (a header line of names, then one of values).
func parseSNMPRcvbufErrors(snmp string) (int64, error) {
	var names []string
	for _, line := range strings.Split(snmp, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || fields[0] != "Udp:" {
			continue
		}
		if names == nil {
			names = fields
			continue
		}
		for i, n := range names {
			if n == "RcvbufErrors" && i < len(fields) {
				return strconv.ParseInt(fields[i], 10, 64)
			}
		}
		break
	}
	return 0, fmt.Errorf("/proc/net/snmp: no Udp RcvbufErrors")
}
