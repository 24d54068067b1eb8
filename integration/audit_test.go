package integration

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"derma2go/api"
	"derma2go/demodata"
)

// auditRow is one row of audit_events as the walker checks it.
type auditRow struct {
	ActorID    string
	ActorRole  string
	PatientID  string
	ObjectType string
	ObjectID   string
	Action     string
	Outcome    int
	Route      string
	ClientIP   string
}

// auditRowsOf waits for the rows one request wrote (the API writes them
// after the response) and returns them.
func auditRowsOf(t *testing.T, requestID string) []auditRow {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		rows, err := stack.Platform.Store.Pool.Query(context.Background(), `
			SELECT coalesce(actor_id::text, ''), actor_role, coalesce(patient_id::text, ''), object_type, object_id,
			       action, outcome, route, client_ip
			FROM audit_events WHERE request_id = $1 ORDER BY id`, requestID)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[auditRow])
		if err != nil {
			t.Fatal(err)
		}
		if len(out) > 0 || time.Now().After(deadline) {
			return out
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// auditCase is a patient's email-advice consultation with a photo, a form,
// published advice and an invoice, plus the people who try to reach it.
type auditCase struct {
	patient, intruder, locked *apiClient
	doctor, otherDoctor       *apiClient
	patientID, doctorID       string
	otherDoctorID, id         string
	intruderID                string
	photoID, invoiceID        string
}

func newAuditCase(t *testing.T) *auditCase {
	t.Helper()
	email := newEmail("audited")
	var a auditCase
	var ps session
	a.patient, ps = registerPatient(t, email, "audited-password-1")
	a.patientID = ps.User.ID
	var ds, ods session
	a.doctor, ds = loginAs(t, demodata.DoctorEmail(40), "doctor-demo-2026")
	a.otherDoctor, ods = loginAs(t, demodata.DoctorEmail(41), "doctor-demo-2026")
	a.doctorID, a.otherDoctorID = ds.User.ID, ods.User.ID
	var is session
	a.intruder, is = registerPatient(t, newEmail("audit-intruder"), "intruder-password-1")
	a.intruderID = is.User.ID
	// A second session of the same patient, PIN not unlocked.
	var second session
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "audited-password-1"}).
		expect(t, http.StatusOK).decode(t, &second)
	a.locked = &apiClient{t: t, token: second.Token}

	var created struct {
		ID          string `json:"id"`
		CheckoutURL string `json:"checkout_url"`
	}
	a.patient.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": a.doctorID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &created)
	a.id = created.ID
	res, err := http.PostForm(created.CheckoutURL, url.Values{"status": {"paid"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	waitConsultation(t, a.patient, a.id, "awaiting_intake")
	ct, body := multipartPhoto(t, photoJPEG(t))
	var photo struct {
		ID string `json:"id"`
	}
	a.patient.raw("POST", "/v1/consultations/"+a.id+"/photos", ct, body).expect(t, http.StatusCreated).decode(t, &photo)
	a.photoID = photo.ID
	a.patient.do("POST", "/v1/consultations/"+a.id+"/intake", map[string]any{"answers": map[string]any{
		"complaint": "A red, scaly patch on my elbow for two months", "location": "left elbow",
		"duration": "months", "question": "Is this psoriasis?",
	}, "birth_date": "1988-03-14"}).expect(t, http.StatusAccepted)
	waitConsultation(t, a.patient, a.id, "awaiting_advice")
	a.doctor.do("POST", "/v1/doctor/consultations/"+a.id+"/advice", map[string]any{"text": adviceText}).expect(t, http.StatusAccepted)
	waitFor(t, "the advice to be published", func() bool {
		var v consultationView
		a.patient.do("GET", "/v1/consultations/"+a.id, nil).expect(t, http.StatusOK).decode(t, &v)
		return v.Advice != nil
	})
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT id FROM invoices WHERE consultation_id = $1", a.id).Scan(&a.invoiceID); err != nil {
		t.Fatal(err)
	}
	return &a
}

// sendContact sends a message of the contact form as the case's patient
// and returns its id.
func (a *auditCase) sendContact(t *testing.T) string {
	t.Helper()
	var r struct {
		ID string `json:"id"`
	}
	a.patient.do("POST", "/v1/contact", map[string]any{"name": "Audited", "email": newEmail("audit-contact"),
		"subject": "other", "message": "A question for the audit walk."}).expect(t, http.StatusCreated).decode(t, &r)
	return r.ID
}

// auditCall is one request of the walk and what its audit rows must say.
type auditCall struct {
	name      string
	client    *apiClient
	method    string
	path      string
	actorID   string
	actorRole string
	// patientID the rows must name ("" = none); for list reads, one row
	// must name it with object containing listed.
	patientID string
	listed    string
	refused   bool
	// query is added to the path (a guest link).
	query string
}

// TestAuditTrailOfEveryRoute walks every route that api.Routes declares as
// audited, once as the rightful caller and once as someone who is refused
// (another patient or doctor, a stranger, a session without the PIN), and
// checks the rows in audit_events: actor and role, the patient whose data it
// was (also on refusals), the object, the action, the route, the outcome and
// the source address. Then the patient's access log must show the doctor who
// read the photo, and the doctor's inbox must have named the patient.
func TestAuditTrailOfEveryRoute(t *testing.T) {
	a := newAuditCase(t)
	ids := map[string]string{"id": a.id, "photoId": a.photoID, "docId": a.invoiceID, "file": a.invoiceID + ".pdf", "doctorId": a.doctorID,
		"patientId": a.patientID}
	threadID, fileMessageID := walkerThread(t, a.patient, a.doctor, a.doctorID)
	ids["threadId"], ids["messageId"] = threadID, fileMessageID
	stranger := newClient(t)
	guestLink := stack.Platform.Links.Sign("consultation", a.id, time.Now().Add(time.Hour))
	badToken := &apiClient{t: t, token: "not-a-real-token"}

	walked := map[string]int{}
	contactID := ""
	for _, r := range api.Routes() {
		if r.AuditObject == "" {
			continue
		}
		key := r.Method + " " + r.Path
		path := r.Path
		for name, v := range ids {
			path = strings.ReplaceAll(path, ":"+name, v)
		}
		var calls []auditCall
		switch {
		case r.Path == "/v1/auth/register":
			calls = []auditCall{
				{name: "new patient", client: newClient(t), actorRole: "anonymous", patientID: "registered"},
				{name: "bad token", client: badToken, actorRole: "anonymous", refused: true},
			}
		case r.Path == "/v1/auth/password/reset":
			calls = []auditCall{
				{name: "unknown reset token", client: newClient(t), actorRole: "anonymous"},
				{name: "bad token", client: badToken, actorRole: "anonymous", refused: true},
			}
		case r.Scope == "self":
			calls = []auditCall{
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", patientID: a.patientID},
				{name: "bad token", client: badToken, actorRole: "anonymous", refused: true},
			}
			if r.Path == "/v1/consultations" && r.Method == "GET" {
				calls[0].listed = a.id
			}
		case r.Scope == "consultation":
			calls = []auditCall{
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", patientID: a.patientID},
				{name: "another patient", client: a.intruder, actorID: a.intruderID, actorRole: "patient", patientID: a.patientID, refused: true},
				{name: "stranger", client: stranger, actorRole: "anonymous", patientID: a.patientID, refused: true},
				{name: "bad token", client: badToken, actorRole: "anonymous", patientID: a.patientID, refused: true},
				{name: "guest link", client: stranger, query: "?access=" + url.QueryEscape(guestLink), actorRole: "guest", patientID: a.patientID},
			}
			if r.PIN {
				calls = append(calls, auditCall{name: "PIN not unlocked", client: a.locked, actorID: a.patientID,
					actorRole: "patient", patientID: a.patientID, refused: true})
			}
		case r.Scope == "consultation-participant":
			calls = []auditCall{
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", patientID: a.patientID},
				{name: "doctor", client: a.doctor, actorID: a.doctorID, actorRole: "doctor", patientID: a.patientID},
				{name: "another patient", client: a.intruder, actorID: a.intruderID, actorRole: "patient", patientID: a.patientID, refused: true},
				{name: "another doctor", client: a.otherDoctor, actorID: a.otherDoctorID, actorRole: "doctor", patientID: a.patientID, refused: true},
				{name: "stranger", client: stranger, actorRole: "anonymous", patientID: a.patientID, refused: true},
				{name: "guest link", client: stranger, query: "?access=" + url.QueryEscape(guestLink), actorRole: "guest", patientID: a.patientID},
				{name: "bad token", client: badToken, actorRole: "anonymous", patientID: a.patientID, refused: true},
			}
			if r.PIN {
				calls = append(calls, auditCall{name: "PIN not unlocked", client: a.locked, actorID: a.patientID,
					actorRole: "patient", patientID: a.patientID, refused: true})
			}
		case r.Scope == "doctor-consultation" || r.Scope == "doctor-invoice":
			calls = []auditCall{
				{name: "doctor", client: a.doctor, actorID: a.doctorID, actorRole: "doctor", patientID: a.patientID},
				{name: "another doctor", client: a.otherDoctor, actorID: a.otherDoctorID, actorRole: "doctor", patientID: a.patientID, refused: true},
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", patientID: a.patientID, refused: true},
			}
		case r.Scope == "doctor-patient":
			calls = []auditCall{
				{name: "doctor", client: a.doctor, actorID: a.doctorID, actorRole: "doctor", patientID: a.patientID},
				{name: "another doctor", client: a.otherDoctor, actorID: a.otherDoctorID, actorRole: "doctor", patientID: a.patientID, refused: true},
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", patientID: a.patientID, refused: true},
			}
		case r.Path == "/v1/doctor/patients":
			calls = []auditCall{
				{name: "doctor", client: a.doctor, actorID: a.doctorID, actorRole: "doctor", patientID: a.patientID, listed: a.patientID},
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", refused: true},
			}
		case r.Scope == "thread":
			// A doctor-only route refuses the patient by role.
			doctorOnly := len(r.Roles) == 1 && r.Roles[0] == "doctor"
			calls = []auditCall{
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", patientID: a.patientID, refused: doctorOnly},
				{name: "doctor", client: a.doctor, actorID: a.doctorID, actorRole: "doctor", patientID: a.patientID},
				{name: "another patient", client: a.intruder, actorID: a.intruderID, actorRole: "patient", patientID: a.patientID, refused: true},
				{name: "another doctor", client: a.otherDoctor, actorID: a.otherDoctorID, actorRole: "doctor", patientID: a.patientID, refused: true},
				{name: "stranger", client: stranger, actorRole: "anonymous", patientID: a.patientID, refused: true},
				{name: "bad token", client: badToken, actorRole: "anonymous", patientID: a.patientID, refused: true},
			}
			if r.PIN {
				calls = append(calls, auditCall{name: "PIN not unlocked", client: a.locked, actorID: a.patientID,
					actorRole: "patient", patientID: a.patientID, refused: true})
			}
		case r.Path == "/v1/doctor/threads":
			calls = []auditCall{
				{name: "doctor", client: a.doctor, actorID: a.doctorID, actorRole: "doctor", patientID: a.patientID, listed: threadID},
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", refused: true},
			}
		case r.Method == "DELETE" && r.Path == "/v1/doctor/payments/connection":
			// Disconnecting: a doctor of its own (the case's doctor has open
			// paid consultations), connected again afterwards.
			d, ds := loginAs(t, demodata.DoctorEmail(gapsAuditDisconnectDoctor), "doctor-demo-2026")
			t.Cleanup(func() { ensureConnected(t, d, ds.User.ID) })
			calls = []auditCall{
				{name: "doctor", client: d, actorID: ds.User.ID, actorRole: "doctor"},
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", refused: true},
			}
		case r.Path == "/v1/doctor/waiting-room" || r.Path == "/v1/doctor/events" ||
			r.Path == "/v1/doctor/walk-in" || r.Path == "/v1/doctor/walk-in/call-next" ||
			strings.HasPrefix(r.Path, "/v1/doctor/payments/") || r.Path == "/v1/doctor/widgets":
			// The case's doctor has no live consultation and no walk-in queue:
			// the row names nobody.
			calls = []auditCall{
				{name: "doctor", client: a.doctor, actorID: a.doctorID, actorRole: "doctor"},
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", refused: true},
			}
		case r.Scope == "admin-patient":
			admin, as := loginAs(t, "admin@derma2go.test", "admin-demo-2026")
			calls = []auditCall{
				{name: "admin", client: admin, actorID: as.User.ID, actorRole: "admin", patientID: a.patientID},
				{name: "doctor", client: a.doctor, actorID: a.doctorID, actorRole: "doctor", patientID: a.patientID, refused: true},
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", patientID: a.patientID, refused: true},
			}
		case r.Path == "/v1/admin/access-log":
			// A search for the case's patient names that patient, once.
			admin, as := loginAs(t, "admin@derma2go.test", "admin-demo-2026")
			calls = []auditCall{
				{name: "admin", client: admin, actorID: as.User.ID, actorRole: "admin", patientID: a.patientID, query: "?patient=" + a.patientID},
				{name: "doctor", client: a.doctor, actorID: a.doctorID, actorRole: "doctor", refused: true},
			}
		case strings.HasPrefix(r.Path, "/v1/admin/contact"):
			// The patient's own message of the contact form, the newest one.
			if contactID == "" {
				contactID = a.sendContact(t)
			}
			path = strings.ReplaceAll(r.Path, ":id", contactID)
			admin, as := loginAs(t, "admin@derma2go.test", "admin-demo-2026")
			calls = []auditCall{
				{name: "admin", client: admin, actorID: as.User.ID, actorRole: "admin", patientID: a.patientID},
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", refused: true},
			}
			if r.Method == "GET" {
				calls[0].listed = contactID
			}
		case r.Path == "/v1/admin/doctors":
			// Inviting a doctor touches no patient: the row names the new account.
			admin, as := loginAs(t, "admin@derma2go.test", "admin-demo-2026")
			calls = []auditCall{
				{name: "admin", client: admin, actorID: as.User.ID, actorRole: "admin"},
				{name: "doctor", client: a.doctor, actorID: a.doctorID, actorRole: "doctor", refused: true},
			}
		case r.Path == "/v1/admin/temporal-codec/decode":
			// The body (checkAuditCall) is a sealed payload naming the case's
			// consultation: the decode's row names its patient.
			admin, as := loginAs(t, "admin@derma2go.test", "admin-demo-2026")
			calls = []auditCall{
				{name: "admin", client: admin, actorID: as.User.ID, actorRole: "admin", patientID: a.patientID, listed: "consultation/" + a.id},
				{name: "doctor", client: a.doctor, actorID: a.doctorID, actorRole: "doctor", refused: true},
				{name: "bad token", client: badToken, actorRole: "anonymous", refused: true},
			}
			codecConsultation = a.id
		case r.Path == "/v1/doctor/consultations" || r.Path == "/v1/doctor/invoices":
			listed := a.id
			if r.Path == "/v1/doctor/invoices" {
				listed = a.invoiceID
			}
			calls = []auditCall{
				{name: "doctor", client: a.doctor, actorID: a.doctorID, actorRole: "doctor", patientID: a.patientID, listed: listed},
				{name: "patient", client: a.patient, actorID: a.patientID, actorRole: "patient", refused: true},
			}
		default:
			t.Errorf("%s is audited but the walk has no callers for its scope %q", key, r.Scope)
			continue
		}
		for _, call := range calls {
			call.method, call.path = r.Method, path+call.query
			checkAuditCall(t, r, call)
			walked[key]++
		}
	}
	for _, r := range api.Routes() {
		if r.AuditObject != "" && walked[r.Method+" "+r.Path] < 2 {
			t.Errorf("%s %s: walked %d times, want a success and a refusal", r.Method, r.Path, walked[r.Method+" "+r.Path])
		}
	}
	if len(walked) < 35 {
		t.Fatalf("walked only %d audited routes", len(walked))
	}

	// The patient's access log names the doctor who read the photo.
	var log accessView
	a.patient.do("GET", "/v1/me/access-log", nil).expect(t, http.StatusOK).decode(t, &log)
	var sawPhotoRead, sawInbox bool
	for _, e := range log.Items {
		byDoctor := e.Actor.Role == "doctor" && e.Actor.ID != nil && *e.Actor.ID == a.doctorID
		if byDoctor && e.ObjectType == "photo" && e.Action == "read" && e.ObjectID == a.photoID && e.Outcome == http.StatusOK {
			sawPhotoRead = true
		}
		if byDoctor && e.ObjectType == "consultation" && e.Action == "search" && strings.Contains(e.ObjectID, a.id) {
			sawInbox = true
		}
	}
	if !sawPhotoRead || !sawInbox {
		t.Fatalf("access log lacks the doctor's photo read (%v) or inbox listing (%v): %+v", sawPhotoRead, sawInbox, log.Items)
	}
}

func checkAuditCall(t *testing.T, r api.RouteInfo, call auditCall) {
	t.Helper()
	body, ct := []byte(`{}`), "application/json"
	switch {
	case r.Path == "/v1/auth/register" && !call.refused:
		body = []byte(`{"email":"` + newEmail("audit-register") + `","password":"register-password-1","name":"R"}`)
	case r.Path == "/v1/auth/password/reset":
		body = []byte(`{"token":"no-such-reset-token-0000","password":"reset-password-12"}`)
	case r.Path == "/v1/consultations/:id/photos":
		ct, body = multipartPhoto(t, photoJPEG(t))
	case r.Path == "/v1/admin/contact/:id":
		body = []byte(`{"status":"in_progress"}`)
	case r.Path == "/v1/admin/doctors":
		body = []byte(`{"name":"dr. Audit Invite","email":"` + newEmail("audit-invite") + `","big_number":"12345678901","city":"Utrecht"}`)
	case r.Path == "/v1/admin/temporal-codec/decode":
		body = sealedPayloadsOf(t, `{"ConsultationID":"`+codecConsultation+`","Seq":1}`)
	case r.Method == "GET" || r.Method == "DELETE":
		body, ct = nil, ""
	}
	var res response
	if strings.HasSuffix(r.Path, "/events") {
		res = call.client.streamHead(call.path)
	} else {
		res = call.client.raw(call.method, call.path, ct, body)
	}
	label := call.method + " " + call.path + " as " + call.name
	refusal := res.Status == http.StatusUnauthorized || res.Status == http.StatusForbidden ||
		(res.Status == http.StatusNotFound && scopeNotFound(string(res.Body)))
	if call.refused != refusal && !(r.Path == "/v1/consultations/:id/documents/:docId" && res.Status == http.StatusNotFound) {
		t.Errorf("%s → %d (refused: want %v): %s", label, res.Status, call.refused, res.Body)
	}
	// The case is email advice, which has no cancellation to quote (409).
	quoteRefused := r.Path == "/v1/consultations/:id/cancellation" && res.Status == http.StatusConflict
	// The case's patient has no waitlist offer: the read of one answers 404
	// and names the patient all the same (TestWaitlistOffersACancelledSlotInTurn
	// reads real offers).
	noOffer := r.Path == "/v1/me/waitlist/offers/:id" && res.Status == http.StatusNotFound
	if !call.refused && res.Status >= 400 && r.Method == "GET" && r.Path != "/v1/consultations/:id/documents/:docId" && !quoteRefused && !noOffer {
		t.Errorf("%s → %d, want a success: %s", label, res.Status, res.Body)
	}
	rows := auditRowsOf(t, res.Header.Get("X-Request-ID"))
	if len(rows) == 0 {
		t.Errorf("%s → %d wrote no audit row", label, res.Status)
		return
	}
	patientNamed := false
	for _, row := range rows {
		if row.Route != r.Method+" "+r.Path || row.ObjectType != r.AuditObject || row.Action != r.AuditAction ||
			row.Outcome != res.Status || row.ClientIP == "" || row.ActorRole != call.actorRole || row.ActorID != call.actorID {
			t.Errorf("%s → %d: audit row %+v, want route %s %s, %s/%s, actor %s %q", label, res.Status, row,
				r.Method, r.Path, r.AuditObject, r.AuditAction, call.actorRole, call.actorID)
		}
		switch {
		case call.patientID == "registered":
			patientNamed = row.PatientID != "" && row.PatientID == row.ObjectID
		case call.listed != "":
			patientNamed = patientNamed || (row.PatientID == call.patientID && strings.Contains(row.ObjectID, call.listed))
		default:
			patientNamed = row.PatientID == call.patientID
		}
	}
	if !patientNamed {
		t.Errorf("%s → %d: audit rows %+v do not name patient %q (listing %q)", label, res.Status, rows, call.patientID, call.listed)
	}
	if call.listed == "" && len(rows) != 1 {
		t.Errorf("%s wrote %d audit rows, want 1", label, len(rows))
	}
	// Opening a thread or posting a message names what it created.
	creates := r.AuditAction == "create" && strings.HasPrefix(r.AuditObject, "message") && res.Status < 300
	if last := lastParam(r.Path, call.path); last != "" && !call.refused && !creates && rows[0].ObjectID != strings.TrimSuffix(last, ".pdf") {
		t.Errorf("%s: object %q, want %q", label, rows[0].ObjectID, last)
	}
}

// lastParam is the value in concrete of the last :param of pattern.
func lastParam(pattern, concrete string) string {
	concrete, _, _ = strings.Cut(concrete, "?")
	p, c := strings.Split(pattern, "/"), strings.Split(concrete, "/")
	for i := len(p) - 1; i >= 0; i-- {
		if strings.HasPrefix(p[i], ":") && i < len(c) {
			return c[i]
		}
	}
	return ""
}

// TestAuditLogIsAppendOnlyForTheAppRole: the API's own connection (the
// application's role) may insert and read audit rows, but UPDATE, DELETE,
// TRUNCATE and ALTER TABLE … DISABLE TRIGGER fail with permission errors,
// not only with the trigger's refusal; a table that a later migration
// creates as the owner is usable by the application without its own grants.
func TestAuditLogIsAppendOnlyForTheAppRole(t *testing.T) {
	ctx := context.Background()
	pool := stack.Platform.Store.Pool
	var user string
	var super bool
	if err := pool.QueryRow(ctx, "SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)").Scan(&user, &super); err != nil {
		t.Fatal(err)
	}
	if user != "derma_app" || super {
		t.Fatalf("the API connects as %q (superuser %v), want the non-superuser derma_app", user, super)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO audit_events (actor_role, object_type, action, outcome, route, request_id, client_ip)
		VALUES ('anonymous', 'probe', 'read', 200, 'TEST', 'append-only-probe', '127.0.0.1')`); err != nil {
		t.Fatalf("insert as the app role: %v", err)
	}
	for _, stmt := range []string{
		"UPDATE audit_events SET action = 'read'",
		"DELETE FROM audit_events",
		"TRUNCATE audit_events",
		"ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update",
		"ALTER TABLE audit_events DISABLE TRIGGER ALL",
		"DROP TABLE audit_events",
	} {
		_, err := pool.Exec(ctx, stmt)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s as the app role: err = %v, want a permission error (42501)", stmt, err)
		}
	}
	if rows := auditRowsOf(t, "append-only-probe"); len(rows) != 1 {
		t.Fatalf("probe rows = %d, want 1", len(rows))
	}

	owner, err := pgx.Connect(ctx, stack.PG.OwnerURL("derma"))
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	// The owner, too, meets the trigger.
	if _, err := owner.Exec(ctx, "DELETE FROM audit_events WHERE request_id = 'append-only-probe'"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("delete as the owner: err = %v, want the append-only refusal", err)
	}
	if _, err := owner.Exec(ctx, "CREATE TABLE later_migration_probe (id bigserial PRIMARY KEY, v text)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = owner.Exec(context.Background(), "DROP TABLE later_migration_probe") })
	if _, err := pool.Exec(ctx, "INSERT INTO later_migration_probe (v) VALUES ('x'); UPDATE later_migration_probe SET v = 'y'; DELETE FROM later_migration_probe"); err != nil {
		t.Errorf("the app role on a table a later migration made: %v", err)
	}
}

// scopeNotFound reports whether a 404 body is the route scope's refusal (the
// subject not the caller's), in Dutch or English.
func scopeNotFound(body string) bool {
	for _, subject := range []string{"This consultation", "This invoice", "This patient", "This conversation",
		"Dit consult ", "Deze factuur ", "Deze patiënt ", "Dit gesprek "} {
		if strings.Contains(body, subject) {
			return true
		}
	}
	return false
}
