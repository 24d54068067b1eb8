package conditions

import (
	"errors"
	"math"
	"testing"
)

// wizardAnswers builds an answers map from the fuzzer's bytes: pairs of
// (question, answer) picked among the wizard's real ids, AnswerSkip, an
// unknown id and FinishKey, so that most inputs reach the scoring and the
// rest test validation.
func wizardAnswers(w *Wizard, picks []byte) map[string][]string {
	qs := w.Questions()
	answers := map[string][]string{}
	for i := 0; i+1 < len(picks); i += 2 {
		qi, ai := int(picks[i]), int(picks[i+1])
		key := "no-such-question"
		var options []string
		switch {
		case qi < 2*len(qs):
			q := qs[qi%len(qs)]
			key = q.ID
			for _, a := range q.Answers {
				options = append(options, a.ID)
			}
		case qi%4 == 0:
			key, options = FinishKey, []string{"yes", "no"}
		}
		options = append(options, AnswerSkip, "no-such-answer")
		answers[key] = append(answers[key], options[ai%len(options)])
	}
	return answers
}

// FuzzWizardStep walks the DermaWizard with arbitrary answers: invalid ones
// are refused with an *AnswerError, valid ones give the next unanswered
// question or at most MaxResults results, ordered, with finite scores.
func FuzzWizardStep(f *testing.F) {
	cat, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	w := cat.Wizard()
	f.Add("nl", []byte{})
	f.Add("en", []byte{0, 0, 1, 1, 2, 0})
	f.Add("de", []byte{0, 1, 1, 2, 2, 1, 3, 0, 4, 2, 5, 1, 252, 0})
	f.Fuzz(func(t *testing.T, lang string, picks []byte) {
		answers := wizardAnswers(w, picks)
		st, err := w.Step(lang, answers)
		if err != nil {
			var aerr *AnswerError
			if !errors.As(err, &aerr) || aerr.Question == "" || aerr.Reason == "" {
				t.Fatalf("refused with %T %v, not an *AnswerError", err, err)
			}
			return
		}
		if st.Disclaimer == "" {
			t.Fatal("a step without the disclaimer")
		}
		if st.Progress.Answered > st.Progress.Total {
			t.Fatalf("progress %+v", st.Progress)
		}
		if !st.Done {
			if st.Question == nil {
				t.Fatal("neither done nor a question")
			}
			if _, answered := answers[st.Question.ID]; answered {
				t.Fatalf("asks %s again", st.Question.ID)
			}
			return
		}
		if len(st.Results) > MaxResults {
			t.Fatalf("%d results", len(st.Results))
		}
		for i, m := range st.Results {
			if math.IsNaN(m.Score) || math.IsInf(m.Score, 0) || m.Score < 0 {
				t.Fatalf("result %d %s has score %v", i, m.Slug, m.Score)
			}
			if i > 0 {
				prev := st.Results[i-1]
				if (!prev.Urgent && m.Urgent) || (prev.Urgent == m.Urgent && prev.Score < m.Score) {
					t.Fatalf("results out of order: %+v before %+v", prev, m)
				}
			}
		}
	})
}
