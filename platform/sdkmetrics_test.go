package platform

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The SDK's counters, gauges and timers reach the registry under their
// names with their tags as labels; a later use with other tags keeps the
// first label set instead of failing.
func TestSDKMetricsReachPrometheus(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := NewSDKMetrics(reg).WithTags(map[string]string{"namespace": "default"})
	act := h.WithTags(map[string]string{"activity_type": "SendMail"})
	act.Counter("temporal_activity_execution_failed").Inc(2)
	act.WithTags(map[string]string{"extra": "x"}).Counter("temporal_activity_execution_failed").Inc(1)
	h.Gauge("temporal_worker_task_slots_available").Update(7)
	h.Timer("temporal_activity_schedule_to_start_latency").Record(250 * time.Millisecond)
	h.Counter("temporal_activity_schedule_to_start_latency").Inc(1) // another kind: dropped, no panic

	want := `
# HELP temporal_activity_execution_failed_total Temporal SDK metric temporal_activity_execution_failed.
# TYPE temporal_activity_execution_failed_total counter
temporal_activity_execution_failed_total{activity_type="SendMail",namespace="default"} 3
# HELP temporal_worker_task_slots_available Temporal SDK metric temporal_worker_task_slots_available.
# TYPE temporal_worker_task_slots_available gauge
temporal_worker_task_slots_available{namespace="default"} 7
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"temporal_activity_execution_failed_total", "temporal_worker_task_slots_available"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(reg, "temporal_activity_schedule_to_start_latency_seconds"); n != 1 {
		t.Errorf("schedule-to-start histogram: %d series, want 1", n)
	}
}
