package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// A questionnaire is a doctor's intake form for one consultation type: an
// ordered list of questions. Publishing a change makes a new version; a
// filled form keeps the version it answered. The email-advice forms (short
// and detailed) are built-in questionnaires (BuiltinQuestionnaire). This
// file is the one place that checks a questionnaire and the answers to one.

// QuestionKind is what a question asks for.
type QuestionKind string

// Question kinds and the answer each takes (in JSON).
const (
	// QuestionText: a short string (the page shows one line).
	QuestionText QuestionKind = "text"
	// QuestionLongText: a string of any lines.
	QuestionLongText QuestionKind = "long_text"
	// QuestionSingleChoice: one of the options (a string).
	QuestionSingleChoice QuestionKind = "single_choice"
	// QuestionMultipleChoice: some of the options (an array of strings).
	QuestionMultipleChoice QuestionKind = "multiple_choice"
	// QuestionYesNo: true or false.
	QuestionYesNo QuestionKind = "yes_no"
	// QuestionNumber: a number, within Min and Max when set.
	QuestionNumber QuestionKind = "number"
	// QuestionDate: a calendar date, YYYY-MM-DD.
	QuestionDate QuestionKind = "date"
	// QuestionPhoto: the id of a photo uploaded for the consultation.
	QuestionPhoto QuestionKind = "photo"
)

// QuestionKinds lists the question kinds.
func QuestionKinds() []QuestionKind {
	return []QuestionKind{QuestionText, QuestionLongText, QuestionSingleChoice, QuestionMultipleChoice,
		QuestionYesNo, QuestionNumber, QuestionDate, QuestionPhoto}
}

// Valid reports whether k is a known question kind.
func (k QuestionKind) Valid() bool { return contains(QuestionKinds(), k) }

// Limits of a questionnaire.
const (
	MaxQuestions       = 50
	MaxQuestionLabel   = 300
	MaxQuestionHelp    = 500
	MaxQuestionOptions = 20
	MaxOptionLength    = 100
	MaxTitleLength     = 120
	// MaxTextAnswer and MaxLongTextAnswer cap answers (in characters)
	// unless the question sets a lower MaxLength.
	MaxTextAnswer     = 200
	MaxLongTextAnswer = 4000
)

// Question is one question of a questionnaire.
type Question struct {
	// ID is the question's key in the answers: 1–40 of a–z, 0–9 and _,
	// starting with a letter; kept across versions for the same question.
	ID    string       `json:"id"`
	Kind  QuestionKind `json:"kind"`
	Label string       `json:"label"`
	// Help is an optional explanation under the label.
	Help     string `json:"help,omitempty"`
	Required bool   `json:"required"`
	// Options of a single or multiple choice (2–20, distinct).
	Options []string `json:"options,omitempty"`
	// MinLength and MaxLength bound a text answer in characters (0: no
	// lower bound / the kind's cap).
	MinLength int `json:"min_length,omitempty"`
	MaxLength int `json:"max_length,omitempty"`
	// Min and Max bound a number answer.
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
}

// Questionnaire is the content of one version: a title and the questions
// in the order they are asked.
type Questionnaire struct {
	Title     string     `json:"title"`
	Questions []Question `json:"questions"`
}

// FieldError names one invalid part of a questionnaire or of answers; Field
// is a path such as "questions[2].options" or "answers.q1".
type FieldError struct {
	Field  string
	Reason string
	// Code and Args say what is wrong with an answer (CheckAnswers) in a
	// form the API words in the user's language; empty for the checks of a
	// questionnaire a doctor publishes, whose Reason is English only.
	Code AnswerProblem
	Args []any
}

// AnswerProblem is what is wrong with an answer.
type AnswerProblem string

// The problems CheckAnswers (and the photo check of package care) report;
// the comment gives the Args.
const (
	// AnswerNotObject: the answers are no JSON object.
	AnswerNotObject AnswerProblem = "not_object"
	// AnswerUnknown: the key is no question of the version.
	AnswerUnknown AnswerProblem = "unknown_question"
	// AnswerRequired: a required question has no answer.
	AnswerRequired AnswerProblem = "required"
	// AnswerText: not a string.
	AnswerText AnswerProblem = "text"
	// AnswerLength: the text is too short or long (min, max characters).
	AnswerLength AnswerProblem = "length"
	// AnswerOption: not one of the options.
	AnswerOption AnswerProblem = "option"
	// AnswerOptions: not a list of options.
	AnswerOptions AnswerProblem = "options"
	// AnswerYesNo: not true or false.
	AnswerYesNo AnswerProblem = "yes_no"
	// AnswerNumber: not a number.
	AnswerNumber AnswerProblem = "number"
	// AnswerRange: the number is outside the bounds (min, max; nil when
	// that side is open).
	AnswerRange AnswerProblem = "range"
	// AnswerDate: not a date between 1900 and 2200.
	AnswerDate AnswerProblem = "date"
	// AnswerPhoto: not a photo id.
	AnswerPhoto AnswerProblem = "photo"
	// AnswerPhotoNotHere: the photo was not uploaded for this consultation.
	AnswerPhotoNotHere AnswerProblem = "photo_not_uploaded"
	// AnswerKind: the question has a kind this code does not know.
	AnswerKind AnswerProblem = "kind"
)

// answerReasons are the English reasons of the answer problems.
var answerReasons = map[AnswerProblem]string{
	AnswerNotObject:    "must be a JSON object of answers by question id",
	AnswerUnknown:      "is not a question of this questionnaire",
	AnswerRequired:     "is required",
	AnswerText:         "must be text",
	AnswerLength:       "must be %d–%d characters",
	AnswerOption:       "must be one of the options",
	AnswerOptions:      "must be a list of options",
	AnswerYesNo:        "must be true or false",
	AnswerNumber:       "must be a number",
	AnswerRange:        "is out of range",
	AnswerDate:         "must be a date (YYYY-MM-DD) between 1900 and 2200",
	AnswerPhoto:        "must be the id of an uploaded photo",
	AnswerPhotoNotHere: "is not a photo uploaded for this consultation",
	AnswerKind:         "has an unknown kind",
}

// AnswerProblems lists every AnswerProblem.
func AnswerProblems() []AnswerProblem {
	out := make([]AnswerProblem, 0, len(answerReasons))
	for p := range answerReasons {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// AnswerError is the FieldError of problem p with field's answer.
func AnswerError(field string, p AnswerProblem, args ...any) FieldError {
	reason := answerReasons[p]
	if p == AnswerLength {
		reason = fmt.Sprintf(reason, args...)
	}
	return FieldError{Field: field, Reason: reason, Code: p, Args: args}
}

// FieldErrors is a list of FieldError; as an error it reads as the first.
type FieldErrors []FieldError

func (e FieldErrors) Error() string {
	if len(e) == 0 {
		return "no errors"
	}
	return fmt.Sprintf("%s %s", e[0].Field, e[0].Reason)
}

var questionID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Check reports what is wrong with a questionnaire a doctor publishes; nil
// if nothing.
func (q Questionnaire) Check() FieldErrors {
	var errs FieldErrors
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if t := strings.TrimSpace(q.Title); t == "" || utf8.RuneCountInString(q.Title) > MaxTitleLength || !utf8.ValidString(q.Title) {
		add("title", "must be 1–%d characters", MaxTitleLength)
	}
	if len(q.Questions) == 0 || len(q.Questions) > MaxQuestions {
		add("questions", "must hold 1–%d questions", MaxQuestions)
	}
	seen := map[string]bool{}
	for i, qu := range q.Questions {
		at := fmt.Sprintf("questions[%d].", i)
		if !questionID.MatchString(qu.ID) {
			add(at+"id", "must be 1–40 of a–z, 0–9 and _, starting with a letter")
		} else if seen[qu.ID] {
			add(at+"id", "is used by an earlier question")
		}
		seen[qu.ID] = true
		if !qu.Kind.Valid() {
			add(at+"kind", "must be one of %v", QuestionKinds())
		}
		if strings.TrimSpace(qu.Label) == "" || utf8.RuneCountInString(qu.Label) > MaxQuestionLabel || !utf8.ValidString(qu.Label) {
			add(at+"label", "must be 1–%d characters", MaxQuestionLabel)
		}
		if utf8.RuneCountInString(qu.Help) > MaxQuestionHelp || !utf8.ValidString(qu.Help) {
			add(at+"help", "must be at most %d characters", MaxQuestionHelp)
		}
		choice := qu.Kind == QuestionSingleChoice || qu.Kind == QuestionMultipleChoice
		switch {
		case choice && (len(qu.Options) < 2 || len(qu.Options) > MaxQuestionOptions):
			add(at+"options", "a choice needs 2–%d options", MaxQuestionOptions)
		case !choice && len(qu.Options) > 0:
			add(at+"options", "only a choice has options")
		}
		opts := map[string]bool{}
		for _, o := range qu.Options {
			if strings.TrimSpace(o) == "" || utf8.RuneCountInString(o) > MaxOptionLength || !utf8.ValidString(o) || opts[o] {
				add(at+"options", "each option must be 1–%d characters and distinct", MaxOptionLength)
				break
			}
			opts[o] = true
		}
		text := qu.Kind == QuestionText || qu.Kind == QuestionLongText
		limit := textCap(qu.Kind)
		switch {
		case !text && (qu.MinLength != 0 || qu.MaxLength != 0):
			add(at+"max_length", "only a text question has a length")
		case qu.MinLength < 0 || qu.MaxLength < 0 || qu.MaxLength > limit || qu.MinLength > limit:
			add(at+"max_length", "lengths must be 0–%d", limit)
		case qu.MaxLength != 0 && qu.MinLength > qu.MaxLength:
			add(at+"min_length", "must not exceed max_length")
		}
		switch {
		case qu.Kind != QuestionNumber && (qu.Min != nil || qu.Max != nil):
			add(at+"min", "only a number question has bounds")
		case qu.Min != nil && qu.Max != nil && *qu.Min > *qu.Max:
			add(at+"min", "must not exceed max")
		}
	}
	return errs
}

func textCap(k QuestionKind) int {
	if k == QuestionLongText {
		return MaxLongTextAnswer
	}
	return MaxTextAnswer
}

// Answers are the checked answers to one version, by question id, in the
// JSON types of QuestionKind; unanswered optional questions are absent.
type Answers map[string]any

// PhotoIDs lists the photo ids the answers name, in question order.
func (a Answers) PhotoIDs(q Questionnaire) []uuid.UUID {
	var ids []uuid.UUID
	for _, qu := range q.Questions {
		if s, ok := a[qu.ID].(string); ok && qu.Kind == QuestionPhoto {
			if id, err := uuid.Parse(s); err == nil {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// CheckAnswers checks raw answers (a JSON object by question id) against
// the version q and returns them in canonical form (Canonical): known
// questions only, every required one answered, each answer of its kind.
// An answer of null, "" or [] counts as none. Whether a photo id names a
// photo of the consultation is for the caller to check (PhotoIDs).
func CheckAnswers(q Questionnaire, raw []byte) (Answers, FieldErrors) {
	var in map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil || in == nil || dec.More() {
		return nil, FieldErrors{AnswerError("answers", AnswerNotObject)}
	}
	var errs FieldErrors
	byID := map[string]Question{}
	for _, qu := range q.Questions {
		byID[qu.ID] = qu
	}
	var unknown []string
	for id := range in {
		if _, ok := byID[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	slices.Sort(unknown)
	for _, id := range unknown {
		errs = append(errs, AnswerError("answers."+truncateRunes(id, 40), AnswerUnknown))
	}
	out := Answers{}
	for _, qu := range q.Questions {
		v, bad := answerOf(qu, in[qu.ID])
		switch {
		case bad != nil:
			bad.Field = "answers." + qu.ID
			errs = append(errs, *bad)
		case v == nil && qu.Required:
			errs = append(errs, AnswerError("answers."+qu.ID, AnswerRequired))
		case v != nil:
			out[qu.ID] = v
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// answerOf is the canonical answer to qu in raw (nil: none) or why raw is
// not one (its Field left for the caller).
func answerOf(qu Question, raw json.RawMessage) (any, *FieldError) {
	fault := func(p AnswerProblem, args ...any) (any, *FieldError) {
		e := AnswerError("", p, args...)
		return nil, &e
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	switch qu.Kind {
	case QuestionText, QuestionLongText:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return fault(AnswerText)
		}
		if s == "" {
			return nil, nil
		}
		n := utf8.RuneCountInString(s)
		limit := qu.MaxLength
		if limit == 0 {
			limit = textCap(qu.Kind)
		}
		if n < qu.MinLength || n > limit {
			return fault(AnswerLength, max(qu.MinLength, 1), limit)
		}
		return s, nil
	case QuestionSingleChoice:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return fault(AnswerOption)
		}
		if s == "" {
			return nil, nil
		}
		if !slices.Contains(qu.Options, s) {
			return fault(AnswerOption)
		}
		return s, nil
	case QuestionMultipleChoice:
		var picked []string
		if json.Unmarshal(raw, &picked) != nil {
			return fault(AnswerOptions)
		}
		// A set: in the options' order, each once.
		var out []string
		for _, o := range qu.Options {
			if slices.Contains(picked, o) {
				out = append(out, o)
			}
		}
		for _, p := range picked {
			if !slices.Contains(qu.Options, p) {
				return fault(AnswerOptions)
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	case QuestionYesNo:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return fault(AnswerYesNo)
		}
		return b, nil
	case QuestionNumber:
		var n json.Number
		if raw[0] == '"' || json.Unmarshal(raw, &n) != nil {
			return fault(AnswerNumber)
		}
		f, err := n.Float64()
		if err != nil {
			return fault(AnswerNumber)
		}
		if (qu.Min != nil && f < *qu.Min) || (qu.Max != nil && f > *qu.Max) {
			return fault(AnswerRange, qu.Min, qu.Max)
		}
		return f, nil
	case QuestionDate:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return fault(AnswerDate)
		}
		if s == "" {
			return nil, nil
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil || d.Year() < 1900 || d.Year() > 2200 {
			return fault(AnswerDate)
		}
		return d.Format(time.DateOnly), nil
	case QuestionPhoto:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return fault(AnswerPhoto)
		}
		if s == "" {
			return nil, nil
		}
		id, err := uuid.Parse(s)
		if err != nil {
			return fault(AnswerPhoto)
		}
		return id.String(), nil
	}
	return fault(AnswerKind)
}

// Canonical is the answers as stored: JSON with sorted keys.
func (a Answers) Canonical() []byte {
	b, err := json.Marshal(a)
	if err != nil {
		panic("domain: answers do not marshal: " + err.Error())
	}
	return b
}

func truncateRunes(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// QuestionnaireOpen reports whether a doctor's questionnaire may be filled
// in now: before the appointment (scheduled, waiting) or, for a walk-in,
// while in the queue (queued, called). Email advice has its built-in forms
// instead (the intake).
func QuestionnaireOpen(t ConsultationType, s Status) bool {
	switch t {
	case TypeVideo, TypeInPerson:
		return s == StatusScheduled || s == StatusWaiting
	case TypeWalkIn:
		return s == StatusQueued || s == StatusCalled
	}
	return false
}

// QuestionnaireTypes lists the consultation types a doctor builds a
// questionnaire for: those with availability; email advice keeps its
// built-in forms.
func QuestionnaireTypes() []ConsultationType { return SlotTypes() }

func float(v float64) *float64 { return &v }

// BuiltinQuestionnaire is the email-advice form of kind as a questionnaire:
// the same questions, keys and bounds as the intake form the API checks,
// so a stored intake reads (and exports) as a response to it. Version 0 is
// its version.
func BuiltinQuestionnaire(kind FormKind) Questionnaire {
	short := []Question{
		{ID: "complaint", Kind: QuestionLongText, Label: "What is the complaint?", Required: true, MinLength: 10, MaxLength: 2000},
		{ID: "location", Kind: QuestionText, Label: "Where on the body?", Required: true, MaxLength: 200},
		{ID: "duration", Kind: QuestionSingleChoice, Label: "How long has it been there?", Required: true,
			Options: []string{"days", "weeks", "months", "years"}},
		{ID: "question", Kind: QuestionLongText, Label: "What is your question for the dermatologist?", Required: true, MinLength: 5, MaxLength: 1000},
	}
	if kind == FormShort {
		return Questionnaire{Title: "Email advice (short form)", Questions: short}
	}
	detailed := append(short,
		Question{ID: "symptoms", Kind: QuestionMultipleChoice, Label: "Symptoms",
			Options: []string{"itch", "pain", "burning", "bleeding", "scaling", "blisters", "spreading", "none"}},
		Question{ID: "changed", Kind: QuestionYesNo, Label: "Has it changed recently?"},
		Question{ID: "previous_treatment", Kind: QuestionLongText, Label: "Previous treatment", MaxLength: 1000},
		Question{ID: "medications", Kind: QuestionLongText, Label: "Medications", MaxLength: 1000},
		Question{ID: "allergies", Kind: QuestionLongText, Label: "Allergies", MaxLength: 500},
		Question{ID: "skin_type", Kind: QuestionSingleChoice, Label: "Skin type (Fitzpatrick)",
			Options: []string{"I", "II", "III", "IV", "V", "VI"}},
		Question{ID: "age_years", Kind: QuestionNumber, Label: "Age in years", Required: true, Min: float(0), Max: float(120)},
	)
	return Questionnaire{Title: "Email advice (detailed form)", Questions: detailed}
}
