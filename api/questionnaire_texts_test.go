package api

import (
	"strings"
	"testing"

	"derma2go/domain"
)

// TestEveryAnswerProblemIsWorded: each problem domain.CheckAnswers reports
// reads differently in Dutch and English, without the English reason in the
// Dutch text; a length names its bounds, a range its bounds (or the open
// side).
func TestEveryAnswerProblemIsWorded(t *testing.T) {
	for _, p := range domain.AnswerProblems() {
		args := []any{}
		if p == domain.AnswerLength {
			args = []any{5, 200}
		}
		e := domain.AnswerError("answers.q", p, args...)
		nl, en := answerReason("nl", e), answerReason("en", e)
		if nl == "" || en == "" || nl == en || nl == e.Reason || strings.Contains(nl, "must") {
			t.Errorf("%s: nl %q, en %q (domain %q)", p, nl, en, e.Reason)
		}
	}
	if got := answerReason("nl", domain.AnswerError("a", domain.AnswerLength, 5, 200)); got != "Gebruik 5 tot 200 tekens." {
		t.Errorf("length: %q", got)
	}
	lo, hi := 0.0, 50.5
	for _, c := range []struct {
		min, max *float64
		lang     string
		want     string
	}{
		{&lo, &hi, "nl", "Vul een getal van 0 tot en met 50.5 in."},
		{&lo, &hi, "en", "Enter a number from 0 to 50.5."},
		{&lo, nil, "en", "Enter a number of at least 0."},
		{nil, &hi, "nl", "Vul een getal van hoogstens 50.5 in."},
	} {
		if got := answerReason(c.lang, domain.AnswerError("a", domain.AnswerRange, c.min, c.max)); got != c.want {
			t.Errorf("range %v–%v in %s: %q, want %q", c.min, c.max, c.lang, got, c.want)
		}
	}
}
