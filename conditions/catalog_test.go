package conditions

import (
	"io/fs"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"
)

// mustLoad loads the embedded catalog or stops the test.
func mustLoad(t testing.TB) *Catalog {
	t.Helper()
	cat, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cat
}

// requiredSlugs are the conditions the product promises.
var requiredSlugs = []string{
	"acne", "atopic-eczema", "contact-eczema", "psoriasis", "rosacea", "common-warts",
	"plantar-warts", "molluscum-contagiosum", "athletes-foot", "ringworm", "nail-fungus",
	"pityriasis-versicolor", "candida-intertrigo", "urticaria", "actinic-keratosis",
	"basal-cell-carcinoma", "squamous-cell-carcinoma", "melanoma", "atypical-moles",
	"seborrhoeic-keratosis", "seborrhoeic-dermatitis", "vitiligo", "impetigo", "cold-sores",
	"shingles", "scabies", "hidradenitis-suppurativa", "lichen-planus", "pityriasis-rosea",
	"alopecia-areata", "hyperhidrosis", "melasma", "keloid", "cellulitis", "folliculitis",
	"perioral-dermatitis", "sunburn", "skin-tags", "dandruff", "chilblains", "dry-skin",
	"itch-prurigo", "cherry-angioma", "dermatofibroma", "keratosis-pilaris", "lipoma",
}

func TestLoadEmbedded(t *testing.T) {
	cat := mustLoad(t)
	all := cat.All()
	if len(all) < 42 {
		t.Fatalf("got %d conditions, want at least 42", len(all))
	}
	if !sort.SliceIsSorted(all, func(i, j int) bool { return all[i].Slug < all[j].Slug }) {
		t.Error("All() is not sorted by slug")
	}
	for _, s := range requiredSlugs {
		c, ok := cat.Get(s)
		if !ok {
			t.Errorf("missing required condition %q", s)
			continue
		}
		if c.Slug != s {
			t.Errorf("Get(%q) returned %q", s, c.Slug)
		}
	}
	if _, ok := cat.Get("no-such-thing"); ok {
		t.Error("Get of an unknown slug succeeded")
	}
}

func TestCatalogIsReadOnly(t *testing.T) {
	cat := mustLoad(t)
	c, _ := cat.Get("acne")
	c.NL.Name = "changed"
	c.NL.Synonyms[0] = "changed"
	c.Profile.Signs["location"]["face"] = -100
	c.Profile.ConsultationTypes[0] = "changed"
	again, _ := cat.Get("acne")
	if again.NL.Name == "changed" || again.NL.Synonyms[0] == "changed" ||
		again.Profile.Signs["location"]["face"] == -100 || again.Profile.ConsultationTypes[0] == "changed" {
		t.Fatal("mutating a returned Condition changed the catalog")
	}
}

func TestBothLanguagesComplete(t *testing.T) {
	cat := mustLoad(t)
	for _, c := range cat.All() {
		for _, lang := range []string{LangNL, LangEN} {
			tx := c.Text(lang)
			fields := map[string]string{
				"name": tx.Name, "summary": tx.Summary, "what_it_is": tx.WhatItIs,
				"symptoms": tx.Symptoms, "causes": tx.Causes, "self_care": tx.SelfCare,
				"treatment": tx.Treatment, "when_to_see_a_doctor": tx.WhenToSeeADoctor,
			}
			for name, v := range fields {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s %s.%s is empty", c.Slug, lang, name)
				}
			}
			if len(tx.Synonyms) == 0 {
				t.Errorf("%s %s has no synonyms", c.Slug, lang)
			}
		}
		// The two languages are written separately, not copied.
		if c.NL.Summary == c.EN.Summary || c.NL.SelfCare == c.EN.SelfCare {
			t.Errorf("%s: nl and en texts are identical", c.Slug)
		}
		if len(c.Profile.ConsultationTypes) == 0 {
			t.Errorf("%s: no consultation types", c.Slug)
		}
	}
}

func TestTextFallsBackToDutch(t *testing.T) {
	c, _ := mustLoad(t).Get("common-warts")
	for lang, want := range map[string]string{
		"nl": "Wratten", "en": "Warts", "EN-gb": "Warts", "en_US": "Warts", "de": "Wratten", "": "Wratten",
	} {
		if got := c.Text(lang).Name; got != want {
			t.Errorf("Text(%q).Name = %q, want %q", lang, got, want)
		}
	}
}

func TestLetterFolding(t *testing.T) {
	for name, want := range map[string]string{
		"Eczeem": "E", "éczema": "E", "Érythème": "E", "Ölfleck": "O", "Ĳsselmeer": "I",
		"  keloïd": "K", "Zwemmerseczeem": "Z", "123": "#", "": "#", "Çedille": "C",
	} {
		if got := letterOf(name); got != want {
			t.Errorf("letterOf(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestByLetter(t *testing.T) {
	cat := mustLoad(t)
	checks := []struct{ lang, slug, name, letter string }{
		{LangNL, "atopic-eczema", "Eczeem", "E"},
		{LangEN, "atopic-eczema", "Eczema", "E"},
		{LangNL, "common-warts", "Wratten", "W"},
		{LangEN, "common-warts", "Warts", "W"},
		{LangNL, "shingles", "Gordelroos", "G"},
		{LangEN, "shingles", "Shingles", "S"},
		{LangNL, "urticaria", "Netelroos", "N"},
		{LangEN, "urticaria", "Hives", "H"},
		{LangNL, "keloid", "Keloïd", "K"},
		{LangNL, "seborrhoeic-dermatitis", "Seborroïsch eczeem", "S"},
	}
	for _, lang := range []string{LangNL, LangEN} {
		groups := cat.ByLetter(lang)
		seen := map[string]bool{}
		prev := ""
		for _, g := range groups {
			if g.Letter <= prev {
				t.Errorf("%s: letters out of order: %q after %q", lang, g.Letter, prev)
			}
			prev = g.Letter
			if len(g.Letter) != 1 || g.Letter < "A" || g.Letter > "Z" {
				t.Errorf("%s: letter %q is not A–Z", lang, g.Letter)
			}
			for i, c := range g.Conditions {
				if c.Letter(lang) != g.Letter {
					t.Errorf("%s: %s (%s) listed under %s", lang, c.Slug, c.Text(lang).Name, g.Letter)
				}
				if i > 0 && foldKey(g.Conditions[i-1].Text(lang).Name) > foldKey(c.Text(lang).Name) {
					t.Errorf("%s: group %s not sorted by name", lang, g.Letter)
				}
				if seen[c.Slug] {
					t.Errorf("%s: %s listed twice", lang, c.Slug)
				}
				seen[c.Slug] = true
			}
		}
		if len(seen) != len(cat.All()) {
			t.Errorf("%s: index lists %d conditions, catalog has %d", lang, len(seen), len(cat.All()))
		}
	}
	for _, ck := range checks {
		var found bool
		for _, g := range cat.ByLetter(ck.lang) {
			for _, c := range g.Conditions {
				if c.Slug == ck.slug {
					found = true
					if g.Letter != ck.letter || c.Text(ck.lang).Name != ck.name {
						t.Errorf("%s: %s is %q under %s, want %q under %s",
							ck.lang, ck.slug, c.Text(ck.lang).Name, g.Letter, ck.name, ck.letter)
					}
				}
			}
		}
		if !found {
			t.Errorf("%s: %s not in index", ck.lang, ck.slug)
		}
	}
}

// embeddedCopy returns the embedded files as a MapFS that a test may break.
func embeddedCopy(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(embedded, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(embedded, p)
		if err != nil {
			return err
		}
		m[p] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// mutate decodes a condition file of m, applies f and encodes it again.
func mutate(t *testing.T, m fstest.MapFS, p string, f func(*Condition)) {
	t.Helper()
	var c Condition
	if err := yaml.Unmarshal(m[p].Data, &c); err != nil {
		t.Fatal(err)
	}
	f(&c)
	data, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	m[p] = &fstest.MapFile{Data: data}
}

// edit replaces old with new in file p of m, failing if old is absent.
func edit(t *testing.T, m fstest.MapFS, p, old, new string) {
	t.Helper()
	s := string(m[p].Data)
	if !strings.Contains(s, old) {
		t.Fatalf("%s does not contain %q", p, old)
	}
	m[p] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
}

func TestLoadFSCopyIsValid(t *testing.T) {
	if _, err := LoadFS(embeddedCopy(t)); err != nil {
		t.Fatalf("unmodified copy does not load: %v", err)
	}
}

func TestLoadRejectsBrokenContent(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(t *testing.T, m fstest.MapFS)
		want    []string
	}{
		{"misspelt field", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "content/acne.yaml", "  self_care: >-\n    Wash your face", "  selfcare: >-\n    Wash your face")
		}, []string{"content/acne.yaml: parse", "field selfcare not found"}},
		{"empty English summary", func(t *testing.T, m fstest.MapFS) {
			mutate(t, m, "content/acne.yaml", func(c *Condition) { c.EN.Summary = "" })
		}, []string{"content/acne.yaml: en.summary is empty"}},
		{"missing Dutch treatment", func(t *testing.T, m fstest.MapFS) {
			mutate(t, m, "content/rosacea.yaml", func(c *Condition) { c.NL.Treatment = "" })
		}, []string{"content/rosacea.yaml: nl.treatment is empty"}},
		{"empty synonym", func(t *testing.T, m fstest.MapFS) {
			mutate(t, m, "content/rosacea.yaml", func(c *Condition) { c.NL.Synonyms = append(c.NL.Synonyms, " ") })
		}, []string{"content/rosacea.yaml: nl.synonyms[2] is empty"}},
		{"profile without positive weight", func(t *testing.T, m fstest.MapFS) {
			mutate(t, m, "content/rosacea.yaml", func(c *Condition) {
				c.Profile.Signs = map[string]map[string]float64{"itch": {"none": -1}}
			})
		}, []string{"content/rosacea.yaml: profile.signs has no positive weight"}},
		{"blank field", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "content/lipoma.yaml", "  name: Lipoma\n", "  name: \"  \"\n")
		}, []string{"content/lipoma.yaml: en.name is empty"}},
		{"duplicate slug", func(t *testing.T, m fstest.MapFS) {
			m["content/acne-copy.yaml"] = &fstest.MapFile{Data: m["content/acne.yaml"].Data}
		}, []string{"duplicate slug \"acne\"", "does not match file name"}},
		{"slug not kebab-case", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "content/keloid.yaml", "slug: keloid", "slug: Keloid_Scar")
		}, []string{"content/keloid.yaml: slug \"Keloid_Scar\" is not lower-case kebab-case"}},
		{"unknown question in profile", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "content/lipoma.yaml", "    fever: {\"no\": 0.5}", "    mood: {happy: 1}")
		}, []string{"content/lipoma.yaml: profile.signs: unknown question \"mood\""}},
		{"unknown answer in profile", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "content/lipoma.yaml", "appearance: {lump: 5.5}", "appearance: {lumpy: 5.5}")
		}, []string{"profile.signs.appearance: unknown answer \"lumpy\""}},
		{"unknown consultation type", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "content/lipoma.yaml", "consultation_types: [video, in_person, email_advice]", "consultation_types: [video, telepathy]")
		}, []string{"unknown type \"telepathy\""}},
		{"invalid yaml", func(t *testing.T, m fstest.MapFS) {
			m["content/broken.yaml"] = &fstest.MapFile{Data: []byte("slug: [unclosed\n")}
		}, []string{"content/broken.yaml: parse"}},
		{"show_if refers to a later question", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "wizard.yaml", "- {question: appearance, any_of: [blisters]}", "- {question: triggers, any_of: [sun]}")
		}, []string{"wizard.yaml", "not an earlier question"}},
		{"red flag names unknown condition", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "wizard.yaml", "conditions: [melanoma, atypical-moles]", "conditions: [melanoma, freckles]")
		}, []string{"red flag \"changing_mole\": unknown condition \"freckles\""}},
		{"red flag unknown answer", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "wizard.yaml", "any_of: [growing, changing, bleeding, itching]", "any_of: [growing, sparkling]")
		}, []string{"question \"mole_change\" has no answer \"sparkling\""}},
		{"question text missing English", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "wizard.yaml", "      en: Does it itch?\n", "")
		}, []string{"questions[", "(itch): text needs nl and en"}},
		{"bad kind", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "wizard.yaml", "  - id: itch\n    kind: single", "  - id: itch\n    kind: several")
		}, []string{"kind must be"}},
		{"no condition files", func(t *testing.T, m fstest.MapFS) {
			for p := range m {
				if strings.HasPrefix(p, "content/") {
					delete(m, p)
				}
			}
		}, []string{"no condition files found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := embeddedCopy(t)
			tt.corrupt(t, m)
			cat, err := LoadFS(m)
			if err == nil {
				t.Fatalf("LoadFS succeeded (%d conditions), want error", len(cat.All()))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestLoadReportsAllProblems(t *testing.T) {
	m := embeddedCopy(t)
	edit(t, m, "content/lipoma.yaml", "  name: Lipoma\n", "  name: \"\"\n")
	edit(t, m, "content/keloid.yaml", "slug: keloid", "slug: keloid-scar")
	_, err := LoadFS(m)
	if err == nil {
		t.Fatal("want error")
	}
	for _, w := range []string{"content/lipoma.yaml: en.name is empty", "content/keloid.yaml: slug \"keloid-scar\" does not match"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not mention %q:\n%v", w, err)
		}
	}
}

func TestConsultationTypesAreKnown(t *testing.T) {
	valid := []string{ConsultEmailAdvice, ConsultVideo, ConsultWalkIn, ConsultInPerson}
	cat := mustLoad(t)
	for _, c := range cat.All() {
		for _, ct := range c.Profile.ConsultationTypes {
			if !slices.Contains(valid, ct) {
				t.Errorf("%s: consultation type %q", c.Slug, ct)
			}
		}
	}
	// Melanoma warning signs need to be seen in person first.
	if c, _ := cat.Get("melanoma"); c.Profile.ConsultationTypes[0] != ConsultInPerson {
		t.Errorf("melanoma: first consultation type %q, want in_person", c.Profile.ConsultationTypes[0])
	}
	if c, _ := cat.Get("common-warts"); !slices.Equal(c.Profile.ConsultationTypes, []string{ConsultEmailAdvice, ConsultVideo}) {
		t.Errorf("common-warts: consultation types %v", c.Profile.ConsultationTypes)
	}
}
