package api

import (
	"fmt"
	"strconv"

	"derma2go/domain"
)

// textAnswersInvalid is the problem of answers that do not fit the
// questionnaire; its fields say why, each in answerTexts.
var textAnswersInvalid = problemText{"Invalid input",
	"One or more answers are not right."}

// answerTexts word each domain.AnswerProblem (the catalog has the Dutch); AnswerLength takes
// the minimum and maximum length.
var answerTexts = map[domain.AnswerProblem]problemText{
	domain.AnswerNotObject:    {"", "Send the answers by question (a JSON object)."},
	domain.AnswerUnknown:      {"", "This question is not in the questionnaire."},
	domain.AnswerRequired:     {"", "This question is required."},
	domain.AnswerText:         {"", "Enter text here."},
	domain.AnswerLength:       {"", "Use %d to %d characters."},
	domain.AnswerOption:       {"", "Choose one of the options."},
	domain.AnswerOptions:      {"", "Choose from the options."},
	domain.AnswerYesNo:        {"", "Choose yes or no."},
	domain.AnswerNumber:       {"", "Enter a number."},
	domain.AnswerDate:         {"", "Enter a date (between 1900 and 2200)."},
	domain.AnswerPhoto:        {"", "Upload a photo."},
	domain.AnswerPhotoNotHere: {"", "This photo is not one of this consultation's; upload it again."},
	domain.AnswerKind:         {"", "This question cannot be answered."},
}

// answerReason words an answer's problem in lang (Dutch unless English).
func answerReason(lang string, e domain.FieldError) string {
	pick := func(t problemText) string { return translate(lang, t.detail) }
	if e.Code == domain.AnswerRange {
		return rangeReason(lang, e.Args)
	}
	t, ok := answerTexts[e.Code]
	if !ok {
		return e.Reason
	}
	if e.Code == domain.AnswerLength {
		return fmt.Sprintf(pick(t), e.Args...)
	}
	return pick(t)
}

// rangeTexts word a number outside [min, max], by which bounds are set
// (the catalog has the Dutch).
var rangeTexts = struct{ both, atLeast, atMost, open problemText }{
	both:    problemText{"", "Enter a number from %s to %s."},
	atLeast: problemText{"", "Enter a number of at least %s."},
	atMost:  problemText{"", "Enter a number of at most %s."},
	open:    problemText{"", "Enter a number in range."},
}

// rangeReason words a number outside [min, max] (either may be open) in lang.
func rangeReason(lang string, args []any) string {
	bound := func(i int) (string, bool) {
		if i >= len(args) {
			return "", false
		}
		f, ok := args[i].(*float64)
		if !ok || f == nil {
			return "", false
		}
		return strconv.FormatFloat(*f, 'f', -1, 64), true
	}
	lo, hasLo := bound(0)
	hi, hasHi := bound(1)
	switch {
	case hasLo && hasHi:
		return fmt.Sprintf(translate(lang, rangeTexts.both.detail), lo, hi)
	case hasLo:
		return fmt.Sprintf(translate(lang, rangeTexts.atLeast.detail), lo)
	case hasHi:
		return fmt.Sprintf(translate(lang, rangeTexts.atMost.detail), hi)
	}
	return translate(lang, rangeTexts.open.detail)
}
