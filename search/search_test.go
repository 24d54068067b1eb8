package search

import (
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	dam := &GeoPoint{Lat: 52.3731, Lng: 4.8922}
	valid := []DoctorQuery{
		{},
		{Text: "psoriasis", Type: TypeVideo, MaxPriceCents: 5000, City: "Den Haag", Language: "nl", MinRating: 4.5},
		{Near: dam, RadiusKm: 10, Sort: SortDistance, Page: 2, PerPage: 100},
		{Near: dam},
		{Sort: SortRelevance}, {Sort: SortPrice}, {Sort: SortRating}, {Sort: SortSoonest},
		{Near: &GeoPoint{Lat: -90, Lng: 180}},
		{Language: "pt-BR"},
	}
	for _, q := range valid {
		if err := q.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", q, err)
		}
	}
	invalid := []struct {
		q     DoctorQuery
		field string
	}{
		{DoctorQuery{Sort: SortDistance}, "sort"},
		{DoctorQuery{Sort: "name"}, "sort"},
		{DoctorQuery{RadiusKm: 3}, "radius_km"},
		{DoctorQuery{Near: dam, RadiusKm: math.NaN()}, "radius_km"},
		{DoctorQuery{Near: dam, RadiusKm: math.Inf(1)}, "radius_km"},
		{DoctorQuery{MaxPriceCents: -100}, "max_price_cents"},
		{DoctorQuery{PerPage: MaxPerPage + 1}, "per_page"},
		{DoctorQuery{PerPage: -1}, "per_page"},
		{DoctorQuery{Page: -2}, "page"},
		{DoctorQuery{Type: "chat"}, "type"},
		{DoctorQuery{Near: &GeoPoint{Lat: -90.01, Lng: 0}}, "near.lat"},
		{DoctorQuery{Near: &GeoPoint{Lat: math.NaN(), Lng: 0}}, "near.lat"},
		{DoctorQuery{Near: &GeoPoint{Lat: 0, Lng: 180.5}}, "near.lng"},
		{DoctorQuery{MinRating: -1}, "min_rating"},
		{DoctorQuery{MinRating: 5.1}, "min_rating"},
		{DoctorQuery{Language: "n"}, "language"},
		{DoctorQuery{Language: `nl" OR rating > 0`}, "language"},
		{DoctorQuery{Text: "\xff"}, "text"},
	}
	for _, c := range invalid {
		err := c.q.Validate()
		var qe *QueryError
		if !errors.As(err, &qe) {
			t.Errorf("Validate(%+v) = %v, want *QueryError", c.q, err)
			continue
		}
		if qe.Field != c.field || qe.Reason == "" {
			t.Errorf("Validate(%+v) = %+v, want field %s", c.q, qe, c.field)
		}
	}
}

func TestAvailableCutoff(t *testing.T) {
	base := time.Date(2030, 1, 1, 10, 0, 0, 0, time.UTC)
	if got := availableCutoff(base); got != base.Unix() {
		t.Errorf("whole second: %d, want %d", got, base.Unix())
	}
	if got := availableCutoff(base.Add(time.Nanosecond)); got != base.Unix()+1 {
		t.Errorf("fraction: %d, want %d", got, base.Unix()+1)
	}
}

func TestHaversine(t *testing.T) {
	// Amsterdam Centraal to Rotterdam Centraal is about 57 km as the crow flies.
	d := HaversineKm(GeoPoint{52.3791, 4.9003}, GeoPoint{51.9244, 4.4690})
	if d < 56 || d > 60 {
		t.Errorf("Amsterdam-Rotterdam = %.1f km", d)
	}
	if d := HaversineKm(GeoPoint{52, 5}, GeoPoint{52, 5}); d != 0 {
		t.Errorf("same point = %v", d)
	}
}

func TestGenerateDoctors(t *testing.T) {
	base := time.Date(2030, 3, 4, 8, 0, 0, 0, time.UTC)
	a := GenerateDoctors(500, 7, base)
	if !reflect.DeepEqual(a, GenerateDoctors(500, 7, base)) {
		t.Fatalf("same seed gave different doctors")
	}
	if reflect.DeepEqual(a[:10], GenerateDoctors(10, 8, base)) {
		t.Errorf("different seeds gave the same doctors")
	}
	ids := map[string]bool{}
	cities := map[string]City{}
	for _, c := range DutchCities {
		cities[c.Name] = c
	}
	seenCity := map[string]bool{}
	for _, d := range a {
		if _, err := newDoctorRecord(d); err != nil {
			t.Fatalf("generated doctor does not index: %v", err)
		}
		if ids[d.ID] {
			t.Errorf("duplicate id %s", d.ID)
		}
		ids[d.ID] = true
		c, ok := cities[d.City]
		if !ok {
			t.Errorf("%s: unknown city %q", d.ID, d.City)
			continue
		}
		seenCity[d.City] = true
		if km := HaversineKm(GeoPoint{c.Lat, c.Lng}, GeoPoint{d.Lat, d.Lng}); km > 4.1 {
			t.Errorf("%s: %.1f km from the centre of %s", d.ID, km, d.City)
		}
		if d.Name == "" || d.Specialty == "" || len(d.FocusAreas) == 0 || len(d.Types) == 0 || d.Languages[0] != "nl" {
			t.Errorf("%s: incomplete %+v", d.ID, d)
		}
		for _, typ := range d.Types {
			if p := d.PriceCents[typ]; p < 2500 || p > 16050 {
				t.Errorf("%s: %s costs %d cents", d.ID, typ, p)
			}
		}
		var next *time.Time
		for typ, s := range d.NextSlot {
			if !slices.Contains(d.Types, typ) || !s.After(base) || s.After(base.Add(15*24*time.Hour)) {
				t.Errorf("%s: slot %s at %v", d.ID, typ, s)
			}
			if next == nil || s.Before(*next) {
				next = &s
			}
		}
		if (next == nil) != (d.NextAvailable == nil) || next != nil && !next.Equal(*d.NextAvailable) {
			t.Errorf("%s: NextAvailable %v, want the soonest slot %v", d.ID, d.NextAvailable, next)
		}
		if (d.RatingCount == 0) != (d.Rating == 0) || d.Rating < 0 || d.Rating > 5 {
			t.Errorf("%s: rating %v from %d reviews", d.ID, d.Rating, d.RatingCount)
		}
	}
	if len(seenCity) < 15 {
		t.Errorf("only %d cities in 500 doctors", len(seenCity))
	}
}

func TestDoctorRecordNormalises(t *testing.T) {
	base := time.Date(2030, 3, 4, 8, 0, 0, 0, time.UTC)
	r, err := newDoctorRecord(DoctorDoc{
		ID: "x", City: " Utrecht ", Languages: []string{"NL", "nl", " en "},
		Types:      []string{TypeVideo, TypeVideo, TypeWalkIn},
		PriceCents: map[string]int64{TypeVideo: 5000, TypeWalkIn: 4000, TypeInPerson: 100},
		NextSlot:   map[string]time.Time{TypeWalkIn: base.Add(time.Hour), TypeInPerson: base},
		Rating:     4.5, RatingCount: 0,
	})
	if err != nil {
		t.Fatalf("newDoctorRecord: %v", err)
	}
	if r.city != "Utrecht" || !slices.Equal(r.languages, []string{"nl", "en"}) || !slices.Equal(r.types, []string{TypeVideo, TypeWalkIn}) {
		t.Errorf("record %+v", r)
	}
	if len(r.prices) != 2 || *r.priceMin != 4000 {
		t.Errorf("prices %v min %v: in_person is not offered", r.prices, *r.priceMin)
	}
	if len(r.next) != 1 || *r.nextAvailable != base.Add(time.Hour).Unix() {
		t.Errorf("next %v available %v: in_person is not offered", r.next, *r.nextAvailable)
	}
	if r.rating != 0 {
		t.Errorf("rating %v without reviews, want 0", r.rating)
	}
}

func TestBleveOutdatedSchemaIsRebuilt(t *testing.T) {
	dir := t.TempDir()
	b, err := OpenBleve(dir)
	if err != nil {
		t.Fatalf("OpenBleve: %v", err)
	}
	if b.NeedsReindex() {
		t.Errorf("new index needs a reindex")
	}
	if err := b.UpsertDoctors(t.Context(), GenerateDoctors(5, 1, time.Now())); err != nil {
		t.Fatalf("UpsertDoctors: %v", err)
	}
	if err := b.doctors.SetInternal(schemaKey, []byte("0")); err != nil {
		t.Fatalf("SetInternal: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	b, err = OpenBleve(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer b.Close()
	if !b.NeedsReindex() {
		t.Errorf("outdated index not flagged")
	}
	res, err := b.SearchDoctors(t.Context(), DoctorQuery{})
	if err != nil || res.Total != 0 {
		t.Errorf("outdated index after reopen: %d doctors, %v", res.Total, err)
	}
	if err := b.Rebuild(t.Context(), func(context.Context, Writer) error { return nil }); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if b.NeedsReindex() {
		t.Errorf("still flagged after Rebuild")
	}
}

func TestBleveRejectsBadInput(t *testing.T) {
	b, err := OpenBleve("")
	if err != nil {
		t.Fatalf("OpenBleve: %v", err)
	}
	defer b.Close()
	if err := b.UpsertDoctors(t.Context(), []DoctorDoc{{ID: "a b"}}); err == nil {
		t.Errorf("id with a space accepted")
	}
	if err := b.UpsertConditions(t.Context(), []ConditionDoc{{Slug: "acne", Lang: "n_l"}}); err == nil {
		t.Errorf("language with an underscore accepted")
	}
	if err := b.DeleteDoctor(t.Context(), "a/b"); err == nil {
		t.Errorf("DeleteDoctor with a slash: no error")
	}
	var qe *QueryError
	if _, err := b.SearchConditions(t.Context(), "nl", string(make([]byte, MaxTextLen+1)), 5); !errors.As(err, &qe) {
		t.Errorf("long condition text: %v", err)
	}
}
