package search

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Field names shared by both implementations. Per-type fields are the prefix
// followed by the consultation type, e.g. price_video, next_walk_in.
const (
	fID            = "id"
	fName          = "name"
	fSpecialty     = "specialty"
	fFocusAreas    = "focus_areas"
	fCity          = "city"
	fCityKey       = "city_key" // bleve only: lower-cased city for the filter
	fLanguages     = "languages"
	fTypes         = "types"
	fPricePrefix   = "price_"
	fPriceMin      = "price_min"
	fRating        = "rating"
	fRatingCount   = "rating_count"
	fNextPrefix    = "next_"
	fNextAvailable = "next_available"
	fLat           = "lat" // bleve only: stored coordinates for distances
	fLng           = "lng"
	fGeo           = "geo" // bleve geopoint; Meilisearch uses _geo

	cSlug     = "slug"
	cLang     = "lang"
	cName     = "name"
	cNameKey  = "name_key"
	cSummary  = "summary"
	cBody     = "body"
	cSynonyms = "synonyms"
	cLetter   = "letter"
)

// doctorRecord is a validated, normalised DoctorDoc: per-type values only for
// offered types, slots as unix seconds.
type doctorRecord struct {
	id, name, specialty string
	focusAreas          []string
	city                string
	lat, lng            float64
	languages, types    []string
	prices              map[string]int64 // offered types only
	priceMin            *int64
	rating              float64
	ratingCount         int
	next                map[string]int64 // offered types with a known slot
	nextAvailable       *int64
}

// validID reports whether id is usable as a document id by both
// implementations (Meilisearch allows a-z A-Z 0-9 - _ up to 511 bytes).
func validID(id string) bool {
	if id == "" || len(id) > 511 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func newDoctorRecord(d DoctorDoc) (doctorRecord, error) {
	if !validID(d.ID) {
		return doctorRecord{}, fmt.Errorf("search: doctor id %q: want 1-511 characters of a-z A-Z 0-9 - _", d.ID)
	}
	if math.IsNaN(d.Lat) || d.Lat < -90 || d.Lat > 90 || math.IsNaN(d.Lng) || d.Lng < -180 || d.Lng > 180 {
		return doctorRecord{}, fmt.Errorf("search: doctor %s: coordinates (%v, %v) out of range", d.ID, d.Lat, d.Lng)
	}
	if math.IsNaN(d.Rating) || d.Rating < 0 || d.Rating > 5 || d.RatingCount < 0 {
		return doctorRecord{}, fmt.Errorf("search: doctor %s: rating %v (%d reviews) out of range", d.ID, d.Rating, d.RatingCount)
	}
	r := doctorRecord{
		id:          d.ID,
		name:        d.Name,
		specialty:   d.Specialty,
		focusAreas:  nonEmpty(d.FocusAreas),
		city:        strings.TrimSpace(d.City),
		lat:         d.Lat,
		lng:         d.Lng,
		rating:      d.Rating,
		ratingCount: d.RatingCount,
		prices:      map[string]int64{},
		next:        map[string]int64{},
	}
	if r.ratingCount == 0 {
		r.rating = 0
	}
	for _, l := range d.Languages {
		l = strings.ToLower(strings.TrimSpace(l))
		if l != "" && !slices.Contains(r.languages, l) {
			r.languages = append(r.languages, l)
		}
	}
	for _, t := range d.Types {
		if !IsConsultationType(t) {
			return doctorRecord{}, fmt.Errorf("search: doctor %s: unknown consultation type %q", d.ID, t)
		}
		if !slices.Contains(r.types, t) {
			r.types = append(r.types, t)
		}
	}
	for _, t := range r.types {
		if p, ok := d.PriceCents[t]; ok {
			if p < 0 {
				return doctorRecord{}, fmt.Errorf("search: doctor %s: negative price for %s", d.ID, t)
			}
			r.prices[t] = p
			if r.priceMin == nil || p < *r.priceMin {
				r.priceMin = &p
			}
		}
		if s, ok := d.NextSlot[t]; ok && !s.IsZero() {
			u := s.Unix()
			r.next[t] = u
			if r.nextAvailable == nil || u < *r.nextAvailable {
				r.nextAvailable = &u
			}
		}
	}
	if d.NextAvailable != nil && !d.NextAvailable.IsZero() {
		u := d.NextAvailable.Unix()
		r.nextAvailable = &u
	}
	return r, nil
}

func nonEmpty(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// conditionID is the document id of a condition page: lang_slug.
func conditionID(lang, slug string) string { return lang + "_" + slug }

type conditionRecord struct {
	id, slug, lang, name, nameKey, summary, body, letter string
	synonyms                                             []string
}

func newConditionRecord(c ConditionDoc) (conditionRecord, error) {
	lang := strings.ToLower(strings.TrimSpace(c.Lang))
	if !validLanguage(lang) || strings.Contains(lang, "_") {
		return conditionRecord{}, fmt.Errorf("search: condition %q: language %q is not a language code", c.Slug, c.Lang)
	}
	if !validID(c.Slug) {
		return conditionRecord{}, fmt.Errorf("search: condition slug %q: want 1-511 characters of a-z A-Z 0-9 - _", c.Slug)
	}
	id := conditionID(lang, c.Slug)
	if !validID(id) {
		return conditionRecord{}, fmt.Errorf("search: condition %q: id too long", id)
	}
	return conditionRecord{
		id:       id,
		slug:     c.Slug,
		lang:     lang,
		name:     c.Name,
		nameKey:  foldKey(c.Name),
		summary:  c.Summary,
		body:     c.Body,
		synonyms: nonEmpty(c.Synonyms),
		letter:   strings.ToUpper(strings.TrimSpace(c.Letter)),
	}, nil
}

// foldKey is a lower-case, accent-free sort key.
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if f, ok := accentFold[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var accentFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ò': "o", 'ó': "o", 'ô': "o", 'ö': "o", 'õ': "o",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u",
	'ç': "c", 'ñ': "n", 'ÿ': "y", 'ß': "ss",
}
