// Package searchtest holds the contract every search.Index implementation
// must satisfy, with its fixtures, so any package can run it against an
// implementation (see RunContract).
package searchtest

import (
	"time"

	"derma2go/search"
)

// Base is the fixed "now" of the fixtures: slots are relative to it.
var Base = time.Date(2030, 3, 4, 8, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return Base.Add(d) }

const (
	hour = time.Hour
	day  = 24 * time.Hour
)

// Real coordinates of places used by the geo tests.
var (
	// Dam is the Dam square in Amsterdam.
	Dam = search.GeoPoint{Lat: 52.3731, Lng: 4.8922}
	// UtrechtCentre is the centre of Utrecht.
	UtrechtCentre = search.GeoPoint{Lat: 52.0894, Lng: 5.1100}
	// RotterdamCentre is the centre of Rotterdam.
	RotterdamCentre = search.GeoPoint{Lat: 51.9225, Lng: 4.4792}
)

// Doctors returns the ten fixture doctors, doc-01 .. doc-10. The contract's
// expectations are written against exactly these values.
func Doctors() []search.DoctorDoc {
	return []search.DoctorDoc{
		{
			ID: "doc-01", Name: "Dr. Anna de Vries", Specialty: "Dermatologie",
			FocusAreas: []string{"psoriasis", "eczeem"}, City: "Amsterdam", Lat: 52.3676, Lng: 4.9041,
			Languages: []string{"nl", "en"}, Types: []string{search.TypeVideo, search.TypeInPerson},
			PriceCents: map[string]int64{search.TypeVideo: 6500, search.TypeInPerson: 9000},
			Rating:     4.8, RatingCount: 120,
			NextSlot: map[string]time.Time{search.TypeVideo: at(2 * hour), search.TypeInPerson: at(3 * day)},
		},
		{
			ID: "doc-02", Name: "Dr. Bram Jansen", Specialty: "Dermatologie",
			FocusAreas: []string{"acne", "rosacea"}, City: "Amsterdam", Lat: 52.3600, Lng: 4.8800,
			Languages: []string{"nl"}, Types: []string{search.TypeEmailAdvice, search.TypeVideo},
			PriceCents: map[string]int64{search.TypeEmailAdvice: 3500, search.TypeVideo: 5500},
			Rating:     4.2, RatingCount: 40,
			NextSlot: map[string]time.Time{search.TypeEmailAdvice: at(1 * hour), search.TypeVideo: at(26 * hour)},
		},
		{
			ID: "doc-03", Name: "Dr. Carla Bakker", Specialty: "Kinderdermatologie",
			FocusAreas: []string{"eczeem", "moedervlekken"}, City: "Rotterdam", Lat: 51.9244, Lng: 4.4777,
			Languages: []string{"nl", "en", "de"}, Types: []string{search.TypeInPerson, search.TypeWalkIn},
			PriceCents: map[string]int64{search.TypeInPerson: 12000, search.TypeWalkIn: 6000},
			Rating:     4.9, RatingCount: 300,
			NextSlot: map[string]time.Time{search.TypeWalkIn: at(30 * time.Minute)},
		},
		{
			ID: "doc-04", Name: "Dr. Daan Visser", Specialty: "Dermato-oncologie",
			FocusAreas: []string{"huidkanker", "melanoom"}, City: "Utrecht", Lat: 52.0907, Lng: 5.1214,
			Languages: []string{"nl", "en"}, Types: []string{search.TypeInPerson},
			PriceCents: map[string]int64{search.TypeInPerson: 15000},
			Rating:     4.5, RatingCount: 80,
			NextSlot: map[string]time.Time{search.TypeInPerson: at(7 * day)},
		},
		{
			ID: "doc-05", Name: "Dr. Emma Smit", Specialty: "Dermatologie",
			FocusAreas: []string{"psoriasis", "haaruitval"}, City: "Den Haag", Lat: 52.0705, Lng: 4.3007,
			Languages: []string{"nl", "fr"}, Types: []string{search.TypeVideo, search.TypeEmailAdvice},
			PriceCents: map[string]int64{search.TypeVideo: 7000, search.TypeEmailAdvice: 3000},
			Rating:     0, RatingCount: 0,
		},
		{
			ID: "doc-06", Name: "Dr. Fatma Yilmaz", Specialty: "Dermatologie",
			FocusAreas: []string{"acne", "hyperhidrose"}, City: "Rotterdam", Lat: 51.9200, Lng: 4.4900,
			Languages: []string{"nl", "tr", "en"}, Types: []string{search.TypeVideo, search.TypeWalkIn},
			PriceCents: map[string]int64{search.TypeVideo: 6000, search.TypeWalkIn: 5000},
			Rating:     4.2, RatingCount: 90,
			NextSlot: map[string]time.Time{search.TypeVideo: at(5 * hour), search.TypeWalkIn: at(1 * day)},
		},
		{
			ID: "doc-07", Name: "Dr. Gert Mulder", Specialty: "Dermatologie",
			FocusAreas: []string{"wratten", "schimmelinfecties"}, City: "Groningen", Lat: 53.2194, Lng: 6.5665,
			Languages: []string{"nl", "de"}, Types: []string{search.TypeInPerson, search.TypeEmailAdvice},
			PriceCents: map[string]int64{search.TypeInPerson: 8000, search.TypeEmailAdvice: 2500},
			Rating:     3.9, RatingCount: 15,
			NextSlot: map[string]time.Time{search.TypeEmailAdvice: at(4 * hour)},
		},
		{
			ID: "doc-08", Name: "Dr. Hanna Peters", Specialty: "Cosmetische dermatologie",
			FocusAreas: []string{"littekens", "rosacea"}, City: "Eindhoven", Lat: 51.4416, Lng: 5.4697,
			Languages: []string{"nl", "en"}, Types: []string{search.TypeInPerson, search.TypeVideo},
			PriceCents: map[string]int64{search.TypeInPerson: 11000, search.TypeVideo: 8000},
			Rating:     4.7, RatingCount: 60,
			NextSlot: map[string]time.Time{search.TypeInPerson: at(2 * day), search.TypeVideo: at(2*day + hour)},
		},
		{
			ID: "doc-09", Name: "Dr. Ilias El Amrani", Specialty: "Dermatologie",
			FocusAreas: []string{"vitiligo", "psoriasis"}, City: "Maastricht", Lat: 50.8514, Lng: 5.6910,
			Languages: []string{"nl", "ar", "fr", "en"}, Types: []string{search.TypeVideo},
			PriceCents: map[string]int64{search.TypeVideo: 5000},
			Rating:     4.6, RatingCount: 45,
			NextSlot: map[string]time.Time{search.TypeVideo: at(1 * hour)},
		},
		{
			ID: "doc-10", Name: "Dr. Johan van den Berg", Specialty: "Dermatologie",
			FocusAreas: []string{"netelroos", "eczeem"}, City: "Amstelveen", Lat: 52.3114, Lng: 4.8701,
			Languages: []string{"nl"}, Types: []string{search.TypeWalkIn, search.TypeInPerson},
			PriceCents: map[string]int64{search.TypeWalkIn: 5500, search.TypeInPerson: 9500},
			Rating:     4.2, RatingCount: 90,
			NextSlot: map[string]time.Time{search.TypeWalkIn: at(6 * hour), search.TypeInPerson: at(4 * day)},
		},
	}
}

// Doctor returns the fixture doctor with the given id; it panics when there
// is none (a bug in the test).
func Doctor(id string) search.DoctorDoc {
	for _, d := range Doctors() {
		if d.ID == id {
			return d
		}
	}
	panic("searchtest: no fixture doctor " + id)
}

// Conditions returns the fixture condition pages: six in Dutch, six in English.
func Conditions() []search.ConditionDoc {
	return []search.ConditionDoc{
		{Slug: "eczeem", Lang: "nl", Name: "Eczeem", Letter: "E", Synonyms: []string{"constitutioneel eczeem", "dauwworm"},
			Summary: "Een droge, jeukende en rode huid.", Body: "Eczeem is een ontsteking van de huid die vaak in vlagen komt."},
		{Slug: "psoriasis", Lang: "nl", Name: "Psoriasis", Letter: "P", Synonyms: []string{"schubbenziekte"},
			Summary: "Rode, schilferende plekken op de huid.", Body: "Psoriasis is een chronische huidziekte die niet besmettelijk is."},
		{Slug: "acne", Lang: "nl", Name: "Acne", Letter: "A", Synonyms: []string{"jeugdpuistjes"},
			Summary: "Puistjes en mee-eters, vooral in het gezicht.", Body: "Acne ontstaat door verstopte talgklieren."},
		{Slug: "rosacea", Lang: "nl", Name: "Rosacea", Letter: "R", Synonyms: []string{"couperose"},
			Summary: "Roodheid van het gezicht met bultjes.", Body: "Rosacea komt vooral voor bij volwassenen."},
		{Slug: "huidkanker", Lang: "nl", Name: "Huidkanker", Letter: "H", Synonyms: []string{"melanoom", "basaalcelcarcinoom"},
			Summary: "Kwaadaardige veranderingen van de huid.", Body: "Laat een veranderende moedervlek altijd controleren."},
		{Slug: "netelroos", Lang: "nl", Name: "Netelroos", Letter: "N", Synonyms: []string{"urticaria", "galbulten"},
			Summary: "Jeukende bulten die komen en gaan.", Body: "Netelroos is vaak een allergische reactie."},
		{Slug: "eczema", Lang: "en", Name: "Eczema", Letter: "E", Synonyms: []string{"atopic dermatitis"},
			Summary: "Dry, itchy and inflamed skin.", Body: "Eczema often flares up and calms down again."},
		{Slug: "psoriasis", Lang: "en", Name: "Psoriasis", Letter: "P", Synonyms: []string{"plaque psoriasis"},
			Summary: "Red, scaly patches on the skin.", Body: "Psoriasis is a chronic skin disease that is not contagious."},
		{Slug: "acne", Lang: "en", Name: "Acne", Letter: "A", Synonyms: []string{"pimples"},
			Summary: "Spots and blackheads, mostly on the face.", Body: "Acne is caused by blocked oil glands."},
		{Slug: "rosacea", Lang: "en", Name: "Rosacea", Letter: "R", Synonyms: []string{"facial redness"},
			Summary: "Redness of the face with small bumps.", Body: "Rosacea mostly affects adults."},
		{Slug: "skin-cancer", Lang: "en", Name: "Skin cancer", Letter: "S", Synonyms: []string{"melanoma", "basal cell carcinoma"},
			Summary: "Malignant changes of the skin.", Body: "Always have a changing mole checked."},
		{Slug: "hives", Lang: "en", Name: "Hives", Letter: "H", Synonyms: []string{"urticaria"},
			Summary: "Itchy welts that come and go.", Body: "Hives are often an allergic reaction."},
	}
}
