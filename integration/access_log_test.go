package integration

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"derma2go/demodata"
)

// accessView is the NEN 7513 view as the tests read it.
type accessView struct {
	Items []accessLine `json:"items"`
}

type accessLine struct {
	Day     string    `json:"day"`
	At      time.Time `json:"at"`
	FirstAt time.Time `json:"first_at"`
	Count   int       `json:"count"`
	Actor   struct {
		ID           *string `json:"id"`
		Role         string  `json:"role"`
		Name         *string `json:"name"`
		Organisation string  `json:"organisation"`
	} `json:"actor"`
	ObjectType string `json:"object_type"`
	ObjectID   string `json:"object_id"`
	Action     string `json:"action"`
	Outcome    int    `json:"outcome"`
}

// line finds the line of actor id doing action on objectType.
func (v accessView) line(actorID, objectType, action string) *accessLine {
	for i, l := range v.Items {
		if l.Actor.ID != nil && *l.Actor.ID == actorID && l.ObjectType == objectType && l.Action == action && l.Outcome < 400 {
			return &v.Items[i]
		}
	}
	return nil
}

// The NEN 7513 views: the patient sees who accessed their data with the
// person, role and organisation, identical accesses of a day merged with a
// count, filtered by period; the treating doctor and an admin see the same
// view of that patient (and nobody else does), and the admin's search over
// the whole log is itself in the patient's view.
func TestAccessViewsOfNEN7513(t *testing.T) {
	patientEmail := newEmail("nen7513")
	patient, ps := registerPatient(t, patientEmail, "nen7513-password-1")
	doctorEmail := demodata.DoctorEmail(178)
	doctor, ds := loginAs(t, doctorEmail, "doctor-demo-2026")
	otherDoctor, _ := loginAs(t, demodata.DoctorEmail(179), "doctor-demo-2026")
	admin, as := loginAs(t, "admin@derma2go.test", "admin-demo-2026")

	var created struct {
		ID          string `json:"id"`
		CheckoutURL string `json:"checkout_url"`
	}
	patient.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": ds.User.ID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &created)
	res, err := http.PostForm(created.CheckoutURL, url.Values{"status": {"paid"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	waitConsultation(t, patient, created.ID, "awaiting_intake")

	// The doctor opens the patient's record three times today.
	recordPath := "/v1/doctor/patients/" + ps.User.ID + "/record"
	for range 3 {
		doctor.do("GET", recordPath, nil).expect(t, http.StatusOK)
	}

	var mine accessView
	patient.do("GET", "/v1/me/access-log", nil).expect(t, http.StatusOK).decode(t, &mine)
	reads := mine.line(ds.User.ID, "record", "read")
	if reads == nil {
		t.Fatalf("the patient's view lacks the doctor's record reads: %+v", mine.Items)
	}
	if reads.Count != 3 || reads.FirstAt.After(reads.At) || reads.Day != time.Now().In(amsterdamZone(t)).Format(time.DateOnly) {
		t.Errorf("three reads of one day are not one line with count 3: %+v", *reads)
	}
	if reads.Actor.Role != "doctor" || reads.Actor.Name == nil || *reads.Actor.Name == "" || !strings.Contains(reads.Actor.Organisation, ", ") {
		t.Errorf("the line does not say who (name, role, practice): %+v", reads.Actor)
	}
	own := mine.line(ps.User.ID, "consultation", "create")
	if own == nil || own.Actor.Name == nil || own.Actor.Organisation != "Derma2Go" {
		t.Errorf("the patient's own booking is not in the view with their name: %+v", own)
	}

	// The period filter: a period before today shows nothing of today.
	yesterday := time.Now().In(amsterdamZone(t)).AddDate(0, 0, -1).Format(time.DateOnly)
	var before accessView
	patient.do("GET", "/v1/me/access-log?to="+yesterday, nil).expect(t, http.StatusOK).decode(t, &before)
	if len(before.Items) != 0 {
		t.Errorf("a period ending yesterday shows %d lines of today", len(before.Items))
	}
	var today accessView
	patient.do("GET", "/v1/me/access-log?from="+reads.Day+"&to="+reads.Day, nil).expect(t, http.StatusOK).decode(t, &today)
	if today.line(ds.User.ID, "record", "read") == nil {
		t.Errorf("today's period lacks today's reads")
	}
	nl := patient.raw("GET", "/v1/me/access-log?from=gisteren", "", nil).expect(t, http.StatusBadRequest).problem(t)
	if !strings.Contains(nl.Detail, "datums") {
		t.Errorf("a bad date is not explained in Dutch: %q", nl.Detail)
	}
	patient.do("PUT", "/v1/me/language", map[string]any{"language": "en"}).expect(t, http.StatusOK)
	en := patient.do("GET", "/v1/me/access-log?from=2026-12-02&to=2026-12-01", nil).expect(t, http.StatusBadRequest).problem(t)
	patient.do("PUT", "/v1/me/language", map[string]any{"language": "nl"}).expect(t, http.StatusOK)
	if en.Detail != "The start date is after the end date." {
		t.Errorf("a reversed period is not explained in English: %q", en.Detail)
	}

	// The treating doctor and an admin see the same lines; nobody else does.
	var byDoctor, byAdmin accessView
	doctor.do("GET", "/v1/doctor/patients/"+ps.User.ID+"/access-log", nil).expect(t, http.StatusOK).decode(t, &byDoctor)
	if l := byDoctor.line(ds.User.ID, "record", "read"); l == nil || l.Count != 3 {
		t.Errorf("the doctor's view of the patient differs: %+v", l)
	}
	otherDoctor.do("GET", "/v1/doctor/patients/"+ps.User.ID+"/access-log", nil).expect(t, http.StatusNotFound)
	patient.do("GET", "/v1/doctor/patients/"+ps.User.ID+"/access-log", nil).expect(t, http.StatusForbidden)
	patient.do("GET", "/v1/admin/patients/"+ps.User.ID+"/access-log", nil).expect(t, http.StatusForbidden)
	doctor.do("GET", "/v1/admin/access-log", nil).expect(t, http.StatusForbidden)
	admin.do("GET", "/v1/admin/patients/"+ds.User.ID+"/access-log", nil).expect(t, http.StatusNotFound)
	admin.do("GET", "/v1/admin/patients/"+ps.User.ID+"/access-log", nil).expect(t, http.StatusOK).decode(t, &byAdmin)
	if l := byAdmin.line(ds.User.ID, "record", "read"); l == nil || l.Count != 3 {
		t.Errorf("the admin's view of the patient differs: %+v", l)
	}

	// The admin's search finds the doctor's reads by email, and is itself
	// in the patient's view.
	var found struct {
		Items []struct {
			Actor struct {
				ID *string `json:"id"`
			} `json:"actor"`
			PatientID  *string `json:"patient_id"`
			ObjectType string  `json:"object_type"`
		} `json:"items"`
		More bool `json:"more"`
	}
	admin.do("GET", "/v1/admin/access-log?actor="+url.QueryEscape(doctorEmail)+"&patient="+url.QueryEscape(patientEmail)+"&action=read", nil).
		expect(t, http.StatusOK).decode(t, &found)
	records := 0
	for _, r := range found.Items {
		if r.Actor.ID == nil || *r.Actor.ID != ds.User.ID || r.PatientID == nil || *r.PatientID != ps.User.ID {
			t.Errorf("the search returned a row of someone else: %+v", r)
		}
		if r.ObjectType == "record" {
			records++
		}
	}
	if records != 3 {
		t.Errorf("the search found %d record reads, want 3 (%+v)", records, found.Items)
	}
	var nobody struct {
		Items []any `json:"items"`
	}
	admin.do("GET", "/v1/admin/access-log?actor=nobody-at-all@example.org", nil).expect(t, http.StatusOK).decode(t, &nobody)
	if len(nobody.Items) != 0 {
		t.Errorf("an unknown email matched %d rows", len(nobody.Items))
	}
	admin.do("GET", "/v1/admin/access-log?object_type=no_such_kind", nil).expect(t, http.StatusBadRequest).problem(t)
	admin.do("GET", "/v1/admin/access-log?actor=not-an-id", nil).expect(t, http.StatusBadRequest).problem(t)
	admin.raw("GET", "/v1/admin/access-log?offset=-1", "", nil).expect(t, http.StatusBadRequest).problem(t)

	var after accessView
	patient.do("GET", "/v1/me/access-log", nil).expect(t, http.StatusOK).decode(t, &after)
	if l := after.line(as.User.ID, "audit_log", "search"); l == nil || l.Actor.Role != "admin" {
		t.Errorf("the admin's search is not in the patient's view: %+v", after.Items)
	}
	if l := after.line(as.User.ID, "audit_log", "read"); l == nil {
		t.Errorf("the admin's look at the patient's view is not in it")
	}
	if l := after.line(ds.User.ID, "audit_log", "read"); l == nil {
		t.Errorf("the doctor's look at the patient's view is not in it")
	}
}

func amsterdamZone(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
