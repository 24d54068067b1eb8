package integration

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"derma2go/config"
	"derma2go/db"
	"derma2go/demodata"
	"derma2go/devstack/mailsink"
	"derma2go/platform"
)

// liveCase is a paid video consultation whose waiting room is open (its
// slot starts within minutes).
type liveCase struct {
	doctor, patient      *apiClient
	doctorID, patientID  string
	id, email, password  string
	slot                 time.Time
	eventsPath, chatPath string
}

func newLiveCase(t *testing.T, doctorIndex int) *liveCase {
	t.Helper()
	lc := &liveCase{email: newEmail("live"), password: "live-password-1"}
	lc.doctor, lc.doctorID = roundTheClockDoctor(t, doctorIndex)
	var s session
	lc.patient, s = registerPatient(t, lc.email, lc.password)
	lc.patientID = s.User.ID
	lc.slot = firstSlotFrom(t, lc.doctorID, time.Now())
	var b booking
	lc.patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": lc.doctorID,
		"slot_start": lc.slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, lc.patient, b.ID, "scheduled")
	lc.id = b.ID
	lc.eventsPath, lc.chatPath = "/v1/consultations/"+b.ID+"/events", "/v1/consultations/"+b.ID+"/chat"
	return lc
}

// secondAPI starts another API instance on the same database, with its
// own live listener, as a second process would.
func secondAPI(t *testing.T) (*platform.Platform, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := *stack.Platform
	p.ServeLive(ctx)
	srv := httptest.NewServer(p.APIHandler())
	t.Cleanup(func() {
		cancel()
		srv.Close()
	})
	select {
	case <-p.Live.Connected():
	case <-time.After(10 * time.Second):
		t.Fatal("the second instance's listener did not connect")
	}
	if p.Live == stack.Platform.Live {
		t.Fatal("the second instance shares the first one's hub")
	}
	return &p, srv.URL
}

func on(base string, c *apiClient) *apiClient {
	cp := *c
	cp.base = base
	return &cp
}

func ofConsultation(id string, more func(map[string]any) bool) func(map[string]any) bool {
	return func(d map[string]any) bool { return d["consultation_id"] == id && (more == nil || more(d)) }
}

// Two API instances on one database: the patient's stream on the first,
// the doctor's consultation stream and waiting-list stream on the second.
// The real workflow's transitions (check-in, start) reach all three
// through NOTIFY; each stream opened with the current state and the retry
// delay.
func TestLiveStatusReachesStreamsOnTwoInstances(t *testing.T) {
	lc := newLiveCase(t, 161)
	_, second := secondAPI(t)
	patient := openStream(t, lc.patient, "", lc.eventsPath, nil)
	doctor := openStream(t, lc.doctor, second, lc.eventsPath, nil)
	list := openStream(t, lc.doctor, second, "/v1/doctor/events", nil)
	for _, s := range []*sseStream{patient, doctor, list} {
		s.next("status", ofConsultation(lc.id, field("status", "scheduled")))
	}
	patient.mu.Lock()
	retry := patient.retry
	patient.mu.Unlock()
	if retry != "3000" {
		t.Fatalf("retry %q, want 3000", retry)
	}

	lc.patient.do("POST", "/v1/consultations/"+lc.id+"/checkin", nil).expect(t, http.StatusOK)
	for _, s := range []*sseStream{patient, doctor, list} {
		s.next("status", ofConsultation(lc.id, field("status", "waiting")))
	}
	lc.doctor.do("POST", "/v1/doctor/consultations/"+lc.id+"/start", nil).expect(t, http.StatusOK)
	for _, s := range []*sseStream{patient, doctor, list} {
		s.next("status", ofConsultation(lc.id, field("status", "in_session")))
	}
}

// Chat both ways across two instances, stored encrypted in the record,
// in order; refused to a stranger and to another consultation's guest
// link; the PIN guards a patient's history and withholds the text on a
// locked stream; Last-Event-ID replays what a client missed; it closes
// with the session.
func TestLiveChatBothWays(t *testing.T) {
	lc := newLiveCase(t, 162)
	_, second := secondAPI(t)
	patientStream := openStream(t, lc.patient, "", lc.eventsPath, nil)
	doctorStream := openStream(t, lc.doctor, second, lc.eventsPath, nil)
	patientStream.next("status", nil)
	doctorStream.next("status", nil)

	fromPatient := fmt.Sprintf("Goedemiddag dokter, ik zit klaar in de wachtkamer (%d).", time.Now().UnixNano())
	var sent ChatMessageJSON
	lc.patient.do("POST", lc.chatPath, map[string]any{"text": fromPatient}).expect(t, http.StatusCreated).decode(t, &sent)
	if sent.FromRole != "patient" || sent.Text != fromPatient {
		t.Fatalf("stored %+v", sent)
	}
	ev, data := doctorStream.next("chat", field("text", fromPatient))
	if ev.ID != sent.ID || data["from_role"] != "patient" {
		t.Fatalf("doctor got chat id %q %v, want %s from the patient", ev.ID, data, sent.ID)
	}
	fromDoctor := "Dank u, ik begin over twee minuten. Houdt u de crème bij de hand?"
	on(second, lc.doctor).do("POST", lc.chatPath, map[string]any{"text": fromDoctor}).expect(t, http.StatusCreated)
	if _, data := patientStream.next("chat", field("text", fromDoctor)); data["from_role"] != "doctor" {
		t.Fatalf("patient got %v", data)
	}

	var history struct {
		Items []ChatMessageJSON `json:"items"`
		Open  bool              `json:"open"`
	}
	for _, c := range []*apiClient{lc.patient, lc.doctor} {
		c.do("GET", lc.chatPath, nil).expect(t, http.StatusOK).decode(t, &history)
		if len(history.Items) != 2 || history.Items[0].Text != fromPatient || history.Items[1].Text != fromDoctor || !history.Open {
			t.Fatalf("history %+v", history)
		}
	}

	// The record holds ciphertext only.
	rows, err := stack.Platform.Store.Pool.Query(context.Background(),
		"SELECT text_enc FROM consultation_chat WHERE consultation_id = $1 ORDER BY seq", lc.id)
	if err != nil {
		t.Fatal(err)
	}
	var raw [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		raw = append(raw, b)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 2 {
		t.Fatalf("%d chat rows, want 2", len(raw))
	}
	for i, want := range []string{fromPatient, fromDoctor} {
		if bytes.Contains(raw[i], []byte(want)) || bytes.Contains(raw[i], []byte("wachtkamer")) || bytes.Contains(raw[i], []byte("crème")) {
			t.Fatalf("chat row %d holds plaintext", i)
		}
		if got, err := stack.Platform.Fields.DecryptString(db.FieldChat, raw[i]); err != nil || got != want {
			t.Fatalf("chat row %d decrypts to %q (%v)", i, got, err)
		}
	}

	// Strangers: another patient, nobody, another consultation's guest link.
	intruder, _ := registerPatient(t, newEmail("live-intruder"), "intruder-password-1")
	ac := newAdviceCase(t, 163)
	otherLink := "?access=" + url.QueryEscape(ac.access)
	for name, call := range map[string]func() response{
		"intruder reads":    func() response { return intruder.do("GET", lc.chatPath, nil) },
		"intruder writes":   func() response { return intruder.do("POST", lc.chatPath, map[string]any{"text": "hallo"}) },
		"intruder listens":  func() response { return intruder.raw("GET", lc.eventsPath, "", nil) },
		"anonymous reads":   func() response { return newClient(t).do("GET", lc.chatPath, nil) },
		"other guest reads": func() response { return newClient(t).do("GET", lc.chatPath+otherLink, nil) },
		"other guest writes": func() response {
			return newClient(t).do("POST", lc.chatPath+otherLink, map[string]any{"text": "hallo"})
		},
		"other guest listens": func() response { return newClient(t).raw("GET", lc.eventsPath+otherLink, "", nil) },
		"other doctor writes": func() response {
			d, _ := loginAs(t, demodata.DoctorEmail(2), "doctor-demo-2026")
			return d.do("POST", lc.chatPath, map[string]any{"text": "hallo"})
		},
	} {
		res := call()
		if res.Status != http.StatusNotFound {
			t.Errorf("%s → %d, want 404: %s", name, res.Status, res.Body)
		}
	}
	// The guest link works for its own consultation's history, but email
	// advice has no chat to write to.
	newClient(t).do("GET", ac.guestPath("/chat"), nil).expect(t, http.StatusOK)
	newClient(t).do("POST", ac.guestPath("/chat"), map[string]any{"text": "hallo"}).expect(t, http.StatusConflict).problem(t)

	// Bad input.
	lc.patient.raw("POST", lc.chatPath, "application/json", []byte(`{"text":"`+strings.Repeat("é", 2001)+`"}`)).
		expect(t, http.StatusUnprocessableEntity).problem(t)
	lc.patient.do("POST", lc.chatPath, map[string]any{"text": "   \n "}).expect(t, http.StatusUnprocessableEntity).problem(t)
	lc.patient.raw("POST", lc.chatPath, "application/json", []byte(`{"text":`)).expect(t, http.StatusBadRequest).problem(t)
	lc.patient.do("POST", lc.chatPath, map[string]any{"text": strings.Repeat("é", 2000)}).expect(t, http.StatusCreated)
	patientStream.next("chat", field("from_role", "patient"))

	// A session without the PIN: no history, and chat events without text.
	var second2 session
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": lc.email, "password": lc.password}).
		expect(t, http.StatusOK).decode(t, &second2)
	locked := &apiClient{t: t, token: second2.Token}
	locked.do("GET", lc.chatPath, nil).expect(t, http.StatusForbidden).problem(t)
	lockedStream := openStream(t, locked, "", lc.eventsPath, nil)
	lockedStream.next("status", nil)

	// Reconnecting after the first message replays the later ones only.
	resumed := openStream(t, lc.doctor, "", lc.eventsPath, http.Header{"Last-Event-ID": {sent.ID}})
	if _, data := resumed.next("chat", nil); data["text"] != fromDoctor {
		t.Fatalf("resumed stream replayed %v first, want the doctor's message", data)
	}

	lc.doctor.do("POST", lc.chatPath, map[string]any{"text": "Tot zo."}).expect(t, http.StatusCreated)
	if _, data := lockedStream.next("chat", field("from_role", "doctor")); data["text"] != nil || data["locked"] != true {
		t.Fatalf("a locked session's stream got %v, want the text withheld", data)
	}

	// The chat closes with the session; the history stays.
	lc.patient.do("POST", "/v1/consultations/"+lc.id+"/checkin", nil).expect(t, http.StatusOK)
	lc.doctor.do("POST", "/v1/doctor/consultations/"+lc.id+"/start", nil).expect(t, http.StatusOK)
	lc.doctor.do("POST", lc.chatPath, map[string]any{"text": "We zijn live."}).expect(t, http.StatusCreated)
	lc.doctor.do("POST", "/v1/doctor/consultations/"+lc.id+"/end", nil).expect(t, http.StatusOK)
	waitConsultation(t, lc.patient, lc.id, "completed")
	lc.patient.do("POST", lc.chatPath, map[string]any{"text": "Nog één vraag"}).expect(t, http.StatusConflict).problem(t)
	lc.patient.do("GET", lc.chatPath, nil).expect(t, http.StatusOK).decode(t, &history)
	if len(history.Items) != 5 || history.Open {
		t.Fatalf("history after the session: %d items, open %v", len(history.Items), history.Open)
	}
}

// ChatMessageJSON is a chat message as the API answers it.
type ChatMessageJSON struct {
	ID       string `json:"id"`
	FromRole string `json:"from_role"`
	Text     string `json:"text"`
}

type waitingItem struct {
	ID                string  `json:"id"`
	Status            string  `json:"status"`
	PatientName       string  `json:"patient_name"`
	PatientOnline     bool    `json:"patient_online"`
	PatientConnection string  `json:"patient_connection"`
	PatientSeenAt     *string `json:"patient_seen_at"`
	DelayMinutes      int     `json:"delay_minutes"`
}

func waitingRoomItem(t *testing.T, doctor *apiClient, id string) waitingItem {
	t.Helper()
	var list struct {
		Items []waitingItem `json:"items"`
	}
	doctor.do("GET", "/v1/doctor/waiting-room", nil).expect(t, http.StatusOK).decode(t, &list)
	for _, it := range list.Items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("consultation %s is not on the doctor's waiting list (%d items)", id, len(list.Items))
	return waitingItem{}
}

// The patient's heartbeat reaches the doctor's waiting list (the list and
// its live stream) with the connection grade; the doctor's heartbeat
// reaches the patient's stream (the doctor is ready).
func TestLivePresenceReachesDoctorWaitingList(t *testing.T) {
	lc := newLiveCase(t, 164)
	list := openStream(t, lc.doctor, "", "/v1/doctor/events", nil)
	list.next("presence", ofConsultation(lc.id, field("online", false)))
	if it := waitingRoomItem(t, lc.doctor, lc.id); it.PatientOnline || it.PatientConnection != "unknown" || it.PatientName != "Test Patiënt" {
		t.Fatalf("before any heartbeat: %+v", it)
	}
	patient := openStream(t, lc.patient, "", lc.eventsPath, nil)
	patient.next("presence", field("role", "doctor"))

	presence := "/v1/consultations/" + lc.id + "/presence"
	lc.patient.do("POST", presence, map[string]any{"connection": "good"}).expect(t, http.StatusNoContent)
	list.next("presence", ofConsultation(lc.id, func(d map[string]any) bool {
		return d["role"] == "patient" && d["online"] == true && d["connection"] == "good"
	}))
	if it := waitingRoomItem(t, lc.doctor, lc.id); !it.PatientOnline || it.PatientConnection != "good" || it.PatientSeenAt == nil {
		t.Fatalf("after a heartbeat: %+v", it)
	}
	lc.patient.do("POST", presence, map[string]any{"connection": "good"}).expect(t, http.StatusNoContent)
	lc.patient.do("POST", presence, map[string]any{"connection": "poor"}).expect(t, http.StatusNoContent)
	// The repeated "good" changes nothing visible; "poor" does.
	_, d := list.next("presence", ofConsultation(lc.id, nil))
	if d["connection"] != "poor" {
		t.Fatalf("next presence on the list %v, want poor (a repeat is not passed on)", d)
	}

	lc.doctor.do("POST", presence, map[string]any{"connection": "fair"}).expect(t, http.StatusNoContent)
	patient.next("presence", func(d map[string]any) bool {
		return d["role"] == "doctor" && d["online"] == true && d["connection"] == "fair"
	})
	list.none("presence", field("role", "doctor"), 300*time.Millisecond)

	lc.patient.raw("POST", presence, "application/json", []byte(`{"connection":"excellent"}`)).
		expect(t, http.StatusUnprocessableEntity).problem(t)
	intruder, _ := registerPatient(t, newEmail("live-presence-intruder"), "intruder-password-1")
	intruder.do("POST", presence, map[string]any{"connection": "good"}).expect(t, http.StatusNotFound).problem(t)
}

// The doctor's delay reaches the waiting patient at once: a delay event on
// the stream, one delay email (the workflow's, not doubled), and the
// expected start moves.
func TestLiveDelayReachesPatientStreamAndMailbox(t *testing.T) {
	lc := newLiveCase(t, 165)
	patient := openStream(t, lc.patient, "", lc.eventsPath, nil)
	patient.next("status", field("status", "scheduled"))
	lc.patient.do("POST", "/v1/consultations/"+lc.id+"/checkin", nil).expect(t, http.StatusOK)
	patient.next("status", field("status", "waiting"))

	lc.doctor.do("POST", "/v1/doctor/consultations/"+lc.id+"/delay", map[string]any{"minutes": 15}).expect(t, http.StatusOK)
	_, d := patient.next("delay", nil)
	want := lc.slot.Add(15 * time.Minute)
	if d["minutes"] != float64(15) || d["expected_start"] != want.UTC().Format(time.RFC3339) {
		t.Fatalf("delay event %v, want 15 minutes to %s", d, want.UTC().Format(time.RFC3339))
	}
	isDelayMail := func(m mailsink.Message) bool {
		return strings.Contains(m.Subject, "15 minuten uit") && len(m.To) == 1 && m.To[0] == lc.email
	}
	waitForMailWith(t, lc.id, "the delay email", isDelayMail)
	var v struct {
		ExpectedStart time.Time `json:"expected_start"`
	}
	lc.patient.do("GET", "/v1/consultations/"+lc.id, nil).expect(t, http.StatusOK).decode(t, &v)
	if !v.ExpectedStart.Equal(want) {
		t.Fatalf("expected start %s, want %s", v.ExpectedStart, want)
	}
	if it := waitingRoomItem(t, lc.doctor, lc.id); it.DelayMinutes != 15 || it.Status != "waiting" {
		t.Fatalf("waiting list after the delay: %+v", it)
	}
	time.Sleep(time.Second)
	n := 0
	for _, m := range stack.Mail.Messages() {
		if mailConsultation(m) == lc.id && isDelayMail(m) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d delay emails, want 1", n)
	}
	// A stream opened now starts with the delay.
	late := openStream(t, lc.patient, "", lc.eventsPath, nil)
	late.next("delay", field("minutes", float64(15)))
}

// A stream survives the loss of its instance's listener connection
// (pg_terminate_backend): the hub reconnects on a new backend and the
// stream hears the next transition.
func TestLiveStreamSurvivesListenerReconnect(t *testing.T) {
	lc := newLiveCase(t, 166)
	p, second := secondAPI(t)
	patient := openStream(t, lc.patient, second, lc.eventsPath, nil)
	patient.next("status", field("status", "scheduled"))

	old := p.Live.BackendPID()
	var terminated bool
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(), "SELECT pg_terminate_backend($1)", int(old)).Scan(&terminated); err != nil || !terminated {
		t.Fatalf("pg_terminate_backend(%d) = %v, %v", old, terminated, err)
	}
	waitFor(t, "the listener to reconnect on a new backend", func() bool {
		pid := p.Live.BackendPID()
		return pid != 0 && pid != old
	})
	lc.patient.do("POST", "/v1/consultations/"+lc.id+"/checkin", nil).expect(t, http.StatusOK)
	patient.next("status", field("status", "waiting"))
	lc.doctor.do("POST", "/v1/doctor/consultations/"+lc.id+"/start", nil).expect(t, http.StatusOK)
	patient.next("status", field("status", "in_session"))
}

// A stream outlives the HTTP server's read and write timeouts (here 1 s;
// 2 and 3 minutes by default): it still delivers an event after both
// have passed. Before, the server's read deadline ended the request's
// context and its write deadline cut the response.
func TestLiveStreamOutlivesServerTimeouts(t *testing.T) {
	lc := newLiveCase(t, 168)
	p, _ := secondAPI(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := platform.NewHTTPServer(l.Addr().String(), p.APIHandler(),
		config.HTTPTimeouts{ReadHeader: time.Second, Read: time.Second, Write: time.Second, Idle: time.Second})
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	doctor := openStream(t, lc.doctor, "http://"+l.Addr().String(), lc.eventsPath, nil)
	doctor.next("presence", field("online", false))
	time.Sleep(2500 * time.Millisecond)
	lc.patient.do("POST", "/v1/consultations/"+lc.id+"/presence", map[string]any{"connection": "good"}).expect(t, http.StatusNoContent)
	doctor.next("presence", field("online", true))
}
