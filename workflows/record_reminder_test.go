package workflows

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

// Recorded histories of an in-person appointment whose one-hour reminder
// went out and that the doctor then cancelled: before changeLocalReminders
// (the reminder an activity task) and after it (a local activity in the
// timer's workflow task). TestRecordReminderHistory writes them.
const (
	reminderActivityHistory = "appointment_reminder_activity.json"
	reminderLocalHistory    = "appointment_reminder_local.json"
)

// TestRecordReminderHistory (re)records the history of an in-person
// appointment booked one hour and 20 seconds ahead, so that its one-hour
// reminder comes due 20 seconds later, then cancelled by the doctor. The
// file is the one of the code it runs: DERMA_RECORD_REMINDER_AS names it
// (reminderLocalHistory by default; reminderActivityHistory was recorded
// from the code before changeLocalReminders):
//
//	DERMA_RECORD_HISTORY=127.0.0.1:7233 go test ./workflows -run TestRecordReminderHistory -count=1
func TestRecordReminderHistory(t *testing.T) {
	name := os.Getenv("DERMA_RECORD_REMINDER_AS")
	if name == "" {
		name = reminderLocalHistory
	}
	r, stamp, stop := startRecording(t, "derma-record-reminder-", 3*time.Minute)
	defer stop()
	start := time.Now().UTC().Add(time.Hour + 20*time.Second).Truncate(time.Second)
	id := r.startAppointment(AppointmentInput{
		ConsultationID:   strings.TrimSuffix(name, ".json") + "-" + stamp,
		DoctorID:         "d-7",
		Type:             TypeInPerson,
		AmountCents:      6000,
		AdminFeeCents:    1000,
		Start:            start,
		End:              start.Add(20 * time.Minute),
		DoctorTimeZone:   "Europe/Amsterdam",
		Language:         "en",
		ReviewDelay:      2 * time.Second,
		WaitingRoomOpens: 2 * time.Hour,
	})
	r.waitFor(id, func(st ConsultationState) bool { return st.Status == StatusScheduled && st.NextReminderAt != nil })
	r.waitFor(id, func(st ConsultationState) bool { return st.NextReminderAt == nil })
	time.Sleep(2 * time.Second) // the reminder's send completes
	r.update(id, UpdateDoctorCancel, DoctorCancellation{Reason: CancelReasonDoctorUnavailable})
	r.write(id, name, StatusCancelled)
}

// TestReminderHistoriesHaveTheirShape: the two recorded reminder histories
// are what they stand for — in the one before changeLocalReminders the
// workflow task after the reminder's timer schedules SendEmail as an
// activity task, and another workflow task follows its completion; in the
// one after it the same workflow task records SendEmail's local-activity
// marker, no SendEmail activity task is scheduled until the doctor's
// cancellation, and one workflow task fewer runs. TestReplayAppointmentHistories
// replays both.
func TestReminderHistoriesHaveTheirShape(t *testing.T) {
	for _, tc := range []struct {
		name           string
		local          bool
		tasksAfterFire int // workflow tasks from the timer up to the one that accepts the doctor's update
	}{
		{reminderActivityHistory, false, 3},
		{reminderLocalHistory, true, 2},
	} {
		hist, err := client.HistoryFromJSON(mustOpen(t, filepath.Join("testdata", tc.name)), client.HistoryJSONOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		fired, marker, activity, tasks := false, false, false, 0
		for _, e := range hist.GetEvents() {
			switch e.GetEventType() {
			case enumspb.EVENT_TYPE_TIMER_FIRED:
				fired = !fired && tasks == 0
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
				if fired {
					tasks++
				}
			case enumspb.EVENT_TYPE_MARKER_RECORDED:
				marker = marker || (fired && e.GetMarkerRecordedEventAttributes().GetMarkerName() == "LocalActivity")
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
				activity = activity || (fired && e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName() == ActivitySendEmail)
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
				fired = false
			}
			if !fired && tasks > 0 {
				break
			}
		}
		if marker != tc.local || activity == tc.local || tasks != tc.tasksAfterFire {
			t.Errorf("%s: after the reminder's timer a local-activity marker %v, a SendEmail activity task %v, %d workflow tasks; want marker %v, %d tasks",
				tc.name, marker, activity, tasks, tc.local, tc.tasksAfterFire)
		}
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}
