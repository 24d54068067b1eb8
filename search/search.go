// Package search finds doctors and skin conditions for Derma2Go.
//
// One interface, [Index], has two implementations with the same behaviour:
// [Meili] talks to a Meilisearch server (production, when MEILI_URL is set)
// and [Bleve] keeps an embedded bleve index on disk (the default) or in
// memory (tests). Both are held to the same contract by the suite in
// derma2go/search/searchtest.
//
// Search documents are derived data: the caller keeps them in step with
// Postgres and rebuilds them with Rebuild, which fills a new copy and swaps
// it in, so searches never see an empty index.
package search

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Consultation types a doctor can offer. They are the only values accepted in
// DoctorDoc.Types, as keys of PriceCents and NextSlot, and in DoctorQuery.Type.
const (
	TypeEmailAdvice = "email_advice"
	TypeVideo       = "video"
	TypeWalkIn      = "walk_in"
	TypeInPerson    = "in_person"
)

// ConsultationTypes lists every consultation type, in a fixed order.
var ConsultationTypes = []string{TypeEmailAdvice, TypeVideo, TypeWalkIn, TypeInPerson}

// Sort orders accepted in DoctorQuery.Sort.
const (
	SortRelevance = "relevance"
	SortPrice     = "price"
	SortRating    = "rating"
	SortSoonest   = "soonest"
	SortDistance  = "distance"
)

// Names of the facets returned in DoctorResult.Facets.
const (
	FacetCity      = "city"
	FacetLanguages = "languages"
	FacetTypes     = "types"
)

// Paging limits for doctor and condition searches.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
)

// Limits on free-text input, applied by both implementations.
const (
	// MaxQueryWords is the number of words of a query that are searched;
	// further words are ignored (Meilisearch does the same).
	MaxQueryWords = 10
	// MaxTextLen is the longest query text accepted, in bytes.
	MaxTextLen = 256
)

// DoctorDoc is the searchable view of one doctor.
type DoctorDoc struct {
	ID         string
	Name       string
	Specialty  string
	FocusAreas []string
	City       string
	Lat, Lng   float64
	// Languages spoken, as lower-case codes: "nl", "en", "de", "fr", "tr", "ar", ...
	Languages []string
	// Types are the consultation types offered (see ConsultationTypes).
	Types []string
	// PriceCents is the fee per consultation type, in euro cents.
	PriceCents map[string]int64
	// Rating is the mean review score (0..5); 0 when RatingCount is 0.
	Rating      float64
	RatingCount int
	// NextSlot is the soonest free slot per consultation type; a type
	// without an entry has no known free slot.
	NextSlot map[string]time.Time
	// NextAvailable is the minimum over NextSlot. When nil it is computed
	// from NextSlot at upsert time.
	NextAvailable *time.Time
}

// ConditionDoc is the searchable view of one skin condition page in one language.
type ConditionDoc struct {
	Slug     string
	Lang     string
	Name     string
	Summary  string
	Body     string
	Synonyms []string
	// Letter is the A–Z index letter of the condition.
	Letter string
}

// GeoPoint is a WGS84 coordinate in degrees.
type GeoPoint struct{ Lat, Lng float64 }

// DoctorQuery describes one doctor search. The zero value finds every doctor,
// first page, in relevance order.
type DoctorQuery struct {
	// Text is matched, typo-tolerantly, against name, specialty, focus areas
	// and city; every word must match.
	Text string
	// Type keeps doctors offering this consultation type.
	Type string
	// MaxPriceCents keeps doctors whose price for Type is at most this; without
	// Type, whose cheapest consultation is at most this. 0 means no limit.
	MaxPriceCents int64
	// City keeps doctors in exactly this city (case-insensitive).
	City string
	// Near is the patient's location: hits get DistanceKm, and it is required
	// by RadiusKm and by the distance sort.
	Near *GeoPoint
	// RadiusKm keeps doctors within this distance of Near. 0 means no limit.
	RadiusKm float64
	// Language keeps doctors speaking this language code.
	Language string
	// MinRating keeps doctors whose rating is at least this. 0 means no limit.
	MinRating float64
	// AvailableBefore keeps doctors whose soonest free slot (for Type, or of
	// any type without Type) starts before this instant.
	AvailableBefore *time.Time
	// Sort is one of the Sort* constants; "" means relevance.
	Sort string
	// Page is 1-based; 0 means 1. PerPage defaults to DefaultPerPage and is at
	// most MaxPerPage.
	Page, PerPage int
	// Facets asks for value counts of city, languages and types over all matches.
	Facets bool
}

// DoctorResult is one page of doctor hits.
type DoctorResult struct {
	Hits []DoctorHit
	// Total is the number of doctors matching, over all pages.
	Total int
	// Facets maps a facet name (FacetCity, FacetLanguages, FacetTypes) to the
	// number of matching doctors per value. Nil unless the query asked for facets.
	Facets map[string]map[string]int
}

// DoctorHit is one doctor in a result.
type DoctorHit struct {
	ID string
	// DistanceKm is the great-circle distance from DoctorQuery.Near; nil
	// when the query had no Near.
	DistanceKm *float64
}

// ConditionResult is the answer to a condition search.
type ConditionResult struct {
	Hits  []ConditionHit
	Total int
}

// ConditionHit is one condition in a result.
type ConditionHit struct {
	Slug, Name, Lang string
}

// Writer adds documents to an index: the live one, or the new copy being
// filled by Index.Rebuild.
type Writer interface {
	// UpsertDoctors adds or replaces doctors (by ID). When it returns, the
	// documents are searchable (in a copy being rebuilt: once it is swapped in).
	UpsertDoctors(ctx context.Context, docs []DoctorDoc) error
	// UpsertConditions adds or replaces condition pages (by Lang and Slug).
	UpsertConditions(ctx context.Context, docs []ConditionDoc) error
}

// Index is the search index of doctors and conditions.
type Index interface {
	Writer
	// DeleteDoctor removes one doctor; deleting an unknown ID is not an error.
	DeleteDoctor(ctx context.Context, id string) error
	// SearchDoctors runs a doctor query. Invalid queries fail with *QueryError.
	SearchDoctors(ctx context.Context, q DoctorQuery) (DoctorResult, error)
	// SearchConditions finds condition pages in one language. Empty text
	// lists them all by name. limit defaults to DefaultPerPage and is at most
	// MaxPerPage.
	SearchConditions(ctx context.Context, lang, text string, limit int) (ConditionResult, error)
	// Rebuild makes a new, empty copy of the index with the same settings,
	// fills it through fill and then puts it in place of the live index in
	// one atomic step. Until then searches answer from the live index, which
	// is never emptied; when fill or the swap fails the live index stays as
	// it was. Writes to the live index while fill runs are not carried over:
	// the caller applies the changes made since the data fill read.
	Rebuild(ctx context.Context, fill func(ctx context.Context, w Writer) error) error
	// Close releases the index.
	Close() error
}

// Open returns the Meilisearch index when meiliURL is set (production) and
// the embedded bleve index under dir otherwise; an empty dir means
// DefaultBleveDir here (use OpenBleve("") for an in-memory index).
func Open(ctx context.Context, meiliURL, meiliKey, prefix, dir string) (Index, error) {
	if meiliURL != "" {
		return OpenMeili(ctx, meiliURL, meiliKey, prefix)
	}
	if dir == "" {
		dir = DefaultBleveDir
	}
	return OpenBleve(dir)
}

// QueryError reports an invalid DoctorQuery (a client error, HTTP 400).
type QueryError struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *QueryError) Error() string {
	return fmt.Sprintf("search: invalid query: %s: %s", e.Field, e.Reason)
}

func qerr(field, format string, args ...any) *QueryError {
	return &QueryError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// IsConsultationType reports whether t is one of ConsultationTypes.
func IsConsultationType(t string) bool {
	for _, c := range ConsultationTypes {
		if t == c {
			return true
		}
	}
	return false
}

// Validate checks q and returns a *QueryError for the first problem found.
func (q DoctorQuery) Validate() error {
	if len(q.Text) > MaxTextLen {
		return qerr("text", "longer than %d bytes", MaxTextLen)
	}
	if !utf8.ValidString(q.Text) {
		return qerr("text", "not valid UTF-8")
	}
	if q.Type != "" && !IsConsultationType(q.Type) {
		return qerr("type", "unknown consultation type %q (want one of %s)", q.Type, strings.Join(ConsultationTypes, ", "))
	}
	if q.MaxPriceCents < 0 {
		return qerr("max_price_cents", "must not be negative")
	}
	if len(q.City) > 100 || !utf8.ValidString(q.City) {
		return qerr("city", "not a city name")
	}
	if q.Near != nil {
		if math.IsNaN(q.Near.Lat) || q.Near.Lat < -90 || q.Near.Lat > 90 {
			return qerr("near.lat", "latitude %v out of range [-90, 90]", q.Near.Lat)
		}
		if math.IsNaN(q.Near.Lng) || q.Near.Lng < -180 || q.Near.Lng > 180 {
			return qerr("near.lng", "longitude %v out of range [-180, 180]", q.Near.Lng)
		}
	}
	if math.IsNaN(q.RadiusKm) || math.IsInf(q.RadiusKm, 0) || q.RadiusKm < 0 {
		return qerr("radius_km", "must be a positive distance")
	}
	if q.RadiusKm > 0 && q.Near == nil {
		return qerr("radius_km", "needs near (a location)")
	}
	if q.Language != "" && !validLanguage(q.Language) {
		return qerr("language", "%q is not a language code", q.Language)
	}
	if math.IsNaN(q.MinRating) || q.MinRating < 0 || q.MinRating > 5 {
		return qerr("min_rating", "must be between 0 and 5")
	}
	switch q.Sort {
	case "", SortRelevance, SortPrice, SortRating, SortSoonest:
	case SortDistance:
		if q.Near == nil {
			return qerr("sort", "distance sort needs near (a location)")
		}
	default:
		return qerr("sort", "unknown sort %q (want relevance, price, rating, soonest or distance)", q.Sort)
	}
	if q.Page < 0 {
		return qerr("page", "must be 1 or more")
	}
	if q.PerPage < 0 {
		return qerr("per_page", "must be 1 or more")
	}
	if q.PerPage > MaxPerPage {
		return qerr("per_page", "at most %d", MaxPerPage)
	}
	return nil
}

func validLanguage(s string) bool {
	if len(s) < 2 || len(s) > 16 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return true
}

// paging returns the 1-based page and page size of a validated query.
func (q DoctorQuery) paging() (page, perPage int) {
	page, perPage = q.Page, q.PerPage
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = DefaultPerPage
	}
	return page, perPage
}

// sortOrder returns the effective sort of a validated query.
func (q DoctorQuery) sortOrder() string {
	if q.Sort == "" {
		return SortRelevance
	}
	return q.Sort
}

// conditionLimit clamps a condition search limit.
func conditionLimit(limit int) int {
	if limit < 1 {
		return DefaultPerPage
	}
	if limit > MaxPerPage {
		return MaxPerPage
	}
	return limit
}

// availableCutoff converts AvailableBefore to the unix second such that a
// slot (stored in whole seconds) is before the instant iff slot < cutoff.
func availableCutoff(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}

// earthRadiusKm is the mean Earth radius used for distances.
const earthRadiusKm = 6371.0088

// HaversineKm returns the great-circle distance between two points in km.
func HaversineKm(a, b GeoPoint) float64 {
	const rad = math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLng := (b.Lng - a.Lng) * rad
	s := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(s)))
}
