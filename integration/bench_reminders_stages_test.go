package integration

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"derma2go/devstack"
	"derma2go/workflows"
)

// reminderStages splits one reminder's delay from due to sink into the
// steps its workflow history records: the timer firing on the server
// (TimerFired − due), the workflow task waiting for the worker (started −
// scheduled) and running on it, the SendEmail activity waiting for the
// worker and running until the message was in the sink. A reminder sent as
// a local activity (workflows' changeLocalReminders) has no activity task:
// its send runs inside the workflow task, so its activity stages are 0
// queued and "until sink" counted from the workflow task's start.
type reminderStages struct {
	timer, wfQueue, wfRun, actQueue, actRun time.Duration
	// local: the reminder went out as a local activity.
	local bool
	// timedOut counts the workflow tasks of the history that timed out
	// before a worker took them (a sticky task nobody took within the
	// worker's StickyScheduleToStartTimeout goes back to the shared queue).
	timedOut int
}

// localActivityMarker is the marker name of a local activity's result in a
// history.
const localActivityMarker = "LocalActivity"

// reminderStageNames name the fields of reminderStages in order.
var reminderStageNames = []string{"timer fired", "workflow task queued", "workflow task run", "activity queued", "activity until sink"}

func (r reminderStages) list() []time.Duration {
	return []time.Duration{r.timer, r.wfQueue, r.wfRun, r.actQueue, r.actRun}
}

// readReminderStages reads the history of a's workflow and finds the
// reminder due at due: the first timer fired from a second before due on,
// the workflow task it scheduled and the SendEmail activity that task
// scheduled; sent is when the email reached the sink.
func readReminderStages(ctx context.Context, s *devstack.Stack, a inFlight, due, sent time.Time) (reminderStages, error) {
	it := s.Platform.Temporal.GetWorkflowHistory(ctx, workflows.ConsultationWorkflowID(a.id.String()), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var fired, wfScheduled, wfStarted, wfCompleted, actScheduled, actStarted time.Time
	var actID int64
	timedOut, local := 0, false
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return reminderStages{}, err
		}
		at := e.GetEventTime().AsTime()
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
			if e.GetWorkflowTaskTimedOutEventAttributes().GetTimeoutType() == enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START {
				timedOut++
			}
		case enumspb.EVENT_TYPE_TIMER_FIRED:
			if fired.IsZero() && !at.Before(due.Add(-time.Second)) {
				fired = at
			}
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
			if !fired.IsZero() && wfScheduled.IsZero() {
				wfScheduled = at
			}
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
			if !wfScheduled.IsZero() && wfStarted.IsZero() {
				wfStarted = at
			}
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			if !wfStarted.IsZero() && wfCompleted.IsZero() {
				wfCompleted = at
			}
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			if !wfCompleted.IsZero() && actID == 0 && !local && e.GetMarkerRecordedEventAttributes().GetMarkerName() == localActivityMarker {
				local = true
			}
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			if !wfCompleted.IsZero() && actID == 0 && e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName() == workflows.ActivitySendEmail {
				actScheduled, actID = at, e.GetEventId()
			}
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:
			if actID != 0 && actStarted.IsZero() && e.GetActivityTaskStartedEventAttributes().GetScheduledEventId() == actID {
				actStarted = at
			}
		}
	}
	if local {
		return reminderStages{
			timer: fired.Sub(due), wfQueue: wfStarted.Sub(wfScheduled), wfRun: wfCompleted.Sub(wfStarted),
			actRun: sent.Sub(wfStarted), timedOut: timedOut, local: true,
		}, nil
	}
	if actStarted.IsZero() {
		return reminderStages{}, fmt.Errorf("%s: no reminder timer, workflow task and SendEmail activity after %s", a.id, due.Format(time.TimeOnly))
	}
	return reminderStages{
		timer: fired.Sub(due), wfQueue: wfStarted.Sub(wfScheduled), wfRun: wfCompleted.Sub(wfStarted),
		actQueue: actStarted.Sub(actScheduled), actRun: sent.Sub(actStarted), timedOut: timedOut,
	}, nil
}

// logReminderStages reads the stages of every step-th reminder of all
// (from first on) and logs each stage's p50, p99 and max.
func logReminderStages(b *testing.B, ctx context.Context, s *devstack.Stack, label string, all []inFlight, first, step int,
	due func(int) time.Time, sent func(string) time.Time) {
	b.Helper()
	var per [][]time.Duration
	timedOut, local := 0, 0
	for i := first; i < len(all); i += step {
		st, err := readReminderStages(ctx, s, all[i], due(i), sent(all[i].id.String()))
		if err != nil {
			b.Logf("stages: %v", err)
			continue
		}
		per = append(per, st.list())
		timedOut += st.timedOut
		if st.local {
			local++
		}
	}
	if len(per) == 0 {
		return
	}
	var out []string
	for k, name := range reminderStageNames {
		col := make([]time.Duration, len(per))
		for i := range per {
			col[i] = per[i][k]
		}
		slices.Sort(col)
		q := func(f float64) time.Duration {
			return col[max(0, min(len(col)-1, int(f*float64(len(col))+0.999999)-1))]
		}
		out = append(out, fmt.Sprintf("%s p50 %d / p99 %d / max %d ms", name, q(0.5).Milliseconds(), q(0.99).Milliseconds(), q(1).Milliseconds()))
	}
	b.Logf("%s, stages of %d reminders (from their histories; %d sent as a local activity in the timer's workflow task): %s; %d workflow tasks timed out unstarted (sticky) in these histories",
		label, len(per), local, strings.Join(out, "; "), timedOut)
}
