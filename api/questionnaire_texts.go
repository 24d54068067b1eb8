package api

import (
	"fmt"
	"strconv"

	"derma2go/domain"
)

// textAnswersInvalid is the problem of answers that do not fit the
// questionnaire; its fields say why, each in answerTexts.
var textAnswersInvalid = walkInText{"Invalid input",
	"Een of meer antwoorden kloppen niet.",
	"One or more answers are not right."}

// answerTexts word each domain.AnswerProblem (nl, en); AnswerLength takes
// the minimum and maximum length.
var answerTexts = map[domain.AnswerProblem]walkInText{
	domain.AnswerNotObject:    {"", "Stuur de antwoorden per vraag (een JSON-object).", "Send the answers by question (a JSON object)."},
	domain.AnswerUnknown:      {"", "Deze vraag staat niet in de vragenlijst.", "This question is not in the questionnaire."},
	domain.AnswerRequired:     {"", "Deze vraag is verplicht.", "This question is required."},
	domain.AnswerText:         {"", "Vul hier tekst in.", "Enter text here."},
	domain.AnswerLength:       {"", "Gebruik %d tot %d tekens.", "Use %d to %d characters."},
	domain.AnswerOption:       {"", "Kies een van de mogelijkheden.", "Choose one of the options."},
	domain.AnswerOptions:      {"", "Kies uit de mogelijkheden.", "Choose from the options."},
	domain.AnswerYesNo:        {"", "Kies ja of nee.", "Choose yes or no."},
	domain.AnswerNumber:       {"", "Vul een getal in.", "Enter a number."},
	domain.AnswerDate:         {"", "Vul een datum in (tussen 1900 en 2200).", "Enter a date (between 1900 and 2200)."},
	domain.AnswerPhoto:        {"", "Upload een foto.", "Upload a photo."},
	domain.AnswerPhotoNotHere: {"", "Deze foto hoort niet bij dit consult; upload hem opnieuw.", "This photo is not one of this consultation's; upload it again."},
	domain.AnswerKind:         {"", "Deze vraag kan niet beantwoord worden.", "This question cannot be answered."},
}

// answerReason words an answer's problem in lang (Dutch unless English).
func answerReason(lang string, e domain.FieldError) string {
	en := lang == string(domain.LanguageEnglish)
	pick := func(t walkInText) string {
		if en {
			return t.en
		}
		return t.nl
	}
	if e.Code == domain.AnswerRange {
		return rangeReason(en, e.Args)
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

// rangeReason words a number outside [min, max] (either may be open).
func rangeReason(en bool, args []any) string {
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
	case hasLo && hasHi && en:
		return "Enter a number from " + lo + " to " + hi + "."
	case hasLo && hasHi:
		return "Vul een getal van " + lo + " tot en met " + hi + " in."
	case hasLo && en:
		return "Enter a number of at least " + lo + "."
	case hasLo:
		return "Vul een getal van minstens " + lo + " in."
	case hasHi && en:
		return "Enter a number of at most " + hi + "."
	case hasHi:
		return "Vul een getal van hoogstens " + hi + " in."
	}
	if en {
		return "Enter a number in range."
	}
	return "Vul een getal binnen de grenzen in."
}
