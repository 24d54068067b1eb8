package workflows

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// chainHarness runs WaitlistOfferWorkflow alone with time skipping against
// an in-memory waitlist: entries are offered in the order given, each once
// per hold, as the OfferWaitlistSlot activity does with Postgres.
type chainHarness struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	start time.Time

	mu sync.Mutex
	// entries waiting, in list order; held says whether the slot can be
	// held; taken is set when the API's booking takes the hold.
	entries []string
	held    bool
	taken   string
	// lateTake, when set, is the booking that takes the hold while the
	// chain closes an accepted offer.
	lateTake string
	offers   []chainOffer
	answers  []chainAnswer
	sent     []string
	release  []string
}

type chainOffer struct {
	ID, Entry string
	At        time.Time
	Expires   time.Time
}

type chainAnswer struct {
	Offer, Answer string
	At            time.Time
}

// slotStart is the freed slot: Thursday 12 March 2026, 14:00 CET.
var slotStart = time.Date(2026, 3, 12, 13, 0, 0, 0, time.UTC)

func newChainHarness(t *testing.T, now time.Time, entries ...string) *chainHarness {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(testLogger(t))
	h := &chainHarness{t: t, env: suite.NewTestWorkflowEnvironment(), start: now, entries: entries, held: true}
	h.env.SetStartTime(now)
	h.env.SetTestTimeout(30 * time.Second)
	h.env.RegisterWorkflowWithOptions(WaitlistOfferWorkflow, workflow.RegisterOptions{Name: WaitlistOfferWorkflowType})
	reg := func(fn any, name string) { h.env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name}) }
	reg(func(context.Context, HoldWaitlistSlotInput) (HoldWaitlistSlotResult, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		return HoldWaitlistSlotResult{HoldID: "hold-1", Held: h.held}, nil
	}, ActivityHoldWaitlistSlot)
	reg(func(_ context.Context, in OfferWaitlistSlotInput) (OfferWaitlistSlotResult, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if len(h.offers) == len(h.entries) {
			return OfferWaitlistSlotResult{}, nil
		}
		o := chainOffer{ID: fmt.Sprintf("offer-%d", len(h.offers)+1), Entry: h.entries[len(h.offers)], At: h.env.Now(), Expires: in.ExpiresAt}
		h.offers = append(h.offers, o)
		return OfferWaitlistSlotResult{Found: true, OfferID: o.ID, ExpiresAt: in.ExpiresAt}, nil
	}, ActivityOfferWaitlistSlot)
	reg(func(_ context.Context, in SendWaitlistOfferInput) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.sent = append(h.sent, in.OfferID)
		return nil
	}, ActivitySendWaitlistOffer)
	reg(func(_ context.Context, in AnswerWaitlistOfferInput) (AnswerWaitlistOfferResult, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.answers = append(h.answers, chainAnswer{Offer: in.OfferID, Answer: in.Answer, At: h.env.Now()})
		if in.Answer == WaitlistAnswerExpired && h.lateTake != "" {
			h.taken = h.lateTake
		}
		return AnswerWaitlistOfferResult{HoldTaken: h.taken != ""}, nil
	}, ActivityAnswerWaitlistOffer)
	reg(func(context.Context, WaitlistHoldRef) (WaitlistHoldStatusResult, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.taken != "" {
			return WaitlistHoldStatusResult{Status: "taken", ConsultationID: h.taken}, nil
		}
		return WaitlistHoldStatusResult{Status: "held"}, nil
	}, ActivityWaitlistHoldStatus)
	reg(func(_ context.Context, in ReleaseWaitlistHoldInput) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.release = append(h.release, in.Outcome)
		return nil
	}, ActivityReleaseWaitlistHold)
	return h
}

func chainInput() WaitlistOfferInput {
	return WaitlistOfferInput{DoctorID: "d-7", Type: TypeVideo, Start: slotStart, End: slotStart.Add(20 * time.Minute),
		Trigger: WaitlistTriggerCancellation}
}

// answer sends UpdateWaitlistAccept or UpdateWaitlistDecline at start+d for
// the offer with the given id.
func (h *chainHarness) answer(d time.Duration, name, offerID string) *updateResult {
	res := &updateResult{}
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(name, name+"-"+h.env.Now().Format(time.RFC3339), &testsuite.TestUpdateCallback{
			OnAccept:   func() { res.Accepted = true },
			OnReject:   func(err error) { res.RejectErr = err },
			OnComplete: func(v any, err error) { res.Done, res.Value, res.Err = true, v, err },
		}, WaitlistAnswer{OfferID: offerID})
	}, d)
	return res
}

// book is the API's booking of an accepted offer at start+d: it takes the
// hold and signals the chain.
func (h *chainHarness) book(d time.Duration, consultationID string) {
	h.env.RegisterDelayedCallback(func() {
		h.mu.Lock()
		h.taken = consultationID
		h.mu.Unlock()
		h.env.SignalWorkflow(SignalWaitlistBooked, nil)
	}, d)
}

func (h *chainHarness) run(in WaitlistOfferInput) WaitlistChainState {
	h.t.Helper()
	h.env.ExecuteWorkflow(WaitlistOfferWorkflowType, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	var st WaitlistChainState
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	return st
}

func (h *chainHarness) assertOffers(want ...string) {
	h.t.Helper()
	var got []string
	for _, o := range h.offers {
		got = append(got, o.Entry+"@"+o.At.Sub(h.start).String()+"/"+o.Expires.Sub(o.At).String())
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		h.t.Errorf("offers (entry@since start/window) = %v, want %v", got, want)
	}
}

func (h *chainHarness) assertAnswers(want ...string) {
	h.t.Helper()
	var got []string
	for _, a := range h.answers {
		got = append(got, a.Offer+":"+a.Answer+"@"+a.At.Sub(h.start).String())
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		h.t.Errorf("answers = %v, want %v", got, want)
	}
}

// TestWaitlistChainOffersInTurn: the first patient lets the offer lapse,
// the second declines, the third accepts and books; each got the email,
// the chain stops at the booking and the hold is not released.
func TestWaitlistChainOffersInTurn(t *testing.T) {
	now := slotStart.Add(-26 * time.Hour)
	h := newChainHarness(t, now, "e-ann", "e-bob", "e-cem", "e-dirk")
	decline := h.answer(35*time.Minute, UpdateWaitlistDecline, "offer-2")
	acceptOld := h.answer(36*time.Minute, UpdateWaitlistAccept, "offer-2")
	accept := h.answer(40*time.Minute, UpdateWaitlistAccept, "offer-3")
	h.book(40*time.Minute+10*time.Second, "c-booked")
	st := h.run(chainInput())

	assertAccepted(t, "decline", decline)
	assertRejected(t, "accepting a declined offer", acceptOld, ErrTypeInvalidState)
	assertAccepted(t, "accept", accept)
	h.assertOffers("e-ann@0s/30m0s", "e-bob@30m0s/30m0s", "e-cem@35m0s/30m0s")
	h.assertAnswers("offer-1:expired@30m0s", "offer-2:declined@35m0s", "offer-3:accepted@40m0s")
	if fmt.Sprint(h.sent) != "[offer-1 offer-2 offer-3]" {
		t.Errorf("offer emails = %v", h.sent)
	}
	if len(h.release) != 0 {
		t.Errorf("released %v after a booking", h.release)
	}
	if st.Outcome != WaitlistTaken || st.ConsultationID != "c-booked" || st.Offers != 3 || st.Declines != 1 {
		t.Errorf("state = %+v", st)
	}
}

// TestWaitlistChainReleasesWhenExhausted: nobody answers; after the last
// matching patient's window the slot is released to everyone.
func TestWaitlistChainReleasesWhenExhausted(t *testing.T) {
	now := slotStart.Add(-48 * time.Hour)
	h := newChainHarness(t, now, "e-ann", "e-bob")
	st := h.run(chainInput())
	h.assertOffers("e-ann@0s/30m0s", "e-bob@30m0s/30m0s")
	h.assertAnswers("offer-1:expired@30m0s", "offer-2:expired@1h0m0s")
	if fmt.Sprint(h.release) != "[exhausted]" || st.Outcome != WaitlistExhausted {
		t.Errorf("release = %v, state %+v", h.release, st)
	}
}

// TestWaitlistChainShorterNearTheStart: 1 h 40 min before the start with
// the one-hour cutoff, the first offer gets the full 30 minutes, the second
// the 10 minutes left, and then the slot is released although patients are
// still waiting.
func TestWaitlistChainShorterNearTheStart(t *testing.T) {
	now := slotStart.Add(-100 * time.Minute)
	h := newChainHarness(t, now, "e-ann", "e-bob", "e-cem")
	st := h.run(chainInput())
	h.assertOffers("e-ann@0s/30m0s", "e-bob@30m0s/10m0s")
	if fmt.Sprint(h.release) != "[start_near]" || st.Outcome != WaitlistStartNear {
		t.Errorf("release = %v, state %+v", h.release, st)
	}
}

// TestWaitlistChainConfiguredWait: WAITLIST_OFFER_WAIT reaches the chain.
func TestWaitlistChainConfiguredWait(t *testing.T) {
	h := newChainHarness(t, slotStart.Add(-48*time.Hour), "e-ann", "e-bob")
	in := chainInput()
	in.OfferWait = 10 * time.Minute
	h.run(in)
	h.assertOffers("e-ann@0s/10m0s", "e-bob@10m0s/10m0s")
}

// TestWaitlistChainSlotAlreadyBooked: a slot booked before the chain could
// hold it is offered to nobody.
func TestWaitlistChainSlotAlreadyBooked(t *testing.T) {
	h := newChainHarness(t, slotStart.Add(-48*time.Hour), "e-ann")
	h.held = false
	st := h.run(chainInput())
	if len(h.offers) != 0 || len(h.release) != 0 || st.Outcome != WaitlistNotFree {
		t.Errorf("offers %v, release %v, state %+v", h.offers, h.release, st)
	}
}

// TestWaitlistChainAcceptWithoutBooking: an accepted offer whose booking
// never comes (payment cap, an error) goes to the next patient after the
// booking grace.
func TestWaitlistChainAcceptWithoutBooking(t *testing.T) {
	h := newChainHarness(t, slotStart.Add(-48*time.Hour), "e-ann", "e-bob")
	accept := h.answer(5*time.Minute, UpdateWaitlistAccept, "offer-1")
	h.run(chainInput())
	assertAccepted(t, "accept", accept)
	grace := 5*time.Minute + WaitlistBookingGrace
	h.assertOffers("e-ann@0s/30m0s", "e-bob@"+grace.String()+"/30m0s")
	h.assertAnswers("offer-1:accepted@5m0s", "offer-1:expired@"+grace.String(), "offer-2:expired@"+(grace+30*time.Minute).String())
}

// TestWaitlistChainRefusesLateAndUnknownAnswers: an answer naming another
// offer, or after the offer's time, is refused (HTTP 409).
func TestWaitlistChainRefusesLateAndUnknownAnswers(t *testing.T) {
	h := newChainHarness(t, slotStart.Add(-48*time.Hour), "e-ann")
	wrong := h.answer(time.Minute, UpdateWaitlistAccept, "offer-9")
	empty := h.answer(2*time.Minute, UpdateWaitlistAccept, "")
	late := h.answer(31*time.Minute, UpdateWaitlistAccept, "offer-1")
	h.run(chainInput())
	assertRejected(t, "another offer", wrong, ErrTypeInvalidState)
	assertRejected(t, "no offer", empty, ErrTypeInvalidInput)
	if late.Accepted {
		t.Error("an answer after the chain ended was accepted")
	}
}

// TestWaitlistChainLateBookingWins: the booking of an accepted offer that
// takes the hold just as the grace ends (between the chain's look at the
// hold and its closing of the offer) still counts.
func TestWaitlistChainLateBookingWins(t *testing.T) {
	h := newChainHarness(t, slotStart.Add(-48*time.Hour), "e-ann", "e-bob")
	h.lateTake = "c-late"
	h.answer(time.Minute, UpdateWaitlistAccept, "offer-1")
	st := h.run(chainInput())
	if st.Outcome != WaitlistTaken || st.ConsultationID != "c-late" || len(h.offers) != 1 || len(h.release) != 0 {
		t.Errorf("state %+v after %d offers, release %v", st, len(h.offers), h.release)
	}
}

func TestWaitlistOfferWindow(t *testing.T) {
	start := slotStart
	tests := []struct {
		before, want time.Duration
	}{
		{48 * time.Hour, 30 * time.Minute},
		{90 * time.Minute, 30 * time.Minute},
		{80 * time.Minute, 20 * time.Minute},
		{65 * time.Minute, 5 * time.Minute},
		{64 * time.Minute, 0},
		{30 * time.Minute, 0},
		{-time.Hour, 0},
	}
	for _, tt := range tests {
		if got := WaitlistOfferWindow(start.Add(-tt.before), start, DefaultWaitlistOfferWait, DefaultWaitlistCutoff); got != tt.want {
			t.Errorf("%s before the start: window %s, want %s", tt.before, got, tt.want)
		}
	}
}
