package conditions

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

// Supported content languages. Any other language falls back to LangNL.
const (
	// LangNL is Dutch, the default language.
	LangNL = "nl"
	// LangEN is English.
	LangEN = "en"
)

// Consultation types a condition profile or red-flag rule can recommend.
// They match the four consultation types of the platform.
const (
	// ConsultEmailAdvice is written advice by email (never a prescription).
	ConsultEmailAdvice = "email_advice"
	// ConsultVideo is a scheduled video consultation.
	ConsultVideo = "video"
	// ConsultWalkIn is an online walk-in video consultation without appointment.
	ConsultWalkIn = "walk_in"
	// ConsultInPerson is a visit to the practice.
	ConsultInPerson = "in_person"
)

// consultationTypes is the set of valid consultation type values.
var consultationTypes = map[string]bool{
	ConsultEmailAdvice: true,
	ConsultVideo:       true,
	ConsultWalkIn:      true,
	ConsultInPerson:    true,
}

//go:embed wizard.yaml content/*.yaml
var embedded embed.FS

// wizardFile and contentGlob locate the data inside the file system given to
// LoadFS.
const (
	wizardFile  = "wizard.yaml"
	contentGlob = "content/*.yaml"
)

var (
	slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	idPattern   = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
)

// LocalizedText is the patient-facing text of one condition in one language.
type LocalizedText struct {
	// Name is the everyday name, e.g. "Wratten" or "Warts".
	Name string `yaml:"name" json:"name"`
	// Synonyms are other names patients or doctors use.
	Synonyms []string `yaml:"synonyms" json:"synonyms"`
	// Summary is one or two sentences for lists and search results.
	Summary string `yaml:"summary" json:"summary"`
	// WhatItIs explains the condition.
	WhatItIs string `yaml:"what_it_is" json:"what_it_is"`
	// Symptoms describes what patients notice.
	Symptoms string `yaml:"symptoms" json:"symptoms"`
	// Causes describes causes and risk factors.
	Causes string `yaml:"causes" json:"causes"`
	// SelfCare lists what patients can do themselves.
	SelfCare string `yaml:"self_care" json:"self_care"`
	// Treatment describes what a doctor may offer.
	Treatment string `yaml:"treatment" json:"treatment"`
	// WhenToSeeADoctor says when to get medical help.
	WhenToSeeADoctor string `yaml:"when_to_see_a_doctor" json:"when_to_see_a_doctor"`
}

// Profile is the DermaWizard data of one condition.
type Profile struct {
	// ConsultationTypes lists the consultation types that fit this
	// condition, most suitable first. It may be empty.
	ConsultationTypes []string `yaml:"consultation_types" json:"consultation_types"`
	// Signs maps question id → answer id → weight. A positive weight means
	// the answer fits the condition, a negative one that it argues against
	// it. A question listed here whose answers all miss costs the question's
	// mismatch penalty.
	Signs map[string]map[string]float64 `yaml:"signs" json:"signs"`
}

// Condition is one skin condition with its text in both languages.
type Condition struct {
	// Slug is the stable English kebab-case identifier, e.g. "plantar-warts".
	Slug string `yaml:"slug" json:"slug"`
	// NL is the Dutch text.
	NL LocalizedText `yaml:"nl" json:"nl"`
	// EN is the English text.
	EN LocalizedText `yaml:"en" json:"en"`
	// Profile is the DermaWizard profile.
	Profile Profile `yaml:"profile" json:"profile"`
}

// Text returns the text in lang ("nl" or "en"); other languages fall back to
// Dutch.
func (c Condition) Text(lang string) LocalizedText {
	if normLang(lang) == LangEN {
		return c.EN
	}
	return c.NL
}

// Letter returns the A–Z letter under which the condition is listed in lang:
// the first letter of the localized name, upper-cased, with accents removed
// ("É" → "E"). A name that does not start with a Latin letter gives "#".
func (c Condition) Letter(lang string) string {
	return letterOf(c.Text(lang).Name)
}

// clone returns a deep copy, so callers cannot change the catalog.
func (c Condition) clone() Condition {
	out := c
	out.NL.Synonyms = slices.Clone(c.NL.Synonyms)
	out.EN.Synonyms = slices.Clone(c.EN.Synonyms)
	out.Profile.ConsultationTypes = slices.Clone(c.Profile.ConsultationTypes)
	out.Profile.Signs = make(map[string]map[string]float64, len(c.Profile.Signs))
	for q, m := range c.Profile.Signs {
		inner := make(map[string]float64, len(m))
		for a, w := range m {
			inner[a] = w
		}
		out.Profile.Signs[q] = inner
	}
	return out
}

// LetterGroup is one letter of the A–Z index with its conditions, sorted by
// localized name.
type LetterGroup struct {
	// Letter is "A" … "Z" (or "#").
	Letter string `json:"letter"`
	// Conditions are the conditions whose localized name starts with Letter.
	Conditions []Condition `json:"conditions"`
}

// Catalog is the validated, read-only set of conditions and the DermaWizard.
// It is safe for concurrent use.
type Catalog struct {
	conditions []Condition // sorted by slug
	bySlug     map[string]int
	wizard     *Wizard
}

// Load parses and validates the embedded content.
func Load() (*Catalog, error) {
	return LoadFS(embedded)
}

// LoadFS parses and validates content from fsys, which must hold wizard.yaml
// and content/<slug>.yaml files in the layout of this package. Every problem
// found is reported, joined into one error.
func LoadFS(fsys fs.FS) (*Catalog, error) {
	var errs []error

	raw, err := fs.ReadFile(fsys, wizardFile)
	if err != nil {
		return nil, fmt.Errorf("conditions: read %s: %w", wizardFile, err)
	}
	var wd wizardData
	if err := decodeStrict(raw, &wd); err != nil {
		return nil, fmt.Errorf("conditions: parse %s: %w", wizardFile, err)
	}
	wiz, werrs := newWizard(wd)
	for _, e := range werrs {
		errs = append(errs, fmt.Errorf("%s: %w", wizardFile, e))
	}

	files, err := fs.Glob(fsys, contentGlob)
	if err != nil {
		return nil, fmt.Errorf("conditions: list content: %w", err)
	}
	if len(files) == 0 {
		errs = append(errs, fmt.Errorf("%s: no condition files found", contentGlob))
	}
	sort.Strings(files)

	cat := &Catalog{bySlug: make(map[string]int, len(files)), wizard: wiz}
	for _, name := range files {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: read: %w", name, err))
			continue
		}
		var c Condition
		if err := decodeStrict(raw, &c); err != nil {
			errs = append(errs, fmt.Errorf("%s: parse: %w", name, err))
			continue
		}
		for _, e := range validateCondition(c, name, wiz) {
			errs = append(errs, fmt.Errorf("%s: %w", name, e))
		}
		if _, dup := cat.bySlug[c.Slug]; dup && c.Slug != "" {
			errs = append(errs, fmt.Errorf("%s: duplicate slug %q", name, c.Slug))
			continue
		}
		cat.bySlug[c.Slug] = len(cat.conditions)
		cat.conditions = append(cat.conditions, c)
	}

	for _, e := range wiz.checkConditionRefs(cat.bySlug) {
		errs = append(errs, fmt.Errorf("%s: %w", wizardFile, e))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("conditions: invalid content: %w", errors.Join(errs...))
	}

	sort.Slice(cat.conditions, func(i, j int) bool { return cat.conditions[i].Slug < cat.conditions[j].Slug })
	for i, c := range cat.conditions {
		cat.bySlug[c.Slug] = i
	}
	wiz.conditions = cat.conditions
	return cat, nil
}

// All returns every condition, sorted by slug.
func (c *Catalog) All() []Condition {
	out := make([]Condition, len(c.conditions))
	for i, cond := range c.conditions {
		out[i] = cond.clone()
	}
	return out
}

// Get returns the condition with the given slug.
func (c *Catalog) Get(slug string) (Condition, bool) {
	i, ok := c.bySlug[slug]
	if !ok {
		return Condition{}, false
	}
	return c.conditions[i].clone(), true
}

// Wizard returns the DermaWizard that ranks this catalog's conditions.
func (c *Catalog) Wizard() *Wizard {
	return c.wizard
}

// ByLetter returns the A–Z index in lang: one group per letter that has
// conditions, letters in order, conditions in a group sorted by their
// localized name (accents ignored).
func (c *Catalog) ByLetter(lang string) []LetterGroup {
	byLetter := map[string][]Condition{}
	for _, cond := range c.conditions {
		l := cond.Letter(lang)
		byLetter[l] = append(byLetter[l], cond.clone())
	}
	letters := make([]string, 0, len(byLetter))
	for l := range byLetter {
		letters = append(letters, l)
	}
	sort.Strings(letters) // "#" sorts before "A"
	out := make([]LetterGroup, 0, len(letters))
	for _, l := range letters {
		group := byLetter[l]
		sort.SliceStable(group, func(i, j int) bool {
			a, b := foldKey(group[i].Text(lang).Name), foldKey(group[j].Text(lang).Name)
			if a != b {
				return a < b
			}
			return group[i].Slug < group[j].Slug
		})
		out = append(out, LetterGroup{Letter: l, Conditions: group})
	}
	return out
}

// validateCondition checks one parsed condition file.
func validateCondition(c Condition, file string, wiz *Wizard) []error {
	var errs []error
	if !slugPattern.MatchString(c.Slug) {
		errs = append(errs, fmt.Errorf("slug %q is not lower-case kebab-case", c.Slug))
	} else if want := strings.TrimSuffix(path.Base(file), ".yaml"); want != c.Slug {
		errs = append(errs, fmt.Errorf("slug %q does not match file name %q", c.Slug, path.Base(file)))
	}
	for _, lt := range []struct {
		lang string
		text LocalizedText
	}{{LangNL, c.NL}, {LangEN, c.EN}} {
		fields := []struct{ name, value string }{
			{"name", lt.text.Name},
			{"summary", lt.text.Summary},
			{"what_it_is", lt.text.WhatItIs},
			{"symptoms", lt.text.Symptoms},
			{"causes", lt.text.Causes},
			{"self_care", lt.text.SelfCare},
			{"treatment", lt.text.Treatment},
			{"when_to_see_a_doctor", lt.text.WhenToSeeADoctor},
		}
		for _, f := range fields {
			if strings.TrimSpace(f.value) == "" {
				errs = append(errs, fmt.Errorf("%s.%s is empty", lt.lang, f.name))
			}
		}
		for i, s := range lt.text.Synonyms {
			if strings.TrimSpace(s) == "" {
				errs = append(errs, fmt.Errorf("%s.synonyms[%d] is empty", lt.lang, i))
			}
		}
		if lt.text.Name != "" && letterOf(lt.text.Name) == "#" {
			errs = append(errs, fmt.Errorf("%s.name %q does not start with a letter A–Z", lt.lang, lt.text.Name))
		}
	}
	seen := map[string]bool{}
	for _, t := range c.Profile.ConsultationTypes {
		if !consultationTypes[t] {
			errs = append(errs, fmt.Errorf("profile.consultation_types: unknown type %q", t))
		}
		if seen[t] {
			errs = append(errs, fmt.Errorf("profile.consultation_types: %q listed twice", t))
		}
		seen[t] = true
	}
	if len(c.Profile.Signs) == 0 {
		errs = append(errs, errors.New("profile.signs is empty"))
	}
	positive := false
	qids := make([]string, 0, len(c.Profile.Signs))
	for qid := range c.Profile.Signs {
		qids = append(qids, qid)
	}
	sort.Strings(qids)
	for _, qid := range qids {
		answers := c.Profile.Signs[qid]
		q, ok := wiz.question(qid)
		if !ok {
			errs = append(errs, fmt.Errorf("profile.signs: unknown question %q", qid))
			continue
		}
		aids := make([]string, 0, len(answers))
		for aid := range answers {
			aids = append(aids, aid)
		}
		sort.Strings(aids)
		for _, aid := range aids {
			w := answers[aid]
			if _, ok := q.answer(aid); !ok {
				errs = append(errs, fmt.Errorf("profile.signs.%s: unknown answer %q", qid, aid))
			}
			if math.IsNaN(w) || math.IsInf(w, 0) || w == 0 {
				errs = append(errs, fmt.Errorf("profile.signs.%s.%s: weight must be a non-zero number", qid, aid))
			}
			if w > 0 {
				positive = true
			}
		}
	}
	if len(c.Profile.Signs) > 0 && !positive {
		errs = append(errs, errors.New("profile.signs has no positive weight, so the wizard can never suggest it"))
	}
	return errs
}

// decodeStrict decodes one YAML document, rejecting unknown fields.
func decodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty document")
		}
		return fmt.Errorf("decode yaml: %w", err)
	}
	return nil
}

// normLang maps a language tag ("en", "en-GB", "NL") to LangNL or LangEN.
func normLang(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	if l == LangEN {
		return LangEN
	}
	return LangNL
}

// foldKey returns s in lower case without diacritics, for sorting.
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// letterOf returns the folded first letter of name, or "#".
func letterOf(name string) string {
	key := []rune(foldKey(strings.TrimSpace(name)))
	switch {
	case len(key) == 0:
		return "#"
	case key[0] == 'ĳ':
		return "I"
	case key[0] >= 'a' && key[0] <= 'z':
		return string(unicode.ToUpper(key[0]))
	}
	return "#"
}
