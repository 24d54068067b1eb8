package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/care"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/media"
	"derma2go/secure"
	"derma2go/web"
)

const (
	guestLinkPurpose  = domain.LinkConsultation
	guestLinkLifetime = domain.GuestLinkLifetime
	// maxPhotoBody is a photo plus the multipart framing around it.
	maxPhotoBody = media.MaxPhotoBytes + 64<<10
	// photoDecodeWait bounds the wait for a free decode slot.
	photoDecodeWait = 10 * time.Second
	// photoHandlerTimeout leaves a photo upload time to arrive over a slow
	// mobile uplink (the server's read timeout bounds that part) and still
	// bounds what follows.
	photoHandlerTimeout   = 3 * time.Minute
	statusAwaitingPayment = string(domain.StatusAwaitingPayment)
)

// Engine drives consultation workflows. The API only starts, signals,
// updates and queries them; it never waits on a business step itself. The
// consultation use cases (package care) need the part in care.Engine.
type Engine interface {
	care.Engine
	WalkInEngine
	WaitlistEngine
	// StartEmailAdvice starts the workflow and returns the checkout URL.
	StartEmailAdvice(ctx context.Context, in EmailAdviceStart) (checkoutURL string, err error)
	// StartAppointment starts a video or in-person appointment workflow and
	// returns the checkout URL (video; "" for in-person, paid afterwards).
	StartAppointment(ctx context.Context, in AppointmentStart) (checkoutURL string, err error)
	// PaymentChanged tells the workflow that Mollie reports a new payment status.
	PaymentChanged(ctx context.Context, consultationID uuid.UUID, paymentID, status string) error
	// RefundChanged tells the workflow that Mollie reports a new refund status.
	RefundChanged(ctx context.Context, consultationID uuid.UUID, refundID, status string) error
}

// ErrRejected is returned by Engine when the workflow refuses an update in
// its current state; the API answers 409.
var ErrRejected = care.ErrRejected

// ErrUnavailable is returned by Engine when Temporal did not answer within
// its bound (it is down, or the workflow's worker or database is); the API
// answers 503 with Retry-After. The call may or may not have taken effect.
var ErrUnavailable = care.ErrUnavailable

// AppointmentStart is what the engine needs to start an appointment.
type AppointmentStart struct {
	ConsultationID uuid.UUID
	DoctorID       uuid.UUID
	Type           string
	AmountCents    int64
	AdminFeeCents  int64
	Start, End     time.Time
	TimeZone       string
	Language       string
}

// EmailAdviceStart is what the engine needs to start an email-advice consultation.
type EmailAdviceStart struct {
	ConsultationID uuid.UUID
	DoctorID       uuid.UUID
	AmountCents    int64
	FormKind       string
	SLADays        int
	TimeZone       string
	Language       string
}

type createConsultationRequest struct {
	Type       string     `json:"type" validate:"required,consultation_type"`
	DoctorID   string     `json:"doctor_id" validate:"required,uuid"`
	Form       string     `json:"form" validate:"required_if=Type email_advice,omitempty,form_kind"`
	GuestEmail string     `json:"guest_email" validate:"omitempty,email,max=254"`
	Language   string     `json:"language" validate:"omitempty,language"`
	SlotStart  *time.Time `json:"slot_start"`
	// AdviceDelivery (email advice): "email" (default) sends the written
	// advice by email too; "notify_only" only says it is ready.
	AdviceDelivery string `json:"advice_delivery" validate:"omitempty,oneof=email notify_only"`
}

// ConsultationCreated is the answer to POST /consultations.
type ConsultationCreated struct {
	ID          uuid.UUID `json:"id"`
	Status      string    `json:"status"`
	CheckoutURL string    `json:"checkout_url,omitempty"`
	AccessLink  string    `json:"access_link,omitempty"`
	AccessToken string    `json:"access_token,omitempty"`
}

func (s *Server) createConsultation(c *gin.Context) {
	var req createConsultationRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := currentPrincipal(c)
	call, replay, err := s.claimIdempotency(c, p, req)
	if err != nil {
		fail(c, err)
		return
	}
	if replay != nil {
		c.Header("Idempotent-Replayed", "true")
		c.JSON(http.StatusCreated, replay)
		return
	}
	defer s.finishIdempotency(c, call)
	if call != nil {
		c.Set(ctxIdempotency, call)
		if call.resume.Valid && s.resumeCreate(c, p, call.resume.UUID) {
			return
		}
	}
	switch domain.ConsultationType(req.Type) {
	case domain.TypeVideo, domain.TypeInPerson:
		s.bookAppointment(c, req, p)
		return
	case domain.TypeWalkIn:
		s.bookWalkIn(c, req, p)
		return
	}
	switch {
	case p == nil && req.GuestEmail == "":
		fail(c, errValidation(FieldProblem{Field: "guest_email", Reason: "is required without a login"}))
		return
	case p != nil && p.Role != RolePatient:
		fail(c, errForbidden("Only patients book consultations."))
		return
	case p != nil && req.GuestEmail != "":
		fail(c, errValidation(FieldProblem{Field: "guest_email", Reason: "must be empty when logged in"}))
		return
	}
	if p == nil && !s.rateLimited(c, guestPerSource, "guest-src:"+c.ClientIP()) {
		return
	}
	if p != nil {
		u, err := s.Store.GetUser(c, p.UserID)
		if err != nil {
			fail(c, err)
			return
		}
		if u.EmailVerifiedAt == nil {
			fail(c, errEmailUnverified())
			return
		}
	}
	doctorID := uuid.MustParse(req.DoctorID)
	doctor, err := s.Store.GetDoctor(c, doctorID)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, errValidation(FieldProblem{Field: "doctor_id", Reason: "is not a known doctor"}))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	fee, err := s.fee(c, doctorID, req.Type)
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.checkPayable(c, doctorID, req.Type, req.Language); err != nil {
		fail(c, err)
		return
	}
	lang := req.Language
	if lang == "" && p != nil {
		lang = p.Language
	}
	if lang == "" {
		lang = string(domain.LanguageDutch)
	}
	params := db.CreateConsultationParams{
		ID: uuid.New(), DoctorID: doctorID, ConsultationType: req.Type,
		AdviceForm: textOf(req.Form), Status: statusAwaitingPayment, Language: lang, AmountCents: fee.AmountCents,
	}
	if p != nil {
		params.PatientID = uuid.NullUUID{UUID: p.UserID, Valid: true}
	} else {
		email := secure.NormaliseLookup(req.GuestEmail)
		if params.GuestEmailEnc, err = s.Fields.EncryptString(db.FieldGuestEmail, email); err != nil {
			fail(c, err)
			return
		}
		params.GuestEmailHash = s.Fields.Lookup(db.FieldGuestEmail, email)
	}
	if err := s.Store.Tx(c, func(q *db.Queries) error {
		if _, err := q.CreateConsultation(c, params); err != nil {
			return err
		}
		return attachIdempotency(c, q, params.ID)
	}); err != nil {
		fail(c, err)
		return
	}
	if req.AdviceDelivery == adviceNotifyOnly {
		if err := s.Store.SetAdviceNotifyOnly(c, db.SetAdviceNotifyOnlyParams{ID: params.ID, NotifyOnly: true}); err != nil {
			ctx := context.WithoutCancel(c.Request.Context())
			fail(c, errors.Join(fmt.Errorf("advice delivery of %s: %w", params.ID, err), s.Store.DeleteConsultation(ctx, params.ID)))
			return
		}
	}
	auditSubject(c, params.PatientID.UUID, params.ID.String())
	checkout, err := s.Engine.StartEmailAdvice(c, EmailAdviceStart{
		ConsultationID: params.ID, DoctorID: doctorID, AmountCents: int64(fee.AmountCents), FormKind: req.Form,
		SLADays: int(doctor.AdviceSlaDays), TimeZone: doctor.TimeZone, Language: lang,
	})
	if err != nil {
		// Nothing was paid: remove the row so no half-made consultation
		// remains, unless the retry of its key will resume it.
		ctx := context.WithoutCancel(c.Request.Context())
		if !keepForRetry(c, err) {
			if delErr := s.Store.DeleteConsultation(ctx, params.ID); delErr != nil {
				err = errors.Join(err, delErr)
			}
		}
		fail(c, fmt.Errorf("start consultation %s: %w", params.ID, err))
		return
	}
	out := ConsultationCreated{ID: params.ID, Status: statusAwaitingPayment, CheckoutURL: checkout}
	if p == nil {
		out.AccessToken = s.Links.Sign(guestLinkPurpose, params.ID.String(), s.Now().Add(guestLinkLifetime))
		out.AccessLink = web.Links{Base: s.PublicURL}.Consultation(params.ID.String(), out.AccessToken)
	}
	c.Set(ctxCreated, out)
	c.JSON(http.StatusCreated, out)
}

func (s *Server) fee(ctx context.Context, doctorID uuid.UUID, typ string) (db.DoctorFee, error) {
	fees, err := s.Store.ListDoctorFees(ctx, []uuid.UUID{doctorID})
	if err != nil {
		return db.DoctorFee{}, err
	}
	for _, f := range fees {
		if f.ConsultationType == typ {
			return f, nil
		}
	}
	return db.DoctorFee{}, errValidation(FieldProblem{Field: "type", Reason: "is not offered by this doctor"})
}

// ConsultationView is a consultation as its patient sees it.
type ConsultationView struct {
	ID          uuid.UUID  `json:"id"`
	Type        string     `json:"type"`
	Status      string     `json:"status"`
	DoctorID    uuid.UUID  `json:"doctor_id"`
	Form        *string    `json:"form"`
	AmountCents int32      `json:"amount_cents"`
	Currency    string     `json:"currency"`
	DueAt       *time.Time `json:"due_at"`
	PaidAt      *time.Time `json:"paid_at"`
	CreatedAt   time.Time  `json:"created_at"`
	Advice      *string    `json:"advice,omitempty"`
	Photos      int        `json:"photos"`
	HasIntake   bool       `json:"has_intake"`
	// StartsAt and EndsAt are the booked slot of an appointment (null for
	// email advice); ExpectedStart moves with the doctor's announced delay.
	StartsAt      *time.Time `json:"starts_at"`
	EndsAt        *time.Time `json:"ends_at"`
	ExpectedStart *time.Time `json:"expected_start"`
	// DoctorName is the doctor's display name (patient views).
	DoctorName string `json:"doctor_name,omitempty"`
	// AdviceDelivery (email advice): email or notify_only.
	AdviceDelivery string `json:"advice_delivery,omitempty"`
	// Language is the consultation's language (its emails and pages).
	Language string `json:"language"`
	// MedicalLocked: the advice is left out until the patient unlocks the PIN.
	MedicalLocked bool `json:"medical_locked,omitempty"`
	// WalkIn (walk-in consultations): the session and the live place in
	// its queue.
	WalkIn *ConsultationWalkIn `json:"walk_in,omitempty"`
}

// Advice delivery choices (createConsultationRequest.AdviceDelivery).
const (
	adviceByEmail    = "email"
	adviceNotifyOnly = "notify_only"
)

func (s *Server) consultationView(ctx context.Context, row db.Consultation, withDetails bool) (ConsultationView, error) {
	v := ConsultationView{ID: row.ID, Type: row.ConsultationType, Status: row.Status, DoctorID: row.DoctorID,
		AmountCents: row.AmountCents, Currency: row.Currency, DueAt: utc(row.DueAt), PaidAt: utc(row.PaidAt),
		CreatedAt: row.CreatedAt.UTC(), Language: row.Language}
	if row.AdviceForm.Valid {
		v.Form = &row.AdviceForm.String
	}
	if row.Slot.Valid && row.Slot.Lower.Valid && row.Slot.Upper.Valid {
		v.StartsAt, v.EndsAt = utc(&row.Slot.Lower.Time), utc(&row.Slot.Upper.Time)
		v.ExpectedStart = v.StartsAt
		if row.ExpectedStart != nil {
			v.ExpectedStart = utc(row.ExpectedStart)
		}
	}
	if row.ConsultationType == "email_advice" {
		v.AdviceDelivery = adviceByEmail
		if row.AdviceNotifyOnly {
			v.AdviceDelivery = adviceNotifyOnly
		}
	}
	if !withDetails {
		return v, nil
	}
	n, err := s.Store.CountPhotos(ctx, row.ID)
	if err != nil {
		return v, err
	}
	v.Photos = int(n)
	if _, err := s.Store.GetIntake(ctx, row.ID); err == nil {
		v.HasIntake = true
	} else if !errors.Is(db.Translate(err), db.ErrNotFound) {
		return v, err
	}
	adv, err := s.Store.GetPublishedAdvice(ctx, row.ID)
	if err == nil {
		text, err := s.Fields.DecryptString(db.FieldAdvice, adv.TextEnc)
		if err != nil {
			return v, err
		}
		v.Advice = &text
	} else if !errors.Is(db.Translate(err), db.ErrNotFound) {
		return v, err
	}
	return v, nil
}

func (s *Server) listConsultations(c *gin.Context) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, "")
	rows, err := s.Store.ListPatientConsultationsWithDoctor(c, uuid.NullUUID{UUID: p.UserID, Valid: true})
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]ConsultationView, 0, len(rows))
	for _, r := range rows {
		v, err := s.consultationView(c, r.Consultation, false)
		if err != nil {
			fail(c, err)
			return
		}
		v.DoctorName = r.DoctorName
		auditListed(c, r.Consultation.PatientID, r.Consultation.ID.String())
		items = append(items, v)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// getConsultation shows booking times and payment status to the patient
// always, and the medical parts (the advice) only with the PIN unlocked.
func (s *Server) getConsultation(c *gin.Context) {
	row := consultationOf(c)
	v, err := s.consultationView(c, row, true)
	if err != nil {
		fail(c, err)
		return
	}
	doctor, err := s.Store.GetDoctor(c, row.DoctorID)
	if err != nil {
		fail(c, err)
		return
	}
	v.DoctorName = doctor.DisplayName
	v.WalkIn = s.consultationWalkIn(c, row)
	if s.pinProblem(c) != nil {
		v.Advice, v.MedicalLocked = nil, true
	}
	c.JSON(http.StatusOK, v)
}

type intakeRequest struct {
	Answers json.RawMessage `json:"answers" validate:"required"`
	identityRequest
}

// submitIntake validates the form and hands it to care.SubmitIntake, which
// stores it and tells the workflow; a retry after any failure is safe.
func (s *Server) submitIntake(c *gin.Context) {
	row := consultationOf(c)
	var req intakeRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	canonical, err := validateIntake(string(care.IntakeForm(row)), req.Answers)
	if err != nil {
		fail(c, err)
		return
	}
	storeIdentity, err := s.intakeIdentity(c, row, req.identityRequest)
	if err != nil {
		fail(c, err)
		return
	}
	// Name and date of birth fill only what is missing, so storing them
	// with the form is as safe to repeat as the form itself; they are in
	// before the workflow hears of the form and mails the invoice naming
	// them.
	var withForm func(context.Context) error
	if storeIdentity != nil {
		withForm = func(ctx context.Context) error {
			return s.Store.Tx(ctx, func(q *db.Queries) error { return storeIdentity(q) })
		}
	}
	if err := s.care.SubmitIntake(c, row, canonical, withForm); err != nil {
		failCare(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"status": "submitted"})
}

// uploadPhoto takes one photo (multipart field "photo", or a raw image/*
// body): sniffed, capped at 10 MB and in decoded size, re-encoded without
// metadata, encrypted, and kept if the workflow still takes photos.
func (s *Server) uploadPhoto(c *gin.Context) {
	row := consultationOf(c)
	if domain.ConsultationType(row.ConsultationType) != domain.TypeEmailAdvice {
		fail(c, errConflict("Photos are part of the email-advice form."))
		return
	}
	photo, err := s.cleanPhoto(c)
	if err != nil {
		fail(c, err)
		return
	}
	id, err := s.care.AddPhoto(c, row, photo)
	if err != nil {
		failCare(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": id, "content_type": photo.ContentType, "width": photo.Width, "height": photo.Height})
}

// cleanPhoto reads the uploaded photo and cleans it (media.Cleaner): each
// way it can fail is a 4xx problem (503 while the decoders are busy).
func (s *Server) cleanPhoto(c *gin.Context) (media.Photo, error) {
	data, err := readPhoto(c)
	if err != nil {
		return media.Photo{}, err
	}
	decodeCtx, cancel := context.WithTimeout(c.Request.Context(), photoDecodeWait)
	photo, err := s.photos.Clean(decodeCtx, data)
	cancel()
	switch {
	case errors.Is(err, media.ErrTooLarge):
		return photo, newProblem(http.StatusRequestEntityTooLarge, "too-large", "Photo too large", "A photo may be at most 10 MB.")
	case errors.Is(err, media.ErrUnsupported):
		return photo, newProblem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported photo type", "Send a JPEG or PNG photo.")
	case errors.Is(err, media.ErrCorrupt):
		return photo, errValidation(FieldProblem{Field: "photo", Reason: "cannot be read as an image"})
	case errors.Is(err, media.ErrTooBig):
		return photo, errValidation(FieldProblem{Field: "photo", Reason: fmt.Sprintf(
			"has too many pixels to process (at most %d megapixels and %d MiB decoded); send a smaller photo",
			media.MaxPixels/1_000_000, media.MaxDecodedBytes>>20)})
	case errors.Is(err, media.ErrBusy):
		return photo, errUnavailable("Too many photos are being processed right now; send it again in a moment.")
	}
	return photo, err
}

func readPhoto(c *gin.Context) ([]byte, error) {
	if c.ContentType() == "multipart/form-data" {
		fh, err := c.FormFile("photo")
		if err != nil {
			if isMaxBytes(err) {
				return nil, newProblem(http.StatusRequestEntityTooLarge, "too-large", "Photo too large", "A photo may be at most 10 MB.")
			}
			return nil, errValidation(FieldProblem{Field: "photo", Reason: "is required (multipart file field)"})
		}
		f, err := fh.Open()
		if err != nil {
			return nil, fmt.Errorf("open upload: %w", err)
		}
		defer f.Close()
		return readAllLimited(f)
	}
	return readAllLimited(c.Request.Body)
}

func readAllLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, media.MaxPhotoBytes+1))
	if isMaxBytes(err) || len(data) > media.MaxPhotoBytes {
		return nil, newProblem(http.StatusRequestEntityTooLarge, "too-large", "Photo too large", "A photo may be at most 10 MB.")
	}
	if err != nil {
		return nil, errBadRequest("The upload could not be read.")
	}
	if len(data) == 0 {
		return nil, errValidation(FieldProblem{Field: "photo", Reason: "is empty"})
	}
	return data, nil
}

func (s *Server) patientInvoicePDF(c *gin.Context) {
	row := consultationOf(c)
	inv, err := s.Store.GetInvoiceByConsultation(c, row.ID)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, errNotFound("The invoice of this consultation"))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	s.sendInvoicePDF(c, inv, row)
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
