package search

import (
	"strconv"
	"strings"
	"unicode"
)

// meiliString quotes s as a Meilisearch filter string: inside double quotes,
// backslashes and double quotes are escaped with a backslash.
func meiliString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func meiliFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// meiliDoctorFilter maps the filters of a validated query onto a Meilisearch
// filter expression: conditions joined by AND, always in the same order.
// It returns "" when the query has no filter.
func meiliDoctorFilter(q DoctorQuery) string {
	var f []string
	if q.Type != "" {
		f = append(f, fTypes+" = "+meiliString(q.Type))
	}
	if q.MaxPriceCents > 0 {
		field := fPriceMin
		if q.Type != "" {
			field = fPricePrefix + q.Type
		}
		f = append(f, field+" <= "+strconv.FormatInt(q.MaxPriceCents, 10))
	}
	if c := strings.TrimSpace(q.City); c != "" {
		// String equality is case-insensitive in Meilisearch.
		f = append(f, fCity+" = "+meiliString(c))
	}
	if q.Language != "" {
		f = append(f, fLanguages+" = "+meiliString(strings.ToLower(q.Language)))
	}
	if q.MinRating > 0 {
		f = append(f, fRating+" >= "+meiliFloat(q.MinRating))
	}
	if q.AvailableBefore != nil {
		field := fNextAvailable
		if q.Type != "" {
			field = fNextPrefix + q.Type
		}
		f = append(f, field+" < "+strconv.FormatInt(availableCutoff(*q.AvailableBefore), 10))
	}
	if q.Near != nil && q.RadiusKm > 0 {
		f = append(f, "_geoRadius("+meiliFloat(q.Near.Lat)+", "+meiliFloat(q.Near.Lng)+", "+
			strconv.FormatInt(radiusMeters(q.RadiusKm), 10)+")")
	}
	return strings.Join(f, " AND ")
}

// meiliDoctorSort maps the sort of a validated query onto Meilisearch sort
// criteria. Every explicit sort ends with id:asc so that ties are broken the
// same way as in the bleve index; relevance with text returns nil (ranking
// rules), relevance without text sorts by id.
func meiliDoctorSort(q DoctorQuery) []string {
	byID := fID + ":asc"
	switch q.sortOrder() {
	case SortPrice:
		field := fPriceMin
		if q.Type != "" {
			field = fPricePrefix + q.Type
		}
		return []string{field + ":asc", byID}
	case SortRating:
		return []string{fRating + ":desc", fRatingCount + ":desc", byID}
	case SortSoonest:
		field := fNextAvailable
		if q.Type != "" {
			field = fNextPrefix + q.Type
		}
		return []string{field + ":asc", byID}
	case SortDistance:
		return []string{"_geoPoint(" + meiliFloat(q.Near.Lat) + "," + meiliFloat(q.Near.Lng) + "):asc", byID}
	default:
		if !hasWords(q.Text) {
			return []string{byID}
		}
		return nil
	}
}

// hasWords reports whether text has a letter or digit, i.e. anything to search.
func hasWords(text string) bool {
	return strings.IndexFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}
