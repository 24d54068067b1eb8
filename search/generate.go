package search

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// City is a Dutch city with the coordinates of its centre.
type City struct {
	Name     string
	Lat, Lng float64
}

// DutchCities are real Dutch cities with their centre coordinates, used by the
// generator and the contract tests.
var DutchCities = []City{
	{"Amsterdam", 52.3731, 4.8922},
	{"Rotterdam", 51.9225, 4.4792},
	{"Den Haag", 52.0799, 4.3113},
	{"Utrecht", 52.0907, 5.1214},
	{"Eindhoven", 51.4416, 5.4697},
	{"Groningen", 53.2194, 6.5665},
	{"Maastricht", 50.8514, 5.6910},
	{"Tilburg", 51.5555, 5.0913},
	{"Almere", 52.3508, 5.2647},
	{"Breda", 51.5719, 4.7683},
	{"Nijmegen", 51.8126, 5.8372},
	{"Arnhem", 51.9851, 5.8987},
	{"Haarlem", 52.3874, 4.6462},
	{"Enschede", 52.2215, 6.8937},
	{"Zwolle", 52.5168, 6.0830},
	{"Leiden", 52.1601, 4.4970},
	{"'s-Hertogenbosch", 51.6978, 5.3037},
	{"Amersfoort", 52.1561, 5.3878},
	{"Apeldoorn", 52.2112, 5.9699},
	{"Delft", 52.0116, 4.3571},
	{"Leeuwarden", 53.2012, 5.7999},
	{"Amstelveen", 52.3114, 4.8701},
}

var (
	genFirstNames = []string{
		"Anna", "Bram", "Carla", "Daan", "Emma", "Femke", "Gijs", "Hanna", "Iris", "Jeroen",
		"Julia", "Kees", "Lotte", "Lucas", "Maartje", "Mohamed", "Noor", "Olivier", "Pieter", "Roos",
		"Sanne", "Sem", "Thijs", "Tess", "Vera", "Willem", "Yasmina", "Zeynep", "Fatima", "Ahmet",
		"Sophie", "Ruben", "Eva", "Joost", "Marloes", "Niels", "Ingrid", "Koen", "Esther", "Bas",
	}
	genPrefixes  = []string{"", "", "", "", "de ", "van ", "van der ", "van den ", "de ", "ter "}
	genLastNames = []string{
		"Jong", "Vries", "Bakker", "Visser", "Smit", "Meijer", "Boer", "Mulder", "Groot", "Bos",
		"Vos", "Peters", "Hendriks", "Leeuwen", "Dekker", "Brouwer", "Wit", "Dijk", "Berg", "Janssen",
		"Veen", "Graaf", "Kok", "Jacobs", "Willems", "Yilmaz", "El Amrani", "Haan", "Schouten", "Vermeulen",
		"Heuvel", "Linden", "Maas", "Kuiper", "Postma", "Huisman", "Wijk", "Koster", "Prins", "Hoekstra",
	}
	genSpecialties = []string{
		"Dermatologie", "Dermatologie", "Dermatologie", "Dermatologie",
		"Kinderdermatologie", "Dermato-oncologie", "Cosmetische dermatologie", "Allergologie", "Flebologie",
	}
	genFocusAreas = []string{
		"psoriasis", "eczeem", "acne", "rosacea", "huidkanker", "moedervlekken", "haaruitval", "vitiligo",
		"wratten", "hidradenitis", "netelroos", "schimmelinfecties", "littekens", "hyperhidrose",
		"melanoom", "pigmentvlekken", "nagelproblemen", "spataderen", "allergie", "jeuk",
	}
	// genLanguages are the languages besides Dutch with their share of doctors.
	genLanguages = []struct {
		code  string
		share float64
	}{{"en", 0.75}, {"de", 0.2}, {"fr", 0.1}, {"tr", 0.06}, {"ar", 0.06}, {"es", 0.04}, {"pl", 0.03}}
	// genTypes are the consultation types with their share and price range in euros.
	genTypes = []struct {
		typ      string
		share    float64
		min, max int
	}{
		{TypeEmailAdvice, 0.55, 25, 49},
		{TypeVideo, 0.7, 45, 95},
		{TypeWalkIn, 0.3, 40, 80},
		{TypeInPerson, 0.65, 75, 160},
	}
)

// GenerateDoctors returns n realistic, deterministic Dutch dermatologists for
// seed: names, cities with coordinates (within a few km of the centre),
// specialties, focus areas, languages, fees, ratings and next free slots
// relative to base. The same (n, seed, base) always gives the same doctors.
func GenerateDoctors(n int, seed int64, base time.Time) []DoctorDoc {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	docs := make([]DoctorDoc, 0, n)
	for i := 0; i < n; i++ {
		docs = append(docs, genDoctor(rng, i, base))
	}
	return docs
}

func genDoctor(rng *rand.Rand, i int, base time.Time) DoctorDoc {
	city := DutchCities[weightedCity(rng)]
	// Scatter within ~4 km of the centre.
	dist := 4 * math.Sqrt(rng.Float64())
	angle := 2 * math.Pi * rng.Float64()
	lat := city.Lat + dist*math.Cos(angle)/111.2
	lng := city.Lng + dist*math.Sin(angle)/(111.2*math.Cos(city.Lat*math.Pi/180))

	d := DoctorDoc{
		ID: fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x",
			rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xfff, 0x8000|rng.Uint32()&0x3fff, rng.Uint64()&0xffffffffffff),
		Name:       fmt.Sprintf("dr. %s %s%s", pick(rng, genFirstNames), pick(rng, genPrefixes), pick(rng, genLastNames)),
		Specialty:  pick(rng, genSpecialties),
		City:       city.Name,
		Lat:        math.Round(lat*1e6) / 1e6,
		Lng:        math.Round(lng*1e6) / 1e6,
		Languages:  []string{"nl"},
		PriceCents: map[string]int64{},
		NextSlot:   map[string]time.Time{},
	}
	for _, k := range rng.Perm(len(genFocusAreas))[:1+rng.IntN(3)] {
		d.FocusAreas = append(d.FocusAreas, genFocusAreas[k])
	}
	for _, l := range genLanguages {
		if rng.Float64() < l.share {
			d.Languages = append(d.Languages, l.code)
		}
	}
	for _, t := range genTypes {
		if rng.Float64() < t.share {
			d.Types = append(d.Types, t.typ)
		}
	}
	if len(d.Types) == 0 {
		d.Types = []string{TypeVideo}
	}
	for _, t := range d.Types {
		for _, g := range genTypes {
			if g.typ != t {
				continue
			}
			// Whole euros or 50 cents.
			d.PriceCents[t] = int64(g.min+rng.IntN(g.max-g.min+1))*100 + int64(rng.IntN(2))*50
		}
		if rng.Float64() < 0.85 {
			// Soonest slot within two weeks, on a quarter hour.
			d.NextSlot[t] = base.Add(time.Duration(1+rng.IntN(14*24*4)) * 15 * time.Minute)
		}
	}
	var next *time.Time
	for _, s := range d.NextSlot {
		if next == nil || s.Before(*next) {
			next = &s
		}
	}
	d.NextAvailable = next
	if rng.Float64() < 0.8 {
		d.RatingCount = 1 + rng.IntN(250)
		d.Rating = math.Round((3.0+2.0*math.Sqrt(rng.Float64()))*10) / 10
	}
	return d
}

// weightedCity picks big cities more often.
func weightedCity(rng *rand.Rand) int {
	if rng.Float64() < 0.45 {
		return rng.IntN(5)
	}
	return rng.IntN(len(DutchCities))
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }
