package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"derma2go/api"
	"derma2go/demodata"
)

type slotsPage struct {
	TimeZone string `json:"time_zone"`
	Items    []struct {
		Start time.Time `json:"start"`
		End   time.Time `json:"end"`
	} `json:"items"`
}

func freeSlots(t *testing.T, doctorID, typ string) slotsPage {
	t.Helper()
	var p slotsPage
	newClient(t).do("GET", "/v1/doctors/"+doctorID+"/slots?type="+typ, nil).expect(t, http.StatusOK).decode(t, &p)
	return p
}

func doctorID(t *testing.T, index int) string {
	t.Helper()
	_, s := loginAs(t, demodata.DoctorEmail(index), "doctor-demo-2026")
	return s.User.ID
}

// TestFiftyPatientsRaceForOneSlot: exactly one booking wins, the others get
// 409, and the database holds one live consultation in that slot.
func TestFiftyPatientsRaceForOneSlot(t *testing.T) {
	doctor := doctorID(t, 10)
	slots := freeSlots(t, doctor, "in_person")
	if len(slots.Items) == 0 {
		t.Fatal("doctor has no free in-person slot this week")
	}
	slot := slots.Items[len(slots.Items)/2].Start

	const racers = 50
	clients := make([]*apiClient, racers)
	for i := range clients {
		clients[i], _ = registerPatient(t, newEmail(fmt.Sprintf("racer%d", i)), "racing-password-1")
	}
	statuses := make([]int, racers)
	problems := make([]api.Problem, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i], problems[i] = c.bookProblem(doctor, "in_person", slot)
		}()
	}
	close(start)
	wg.Wait()
	won, lost := 0, 0
	for i, st := range statuses {
		switch st {
		case http.StatusCreated:
			won++
		case http.StatusConflict:
			lost++
			// The patients' language is Dutch (the default): so is the answer.
			if p := problems[i]; p.Detail != slotTakenNL && p.Detail != slotNotFreeNL {
				t.Errorf("409 detail %q, want the Dutch text of a taken slot", p.Detail)
			}
		default:
			t.Errorf("unexpected status %d", st)
		}
	}
	if won != 1 || lost != racers-1 {
		t.Fatalf("%d won, %d got 409; want 1 and %d", won, lost, racers-1)
	}
	var rows int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM consultations WHERE doctor_id = $1 AND lower(slot) = $2`, doctor, slot).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 1 {
		t.Fatalf("%d rows for the slot, want 1", rows)
	}
	for _, s := range freeSlots(t, doctor, "in_person").Items {
		if s.Start.Equal(slot) {
			t.Fatal("the booked slot is still listed as free")
		}
	}
}

// The localized details of the booking's 409s (api/booking.go).
const (
	slotTakenNL   = "Iemand anders heeft dit tijdstip net geboekt of is ervoor aan het betalen. Kies een ander tijdstip."
	slotTakenEN   = "Someone else just booked or is paying for this slot. Pick another one."
	slotNotFreeEN = "This slot is not free: it is taken, held, in the past or outside the doctor's hours."
	slotNotFreeNL = "Dit tijdstip is niet vrij: het is bezet, wordt vastgehouden, is voorbij of valt buiten de spreekuren van de arts."
)

// TestBookingConflictsInThePatientsLanguage: a taken slot and a slot in
// the past are 409s in the patient's language, Dutch by default and
// English once chosen.
func TestBookingConflictsInThePatientsLanguage(t *testing.T) {
	doctor := doctorID(t, 159)
	slots := freeSlots(t, doctor, "in_person")
	if len(slots.Items) < 2 {
		t.Fatal("doctor 159 has fewer than 2 free in-person slots this week")
	}
	first, _ := registerPatient(t, newEmail("conflict-first"), "conflict-password-1")
	slot := slots.Items[len(slots.Items)-1].Start
	first.do("POST", "/v1/consultations", map[string]any{"type": "in_person", "doctor_id": doctor, "slot_start": slot.Format(time.RFC3339)}).
		expect(t, http.StatusCreated)
	other, _ := registerPatient(t, newEmail("conflict-other"), "conflict-password-1")
	for _, tc := range []struct {
		lang, taken, notFree string
	}{{"nl", slotTakenNL, slotNotFreeNL}, {"en", slotTakenEN, slotNotFreeEN}} {
		other.do("PUT", "/v1/me/language", map[string]any{"language": tc.lang}).expect(t, http.StatusOK)
		p := other.do("POST", "/v1/consultations", map[string]any{"type": "in_person", "doctor_id": doctor, "slot_start": slot.Format(time.RFC3339)}).
			expect(t, http.StatusConflict).problem(t)
		if p.Detail != tc.taken {
			t.Errorf("%s, taken slot: detail %q, want %q", tc.lang, p.Detail, tc.taken)
		}
		past := time.Now().Add(-48 * time.Hour).Truncate(time.Hour)
		p = other.do("POST", "/v1/consultations", map[string]any{"type": "in_person", "doctor_id": doctor, "slot_start": past.Format(time.RFC3339)}).
			expect(t, http.StatusConflict).problem(t)
		if p.Detail != tc.notFree {
			t.Errorf("%s, past slot: detail %q, want %q", tc.lang, p.Detail, tc.notFree)
		}
	}
}

// bookProblem books without failing the test on a refusal (for races) and
// returns the status with the problem. It does not validate against the
// spec: many goroutines share one *testing.T.
func (c *apiClient) bookProblem(doctorID, typ string, slot time.Time) (int, api.Problem) {
	body := fmt.Sprintf(`{"type":%q,"doctor_id":%q,"slot_start":%q}`, typ, doctorID, slot.Format(time.RFC3339))
	req, err := http.NewRequest("POST", stack.APIURL+"/v1/consultations", bytesReader(body))
	if err != nil {
		return -1, api.Problem{}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return -1, api.Problem{}
	}
	defer res.Body.Close()
	var p api.Problem
	if res.StatusCode >= 400 {
		_ = json.NewDecoder(res.Body).Decode(&p)
	}
	return res.StatusCode, p
}

func TestSlotsBadInput(t *testing.T) {
	doctor := doctorID(t, 11)
	anon := newClient(t)
	for _, q := range []string{"type=email_advice", "type=video&from=yesterday", "type=video&from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z",
		"type=video&from=2026-12-01T00:00:00Z&to=2027-03-01T00:00:00Z"} {
		anon.raw("GET", "/v1/doctors/"+doctor+"/slots?"+q, "", nil).expect(t, http.StatusBadRequest).problem(t)
	}
	anon.do("GET", "/v1/doctors/00000000-0000-0000-0000-000000000000/slots?type=video", nil).expect(t, http.StatusNotFound)
	patient, _ := registerPatient(t, newEmail("slotbad"), "first-password-1")
	past := time.Now().Add(-48 * time.Hour).Truncate(time.Hour)
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctor, "slot_start": past.Format(time.RFC3339)}).
		expect(t, http.StatusConflict).problem(t)
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctor}).
		expect(t, http.StatusUnprocessableEntity).problem(t)
	newClient(t).do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctor,
		"slot_start": time.Now().Add(48 * time.Hour).Format(time.RFC3339)}).expect(t, http.StatusUnauthorized).problem(t)
}

func TestAvailabilityDrivesSlots(t *testing.T) {
	doctor, s := loginAs(t, demodata.DoctorEmail(12), "doctor-demo-2026")
	tomorrow := time.Now().In(amsterdam(t)).AddDate(0, 0, 1)
	day := tomorrow.Format("2006-01-02")
	doctor.do("PUT", "/v1/doctor/availability", map[string]any{
		"rules": []map[string]any{{"type": "video", "weekday": int(tomorrow.Weekday()), "start": "09:00", "end": "10:00"}},
		"exceptions": []map[string]any{
			{"day": tomorrow.AddDate(0, 0, 7).Format("2006-01-02"), "kind": "off"},
			{"day": day, "kind": "extra", "type": "video", "start": "14:00", "end": "14:30"},
		},
	}).expect(t, http.StatusOK)
	var p slotsPage
	from := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 0, 0, 0, 0, amsterdam(t))
	newClient(t).do("GET", "/v1/doctors/"+s.User.ID+"/slots?type=video&from="+url.QueryEscape(from.Format(time.RFC3339))+
		"&to="+url.QueryEscape(from.AddDate(0, 0, 14).Format(time.RFC3339)), nil).expect(t, http.StatusOK).decode(t, &p)
	var got []string
	for _, sl := range p.Items {
		got = append(got, sl.Start.In(amsterdam(t)).Format("01-02 15:04"))
	}
	want := []string{}
	for _, clock := range []string{"09:00", "09:15", "09:30", "09:45", "14:00", "14:15"} {
		want = append(want, tomorrow.Format("01-02")+" "+clock)
	}
	// The same weekday a week later is a day off; two weeks later is outside the window.
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("slots %v, want %v", got, want)
	}
	doctor.raw("PUT", "/v1/doctor/availability", "application/json",
		[]byte(`{"rules":[{"type":"video","weekday":1,"start":"10:00","end":"09:00"}]}`)).expect(t, http.StatusUnprocessableEntity).problem(t)
	doctor.raw("PUT", "/v1/doctor/availability", "application/json",
		[]byte(`{"rules":[{"type":"video","weekday":9,"start":"10:00","end":"11:00"}]}`)).expect(t, http.StatusUnprocessableEntity).problem(t)
}

func amsterdam(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
