package conditions

import (
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// step calls Step and fails the test on error.
func step(t testing.TB, w *Wizard, lang string, answers map[string][]string) Step {
	t.Helper()
	st, err := w.Step(lang, answers)
	if err != nil {
		t.Fatalf("Step(%v): %v", answers, err)
	}
	return st
}

// with returns a copy of answers plus extra.
func with(answers map[string][]string, extra map[string][]string) map[string][]string {
	out := make(map[string][]string, len(answers)+len(extra))
	for k, v := range answers {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func TestFirstStep(t *testing.T) {
	w := mustLoad(t).Wizard()
	for _, lang := range []string{LangNL, LangEN} {
		st := step(t, w, lang, nil)
		if st.Done || st.Question == nil {
			t.Fatalf("%s: first step has no question", lang)
		}
		if st.Question.ID != "age" {
			t.Errorf("%s: first question %q, want age", lang, st.Question.ID)
		}
		last := st.Question.Answers[len(st.Question.Answers)-1]
		if last.ID != AnswerSkip || last.Text == "" || !last.Exclusive {
			t.Errorf("%s: last answer is %+v, want the skip answer", lang, last)
		}
		if st.Progress.Answered != 0 || st.Progress.Total < 9 {
			t.Errorf("%s: progress %+v", lang, st.Progress)
		}
		if st.Urgent != nil || len(st.RedFlags) != 0 {
			t.Errorf("%s: urgent advice without answers", lang)
		}
		if !strings.Contains(st.Disclaimer, "112") {
			t.Errorf("%s: disclaimer %q does not mention 112", lang, st.Disclaimer)
		}
	}
	nl, en := step(t, w, "nl", nil), step(t, w, "en", nil)
	if nl.Disclaimer == en.Disclaimer || nl.Question.Text == en.Question.Text {
		t.Error("nl and en steps have the same texts")
	}
	if !strings.Contains(nl.Disclaimer, "geen diagnose") || !strings.Contains(en.Disclaimer, "not give a diagnosis") {
		t.Error("disclaimer does not say it is not a diagnosis")
	}
	if other := step(t, w, "fr", nil); other.Lang != LangNL || other.Question.Text != nl.Question.Text {
		t.Error("unknown language does not fall back to nl")
	}
}

func TestQuestionsCoverTheBrief(t *testing.T) {
	w := mustLoad(t).Wizard()
	want := map[string][]string{
		"age":         {"child", "adult", "senior"},
		"location":    {"face", "scalp", "trunk", "arms_hands", "legs_feet", "nails", "folds_genital", "mouth_lips"},
		"appearance":  {"pimples", "red_scaly", "blisters", "mole", "lump", "wheals", "crusty", "light_patches", "flaky_scalp", "nail_changes", "hair_loss"},
		"duration":    {"days", "weeks", "months", "years"},
		"itch":        {"none"},
		"pain":        {"none"},
		"spreading":   {"no", "fast"},
		"triggers":    {"sun", "contact", "stress", "heat_sweat", "new_medicine"},
		"fever":       {"no", "very_ill"},
		"mole_change": {"growing", "changing", "bleeding", "itching"},
	}
	for qid, answers := range want {
		q, ok := w.question(qid)
		if !ok {
			t.Errorf("no question %q", qid)
			continue
		}
		for _, a := range answers {
			if _, ok := q.answer(a); !ok {
				t.Errorf("question %q has no answer %q", qid, a)
			}
		}
	}
}

func TestQuestionsAreBilingual(t *testing.T) {
	w := mustLoad(t).Wizard()
	for _, q := range w.Questions() {
		if q.Text.NL == "" || q.Text.EN == "" || q.Text.NL == q.Text.EN {
			t.Errorf("question %s: text %+v", q.ID, q.Text)
		}
		for _, a := range q.Answers {
			if a.Text.NL == "" || a.Text.EN == "" || a.Short.NL == "" || a.Short.EN == "" {
				t.Errorf("question %s answer %s: missing text %+v / %+v", q.ID, a.ID, a.Text, a.Short)
			}
		}
	}
	for _, r := range w.RedFlags() {
		if r.Text.NL == "" || r.Text.EN == "" || r.Text.NL == r.Text.EN || r.Reason.NL == "" || r.Reason.EN == "" {
			t.Errorf("red flag %s: missing text", r.ID)
		}
	}
}

func TestShowIf(t *testing.T) {
	w := mustLoad(t).Wizard()
	base := map[string][]string{"age": {"adult"}, "location": {"trunk"}}

	st := step(t, w, "nl", with(base, map[string][]string{"appearance": {"blisters"}}))
	if st.Question.ID != "blister_pattern" {
		t.Errorf("after blisters: next question %q, want blister_pattern", st.Question.ID)
	}
	st = step(t, w, "nl", with(base, map[string][]string{"appearance": {"mole"}}))
	if st.Question.ID != "mole_change" {
		t.Errorf("after mole: next question %q, want mole_change", st.Question.ID)
	}
	plain := step(t, w, "nl", with(base, map[string][]string{"appearance": {"pimples"}}))
	if plain.Question.ID != "duration" {
		t.Errorf("after pimples: next question %q, want duration", plain.Question.ID)
	}
	if st.Progress.Total != plain.Progress.Total+1 {
		t.Errorf("follow-up question not counted: %d vs %d", st.Progress.Total, plain.Progress.Total)
	}
}

func TestAnswerErrors(t *testing.T) {
	w := mustLoad(t).Wizard()
	tests := []struct {
		name    string
		answers map[string][]string
		want    AnswerError
	}{
		{"unknown question", map[string][]string{"colour": {"red"}}, AnswerError{Question: "colour", Reason: ReasonUnknownQuestion}},
		{"unknown answer", map[string][]string{"age": {"ancient"}}, AnswerError{Question: "age", Answer: "ancient", Reason: ReasonUnknownAnswer}},
		{"two answers to a single question", map[string][]string{"age": {"child", "adult"}}, AnswerError{Question: "age", Reason: ReasonTooManyAnswers}},
		{"empty answer", map[string][]string{"location": {}}, AnswerError{Question: "location", Reason: ReasonNoAnswer}},
		{"duplicate answer", map[string][]string{"location": {"face", "face"}}, AnswerError{Question: "location", Answer: "face", Reason: ReasonDuplicateAnswer}},
		{"exclusive answer combined", map[string][]string{"triggers": {"sun", "none"}}, AnswerError{Question: "triggers", Answer: "none", Reason: ReasonExclusiveAnswer}},
		{"skip combined", map[string][]string{"location": {"skip", "face"}}, AnswerError{Question: "location", Answer: "skip", Reason: ReasonExclusiveAnswer}},
		{"hidden question answered", map[string][]string{"appearance": {"pimples"}, "blister_pattern": {"few"}}, AnswerError{Question: "blister_pattern", Reason: ReasonNotApplicable}},
		{"follow-up without its parent", map[string][]string{"mole_change": {"growing"}}, AnswerError{Question: "mole_change", Reason: ReasonNotApplicable}},
		{"bad finish value", map[string][]string{FinishKey: {"now"}}, AnswerError{Question: FinishKey, Reason: ReasonBadFinish}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.Step("nl", tt.answers)
			var ae *AnswerError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v (%T), want *AnswerError", err, err)
			}
			if *ae != tt.want {
				t.Errorf("got %+v, want %+v", *ae, tt.want)
			}
			if !strings.Contains(ae.Error(), tt.want.Question) {
				t.Errorf("message %q does not name the question", ae.Error())
			}
		})
	}
}

func TestFinishEarlyAndSkip(t *testing.T) {
	cat := mustLoad(t)
	w := cat.Wizard()
	answers := map[string][]string{
		"age": {"teen"}, "location": {"face"}, "appearance": {"pimples"}, FinishKey: {"yes"},
	}
	st := step(t, w, "nl", answers)
	if !st.Done || st.Question != nil {
		t.Fatal("finish did not give results")
	}
	if st.Progress.Answered != 3 || st.Progress.Total <= 3 {
		t.Errorf("progress %+v", st.Progress)
	}
	if len(st.Results) == 0 || st.Results[0].Slug != "acne" {
		t.Fatalf("results %+v, want acne first", st.Results)
	}
	if r := st.Results[0].Reasons[0]; r != "Past bij: tiener, gezicht, puistjes" {
		t.Errorf("nl reason %q", r)
	}
	en := step(t, w, "en", answers)
	if en.Results[0].Name != "Acne" || en.Results[0].Reasons[0] != "Fits: teenager, face, spots" {
		t.Errorf("en result %+v", en.Results[0])
	}

	// Skipping every question is allowed and gives no match at all.
	skipAll := map[string][]string{}
	for {
		st := step(t, w, "en", skipAll)
		if st.Done {
			if len(st.Results) != 0 || st.Results == nil {
				t.Errorf("skipping everything gave results %+v", st.Results)
			}
			break
		}
		skipAll[st.Question.ID] = []string{AnswerSkip}
	}
}

// TestResultsInvariants walks many random answer paths and checks the
// properties every Step must have.
func TestResultsInvariants(t *testing.T) {
	w := mustLoad(t).Wizard()
	rng := rand.New(rand.NewSource(42))
	for i := 0; i < 400; i++ {
		answers := map[string][]string{}
		lang := []string{LangNL, LangEN}[i%2]
		for {
			st := step(t, w, lang, answers)
			again := step(t, w, lang, answers)
			if !reflect.DeepEqual(st, again) {
				t.Fatalf("Step is not deterministic for %v", answers)
			}
			if st.Disclaimer == "" {
				t.Fatal("no disclaimer")
			}
			if st.Urgent != nil && (len(st.RedFlags) == 0 || st.RedFlags[0] != *st.Urgent) {
				t.Fatalf("Urgent %+v is not the first red flag %+v", st.Urgent, st.RedFlags)
			}
			if !st.Done {
				q := st.Question
				pick := q.Answers[rng.Intn(len(q.Answers))]
				answers[q.ID] = []string{pick.ID}
				if q.Kind == KindMulti && !pick.Exclusive && rng.Intn(3) == 0 {
					other := q.Answers[rng.Intn(len(q.Answers))]
					if !other.Exclusive && other.ID != pick.ID {
						answers[q.ID] = append(answers[q.ID], other.ID)
					}
				}
				continue
			}
			checkResults(t, st)
			break
		}
	}
}

// checkResults asserts ordering, cap and field invariants of a final step.
func checkResults(t *testing.T, st Step) {
	t.Helper()
	if len(st.Results) > MaxResults {
		t.Fatalf("%d results, max %d", len(st.Results), MaxResults)
	}
	seenNormal := false
	for i, m := range st.Results {
		if m.Urgent && seenNormal {
			t.Fatalf("urgent match %s after a non-urgent one", m.Slug)
		}
		if !m.Urgent {
			seenNormal = true
		}
		if i > 0 {
			p := st.Results[i-1]
			if p.Urgent == m.Urgent && (p.Score < m.Score || (p.Score == m.Score && p.Slug > m.Slug)) {
				t.Fatalf("results out of order: %s (%v) before %s (%v)", p.Slug, p.Score, m.Slug, m.Score)
			}
		}
		if m.Name == "" || m.ConsultationTypes == nil || m.Reasons == nil {
			t.Fatalf("incomplete match %+v", m)
		}
		if m.Urgent && st.Urgent == nil {
			t.Fatalf("urgent match %s without urgent advice", m.Slug)
		}
		if st.Urgent != nil && st.Urgent.Level == LevelEmergency && len(m.ConsultationTypes) != 0 {
			t.Fatalf("emergency, but %s still offers %v", m.Slug, m.ConsultationTypes)
		}
	}
}

func TestDeterministicUnderConcurrency(t *testing.T) {
	w := mustLoad(t).Wizard()
	answers := map[string][]string{
		"age": {"adult"}, "location": {"trunk", "arms_hands"}, "appearance": {"red_scaly", "ring"},
		"duration": {"weeks"}, "itch": {"mild"}, FinishKey: nil,
	}
	want := step(t, w, "en", answers)
	var wg sync.WaitGroup
	errs := make(chan string, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := w.Step("en", answers)
			if err != nil || !reflect.DeepEqual(got, want) {
				errs <- fmt.Sprintf("got %+v, %v", got, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// redFlagCase is an answer path that must trigger a red flag.
type redFlagCase struct {
	rule    string
	level   string
	answers map[string][]string
	// first is the set of slugs one of which must be the first result
	// (empty when the rule names no condition).
	first []string
}

var redFlagCases = []redFlagCase{
	{"anaphylaxis_hives", LevelEmergency, map[string][]string{
		"age": {"adult"}, "location": {"face", "trunk"}, "appearance": {"wheals"}, "swelling": {"face_lips_tongue"},
	}, []string{"urticaria"}},
	{"breathing_difficulty", LevelEmergency, map[string][]string{
		"age": {"child"}, "location": {"trunk"}, "appearance": {"red_swollen"}, "swelling": {"breathing"},
	}, []string{"urticaria"}},
	{"cellulitis_very_ill", LevelEmergency, map[string][]string{
		"age": {"senior"}, "location": {"legs_feet"}, "appearance": {"red_swollen"}, "swelling": {"none"},
		"duration": {"days"}, "itch": {"none"}, "pain": {"severe"}, "spreading": {"fast"}, "fever": {"very_ill"},
	}, []string{"cellulitis"}},
	{"blisters_fever", LevelEmergency, map[string][]string{
		"age": {"adult"}, "location": {"trunk", "mouth_lips"}, "appearance": {"blisters"}, "blister_pattern": {"mucosa"},
		"swelling": {"none"}, "duration": {"days"}, "itch": {"skip"}, "pain": {"sore"}, "spreading": {"fast"}, "fever": {"ill"},
	}, nil},
	{"peeling_after_medicine", LevelEmergency, map[string][]string{
		"age": {"adult"}, "location": {"trunk"}, "appearance": {"peeling"}, "duration": {"days"}, "itch": {"none"},
		"pain": {"sore"}, "spreading": {"fast"}, "fever": {"fever"}, "triggers": {"new_medicine"},
	}, nil},
	{"very_ill", LevelEmergency, map[string][]string{
		"age": {"child"}, "location": {"legs_feet"}, "appearance": {"red_dots"}, "duration": {"days"}, "itch": {"none"},
		"pain": {"none"}, "spreading": {"fast"}, "fever": {"very_ill"},
	}, nil},
	{"cellulitis_fever", LevelSoon, map[string][]string{
		"age": {"adult"}, "location": {"legs_feet"}, "appearance": {"red_swollen"}, "swelling": {"none"},
		"duration": {"days"}, "itch": {"none"}, "pain": {"sore"}, "spreading": {"fast"}, "fever": {"fever"},
	}, []string{"cellulitis"}},
	{"facial_swelling", LevelSoon, map[string][]string{
		"age": {"adult"}, "location": {"mouth_lips"}, "appearance": {"red_swollen"}, "swelling": {"face_lips_tongue"},
	}, nil},
	{"shingles_eye", LevelSoon, map[string][]string{
		"age": {"senior"}, "location": {"face"}, "appearance": {"blisters"}, "blister_pattern": {"band_eye"},
	}, []string{"shingles"}},
	{"shingles_band", LevelSoon, map[string][]string{
		"age": {"adult"}, "location": {"trunk"}, "appearance": {"blisters"}, "blister_pattern": {"band_one_side"},
		"duration": {"days"}, "itch": {"none"}, "pain": {"severe"},
	}, []string{"shingles"}},
	{"changing_mole", LevelSoon, map[string][]string{
		"age": {"adult"}, "location": {"trunk"}, "appearance": {"mole"}, "mole_change": {"bleeding"},
	}, []string{"melanoma", "atypical-moles"}},
	{"non_healing_sore", LevelSoon, map[string][]string{
		"age": {"senior"}, "location": {"face"}, "appearance": {"sore"}, "sore_healing": {"not_healing"},
	}, []string{"basal-cell-carcinoma", "squamous-cell-carcinoma"}},
}

func TestRedFlags(t *testing.T) {
	w := mustLoad(t).Wizard()
	covered := map[string]bool{}
	for _, tc := range redFlagCases {
		covered[tc.rule] = true
		for _, lang := range []string{LangNL, LangEN} {
			t.Run(tc.rule+"/"+lang, func(t *testing.T) {
				st := step(t, w, lang, tc.answers)
				if st.Urgent == nil {
					t.Fatalf("no urgent advice for %v", tc.answers)
				}
				if st.Urgent.Level != tc.level {
					t.Errorf("level %q, want %q", st.Urgent.Level, tc.level)
				}
				if st.Urgent.Text == "" || !slices.ContainsFunc(st.RedFlags, func(u UrgentAdvice) bool { return u.Rule == tc.rule }) {
					t.Errorf("rule %s did not fire: %+v", tc.rule, st.RedFlags)
				}
				if tc.level == LevelEmergency {
					if st.Urgent.Rule != tc.rule && !slices.Contains([]string{"cellulitis_very_ill", "anaphylaxis_hives"}, st.Urgent.Rule) {
						t.Errorf("urgent rule %q, want %q", st.Urgent.Rule, tc.rule)
					}
					if !strings.Contains(st.Urgent.Text, "112") {
						t.Errorf("emergency advice does not mention 112: %q", st.Urgent.Text)
					}
					// An emergency ends the questionnaire at once.
					if !st.Done || st.Question != nil {
						t.Fatal("emergency did not end the questionnaire")
					}
				} else {
					if st.Urgent.Rule != tc.rule {
						t.Errorf("urgent rule %q, want %q", st.Urgent.Rule, tc.rule)
					}
					if st.Done {
						t.Fatal("a 'soon' red flag should not stop the questions")
					}
					st = step(t, w, lang, with(tc.answers, map[string][]string{FinishKey: nil}))
					if st.Urgent == nil || st.Urgent.Rule != tc.rule {
						t.Fatalf("urgent advice lost at the results: %+v", st.Urgent)
					}
				}
				checkResults(t, st)
				if len(tc.first) > 0 {
					if len(st.Results) == 0 || !st.Results[0].Urgent || !slices.Contains(tc.first, st.Results[0].Slug) {
						t.Fatalf("first result %+v, want an urgent one of %v", st.Results, tc.first)
					}
				}
			})
		}
	}
	for _, r := range w.RedFlags() {
		if !covered[r.ID] {
			t.Errorf("red flag %s has no test path", r.ID)
		}
	}
}

func TestRedFlagConsultationTypes(t *testing.T) {
	w := mustLoad(t).Wizard()
	answers := with(redFlagCases[10].answers, map[string][]string{FinishKey: nil}) // changing mole
	st := step(t, w, "en", answers)
	if m := st.Results[0]; m.Slug != "melanoma" || !slices.Equal(m.ConsultationTypes, []string{ConsultInPerson}) {
		t.Errorf("changing mole: first match %+v, want melanoma in person only", m)
	}
	st = step(t, w, "en", redFlagCases[0].answers) // hives with facial swelling
	if m := st.Results[0]; m.Slug != "urticaria" || len(m.ConsultationTypes) != 0 {
		t.Errorf("anaphylaxis: first match %+v, want urticaria with no online consultation", m)
	}
	if !strings.HasPrefix(st.Results[0].Reasons[0], "Warning sign") {
		t.Errorf("urgent match reasons %v", st.Results[0].Reasons)
	}
}

// pathFor finds answers under which slug ranks as high as possible: it
// starts from the answers the condition's profile likes best and then
// improves them one question at a time (hill climbing over the answer
// options of every question, including follow-ups that appear on the way).
func pathFor(t *testing.T, w *Wizard, c Condition) (map[string][]string, Step, int) {
	t.Helper()
	walk := func(pref map[string][]string) (map[string][]string, Step) {
		answers := map[string][]string{}
		for {
			st := step(t, w, LangEN, answers)
			if st.Done {
				return answers, st
			}
			q := st.Question
			if a, ok := pref[q.ID]; ok {
				answers[q.ID] = a
				continue
			}
			best, bestW := AnswerSkip, 0.0
			for _, a := range q.Answers {
				if wt := c.Profile.Signs[q.ID][a.ID]; wt > bestW {
					best, bestW = a.ID, wt
				}
			}
			answers[q.ID] = []string{best}
		}
	}
	rankOf := func(st Step) (int, float64) {
		// A path that ends in an emergency does not count: every condition
		// must be reachable through ordinary answers.
		if st.Urgent != nil && st.Urgent.Level == LevelEmergency {
			return 1 << 20, -1e9
		}
		top := 0.0
		for _, m := range st.Results {
			if m.Slug != c.Slug {
				top = m.Score
				break
			}
		}
		for i, m := range st.Results {
			if m.Slug == c.Slug {
				return i, m.Score - top
			}
		}
		return len(st.Results) + 1, -1e9
	}
	better := func(r1 int, g1 float64, r2 int, g2 float64) bool {
		return r1 < r2 || (r1 == r2 && g1 > g2)
	}

	pref := map[string][]string{}
	answers, st := walk(pref)
	rank, gap := rankOf(st)
	for round := 0; round < 4 && rank > 0; round++ {
		improved := false
		for _, q := range w.Questions() {
			options := [][]string{{AnswerSkip}}
			for _, a := range q.Answers {
				options = append(options, []string{a.ID})
				if cur, ok := answers[q.ID]; ok && q.Kind == KindMulti && !a.Exclusive && cur[0] != AnswerSkip && !slices.Contains(cur, a.ID) {
					options = append(options, append(slices.Clone(cur), a.ID))
				}
			}
			for _, opt := range options {
				trial := with(pref, map[string][]string{q.ID: opt})
				a2, st2 := walk(trial)
				if r2, g2 := rankOf(st2); better(r2, g2, rank, gap) {
					pref, answers, st, rank, gap, improved = trial, a2, st2, r2, g2, true
				}
			}
		}
		if !improved {
			break
		}
	}
	return answers, st, rank
}

func TestEveryConditionIsReachable(t *testing.T) {
	cat := mustLoad(t)
	w := cat.Wizard()
	for _, c := range cat.All() {
		answers, st, rank := pathFor(t, w, c)
		if rank >= 3 {
			t.Errorf("%s: best rank found is %d (results %v) for %v", c.Slug, rank+1, slugs(st.Results), answers)
			continue
		}
		if st.Results[rank].Name != c.EN.Name || len(st.Results[rank].Reasons) == 0 {
			t.Errorf("%s: match %+v", c.Slug, st.Results[rank])
		}
		t.Logf("%-26s rank %d via %s", c.Slug, rank+1, describe(answers))
	}
}

// slugs lists the slugs of matches.
func slugs(ms []Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Slug
	}
	return out
}

// describe renders answers compactly in a stable order.
func describe(answers map[string][]string) string {
	keys := make([]string, 0, len(answers))
	for k, v := range answers {
		if len(v) == 1 && v[0] == AnswerSkip {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strings.Join(answers[k], "+")
	}
	return strings.Join(parts, " ")
}

// scenarios are plausible patient stories and the condition that should come
// out on top (or, where two conditions honestly compete, in the top two).
var scenarios = []struct {
	want    string
	top     int
	answers string
}{
	{"acne", 1, "age=teen location=face+trunk appearance=pimples duration=months itch=none pain=none spreading=no fever=no triggers=none"},
	{"atopic-eczema", 1, "age=child location=arms_hands+legs_feet appearance=red_scaly+dry duration=years itch=severe triggers=heat_sweat"},
	{"contact-eczema", 1, "age=adult location=arms_hands appearance=red_scaly+blisters blister_pattern=hands_feet duration=weeks itch=severe triggers=contact"},
	{"psoriasis", 1, "age=adult location=scalp+arms_hands+legs_feet appearance=red_scaly duration=years itch=mild"},
	{"rosacea", 1, "age=adult location=face appearance=red_flush+pimples duration=years pain=sore triggers=sun+heat_sweat"},
	{"common-warts", 1, "age=child location=arms_hands appearance=wart duration=months"},
	{"plantar-warts", 1, "age=adult location=legs_feet appearance=wart duration=months pain=sore triggers=shared"},
	{"molluscum-contagiosum", 1, "age=child location=trunk appearance=pearly_bumps duration=months"},
	{"athletes-foot", 1, "age=adult location=legs_feet appearance=red_scaly+dry duration=weeks itch=mild triggers=heat_sweat+shared"},
	{"ringworm", 1, "age=adult location=arms_hands appearance=ring duration=weeks itch=mild spreading=slowly"},
	{"nail-fungus", 1, "age=senior location=nails appearance=nail_changes duration=years"},
	{"pityriasis-versicolor", 1, "age=adult location=trunk appearance=light_patches duration=months itch=none triggers=heat_sweat+sun"},
	{"candida-intertrigo", 1, "age=senior location=folds_genital appearance=red_moist duration=weeks itch=mild triggers=heat_sweat"},
	{"urticaria", 1, "age=adult location=trunk+arms_hands appearance=wheals swelling=none duration=days itch=severe spreading=fast triggers=food"},
	{"actinic-keratosis", 1, "age=senior location=face+scalp appearance=crusty sore_healing=recent duration=years itch=none triggers=sun"},
	{"basal-cell-carcinoma", 1, "age=senior location=face appearance=pearly_bumps+sore sore_healing=not_healing duration=months triggers=sun"},
	{"squamous-cell-carcinoma", 2, "age=senior location=arms_hands appearance=crusty+bump mole_change=growing sore_healing=not_healing duration=months spreading=slowly triggers=sun"},
	{"melanoma", 1, "age=adult location=trunk appearance=mole mole_change=growing+changing"},
	{"atypical-moles", 1, "age=adult location=trunk appearance=mole mole_change=none duration=years"},
	{"seborrhoeic-keratosis", 1, "age=senior location=trunk appearance=stuck_on mole_change=none duration=years"},
	{"seborrhoeic-dermatitis", 1, "age=adult location=face+scalp appearance=red_scaly+flaky_scalp duration=months itch=mild"},
	{"vitiligo", 1, "age=adult location=face+arms_hands appearance=light_patches duration=years itch=none"},
	{"impetigo", 1, "age=child location=face appearance=yellow_crusts duration=days spreading=slowly"},
	{"cold-sores", 1, "age=adult location=mouth_lips appearance=blisters blister_pattern=lip_cluster swelling=none duration=days pain=sore"},
	{"shingles", 1, "age=senior location=trunk appearance=blisters blister_pattern=band_one_side duration=days pain=severe"},
	{"scabies", 1, "age=adult location=arms_hands+folds_genital appearance=pimples duration=weeks itch=night triggers=shared"},
	{"hidradenitis-suppurativa", 1, "age=adult location=folds_genital appearance=lump+pimples duration=years pain=severe"},
	{"lichen-planus", 1, "age=adult location=arms_hands+mouth_lips appearance=purple_bumps swelling=none duration=months itch=severe"},
	{"pityriasis-rosea", 1, "age=teen location=trunk appearance=many_oval+red_scaly duration=weeks itch=mild"},
	{"alopecia-areata", 1, "age=adult location=scalp appearance=hair_loss duration=weeks"},
	{"hyperhidrosis", 1, "age=adult location=arms_hands+folds_genital appearance=sweating duration=years"},
	{"melasma", 1, "age=adult location=face appearance=dark_patches duration=months triggers=sun+hormones"},
	{"keloid", 1, "age=teen location=face appearance=scar duration=months itch=mild triggers=injury"},
	{"folliculitis", 1, "age=adult location=legs_feet appearance=pimples duration=days itch=mild triggers=injury"},
	{"perioral-dermatitis", 1, "age=adult location=mouth_lips+face appearance=pimples+red_scaly swelling=none duration=weeks pain=sore triggers=contact"},
	{"sunburn", 1, "age=adult location=trunk+face appearance=red_swollen swelling=none duration=days pain=sore spreading=no fever=no triggers=sun"},
	{"skin-tags", 1, "age=senior location=folds_genital appearance=skin_tag duration=years"},
	{"dandruff", 1, "age=adult location=scalp appearance=flaky_scalp duration=months itch=mild"},
	{"chilblains", 1, "age=adult location=legs_feet appearance=red_swollen swelling=none duration=weeks itch=mild pain=sore triggers=cold"},
	{"dry-skin", 1, "age=senior location=legs_feet appearance=dry duration=months itch=mild triggers=cold"},
	{"itch-prurigo", 1, "age=senior location=trunk appearance=nothing duration=months itch=severe"},
	{"cherry-angioma", 1, "age=adult location=trunk appearance=red_dots duration=years"},
	{"dermatofibroma", 1, "age=adult location=legs_feet appearance=bump mole_change=none duration=years"},
	{"keratosis-pilaris", 1, "age=teen location=arms_hands appearance=tiny_bumps duration=years"},
	{"lipoma", 1, "age=adult location=trunk appearance=lump duration=years pain=none"},
	{"cellulitis", 1, "age=senior location=legs_feet appearance=red_swollen swelling=none duration=days pain=severe spreading=fast fever=ill"},
}

// parseAnswers turns "q=a+b q2=c" into an answers map.
func parseAnswers(s string) map[string][]string {
	out := map[string][]string{}
	for _, f := range strings.Fields(s) {
		q, a, _ := strings.Cut(f, "=")
		out[q] = strings.Split(a, "+")
	}
	return out
}

func TestScenarios(t *testing.T) {
	cat := mustLoad(t)
	w := cat.Wizard()
	seen := map[string]bool{}
	for _, sc := range scenarios {
		seen[sc.want] = true
		t.Run(sc.want, func(t *testing.T) {
			answers := with(parseAnswers(sc.answers), map[string][]string{FinishKey: {"yes"}})
			st := step(t, w, LangNL, answers)
			checkResults(t, st)
			got := slugs(st.Results)
			if i := slices.Index(got, sc.want); i < 0 || i >= sc.top {
				t.Errorf("%s not in top %d: %v", sc.want, sc.top, got)
			}
		})
	}
	for _, c := range cat.All() {
		if !seen[c.Slug] {
			t.Errorf("no scenario for %s", c.Slug)
		}
	}
}
