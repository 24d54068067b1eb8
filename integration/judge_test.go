package integration

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/api"
	"derma2go/care"
	"derma2go/domain"
	"derma2go/platform"
	"derma2go/workflows"
)

// failFirstIntake is the real engine with the first submit-intake call
// failing before it reaches Temporal, as a dropped connection would.
type failFirstIntake struct {
	api.Engine
	failed atomic.Bool
}

func (e *failFirstIntake) SubmitIntake(ctx context.Context, id uuid.UUID) error {
	if e.failed.CompareAndSwap(false, true) {
		return errors.New("temporal frontend unreachable")
	}
	return e.Engine.SubmitIntake(ctx, id)
}

var intakeAnswers = map[string]any{
	"complaint": "A red, scaly patch on my elbow for two months",
	"location":  "left elbow", "duration": "months", "question": "Is this psoriasis and what can I do?",
}

// The form is stored, telling the workflow fails; the patient's retry over
// HTTP is accepted (before: 409 "sent already", and the paid consultation
// expired after 7 days) and the workflow takes the form.
func TestIntakeRetryAfterFailedTell(t *testing.T) {
	ac := newAdviceCase(t, 40)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")

	p := stack.Platform
	engine := &failFirstIntake{Engine: platform.NewEngine(p.Temporal, p.Config)}
	svc := &care.Service{Store: care.PG{DB: p.Store}, Engine: engine, Fields: p.Fields}
	row, err := p.Store.GetConsultation(context.Background(), uuid.MustParse(ac.id))
	if err != nil {
		t.Fatal(err)
	}
	canonical := []byte(`{"complaint":"A red, scaly patch on my elbow for two months","location":"left elbow","duration":"months","question":"Is this psoriasis and what can I do?"}`)
	if err := svc.SubmitIntake(context.Background(), row, canonical, nil); err == nil {
		t.Fatal("the failing engine did not fail")
	}
	st, err := engine.State(context.Background(), row.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.IntakeTaken || st.Status != workflows.StatusAwaitingIntake {
		t.Fatalf("workflow after the failed tell: %+v", st)
	}
	if v := ac.waitStatus("awaiting_intake"); !v.HasIntake {
		t.Fatal("the form was not stored")
	}

	guest := newClient(t)
	guest.do("POST", ac.guestPath("/intake"), map[string]any{"answers": intakeAnswers, "patient_name": guestName, "birth_date": guestBirthDate}).expect(t, http.StatusAccepted)
	if v := ac.waitStatus("awaiting_advice"); v.DueAt == nil {
		t.Fatalf("after the retry: %+v", v)
	}
	// A repeat of the same request (its answer lost) is accepted again; a
	// different form is not.
	guest.do("POST", ac.guestPath("/intake"), map[string]any{"answers": intakeAnswers, "patient_name": guestName, "birth_date": guestBirthDate}).expect(t, http.StatusAccepted)
	guest.do("POST", ac.guestPath("/intake"), map[string]any{"answers": map[string]any{
		"complaint": "Another complaint entirely", "location": "knee", "duration": "days", "question": "Again?",
	}, "patient_name": guestName, "birth_date": guestBirthDate}).expect(t, http.StatusConflict).problem(t)
	if st, err = engine.State(context.Background(), row.ID); err != nil || !st.IntakeTaken {
		t.Fatalf("workflow state %+v, %v", st, err)
	}
}

// The workflow judges, not the Postgres row: a doctor's advice on a request
// that the workflow has already expired is refused with 409 and no draft
// stays, whatever the row says.
func TestAdviceRefusedByWorkflowLeavesNoDraft(t *testing.T) {
	ac := newAdviceCase(t, 40)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	ac.doctor.do("POST", "/v1/doctor/consultations/"+ac.id+"/advice", map[string]any{"text": adviceText}).
		expect(t, http.StatusConflict).problem(t)
	var drafts int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM advice WHERE consultation_id = $1`, ac.id).Scan(&drafts); err != nil {
		t.Fatal(err)
	}
	if drafts != 0 {
		t.Fatalf("%d drafts left after the workflow refused", drafts)
	}
}

// checkIn matches a CHECK that is one list of allowed values for one
// column, as Postgres prints "col IN ('a', 'b')":
// CHECK ((col = ANY (ARRAY['a'::text, 'b'::text]))).
var checkIn = regexp.MustCompile(`^CHECK \(\((\w+) = ANY \(\(?ARRAY\[([^\]]*)\]\)?(?:::text\[\])?\)\)\)$`)

// The database's CHECK constraints hold the vocabulary of package domain,
// and every column that stores one of its words has such a constraint.
func TestVocabularyMatchesCheckConstraints(t *testing.T) {
	words := func(list []string) []string { slices.Sort(list); return list }
	want := map[string][]string{
		"consultations.status":                      words(stringsOf(domain.Statuses())),
		"consultations.consultation_type":           words(stringsOf(domain.ConsultationTypes())),
		"doctor_fees.consultation_type":             words(stringsOf(domain.ConsultationTypes())),
		"availability_rules.consultation_type":      words(stringsOf(domain.SlotTypes())),
		"availability_exceptions.consultation_type": words(stringsOf(domain.SlotTypes())),
		"consultations.advice_form":                 words(stringsOf(domain.FormKinds())),
		"consultation_intakes.form_kind":            words(stringsOf(domain.FormKinds())),
		"consultations.language":                    words(stringsOf(domain.Languages())),
		"users.language":                            words(stringsOf(domain.Languages())),
		"contact_messages.subject":                  words(stringsOf(domain.ContactSubjects())),
		"contact_messages.status":                   words(stringsOf(domain.ContactStatuses())),
		"contact_messages.language":                 words(stringsOf(domain.Languages())),
	}
	rows, err := stack.Platform.Store.Pool.Query(context.Background(), `
		SELECT c.conrelid::regclass::text, pg_get_constraintdef(c.oid)
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE c.contype = 'c' AND n.nspname = 'public'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string][]string{}
	for rows.Next() {
		var table, def string
		if err := rows.Scan(&table, &def); err != nil {
			t.Fatal(err)
		}
		if m := checkIn.FindStringSubmatch(def); m != nil {
			var vals []string
			for _, v := range strings.Split(m[2], ",") {
				v = strings.TrimSpace(v)
				v = strings.TrimSuffix(v, "::text")
				vals = append(vals, strings.Trim(v, "'"))
			}
			sort.Strings(vals)
			got[table+"."+m[1]] = vals
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for col, w := range want {
		g, ok := got[col]
		if !ok {
			t.Errorf("%s has no CHECK constraint listing its values; domain has %v", col, w)
			continue
		}
		if !slices.Equal(g, w) {
			t.Errorf("%s: CHECK allows %v, domain has %v", col, g, w)
		}
	}
}

func stringsOf[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

type createdConsultation struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	CheckoutURL string `json:"checkout_url"`
	AccessToken string `json:"access_token"`
}

// sandboxPayments counts the sandbox's payments whose description names
// the consultation.
func sandboxPayments(id string) int {
	n := 0
	for _, p := range stack.Mollie.Payments() {
		if strings.Contains(p.Description, id) {
			n++
		}
	}
	return n
}

// A retried POST /v1/consultations with the same Idempotency-Key returns
// the same consultation and checkout, and Mollie has one payment; the same
// key with another body is a 422. Before, the retry booked (and charged)
// a second consultation.
func TestIdempotencyKeyReturnsSameCheckout(t *testing.T) {
	doctor := doctorID(t, 41)
	guestEmail := newEmail("idem")
	body := map[string]any{"type": "email_advice", "doctor_id": doctor, "form": "short", "guest_email": guestEmail, "language": "en"}
	key := "retry-" + uuid.NewString()
	post := func(b map[string]any, key string) response {
		c := newClient(t)
		c.header = http.Header{"Idempotency-Key": {key}}
		return c.do("POST", "/v1/consultations", b)
	}
	var first, second createdConsultation
	post(body, key).expect(t, http.StatusCreated).decode(t, &first)
	post(body, key).expect(t, http.StatusCreated).decode(t, &second)
	if first.ID == "" || second.ID != first.ID || second.CheckoutURL != first.CheckoutURL || second.Status != first.Status {
		t.Fatalf("first %+v, retry %+v: want the same consultation and checkout", first, second)
	}
	if second.AccessToken == "" {
		t.Fatal("the retried guest answer has no access token")
	}
	if n := sandboxPayments(first.ID); n != 1 {
		t.Fatalf("sandbox payments for %s: %d, want 1", first.ID, n)
	}
	var rows int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM consultations WHERE guest_email_hash = (SELECT guest_email_hash FROM consultations WHERE id = $1)`,
		first.ID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 1 {
		t.Fatalf("%d consultations for the guest, want 1", rows)
	}

	other := map[string]any{"type": "email_advice", "doctor_id": doctor, "form": "detailed", "guest_email": guestEmail, "language": "en"}
	if p := post(other, key).expect(t, http.StatusUnprocessableEntity).problem(t); !strings.Contains(p.Type, "idempotency-key-reused") {
		t.Fatalf("reused key problem %+v", p)
	}
	// Another key is another request.
	var third createdConsultation
	post(body, "other-"+uuid.NewString()).expect(t, http.StatusCreated).decode(t, &third)
	if third.ID == first.ID {
		t.Fatal("a new key returned the old consultation")
	}
	newClient(t).do("POST", "/v1/consultations", body).expect(t, http.StatusCreated)
	bad := newClient(t)
	bad.header = http.Header{"Idempotency-Key": {strings.Repeat("k", 256)}}
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	bad.raw("POST", "/v1/consultations", "application/json", raw).expect(t, http.StatusBadRequest).problem(t)
}

// A logged-in patient's video booking retried with its key gets the same
// slot hold and checkout, not a 409 for the slot it holds itself.
func TestIdempotencyKeyVideoBooking(t *testing.T) {
	_, doctor := roundTheClockDoctor(t, 42)
	patient, _ := registerPatient(t, newEmail("idem-video"), "a-long-Passw0rd-2026")
	slot := firstSlotFrom(t, doctor, time.Now().Add(48*time.Hour))
	body := map[string]any{"type": "video", "doctor_id": doctor, "slot_start": slot.Format(time.RFC3339)}
	patient.header = http.Header{"Idempotency-Key": {"video-" + uuid.NewString()}}
	var first, second createdConsultation
	patient.do("POST", "/v1/consultations", body).expect(t, http.StatusCreated).decode(t, &first)
	patient.do("POST", "/v1/consultations", body).expect(t, http.StatusCreated).decode(t, &second)
	if second.ID != first.ID || second.CheckoutURL != first.CheckoutURL || first.CheckoutURL == "" {
		t.Fatalf("first %+v, retry %+v", first, second)
	}
	if n := sandboxPayments(first.ID); n != 1 {
		t.Fatalf("sandbox payments for %s: %d, want 1", first.ID, n)
	}
}
