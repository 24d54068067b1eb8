package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"derma2go/db"
	"derma2go/fhir/fhirtest"
)

// recordBenchEntries is the size of the benchmark's record.
const recordBenchEntries = 1000

// BenchmarkRecordExport: a patient whose record holds 1,000 entries (100
// email-advice consultations, each with its form, a photo, the advice, a
// prescription, three chat messages, a note and a diagnosis, written
// encrypted with the stack's field keys) downloads the record through the
// API as FHIR and as PDF: the whole path of GET /v1/me/record/fhir and
// /pdf (PIN check, audit row, reading and decrypting the record, mapping,
// rendering). Target: ≤ 2 s each. The first Bundle is also validated
// against the R4 schema.
func BenchmarkRecordExport(b *testing.B) {
	token, patientID := benchRecordPatient(b)
	doctorID := uuid.MustParse(benchDoctor(b, 132))
	benchFillRecord(b, patientID, doctorID)
	var fhirTimes, pdfTimes []time.Duration
	b.ResetTimer()
	for i := range b.N {
		started := time.Now()
		doc := benchGet(b, token, "/v1/me/record/fhir")
		fhirTimes = append(fhirTimes, time.Since(started))
		started = time.Now()
		pdf := benchGet(b, token, "/v1/me/record/pdf")
		pdfTimes = append(pdfTimes, time.Since(started))
		if i == 0 {
			b.StopTimer()
			var bundle struct {
				Total int `json:"total"`
			}
			if err := json.Unmarshal(doc, &bundle); err != nil || bundle.Total != recordBenchEntries+2 {
				b.Fatalf("bundle of %d resources (%v), want %d", bundle.Total, err, recordBenchEntries+2)
			}
			if problems := fhirtest.Validate(doc); len(problems) > 0 {
				b.Fatalf("%d FHIR problems, first %s", len(problems), problems[0])
			}
			b.Logf("FHIR bundle %d kB, PDF %d kB", len(doc)/1024, len(pdf)/1024)
			b.StartTimer()
		}
	}
	b.StopTimer()
	worst := func(ds []time.Duration) time.Duration {
		var w time.Duration
		for _, d := range ds {
			w = max(w, d)
		}
		return w
	}
	b.ReportMetric(worst(fhirTimes).Seconds(), "fhir-max-s")
	b.ReportMetric(worst(pdfTimes).Seconds(), "pdf-max-s")
	for what, d := range map[string]time.Duration{"FHIR": worst(fhirTimes), "PDF": worst(pdfTimes)} {
		if d > 2*time.Second {
			b.Errorf("%s export of %d entries took %s, over the 2 s target", what, recordBenchEntries, d)
		}
	}
}

// benchRecordPatient registers a patient with the PIN unlocked.
func benchRecordPatient(b *testing.B) (string, uuid.UUID) {
	b.Helper()
	password := "bench-record-password-1"
	token, err := registerRaw(newEmail("bench-record"), password)
	if err != nil {
		b.Fatal(err)
	}
	benchSend(b, token, "PUT", "/v1/me/pin", map[string]any{"pin": testPIN, "password": password}, http.StatusNoContent)
	benchSend(b, token, "POST", "/v1/me/pin/unlock", map[string]any{"pin": testPIN}, http.StatusOK)
	var me struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(benchGet(b, token, "/v1/me"), &me); err != nil {
		b.Fatal(err)
	}
	return token, uuid.MustParse(me.ID)
}

// benchFillRecord writes 100 consultations of 10 entries each.
func benchFillRecord(b *testing.B, patientID, doctorID uuid.UUID) {
	b.Helper()
	ctx := context.Background()
	f := stack.Platform.Fields
	enc := func(field, s string) []byte {
		out, err := f.EncryptString(field, s)
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
	rx, _ := json.Marshal(map[string]any{"medication": "Hydrocortison crème", "strength": "1%", "dosage": "2x daags",
		"duration_days": 14, "instructions": "Dun aanbrengen op de plekken."})
	intake, _ := json.Marshal(map[string]any{"complaint": "Rode schilferende plek op de elleboog", "location": "elleboog",
		"duration": "months", "question": "Is dit psoriasis?"})
	diagnosis, _ := json.Marshal(map[string]any{"text": "Psoriasis vulgaris", "code": "L40.0"})
	batch := &pgx.Batch{}
	{
		at := time.Now().Add(-100 * 24 * time.Hour)
		for i := range recordBenchEntries / 10 {
			c := uuid.New()
			at = at.Add(24 * time.Hour)
			batch.Queue(`INSERT INTO consultations (id, doctor_id, patient_id, consultation_type, advice_form, status, amount_cents,
				created_at, paid_at, completed_at) VALUES ($1, $2, $3, 'email_advice', 'short', 'completed', 4500, $4, $4, $4)`, c, doctorID, patientID, at)
			batch.Queue(`INSERT INTO consultation_intakes (consultation_id, form_kind, answers_enc, submitted_at) VALUES ($1, 'short', $2, $3)`,
				c, mustEnc(b, f.Encrypt, db.FieldIntake, intake), at)
			batch.Queue(`INSERT INTO consultation_photos (id, consultation_id, content_type, size_bytes, width, height, data_enc, created_at)
				VALUES ($1, $2, 'image/jpeg', 1024, 40, 30, $3, $4)`, uuid.New(), c, enc(db.FieldPhoto, "jpeg"), at)
			batch.Queue(`INSERT INTO advice (id, consultation_id, doctor_id, text_enc, created_at, published_at) VALUES ($1, $2, $3, $4, $5, $5)`,
				uuid.New(), c, doctorID, enc(db.FieldAdvice, fmt.Sprintf("Advies %d: vet de huid twee keer per dag in en kom terug als het erger wordt.", i)), at)
			batch.Queue(`INSERT INTO prescriptions (id, consultation_id, doctor_id, data_enc, created_at) VALUES ($1, $2, $3, $4, $5)`,
				uuid.New(), c, doctorID, mustEnc(b, f.Encrypt, db.FieldPrescription, rx), at)
			for k, role := range []string{"patient", "doctor", "patient"} {
				batch.Queue(`INSERT INTO consultation_chat (id, consultation_id, from_role, text_enc, created_at) VALUES ($1, $2, $3, $4, $5)`,
					uuid.New(), c, role, enc(db.FieldChat, fmt.Sprintf("Bericht %d van %s", k, role)), at)
			}
			batch.Queue(`INSERT INTO record_notes (id, doctor_id, patient_id, consultation_id, text_enc, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				uuid.New(), doctorID, patientID, c, enc(db.FieldRecordNote, "Controle over vier weken."), at)
			batch.Queue(`INSERT INTO record_diagnoses (id, doctor_id, patient_id, consultation_id, code_system, data_enc, created_at)
				VALUES ($1, $2, $3, $4, 'icd10', $5, $6)`, uuid.New(), doctorID, patientID, c, mustEnc(b, f.Encrypt, db.FieldRecordDiagnosis, diagnosis), at)
		}
	}
	// One batch runs as one implicit transaction.
	if err := stack.Platform.Store.Pool.SendBatch(ctx, batch).Close(); err != nil {
		b.Fatal(err)
	}
}

func mustEnc(b *testing.B, encrypt func(string, []byte) ([]byte, error), field string, plain []byte) []byte {
	out, err := encrypt(field, plain)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

func benchGet(b *testing.B, token, path string) []byte {
	b.Helper()
	return benchSend(b, token, "GET", path, nil, http.StatusOK)
}

func benchSend(b *testing.B, token, method, path string, body any, want int) []byte {
	b.Helper()
	var r io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, stack.APIURL+path, r)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != want {
		b.Fatalf("%s %s → %d (%v): %s", method, path, res.StatusCode, err, out)
	}
	return out
}
