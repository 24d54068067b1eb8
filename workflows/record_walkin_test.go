package workflows

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Recorded histories of the walk-in workflows (TestRecordWalkInPaths writes
// them): one session's queue and three of its consultations.
const (
	walkInQueueHistory     = "walkin_queue_session.json"
	walkInCompletedHistory = "walkin_completed.json"
	walkInAbsentHistory    = "walkin_absent_refunded.json"
	walkInClosedHistory    = "walkin_closed_refunded.json"
)

// walkInHistories lists the recorded WalkInWorkflow histories.
var walkInHistories = []string{walkInCompletedHistory, walkInAbsentHistory, walkInClosedHistory}

// walkInLocalCreateHistories are the same three paths recorded after
// changeLocalCreatePath (the initial projection and the payment as local
// activities), copied from TestRecordWalkInPaths's output; the histories
// above are from before it, so both shapes replay.
var walkInLocalCreateHistories = []string{
	"walkin_completed_local_create.json", "walkin_absent_refunded_local_create.json", "walkin_closed_refunded_local_create.json",
}

// registerWalkInRecordingFakes registers the walk-in activities of the
// recording worker: JoinWalkInQueue joins for real (update-with-start on
// the worker's own task queue), the others do nothing.
func registerWalkInRecordingFakes(reg func(fn any, name string), c client.Client) {
	reg(func(ctx context.Context, in JoinWalkInQueueInput) (JoinWalkInQueueResult, error) {
		start := c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID:                       WalkInQueueWorkflowID(in.DoctorID, in.Opens),
			TaskQueue:                activity.GetInfo(ctx).TaskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		}, WalkInQueueWorkflowType, WalkInQueueInput{DoctorID: in.DoctorID, Opens: in.Opens, Closes: in.Closes,
			AnswerWindow: in.AnswerWindow, AverageSession: 12 * time.Minute, MeasuredSessions: 3})
		h, err := c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
			StartWorkflowOperation: start,
			UpdateOptions: client.UpdateWorkflowOptions{UpdateID: "join/" + in.ConsultationID, UpdateName: UpdateWalkInJoin,
				Args:         []any{WalkInJoin{ConsultationID: in.ConsultationID, PaidAt: in.PaidAt}},
				WaitForStage: client.WorkflowUpdateStageCompleted},
		})
		var pos WalkInPosition
		if err == nil {
			err = h.Get(ctx, &pos)
		}
		if err != nil {
			return JoinWalkInQueueResult{}, err
		}
		return JoinWalkInQueueResult{Joined: true, Position: pos}, nil
	}, ActivityJoinWalkInQueue)
	reg(func(context.Context, RecordWalkInSessionInput) error { return nil }, ActivityRecordWalkInSession)
	reg(func(context.Context, PublishWalkInQueueInput) error { return nil }, ActivityPublishWalkInQueue)
	reg(func(context.Context, IssueCreditNoteInput) (IssueCreditNoteResult, error) {
		return IssueCreditNoteResult{}, nil
	}, ActivityIssueCreditNote)
}

// TestRecordWalkInPaths (re)records the walk-in histories against a running
// server, driven as the API drives them: three guests pay and join one
// session; the first is called, answers and is seen; the second does not
// answer twice (re-queued, then removed and refunded); the third does not
// answer once and is refunded when the doctor closes early, which ends the
// queue:
//
//	DERMA_RECORD_HISTORY=127.0.0.1:7233 go test ./workflows -run TestRecordWalkInPaths -count=1
func TestRecordWalkInPaths(t *testing.T) {
	r, stamp, stop := startRecording(t, "derma-record-walkin-", 3*time.Minute)
	defer stop()
	opens := time.Now().UTC().Add(-time.Minute).Truncate(time.Minute)
	doctor := "d-walkin-" + stamp
	queueID := WalkInQueueWorkflowID(doctor, opens)
	ids := map[string]string{}
	for _, who := range []string{"completed", "absent", "closed"} {
		in := WalkInInput{ConsultationID: "walkin-" + who + "-" + stamp, DoctorID: doctor, AmountCents: 4500,
			Opens: opens, Closes: opens.Add(30 * time.Minute), DoctorTimeZone: "Europe/Amsterdam", Language: "en",
			ReviewDelay: 2 * time.Second, AnswerWindow: 2 * time.Second}
		id := ConsultationWorkflowID(in.ConsultationID)
		op := r.c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID: id, TaskQueue: r.queue, WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
			TypedSearchAttributes: StartSearchAttributes(TypeWalkIn, doctor),
		}, WalkInWorkflowType, in)
		upd, err := r.c.UpdateWithStartWorkflow(r.ctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: op,
			UpdateOptions: client.UpdateWorkflowOptions{UpdateName: UpdateCheckout, WaitForStage: client.WorkflowUpdateStageCompleted}})
		if err != nil {
			t.Fatalf("update-with-start: %v", err)
		}
		var checkout CheckoutResult
		if err := upd.Get(r.ctx, &checkout); err != nil {
			t.Fatalf("checkout: %v", err)
		}
		r.signal(id, SignalPaymentUpdate, PaymentUpdate{PaymentID: "tr_record", Status: PaymentPaid})
		r.waitFor(id, func(st ConsultationState) bool { return st.Status == StatusQueued })
		ids[who] = id
	}
	call := func() string {
		h, err := r.c.UpdateWorkflow(r.ctx, client.UpdateWorkflowOptions{WorkflowID: queueID, UpdateName: UpdateWalkInCallNext,
			WaitForStage: client.WorkflowUpdateStageCompleted})
		var res WalkInCallResult
		if err == nil {
			err = h.Get(r.ctx, &res)
		}
		if err != nil {
			t.Fatalf("call next: %v", err)
		}
		return ConsultationWorkflowID(res.ConsultationID)
	}
	queueUpdate := func(name string, arg any) {
		opts := client.UpdateWorkflowOptions{WorkflowID: queueID, UpdateName: name, WaitForStage: client.WorkflowUpdateStageCompleted}
		if arg != nil {
			opts.Args = []any{arg}
		}
		h, err := r.c.UpdateWorkflow(r.ctx, opts)
		if err == nil {
			err = h.Get(r.ctx, nil)
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	status := func(want Status) func(ConsultationState) bool {
		return func(st ConsultationState) bool { return st.Status == want }
	}

	if got := call(); got != ids["completed"] {
		t.Fatalf("called %s first", got)
	}
	r.waitFor(ids["completed"], status(StatusCalled))
	queueUpdate(UpdateWalkInAnswer, WalkInAnswer{ConsultationID: "walkin-completed-" + stamp})
	r.waitFor(ids["completed"], status(StatusInSession))
	r.update(ids["completed"], UpdateEndSession, nil)
	r.write(ids["completed"], walkInCompletedHistory, StatusCompleted)

	waitQueue := func(ok func(WalkInQueueState) bool) {
		for {
			v, err := r.c.QueryWorkflow(r.ctx, queueID, "", QueryWalkInQueue)
			var st WalkInQueueState
			if err == nil && v.Get(&st) == nil && ok(st) {
				return
			}
			select {
			case <-r.ctx.Done():
				t.Fatalf("queue condition never met (%v)", err)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	waitQueue(func(st WalkInQueueState) bool { return st.InSession == nil })
	queueUpdate(UpdateWalkInPause, nil)
	queueUpdate(UpdateWalkInResume, nil)
	for _, want := range []string{"absent", "closed", "absent"} {
		if got := call(); got != ids[want] {
			t.Fatalf("called %s, want %s", got, ids[want])
		}
		waitQueue(func(st WalkInQueueState) bool { return st.Called == nil })
	}
	settle := func(id string) {
		r.waitFor(id, func(st ConsultationState) bool { return st.RefundID != "" })
		r.signal(id, SignalRefundUpdate, RefundUpdate{RefundID: "re_record", Status: RefundRefunded})
	}
	settle(ids["absent"])
	r.write(ids["absent"], walkInAbsentHistory, StatusCancelled)
	queueUpdate(UpdateWalkInClose, nil)
	settle(ids["closed"])
	r.write(ids["closed"], walkInClosedHistory, StatusCancelled)

	run := r.c.GetWorkflow(r.ctx, queueID, "")
	var final WalkInQueueState
	if err := run.Get(r.ctx, &final); err != nil || !final.Closed {
		t.Fatalf("queue ended %+v, %v", final, err)
	}
	writeHistory(t, r, queueID, run.GetRunID(), walkInQueueHistory)
}

// writeHistory writes the history of one run to testdata/name.
func writeHistory(t *testing.T, r recorder, id, runID, name string) {
	t.Helper()
	hist := &historypb.History{}
	iter := r.c.GetWorkflowHistory(r.ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatalf("read history: %v", err)
		}
		hist.Events = append(hist.Events, ev)
	}
	data, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(hist)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", name), append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d events of %s", name, len(hist.Events), id)
}

// TestReplayWalkInHistories replays the recorded walk-in histories (the
// consultations and their queue) against the current code.
func TestReplayWalkInHistories(t *testing.T) {
	for _, name := range append(append([]string{walkInQueueHistory}, walkInHistories...), walkInLocalCreateHistories...) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("recorded history missing (record it with %s=<frontend host:port>): %v", recordEnv, err)
			}
			replayer := worker.NewWorkflowReplayer()
			replayer.RegisterWorkflowWithOptions(WalkInWorkflow, workflow.RegisterOptions{Name: WalkInWorkflowType})
			replayer.RegisterWorkflowWithOptions(WalkInQueueWorkflow, workflow.RegisterOptions{Name: WalkInQueueWorkflowType})
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(testLogger(t), path); err != nil {
				t.Fatalf("replay %s: %v", path, err)
			}
		})
	}
}
