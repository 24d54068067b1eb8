package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/accounts"
	"derma2go/billing"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/prescribing"
)

// DoctorConsultationView is a consultation as its doctor sees it.
type DoctorConsultationView struct {
	ConsultationView
	PatientName string          `json:"patient_name"`
	Guest       bool            `json:"guest"`
	Intake      json.RawMessage `json:"intake,omitempty"`
	PhotoIDs    []uuid.UUID     `json:"photo_ids,omitempty"`
}

func (s *Server) doctorConsultations(c *gin.Context) {
	p := currentPrincipal(c)
	params := db.ListDoctorConsultationsParams{DoctorID: p.UserID}
	var fields []FieldProblem
	if v := c.Query("status"); v != "" {
		if len(v) > 32 {
			fields = append(fields, FieldProblem{Field: "status", Reason: "is too long"})
		}
		params.Status = textOf(v)
	}
	if v := c.Query("type"); v != "" {
		if !domain.ConsultationType(v).Valid() {
			fields = append(fields, FieldProblem{Field: "type", Reason: vocabularyReason("consultation_type")})
		}
		params.ConsultationType = textOf(v)
	}
	if len(fields) > 0 {
		fail(c, newProblemFields(http.StatusBadRequest, fields))
		return
	}
	rows, err := s.Store.ListDoctorConsultations(c, params)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]DoctorConsultationView, 0, len(rows))
	for _, r := range rows {
		v, err := s.consultationView(c, r, false)
		if err != nil {
			fail(c, err)
			return
		}
		name, err := accounts.PatientName(c, s.Store.Queries, s.Fields, r)
		if err != nil {
			fail(c, err)
			return
		}
		auditListed(c, r.PatientID, r.ID.String())
		items = append(items, DoctorConsultationView{ConsultationView: v, PatientName: name, Guest: !r.PatientID.Valid})
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) doctorConsultation(c *gin.Context) {
	row := consultationOf(c)
	v, err := s.consultationView(c, row, true)
	if err != nil {
		fail(c, err)
		return
	}
	v.WalkIn = s.consultationWalkIn(c, row)
	name, err := accounts.PatientName(c, s.Store.Queries, s.Fields, row)
	if err != nil {
		fail(c, err)
		return
	}
	out := DoctorConsultationView{ConsultationView: v, PatientName: name, Guest: !row.PatientID.Valid, PhotoIDs: []uuid.UUID{}}
	if in, err := s.Store.GetIntake(c, row.ID); err == nil {
		answers, err := s.Fields.Decrypt(db.FieldIntake, in.AnswersEnc)
		if err != nil {
			fail(c, err)
			return
		}
		out.Intake = answers
	} else if !errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, err)
		return
	}
	photos, err := s.Store.ListPhotos(c, row.ID)
	if err != nil {
		fail(c, err)
		return
	}
	for _, p := range photos {
		out.PhotoIDs = append(out.PhotoIDs, p.ID)
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) doctorPhoto(c *gin.Context) {
	row := consultationOf(c)
	id, err := uuid.Parse(c.Param("photoId"))
	if err != nil {
		fail(c, errNotFound("This photo"))
		return
	}
	photo, err := s.Store.GetPhoto(c, db.GetPhotoParams{ID: id, ConsultationID: row.ID})
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, errNotFound("This photo"))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	data, err := s.Fields.Decrypt(db.FieldPhoto, photo.DataEnc)
	if err != nil {
		fail(c, err)
		return
	}
	c.Data(http.StatusOK, photo.ContentType, data)
}

type adviceRequest struct {
	Text string `json:"text" validate:"required,min=20,max=20000"`
}

// answerAdvice hands the advice to care.AnswerAdvice: stored as a draft,
// accepted (or refused: 409) by the workflow.
func (s *Server) answerAdvice(c *gin.Context) {
	row := consultationOf(c)
	var req adviceRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	id, err := s.care.AnswerAdvice(c, row, req.Text)
	if err != nil {
		failCare(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"id": id, "status": "accepted"})
}

type declineRequest struct {
	Reason string `json:"reason" validate:"required,decline_reason"`
}

func (s *Server) declineConsultation(c *gin.Context) {
	row := consultationOf(c)
	var req declineRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if err := s.care.Decline(c, row, domain.DeclineReason(req.Reason)); err != nil {
		failCare(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"status": "declining"})
}

type prescriptionRequest struct {
	Medication   string `json:"medication" validate:"required,max=200"`
	Strength     string `json:"strength" validate:"required,max=100"`
	Dosage       string `json:"dosage" validate:"required,max=200"`
	DurationDays int    `json:"duration_days" validate:"required,gte=1,lte=365"`
	Quantity     string `json:"quantity" validate:"max=100"`
	Instructions string `json:"instructions" validate:"max=2000"`
	SendByEmail  bool   `json:"send_by_email"`
}

// issuePrescription hands the prescription to care.IssuePrescription, which
// applies domain.PrescriptionRule to the live status (422 for email advice,
// 409 before the patient was seen). With send_by_email the PDF is emailed
// to the patient too.
func (s *Server) issuePrescription(c *gin.Context) {
	row := consultationOf(c)
	var req prescriptionRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	id, err := s.care.IssuePrescription(c, row, prescribing.Rx{
		Medication: req.Medication, Strength: req.Strength, Dosage: req.Dosage, DurationDays: req.DurationDays,
		Quantity: req.Quantity, Instructions: req.Instructions,
	}, req.SendByEmail)
	if err != nil {
		failCare(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": id, "url": "/v1/consultations/" + row.ID.String() + "/documents/" + id.String()})
}

// InvoiceView is an invoice in a list.
type InvoiceView struct {
	ID             uuid.UUID  `json:"id"`
	Number         string     `json:"number"`
	ConsultationID uuid.UUID  `json:"consultation_id"`
	AmountCents    int32      `json:"amount_cents"`
	Currency       string     `json:"currency"`
	IssuedAt       time.Time  `json:"issued_at"`
	PaidAt         *time.Time `json:"paid_at"`
	PDFURL         string     `json:"pdf_url"`
}

func (s *Server) listDoctorInvoices(c *gin.Context) {
	rows, err := s.Store.ListDoctorInvoices(c, currentPrincipal(c).UserID)
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.auditInvoices(c, rows); err != nil {
		fail(c, err)
		return
	}
	items := make([]InvoiceView, 0, len(rows))
	for _, inv := range rows {
		items = append(items, InvoiceView{ID: inv.ID, Number: billing.Number(inv), ConsultationID: inv.ConsultationID,
			AmountCents: inv.AmountCents, Currency: inv.Currency, IssuedAt: inv.IssuedAt.UTC(), PaidAt: utc(inv.PaidAt),
			PDFURL: "/v1/doctor/invoices/" + inv.ID.String() + ".pdf"})
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) doctorInvoicePDF(c *gin.Context) {
	name, ok := strings.CutSuffix(c.Param("file"), ".pdf")
	id, err := uuid.Parse(name)
	if !ok || err != nil {
		fail(c, errNotFound("This invoice"))
		return
	}
	inv, err := s.Store.GetInvoice(c, id)
	if errors.Is(db.Translate(err), db.ErrNotFound) || (err == nil && inv.DoctorID != currentPrincipal(c).UserID) {
		fail(c, errNotFound("This invoice"))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	row, err := s.Store.GetConsultation(c, inv.ConsultationID)
	if err != nil {
		fail(c, err)
		return
	}
	auditSubject(c, row.PatientID.UUID, inv.ID.String())
	s.sendInvoicePDF(c, inv, row)
}

func (s *Server) sendInvoicePDF(c *gin.Context, inv db.Invoice, row db.Consultation) {
	pdf, err := billing.InvoicePDF(c, s.Store.Queries, s.Fields, inv)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="invoice-`+billing.Number(inv)+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}
