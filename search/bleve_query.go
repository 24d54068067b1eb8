package search

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Typo tolerance, as Meilisearch applies it by default: a query word of at
// least typoOneMin characters may have one typo, of at least typoTwoMin
// characters two; the last query word also matches as a prefix.
const (
	typoOneMin = 5
	typoTwoMin = 9
)

// weightedField is a searchable field and its weight; earlier (more
// important) attributes get larger weights, like Meilisearch's attribute
// ranking rule.
type weightedField struct {
	name   string
	weight float64
}

// queryTerms analyses text with the index's text analyser and returns at
// most MaxQueryWords terms.
func queryTerms(an analysis.Analyzer, text string) []string {
	if text == "" {
		return nil
	}
	var terms []string
	for _, tok := range an.Analyze([]byte(text)) {
		terms = append(terms, string(tok.Term))
		if len(terms) == MaxQueryWords {
			break
		}
	}
	return terms
}

// textQuery builds the typo-tolerant full-text query: every term must match
// (Meilisearch matchingStrategy "all") in at least one of fields. Per term and
// field it matches:
//
//   - the exact term (highest score);
//   - for the last term, any word starting with it;
//   - words within the allowed typos, counted like Meilisearch does:
//     Damerau-Levenshtein edits (bleve's scorch automata count swapping two
//     adjacent letters as one edit, as Meilisearch does), where a typo on
//     the first letter costs two.
//
// It returns nil when text has no terms.
func textQuery(terms []string, fields []weightedField) query.Query {
	if len(terms) == 0 {
		return nil
	}
	conj := make([]query.Query, 0, len(terms))
	for i, term := range terms {
		last := i == len(terms)-1
		var alts []query.Query
		for _, f := range fields {
			alts = append(alts, termAlternatives(term, f, last)...)
		}
		conj = append(conj, query.NewDisjunctionQuery(alts))
	}
	if len(conj) == 1 {
		return conj[0]
	}
	return query.NewConjunctionQuery(conj)
}

func termAlternatives(term string, f weightedField, last bool) []query.Query {
	var out []query.Query
	exact := query.NewTermQuery(term)
	exact.SetField(f.name)
	exact.SetBoost(f.weight * 4)
	out = append(out, exact)
	if last {
		p := query.NewPrefixQuery(term)
		p.SetField(f.name)
		p.SetBoost(f.weight * 2)
		out = append(out, p)
	}
	n := utf8.RuneCountInString(term)
	fuzzy := func(edits, prefix int) {
		fq := query.NewFuzzyQuery(term)
		fq.SetField(f.name)
		fq.SetFuzziness(edits)
		fq.SetPrefix(prefix)
		fq.SetBoost(f.weight)
		out = append(out, fq)
	}
	switch {
	case n >= typoTwoMin:
		// Two typos keeping the first letter, or one typo anywhere (a
		// first-letter typo alone costs two).
		fuzzy(2, 1)
		fuzzy(1, 0)
	case n >= typoOneMin:
		// One typo, not on the first letter.
		fuzzy(1, 1)
	}
	return out
}
