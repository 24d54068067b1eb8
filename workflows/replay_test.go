package workflows

import (
	"os"
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Recorded histories of EmailAdviceWorkflow (TestRecordEmailAdviceHistory
// writes them): the happy path (paid, intake, answered, review request) and a
// decline (paid, intake, declined, refund confirmed by a webhook signal).
const (
	happyHistory    = "email_advice_happy.json"
	declinedHistory = "email_advice_declined.json"
)

// Recorded histories of AppointmentWorkflow (TestRecordAppointmentHistory
// writes them): a video appointment paid, reminded 1 h ahead, delayed by the
// doctor, checked in, held and ended, with its review request.
const appointmentHappyHistory = "appointment_video_happy.json"

// TestReplayEmailAdviceHistories replays the recorded histories against the
// current workflow code. It fails when a change to EmailAdviceWorkflow would
// break consultations that are in flight: guard such changes with
// workflow.GetVersion.
func TestReplayEmailAdviceHistories(t *testing.T) {
	for _, name := range emailAdviceHistories {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("recorded history missing (record it with %s=<frontend host:port>): %v", recordEnv, err)
			}
			replayer := worker.NewWorkflowReplayer()
			replayer.RegisterWorkflowWithOptions(EmailAdviceWorkflow, workflow.RegisterOptions{Name: EmailAdviceWorkflowType})
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(testLogger(t), path); err != nil {
				t.Fatalf("replay %s: %v", path, err)
			}
		})
	}
}

// TestReplayAppointmentHistories replays the recorded AppointmentWorkflow
// histories against the current code, like TestReplayEmailAdviceHistories.
func TestReplayAppointmentHistories(t *testing.T) {
	for _, name := range appointmentPathHistories {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("recorded history missing (record it with %s=<frontend host:port>): %v", recordEnv, err)
			}
			replayer := worker.NewWorkflowReplayer()
			replayer.RegisterWorkflowWithOptions(AppointmentWorkflow, workflow.RegisterOptions{Name: AppointmentWorkflowType})
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(testLogger(t), path); err != nil {
				t.Fatalf("replay %s: %v", path, err)
			}
		})
	}
}
