package integration

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"derma2go/accounts"
	"derma2go/db"
	"derma2go/demodata"
	"derma2go/fhir/fhirtest"
	"derma2go/privacy"
)

// Demo doctors of the GDPR tests (no other test uses them): A answers the
// patient's email advice and writes in the record, B is a favourite and
// the waitlist's doctor (round the clock), C takes the unpaid booking that
// blocks an erasure.
const (
	gdprDoctorA = 182
	gdprDoctorB = 183
	gdprDoctorC = 184
)

// gdprCase is a patient with data in every kind of table: a completed
// email advice (photo, intake, advice, invoice, payment) with a review,
// a favourite, a condition comment, a waitlist entry, message settings, a
// contact message, a message thread and a note in the record.
type gdprCase struct {
	patient                 *apiClient
	id, email, name         string
	password                string
	doctorA                 *apiClient
	doctorAID, doctorBID    string
	adviceID                string
	ratingCountBeforeReview int
}

func newGDPRCase(t *testing.T) *gdprCase {
	t.Helper()
	g := &gdprCase{email: newEmail("gdpr"), password: "gdpr-password-1", name: fmt.Sprintf("Erika Wisbaar %d", emailSeq.Add(1))}
	c, s := registerVerifiedNamed(t, g.email, g.password, g.name)
	c.do("PUT", "/v1/me/pin", map[string]any{"pin": testPIN, "password": g.password}).expect(t, http.StatusNoContent)
	c.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": testPIN}).expect(t, http.StatusOK)
	g.patient, g.id = c, s.User.ID
	var as session
	g.doctorA, as = loginAs(t, demodata.DoctorEmail(gdprDoctorA), "doctor-demo-2026")
	g.doctorAID = as.User.ID
	_, g.doctorBID = roundTheClockDoctor(t, gdprDoctorB)

	var created booking
	c.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": g.doctorAID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &created)
	g.adviceID = created.ID
	payCheckout(t, created.CheckoutURL)
	waitConsultation(t, c, g.adviceID, "awaiting_intake")
	ct, body := multipartPhoto(t, photoJPEG(t))
	c.raw("POST", "/v1/consultations/"+g.adviceID+"/photos", ct, body).expect(t, http.StatusCreated)
	c.do("POST", "/v1/consultations/"+g.adviceID+"/intake", map[string]any{"answers": map[string]any{
		"complaint": "Dry patches on my shins", "location": "shins", "duration": "weeks", "question": "Which cream?",
	}, "birth_date": "1979-06-30"}).expect(t, http.StatusAccepted)
	waitConsultation(t, c, g.adviceID, "awaiting_advice")
	g.doctorA.do("POST", "/v1/doctor/consultations/"+g.adviceID+"/advice", map[string]any{"text": adviceText}).expect(t, http.StatusAccepted)
	waitConsultation(t, c, g.adviceID, "completed")

	g.ratingCountBeforeReview = ratingCount(t, g.doctorAID)
	c.do("POST", "/v1/consultations/"+g.adviceID+"/review", map[string]any{"rating": 5, "text": "Snel en duidelijk."}).
		expect(t, http.StatusCreated)
	c.do("PUT", "/v1/me/favourites/"+g.doctorBID, nil).expect(t, http.StatusNoContent)
	c.do("POST", "/v1/conditions/rosacea/comments", map[string]any{"body": "Bij mij hielp koel water."}).expect(t, http.StatusCreated)
	joinWaitlist(t, c, g.doctorBID, time.Now().Add(72*time.Hour))
	c.do("PUT", "/v1/me/message-settings", map[string]any{"email": true}).expect(t, http.StatusOK)
	c.do("POST", "/v1/contact", map[string]any{"name": g.name, "email": g.email, "subject": "other",
		"message": "Hoe lang bewaren jullie mijn foto's?"}).expect(t, http.StatusCreated)
	var thread struct {
		ID string `json:"id"`
	}
	c.do("POST", "/v1/me/threads", map[string]any{"doctor_id": g.doctorAID}).decode(t, &thread)
	if thread.ID == "" {
		t.Fatal("no thread opened with doctor A")
	}
	c.do("POST", "/v1/threads/"+thread.ID+"/messages", map[string]any{"text": "Mag ik de crème ook op mijn handen smeren?"}).
		expect(t, http.StatusCreated)
	g.doctorA.do("POST", "/v1/doctor/patients/"+g.id+"/notes", map[string]any{"text": "Xerosis; vette crème geadviseerd.",
		"consultation_id": g.adviceID}).expect(t, http.StatusCreated)
	return g
}

func ratingCount(t *testing.T, doctorID string) int {
	t.Helper()
	var n int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		`SELECT rating_count FROM doctors WHERE user_id = $1`, doctorID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// exportFile is data.json of the export.
type exportFile struct {
	Format  string `json:"format"`
	Consent struct {
		Version    *string    `json:"version"`
		AcceptedAt *time.Time `json:"accepted_at"`
		Current    string     `json:"current"`
	} `json:"consent"`
	Tables   map[string][]map[string]any `json:"tables"`
	Excluded map[string]string           `json:"excluded"`
	Withheld map[string]string           `json:"withheld"`
	Record   string                      `json:"record"`
}

// patientColumns are the columns of the schema that name a patient: a
// foreign key to users, or a uuid column called patient_id or user_id
// without one. Read from information_schema, so a new table is covered
// without a change here.
func patientColumns(t *testing.T) map[string][]string {
	t.Helper()
	rows, err := stack.Platform.Store.Pool.Query(context.Background(), `
SELECT DISTINCT kcu.table_name::text, kcu.column_name::text
FROM information_schema.referential_constraints rc
JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name AND kcu.constraint_schema = rc.constraint_schema
JOIN information_schema.key_column_usage pk ON pk.constraint_name = rc.unique_constraint_name AND pk.constraint_schema = rc.unique_constraint_schema
WHERE rc.constraint_schema = 'public' AND pk.table_name = 'users'
UNION
SELECT c.table_name::text, c.column_name::text FROM information_schema.columns c
JOIN information_schema.tables tb ON tb.table_name = c.table_name AND tb.table_schema = c.table_schema AND tb.table_type = 'BASE TABLE'
WHERE c.table_schema = 'public' AND c.data_type = 'uuid' AND c.column_name IN ('patient_id', 'user_id')
ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, p := range pairs {
		out[p[0]] = append(out[p[0]], p[1])
	}
	return out
}

func downloadExport(t *testing.T, c *apiClient) (exportFile, map[string][]byte) {
	t.Helper()
	res := c.do("GET", "/v1/me/export", nil).expect(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/zip" {
		t.Fatalf("export content type %q", ct)
	}
	z, err := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
	if err != nil {
		t.Fatalf("export is not a zip: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	var e exportFile
	if err := json.Unmarshal(files["data.json"], &e); err != nil {
		t.Fatalf("data.json: %v", err)
	}
	return e, files
}

// TestExportHoldsEveryTableOfThePatient: the export (GDPR art. 15/20) holds,
// for every column of the schema that names a patient, every row of this
// patient, decrypted, with the consent, the FHIR record and the photo; a
// table that names patients and is neither exported nor excluded with a
// reason fails the test.
func TestExportHoldsEveryTableOfThePatient(t *testing.T) {
	g := newGDPRCase(t)
	e, files := downloadExport(t, g.patient)
	if e.Format != privacy.ExportFormat || e.Record != "record.fhir.json" {
		t.Fatalf("format %q, record %q", e.Format, e.Record)
	}
	if e.Consent.Version == nil || *e.Consent.Version != privacy.StatementVersion || e.Consent.AcceptedAt == nil {
		t.Errorf("consent %+v, want version %s with its time", e.Consent, privacy.StatementVersion)
	}
	for table, reason := range e.Excluded {
		if strings.TrimSpace(reason) == "" {
			t.Errorf("table %s excluded without a reason", table)
		}
	}

	ctx := context.Background()
	for table, columns := range patientColumns(t) {
		for _, col := range columns {
			var inDB int
			q := fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s = $1`, pgx.Identifier{table}.Sanitize(), pgx.Identifier{col}.Sanitize())
			if err := stack.Platform.Store.Pool.QueryRow(ctx, q, g.id).Scan(&inDB); err != nil {
				t.Fatal(err)
			}
			if inDB == 0 {
				continue
			}
			if _, ok := e.Excluded[table]; ok {
				continue
			}
			exported := 0
			for _, r := range e.Tables[table] {
				if fmt.Sprint(r[col]) == g.id {
					exported++
				}
			}
			// The export's own audit row is written after the answer.
			if exported != inDB && !(table == "audit_events" && exported == inDB-1) {
				t.Errorf("%s.%s: %d rows of the patient in the database, %d in the export", table, col, inDB, exported)
			}
		}
	}
	for _, table := range []string{"users", "consultations", "consultation_intakes", "consultation_photos", "advice", "payments",
		"invoices", "reviews", "favourites", "condition_comments", "waitlist_entries", "message_settings", "contact_messages",
		"message_threads", "thread_messages", "record_notes", "auth_tokens", "audit_events"} {
		if len(e.Tables[table]) == 0 {
			t.Errorf("export has no rows of %s", table)
		}
	}

	users := e.Tables["users"]
	if len(users) != 1 || users[0]["email"] != g.email || users[0]["name"] != g.name || users[0]["id"] != g.id {
		t.Fatalf("users in the export: %v", users)
	}
	for col := range users[0] {
		if strings.HasSuffix(col, "_hash") || strings.HasSuffix(col, "_enc") {
			t.Errorf("the export's user row has %s", col)
		}
	}
	if e.Withheld["password_hash"] == "" {
		t.Errorf("withheld %v, want password_hash with a reason", e.Withheld)
	}
	intake := e.Tables["consultation_intakes"][0]["answers"]
	if m, ok := intake.(map[string]any); !ok || m["complaint"] != "Dry patches on my shins" {
		t.Errorf("intake answers in the export: %v", intake)
	}
	photo, _ := e.Tables["consultation_photos"][0]["data"].(map[string]any)
	path, _ := photo["file"].(string)
	if data := files[path]; len(data) < 3 || !bytes.Equal(data[:3], []byte{0xff, 0xd8, 0xff}) {
		t.Errorf("photo %v: %d bytes in the zip at %q, want a JPEG", photo, len(files[path]), path)
	}
	if problems := fhirtest.Validate(files["record.fhir.json"]); len(problems) > 0 {
		t.Errorf("record.fhir.json is no valid FHIR R4: %v", problems)
	}
	if !bytes.Contains(files["record.fhir.json"], []byte(`"resourceType": "Patient"`)) && !bytes.Contains(files["record.fhir.json"], []byte(`"resourceType":"Patient"`)) {
		t.Errorf("record.fhir.json has no Patient")
	}

	// Another patient's export holds nothing of this one.
	other, _ := registerPatient(t, newEmail("gdpr-other"), "gdpr-password-2")
	oe, _ := downloadExport(t, other)
	if raw, _ := json.Marshal(oe); bytes.Contains(raw, []byte(g.id)) || bytes.Contains(raw, []byte(g.email)) {
		t.Errorf("another patient's export names this patient")
	}
	// The PIN guards the export as it guards the record.
	locked, _ := registerVerified(t, newEmail("gdpr-locked"), "gdpr-password-3")
	locked.do("GET", "/v1/me/export", nil).expect(t, http.StatusForbidden)
}

// retainedTables may still name an erased patient: the medical record,
// kept for the WGBO's retention, and the audit log, kept for its own.
var retainedTables = map[string]string{
	"consultations": "record", "consultation_intakes": "record", "consultation_photos": "record", "advice": "record",
	"prescriptions": "record", "consultation_chat": "record", "message_threads": "record", "thread_messages": "record",
	"thread_files": "record", "record_notes": "record", "record_diagnoses": "record", "questionnaire_responses": "record",
	"invoices": "record (fiscal)", "credit_notes": "record (fiscal)", "payments": "record (fiscal)", "refunds": "record (fiscal)",
	"sent_emails": "record (delivery of its mails)", "support_alerts": "record (operator alerts of its consultations)",
	"audit_events": "NEN 7513 audit log, pruned after RETENTION_AUDIT_YEARS",
}

// retainedUserColumns: the users row stays as the identity of the record.
var retainedUserColumns = map[string]bool{"id": true, "name_enc": true, "name_hash": true, "birth_date_enc": true}

type piiHit struct{ table, column, what string }

func (h piiHit) String() string { return h.table + "." + h.column + " (" + h.what + ")" }

// scanForPatient reads every row of every table of the schema (from
// information_schema, so a new table is covered) and names each column
// that holds the patient's id, email or name: in clear, encrypted (every
// *_enc column is decrypted with its field context) or as a lookup hash.
func scanForPatient(t *testing.T, id, email, name string) []piiHit {
	t.Helper()
	ctx := context.Background()
	pool := stack.Platform.Store.Pool
	rows, err := pool.Query(ctx, `SELECT table_name::text FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	f := stack.Platform.Fields
	lookups := map[string]string{
		hex.EncodeToString(accounts.EmailLookup(f, email)):      "email lookup hash",
		hex.EncodeToString(f.Lookup(db.FieldUserName, name)):    "name lookup hash",
		hex.EncodeToString(f.Lookup(db.FieldGuestEmail, email)): "guest email lookup hash",
	}
	email = strings.ToLower(email)
	seen := map[piiHit]bool{}
	var hits []piiHit
	add := func(h piiHit) {
		if !seen[h] {
			seen[h] = true
			hits = append(hits, h)
		}
	}
	match := func(table, col, text string) {
		low := strings.ToLower(text)
		switch {
		case strings.Contains(low, id):
			add(piiHit{table, col, "id"})
		case strings.Contains(low, email):
			add(piiHit{table, col, "email"})
		case strings.Contains(text, name):
			add(piiHit{table, col, "name"})
		}
	}
	for _, table := range tables {
		rows, err := pool.Query(ctx, fmt.Sprintf(`SELECT to_jsonb(t)::text FROM %s t`, pgx.Identifier{table}.Sanitize()))
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		raws, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		for _, raw := range raws {
			var r map[string]any
			if err := json.Unmarshal([]byte(raw), &r); err != nil {
				t.Fatal(err)
			}
			for col, v := range r {
				s, ok := v.(string)
				if !ok {
					if v != nil {
						b, _ := json.Marshal(v)
						match(table, col, string(b))
					}
					continue
				}
				if strings.HasPrefix(s, `\x`) {
					if what, ok := lookups[s[2:]]; ok {
						add(piiHit{table, col, what})
					}
					if field, ok := strings.CutSuffix(col, "_enc"); ok {
						if sealed, err := hex.DecodeString(s[2:]); err == nil {
							if plain, err := f.Decrypt(table+"."+field, sealed); err == nil {
								match(table, col, string(plain))
							}
						}
					}
					continue
				}
				match(table, col, s)
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].String() < hits[j].String() })
	return hits
}

func hitTables(hits []piiHit) map[string]bool {
	out := map[string]bool{}
	for _, h := range hits {
		out[h.table] = true
	}
	return out
}

// TestErasureLeavesNothingOutsideTheRecord: after an erasure (GDPR art.
// 17) a scan of every table of the schema finds the patient's id, email
// or name only in the retained medical record, the identity of its users
// row and the audit log; the account cannot log in, the doctor still reads
// the record, the review's star is taken back, and the confirmation mail
// links to a page.
func TestErasureLeavesNothingOutsideTheRecord(t *testing.T) {
	g := newGDPRCase(t)

	before := hitTables(scanForPatient(t, g.id, g.email, g.name))
	for _, table := range []string{"users", "auth_tokens", "favourites", "condition_comments", "reviews", "waitlist_entries",
		"message_settings", "contact_messages", "email_verifications", "consultations", "audit_events"} {
		if !before[table] {
			t.Errorf("before the erasure the scan finds nothing of the patient in %s (the scan is blind there)", table)
		}
	}

	var plan struct {
		Erasable        bool    `json:"erasable"`
		RecordKeptUntil *string `json:"record_kept_until"`
		RetentionYears  int     `json:"retention_years"`
	}
	g.patient.do("GET", "/v1/me/erasure", nil).expect(t, http.StatusOK).decode(t, &plan)
	wantUntil := time.Now().UTC().AddDate(20, 0, 0).Format(time.DateOnly)
	if !plan.Erasable || plan.RetentionYears != 20 || plan.RecordKeptUntil == nil || *plan.RecordKeptUntil != wantUntil {
		t.Fatalf("plan %+v, want erasable with the record kept until %s", plan, wantUntil)
	}
	p := g.patient.do("POST", "/v1/me/erasure", map[string]any{"password": "not-my-password"}).expect(t, http.StatusForbidden).problem(t)
	if !strings.Contains(p.Detail, "wachtwoord") {
		t.Errorf("wrong password: %q, want the Dutch problem", p.Detail)
	}
	var done struct {
		Erased          bool    `json:"erased"`
		RecordKeptUntil *string `json:"record_kept_until"`
	}
	g.patient.do("POST", "/v1/me/erasure", map[string]any{"password": g.password}).expect(t, http.StatusOK).decode(t, &done)
	if !done.Erased || done.RecordKeptUntil == nil || *done.RecordKeptUntil != wantUntil {
		t.Fatalf("erasure answered %+v", done)
	}

	var outside []string
	for _, h := range scanForPatient(t, g.id, g.email, g.name) {
		if _, ok := retainedTables[h.table]; ok {
			continue
		}
		if h.table == "users" && retainedUserColumns[h.column] {
			continue
		}
		outside = append(outside, h.String())
	}
	if len(outside) > 0 {
		t.Errorf("after the erasure the patient is still named outside the retained record:\n  %s", strings.Join(outside, "\n  "))
	}

	g.patient.do("GET", "/v1/me", nil).expect(t, http.StatusUnauthorized)
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": g.email, "password": g.password}).expect(t, http.StatusUnauthorized)
	if got := ratingCount(t, g.doctorAID); got != g.ratingCountBeforeReview {
		t.Errorf("doctor's rating count %d after the erasure, want %d (the review's star taken back)", got, g.ratingCountBeforeReview)
	}
	var rec recordView
	g.doctorA.do("GET", "/v1/doctor/patients/"+g.id+"/record", nil).expect(t, http.StatusOK).decode(t, &rec)
	if rec.Patient.Name != g.name || len(rec.Entries) == 0 {
		t.Errorf("the doctor's view of the retained record: %s with %d entries", rec.Patient.Name, len(rec.Entries))
	}
	m := waitForMail(t, strings.ToLower(g.email), "gewist")
	if !strings.Contains(m.Text, wantUntil[:4]) || !strings.Contains(m.Text, stack.APIURL+"/contact") {
		t.Errorf("erasure mail:\n%s", m.Text)
	}
	// Erasing twice is refused; the account is gone.
	g.patient.do("POST", "/v1/me/erasure", map[string]any{"password": g.password}).expect(t, http.StatusUnauthorized)
}

// TestErasureRefusedWhileAConsultationRuns: an erasure waits until every
// consultation is final (finish or cancel it first; the cancellation and
// refund rules stay the workflow's), and an account without a medical
// record goes completely, users row and all.
func TestErasureRefusedWhileAConsultationRuns(t *testing.T) {
	email, password := newEmail("gdpr-busy"), "gdpr-password-4"
	c, s := registerPatient(t, email, password)
	_, doctorC := loginAs(t, demodata.DoctorEmail(gdprDoctorC), "doctor-demo-2026")
	var created booking
	c.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": doctorC.User.ID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &created)
	var plan struct {
		Erasable bool `json:"erasable"`
		Active   []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"active_consultations"`
	}
	c.do("GET", "/v1/me/erasure", nil).expect(t, http.StatusOK).decode(t, &plan)
	if plan.Erasable || len(plan.Active) != 1 || plan.Active[0].ID != created.ID {
		t.Fatalf("plan %+v, want blocked by %s", plan, created.ID)
	}
	p := c.do("POST", "/v1/me/erasure", map[string]any{"password": password}).expect(t, http.StatusConflict).problem(t)
	if !strings.Contains(p.Detail, "consult") {
		t.Errorf("problem %q", p.Detail)
	}
	c.do("GET", "/v1/me", nil).expect(t, http.StatusOK)

	// The unpaid booking fails at the checkout: nothing runs, nothing paid.
	res, err := http.PostForm(created.CheckoutURL, map[string][]string{"status": {"failed"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	waitConsultation(t, c, created.ID, "payment_failed")
	c.do("GET", "/v1/me/erasure", nil).expect(t, http.StatusOK).decode(t, &plan)
	if !plan.Erasable {
		t.Fatalf("plan %+v after the payment failed", plan)
	}
	c.do("POST", "/v1/me/erasure", map[string]any{"password": password}).expect(t, http.StatusOK)
	// The failed booking is part of the record (the request and its
	// status), so the users row stays, erased; its intake or photos would go
	// with the abandoned-consultation schedule.
	var n int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM users WHERE id = $1 AND erased_at IS NOT NULL`, s.User.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("erased users row: %d (%v)", n, err)
	}

	// An account without any record goes completely, users row and all.
	email2, password2 := newEmail("gdpr-empty"), "gdpr-password-5"
	c2, s2 := registerPatient(t, email2, password2)
	c2.do("POST", "/v1/me/erasure", map[string]any{"password": password2}).expect(t, http.StatusOK)
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM users WHERE id = $1`, s2.User.ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("users rows of the erased account without a record: %d (%v)", n, err)
	}
}

// TestErasureAndExportAskTheSecondFactor: a patient who turned two-factor
// sign-in on erases the account and downloads the export only with a fresh
// code on top of the session's (the export in X-Second-Factor-Code, the
// erasure in code): the password alone is refused with a problem that
// names the missing code in the patient's language, a code used before is
// refused, a recovery code is good once; wrong codes there count towards
// the same backoff as the sign-in's second step. The erasure plan tells
// the page that the code is asked and which privacy statement was accepted.
func TestErasureAndExportAskTheSecondFactor(t *testing.T) {
	email, password := newEmail("erase-2fa"), "erase-2fa-password"
	c, _ := registerVerified(t, email, password)
	c.do("PUT", "/v1/me/pin", map[string]any{"pin": testPIN, "password": password}).expect(t, http.StatusNoContent)
	c.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": testPIN}).expect(t, http.StatusOK)
	_, recovery, usedCode := enrolTOTP(t, c, password, email)

	var plan struct {
		TwoFactor         bool       `json:"two_factor"`
		PrivacyVersion    *string    `json:"privacy_version"`
		PrivacyAcceptedAt *time.Time `json:"privacy_accepted_at"`
	}
	c.do("GET", "/v1/me/erasure", nil).expect(t, http.StatusOK).decode(t, &plan)
	if !plan.TwoFactor || plan.PrivacyVersion == nil || *plan.PrivacyVersion != privacy.StatementVersion ||
		plan.PrivacyAcceptedAt == nil || time.Since(*plan.PrivacyAcceptedAt) > time.Hour {
		t.Errorf("plan: two_factor %v, consent %v at %v; want true, %s, just now", plan.TwoFactor, plan.PrivacyVersion,
			plan.PrivacyAcceptedAt, privacy.StatementVersion)
	}

	missing := func(r response, where string) {
		t.Helper()
		p := r.expect(t, http.StatusForbidden).problem(t)
		if !strings.HasSuffix(p.Type, "/second-factor-code-required") || !strings.Contains(p.Detail, "herstelcode") ||
			!strings.Contains(p.Detail, where) || r.Header.Get("Content-Language") != "nl" {
			t.Errorf("without the code: %s %q (%s), want the Dutch problem naming %s", p.Type, p.Detail, r.Header.Get("Content-Language"), where)
		}
	}
	incorrect := func(r response) {
		t.Helper()
		if p := r.expect(t, http.StatusForbidden).problem(t); !strings.HasSuffix(p.Type, "/second-factor-incorrect") {
			t.Errorf("a used code: %s %q", p.Type, p.Detail)
		}
	}
	withCode := func(code string) *apiClient {
		return &apiClient{t: t, token: c.token, source: c.source, header: http.Header{"X-Second-Factor-Code": {code}}}
	}

	missing(c.do("GET", "/v1/me/export", nil), "X-Second-Factor-Code")
	incorrect(withCode(usedCode).do("GET", "/v1/me/export", nil))
	if e, _ := downloadExport(t, withCode(recovery[0])); len(e.Tables["users"]) != 1 {
		t.Errorf("export with a recovery code: users %v", e.Tables["users"])
	}
	incorrect(withCode(recovery[0]).do("GET", "/v1/me/export", nil))

	missing(c.do("POST", "/v1/me/erasure", map[string]any{"password": password}), "code")
	incorrect(c.do("POST", "/v1/me/erasure", map[string]any{"password": password, "code": usedCode}))
	incorrect(c.do("POST", "/v1/me/erasure", map[string]any{"password": password, "code": recovery[0]}))
	c.do("GET", "/v1/me", nil).expect(t, http.StatusOK)
	c.do("POST", "/v1/me/erasure", map[string]any{"password": password, "code": recovery[1]}).expect(t, http.StatusOK)
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": email, "password": password}).expect(t, http.StatusUnauthorized)

	// The backoff is the sign-in's: wrong codes at the export hold up the second step of a new login.
	email2, password2 := newEmail("export-2fa"), "export-2fa-password"
	c2, _ := registerVerified(t, email2, password2)
	c2.do("PUT", "/v1/me/pin", map[string]any{"pin": testPIN, "password": password2}).expect(t, http.StatusNoContent)
	c2.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": testPIN}).expect(t, http.StatusOK)
	_, recovery2, _ := enrolTOTP(t, c2, password2, email2)
	wrong := &apiClient{t: t, token: c2.token, source: c2.source, header: http.Header{"X-Second-Factor-Code": {"not-a-recovery-code"}}}
	held := false
	for range 8 {
		if r := wrong.do("GET", "/v1/me/export", nil); r.Status == http.StatusTooManyRequests {
			held = r.Header.Get("Retry-After") != ""
			break
		}
	}
	if !held {
		t.Fatal("eight wrong codes at the export, no 429 with Retry-After")
	}
	var s session
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": email2, "password": password2}).expect(t, http.StatusOK).decode(t, &s)
	(&apiClient{t: t, token: s.Token}).do("POST", "/v1/auth/second-factor", map[string]any{"code": recovery2[0]}).
		expect(t, http.StatusTooManyRequests)
}
