package live

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

func statusEvent(consultation, doctor uuid.UUID, status string) Event {
	return Event{Type: TypeStatus, ConsultationID: consultation, DoctorID: doctor,
		Status: &Status{Status: status, At: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}}
}

func mustEncode(t *testing.T, e Event) string {
	t.Helper()
	s, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func received(s *Subscription) []Event {
	var out []Event
	for {
		select {
		case e := <-s.Events():
			out = append(out, e)
		default:
			return out
		}
	}
}

func resynced(s *Subscription) bool {
	select {
	case <-s.Resync():
		return true
	default:
		return false
	}
}

// The hub hands each event to the subscribers of its consultation and of
// its doctor, and to nobody else.
func TestHubFansOutByConsultationAndDoctor(t *testing.T) {
	h := NewHub(nil, nil)
	c1, c2, d1, d2 := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	onC1a, onC1b := h.Subscribe(Filter{Consultation: c1}), h.Subscribe(Filter{Consultation: c1})
	onC2 := h.Subscribe(Filter{Consultation: c2})
	onD1, onD2 := h.Subscribe(Filter{Doctor: d1}), h.Subscribe(Filter{Doctor: d2})
	none := h.Subscribe(Filter{})

	h.dispatch(mustEncode(t, statusEvent(c1, d1, "waiting")))
	h.dispatch(mustEncode(t, statusEvent(c2, d1, "in_session")))

	for name, tc := range map[string]struct {
		s    *Subscription
		want []string
	}{
		"consultation 1 (a)": {onC1a, []string{"waiting"}},
		"consultation 1 (b)": {onC1b, []string{"waiting"}},
		"consultation 2":     {onC2, []string{"in_session"}},
		"doctor 1":           {onD1, []string{"waiting", "in_session"}},
		"doctor 2":           {onD2, nil},
		"empty filter":       {none, nil},
	} {
		got := received(tc.s)
		var statuses []string
		for _, e := range got {
			statuses = append(statuses, e.Status.Status)
		}
		if strings.Join(statuses, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s received %v, want %v", name, statuses, tc.want)
		}
	}
}

// A subscriber that does not read never blocks the others: once its buffer
// is full it is told to resync, and the others get every event.
func TestHubSlowSubscriberResyncsWithoutBlocking(t *testing.T) {
	h := NewHub(nil, nil)
	c, d := uuid.New(), uuid.New()
	slow, fast := h.Subscribe(Filter{Consultation: c}), h.Subscribe(Filter{Doctor: d})
	finished := make(chan int)
	go func() {
		fastGot := 0
		for range Buffer * 3 {
			h.dispatch(mustEncode(t, statusEvent(c, d, "waiting")))
			select {
			case <-fast.Events():
				fastGot++
			default:
			}
		}
		finished <- fastGot
	}()
	select {
	case fastGot := <-finished:
		if fastGot != Buffer*3 {
			t.Fatalf("the reading subscriber got %d of %d events", fastGot, Buffer*3)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("dispatch blocked on a subscriber that does not read")
	}
	if n := len(received(slow)); n != Buffer {
		t.Fatalf("the slow subscriber holds %d events, want its buffer (%d)", n, Buffer)
	}
	if !resynced(slow) {
		t.Fatal("the slow subscriber was not told to resync")
	}
	if resynced(fast) {
		t.Fatal("the reading subscriber was told to resync")
	}
}

// Close stops delivery; a payload that is not an event is dropped; a
// reconnection tells every subscriber to resync.
func TestHubCloseBadPayloadAndResync(t *testing.T) {
	h := NewHub(nil, nil)
	c, d := uuid.New(), uuid.New()
	a, b := h.Subscribe(Filter{Consultation: c}), h.Subscribe(Filter{Consultation: c})
	b.Close()
	b.Close()
	if h.Subscribers() != 1 {
		t.Fatalf("%d subscribers after one closed, want 1", h.Subscribers())
	}
	h.dispatch(`{"type":"status"`)
	h.dispatch(`{"type":"status","consultation_id":"` + c.String() + `","doctor_id":"` + d.String() + `"}`)
	h.dispatch(mustEncode(t, statusEvent(c, d, "completed")))
	if got := received(a); len(got) != 1 || got[0].Status.Status != "completed" {
		t.Fatalf("open subscriber received %+v, want the one valid event", got)
	}
	if got := received(b); len(got) != 0 {
		t.Fatalf("closed subscriber received %+v", got)
	}
	h.resyncAll()
	if !resynced(a) {
		t.Fatal("resyncAll did not reach the subscriber")
	}
}

// Events carry one payload that fits their type, and stay far below the
// NOTIFY limit.
func TestEventEncoding(t *testing.T) {
	c, d := uuid.New(), uuid.New()
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	good := []Event{
		statusEvent(c, d, "waiting"),
		{Type: TypeDelay, ConsultationID: c, DoctorID: d, Delay: &Delay{Minutes: 15, ExpectedStart: &at, At: at}},
		{Type: TypeChat, ConsultationID: c, DoctorID: d, Chat: &ChatRef{ID: uuid.New(), FromRole: RoleDoctor, At: at}},
		{Type: TypePresence, ConsultationID: c, DoctorID: d, Presence: &Presence{Role: RolePatient, Online: true, Connection: ConnectionGood, At: at}},
		{Type: TypeQueue, ConsultationID: c, DoctorID: d, Queue: &Queue{Position: 3, ETAMinutes: 25}},
	}
	for _, e := range good {
		s := mustEncode(t, e)
		if len(s) > 400 {
			t.Errorf("%s event is %d bytes", e.Type, len(s))
		}
		back, err := Decode(s)
		if err != nil || back.Type != e.Type || back.ConsultationID != c || back.DoctorID != d {
			t.Errorf("%s: decoded %+v, %v", e.Type, back, err)
		}
	}
	bad := []Event{
		{Type: TypeStatus, ConsultationID: c, DoctorID: d},
		{Type: TypeStatus, ConsultationID: c, DoctorID: d, Queue: &Queue{}},
		{Type: TypeStatus, ConsultationID: c, DoctorID: d, Status: &Status{}, Queue: &Queue{}},
		{Type: "gossip", ConsultationID: c, DoctorID: d, Status: &Status{}},
		{Type: TypeStatus, DoctorID: d, Status: &Status{}},
	}
	for _, e := range bad {
		if _, err := e.Encode(); err == nil {
			t.Errorf("%+v encoded", e)
		}
	}
	huge := statusEvent(c, d, strings.Repeat("x", MaxPayload))
	if _, err := huge.Encode(); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized event: %v, want ErrTooLarge", err)
	}
}

func TestDelayMinutes(t *testing.T) {
	start := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	slot := pgtype.Range[pgtype.Timestamptz]{Lower: pgtype.Timestamptz{Time: start, Valid: true},
		Upper: pgtype.Timestamptz{Time: start.Add(20 * time.Minute), Valid: true}, Valid: true}
	later := start.Add(25 * time.Minute)
	earlier := start.Add(-time.Minute)
	for _, tc := range []struct {
		slot     pgtype.Range[pgtype.Timestamptz]
		expected *time.Time
		want     int
	}{
		{slot, &later, 25}, {slot, &start, 0}, {slot, &earlier, 0}, {slot, nil, 0},
		{pgtype.Range[pgtype.Timestamptz]{}, &later, 0},
	} {
		if got := DelayMinutes(tc.slot, tc.expected); got != tc.want {
			t.Errorf("DelayMinutes(%v) = %d, want %d", tc.expected, got, tc.want)
		}
	}
}

// A heartbeat shows a side online with its grade; repeats are quiet; a
// change of grade shows; OfflineAfter without one shows it offline once.
func TestPresenceTracker(t *testing.T) {
	tr := NewPresenceTracker()
	c := uuid.New()
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	hb := func(conn string) Presence { return Presence{Role: RolePatient, Online: true, Connection: conn} }
	if p, changed := tr.Heartbeat(c, hb(ConnectionGood), t0); !changed || !p.Online || p.Connection != ConnectionGood {
		t.Fatalf("first heartbeat: %+v, %v", p, changed)
	}
	if _, changed := tr.Heartbeat(c, hb(ConnectionGood), t0.Add(10*time.Second)); changed {
		t.Fatal("an identical heartbeat was passed on")
	}
	if p, changed := tr.Heartbeat(c, hb(ConnectionPoor), t0.Add(20*time.Second)); !changed || p.Connection != ConnectionPoor {
		t.Fatalf("grade change: %+v, %v", p, changed)
	}
	if got := tr.Expire(t0.Add(20*time.Second + OfflineAfter - time.Second)); len(got) != 0 {
		t.Fatalf("expired too early: %+v", got)
	}
	got := tr.Expire(t0.Add(20*time.Second + OfflineAfter))
	if len(got) != 1 || got[0].ConsultationID != c || got[0].Presence.Online || got[0].Presence.Connection != ConnectionUnknown {
		t.Fatalf("expiry: %+v", got)
	}
	if again := tr.Expire(t0.Add(time.Hour)); len(again) != 0 {
		t.Fatalf("expired twice: %+v", again)
	}
	if p, changed := tr.Heartbeat(c, hb(ConnectionFair), t0.Add(time.Hour)); !changed || !p.Online {
		t.Fatalf("back online: %+v, %v", p, changed)
	}
	if p, changed := tr.Heartbeat(c, Presence{Role: RolePatient, Online: false, Connection: ConnectionFair}, t0.Add(time.Hour)); !changed || p.Online || p.Connection != ConnectionUnknown {
		t.Fatalf("leaving: %+v, %v", p, changed)
	}
	tr.Seed(c, Presence{Role: RoleDoctor, Online: true, Connection: ConnectionGood}, t0)
	if _, changed := tr.Heartbeat(c, Presence{Role: RoleDoctor, Online: true, Connection: ConnectionGood}, t0.Add(time.Second)); changed {
		t.Fatal("a heartbeat equal to the seeded state was passed on")
	}
	if !Online(&t0, t0.Add(OfflineAfter-time.Second)) || Online(&t0, t0.Add(OfflineAfter)) || Online(nil, t0) {
		t.Fatal("Online disagrees with OfflineAfter")
	}
}
