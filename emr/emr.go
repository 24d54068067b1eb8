// Package emr is the medical record: one patient's consultations, intake
// answers, photos, advice, prescriptions, documents and chat, with the
// doctor's own notes and diagnoses, read from PostgreSQL in one pass and
// decrypted. A doctor's view holds only what belongs to that doctor; the
// patient's view holds every doctor. Package fhir maps a Record onto a FHIR
// R4 Bundle; documents renders it as PDF.
package emr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"derma2go/accounts"
	"derma2go/billing"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/messaging"
	"derma2go/prescribing"
	"derma2go/secure"
)

// Code systems of a diagnosis code. The code is optional; free text is
// always there.
const (
	// CodeICD10 is WHO ICD-10 (e.g. L40.0, psoriasis vulgaris).
	CodeICD10 = "icd10"
	// CodeSNOMED is SNOMED CT (e.g. 9014002, psoriasis).
	CodeSNOMED = "snomed"
)

// Limits of the doctor's entries.
const (
	MaxNoteLength      = 5000
	MaxDiagnosisLength = 500
)

// Record is one patient's medical record as one reader may see it.
type Record struct {
	Patient       Patient
	Doctors       []Doctor
	Consultations []Consultation
	Intakes       []Intake
	// Questionnaires are the doctors' questionnaires filled in for the
	// record's consultations, each with the version it answered.
	Questionnaires []FilledQuestionnaire
	Photos         []Photo
	Advice         []Advice
	Prescriptions  []Prescription
	Documents      []Document
	Notes          []Note
	Diagnoses      []Diagnosis
	Messages       []Message
	// Threads are the secure message threads (package messaging) of the
	// patient with the record's doctors; ThreadMessages their messages in
	// order.
	Threads        []messaging.Thread
	ThreadMessages []messaging.Message
	// GeneratedAt is when the record was read.
	GeneratedAt time.Time
}

// Patient is the person the record is about.
type Patient struct {
	ID        uuid.UUID
	Name      string
	Email     string
	BirthDate *time.Time
	Language  string
}

// Doctor is a practitioner who appears in the record.
type Doctor struct {
	ID           uuid.UUID
	Name         string
	Specialty    string
	PracticeName string
	Address      string
	City         string
	BIGNumber    string
	AGBCode      string
}

// Consultation is one encounter.
type Consultation struct {
	ID          uuid.UUID
	DoctorID    uuid.UUID
	DoctorName  string
	Type        string
	Status      string
	Start, End  *time.Time
	CreatedAt   time.Time
	CompletedAt *time.Time
}

// At is when the consultation took (or takes) place: its slot, else its
// creation.
func (c Consultation) At() time.Time {
	if c.Start != nil {
		return *c.Start
	}
	return c.CreatedAt
}

// Intake is the form the patient filled in for a consultation.
type Intake struct {
	ConsultationID uuid.UUID
	Form           string
	// Answers are the form's fields in the order of their keys.
	Answers     []Answer
	SubmittedAt time.Time
}

// Answer is one field of an intake form: a string, bool, number or list of
// strings.
type Answer struct {
	Key   string
	Value any
}

// Text prints the answer.
func (a Answer) Text() string {
	switch v := a.Value.(type) {
	case string:
		return v
	case bool:
		if v {
			return "ja / yes"
		}
		return "nee / no"
	case float64:
		return fmt.Sprintf("%g", v)
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			parts = append(parts, fmt.Sprint(x))
		}
		return strings.Join(parts, ", ")
	case nil:
		return ""
	}
	b, _ := json.Marshal(a.Value)
	return string(b)
}

// FilledQuestionnaire is a doctor's questionnaire a patient filled in for
// a consultation.
type FilledQuestionnaire struct {
	ConsultationID uuid.UUID
	DoctorID       uuid.UUID
	domain.FilledQuestionnaire
}

// Photo is a photo the patient uploaded (its metadata; the image stays
// behind its own audited route).
type Photo struct {
	ID             uuid.UUID
	ConsultationID uuid.UUID
	ContentType    string
	SizeBytes      int
	Width, Height  int
	CreatedAt      time.Time
}

// Advice is a doctor's published written advice.
type Advice struct {
	ID             uuid.UUID
	ConsultationID uuid.UUID
	DoctorID       uuid.UUID
	Text           string
	PublishedAt    time.Time
}

// Prescription is a prescription the doctor issued.
type Prescription struct {
	ID             uuid.UUID
	ConsultationID uuid.UUID
	DoctorID       uuid.UUID
	Rx             prescribing.Rx
	CreatedAt      time.Time
}

// Document kinds besides prescriptions.
const (
	DocumentInvoice    = "invoice"
	DocumentCreditNote = "credit_note"
)

// Document is an invoice or credit note of a consultation.
type Document struct {
	ID             uuid.UUID
	ConsultationID uuid.UUID
	Kind           string
	Number         string
	AmountCents    int64
	Currency       string
	IssuedAt       time.Time
}

// Note is a doctor's medical note.
type Note struct {
	ID             uuid.UUID
	DoctorID       uuid.UUID
	ConsultationID uuid.NullUUID
	Text           string
	CreatedAt      time.Time
}

// Diagnosis is a doctor's diagnosis: free text with an optional code.
type Diagnosis struct {
	ID             uuid.UUID
	DoctorID       uuid.UUID
	ConsultationID uuid.NullUUID
	Text           string
	CodeSystem     string
	Code           string
	CreatedAt      time.Time
}

// Message is a chat message of a live consultation.
type Message struct {
	ID             uuid.UUID
	ConsultationID uuid.UUID
	FromRole       string
	Text           string
	CreatedAt      time.Time
}

// Load reads the record of patientID: with doctorID set, only what belongs
// to that doctor; with uuid.Nil, every doctor's part (the patient's own
// view).
func Load(ctx context.Context, q *db.Queries, f *secure.Fields, patientID, doctorID uuid.UUID, now time.Time) (*Record, error) {
	doctor := uuid.NullUUID{UUID: doctorID, Valid: doctorID != uuid.Nil}
	r := &Record{GeneratedAt: now.UTC()}
	u, err := q.GetUser(ctx, patientID)
	if err != nil {
		return nil, fmt.Errorf("emr: patient: %w", err)
	}
	d, err := accounts.Decrypt(f, u)
	if err != nil {
		return nil, err
	}
	r.Patient = Patient{ID: u.ID, Name: d.Name, Email: d.Email, Language: u.Language}
	if len(u.BirthDateEnc) > 0 {
		s, err := f.DecryptString(db.FieldUserBirthDate, u.BirthDateEnc)
		if err != nil {
			return nil, fmt.Errorf("emr: birth date: %w", err)
		}
		if t, err := time.Parse(accounts.BirthDateLayout, s); err == nil {
			r.Patient.BirthDate = &t
		}
	}
	cs, err := q.RecordConsultations(ctx, db.RecordConsultationsParams{PatientID: uuid.NullUUID{UUID: patientID, Valid: true}, DoctorID: doctor})
	if err != nil {
		return nil, fmt.Errorf("emr: consultations: %w", err)
	}
	in := make(map[uuid.UUID]bool, len(cs))
	doctors := map[uuid.UUID]bool{}
	for _, row := range cs {
		c := row.Consultation
		in[c.ID] = true
		rc := Consultation{ID: c.ID, DoctorID: c.DoctorID, DoctorName: row.DoctorName, Type: c.ConsultationType,
			Status: c.Status, CreatedAt: c.CreatedAt.UTC(), CompletedAt: utc(c.CompletedAt)}
		if c.Slot.Valid && c.Slot.Lower.Valid && c.Slot.Upper.Valid {
			rc.Start, rc.End = utc(&c.Slot.Lower.Time), utc(&c.Slot.Upper.Time)
		}
		r.Consultations = append(r.Consultations, rc)
		if !doctors[c.DoctorID] {
			doctors[c.DoctorID] = true
			doc, err := q.GetDoctor(ctx, c.DoctorID)
			if err != nil {
				return nil, fmt.Errorf("emr: doctor: %w", err)
			}
			r.Doctors = append(r.Doctors, Doctor{ID: doc.UserID, Name: doc.DisplayName, Specialty: doc.Specialty,
				PracticeName: doc.PracticeName, Address: doc.Address, City: doc.City, BIGNumber: doc.BigNumber, AGBCode: doc.AgbCode})
		}
	}
	if err := r.loadCare(ctx, q, f, patientID, doctor, in); err != nil {
		return nil, err
	}
	if err := r.loadOwn(ctx, q, f, patientID, doctor); err != nil {
		return nil, err
	}
	if err := r.loadThreads(ctx, q, f, patientID, doctor); err != nil {
		return nil, err
	}
	return r, nil
}

// loadCare reads what belongs to the record's consultations.
func (r *Record) loadCare(ctx context.Context, q *db.Queries, f *secure.Fields, patientID uuid.UUID, doctor uuid.NullUUID, in map[uuid.UUID]bool) error {
	patient := uuid.NullUUID{UUID: patientID, Valid: true}
	intakes, err := q.RecordIntakes(ctx, db.RecordIntakesParams{PatientID: patient, DoctorID: doctor})
	if err != nil {
		return fmt.Errorf("emr: intakes: %w", err)
	}
	for _, i := range intakes {
		if !in[i.ConsultationID] {
			continue
		}
		plain, err := f.Decrypt(db.FieldIntake, i.AnswersEnc)
		if err != nil {
			return fmt.Errorf("emr: intake: %w", err)
		}
		answers, err := parseAnswers(plain)
		if err != nil {
			return err
		}
		r.Intakes = append(r.Intakes, Intake{ConsultationID: i.ConsultationID, Form: i.FormKind, Answers: answers, SubmittedAt: i.SubmittedAt.UTC()})
	}
	if err := r.loadQuestionnaires(ctx, q, f, patient, doctor, in); err != nil {
		return err
	}
	photos, err := q.RecordPhotos(ctx, db.RecordPhotosParams{PatientID: patient, DoctorID: doctor})
	if err != nil {
		return fmt.Errorf("emr: photos: %w", err)
	}
	for _, p := range photos {
		if in[p.ConsultationID] {
			r.Photos = append(r.Photos, Photo{ID: p.ID, ConsultationID: p.ConsultationID, ContentType: p.ContentType,
				SizeBytes: int(p.SizeBytes), Width: int(p.Width), Height: int(p.Height), CreatedAt: p.CreatedAt.UTC()})
		}
	}
	advice, err := q.RecordAdvice(ctx, db.RecordAdviceParams{PatientID: patient, DoctorID: doctor})
	if err != nil {
		return fmt.Errorf("emr: advice: %w", err)
	}
	for _, a := range advice {
		if !in[a.ConsultationID] || a.PublishedAt == nil {
			continue
		}
		text, err := f.DecryptString(db.FieldAdvice, a.TextEnc)
		if err != nil {
			return fmt.Errorf("emr: advice: %w", err)
		}
		r.Advice = append(r.Advice, Advice{ID: a.ID, ConsultationID: a.ConsultationID, DoctorID: a.DoctorID, Text: text, PublishedAt: a.PublishedAt.UTC()})
	}
	rxs, err := q.RecordPrescriptions(ctx, db.RecordPrescriptionsParams{PatientID: patient, DoctorID: doctor})
	if err != nil {
		return fmt.Errorf("emr: prescriptions: %w", err)
	}
	for _, p := range rxs {
		if !in[p.ConsultationID] {
			continue
		}
		plain, err := f.Decrypt(db.FieldPrescription, p.DataEnc)
		if err != nil {
			return fmt.Errorf("emr: prescription: %w", err)
		}
		var rx prescribing.Rx
		if err := json.Unmarshal(plain, &rx); err != nil {
			return fmt.Errorf("emr: prescription: %w", err)
		}
		r.Prescriptions = append(r.Prescriptions, Prescription{ID: p.ID, ConsultationID: p.ConsultationID, DoctorID: p.DoctorID, Rx: rx, CreatedAt: p.CreatedAt.UTC()})
	}
	invoices, err := q.RecordInvoices(ctx, db.RecordInvoicesParams{PatientID: patient, DoctorID: doctor})
	if err != nil {
		return fmt.Errorf("emr: invoices: %w", err)
	}
	for _, inv := range invoices {
		if in[inv.ConsultationID] {
			r.Documents = append(r.Documents, Document{ID: inv.ID, ConsultationID: inv.ConsultationID, Kind: DocumentInvoice,
				Number: billing.Number(inv), AmountCents: int64(inv.AmountCents), Currency: inv.Currency, IssuedAt: inv.IssuedAt.UTC()})
		}
	}
	credits, err := q.RecordCreditNotes(ctx, db.RecordCreditNotesParams{PatientID: patient, DoctorID: doctor})
	if err != nil {
		return fmt.Errorf("emr: credit notes: %w", err)
	}
	for _, n := range credits {
		if in[n.ConsultationID] {
			r.Documents = append(r.Documents, Document{ID: n.ID, ConsultationID: n.ConsultationID, Kind: DocumentCreditNote,
				Number: billing.CreditNumber(n), AmountCents: int64(n.AmountCents), Currency: n.Currency, IssuedAt: n.IssuedAt.UTC()})
		}
	}
	sort.SliceStable(r.Documents, func(i, j int) bool { return r.Documents[i].IssuedAt.Before(r.Documents[j].IssuedAt) })
	chat, err := q.RecordChat(ctx, db.RecordChatParams{PatientID: patient, DoctorID: doctor})
	if err != nil {
		return fmt.Errorf("emr: chat: %w", err)
	}
	for _, m := range chat {
		if !in[m.ConsultationID] {
			continue
		}
		text, err := f.DecryptString(db.FieldChat, m.TextEnc)
		if err != nil {
			return fmt.Errorf("emr: chat: %w", err)
		}
		r.Messages = append(r.Messages, Message{ID: m.ID, ConsultationID: m.ConsultationID, FromRole: m.FromRole, Text: text, CreatedAt: m.CreatedAt.UTC()})
	}
	return nil
}

// loadQuestionnaires reads the filled doctors' questionnaires, each with
// the questions of the version it answered.
func (r *Record) loadQuestionnaires(ctx context.Context, q *db.Queries, f *secure.Fields, patient, doctor uuid.NullUUID, in map[uuid.UUID]bool) error {
	rows, err := q.RecordQuestionnaireResponses(ctx, db.RecordQuestionnaireResponsesParams{PatientID: patient, DoctorID: doctor})
	if err != nil {
		return fmt.Errorf("emr: questionnaires: %w", err)
	}
	for _, row := range rows {
		if !in[row.ConsultationID] {
			continue
		}
		qn := domain.Questionnaire{Title: row.Title}
		if err := json.Unmarshal(row.Questions, &qn.Questions); err != nil {
			return fmt.Errorf("emr: questionnaire %s version %d: %w", row.QuestionnaireID, row.Version, err)
		}
		plain, err := f.Decrypt(db.FieldQuestionnaire, row.AnswersEnc)
		if err != nil {
			return fmt.Errorf("emr: questionnaire answers: %w", err)
		}
		answers, errs := domain.CheckAnswers(qn, plain)
		if errs != nil {
			return fmt.Errorf("emr: stored answers of %s do not fit version %d: %w", row.ConsultationID, row.Version, errs)
		}
		r.Questionnaires = append(r.Questionnaires, FilledQuestionnaire{ConsultationID: row.ConsultationID, DoctorID: row.DoctorID,
			FilledQuestionnaire: domain.FilledQuestionnaire{QuestionnaireID: row.QuestionnaireID.String(), Version: int(row.Version),
				Questions: qn, Answers: answers, SubmittedAt: row.SubmittedAt.UTC()}})
	}
	return nil
}

// diagnosisData is the encrypted content of a diagnosis.
type diagnosisData struct {
	Text string `json:"text"`
	Code string `json:"code,omitempty"`
}

// loadOwn reads the doctors' notes and diagnoses.
func (r *Record) loadOwn(ctx context.Context, q *db.Queries, f *secure.Fields, patientID uuid.UUID, doctor uuid.NullUUID) error {
	notes, err := q.RecordNotes(ctx, db.RecordNotesParams{PatientID: patientID, DoctorID: doctor})
	if err != nil {
		return fmt.Errorf("emr: notes: %w", err)
	}
	for _, n := range notes {
		text, err := f.DecryptString(db.FieldRecordNote, n.TextEnc)
		if err != nil {
			return fmt.Errorf("emr: note: %w", err)
		}
		r.Notes = append(r.Notes, Note{ID: n.ID, DoctorID: n.DoctorID, ConsultationID: n.ConsultationID, Text: text, CreatedAt: n.CreatedAt.UTC()})
	}
	diagnoses, err := q.RecordDiagnoses(ctx, db.RecordDiagnosesParams{PatientID: patientID, DoctorID: doctor})
	if err != nil {
		return fmt.Errorf("emr: diagnoses: %w", err)
	}
	for _, d := range diagnoses {
		plain, err := f.Decrypt(db.FieldRecordDiagnosis, d.DataEnc)
		if err != nil {
			return fmt.Errorf("emr: diagnosis: %w", err)
		}
		var data diagnosisData
		if err := json.Unmarshal(plain, &data); err != nil {
			return fmt.Errorf("emr: diagnosis: %w", err)
		}
		r.Diagnoses = append(r.Diagnoses, Diagnosis{ID: d.ID, DoctorID: d.DoctorID, ConsultationID: d.ConsultationID,
			Text: data.Text, CodeSystem: d.CodeSystem, Code: data.Code, CreatedAt: d.CreatedAt.UTC()})
	}
	return nil
}

// loadThreads reads the secure message threads with the record's doctors.
func (r *Record) loadThreads(ctx context.Context, q *db.Queries, f *secure.Fields, patientID uuid.UUID, doctor uuid.NullUUID) error {
	threads, err := q.RecordThreads(ctx, db.RecordThreadsParams{PatientID: patientID, DoctorID: doctor})
	if err != nil {
		return fmt.Errorf("emr: threads: %w", err)
	}
	for _, t := range threads {
		if _, ok := r.Doctor(t.DoctorID); ok {
			r.Threads = append(r.Threads, messaging.ThreadOf(t))
		}
	}
	if len(r.Threads) == 0 {
		return nil
	}
	in := make(map[uuid.UUID]bool, len(r.Threads))
	for _, t := range r.Threads {
		in[t.ID] = true
	}
	rows, err := q.RecordThreadMessages(ctx, db.RecordThreadMessagesParams{PatientID: patientID, DoctorID: doctor})
	if err != nil {
		return fmt.Errorf("emr: thread messages: %w", err)
	}
	store := messaging.Store{Fields: f}
	for _, row := range rows {
		if !in[row.ThreadID] {
			continue
		}
		m, err := store.Decrypt(row)
		if err != nil {
			return fmt.Errorf("emr: %w", err)
		}
		r.ThreadMessages = append(r.ThreadMessages, m)
	}
	return nil
}

// Thread returns the record's thread with id.
func (r *Record) Thread(id uuid.UUID) (messaging.Thread, bool) {
	for _, t := range r.Threads {
		if t.ID == id {
			return t, true
		}
	}
	return messaging.Thread{}, false
}

func parseAnswers(plain []byte) ([]Answer, error) {
	var m map[string]any
	if err := json.Unmarshal(plain, &m); err != nil {
		return nil, fmt.Errorf("emr: intake answers: %w", err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Answer, 0, len(keys))
	for _, k := range keys {
		out = append(out, Answer{Key: k, Value: m[k]})
	}
	return out, nil
}

// Consultation returns the record's consultation with id.
func (r *Record) Consultation(id uuid.UUID) (Consultation, bool) {
	for _, c := range r.Consultations {
		if c.ID == id {
			return c, true
		}
	}
	return Consultation{}, false
}

// Doctor returns the record's doctor with id.
func (r *Record) Doctor(id uuid.UUID) (Doctor, bool) {
	for _, d := range r.Doctors {
		if d.ID == id {
			return d, true
		}
	}
	return Doctor{}, false
}

// Entries counts the record's entries of every kind.
func (r *Record) Entries() int {
	return len(r.Consultations) + len(r.Intakes) + len(r.Questionnaires) + len(r.Photos) + len(r.Advice) + len(r.Prescriptions) +
		len(r.Documents) + len(r.Notes) + len(r.Diagnoses) + len(r.Messages) + len(r.Threads) + len(r.ThreadMessages)
}

// Errors of a doctor's entry, for the API to answer 400 with.
var (
	ErrEmptyText       = errors.New("emr: the text is empty")
	ErrTextTooLong     = errors.New("emr: the text is too long")
	ErrCodeSystem      = errors.New("emr: unknown code system")
	ErrCodeFormat      = errors.New("emr: the code does not fit its code system")
	ErrCodeWithout     = errors.New("emr: a code needs its code system")
	ErrNotInRecord     = errors.New("emr: the consultation is not in this record")
	ErrPatientNotFound = errors.New("emr: not a patient of this doctor")
)

// NewNote is a note a doctor writes.
type NewNote struct {
	DoctorID, PatientID uuid.UUID
	ConsultationID      uuid.NullUUID
	Text                string
}

// NewDiagnosis is a diagnosis a doctor records.
type NewDiagnosis struct {
	DoctorID, PatientID uuid.UUID
	ConsultationID      uuid.NullUUID
	Text                string
	CodeSystem, Code    string
}

// CheckText validates the text of an entry of at most limit characters.
func CheckText(s string, limit int) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", ErrEmptyText
	case utf8.RuneCountInString(s) > limit:
		return "", ErrTextTooLong
	}
	return s, nil
}

// CheckCode validates an optional diagnosis code: ICD-10 codes look like
// L40 or L40.0 (a letter, two digits, an optional dot and up to four
// characters), SNOMED CT concept ids are 6 to 18 digits.
func CheckCode(system, code string) (string, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	switch {
	case system == "" && code == "":
		return "", nil
	case system == "":
		return "", ErrCodeWithout
	case system != CodeICD10 && system != CodeSNOMED:
		return "", ErrCodeSystem
	case code == "":
		return "", ErrCodeFormat
	case system == CodeICD10 && !icd10(code):
		return "", ErrCodeFormat
	case system == CodeSNOMED && !snomed(code):
		return "", ErrCodeFormat
	}
	return code, nil
}

func icd10(c string) bool {
	if len(c) < 3 || len(c) > 8 || c[0] < 'A' || c[0] > 'Z' || !digit(c[1]) || !(digit(c[2]) || c[2] >= 'A' && c[2] <= 'Z') {
		return false
	}
	rest := c[3:]
	if rest == "" {
		return true
	}
	if rest[0] != '.' || len(rest) < 2 {
		return false
	}
	for i := 1; i < len(rest); i++ {
		if !digit(rest[i]) && !(rest[i] >= 'A' && rest[i] <= 'Z') {
			return false
		}
	}
	return true
}

func snomed(c string) bool {
	if len(c) < 6 || len(c) > 18 || c[0] == '0' {
		return false
	}
	for i := 0; i < len(c); i++ {
		if !digit(c[i]) {
			return false
		}
	}
	return true
}

func digit(b byte) bool { return b >= '0' && b <= '9' }

// AddNote checks and stores a doctor's note, encrypted.
func AddNote(ctx context.Context, q *db.Queries, f *secure.Fields, n NewNote) (Note, error) {
	text, err := CheckText(n.Text, MaxNoteLength)
	if err != nil {
		return Note{}, err
	}
	if err := inRecord(ctx, q, n.DoctorID, n.PatientID, n.ConsultationID); err != nil {
		return Note{}, err
	}
	enc, err := f.EncryptString(db.FieldRecordNote, text)
	if err != nil {
		return Note{}, fmt.Errorf("emr: %w", err)
	}
	row, err := q.CreateRecordNote(ctx, db.CreateRecordNoteParams{ID: uuid.New(), DoctorID: n.DoctorID, PatientID: n.PatientID,
		ConsultationID: n.ConsultationID, TextEnc: enc})
	if err != nil {
		return Note{}, fmt.Errorf("emr: note: %w", err)
	}
	return Note{ID: row.ID, DoctorID: row.DoctorID, ConsultationID: row.ConsultationID, Text: text, CreatedAt: row.CreatedAt.UTC()}, nil
}

// AddDiagnosis checks and stores a doctor's diagnosis, encrypted.
func AddDiagnosis(ctx context.Context, q *db.Queries, f *secure.Fields, n NewDiagnosis) (Diagnosis, error) {
	text, err := CheckText(n.Text, MaxDiagnosisLength)
	if err != nil {
		return Diagnosis{}, err
	}
	code, err := CheckCode(n.CodeSystem, n.Code)
	if err != nil {
		return Diagnosis{}, err
	}
	if err := inRecord(ctx, q, n.DoctorID, n.PatientID, n.ConsultationID); err != nil {
		return Diagnosis{}, err
	}
	plain, err := json.Marshal(diagnosisData{Text: text, Code: code})
	if err != nil {
		return Diagnosis{}, fmt.Errorf("emr: %w", err)
	}
	enc, err := f.Encrypt(db.FieldRecordDiagnosis, plain)
	if err != nil {
		return Diagnosis{}, fmt.Errorf("emr: %w", err)
	}
	row, err := q.CreateRecordDiagnosis(ctx, db.CreateRecordDiagnosisParams{ID: uuid.New(), DoctorID: n.DoctorID, PatientID: n.PatientID,
		ConsultationID: n.ConsultationID, CodeSystem: n.CodeSystem, DataEnc: enc})
	if err != nil {
		return Diagnosis{}, fmt.Errorf("emr: diagnosis: %w", err)
	}
	return Diagnosis{ID: row.ID, DoctorID: row.DoctorID, ConsultationID: row.ConsultationID, Text: text,
		CodeSystem: row.CodeSystem, Code: code, CreatedAt: row.CreatedAt.UTC()}, nil
}

// inRecord checks that the doctor treats the patient and, when named, that
// the consultation is one of theirs in the record.
func inRecord(ctx context.Context, q *db.Queries, doctorID, patientID uuid.UUID, consultation uuid.NullUUID) error {
	ok, err := q.DoctorTreatsPatient(ctx, db.DoctorTreatsPatientParams{PatientID: uuid.NullUUID{UUID: patientID, Valid: true}, DoctorID: doctorID})
	if err != nil {
		return fmt.Errorf("emr: %w", err)
	}
	if !ok {
		return ErrPatientNotFound
	}
	if !consultation.Valid {
		return nil
	}
	c, err := q.GetConsultation(ctx, consultation.UUID)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return ErrNotInRecord
	} else if err != nil {
		return fmt.Errorf("emr: %w", err)
	}
	if c.DoctorID != doctorID || !c.PatientID.Valid || c.PatientID.UUID != patientID {
		return ErrNotInRecord
	}
	return nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
