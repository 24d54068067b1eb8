package workflows

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Recorded histories of WaitlistOfferWorkflow (TestRecordWaitlistPaths
// writes them), one per way a chain ends that a real server reaches in
// little time, and of AppointmentWorkflow offering the slot it freed.
const (
	waitlistTakenHistory      = "waitlist_declined_then_taken.json"
	waitlistUnbookedHistory   = "waitlist_accepted_not_booked_exhausted.json"
	waitlistExhaustedHistory  = "waitlist_exhausted.json"
	waitlistNotFreeHistory    = "waitlist_not_free.json"
	waitlistStartNearHistory  = "waitlist_start_near.json"
	cancelConfirmedOffered    = "appointment_cancellation_confirmed_offered.json"
	paymentExpiredOfferedHist = "appointment_payment_expired_offered.json"
)

// waitlistHistories lists the recorded WaitlistOfferWorkflow histories.
var waitlistHistories = []string{waitlistTakenHistory, waitlistUnbookedHistory, waitlistExhaustedHistory,
	waitlistNotFreeHistory, waitlistStartNearHistory}

// The recording chains' doctors say how the fakes behave: how many
// entries match, whether the slot can be held and whether the accepting
// patient's booking takes the hold.
const (
	recordDoctorTaken     = "d-wl-taken"
	recordDoctorUnbooked  = "d-wl-unbooked"
	recordDoctorExhausted = "d-wl-exhausted"
	recordDoctorNotFree   = "d-wl-notfree"
	recordDoctorStartNear = "d-wl-startnear"
)

// waitlistFakes is the recording worker's stand-in for the waitlist tables.
type waitlistFakes struct {
	mu sync.Mutex
	// doctor of each hold, and the offers made per hold.
	doctor map[string]string
	offers map[string]int
}

func (f *waitlistFakes) entries(doctor string) int {
	switch strings.SplitN(doctor, "/", 2)[0] {
	case recordDoctorTaken:
		return 2
	case recordDoctorUnbooked:
		return 1
	}
	return 0
}

// registerWaitlistRecordingFakes registers the waitlist activities of the
// recording worker: a hold per run (none for the not-free doctor), one offer
// per matching entry, a hold taken once the accepting patient of the
// taken doctor booked, and OfferFreedSlot reporting that a chain started.
func registerWaitlistRecordingFakes(reg func(fn any, name string)) {
	f := &waitlistFakes{doctor: map[string]string{}, offers: map[string]int{}}
	reg(func(_ context.Context, in HoldWaitlistSlotInput) (HoldWaitlistSlotResult, error) {
		if strings.HasPrefix(in.DoctorID, recordDoctorNotFree) {
			return HoldWaitlistSlotResult{}, nil
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		id := "hold-" + in.RunID
		f.doctor[id] = in.DoctorID
		return HoldWaitlistSlotResult{HoldID: id, Held: true}, nil
	}, ActivityHoldWaitlistSlot)
	reg(func(_ context.Context, in OfferWaitlistSlotInput) (OfferWaitlistSlotResult, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		n := f.offers[in.HoldID]
		if n == f.entries(f.doctor[in.HoldID]) {
			return OfferWaitlistSlotResult{}, nil
		}
		f.offers[in.HoldID] = n + 1
		return OfferWaitlistSlotResult{Found: true, OfferID: in.HoldID + "-offer-" + string(rune('1'+n)), ExpiresAt: in.ExpiresAt}, nil
	}, ActivityOfferWaitlistSlot)
	reg(func(context.Context, SendWaitlistOfferInput) error { return nil }, ActivitySendWaitlistOffer)
	reg(func(context.Context, AnswerWaitlistOfferInput) (AnswerWaitlistOfferResult, error) {
		return AnswerWaitlistOfferResult{}, nil
	}, ActivityAnswerWaitlistOffer)
	reg(func(_ context.Context, in WaitlistHoldRef) (WaitlistHoldStatusResult, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if strings.HasPrefix(f.doctor[in.HoldID], recordDoctorTaken) {
			return WaitlistHoldStatusResult{Status: "taken", ConsultationID: "c-wl-record"}, nil
		}
		return WaitlistHoldStatusResult{Status: "held"}, nil
	}, ActivityWaitlistHoldStatus)
	reg(func(context.Context, ReleaseWaitlistHoldInput) error { return nil }, ActivityReleaseWaitlistHold)
	reg(func(context.Context, OfferFreedSlotInput) (OfferFreedSlotResult, error) {
		return OfferFreedSlotResult{Started: true}, nil
	}, ActivityOfferFreedSlot)
}

// TestRecordWaitlistPaths (re)records the waitlist histories against a
// running server, driven as the API drives them: a chain whose first
// patient declines and whose second accepts and books (taken); one whose
// only patient accepts but never books (the booking grace, then the list is
// exhausted); one with nobody matching, one whose slot was booked before
// it could be held and one too near its start for an offer; and two video
// appointments that offer their freed slot, a confirmed cancellation and
// an unpaid hold that expired. The chain whose offer is left unanswered is
// not among them (an offer lasts at least MinWaitlistOfferWindow); the
// time-skipping tests cover it.
//
//	DERMA_RECORD_HISTORY=127.0.0.1:7233 go test ./workflows -run TestRecordWaitlistPaths -count=1
func TestRecordWaitlistPaths(t *testing.T) {
	r, stamp, stop := startRecording(t, "derma-record-waitlist-", 6*time.Minute)
	defer stop()
	chains := []struct {
		history, doctor string
		startIn         time.Duration
		want            string
		drive           func(r *recorder, id string)
	}{
		{waitlistTakenHistory, recordDoctorTaken, 3 * time.Hour, WaitlistTaken, func(r *recorder, id string) {
			first := r.awaitOffer(id, "")
			r.answer(id, UpdateWaitlistDecline, first)
			second := r.awaitOffer(id, first)
			r.answer(id, UpdateWaitlistAccept, second)
			r.signal(id, SignalWaitlistBooked, nil)
		}},
		{waitlistUnbookedHistory, recordDoctorUnbooked, 3 * time.Hour, WaitlistExhausted, func(r *recorder, id string) {
			r.answer(id, UpdateWaitlistAccept, r.awaitOffer(id, ""))
		}},
		{waitlistExhaustedHistory, recordDoctorExhausted, 3 * time.Hour, WaitlistExhausted, func(*recorder, string) {}},
		{waitlistNotFreeHistory, recordDoctorNotFree, 3 * time.Hour, WaitlistNotFree, func(*recorder, string) {}},
		{waitlistStartNearHistory, recordDoctorStartNear, DefaultWaitlistCutoff + 2*time.Minute, WaitlistStartNear, func(*recorder, string) {}},
	}
	t.Run("paths", func(t *testing.T) {
		for _, p := range chains {
			t.Run(p.history, func(t *testing.T) {
				t.Parallel()
				r := r
				r.t = t
				start := time.Now().UTC().Add(p.startIn).Truncate(time.Minute)
				in := WaitlistOfferInput{DoctorID: p.doctor + "/" + stamp, Type: TypeVideo, Start: start, End: start.Add(15 * time.Minute),
					Trigger: WaitlistTriggerCancellation, OfferWait: 10 * time.Minute}
				id := WaitlistOfferWorkflowID(in.DoctorID, in.Start)
				run, err := r.c.ExecuteWorkflow(r.ctx, client.StartWorkflowOptions{
					ID: id, TaskQueue: r.queue, WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
					TypedSearchAttributes: temporal.NewSearchAttributes(ConsultationTypeKey.ValueSet(string(in.Type)), DoctorIDKey.ValueSet(in.DoctorID)),
				}, WaitlistOfferWorkflowType, in)
				if err != nil {
					t.Fatalf("start: %v", err)
				}
				p.drive(&r, id)
				var final WaitlistChainState
				if err := run.Get(r.ctx, &final); err != nil || final.Outcome != p.want {
					t.Fatalf("chain ended %+v, %v; want %s", final, err, p.want)
				}
				writeHistory(t, r, id, run.GetRunID(), p.history)
			})
		}
		appointments := []struct {
			history string
			// paid marks the consultation id so the fake confirms its payment ("-paid-").
			paid  string
			hold  time.Duration
			want  Status
			drive func(r *recorder, id string)
		}{
			{cancelConfirmedOffered, "-paid-", 0, StatusCancelled, func(r *recorder, id string) {
				r.signal(id, SignalPaymentUpdate, PaymentUpdate{PaymentID: "tr_record", Status: PaymentPaid})
				r.waitFor(id, func(st ConsultationState) bool { return st.Status == StatusScheduled })
				r.update(id, UpdateRequestCancellation, CancellationRequest{Reason: CancelReasonScheduleConflict})
				r.update(id, UpdateConfirmCancellation, nil)
			}},
			{paymentExpiredOfferedHist, "-", 3 * time.Second, StatusExpired, func(*recorder, string) {}},
		}
		for _, p := range appointments {
			t.Run(p.history, func(t *testing.T) {
				t.Parallel()
				r := r
				r.t = t
				start := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
				id := r.startAppointment(AppointmentInput{
					ConsultationID: strings.TrimSuffix(p.history, ".json") + p.paid + stamp, DoctorID: "d-7", Type: TypeVideo,
					AmountCents: 6000, AdminFeeCents: 1000, Start: start, End: start.Add(20 * time.Minute),
					DoctorTimeZone: "Europe/Amsterdam", Language: "en", PaymentHold: p.hold, ReviewDelay: 2 * time.Second,
					WaitingRoomOpens: 2 * time.Hour,
				})
				p.drive(&r, id)
				r.write(id, p.history, p.want)
			})
		}
	})
}

// awaitOffer waits until the chain id has an open offer other than after
// and returns it.
func (r *recorder) awaitOffer(id, after string) string {
	for {
		v, err := r.c.QueryWorkflow(r.ctx, id, "", QueryWaitlistChain)
		var st WaitlistChainState
		if err == nil && v.Get(&st) == nil && st.Phase == WaitlistPhaseOffering && st.OfferID != "" && st.OfferID != after {
			return st.OfferID
		}
		select {
		case <-r.ctx.Done():
			r.t.Fatalf("no new offer on %s (%v)", id, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// answer sends an accept or decline of offer to the chain id and waits for
// its result.
func (r *recorder) answer(id, update, offer string) {
	h, err := r.c.UpdateWorkflow(r.ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: update,
		Args: []any{WaitlistAnswer{OfferID: offer}}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(r.ctx, nil)
	}
	if err != nil {
		r.t.Fatalf("%s %s: %v", update, offer, err)
	}
}

// TestReplayWaitlistHistories replays the recorded waitlist chains and the
// appointments that offered their freed slot against the current code. It
// fails when a change to WaitlistOfferWorkflow (or to the appointment's
// offer of its freed slot) would break chains in flight: guard such
// changes with workflow.GetVersion.
func TestReplayWaitlistHistories(t *testing.T) {
	for _, name := range append([]string{cancelConfirmedOffered, paymentExpiredOfferedHist}, waitlistHistories...) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("recorded history missing (record it with %s=<frontend host:port>): %v", recordEnv, err)
			}
			replayer := worker.NewWorkflowReplayer()
			replayer.RegisterWorkflowWithOptions(WaitlistOfferWorkflow, workflow.RegisterOptions{Name: WaitlistOfferWorkflowType})
			replayer.RegisterWorkflowWithOptions(AppointmentWorkflow, workflow.RegisterOptions{Name: AppointmentWorkflowType})
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(testLogger(t), path); err != nil {
				t.Fatalf("replay %s: %v", path, err)
			}
		})
	}
}
