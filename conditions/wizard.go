package conditions

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Question kinds.
const (
	// KindSingle questions take exactly one answer.
	KindSingle = "single"
	// KindMulti questions take one or more answers.
	KindMulti = "multi"
)

// Urgency levels of UrgentAdvice, most severe first.
const (
	// LevelEmergency means: call 112 or the GP's emergency line now.
	LevelEmergency = "emergency"
	// LevelSoon means: see a doctor soon; the advice text says how soon.
	LevelSoon = "soon"
)

// AnswerSkip is the answer id that means "don't know / skip this question".
// Every question accepts it, always on its own. A skipped question counts as
// answered and adds nothing to any score.
const AnswerSkip = "skip"

// FinishKey is a reserved key in the answers map: present (with no value or
// the single value "yes") it asks for results now, even when visible
// questions are still unanswered.
const FinishKey = "finish"

// MaxResults is the maximum number of matches a Step returns.
const MaxResults = 8

// Reasons an AnswerError can carry.
const (
	// ReasonUnknownQuestion: the key is not a question id (nor FinishKey).
	ReasonUnknownQuestion = "unknown question"
	// ReasonUnknownAnswer: the answer id does not belong to the question.
	ReasonUnknownAnswer = "unknown answer"
	// ReasonNoAnswer: the question is present with an empty list.
	ReasonNoAnswer = "no answer given"
	// ReasonTooManyAnswers: a single-choice question got several answers.
	ReasonTooManyAnswers = "question takes exactly one answer"
	// ReasonDuplicateAnswer: the same answer id was given twice.
	ReasonDuplicateAnswer = "answer given more than once"
	// ReasonExclusiveAnswer: an exclusive answer (or AnswerSkip) was
	// combined with other answers.
	ReasonExclusiveAnswer = "answer cannot be combined with other answers"
	// ReasonNotApplicable: the question is hidden by the earlier answers
	// (its show_if does not hold), so it must not be answered.
	ReasonNotApplicable = "question does not apply to the earlier answers"
	// ReasonBadFinish: FinishKey was given a value other than "yes".
	ReasonBadFinish = `finish takes no value or the single value "yes"`
)

// AnswerError reports an invalid answers map given to Wizard.Step.
type AnswerError struct {
	// Question is the question id (or map key) that is wrong.
	Question string `json:"question"`
	// Answer is the offending answer id, if one answer is to blame.
	Answer string `json:"answer,omitempty"`
	// Reason is one of the Reason… constants.
	Reason string `json:"reason"`
}

// Error implements error.
func (e *AnswerError) Error() string {
	if e.Answer != "" {
		return fmt.Sprintf("dermawizard: question %q, answer %q: %s", e.Question, e.Answer, e.Reason)
	}
	return fmt.Sprintf("dermawizard: question %q: %s", e.Question, e.Reason)
}

// Bilingual is a short text in Dutch and English.
type Bilingual struct {
	// NL is the Dutch text.
	NL string `yaml:"nl" json:"nl"`
	// EN is the English text.
	EN string `yaml:"en" json:"en"`
}

// In returns the text in lang; other languages fall back to Dutch.
func (b Bilingual) In(lang string) string {
	if normLang(lang) == LangEN {
		return b.EN
	}
	return b.NL
}

// complete reports whether both languages are filled in.
func (b Bilingual) complete() bool {
	return strings.TrimSpace(b.NL) != "" && strings.TrimSpace(b.EN) != ""
}

// Answer is one possible answer to a Question.
type Answer struct {
	// ID is the stable answer id, unique within its question.
	ID string `yaml:"id" json:"id"`
	// Text is the answer as shown to the patient.
	Text Bilingual `yaml:"text" json:"text"`
	// Short is a short label used in match reasons ("Past bij: gezicht").
	Short Bilingual `yaml:"short" json:"short"`
	// Exclusive answers ("none of these") cannot be combined with others.
	Exclusive bool `yaml:"exclusive,omitempty" json:"exclusive,omitempty"`
}

// Clause holds when the answers to Question include at least one of AnyOf.
type Clause struct {
	// Question is a question id.
	Question string `yaml:"question" json:"question"`
	// AnyOf lists answer ids of Question.
	AnyOf []string `yaml:"any_of" json:"any_of"`
}

// holds reports whether the clause holds for answers.
func (c Clause) holds(answers map[string][]string) bool {
	for _, a := range answers[c.Question] {
		if slices.Contains(c.AnyOf, a) {
			return true
		}
	}
	return false
}

// Question is one DermaWizard question.
type Question struct {
	// ID is the stable question id.
	ID string `yaml:"id" json:"id"`
	// Kind is KindSingle or KindMulti.
	Kind string `yaml:"kind" json:"kind"`
	// Text is the question as shown to the patient.
	Text Bilingual `yaml:"text" json:"text"`
	// Answers are the possible answers (AnswerSkip is implied).
	Answers []Answer `yaml:"answers" json:"answers"`
	// ShowIf, when not empty, shows the question only if at least one clause
	// holds. Clauses refer to earlier questions only.
	ShowIf []Clause `yaml:"show_if,omitempty" json:"show_if,omitempty"`
	// MismatchPenalty is subtracted from a condition's score when its
	// profile lists this question but none of the given answers fits.
	MismatchPenalty float64 `yaml:"mismatch_penalty" json:"mismatch_penalty"`
}

// answer returns the answer with the given id.
func (q Question) answer(id string) (Answer, bool) {
	for _, a := range q.Answers {
		if a.ID == id {
			return a, true
		}
	}
	return Answer{}, false
}

// visible reports whether the question is shown for answers.
func (q Question) visible(answers map[string][]string) bool {
	if len(q.ShowIf) == 0 {
		return true
	}
	for _, c := range q.ShowIf {
		if c.holds(answers) {
			return true
		}
	}
	return false
}

// RedFlag is a data-driven rule that turns certain answers into urgent
// advice. It fires when every clause in When holds.
type RedFlag struct {
	// ID is the stable rule id.
	ID string `yaml:"id" json:"id"`
	// Level is LevelEmergency or LevelSoon.
	Level string `yaml:"level" json:"level"`
	// When lists clauses that must all hold.
	When []Clause `yaml:"when" json:"when"`
	// Conditions are slugs that are marked urgent (and always listed) when
	// the rule fires. It may be empty.
	Conditions []string `yaml:"conditions" json:"conditions"`
	// ConsultationTypes replaces the profile's consultation types of the
	// flagged conditions. Empty means: no online consultation fits.
	ConsultationTypes []string `yaml:"consultation_types" json:"consultation_types"`
	// Reason is a short label added to the reasons of flagged matches.
	Reason Bilingual `yaml:"reason" json:"reason"`
	// Text is the advice shown to the patient.
	Text Bilingual `yaml:"text" json:"text"`
}

// fires reports whether every clause holds for answers.
func (r RedFlag) fires(answers map[string][]string) bool {
	for _, c := range r.When {
		if !c.holds(answers) {
			return false
		}
	}
	return true
}

// uiTexts are the fixed interface texts of the wizard.
type uiTexts struct {
	Disclaimer Bilingual `yaml:"disclaimer"`
	Fits       Bilingual `yaml:"fits"`
	FitsLess   Bilingual `yaml:"fits_less"`
	Skip       Bilingual `yaml:"skip"`
}

// wizardData is the layout of wizard.yaml.
type wizardData struct {
	UI        uiTexts    `yaml:"ui"`
	Questions []Question `yaml:"questions"`
	RedFlags  []RedFlag  `yaml:"red_flags"`
}

// Wizard is the stateless DermaWizard. It is safe for concurrent use.
type Wizard struct {
	ui         uiTexts
	questions  []Question
	qIndex     map[string]int
	flags      []RedFlag
	conditions []Condition // shared with the Catalog, read-only
}

// newWizard builds and validates the wizard; problems are returned, not
// fatal, so that LoadFS can report them all.
func newWizard(d wizardData) (*Wizard, []error) {
	var errs []error
	w := &Wizard{ui: d.UI, questions: d.Questions, qIndex: map[string]int{}, flags: d.RedFlags}

	for _, f := range []struct {
		name string
		text Bilingual
	}{
		{"ui.disclaimer", d.UI.Disclaimer}, {"ui.fits", d.UI.Fits},
		{"ui.fits_less", d.UI.FitsLess}, {"ui.skip", d.UI.Skip},
	} {
		if !f.text.complete() {
			errs = append(errs, fmt.Errorf("%s needs text in nl and en", f.name))
		}
	}
	if len(d.Questions) == 0 {
		errs = append(errs, errors.New("no questions"))
	}
	for i, q := range d.Questions {
		where := fmt.Sprintf("questions[%d] (%s)", i, q.ID)
		if !idPattern.MatchString(q.ID) || q.ID == FinishKey {
			errs = append(errs, fmt.Errorf("%s: invalid question id %q", where, q.ID))
		}
		if _, dup := w.qIndex[q.ID]; dup {
			errs = append(errs, fmt.Errorf("%s: duplicate question id", where))
		}
		if q.Kind != KindSingle && q.Kind != KindMulti {
			errs = append(errs, fmt.Errorf("%s: kind must be %q or %q, not %q", where, KindSingle, KindMulti, q.Kind))
		}
		if !q.Text.complete() {
			errs = append(errs, fmt.Errorf("%s: text needs nl and en", where))
		}
		if q.MismatchPenalty < 0 || math.IsNaN(q.MismatchPenalty) || math.IsInf(q.MismatchPenalty, 0) {
			errs = append(errs, fmt.Errorf("%s: mismatch_penalty must be a number ≥ 0", where))
		}
		if len(q.Answers) < 2 {
			errs = append(errs, fmt.Errorf("%s: needs at least two answers", where))
		}
		seen := map[string]bool{}
		for _, a := range q.Answers {
			if !idPattern.MatchString(a.ID) || a.ID == AnswerSkip {
				errs = append(errs, fmt.Errorf("%s: invalid answer id %q", where, a.ID))
			}
			if seen[a.ID] {
				errs = append(errs, fmt.Errorf("%s: duplicate answer id %q", where, a.ID))
			}
			seen[a.ID] = true
			if !a.Text.complete() || !a.Short.complete() {
				errs = append(errs, fmt.Errorf("%s: answer %q needs text and short in nl and en", where, a.ID))
			}
			if a.Exclusive && q.Kind != KindMulti {
				errs = append(errs, fmt.Errorf("%s: answer %q: exclusive only makes sense in a multi question", where, a.ID))
			}
		}
		for _, c := range q.ShowIf {
			j, ok := w.qIndex[c.Question] // only earlier questions are indexed yet
			if !ok {
				errs = append(errs, fmt.Errorf("%s: show_if refers to %q, which is not an earlier question", where, c.Question))
				continue
			}
			errs = append(errs, checkClause(where+": show_if", w.questions[j], c)...)
		}
		w.qIndex[q.ID] = i
	}

	flagIDs := map[string]bool{}
	for i, r := range d.RedFlags {
		where := fmt.Sprintf("red_flags[%d] (%s)", i, r.ID)
		if !idPattern.MatchString(r.ID) || flagIDs[r.ID] {
			errs = append(errs, fmt.Errorf("%s: invalid or duplicate id", where))
		}
		flagIDs[r.ID] = true
		if r.Level != LevelEmergency && r.Level != LevelSoon {
			errs = append(errs, fmt.Errorf("%s: level must be %q or %q", where, LevelEmergency, LevelSoon))
		}
		if len(r.When) == 0 {
			errs = append(errs, fmt.Errorf("%s: when is empty", where))
		}
		for _, c := range r.When {
			q, ok := w.question(c.Question)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: unknown question %q", where, c.Question))
				continue
			}
			errs = append(errs, checkClause(where, q, c)...)
		}
		if r.ConsultationTypes == nil {
			errs = append(errs, fmt.Errorf("%s: consultation_types is required (use [] for none)", where))
		}
		for _, t := range r.ConsultationTypes {
			if !consultationTypes[t] {
				errs = append(errs, fmt.Errorf("%s: unknown consultation type %q", where, t))
			}
		}
		if !r.Text.complete() || !r.Reason.complete() {
			errs = append(errs, fmt.Errorf("%s: text and reason need nl and en", where))
		}
	}
	return w, errs
}

// checkClause validates a clause against its question.
func checkClause(where string, q Question, c Clause) []error {
	var errs []error
	if len(c.AnyOf) == 0 {
		errs = append(errs, fmt.Errorf("%s: clause on %q has no answers", where, c.Question))
	}
	for _, a := range c.AnyOf {
		if _, ok := q.answer(a); !ok {
			errs = append(errs, fmt.Errorf("%s: question %q has no answer %q", where, q.ID, a))
		}
	}
	return errs
}

// checkConditionRefs verifies that red flags name existing conditions.
func (w *Wizard) checkConditionRefs(slugs map[string]int) []error {
	var errs []error
	for _, r := range w.flags {
		for _, s := range r.Conditions {
			if _, ok := slugs[s]; !ok {
				errs = append(errs, fmt.Errorf("red flag %q: unknown condition %q", r.ID, s))
			}
		}
	}
	return errs
}

// question returns the question with the given id.
func (w *Wizard) question(id string) (Question, bool) {
	i, ok := w.qIndex[id]
	if !ok {
		return Question{}, false
	}
	return w.questions[i], true
}

// Questions returns all questions in the order they are asked (a copy).
func (w *Wizard) Questions() []Question {
	out := make([]Question, len(w.questions))
	for i, q := range w.questions {
		q.Answers = slices.Clone(q.Answers)
		q.ShowIf = slices.Clone(q.ShowIf)
		out[i] = q
	}
	return out
}

// RedFlags returns all red-flag rules in data order (a copy).
func (w *Wizard) RedFlags() []RedFlag {
	out := make([]RedFlag, len(w.flags))
	for i, r := range w.flags {
		r.When = slices.Clone(r.When)
		r.Conditions = slices.Clone(r.Conditions)
		r.ConsultationTypes = slices.Clone(r.ConsultationTypes)
		out[i] = r
	}
	return out
}

// Step is the wizard's answer to one request: either the next question or
// the results, always with the disclaimer.
type Step struct {
	// Lang is the language of all texts in the step ("nl" or "en").
	Lang string `json:"lang"`
	// Done is true when Results are given instead of a next Question.
	Done bool `json:"done"`
	// Question is the next question to ask, when not Done.
	Question *StepQuestion `json:"question,omitempty"`
	// Results are the ranked matches, when Done: urgent ones first, then by
	// score (high to low), then by slug. At most MaxResults.
	Results []Match `json:"results"`
	// Urgent is the most severe red flag that fired, if any.
	Urgent *UrgentAdvice `json:"urgent,omitempty"`
	// RedFlags lists every red flag that fired, most severe first.
	RedFlags []UrgentAdvice `json:"red_flags"`
	// Disclaimer says the wizard is not a diagnosis and not for emergencies.
	Disclaimer string `json:"disclaimer"`
	// Progress counts answered and currently visible questions.
	Progress Progress `json:"progress"`
}

// StepQuestion is a question localized for one Step.
type StepQuestion struct {
	// ID is the question id to use as key in the answers map.
	ID string `json:"id"`
	// Kind is KindSingle or KindMulti.
	Kind string `json:"kind"`
	// Text is the localized question.
	Text string `json:"text"`
	// Answers are the localized answers; the last one is AnswerSkip.
	Answers []StepAnswer `json:"answers"`
}

// StepAnswer is one localized answer option.
type StepAnswer struct {
	// ID is the answer id.
	ID string `json:"id"`
	// Text is the localized answer.
	Text string `json:"text"`
	// Exclusive answers cannot be combined with others.
	Exclusive bool `json:"exclusive,omitempty"`
}

// Match is one ranked condition in the results.
type Match struct {
	// Slug identifies the condition.
	Slug string `json:"slug"`
	// Name is the localized name.
	Name string `json:"name"`
	// Score is the fit in points (higher fits better); it is only
	// meaningful relative to other matches of the same Step.
	Score float64 `json:"score"`
	// Reasons are localized explanations, e.g. "Past bij: gezicht, puistjes".
	Reasons []string `json:"reasons"`
	// ConsultationTypes are the consultation types that fit, best first.
	// Empty means no online consultation fits (e.g. an emergency).
	ConsultationTypes []string `json:"consultation_types"`
	// Urgent is true when a red flag that fired names this condition.
	Urgent bool `json:"urgent"`
}

// UrgentAdvice is a fired red flag, localized.
type UrgentAdvice struct {
	// Rule is the red flag id.
	Rule string `json:"rule"`
	// Level is LevelEmergency or LevelSoon.
	Level string `json:"level"`
	// Text is the localized advice.
	Text string `json:"text"`
}

// Progress counts how far the patient is.
type Progress struct {
	// Answered is the number of visible questions answered (or skipped).
	Answered int `json:"answered"`
	// Total is the number of questions visible for the current answers.
	Total int `json:"total"`
}

// Step validates answers (question id → answer ids) and returns the next
// visible, unanswered question, or the results when all visible questions are
// answered, when FinishKey is given, or when an emergency red flag fired (the
// patient should act now rather than answer more questions). Invalid answers
// give an *AnswerError. Step does not change the Wizard and is deterministic.
func (w *Wizard) Step(lang string, answers map[string][]string) (Step, error) {
	lang = normLang(lang)
	finish, err := w.validate(answers)
	if err != nil {
		return Step{}, err
	}

	st := Step{Lang: lang, Disclaimer: w.ui.Disclaimer.In(lang), RedFlags: []UrgentAdvice{}}
	var next *Question
	for i := range w.questions {
		q := &w.questions[i]
		if !q.visible(answers) {
			continue
		}
		st.Progress.Total++
		if _, ok := answers[q.ID]; ok {
			st.Progress.Answered++
		} else if next == nil {
			next = q
		}
	}

	fired := w.fired(answers)
	for _, r := range fired {
		st.RedFlags = append(st.RedFlags, UrgentAdvice{Rule: r.ID, Level: r.Level, Text: r.Text.In(lang)})
	}
	emergency := false
	if len(st.RedFlags) > 0 {
		u := st.RedFlags[0]
		st.Urgent = &u
		emergency = u.Level == LevelEmergency
	}

	if next != nil && !finish && !emergency {
		st.Question = w.localize(lang, next)
		return st, nil
	}
	st.Done = true
	st.Results = w.rank(lang, answers, fired, emergency)
	return st, nil
}

// validate checks the answers map and reports whether FinishKey was given.
func (w *Wizard) validate(answers map[string][]string) (bool, error) {
	finish := false
	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == FinishKey {
			v := answers[k]
			if len(v) > 1 || (len(v) == 1 && v[0] != "yes") {
				return false, &AnswerError{Question: k, Reason: ReasonBadFinish}
			}
			finish = true
			continue
		}
		if _, ok := w.qIndex[k]; !ok {
			return false, &AnswerError{Question: k, Reason: ReasonUnknownQuestion}
		}
	}
	// In question order, so that visibility only depends on checked answers.
	for _, q := range w.questions {
		given, ok := answers[q.ID]
		if !ok {
			continue
		}
		if !q.visible(answers) {
			return false, &AnswerError{Question: q.ID, Reason: ReasonNotApplicable}
		}
		if len(given) == 0 {
			return false, &AnswerError{Question: q.ID, Reason: ReasonNoAnswer}
		}
		seen := map[string]bool{}
		for _, a := range given {
			if seen[a] {
				return false, &AnswerError{Question: q.ID, Answer: a, Reason: ReasonDuplicateAnswer}
			}
			seen[a] = true
			if a == AnswerSkip {
				continue
			}
			if _, ok := q.answer(a); !ok {
				return false, &AnswerError{Question: q.ID, Answer: a, Reason: ReasonUnknownAnswer}
			}
		}
		if q.Kind == KindSingle && len(given) > 1 {
			return false, &AnswerError{Question: q.ID, Reason: ReasonTooManyAnswers}
		}
		if len(given) > 1 {
			for _, a := range given {
				def, _ := q.answer(a)
				if a == AnswerSkip || def.Exclusive {
					return false, &AnswerError{Question: q.ID, Answer: a, Reason: ReasonExclusiveAnswer}
				}
			}
		}
	}
	return finish, nil
}

// localize renders a question for lang, with the skip answer last.
func (w *Wizard) localize(lang string, q *Question) *StepQuestion {
	sq := &StepQuestion{ID: q.ID, Kind: q.Kind, Text: q.Text.In(lang)}
	for _, a := range q.Answers {
		sq.Answers = append(sq.Answers, StepAnswer{ID: a.ID, Text: a.Text.In(lang), Exclusive: a.Exclusive})
	}
	sq.Answers = append(sq.Answers, StepAnswer{ID: AnswerSkip, Text: w.ui.Skip.In(lang), Exclusive: true})
	return sq
}

// fired returns the red flags that fire, emergencies first, otherwise in
// data order.
func (w *Wizard) fired(answers map[string][]string) []RedFlag {
	var out []RedFlag
	for _, r := range w.flags {
		if r.fires(answers) {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Level == LevelEmergency && out[j].Level != LevelEmergency
	})
	return out
}

// hit is one answer that counted for or against a condition.
type hit struct {
	weight float64
	order  int // question index, then answer index, for stable reasons
	label  string
}

// score computes a condition's points and the answers behind them.
func (w *Wizard) score(lang string, c *Condition, answers map[string][]string) (float64, []hit, []hit) {
	total := 0.0
	var pros, cons []hit
	for qi, q := range w.questions {
		given, ok := answers[q.ID]
		if !ok || (len(given) == 1 && given[0] == AnswerSkip) {
			continue
		}
		signs, listed := c.Profile.Signs[q.ID]
		if !listed {
			continue
		}
		var pos []float64
		for _, a := range given {
			wt, ok := signs[a]
			if !ok {
				continue
			}
			ai := 0
			label := a
			for k, def := range q.Answers {
				if def.ID == a {
					ai, label = k, def.Short.In(lang)
				}
			}
			h := hit{weight: wt, order: qi*1000 + ai, label: label}
			if wt > 0 {
				pos = append(pos, wt)
				pros = append(pros, h)
			} else {
				total += wt
				cons = append(cons, h)
			}
		}
		if len(pos) == 0 {
			total -= q.MismatchPenalty
			continue
		}
		// The best fitting answer counts fully, further ones by half, so
		// that ticking many boxes does not inflate a score.
		sort.Sort(sort.Reverse(sort.Float64Slice(pos)))
		total += pos[0]
		for _, p := range pos[1:] {
			total += p / 2
		}
	}
	return total, pros, cons
}

// rank scores all conditions and returns the top matches.
func (w *Wizard) rank(lang string, answers map[string][]string, fired []RedFlag, emergency bool) []Match {
	flaggedBy := map[string]RedFlag{}
	for _, r := range fired {
		for _, s := range r.Conditions {
			if _, done := flaggedBy[s]; !done {
				flaggedBy[s] = r // most severe rule first
			}
		}
	}

	matches := []Match{}
	for i := range w.conditions {
		c := &w.conditions[i]
		raw, pros, cons := w.score(lang, c, answers)
		s := math.Round(raw*100) / 100
		rule, urgent := flaggedBy[c.Slug]
		if s <= 0 && !urgent {
			continue
		}
		m := Match{
			Slug:              c.Slug,
			Name:              c.Text(lang).Name,
			Score:             math.Max(s, 0),
			Reasons:           []string{},
			ConsultationTypes: slices.Clone(c.Profile.ConsultationTypes),
			Urgent:            urgent,
		}
		if urgent {
			m.Reasons = append(m.Reasons, rule.Reason.In(lang))
			m.ConsultationTypes = slices.Clone(rule.ConsultationTypes)
		}
		if emergency {
			m.ConsultationTypes = []string{}
		}
		if m.ConsultationTypes == nil {
			m.ConsultationTypes = []string{}
		}
		if r := reasonLine(w.ui.Fits.In(lang), pros); r != "" {
			m.Reasons = append(m.Reasons, r)
		}
		if r := reasonLine(w.ui.FitsLess.In(lang), cons); r != "" {
			m.Reasons = append(m.Reasons, r)
		}
		matches = append(matches, m)
	}
	sort.Slice(matches, func(i, j int) bool {
		a, b := matches[i], matches[j]
		if a.Urgent != b.Urgent {
			return a.Urgent
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.Slug < b.Slug
	})
	if len(matches) > MaxResults {
		matches = matches[:MaxResults]
	}
	return matches
}

// reasonLine renders "Prefix: a, b, c" from the strongest hits (at most 5),
// listed in question order.
func reasonLine(prefix string, hits []hit) string {
	if len(hits) == 0 {
		return ""
	}
	sort.SliceStable(hits, func(i, j int) bool {
		wi, wj := math.Abs(hits[i].weight), math.Abs(hits[j].weight)
		if wi != wj {
			return wi > wj
		}
		return hits[i].order < hits[j].order
	})
	if len(hits) > 5 {
		hits = hits[:5]
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].order < hits[j].order })
	labels := make([]string, len(hits))
	for i, h := range hits {
		labels[i] = h.label
	}
	return prefix + ": " + strings.Join(labels, ", ")
}
