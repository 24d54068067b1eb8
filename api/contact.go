package api

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/mail"
	"derma2go/web"
)

// The contact and complaint form. Anyone may write (a login is optional);
// the message is stored encrypted, acknowledged by email and, where the
// service's policy (domain.ContactRoute) says so, mailed to support.
// Administrators work through the list and set each message's status.

// Rate limits of the form: per source address and per sender address, so
// neither one address nor one mailbox can flood support or be mail-bombed
// with acknowledgements.
var (
	contactPerSource = limitPolicy{every: 10 * time.Minute, burst: 5}
	contactPerEmail  = limitPolicy{every: time.Hour, burst: 3}
)

// maxContactItems caps the administrators' list.
const maxContactItems = 200

var (
	textContactTooMany = problemText{"Too many messages",
		"You have sent several messages recently. Try again in %d minutes; your earlier messages have arrived."}

	textContactDoctorOnlyPractitioner = problemText{"Invalid input",
		"Only a complaint about a practitioner names a doctor."}

	textContactNoSuchDoctor = problemText{"Invalid input",
		"This doctor does not exist."}

	textContactBlank = problemText{"Invalid input",
		"Fill in your name and your message."}
)

type contactRequest struct {
	Name     string  `json:"name" validate:"required,max=200"`
	Email    string  `json:"email" validate:"required,email,max=254"`
	Subject  string  `json:"subject" validate:"required,contact_subject"`
	Message  string  `json:"message" validate:"required,max=5000"`
	DoctorID *string `json:"doctor_id" validate:"omitempty,uuid"`
	Language string  `json:"language" validate:"omitempty,language"`
}

// ContactPractitioner is how to reach the practitioner a complaint names.
type ContactPractitioner struct {
	DoctorID     string `json:"doctor_id"`
	DisplayName  string `json:"display_name"`
	PracticeName string `json:"practice_name,omitempty"`
	Address      string `json:"address,omitempty"`
	City         string `json:"city,omitempty"`
	ProfileURL   string `json:"profile_url"`
}

// ContactReceipt answers a sent message.
type ContactReceipt struct {
	ID        string `json:"id"`
	Reference string `json:"reference"`
	Subject   string `json:"subject"`
	Status    string `json:"status"`
	// SentToSupport: the message was passed on to support.
	SentToSupport bool `json:"sent_to_support"`
	// PractitionerPolicy: the acknowledgement explains the complaints
	// procedure for care; Practitioner is who to contact first, when named.
	PractitionerPolicy bool                 `json:"practitioner_policy"`
	Practitioner       *ContactPractitioner `json:"practitioner,omitempty"`
}

// ContactMessage is a message as administrators see it.
type ContactMessage struct {
	ID        string     `json:"id"`
	Reference string     `json:"reference"`
	Subject   string     `json:"subject"`
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	Message   string     `json:"message"`
	Language  string     `json:"language"`
	Status    string     `json:"status"`
	UserID    *string    `json:"user_id"`
	DoctorID  *string    `json:"doctor_id"`
	HandledBy *string    `json:"handled_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// contactReference is the short reference a sender quotes.
func contactReference(id uuid.UUID) string {
	return "C-" + strings.ToUpper(strings.ReplaceAll(id.String(), "-", "")[:8])
}

// localProblem is a problem response in lang (Content-Language).
func localProblem(c *gin.Context, lang string, status int, slug string, t problemText, args ...any) error {
	return walkInProblem(c, lang, status, slug, t, args...)
}

// contactRateLimited takes a token from both buckets of the form and
// answers 429 in lang when either is empty.
func (s *Server) contactRateLimited(c *gin.Context, lang, email string) bool {
	for _, b := range []struct {
		p   limitPolicy
		key string
	}{{contactPerSource, "contact-src:" + c.ClientIP()}, {contactPerEmail, "contact:" + email}} {
		if ok, wait := s.limits.allow(b.p, b.key); !ok {
			c.Header("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
			fail(c, localProblem(c, lang, http.StatusTooManyRequests, "rate-limited", textContactTooMany,
				int(math.Ceil(wait.Minutes()))))
			return false
		}
	}
	return true
}

// sendContact stores a message of the contact form, acknowledges it to the
// sender and follows the service's policy for its subject.
func (s *Server) sendContact(c *gin.Context) {
	var req contactRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	lang := requestLanguage(c, req.Language)
	req.Name, req.Message = strings.TrimSpace(req.Name), strings.TrimSpace(req.Message)
	if req.Name == "" || req.Message == "" {
		fail(c, localProblem(c, lang, http.StatusUnprocessableEntity, "validation", textContactBlank))
		return
	}
	subject := domain.ContactSubject(req.Subject)
	var doctor *db.Doctor
	if req.DoctorID != nil {
		if subject != domain.ContactPractitioner {
			fail(c, localProblem(c, lang, http.StatusUnprocessableEntity, "validation", textContactDoctorOnlyPractitioner))
			return
		}
		row, err := s.Store.GetDoctor(c, uuid.MustParse(*req.DoctorID))
		if err = db.Translate(err); errors.Is(err, db.ErrNotFound) {
			fail(c, localProblem(c, lang, http.StatusUnprocessableEntity, "validation", textContactNoSuchDoctor))
			return
		} else if err != nil {
			fail(c, err)
			return
		}
		doctor = &row
	}
	email := strings.TrimSpace(req.Email)
	if !s.contactRateLimited(c, lang, strings.ToLower(email)) {
		return
	}

	id := uuid.New()
	params := db.CreateContactMessageParams{
		ID: id, Subject: string(subject), Language: lang,
		EmailHash: s.Fields.Lookup(db.FieldContactEmail, email),
	}
	var err error
	if params.NameEnc, err = s.Fields.EncryptString(db.FieldContactName, req.Name); err == nil {
		if params.EmailEnc, err = s.Fields.EncryptString(db.FieldContactEmail, email); err == nil {
			params.BodyEnc, err = s.Fields.EncryptString(db.FieldContactBody, req.Message)
		}
	}
	if err != nil {
		fail(c, fmt.Errorf("encrypt contact message: %w", err))
		return
	}
	if p := currentPrincipal(c); p != nil {
		params.UserID = uuid.NullUUID{UUID: p.UserID, Valid: true}
	}
	if doctor != nil {
		params.DoctorID = uuid.NullUUID{UUID: doctor.UserID, Valid: true}
	}
	row, err := s.Store.CreateContactMessage(c, params)
	if err != nil {
		fail(c, err)
		return
	}
	auditSubject(c, params.UserID.UUID, id.String())

	route := domain.ContactRoute(subject)
	links := web.Links{Base: s.PublicURL}
	ref := contactReference(id)
	receipt := ContactReceipt{ID: id.String(), Reference: ref, Subject: row.Subject, Status: row.Status,
		SentToSupport: route.NotifySupport, PractitionerPolicy: route.PractitionerPolicy}
	ack := mail.ContactReceivedData{Name: req.Name, Topic: row.Subject, Reference: ref}
	if doctor != nil && route.PractitionerPolicy {
		receipt.Practitioner = &ContactPractitioner{DoctorID: doctor.UserID.String(), DisplayName: doctor.DisplayName,
			PracticeName: doctor.PracticeName, Address: doctor.Address, City: doctor.City,
			ProfileURL: links.DoctorProfile(doctor.UserID.String())}
		ack.DoctorName, ack.PracticeName, ack.ProfileURL = doctor.DisplayName, doctor.PracticeName, receipt.Practitioner.ProfileURL
		ack.PracticeAddress = strings.Trim(strings.Join([]string{doctor.Address, doctor.City}, ", "), ", ")
	}
	msgs := make([]mail.Message, 0, 2)
	m, err := mail.Render(lang, mail.TemplateContactReceived, ack)
	if err != nil {
		fail(c, err)
		return
	}
	m.To = []string{email}
	msgs = append(msgs, m)
	if route.NotifySupport && s.SupportEmail != "" {
		m, err := mail.Render(mail.LangEN, mail.TemplateContactSupport, mail.ContactSupportData{
			Reference: ref, Sender: req.Name, Email: email, Message: req.Message, AdminURL: links.AdminContact(),
		})
		if err != nil {
			fail(c, err)
			return
		}
		m.To = []string{s.SupportEmail}
		msgs = append(msgs, m)
	}
	for _, m := range msgs {
		s.sendLater(c, m, "contact_message", id)
	}
	c.Header("Content-Language", lang)
	c.JSON(http.StatusCreated, receipt)
}

type contactStatusRequest struct {
	Status string `json:"status" validate:"required,contact_status"`
}

// listContactMessages is the administrators' list, newest first, of one
// status or (without ?status) of all.
func (s *Server) listContactMessages(c *gin.Context) {
	status := c.Query("status")
	if status != "" && !domain.ContactStatus(status).Valid() {
		fail(c, newProblemFields(http.StatusBadRequest, []FieldProblem{{Field: "status",
			Reason: vocabularyReason("contact_status")}}))
		return
	}
	rows, err := s.Store.ListContactMessages(c, db.ListContactMessagesParams{Status: status, MaxRows: maxContactItems})
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]ContactMessage, 0, len(rows))
	for _, r := range rows {
		v, err := s.contactView(r)
		if err != nil {
			fail(c, err)
			return
		}
		items = append(items, v)
		auditListed(c, r.UserID, r.ID.String())
	}
	c.JSON(http.StatusOK, gin.H{"status": status, "items": items})
}

// setContactStatus moves a message to another status; the administrator
// who did it is recorded.
func (s *Server) setContactStatus(c *gin.Context) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		fail(c, errNotFound("This message"))
		return
	}
	row, err := s.Store.GetContactMessage(c, id)
	if err = db.Translate(err); errors.Is(err, db.ErrNotFound) {
		fail(c, errNotFound("This message"))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	auditPatient(c, row.UserID)
	var req contactStatusRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	row, err = s.Store.SetContactMessageStatus(c, db.SetContactMessageStatusParams{
		ID: id, Status: req.Status, HandledBy: uuid.NullUUID{UUID: currentPrincipal(c).UserID, Valid: true},
	})
	if err != nil {
		fail(c, db.Translate(err))
		return
	}
	v, err := s.contactView(row)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (s *Server) contactView(r db.ContactMessage) (ContactMessage, error) {
	v := ContactMessage{ID: r.ID.String(), Reference: contactReference(r.ID), Subject: r.Subject, Language: r.Language,
		Status: r.Status, UserID: nullID(r.UserID), DoctorID: nullID(r.DoctorID), HandledBy: nullID(r.HandledBy),
		CreatedAt: r.CreatedAt}
	if !r.UpdatedAt.Equal(r.CreatedAt) {
		u := r.UpdatedAt
		v.UpdatedAt = &u
	}
	var err error
	if v.Name, err = s.Fields.DecryptString(db.FieldContactName, r.NameEnc); err != nil {
		return v, fmt.Errorf("decrypt contact name: %w", err)
	}
	if v.Email, err = s.Fields.DecryptString(db.FieldContactEmail, r.EmailEnc); err != nil {
		return v, fmt.Errorf("decrypt contact email: %w", err)
	}
	if v.Message, err = s.Fields.DecryptString(db.FieldContactBody, r.BodyEnc); err != nil {
		return v, fmt.Errorf("decrypt contact message: %w", err)
	}
	return v, nil
}

// nullID is the id as a JSON string, or null.
func nullID(id uuid.NullUUID) *string {
	if !id.Valid {
		return nil
	}
	s := id.UUID.String()
	return &s
}
