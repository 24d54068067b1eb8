package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/accounts"
	"derma2go/db"
	"derma2go/emr"
	"derma2go/fhir"
)

// The medical record (EMR): a doctor reads, adds to and exports the record
// of each patient they treat (scopeDoctorPatient: a patient with a
// consultation with this doctor in their record; anyone else is 404); a
// patient reads and exports their own record across doctors (PIN). Every
// read and export is audited with the patient named.

// RecordView is a medical record as JSON: the patient, the doctors in it
// and the timeline.
type RecordView struct {
	Patient     RecordPatientView  `json:"patient"`
	Doctors     []RecordDoctorView `json:"doctors"`
	Entries     []RecordEntryView  `json:"entries"`
	GeneratedAt time.Time          `json:"generated_at"`
}

// RecordPatientView is who the record is about.
type RecordPatientView struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	BirthDate *string   `json:"birth_date"`
}

// RecordDoctorView is a doctor in the record.
type RecordDoctorView struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	Specialty string    `json:"specialty"`
}

// RecordEntryView is one entry of the timeline.
type RecordEntryView struct {
	Kind           string             `json:"kind"`
	ID             uuid.UUID          `json:"id"`
	At             time.Time          `json:"at"`
	ConsultationID *uuid.UUID         `json:"consultation_id,omitempty"`
	DoctorID       *uuid.UUID         `json:"doctor_id,omitempty"`
	Title          string             `json:"title,omitempty"`
	Text           string             `json:"text,omitempty"`
	Details        []RecordDetailView `json:"details"`
	CodeSystem     string             `json:"code_system,omitempty"`
	Code           string             `json:"code,omitempty"`
	DocumentKind   string             `json:"document_kind,omitempty"`
	// URL opens the entry's file (photo, PDF) for this reader, when it has one.
	URL string `json:"url,omitempty"`
}

// RecordDetailView is one labelled line of an entry.
type RecordDetailView struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// PatientSummaryView is a patient in the doctor's list.
type PatientSummaryView struct {
	ID            uuid.UUID `json:"id"`
	Name          string    `json:"name"`
	Consultations int64     `json:"consultations"`
	LastAt        time.Time `json:"last_at"`
}

const ctxRecordPatient = "derma.record_patient"

// findRecordPatient names the patient of the path in the audit entry, when
// it is a patient's account.
func (s *Server) findRecordPatient(c *gin.Context) error {
	id, err := uuid.Parse(c.Param("patientId"))
	if err != nil {
		return db.ErrNotFound
	}
	u, err := s.Store.GetUser(c, id)
	if err != nil {
		return err
	}
	if u.Role != RolePatient {
		return db.ErrNotFound
	}
	auditPatient(c, uuid.NullUUID{UUID: id, Valid: true})
	c.Set(ctxRecordPatient, id)
	return nil
}

// authorizeRecordPatient lets through only the doctor who treats the patient.
func (s *Server) authorizeRecordPatient(c *gin.Context) {
	v, ok := c.Get(ctxRecordPatient)
	p := currentPrincipal(c)
	if !ok || p == nil || p.Role != RoleDoctor {
		fail(c, errNotFound("This patient"))
		return
	}
	treats, err := s.Store.DoctorTreatsPatient(c, db.DoctorTreatsPatientParams{
		PatientID: uuid.NullUUID{UUID: v.(uuid.UUID), Valid: true}, DoctorID: p.UserID})
	if err != nil {
		fail(c, err)
		return
	}
	if !treats {
		fail(c, errNotFound("This patient"))
		return
	}
	c.Next()
}

func recordPatientOf(c *gin.Context) uuid.UUID { return c.MustGet(ctxRecordPatient).(uuid.UUID) }

// doctorPatients lists the patients the doctor treats.
func (s *Server) doctorPatients(c *gin.Context) {
	rows, err := s.Store.DoctorPatients(c, currentPrincipal(c).UserID)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]PatientSummaryView, 0, len(rows))
	for _, r := range rows {
		u, err := s.Store.GetUser(c, r.PatientID)
		if err != nil {
			fail(c, err)
			return
		}
		d, err := accounts.Decrypt(s.Fields, u)
		if err != nil {
			fail(c, err)
			return
		}
		id := uuid.NullUUID{UUID: r.PatientID, Valid: true}
		auditListed(c, id, r.PatientID.String())
		items = append(items, PatientSummaryView{ID: r.PatientID, Name: d.Name, Consultations: r.Consultations, LastAt: r.LastAt.UTC()})
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// loadRecord reads the record the route is about: the doctor's part of the
// path's patient, or the caller's own (a patient).
func (s *Server) loadRecord(c *gin.Context) (*emr.Record, bool, bool) {
	p := currentPrincipal(c)
	if p.Role == RoleDoctor {
		r, err := emr.Load(c, s.Store.Queries, s.Fields, recordPatientOf(c), p.UserID, s.Now())
		if err != nil {
			fail(c, err)
			return nil, true, false
		}
		return r, true, true
	}
	auditSubject(c, p.UserID, p.UserID.String())
	r, err := emr.Load(c, s.Store.Queries, s.Fields, p.UserID, uuid.Nil, s.Now())
	if err != nil {
		fail(c, err)
		return nil, false, false
	}
	return r, false, true
}

// getRecord answers the record as JSON.
func (s *Server) getRecord(c *gin.Context) {
	r, doctor, ok := s.loadRecord(c)
	if !ok {
		return
	}
	v := RecordView{Patient: RecordPatientView{ID: r.Patient.ID, Name: r.Patient.Name}, Doctors: make([]RecordDoctorView, 0, len(r.Doctors)),
		Entries: []RecordEntryView{}, GeneratedAt: r.GeneratedAt}
	if r.Patient.BirthDate != nil {
		b := r.Patient.BirthDate.Format(accounts.BirthDateLayout)
		v.Patient.BirthDate = &b
	}
	for _, d := range r.Doctors {
		v.Doctors = append(v.Doctors, RecordDoctorView{ID: d.ID, Name: d.Name, Specialty: d.Specialty})
	}
	for _, e := range r.Timeline() {
		ev := RecordEntryView{Kind: e.Kind, ID: e.ID, At: e.At.UTC(), Title: e.Title, Text: e.Text, Details: make([]RecordDetailView, 0, len(e.Details)),
			CodeSystem: e.CodeSystem, Code: e.Code, DocumentKind: e.DocumentKind}
		if e.ConsultationID.Valid {
			id := e.ConsultationID.UUID
			ev.ConsultationID = &id
		}
		if e.DoctorID != uuid.Nil {
			id := e.DoctorID
			ev.DoctorID = &id
		}
		for _, d := range e.Details {
			ev.Details = append(ev.Details, RecordDetailView{Label: d.Label, Value: d.Value})
		}
		ev.URL = entryURL(e, doctor)
		v.Entries = append(v.Entries, ev)
	}
	c.JSON(http.StatusOK, v)
}

// entryURL is where the reader opens an entry's file.
func entryURL(e emr.Entry, doctor bool) string {
	consultation := "/v1/consultations/" + e.ConsultationID.UUID.String()
	switch {
	case e.Kind == emr.KindThreadMessage && e.ThreadID != uuid.Nil && e.File:
		return threadFileURL(e.ThreadID, e.ID)
	case doctor && e.Kind == emr.KindPhoto:
		return "/v1/doctor/consultations/" + e.ConsultationID.UUID.String() + "/photos/" + e.ID.String()
	case doctor && e.Kind == emr.KindDocument && e.DocumentKind == emr.DocumentInvoice:
		return "/v1/doctor/invoices/" + e.ID.String() + ".pdf"
	case doctor:
		return ""
	case e.Kind == emr.KindDocument && e.DocumentKind == emr.DocumentInvoice:
		return consultation + "/invoice.pdf"
	case e.Kind == emr.KindDocument || e.Kind == emr.KindPrescription:
		return consultation + "/documents/" + e.ID.String()
	}
	return ""
}

// recordPDF answers the record as PDF.
func (s *Server) recordPDF(c *gin.Context) {
	r, doctor, ok := s.loadRecord(c)
	if !ok {
		return
	}
	pdf, err := r.PDF(doctor)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="record-`+r.Patient.ID.String()+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// FHIRContentType is the media type of FHIR JSON.
const FHIRContentType = "application/fhir+json"

// recordFHIR answers the record as a FHIR R4 Bundle.
func (s *Server) recordFHIR(c *gin.Context) {
	r, doctor, ok := s.loadRecord(c)
	if !ok {
		return
	}
	out, err := fhirBundle(r, doctor)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="record-`+r.Patient.ID.String()+`.fhir.json"`)
	c.Data(http.StatusOK, FHIRContentType, out)
}

// fhirBundle is the record as a FHIR R4 Bundle in JSON, with the links of
// its files for this reader.
func fhirBundle(r *emr.Record, doctor bool) ([]byte, error) {
	opt := fhir.Options{DocumentURL: func(consultation, id uuid.UUID) string {
		return entryURL(emr.Entry{Kind: emr.KindDocument, DocumentKind: documentKind(r, id), ID: id,
			ConsultationID: uuid.NullUUID{UUID: consultation, Valid: true}}, doctor)
	}}
	opt.ThreadFileURL = threadFileURL
	if doctor {
		opt.PhotoURL = func(p emr.Photo) string {
			return entryURL(emr.Entry{Kind: emr.KindPhoto, ID: p.ID, ConsultationID: uuid.NullUUID{UUID: p.ConsultationID, Valid: true}}, true)
		}
	}
	return fhir.Export(r, opt).JSON()
}

// threadFileURL is the route both parties open a shared file with.
func threadFileURL(threadID, messageID uuid.UUID) string {
	return "/v1/threads/" + threadID.String() + "/messages/" + messageID.String() + "/file"
}

func documentKind(r *emr.Record, id uuid.UUID) string {
	for _, d := range r.Documents {
		if d.ID == id {
			return d.Kind
		}
	}
	return ""
}

type noteRequest struct {
	Text           string     `json:"text" validate:"required,max=20000"`
	ConsultationID *uuid.UUID `json:"consultation_id"`
}

type diagnosisRequest struct {
	Text           string     `json:"text" validate:"required,max=2000"`
	CodeSystem     string     `json:"code_system" validate:"omitempty,oneof=icd10 snomed"`
	Code           string     `json:"code" validate:"max=32"`
	ConsultationID *uuid.UUID `json:"consultation_id"`
}

// RecordNoteView is a stored note.
type RecordNoteView struct {
	ID             uuid.UUID  `json:"id"`
	ConsultationID *uuid.UUID `json:"consultation_id"`
	Text           string     `json:"text"`
	CreatedAt      time.Time  `json:"created_at"`
}

// DiagnosisView is a stored diagnosis.
type DiagnosisView struct {
	ID             uuid.UUID  `json:"id"`
	ConsultationID *uuid.UUID `json:"consultation_id"`
	Text           string     `json:"text"`
	CodeSystem     string     `json:"code_system"`
	Code           string     `json:"code"`
	CreatedAt      time.Time  `json:"created_at"`
}

// createNote adds a note to the patient's record, encrypted.
func (s *Server) createNote(c *gin.Context) {
	var req noteRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	n, err := emr.AddNote(c, s.Store.Queries, s.Fields, emr.NewNote{DoctorID: currentPrincipal(c).UserID, PatientID: recordPatientOf(c),
		ConsultationID: nullUUID(req.ConsultationID), Text: req.Text})
	if err != nil {
		fail(c, s.recordProblem(c, err))
		return
	}
	auditSubject(c, recordPatientOf(c), n.ID.String())
	c.JSON(http.StatusCreated, RecordNoteView{ID: n.ID, ConsultationID: req.ConsultationID, Text: n.Text, CreatedAt: n.CreatedAt})
}

// createDiagnosis adds a diagnosis to the patient's record, encrypted.
func (s *Server) createDiagnosis(c *gin.Context) {
	var req diagnosisRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	d, err := emr.AddDiagnosis(c, s.Store.Queries, s.Fields, emr.NewDiagnosis{DoctorID: currentPrincipal(c).UserID, PatientID: recordPatientOf(c),
		ConsultationID: nullUUID(req.ConsultationID), Text: req.Text, CodeSystem: req.CodeSystem, Code: req.Code})
	if err != nil {
		fail(c, s.recordProblem(c, err))
		return
	}
	auditSubject(c, recordPatientOf(c), d.ID.String())
	c.JSON(http.StatusCreated, DiagnosisView{ID: d.ID, ConsultationID: req.ConsultationID, Text: d.Text, CodeSystem: d.CodeSystem,
		Code: d.Code, CreatedAt: d.CreatedAt})
}

func nullUUID(id *uuid.UUID) uuid.NullUUID {
	if id == nil {
		return uuid.NullUUID{}
	}
	return uuid.NullUUID{UUID: *id, Valid: true}
}

// fieldText is the field problem of a domain error.
type fieldText struct{ field, reason string }

var recordTexts = map[error]fieldText{
	emr.ErrEmptyText:   {"text", "must not be empty"},
	emr.ErrTextTooLong: {"text", "is too long"},
	emr.ErrCodeSystem:  {"code_system", "must be icd10 or snomed"},
	emr.ErrCodeFormat:  {"code", "does not fit its code system (ICD-10 like L40.0, SNOMED CT: 6 to 18 digits)"},
	emr.ErrCodeWithout: {"code_system", "is required with a code"},
	emr.ErrNotInRecord: {"consultation_id", "is not a consultation of yours with this patient"},
}

// recordProblem turns an emr error into a 422 in the user's language.
func (s *Server) recordProblem(c *gin.Context, err error) error {
	if errors.Is(err, emr.ErrPatientNotFound) {
		return errNotFound("This patient")
	}
	for known, t := range recordTexts {
		if errors.Is(err, known) {
			return errValidation(FieldProblem{Field: t.field, Reason: t.reason})
		}
	}
	return fmt.Errorf("record: %w", err)
}
