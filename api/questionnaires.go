package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/care"
	"derma2go/db"
	"derma2go/domain"
)

// Doctors' questionnaires: the doctor publishes versions per consultation
// type; the patient (or guest link) of a consultation fills in the current
// one before the appointment; the doctor reads the answers with the
// questions of the version they answered. Email advice shows its intake as
// a built-in questionnaire.

func (s *Server) questionnaires() *care.Questionnaires {
	return &care.Questionnaires{DB: s.Store, Fields: s.Fields, Care: s.care}
}

// QuestionnaireView is one published version of a doctor's questionnaire.
type QuestionnaireView struct {
	ID               string            `json:"id"`
	ConsultationType string            `json:"consultation_type"`
	Version          int               `json:"version"`
	Active           bool              `json:"active"`
	Title            string            `json:"title"`
	Questions        []domain.Question `json:"questions"`
	PublishedAt      time.Time         `json:"published_at"`
}

func questionnaireView(v care.Version) QuestionnaireView {
	return QuestionnaireView{ID: v.QuestionnaireID.String(), ConsultationType: string(v.ConsultationType), Version: v.Version,
		Active: v.Active, Title: v.Title, Questions: v.Questions, PublishedAt: v.PublishedAt}
}

// FilledItem is one question of a filled form with its answer (absent if
// unanswered): a string, number, boolean, list of strings, date or photo id.
type FilledItem struct {
	Question domain.Question `json:"question"`
	Answer   any             `json:"answer,omitempty"`
}

// FilledView is a filled form with the questions of the version answered.
type FilledView struct {
	// QuestionnaireID is the doctor's questionnaire; empty for email
	// advice's built-in form (BuiltinForm: short or detailed).
	QuestionnaireID string       `json:"questionnaire_id,omitempty"`
	BuiltinForm     string       `json:"builtin_form,omitempty"`
	Version         int          `json:"version"`
	Title           string       `json:"title"`
	SubmittedAt     time.Time    `json:"submitted_at"`
	Items           []FilledItem `json:"items"`
}

func filledView(f domain.FilledQuestionnaire) *FilledView {
	v := &FilledView{QuestionnaireID: f.QuestionnaireID, BuiltinForm: string(f.BuiltinForm), Version: f.Version,
		Title: f.Questions.Title, SubmittedAt: f.SubmittedAt, Items: []FilledItem{}}
	for _, q := range f.Questions.Questions {
		v.Items = append(v.Items, FilledItem{Question: q, Answer: f.Answers[q.ID]})
	}
	return v
}

// ConsultationQuestionnaireView is a consultation's questionnaire: none
// offered, to fill in (with the version to answer), closed (offered, but
// the consultation no longer takes it), or filled (with the answers).
type ConsultationQuestionnaireView struct {
	State         string             `json:"state"`
	Questionnaire *QuestionnaireView `json:"questionnaire,omitempty"`
	Response      *FilledView        `json:"response,omitempty"`
}

// consultationQuestionnaire is the view of row's questionnaire, by the
// status in Postgres (submitting asks the workflow).
func (s *Server) consultationQuestionnaire(c *gin.Context, row db.Consultation) (ConsultationQuestionnaireView, error) {
	qs := s.questionnaires()
	filled, ok, err := qs.Filled(c, row)
	if err != nil || ok {
		return ConsultationQuestionnaireView{State: "filled", Response: filledView(filled)}, err
	}
	typ := domain.ConsultationType(row.ConsultationType)
	if typ == domain.TypeEmailAdvice {
		return ConsultationQuestionnaireView{State: "none"}, nil
	}
	cur, ok, err := qs.Current(c, row.DoctorID, typ)
	if err != nil || !ok {
		return ConsultationQuestionnaireView{State: "none"}, err
	}
	v := questionnaireView(cur)
	state := "to_fill"
	if !domain.QuestionnaireOpen(typ, domain.Status(row.Status)) {
		state = "closed"
	}
	return ConsultationQuestionnaireView{State: state, Questionnaire: &v}, nil
}

// getConsultationQuestionnaire is the patient's (or guest's) view.
func (s *Server) getConsultationQuestionnaire(c *gin.Context) {
	v, err := s.consultationQuestionnaire(c, consultationOf(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// doctorConsultationQuestionnaire is the doctor's view of the answers.
func (s *Server) doctorConsultationQuestionnaire(c *gin.Context) {
	s.getConsultationQuestionnaire(c)
}

type questionnaireAnswersRequest struct {
	Version int             `json:"version" validate:"required,gte=1"`
	Answers json.RawMessage `json:"answers" validate:"required"`
}

// submitQuestionnaire takes the answers to the current version.
func (s *Server) submitQuestionnaire(c *gin.Context) {
	row := consultationOf(c)
	var req questionnaireAnswersRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if err := s.questionnaires().Submit(c, row, req.Version, req.Answers); err != nil {
		failQuestionnaire(c, err)
		return
	}
	v, err := s.consultationQuestionnaire(c, row)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, v)
}

// uploadQuestionnairePhoto takes a photo for a photo answer, cleaned as
// the email-advice photos are.
func (s *Server) uploadQuestionnairePhoto(c *gin.Context) {
	row := consultationOf(c)
	if domain.ConsultationType(row.ConsultationType) == domain.TypeEmailAdvice {
		fail(c, errConflict("Email advice takes its photos with the intake form."))
		return
	}
	photo, err := s.cleanPhoto(c)
	if err != nil {
		fail(c, err)
		return
	}
	id, err := s.questionnaires().AddPhoto(c, row, photo)
	if err != nil {
		failQuestionnaire(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": id, "content_type": photo.ContentType, "width": photo.Width, "height": photo.Height})
}

// failQuestionnaire answers a questionnaire use case's error: invalid
// content is 422 field by field, a refusal 409.
// Problems with answers come in the user's language (answerReason).
func failQuestionnaire(c *gin.Context, err error) {
	var inv *care.InvalidQuestionnaire
	if errors.As(err, &inv) {
		lang := requestLanguage(c, "")
		fields := make([]FieldProblem, 0, len(inv.Errors))
		answers := false
		for _, e := range inv.Errors {
			reason := e.Reason
			if e.Code != "" {
				reason, answers = answerReason(lang, e), true
			}
			fields = append(fields, FieldProblem{Field: e.Field, Reason: reason})
		}
		if answers {
			p := walkInProblem(c, lang, http.StatusUnprocessableEntity, "validation", textAnswersInvalid).(*problemError)
			p.fields = fields
			fail(c, p)
			return
		}
		fail(c, errValidation(fields...))
		return
	}
	failCare(c, err)
}

type publishQuestionnaireRequest struct {
	ConsultationType string            `json:"consultation_type" validate:"required"`
	Title            string            `json:"title"`
	Questions        []domain.Question `json:"questions"`
}

// listDoctorQuestionnaires lists the doctor's questionnaires (latest versions).
func (s *Server) listDoctorQuestionnaires(c *gin.Context) {
	vs, err := s.questionnaires().OfDoctor(c, currentPrincipal(c).UserID)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]QuestionnaireView, 0, len(vs))
	for _, v := range vs {
		items = append(items, questionnaireView(v))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// publishQuestionnaire publishes a new version for a consultation type.
func (s *Server) publishQuestionnaire(c *gin.Context) {
	var req publishQuestionnaireRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	v, err := s.questionnaires().Publish(c, currentPrincipal(c).UserID, domain.ConsultationType(req.ConsultationType),
		domain.Questionnaire{Title: req.Title, Questions: req.Questions})
	if err != nil {
		failQuestionnaire(c, err)
		return
	}
	c.JSON(http.StatusCreated, questionnaireView(v))
}

// withdrawQuestionnaire stops offering the questionnaire of a type.
func (s *Server) withdrawQuestionnaire(c *gin.Context) {
	typ := domain.ConsultationType(c.Param("type"))
	if !typ.Valid() {
		fail(c, errNotFound("This questionnaire"))
		return
	}
	ok, err := s.questionnaires().Withdraw(c, currentPrincipal(c).UserID, typ)
	if err != nil {
		fail(c, err)
		return
	}
	if !ok {
		fail(c, errNotFound("This questionnaire"))
		return
	}
	c.Status(http.StatusNoContent)
}

// QuestionnaireToFill is a consultation of the patient whose questionnaire
// is still to be filled in.
type QuestionnaireToFill struct {
	ConsultationID   string     `json:"consultation_id"`
	ConsultationType string     `json:"consultation_type"`
	Status           string     `json:"status"`
	DoctorID         string     `json:"doctor_id"`
	DoctorName       string     `json:"doctor_name"`
	StartsAt         *time.Time `json:"starts_at,omitempty"`
	Title            string     `json:"title"`
	Version          int        `json:"version"`
}

// myQuestionnaires lists the patient's questionnaires to fill in.
func (s *Server) myQuestionnaires(c *gin.Context) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, "")
	rows, err := s.questionnaires().ToFill(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]QuestionnaireToFill, 0, len(rows))
	for _, r := range rows {
		it := QuestionnaireToFill{ConsultationID: r.ID.String(), ConsultationType: r.ConsultationType, Status: r.Status,
			DoctorID: r.DoctorID.String(), DoctorName: r.DoctorName, Title: r.Title, Version: int(r.Version)}
		if r.Slot.Valid && r.Slot.Lower.Valid {
			start := r.Slot.Lower.Time.UTC()
			it.StartsAt = &start
		}
		auditListed(c, uuid.NullUUID{UUID: p.UserID, Valid: true}, r.ID.String())
		items = append(items, it)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}
