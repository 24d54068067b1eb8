package care

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/media"
	"derma2go/secure"
)

// MaxQuestionnairePhotos is how many photos the answers to a doctor's
// questionnaire may bring (besides the email-advice photos, which only
// email advice takes).
const MaxQuestionnairePhotos = 10

// Questionnaires are the use cases of doctors' questionnaires: publish a
// version, withdraw, offer the current version to a consultation, take
// the answers, and read a filled form with the version it answered.
type Questionnaires struct {
	DB     *db.Store
	Fields *secure.Fields
	// Care asks the workflow for a consultation's live status.
	Care *Service
}

// Version is one published version of a doctor's questionnaire.
type Version struct {
	QuestionnaireID  uuid.UUID
	ConsultationType domain.ConsultationType
	Version          int
	Active           bool
	PublishedAt      time.Time
	domain.Questionnaire
}

// InvalidQuestionnaire is a questionnaire or answers that do not pass
// domain's checks (422, field by field).
type InvalidQuestionnaire struct{ Errors domain.FieldErrors }

func (e *InvalidQuestionnaire) Error() string { return "care: invalid: " + e.Errors.Error() }

func questionsOf(title string, raw []byte) (domain.Questionnaire, error) {
	q := domain.Questionnaire{Title: title}
	if err := json.Unmarshal(raw, &q.Questions); err != nil {
		return q, fmt.Errorf("care: stored questions: %w", err)
	}
	return q, nil
}

// Publish makes q the doctor's questionnaire for typ: a new version, unless
// it equals the latest one (a repeated publish changes nothing, but makes a
// withdrawn questionnaire active again).
func (s *Questionnaires) Publish(ctx context.Context, doctorID uuid.UUID, typ domain.ConsultationType, q domain.Questionnaire) (Version, error) {
	if !slices.Contains(domain.QuestionnaireTypes(), typ) {
		return Version{}, &InvalidQuestionnaire{Errors: domain.FieldErrors{{Field: "consultation_type",
			Reason: fmt.Sprintf("must be one of %v (email advice has its built-in forms)", domain.QuestionnaireTypes())}}}
	}
	if errs := q.Check(); errs != nil {
		return Version{}, &InvalidQuestionnaire{Errors: errs}
	}
	questions, err := json.Marshal(q.Questions)
	if err != nil {
		return Version{}, fmt.Errorf("care: questions: %w", err)
	}
	out := Version{ConsultationType: typ, Active: true, Questionnaire: q}
	err = s.DB.Tx(ctx, func(tx *db.Queries) error {
		id, err := tx.UpsertQuestionnaire(ctx, db.UpsertQuestionnaireParams{ID: uuid.New(), DoctorID: doctorID, ConsultationType: string(typ)})
		if err != nil {
			return err
		}
		out.QuestionnaireID = id
		latest, err := tx.LatestQuestionnaireVersion(ctx, id)
		switch {
		case errors.Is(db.Translate(err), db.ErrNotFound):
		case err != nil:
			return err
		case latest.Title == q.Title && jsonEqual(latest.Questions, questions):
			out.Version, out.PublishedAt = int(latest.Version), latest.PublishedAt
			return nil
		}
		out.Version, out.PublishedAt = int(latest.Version)+1, time.Now()
		return tx.CreateQuestionnaireVersion(ctx, db.CreateQuestionnaireVersionParams{QuestionnaireID: id,
			Version: int32(out.Version), Title: q.Title, Questions: questions})
	})
	if err != nil {
		return Version{}, fmt.Errorf("care: publish questionnaire: %w", db.Translate(err))
	}
	return out, nil
}

// jsonEqual compares two JSON documents by value (jsonb reorders keys).
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// Withdraw stops offering the doctor's questionnaire for typ; it reports
// whether there was an active one. Filled forms keep their version.
func (s *Questionnaires) Withdraw(ctx context.Context, doctorID uuid.UUID, typ domain.ConsultationType) (bool, error) {
	n, err := s.DB.WithdrawQuestionnaire(ctx, db.WithdrawQuestionnaireParams{DoctorID: doctorID, ConsultationType: string(typ)})
	if err != nil {
		return false, fmt.Errorf("care: withdraw questionnaire: %w", err)
	}
	return n > 0, nil
}

// OfDoctor lists the doctor's questionnaires with their latest versions.
func (s *Questionnaires) OfDoctor(ctx context.Context, doctorID uuid.UUID) ([]Version, error) {
	rows, err := s.DB.DoctorQuestionnaires(ctx, doctorID)
	if err != nil {
		return nil, fmt.Errorf("care: doctor's questionnaires: %w", err)
	}
	out := make([]Version, 0, len(rows))
	for _, r := range rows {
		q, err := questionsOf(r.Title, r.Questions)
		if err != nil {
			return nil, err
		}
		out = append(out, Version{QuestionnaireID: r.ID, ConsultationType: domain.ConsultationType(r.ConsultationType),
			Version: int(r.Version), Active: r.Active, PublishedAt: r.PublishedAt, Questionnaire: q})
	}
	return out, nil
}

// Current is the version a consultation of the doctor and type fills in
// now; ok is false if the doctor offers none.
func (s *Questionnaires) Current(ctx context.Context, doctorID uuid.UUID, typ domain.ConsultationType) (Version, bool, error) {
	r, err := s.DB.CurrentQuestionnaire(ctx, db.CurrentQuestionnaireParams{DoctorID: doctorID, ConsultationType: string(typ)})
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return Version{}, false, nil
	}
	if err != nil {
		return Version{}, false, fmt.Errorf("care: current questionnaire: %w", err)
	}
	q, err := questionsOf(r.Title, r.Questions)
	if err != nil {
		return Version{}, false, err
	}
	return Version{QuestionnaireID: r.ID, ConsultationType: typ, Version: int(r.Version), Active: true,
		PublishedAt: r.PublishedAt, Questionnaire: q}, true, nil
}

// Filled returns the consultation's filled form with the questions of the
// version it answered: the doctor's questionnaire, or for email advice the
// intake as its built-in questionnaire. ok is false if nothing is filled.
// The emr export turns it into FHIR with domain.QuestionnaireResponse.
func (s *Questionnaires) Filled(ctx context.Context, row db.Consultation) (domain.FilledQuestionnaire, bool, error) {
	if domain.ConsultationType(row.ConsultationType) == domain.TypeEmailAdvice {
		return s.filledIntake(ctx, row)
	}
	r, err := s.DB.GetQuestionnaireResponse(ctx, row.ID)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return domain.FilledQuestionnaire{}, false, nil
	}
	if err != nil {
		return domain.FilledQuestionnaire{}, false, fmt.Errorf("care: questionnaire response: %w", err)
	}
	q, err := questionsOf(r.Title, r.Questions)
	if err != nil {
		return domain.FilledQuestionnaire{}, false, err
	}
	plain, err := s.Fields.Decrypt(db.FieldQuestionnaire, r.AnswersEnc)
	if err != nil {
		return domain.FilledQuestionnaire{}, false, fmt.Errorf("care: decrypt answers: %w", err)
	}
	answers, errs := domain.CheckAnswers(q, plain)
	if errs != nil {
		return domain.FilledQuestionnaire{}, false, fmt.Errorf("care: stored answers of %s do not fit version %d: %w", row.ID, r.Version, errs)
	}
	return domain.FilledQuestionnaire{QuestionnaireID: r.QuestionnaireID.String(), Version: int(r.Version), Questions: q,
		Answers: answers, SubmittedAt: r.SubmittedAt}, true, nil
}

// filledIntake is an email-advice intake as its built-in questionnaire.
func (s *Questionnaires) filledIntake(ctx context.Context, row db.Consultation) (domain.FilledQuestionnaire, bool, error) {
	in, err := s.DB.GetIntake(ctx, row.ID)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return domain.FilledQuestionnaire{}, false, nil
	}
	if err != nil {
		return domain.FilledQuestionnaire{}, false, fmt.Errorf("care: intake: %w", err)
	}
	plain, err := s.Fields.Decrypt(db.FieldIntake, in.AnswersEnc)
	if err != nil {
		return domain.FilledQuestionnaire{}, false, fmt.Errorf("care: decrypt intake: %w", err)
	}
	kind := domain.FormKind(in.FormKind)
	q := domain.BuiltinQuestionnaire(kind)
	answers, errs := domain.CheckAnswers(q, plain)
	if errs != nil {
		return domain.FilledQuestionnaire{}, false, fmt.Errorf("care: intake of %s is no %s form: %w", row.ID, kind, errs)
	}
	return domain.FilledQuestionnaire{BuiltinForm: kind, Questions: q, Answers: answers, SubmittedAt: in.SubmittedAt}, true, nil
}

// Submit takes the answers to version of the questionnaire the
// consultation's doctor offers for its type: only the current version,
// while domain.QuestionnaireOpen by the workflow's live status, checked by
// domain.CheckAnswers, photo answers naming photos of this consultation.
// Stored encrypted, once: the same answers again are accepted, different
// ones refused (SentAlready).
func (s *Questionnaires) Submit(ctx context.Context, row db.Consultation, version int, raw []byte) error {
	typ := domain.ConsultationType(row.ConsultationType)
	if typ == domain.TypeEmailAdvice {
		return refuse(WrongType, "Email advice takes its form through the intake.")
	}
	cur, ok, err := s.Current(ctx, row.DoctorID, typ)
	if err != nil {
		return err
	}
	if !ok {
		return refuse(NotNow, "The doctor has no questionnaire for this consultation.")
	}
	if version != cur.Version {
		return refuse(NotNow, "The questionnaire has changed (version %d is current); load it again.", cur.Version)
	}
	answers, errs := domain.CheckAnswers(cur.Questionnaire, raw)
	if errs != nil {
		return &InvalidQuestionnaire{Errors: errs}
	}
	if err := s.checkPhotos(ctx, row, cur.Questionnaire, answers); err != nil {
		return err
	}
	if err := s.open(ctx, row); err != nil {
		return err
	}
	canonical := answers.Canonical()
	enc, err := s.Fields.Encrypt(db.FieldQuestionnaire, canonical)
	if err != nil {
		return fmt.Errorf("care: encrypt answers: %w", err)
	}
	n, err := s.DB.CreateQuestionnaireResponseIfAbsent(ctx, db.CreateQuestionnaireResponseIfAbsentParams{
		ConsultationID: row.ID, QuestionnaireID: cur.QuestionnaireID, Version: int32(cur.Version), AnswersEnc: enc})
	if err != nil {
		return fmt.Errorf("care: store answers: %w", err)
	}
	if n == 1 {
		return nil
	}
	stored, ok, err := s.Filled(ctx, row)
	if err != nil {
		return err
	}
	if ok && stored.Version == cur.Version && bytes.Equal(stored.Answers.Canonical(), canonical) {
		return nil
	}
	return refuse(SentAlready, "The questionnaire was filled in already.")
}

// open refuses unless the questionnaire may be filled in now.
func (s *Questionnaires) open(ctx context.Context, row db.Consultation) error {
	status, err := s.Care.LiveStatus(ctx, row)
	if err != nil {
		return err
	}
	if !domain.QuestionnaireOpen(domain.ConsultationType(row.ConsultationType), status) {
		return refuse(NotNow, "The questionnaire can be filled in before the consultation; this consultation is %s.", status)
	}
	return nil
}

func (s *Questionnaires) checkPhotos(ctx context.Context, row db.Consultation, q domain.Questionnaire, a domain.Answers) error {
	ids := a.PhotoIDs(q)
	if len(ids) == 0 {
		return nil
	}
	have, err := s.DB.ListPhotoIDs(ctx, row.ID)
	if err != nil {
		return fmt.Errorf("care: photos: %w", err)
	}
	var errs domain.FieldErrors
	for _, qu := range q.Questions {
		if v, ok := a[qu.ID].(string); ok && qu.Kind == domain.QuestionPhoto && !slices.Contains(have, uuid.MustParse(v)) {
			errs = append(errs, domain.AnswerError("answers."+qu.ID, domain.AnswerPhotoNotHere))
		}
	}
	if errs != nil {
		return &InvalidQuestionnaire{Errors: errs}
	}
	return nil
}

// AddPhoto stores a cleaned photo for a photo answer, encrypted, among the
// consultation's photos (where the doctor reads them), while the
// questionnaire may be filled in and the doctor asks for a photo.
func (s *Questionnaires) AddPhoto(ctx context.Context, row db.Consultation, photo media.Photo) (uuid.UUID, error) {
	typ := domain.ConsultationType(row.ConsultationType)
	if typ == domain.TypeEmailAdvice {
		return uuid.Nil, refuse(WrongType, "Email advice takes its photos with the intake form.")
	}
	cur, ok, err := s.Current(ctx, row.DoctorID, typ)
	if err != nil {
		return uuid.Nil, err
	}
	if !ok || !slices.ContainsFunc(cur.Questions, func(q domain.Question) bool { return q.Kind == domain.QuestionPhoto }) {
		return uuid.Nil, refuse(NotNow, "The doctor's questionnaire asks for no photo.")
	}
	if err := s.open(ctx, row); err != nil {
		return uuid.Nil, err
	}
	enc, err := s.Fields.Encrypt(db.FieldPhoto, photo.Data)
	if err != nil {
		return uuid.Nil, fmt.Errorf("care: encrypt photo: %w", err)
	}
	id := uuid.New()
	err = PG{DB: s.DB}.AddPhoto(ctx, db.CreatePhotoParams{ID: id, ConsultationID: row.ID, ContentType: photo.ContentType,
		SizeBytes: int32(len(photo.Data)), Width: int32(photo.Width), Height: int32(photo.Height), DataEnc: enc}, MaxQuestionnairePhotos)
	if errors.Is(err, ErrTooManyPhotos) {
		return uuid.Nil, refuse(TooMany, "At most %d photos per consultation.", MaxQuestionnairePhotos)
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("care: store photo: %w", err)
	}
	return id, nil
}

// ToFill lists the patient's consultations with a questionnaire still to
// fill in.
func (s *Questionnaires) ToFill(ctx context.Context, patientID uuid.UUID) ([]db.PatientQuestionnairesToFillRow, error) {
	rows, err := s.DB.PatientQuestionnairesToFill(ctx, uuid.NullUUID{UUID: patientID, Valid: true})
	if err != nil {
		return nil, fmt.Errorf("care: questionnaires to fill in: %w", err)
	}
	return rows, nil
}
