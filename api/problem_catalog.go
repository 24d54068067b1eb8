package api

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"derma2go/domain"
)

// translate gives s in lang. The English text is the key of the catalog
// (problemTextsNL); a text that was filled in before it reached us (a
// domain package's "must be at most %d characters") is matched against the
// catalog's formats and its values are carried over into the Dutch. English,
// and a text the catalog lacks, stay as they are (TestEveryProblemTextHasDutch
// keeps the catalog complete). A value that is itself a text of the catalog
// (an action or a status a workflow names) is translated as well.
func translate(lang, s string) string {
	if lang == string(domain.LanguageEnglish) || s == "" {
		return s
	}
	if nl, ok := problemTextsNL[s]; ok {
		return nl
	}
	for _, f := range catalogFormats() {
		if m := f.re.FindStringSubmatch(s); m != nil {
			values := m[1:]
			for i, v := range values {
				if nl, ok := problemTextsNL[v]; ok {
					values[i] = nl
				}
			}
			return fillVerbs(f.nl, values)
		}
	}
	return s
}

// catalogFormat is a catalog entry with fmt verbs, as a pattern.
type catalogFormat struct {
	re *regexp.Regexp
	nl string
}

var (
	formatsOnce sync.Once
	formats     []catalogFormat
)

// verbRE matches the fmt verbs the catalog's formats use.
var verbRE = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)

func catalogFormats() []catalogFormat {
	formatsOnce.Do(func() {
		for en, nl := range problemTextsNL {
			if !hasVerbs(en) {
				continue
			}
			var b strings.Builder
			b.WriteString("^")
			last := 0
			for _, loc := range verbRE.FindAllStringIndex(en, -1) {
				b.WriteString(regexp.QuoteMeta(en[last:loc[0]]))
				if en[loc[0]:loc[1]] == "%%" {
					b.WriteString("%")
				} else {
					b.WriteString("(.+?)")
				}
				last = loc[1]
			}
			b.WriteString(regexp.QuoteMeta(en[last:]))
			b.WriteString("$")
			formats = append(formats, catalogFormat{re: regexp.MustCompile(b.String()), nl: nl})
		}
		// The most literal text first: "must be at most %d characters"
		// before "must be at most %s".
		sortFormats(formats)
	})
	return formats
}

func hasVerbs(s string) bool {
	for _, v := range verbRE.FindAllString(s, -1) {
		if v != "%%" {
			return true
		}
	}
	return false
}

// fillVerbs puts the values matched in the English into the verbs of the
// Dutch, in order.
func fillVerbs(nl string, values []string) string {
	var b strings.Builder
	last, i := 0, 0
	for _, loc := range verbRE.FindAllStringIndex(nl, -1) {
		b.WriteString(nl[last:loc[0]])
		switch v := nl[loc[0]:loc[1]]; {
		case v == "%%":
			b.WriteString("%")
		case i < len(values):
			b.WriteString(values[i])
			i++
		}
		last = loc[1]
	}
	b.WriteString(nl[last:])
	return b.String()
}

// verbsOf lists the fmt verbs of s in order (TestDutchKeepsTheVerbs).
func verbsOf(s string) []string {
	var out []string
	for _, v := range verbRE.FindAllString(s, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	return out
}

func sortFormats(fs []catalogFormat) {
	literal := func(f catalogFormat) int { return len(f.re.String()) }
	sort.SliceStable(fs, func(i, j int) bool {
		if literal(fs[i]) != literal(fs[j]) {
			return literal(fs[i]) > literal(fs[j])
		}
		return fs[i].re.String() < fs[j].re.String()
	})
}

// problemText is the English title and detail of a problem; the catalog
// has their Dutch.
type problemText struct{ title, detail string }
