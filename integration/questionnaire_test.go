package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"derma2go/demodata"
	"derma2go/devstack/mailsink"
)

// questionnaireView is the API's ConsultationQuestionnaire as the tests read it.
type questionnaireView struct {
	State         string `json:"state"`
	Questionnaire *struct {
		ID        string `json:"id"`
		Version   int    `json:"version"`
		Title     string `json:"title"`
		Questions []struct {
			ID    string `json:"id"`
			Label string `json:"label"`
		} `json:"questions"`
	} `json:"questionnaire"`
	Response *struct {
		Version     int    `json:"version"`
		Title       string `json:"title"`
		BuiltinForm string `json:"builtin_form"`
		Items       []struct {
			Question struct {
				ID    string `json:"id"`
				Kind  string `json:"kind"`
				Label string `json:"label"`
			} `json:"question"`
			Answer any `json:"answer"`
		} `json:"items"`
	} `json:"response"`
}

// answer is the answer to question id of a filled form (nil: none).
func (v questionnaireView) answer(id string) any {
	if v.Response == nil {
		return nil
	}
	for _, it := range v.Response.Items {
		if it.Question.ID == id {
			return it.Answer
		}
	}
	return nil
}

// questionsV1 is the first version the tests' doctor publishes.
func questionsV1() map[string]any {
	return map[string]any{"consultation_type": "video", "title": "Voor uw videoconsult", "questions": []map[string]any{
		{"id": "why", "kind": "long_text", "label": "Waarvoor komt u?", "required": true, "min_length": 5},
		{"id": "itch", "kind": "yes_no", "label": "Jeukt het?", "required": true},
		{"id": "since", "kind": "date", "label": "Sinds wanneer?"},
		{"id": "spots", "kind": "number", "label": "Hoeveel plekken?", "min": 0, "max": 50},
		{"id": "where", "kind": "multiple_choice", "label": "Waar?", "options": []string{"armen", "benen", "romp"}},
		{"id": "photo", "kind": "photo", "label": "Een foto van de plek"},
	}}
}

// bookPaidVideo books the first video slot from `from` with the doctor, pays
// it and waits until it is scheduled.
func bookPaidVideo(t *testing.T, patient *apiClient, doctorID string, from time.Time) (string, time.Time) {
	t.Helper()
	slot := firstSlotFrom(t, doctorID, from)
	var b booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, patient, b.ID, "scheduled")
	return b.ID, slot
}

// TestQuestionnaireVersionsKeepTheirAnswers: a doctor publishes a
// questionnaire for video consultations; the booking's invitation links to
// its page and the portal lists it to fill in; wrong answers are refused
// field by field and store nothing; the patient answers version 1 with a
// photo; the doctor publishes version 2; the filled form still shows
// version 1's questions to the doctor and the patient, a new booking gets
// version 2 and an answer to version 1 is refused. The answers are stored
// encrypted.
func TestQuestionnaireVersionsKeepTheirAnswers(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, 142)
	if res := doctor.do("DELETE", "/v1/doctor/questionnaires/video", nil); res.Status != http.StatusNoContent && res.Status != http.StatusNotFound {
		t.Fatalf("withdraw a left-over questionnaire → %d", res.Status)
	}
	var v1 struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
	}
	doctor.do("POST", "/v1/doctor/questionnaires", questionsV1()).expect(t, http.StatusCreated).decode(t, &v1)
	var again struct {
		Version int `json:"version"`
	}
	doctor.do("POST", "/v1/doctor/questionnaires", questionsV1()).expect(t, http.StatusCreated).decode(t, &again)
	if again.Version != v1.Version {
		t.Fatalf("publishing the same questions again made version %d (was %d)", again.Version, v1.Version)
	}

	email := newEmail("questionnaire")
	patient, _ := registerPatient(t, email, "questionnaire-password-1")
	id, slot := bookPaidVideo(t, patient, doctorID, time.Now())

	// The invitation links to the questionnaire's page.
	invite := waitForMailWith(t, id, "the invitation with the questionnaire link", func(m mailsink.Message) bool {
		return strings.Contains(m.Text, "/consultations/"+id+"/questionnaire")
	})
	if !strings.Contains(invite.HTML, "/consultations/"+id+"/questionnaire") {
		t.Fatalf("the invitation's HTML lacks the questionnaire link:\n%s", invite.Text)
	}
	var todo struct {
		Items []struct {
			ConsultationID string `json:"consultation_id"`
			Version        int    `json:"version"`
			Title          string `json:"title"`
		} `json:"items"`
	}
	patient.do("GET", "/v1/me/questionnaires", nil).expect(t, http.StatusOK).decode(t, &todo)
	if len(todo.Items) != 1 || todo.Items[0].ConsultationID != id || todo.Items[0].Version != v1.Version {
		t.Fatalf("to fill in: %+v", todo.Items)
	}
	var view questionnaireView
	patient.do("GET", "/v1/consultations/"+id+"/questionnaire", nil).expect(t, http.StatusOK).decode(t, &view)
	if view.State != "to_fill" || view.Questionnaire == nil || view.Questionnaire.Version != v1.Version || len(view.Questionnaire.Questions) != 6 {
		t.Fatalf("questionnaire to fill: %+v", view)
	}

	ct, body := multipartPhoto(t, photoJPEG(t))
	var photo struct {
		ID string `json:"id"`
	}
	patient.raw("POST", "/v1/consultations/"+id+"/questionnaire/photos", ct, body).expect(t, http.StatusCreated).decode(t, &photo)

	// Wrong answers: each named, nothing stored.
	good := map[string]any{"why": "Rode schilferende plekken", "itch": true, "since": "2026-01-15", "spots": 4,
		"where": []string{"romp", "armen"}, "photo": photo.ID}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for key, val := range good {
			m[key] = val
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, bad := range []struct {
		answers map[string]any
		field   string
	}{
		{with("itch", nil), "answers.itch"},
		{with("why", "kort"), "answers.why"},
		{with("since", "2026-02-30"), "answers.since"},
		{with("spots", 51), "answers.spots"},
		{with("where", []string{"hoofd"}), "answers.where"},
		{with("photo", "8c1d1c5e-2f6c-4d0e-9b1a-000000000000"), "answers.photo"},
		{with("mood", "goed"), "answers.mood"},
	} {
		p := patient.do("POST", "/v1/consultations/"+id+"/questionnaire", map[string]any{"version": v1.Version, "answers": bad.answers}).
			expect(t, http.StatusUnprocessableEntity).problem(t)
		if len(p.Errors) == 0 || p.Errors[0].Field != bad.field {
			t.Errorf("%s: problem %+v", bad.field, p)
		}
	}
	patient.do("POST", "/v1/consultations/"+id+"/questionnaire", map[string]any{"version": v1.Version + 1, "answers": good}).
		expect(t, http.StatusConflict).problem(t)
	patient.raw("POST", "/v1/consultations/"+id+"/questionnaire", "application/json", []byte(`{"version": 1, "answers": [1]}`)).
		expect(t, http.StatusUnprocessableEntity).problem(t)
	if n := count(t, "questionnaire_responses WHERE consultation_id = '"+id+"'"); n != 0 {
		t.Fatalf("bad answers stored %d responses", n)
	}

	patient.do("POST", "/v1/consultations/"+id+"/questionnaire", map[string]any{"version": v1.Version, "answers": good}).
		expect(t, http.StatusCreated)
	// The same answers again are accepted; different ones are not.
	patient.do("POST", "/v1/consultations/"+id+"/questionnaire", map[string]any{"version": v1.Version, "answers": good}).
		expect(t, http.StatusCreated)
	patient.do("POST", "/v1/consultations/"+id+"/questionnaire", map[string]any{"version": v1.Version, "answers": with("itch", false)}).
		expect(t, http.StatusConflict).problem(t)

	var enc []byte
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT answers_enc FROM questionnaire_responses WHERE consultation_id = $1", id).Scan(&enc); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(enc, []byte("schilferende")) || bytes.Contains(enc, []byte(photo.ID)) {
		t.Fatal("the answers are stored in the clear")
	}

	// Version 2 changes a label, drops the photo and asks something new.
	v2body := questionsV1()
	qs := v2body["questions"].([]map[string]any)
	qs[0]["label"] = "Wat is uw klacht?"
	qs = append(qs[:5], map[string]any{"id": "allergies", "kind": "text", "label": "Allergieën?", "required": true})
	v2body["questions"], v2body["title"] = qs, "Voor uw videoconsult (2)"
	var v2 struct {
		Version int `json:"version"`
	}
	doctor.do("POST", "/v1/doctor/questionnaires", v2body).expect(t, http.StatusCreated).decode(t, &v2)
	if v2.Version != v1.Version+1 {
		t.Fatalf("version 2 is %d", v2.Version)
	}

	for who, c := range map[string]*apiClient{"doctor": doctor, "patient": patient} {
		path := "/v1/consultations/" + id + "/questionnaire"
		if who == "doctor" {
			path = "/v1/doctor/consultations/" + id + "/questionnaire"
		}
		var filled questionnaireView
		c.do("GET", path, nil).expect(t, http.StatusOK).decode(t, &filled)
		if filled.State != "filled" || filled.Response == nil || filled.Response.Version != v1.Version ||
			filled.Response.Title != "Voor uw videoconsult" || len(filled.Response.Items) != 6 ||
			filled.Response.Items[0].Question.Label != "Waarvoor komt u?" {
			t.Fatalf("%s sees %+v, want version 1's questions", who, filled.Response)
		}
		if filled.answer("why") != "Rode schilferende plekken" || filled.answer("itch") != true || filled.answer("photo") != photo.ID {
			t.Fatalf("%s sees answers %+v", who, filled.Response.Items)
		}
		if where, _ := filled.answer("where").([]any); len(where) != 2 || where[0] != "armen" {
			t.Fatalf("%s sees where = %v, want the options in their order", who, filled.answer("where"))
		}
	}
	doctor.do("GET", "/v1/doctor/consultations/"+id+"/photos/"+photo.ID, nil).expect(t, http.StatusOK)
	patient.do("GET", "/v1/me/questionnaires", nil).expect(t, http.StatusOK).decode(t, &todo)
	if len(todo.Items) != 0 {
		t.Fatalf("a filled questionnaire is still to fill in: %+v", todo.Items)
	}

	// A new booking gets version 2; an answer to version 1 is refused.
	second, _ := bookPaidVideo(t, patient, doctorID, slot.Add(time.Minute))
	patient.do("GET", "/v1/consultations/"+second+"/questionnaire", nil).expect(t, http.StatusOK).decode(t, &view)
	if view.State != "to_fill" || view.Questionnaire.Version != v2.Version || view.Questionnaire.Questions[0].Label != "Wat is uw klacht?" {
		t.Fatalf("the second booking is offered %+v", view.Questionnaire)
	}
	patient.do("POST", "/v1/consultations/"+second+"/questionnaire", map[string]any{"version": v1.Version, "answers": with("photo", nil)}).
		expect(t, http.StatusConflict).problem(t)
	// The first consultation's photo is not the second's.
	p := patient.do("POST", "/v1/consultations/"+second+"/questionnaire", map[string]any{"version": v2.Version,
		"answers": map[string]any{"why": "Nog steeds plekken", "itch": false, "allergies": "geen", "photo": photo.ID}}).
		expect(t, http.StatusUnprocessableEntity).problem(t)
	if len(p.Errors) == 0 || p.Errors[0].Field != "answers.photo" {
		t.Fatalf("version 2 has no photo question: %+v", p)
	}
	patient.do("POST", "/v1/consultations/"+second+"/questionnaire", map[string]any{"version": v2.Version,
		"answers": map[string]any{"why": "Nog steeds plekken", "itch": false, "allergies": "geen"}}).expect(t, http.StatusCreated)
	// Version 2 asks for no photo, so no upload is taken.
	third, _ := bookPaidVideo(t, patient, doctorID, slot.Add(2*time.Minute))
	patient.raw("POST", "/v1/consultations/"+third+"/questionnaire/photos", ct, body).expect(t, http.StatusConflict).problem(t)

	// Withdrawn: new consultations are offered none; filled ones keep theirs.
	doctor.do("DELETE", "/v1/doctor/questionnaires/video", nil).expect(t, http.StatusNoContent)
	doctor.do("DELETE", "/v1/doctor/questionnaires/video", nil).expect(t, http.StatusNotFound).problem(t)
	patient.do("GET", "/v1/consultations/"+third+"/questionnaire", nil).expect(t, http.StatusOK).decode(t, &view)
	if view.State != "none" {
		t.Fatalf("after withdrawal the third booking is offered %+v", view)
	}
	patient.do("GET", "/v1/consultations/"+id+"/questionnaire", nil).expect(t, http.StatusOK).decode(t, &view)
	if view.State != "filled" || view.Response.Version != v1.Version {
		t.Fatalf("after withdrawal the first booking shows %+v", view)
	}
}

// TestQuestionnaireAccess: only the consultation's patient (or guest link)
// and doctor reach its questionnaire, others get 404; patients cannot
// publish; a PIN still locked is a 403; a questionnaire a doctor may not
// publish is a 422 naming its fields; email advice shows its intake as the
// built-in form.
func TestQuestionnaireAccess(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, 132)
	body := questionsV1()
	doctor.do("POST", "/v1/doctor/questionnaires", body).expect(t, http.StatusCreated)
	email := newEmail("questionnaire-access")
	patient, _ := registerPatient(t, email, "questionnaire-password-2")
	id, _ := bookPaidVideo(t, patient, doctorID, time.Now())

	intruder, _ := registerPatient(t, newEmail("questionnaire-intruder"), "intruder-password-2")
	otherDoctor, _ := loginAs(t, demodata.DoctorEmail(133), "doctor-demo-2026")
	var locked session
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "questionnaire-password-2"}).
		expect(t, http.StatusOK).decode(t, &locked)
	answers := map[string]any{"version": 1, "answers": map[string]any{"why": "Een plek op mijn arm", "itch": true}}
	for who, c := range map[string]*apiClient{"another patient": intruder, "another doctor": otherDoctor, "a stranger": newClient(t)} {
		c.do("GET", "/v1/consultations/"+id+"/questionnaire", nil).expect(t, http.StatusNotFound)
		c.do("POST", "/v1/consultations/"+id+"/questionnaire", answers).expect(t, http.StatusNotFound)
		if who != "another doctor" {
			c.do("GET", "/v1/doctor/consultations/"+id+"/questionnaire", nil).expect(t, map[bool]int{true: 401, false: 403}[who == "a stranger"])
		} else {
			c.do("GET", "/v1/doctor/consultations/"+id+"/questionnaire", nil).expect(t, http.StatusNotFound)
		}
	}
	lockedClient := &apiClient{t: t, token: locked.Token}
	lockedClient.do("GET", "/v1/consultations/"+id+"/questionnaire", nil).expect(t, http.StatusForbidden)
	lockedClient.do("POST", "/v1/consultations/"+id+"/questionnaire", answers).expect(t, http.StatusForbidden)
	patient.do("POST", "/v1/doctor/questionnaires", body).expect(t, http.StatusForbidden)
	patient.do("GET", "/v1/doctor/questionnaires", nil).expect(t, http.StatusForbidden)
	// Another doctor's list does not hold this one; withdrawing theirs leaves it.
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	doctor.do("GET", "/v1/doctor/questionnaires", nil).expect(t, http.StatusOK).decode(t, &list)
	mine := list.Items
	otherDoctor.do("GET", "/v1/doctor/questionnaires", nil).expect(t, http.StatusOK).decode(t, &list)
	for _, o := range list.Items {
		for _, m := range mine {
			if o.ID == m.ID {
				t.Fatalf("another doctor lists questionnaire %s", o.ID)
			}
		}
	}
	otherDoctor.do("DELETE", "/v1/doctor/questionnaires/video", nil)
	patient.do("POST", "/v1/consultations/"+id+"/questionnaire", answers).expect(t, http.StatusCreated)

	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"consultation_type": "email_advice", "title": "x", "questions": body["questions"]}, "consultation_type"},
		{map[string]any{"consultation_type": "video", "title": "", "questions": body["questions"]}, "title"},
		{map[string]any{"consultation_type": "video", "title": "x", "questions": []map[string]any{}}, "questions"},
		{map[string]any{"consultation_type": "video", "title": "x", "questions": []map[string]any{
			{"id": "a", "kind": "single_choice", "label": "Kies", "options": []string{"één"}}}}, "questions[0].options"},
		{map[string]any{"consultation_type": "video", "title": "x", "questions": []map[string]any{
			{"id": "a", "kind": "essay", "label": "Schrijf"}}}, "questions[0].kind"},
		{map[string]any{"consultation_type": "video", "title": "x", "questions": []map[string]any{
			{"id": "a", "kind": "text", "label": "A"}, {"id": "a", "kind": "text", "label": "B"}}}, "questions[1].id"},
	} {
		raw, err := json.Marshal(bad.body)
		if err != nil {
			t.Fatal(err)
		}
		// Sent as is: the API, not the description, is what refuses it.
		p := doctor.raw("POST", "/v1/doctor/questionnaires", "application/json", raw).expect(t, http.StatusUnprocessableEntity).problem(t)
		if len(p.Errors) == 0 || p.Errors[0].Field != bad.field {
			t.Errorf("%s: problem %+v", bad.field, p)
		}
	}
	doctor.raw("POST", "/v1/doctor/questionnaires", "application/json", []byte(`{"consultation_type":"video","title":"x","questions":[{"id":"a","kind":"text","label":"A","colour":"red"}]}`)).
		expect(t, http.StatusUnprocessableEntity).problem(t)
	doctor.do("DELETE", "/v1/doctor/questionnaires/nonsense", nil).expect(t, http.StatusNotFound).problem(t)

	// Email advice: the intake reads as the built-in short form.
	ac := newAdviceCase(t, 134)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	var view questionnaireView
	newClient(t).do("GET", ac.guestPath("/questionnaire"), nil).expect(t, http.StatusOK).decode(t, &view)
	if view.State != "none" {
		t.Fatalf("email advice before its intake: %+v", view)
	}
	newClient(t).do("POST", ac.guestPath("/questionnaire"), answers).expect(t, http.StatusConflict).problem(t)
	ac.submitIntake()
	ac.doctor.do("GET", "/v1/doctor/consultations/"+ac.id+"/questionnaire", nil).expect(t, http.StatusOK).decode(t, &view)
	if view.State != "filled" || view.Response.BuiltinForm != "short" || view.Response.Version != 0 ||
		view.answer("duration") != "months" || view.answer("location") != "left elbow" {
		t.Fatalf("email advice's intake as a questionnaire: %+v", view.Response)
	}
}
