package platform

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// sdkMetrics turns the Temporal SDK's metrics (worker task latency, activity
// failures, schedule-to-start, poll counts, and the metrics workflows emit)
// into Prometheus collectors on the process's registry. A metric's label
// names are those of its first use; a later use with other tags fills the
// missing labels with "" and drops the extra ones, as Prometheus needs one
// label set per name.
type sdkMetrics struct {
	reg  prometheus.Registerer
	mu   sync.Mutex
	vecs map[string]sdkVec
}

type sdkVec struct {
	labels []string
	// one of these is set
	counter *prometheus.CounterVec
	gauge   *prometheus.GaugeVec
	timer   *prometheus.HistogramVec
}

// sdkTimerBuckets span a local activity (ms) to a long poll (a minute).
var sdkTimerBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// NewSDKMetrics is the MetricsHandler of the Temporal client, reporting
// into reg.
func NewSDKMetrics(reg prometheus.Registerer) client.MetricsHandler {
	return sdkHandler{m: &sdkMetrics{reg: reg, vecs: map[string]sdkVec{}}}
}

type sdkHandler struct {
	m    *sdkMetrics
	tags map[string]string
}

func (h sdkHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := maps.Clone(h.tags)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, tags)
	return sdkHandler{m: h.m, tags: merged}
}

func (h sdkHandler) Counter(name string) client.MetricsCounter {
	v, values := h.m.vec(name, h.tags, "counter")
	if v.counter == nil {
		return client.MetricsNopHandler.Counter(name)
	}
	c := v.counter.WithLabelValues(values...)
	return counterFunc(func(d int64) { c.Add(float64(d)) })
}

func (h sdkHandler) Gauge(name string) client.MetricsGauge {
	v, values := h.m.vec(name, h.tags, "gauge")
	if v.gauge == nil {
		return client.MetricsNopHandler.Gauge(name)
	}
	g := v.gauge.WithLabelValues(values...)
	return gaugeFunc(g.Set)
}

func (h sdkHandler) Timer(name string) client.MetricsTimer {
	v, values := h.m.vec(name, h.tags, "timer")
	if v.timer == nil {
		return client.MetricsNopHandler.Timer(name)
	}
	o := v.timer.WithLabelValues(values...)
	return timerFunc(func(d time.Duration) { o.Observe(d.Seconds()) })
}

// vec finds or registers the collector of name and orders the tag values
// by its labels. A name already registered as another kind, or refused by
// the registry, yields an empty sdkVec (the metric is dropped).
func (m *sdkMetrics) vec(name string, tags map[string]string, kind string) (sdkVec, []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.vecs[name]
	if !ok {
		v = sdkVec{labels: slices.Sorted(maps.Keys(tags))}
		metric := prometheusName(name)
		help := "Temporal SDK metric " + name + "."
		var c prometheus.Collector
		switch kind {
		case "counter":
			v.counter = prometheus.NewCounterVec(prometheus.CounterOpts{Name: metric + "_total", Help: help}, v.labels)
			c = v.counter
		case "gauge":
			v.gauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: metric, Help: help}, v.labels)
			c = v.gauge
		default:
			v.timer = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: metric + "_seconds", Help: help, Buckets: sdkTimerBuckets}, v.labels)
			c = v.timer
		}
		if err := m.reg.Register(c); err != nil {
			v = sdkVec{}
		}
		m.vecs[name] = v
	}
	if (kind == "counter") != (v.counter != nil) || (kind == "gauge") != (v.gauge != nil) || (kind == "timer") != (v.timer != nil) {
		return sdkVec{}, nil
	}
	values := make([]string, len(v.labels))
	for i, l := range v.labels {
		values[i] = tags[l]
	}
	return v, values
}

// prometheusName maps the characters Prometheus does not allow in a name
// to "_" (the SDK's own names already start with "temporal_").
func prometheusName(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, name)
}

type counterFunc func(int64)

func (f counterFunc) Inc(d int64) { f(d) }

type gaugeFunc func(float64)

func (f gaugeFunc) Update(v float64) { f(v) }

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }
