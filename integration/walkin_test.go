package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/demodata"
	"derma2go/live"
)

// walkInDoctor gives a demo doctor walk-in hours all day, every day, and a
// walk-in fee, so that a session is open whenever the test runs.
func walkInDoctor(t *testing.T, index int) (*apiClient, string) {
	t.Helper()
	doctor, s := loginAs(t, demodata.DoctorEmail(index), "doctor-demo-2026")
	var rules []map[string]any
	for day := range 7 {
		rules = append(rules, map[string]any{"weekday": day, "start": "00:00", "end": "24:00"})
	}
	var hours struct {
		Rules    []map[string]any `json:"rules"`
		Sessions []struct {
			OpensAt  time.Time `json:"opens_at"`
			ClosesAt time.Time `json:"closes_at"`
		} `json:"sessions"`
	}
	doctor.do("PUT", "/v1/doctor/walk-in/hours", map[string]any{"rules": rules}).expect(t, http.StatusOK).decode(t, &hours)
	if len(hours.Rules) != 7 || len(hours.Sessions) == 0 {
		t.Fatalf("walk-in hours after PUT: %+v", hours)
	}
	doctor.do("PUT", "/v1/doctor/fees", map[string]any{"fees": []map[string]any{
		{"type": "walk_in", "amount_cents": 4500, "duration_minutes": 10},
	}}).expect(t, http.StatusOK)
	return doctor, s.User.ID
}

type walkInPublic struct {
	Open        bool       `json:"open"`
	OpensAt     *time.Time `json:"opens_at"`
	ClosesAt    *time.Time `json:"closes_at"`
	QueueLength int        `json:"queue_length"`
	ETA         *time.Time `json:"eta"`
	WaitMinutes *int       `json:"wait_minutes"`
	AmountCents int        `json:"amount_cents"`
	ClosedEarly bool       `json:"closed_early"`
}

type walkInConsultation struct {
	Status string `json:"status"`
	WalkIn *struct {
		Place    string     `json:"place"`
		Position *int       `json:"position"`
		ETA      *time.Time `json:"eta"`
		AnswerBy *time.Time `json:"answer_by"`
		Reason   string     `json:"reason"`
	} `json:"walk_in"`
}

type guestWalkIn struct {
	ID          string `json:"id"`
	CheckoutURL string `json:"checkout_url"`
	AccessToken string `json:"access_token"`
}

func (g guestWalkIn) path(suffix string) string {
	return "/v1/consultations/" + g.ID + suffix + "?access=" + g.AccessToken
}

// joinAsGuest books a walk-in as a guest and pays it.
func joinAsGuest(t *testing.T, doctorID, email string) guestWalkIn {
	t.Helper()
	var g guestWalkIn
	newClient(t).do("POST", "/v1/consultations", map[string]any{"type": "walk_in", "doctor_id": doctorID,
		"guest_email": email, "language": "en"}).expect(t, http.StatusCreated).decode(t, &g)
	if g.CheckoutURL == "" || g.AccessToken == "" {
		t.Fatalf("walk-in booking %+v", g)
	}
	payCheckout(t, g.CheckoutURL)
	return g
}

func walkInState(t *testing.T, g guestWalkIn) walkInConsultation {
	t.Helper()
	var v walkInConsultation
	newClient(t).do("GET", g.path(""), nil).expect(t, http.StatusOK).decode(t, &v)
	return v
}

func waitWalkIn(t *testing.T, g guestWalkIn, what string, ok func(walkInConsultation) bool) walkInConsultation {
	t.Helper()
	var v walkInConsultation
	waitFor(t, what, func() bool {
		v = walkInState(t, g)
		return ok(v)
	})
	return v
}

// refundsOf counts the refunds the Mollie sandbox holds for a consultation
// (any status) and sums the settled ones.
func refundsOf(t *testing.T, consultationID string) (n int, refunded int64) {
	t.Helper()
	for _, p := range stack.Mollie.Payments() {
		var meta struct {
			ConsultationID string `json:"consultation_id"`
		}
		if json.Unmarshal(p.Metadata, &meta) != nil || meta.ConsultationID != consultationID {
			continue
		}
		n += len(p.Refunds)
	}
	_, refunded = sandboxMoney(t, consultationID)
	return n, refunded
}

// TestWalkInGuestEndToEnd: a guest pays for a walk-in and sees position 1
// with an ETA, the doctor calls, the guest answers, the doctor ends the
// session: completed with an invoice, the session's length measured.
func TestWalkInGuestEndToEnd(t *testing.T) {
	doctor, doctorID := walkInDoctor(t, 171)
	var pub walkInPublic
	newClient(t).do("GET", "/v1/doctors/"+doctorID+"/walk-in", nil).expect(t, http.StatusOK).decode(t, &pub)
	if !pub.Open || pub.QueueLength != 0 || pub.AmountCents != 4500 || pub.WaitMinutes == nil || *pub.WaitMinutes != 0 {
		t.Fatalf("walk-in before anyone joined: %+v", pub)
	}

	// Queue events are pushed live (PostgreSQL NOTIFY, which every API
	// instance's hub listens to).
	conn, err := stack.Platform.Store.Pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(t.Context(), "LISTEN "+live.Channel); err != nil {
		t.Fatal(err)
	}

	g := joinAsGuest(t, doctorID, newEmail("walkin-guest"))
	pushed := make(chan live.Queue, 1)
	go func() {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		for {
			n, err := conn.Conn().WaitForNotification(ctx)
			if err != nil {
				close(pushed)
				return
			}
			if ev, err := live.Decode(n.Payload); err == nil && ev.Type == live.TypeQueue && ev.ConsultationID.String() == g.ID {
				pushed <- *ev.Queue
				return
			}
		}
	}()
	if q, ok := <-pushed; !ok || q.Position != 1 {
		t.Fatalf("live queue event %+v (received %v), want position 1", q, ok)
	}
	v := waitWalkIn(t, g, "queued at position 1", func(v walkInConsultation) bool {
		return v.Status == "queued" && v.WalkIn != nil && v.WalkIn.Position != nil
	})
	if *v.WalkIn.Position != 1 || v.WalkIn.Place != "waiting" || v.WalkIn.ETA == nil {
		t.Fatalf("queued consultation: %+v", v.WalkIn)
	}
	newClient(t).do("GET", "/v1/doctors/"+doctorID+"/walk-in", nil).expect(t, http.StatusOK).decode(t, &pub)
	if pub.QueueLength != 1 || pub.WaitMinutes == nil || *pub.WaitMinutes != 10 {
		t.Errorf("walk-in with one waiting: %+v (want a 10 min wait: the walk-in slot length, nothing measured yet)", pub)
	}

	// Answering before being called is refused; while queued the guest may
	// test their equipment, the doctor is not in the room yet.
	newClient(t).do("POST", g.path("/walk-in/answer"), nil).expect(t, http.StatusConflict)
	newClient(t).do("POST", g.path("/video-token"), nil).expect(t, http.StatusOK)
	doctor.do("POST", "/v1/consultations/"+g.ID+"/video-token", nil).expect(t, http.StatusConflict)

	var called struct {
		Called   string    `json:"called"`
		AnswerBy time.Time `json:"answer_by"`
	}
	doctor.do("POST", "/v1/doctor/walk-in/call-next", nil).expect(t, http.StatusOK).decode(t, &called)
	if called.Called != g.ID || time.Until(called.AnswerBy) <= time.Minute {
		t.Fatalf("call next: %+v", called)
	}
	// Only one patient at a time.
	doctor.do("POST", "/v1/doctor/walk-in/call-next", nil).expect(t, http.StatusConflict)
	waitWalkIn(t, g, "called", func(v walkInConsultation) bool { return v.Status == "called" && v.WalkIn.AnswerBy != nil })

	newClient(t).do("POST", g.path("/walk-in/answer"), nil).expect(t, http.StatusOK)
	waitWalkIn(t, g, "in session", func(v walkInConsultation) bool { return v.Status == "in_session" })
	var token struct {
		Admitted bool `json:"admitted"`
	}
	doctor.do("POST", "/v1/consultations/"+g.ID+"/video-token", nil).expect(t, http.StatusOK).decode(t, &token)
	if !token.Admitted {
		t.Error("the doctor's room token for a walk-in in session is not admitted")
	}

	doctor.do("POST", "/v1/doctor/consultations/"+g.ID+"/end", nil).expect(t, http.StatusOK)
	waitWalkIn(t, g, "completed", func(v walkInConsultation) bool { return v.Status == "completed" })
	waitFor(t, "invoice", func() bool {
		_, err := stack.Platform.Store.GetInvoiceByConsultation(t.Context(), uuid.MustParse(g.ID))
		return err == nil
	})
	var queue struct {
		InSession        *struct{} `json:"in_session"`
		MeasuredSessions int       `json:"measured_sessions"`
	}
	waitFor(t, "the queue freed", func() bool {
		doctor.do("GET", "/v1/doctor/walk-in", nil).expect(t, http.StatusOK).decode(t, &queue)
		return queue.InSession == nil
	})
	if n, _ := refundsOf(t, g.ID); n != 0 {
		t.Errorf("a completed walk-in was refunded %d times", n)
	}
}

// TestWalkInCloseEarlyRefundsWaitingOnce: two guests wait, one is in
// session; the doctor closes early: each waiting guest is refunded in full
// exactly once (counted in the Mollie sandbox), the one in session carries
// on, and nobody can join any more (409 in the user's language).
func TestWalkInCloseEarlyRefundsWaitingOnce(t *testing.T) {
	doctor, doctorID := walkInDoctor(t, 172)
	seen := joinAsGuest(t, doctorID, newEmail("walkin-seen"))
	waitWalkIn(t, seen, "queued", func(v walkInConsultation) bool { return v.Status == "queued" })
	waiting := []guestWalkIn{joinAsGuest(t, doctorID, newEmail("walkin-a")), joinAsGuest(t, doctorID, newEmail("walkin-b"))}
	for i, g := range waiting {
		v := waitWalkIn(t, g, "queued", func(v walkInConsultation) bool { return v.Status == "queued" && v.WalkIn.Position != nil })
		if *v.WalkIn.Position != i+2 {
			t.Errorf("guest %d at position %d, want %d (payment order)", i, *v.WalkIn.Position, i+2)
		}
	}
	doctor.do("POST", "/v1/doctor/walk-in/call-next", nil).expect(t, http.StatusOK)
	waitWalkIn(t, seen, "called", func(v walkInConsultation) bool { return v.Status == "called" })
	newClient(t).do("POST", seen.path("/walk-in/answer"), nil).expect(t, http.StatusOK)
	waitWalkIn(t, seen, "in session", func(v walkInConsultation) bool { return v.Status == "in_session" })

	doctor.do("POST", "/v1/doctor/walk-in/pause", nil).expect(t, http.StatusOK)
	doctor.do("POST", "/v1/doctor/walk-in/pause", nil).expect(t, http.StatusConflict)
	doctor.do("POST", "/v1/doctor/walk-in/close", nil).expect(t, http.StatusOK)
	doctor.do("POST", "/v1/doctor/walk-in/close", nil).expect(t, http.StatusConflict)

	for _, g := range waiting {
		v := waitWalkIn(t, g, "cancelled", func(v walkInConsultation) bool { return v.Status == "cancelled" })
		if v.WalkIn == nil || v.WalkIn.Reason != "walkin_closed" {
			t.Errorf("%s: the cancelled walk-in does not say the session closed: %+v", g.ID, v.WalkIn)
		}
		waitFor(t, "refund settled", func() bool {
			_, refunded := refundsOf(t, g.ID)
			return refunded == 4500
		})
	}
	// Give duplicate removals or retries the time to do harm.
	time.Sleep(2 * time.Second)
	for _, g := range waiting {
		if n, refunded := refundsOf(t, g.ID); n != 1 || refunded != 4500 {
			t.Errorf("%s: %d refunds of %d cents in the sandbox, want exactly one full refund", g.ID, n, refunded)
		}
	}
	if v := walkInState(t, seen); v.Status != "in_session" {
		t.Errorf("the patient in session is %s after the early close", v.Status)
	}
	if n, _ := refundsOf(t, seen.ID); n != 0 {
		t.Errorf("the patient in session was refunded")
	}

	res := newClient(t).do("POST", "/v1/consultations", map[string]any{"type": "walk_in", "doctor_id": doctorID,
		"guest_email": newEmail("walkin-late"), "language": "en"}).expect(t, http.StatusConflict)
	if p := res.problem(t); p.Title != "Walk-in closed" || p.Detail == "" || res.Header.Get("Content-Language") != "en" {
		t.Errorf("late join problem %+v (Content-Language %q)", p, res.Header.Get("Content-Language"))
	}
	res = newClient(t).do("POST", "/v1/consultations", map[string]any{"type": "walk_in", "doctor_id": doctorID,
		"guest_email": newEmail("walkin-late-nl")}).expect(t, http.StatusConflict)
	if p := res.problem(t); p.Detail == "" || res.Header.Get("Content-Language") != "nl" {
		t.Errorf("late join problem without a language %+v (Content-Language %q), want Dutch", p, res.Header.Get("Content-Language"))
	}
	doctor.do("POST", "/v1/doctor/consultations/"+seen.ID+"/end", nil).expect(t, http.StatusOK)
	waitWalkIn(t, seen, "completed", func(v walkInConsultation) bool { return v.Status == "completed" })
}

// TestWalkInOutsideHours: a doctor without an open session refuses walk-ins
// with a 409 in the user's language; one without a walk-in fee with 422.
func TestWalkInOutsideHours(t *testing.T) {
	d, s := loginAs(t, demodata.DoctorEmail(173), "doctor-demo-2026")
	d.do("PUT", "/v1/doctor/walk-in/hours", map[string]any{"rules": []map[string]any{}}).expect(t, http.StatusOK)
	d.do("PUT", "/v1/doctor/fees", map[string]any{"fees": []map[string]any{
		{"type": "walk_in", "amount_cents": 4500, "duration_minutes": 10},
	}}).expect(t, http.StatusOK)
	res := newClient(t).do("POST", "/v1/consultations", map[string]any{"type": "walk_in", "doctor_id": s.User.ID,
		"guest_email": newEmail("walkin-closed"), "language": "nl"}).expect(t, http.StatusConflict)
	if p := res.problem(t); p.Title != "Inloopspreekuur gesloten" || res.Header.Get("Content-Language") != "nl" {
		t.Errorf("outside hours: %+v", p)
	}
	d.do("PUT", "/v1/doctor/walk-in/hours", map[string]any{"rules": []map[string]any{
		{"weekday": 1, "start": "18:00", "end": "17:00"},
	}}).expect(t, http.StatusUnprocessableEntity)
	d.do("POST", "/v1/doctor/walk-in/call-next", nil).expect(t, http.StatusConflict)
}
