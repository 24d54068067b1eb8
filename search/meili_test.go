package search

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func openFake(t *testing.T, f *fakeMeili, opts ...MeiliOption) *Meili {
	t.Helper()
	opts = append([]MeiliOption{WithMeiliTaskWait(time.Millisecond, 5*time.Second)}, opts...)
	m, err := OpenMeili(t.Context(), f.URL(), f.apiKey, "t_", opts...)
	if err != nil {
		t.Fatalf("OpenMeili: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return m
}

func reqLines(reqs []fakeReq) []string {
	out := make([]string, 0, len(reqs))
	for _, r := range reqs {
		out = append(out, r.String())
	}
	return out
}

// jsonEqual compares a request body with the wanted JSON, ignoring layout
// and key order.
func jsonEqual(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: body %s: %v", what, got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: want %s: %v", what, want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}

const wantDoctorSettingsPatch = `{
	"rankingRules": ["sort", "words", "typo", "proximity", "attribute", "exactness"],
	"searchableAttributes": ["name", "specialty", "focus_areas", "city"],
	"filterableAttributes": ["city", "languages", "types", "price_min", "rating", "next_available", "_geo",
		"price_email_advice", "next_email_advice", "price_video", "next_video",
		"price_walk_in", "next_walk_in", "price_in_person", "next_in_person"],
	"sortableAttributes": ["id", "price_min", "rating", "rating_count", "next_available", "_geo",
		"price_email_advice", "next_email_advice", "price_video", "next_video",
		"price_walk_in", "next_walk_in", "price_in_person", "next_in_person"],
	"pagination": {"maxTotalHits": 20000}
}`

// The default ranking rules, typo tolerance and faceting already match, so
// they are not sent.
const wantConditionSettingsPatch = `{
	"searchableAttributes": ["name", "synonyms", "summary", "body"],
	"filterableAttributes": ["lang", "letter"],
	"sortableAttributes": ["name_key", "id"],
	"pagination": {"maxTotalHits": 20000}
}`

func TestMeiliOpenCreatesIndexesAndAppliesSettings(t *testing.T) {
	f := newFakeMeili(t)
	openFake(t, f)
	reqs := f.requests()
	want := []string{
		"GET /indexes/t_doctors", "POST /indexes", "GET /tasks/0",
		"GET /indexes/t_doctors/settings", "PATCH /indexes/t_doctors/settings", "GET /tasks/1",
		"GET /indexes/t_conditions", "POST /indexes", "GET /tasks/2",
		"GET /indexes/t_conditions/settings", "PATCH /indexes/t_conditions/settings", "GET /tasks/3",
	}
	if got := reqLines(reqs); !slices.Equal(got, want) {
		t.Fatalf("requests:\n got %v\nwant %v", got, want)
	}
	jsonEqual(t, "create doctors", reqs[1].Body, `{"uid": "t_doctors", "primaryKey": "id"}`)
	jsonEqual(t, "doctor settings", reqs[4].Body, wantDoctorSettingsPatch)
	jsonEqual(t, "create conditions", reqs[7].Body, `{"uid": "t_conditions", "primaryKey": "id"}`)
	jsonEqual(t, "condition settings", reqs[10].Body, wantConditionSettingsPatch)
}

func TestMeiliSettingsNotResentWhenEqual(t *testing.T) {
	f := newFakeMeili(t)
	openFake(t, f)
	f.requests()
	openFake(t, f)
	want := []string{
		"GET /indexes/t_doctors", "GET /indexes/t_doctors/settings",
		"GET /indexes/t_conditions", "GET /indexes/t_conditions/settings",
	}
	if got := reqLines(f.requests()); !slices.Equal(got, want) {
		t.Errorf("second open:\n got %v\nwant %v", got, want)
	}
}

func TestMeiliSettingsPatchOnlyWhatDiffers(t *testing.T) {
	f := newFakeMeili(t)
	openFake(t, f)
	f.requests()
	// Someone changed two settings of the doctors index by hand.
	f.mu.Lock()
	s := f.indexes["t_doctors"].settings
	s["sortableAttributes"] = json.RawMessage(`["_geo", "id", "price_min"]`)
	s["typoTolerance"] = json.RawMessage(`{"enabled": true, "minWordSizeForTypos": {"oneTypo": 4, "twoTypos": 9},
		"disableOnWords": [], "disableOnAttributes": [], "disableOnNumbers": false}`)
	f.mu.Unlock()

	openFake(t, f)
	reqs := f.requests()
	want := []string{
		"GET /indexes/t_doctors", "GET /indexes/t_doctors/settings", "PATCH /indexes/t_doctors/settings", "GET /tasks/4",
		"GET /indexes/t_conditions", "GET /indexes/t_conditions/settings",
	}
	if got := reqLines(reqs); !slices.Equal(got, want) {
		t.Fatalf("requests:\n got %v\nwant %v", got, want)
	}
	jsonEqual(t, "patch", reqs[2].Body, `{
		"sortableAttributes": ["id", "price_min", "rating", "rating_count", "next_available", "_geo",
			"price_email_advice", "next_email_advice", "price_video", "next_video",
			"price_walk_in", "next_walk_in", "price_in_person", "next_in_person"],
		"typoTolerance": {"enabled": true, "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
			"disableOnWords": [], "disableOnAttributes": [], "disableOnNumbers": false}
	}`)
}

func TestMeiliOpenRejectsOtherPrimaryKey(t *testing.T) {
	f := newFakeMeili(t)
	f.newIndex("t_doctors", "uuid")
	_, err := OpenMeili(t.Context(), f.URL(), f.apiKey, "t_")
	if err == nil || !strings.Contains(err.Error(), `primary key "uuid"`) {
		t.Errorf("OpenMeili with another primary key: %v", err)
	}
}

func TestMeiliOpenBadKey(t *testing.T) {
	f := newFakeMeili(t)
	_, err := OpenMeili(t.Context(), f.URL(), "wrong", "t_")
	if err == nil || !strings.Contains(err.Error(), "missing_authorization_header") {
		t.Errorf("OpenMeili with a wrong key: %v", err)
	}
}

func TestMeiliSearchDoctorRequests(t *testing.T) {
	base := time.Date(2030, 3, 4, 8, 0, 0, 0, time.UTC)
	dam := &GeoPoint{Lat: 52.3731, Lng: 4.8922}
	at := func(d time.Duration) *time.Time { t := base.Add(d); return &t }
	unix := func(d time.Duration) string { return strconv.FormatInt(base.Add(d).Unix(), 10) }
	cases := []struct {
		name   string
		q      DoctorQuery
		filter string   // "" = no filter sent
		sort   []string // nil = no sort sent
		text   string
		facets bool
		page   int
		hpp    int
	}{
		{name: "everything", q: DoctorQuery{}, sort: []string{"id:asc"}},
		{name: "text", q: DoctorQuery{Text: "psoriasus"}, text: "psoriasus"},
		{name: "punctuation only", q: DoctorQuery{Text: " ?! "}, sort: []string{"id:asc"}},
		{name: "type and price", q: DoctorQuery{Type: TypeVideo, MaxPriceCents: 6000},
			filter: `types = "video" AND price_video <= 6000`, sort: []string{"id:asc"}},
		{name: "cheapest price", q: DoctorQuery{MaxPriceCents: 3000}, filter: `price_min <= 3000`, sort: []string{"id:asc"}},
		{name: "city", q: DoctorQuery{City: " Den Haag "}, filter: `city = "Den Haag"`, sort: []string{"id:asc"}},
		{name: "city escaped", q: DoctorQuery{City: `Den "Haag\`}, filter: `city = "Den \"Haag\\"`, sort: []string{"id:asc"}},
		{name: "language and rating", q: DoctorQuery{Language: "DE", MinRating: 4.5},
			filter: `languages = "de" AND rating >= 4.5`, sort: []string{"id:asc"}},
		{name: "available, any type", q: DoctorQuery{AvailableBefore: at(3 * time.Hour)},
			filter: `next_available < ` + unix(3*time.Hour), sort: []string{"id:asc"}},
		{name: "available, per type, rounded up", q: DoctorQuery{Type: TypeWalkIn, AvailableBefore: at(time.Hour + time.Millisecond)},
			filter: `types = "walk_in" AND next_walk_in < ` + unix(time.Hour+time.Second), sort: []string{"id:asc"}},
		{name: "radius", q: DoctorQuery{Near: dam, RadiusKm: 15},
			filter: `_geoRadius(52.3731, 4.8922, 15000)`, sort: []string{"id:asc"}},
		{name: "radius in metres", q: DoctorQuery{Near: dam, RadiusKm: 2.5004},
			filter: `_geoRadius(52.3731, 4.8922, 2500)`, sort: []string{"id:asc"}},
		{name: "distance sort", q: DoctorQuery{Near: dam, Sort: SortDistance},
			sort: []string{"_geoPoint(52.3731,4.8922):asc", "id:asc"}},
		{name: "price sort", q: DoctorQuery{Sort: SortPrice}, sort: []string{"price_min:asc", "id:asc"}},
		{name: "price sort of a type", q: DoctorQuery{Type: TypeVideo, Sort: SortPrice},
			filter: `types = "video"`, sort: []string{"price_video:asc", "id:asc"}},
		{name: "rating sort", q: DoctorQuery{Text: "acne", Sort: SortRating}, text: "acne",
			sort: []string{"rating:desc", "rating_count:desc", "id:asc"}},
		{name: "soonest", q: DoctorQuery{Sort: SortSoonest}, sort: []string{"next_available:asc", "id:asc"}},
		{name: "soonest of a type", q: DoctorQuery{Type: TypeInPerson, Sort: SortSoonest},
			filter: `types = "in_person"`, sort: []string{"next_in_person:asc", "id:asc"}},
		{name: "relevance explicitly", q: DoctorQuery{Text: "acne", Sort: SortRelevance}, text: "acne"},
		{name: "facets and paging", q: DoctorQuery{Facets: true, Page: 3, PerPage: 50}, facets: true, page: 3, hpp: 50,
			sort: []string{"id:asc"}},
		{name: "all filters", q: DoctorQuery{Text: "eczeem", Type: TypeInPerson, MaxPriceCents: 12000, City: "Utrecht",
			Near: dam, RadiusKm: 60, Language: "en", MinRating: 4, AvailableBefore: at(48 * time.Hour), Sort: SortDistance},
			text: "eczeem",
			filter: `types = "in_person" AND price_in_person <= 12000 AND city = "Utrecht" AND languages = "en" AND ` +
				`rating >= 4 AND next_in_person < ` + unix(48*time.Hour) + ` AND _geoRadius(52.3731, 4.8922, 60000)`,
			sort: []string{"_geoPoint(52.3731,4.8922):asc", "id:asc"}},
	}
	f := newFakeMeili(t)
	m := openFake(t, f)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.requests()
			if _, err := m.SearchDoctors(t.Context(), c.q); err != nil {
				t.Fatalf("SearchDoctors: %v", err)
			}
			reqs := f.requests()
			if len(reqs) != 1 || reqs[0].String() != "POST /indexes/t_doctors/search" {
				t.Fatalf("requests %v, want one search", reqLines(reqs))
			}
			var body map[string]any
			if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
				t.Fatalf("body: %v", err)
			}
			if got, _ := body["filter"].(string); got != c.filter {
				t.Errorf("filter\n got %q\nwant %q", got, c.filter)
			}
			_, hasFilter := body["filter"]
			if hasFilter != (c.filter != "") {
				t.Errorf("filter sent = %v, want %v", hasFilter, c.filter != "")
			}
			var sort []string
			if raw, ok := body["sort"].([]any); ok {
				for _, s := range raw {
					sort = append(sort, s.(string))
				}
			}
			if !slices.Equal(sort, c.sort) {
				t.Errorf("sort = %q, want %q", sort, c.sort)
			}
			if got := body["q"]; got != c.text {
				t.Errorf("q = %v, want %q", got, c.text)
			}
			page, hpp := max(c.page, 1), c.hpp
			if hpp == 0 {
				hpp = DefaultPerPage
			}
			if body["page"] != float64(page) || body["hitsPerPage"] != float64(hpp) {
				t.Errorf("page %v hitsPerPage %v, want %d and %d", body["page"], body["hitsPerPage"], page, hpp)
			}
			if _, ok := body["offset"]; ok {
				t.Errorf("offset sent along with page")
			}
			if _, ok := body["limit"]; ok {
				t.Errorf("limit sent along with page")
			}
			var facets []any
			if c.facets {
				facets = []any{"city", "languages", "types"}
			}
			if got, _ := body["facets"].([]any); !reflect.DeepEqual(got, facets) {
				t.Errorf("facets = %v, want %v", got, facets)
			}
			if body["matchingStrategy"] != "all" {
				t.Errorf("matchingStrategy = %v, want all", body["matchingStrategy"])
			}
			if got := body["attributesToRetrieve"]; !reflect.DeepEqual(got, []any{"id", "_geo"}) {
				t.Errorf("attributesToRetrieve = %v", got)
			}
		})
	}
}

func TestMeiliSearchDoctorResponse(t *testing.T) {
	f := newFakeMeili(t)
	m := openFake(t, f)
	f.searchReply = func(uid string, body map[string]any) any {
		return json.RawMessage(`{
			"hits": [
				{"id": "doc-01", "_geo": {"lat": 52.3676, "lng": 4.9041}, "_geoDistance": 1012},
				{"id": "doc-10", "_geo": {"lat": 52.3114, "lng": 4.8701}}
			],
			"query": "", "processingTimeMs": 1, "hitsPerPage": 2, "page": 1, "totalPages": 21, "totalHits": 42,
			"facetDistribution": {"city": {"Amsterdam": 30, "Amstelveen": 12}, "languages": {"nl": 42, "en": 20}},
			"facetStats": {}
		}`)
	}
	dam := GeoPoint{Lat: 52.3731, Lng: 4.8922}
	res, err := m.SearchDoctors(t.Context(), DoctorQuery{Near: &dam, RadiusKm: 10, Facets: true, PerPage: 2})
	if err != nil {
		t.Fatalf("SearchDoctors: %v", err)
	}
	if res.Total != 42 || len(res.Hits) != 2 || res.Hits[0].ID != "doc-01" || res.Hits[1].ID != "doc-10" {
		t.Fatalf("result %+v", res)
	}
	if d := res.Hits[0].DistanceKm; d == nil || *d != 1.012 {
		t.Errorf("distance from _geoDistance = %v, want 1.012", d)
	}
	want := HaversineKm(dam, GeoPoint{Lat: 52.3114, Lng: 4.8701})
	if d := res.Hits[1].DistanceKm; d == nil || math.Abs(*d-want) > 1e-9 {
		t.Errorf("distance from _geo = %v, want %v", d, want)
	}
	wantFacets := map[string]map[string]int{
		FacetCity:      {"Amsterdam": 30, "Amstelveen": 12},
		FacetLanguages: {"nl": 42, "en": 20},
		FacetTypes:     {},
	}
	if !reflect.DeepEqual(res.Facets, wantFacets) {
		t.Errorf("facets = %v, want %v", res.Facets, wantFacets)
	}

	// Without Near there are no distances, without Facets no facets.
	res, err = m.SearchDoctors(t.Context(), DoctorQuery{})
	if err != nil {
		t.Fatalf("SearchDoctors: %v", err)
	}
	if res.Hits[0].DistanceKm != nil || res.Facets != nil {
		t.Errorf("plain query: %+v", res)
	}
}

func TestMeiliInvalidQuerySendsNothing(t *testing.T) {
	f := newFakeMeili(t)
	m := openFake(t, f)
	f.requests()
	_, err := m.SearchDoctors(t.Context(), DoctorQuery{Sort: SortDistance})
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Field != "sort" {
		t.Errorf("error %v, want a QueryError on sort", err)
	}
	if reqs := f.requests(); len(reqs) != 0 {
		t.Errorf("sent %v for an invalid query", reqLines(reqs))
	}
}

func fixtureDoctor(base time.Time) DoctorDoc {
	return DoctorDoc{
		ID: "doc-01", Name: "Dr. Anna de Vries", Specialty: "Dermatologie",
		FocusAreas: []string{"psoriasis", "eczeem"}, City: "Amsterdam", Lat: 52.3676, Lng: 4.9041,
		Languages: []string{"nl", "EN", "nl"}, Types: []string{TypeVideo, TypeInPerson},
		// A price for a type not offered is not indexed.
		PriceCents: map[string]int64{TypeVideo: 6500, TypeInPerson: 9000, TypeWalkIn: 100},
		Rating:     4.8, RatingCount: 120,
		NextSlot: map[string]time.Time{TypeVideo: base.Add(2 * time.Hour), TypeInPerson: base.Add(72 * time.Hour)},
	}
}

func TestMeiliUpsertDoctorDocuments(t *testing.T) {
	base := time.Date(2030, 3, 4, 8, 0, 0, 0, time.UTC)
	f := newFakeMeili(t)
	m := openFake(t, f)
	f.requests()
	docs := append([]DoctorDoc{fixtureDoctor(base)}, GenerateDoctors(2499, 1, base)...)
	if err := m.UpsertDoctors(t.Context(), docs); err != nil {
		t.Fatalf("UpsertDoctors: %v", err)
	}
	reqs := f.requests()
	want := []string{
		"POST /indexes/t_doctors/documents", "POST /indexes/t_doctors/documents", "POST /indexes/t_doctors/documents",
		"GET /tasks/4", "GET /tasks/5", "GET /tasks/6",
	}
	if got := reqLines(reqs); !slices.Equal(got, want) {
		t.Fatalf("requests:\n got %v\nwant %v", got, want)
	}
	for i, size := range []int{1000, 1000, 500} {
		if reqs[i].Query != "primaryKey=id" {
			t.Errorf("batch %d: query %q, want primaryKey=id", i, reqs[i].Query)
		}
		var batch []json.RawMessage
		if err := json.Unmarshal(reqs[i].Body, &batch); err != nil {
			t.Fatalf("batch %d: %v", i, err)
		}
		if len(batch) != size {
			t.Errorf("batch %d has %d documents, want %d", i, len(batch), size)
		}
		if i == 0 {
			u := func(d time.Duration) string { return strconv.FormatInt(base.Add(d).Unix(), 10) }
			jsonEqual(t, "first document", batch[0], `{
				"id": "doc-01", "name": "Dr. Anna de Vries", "specialty": "Dermatologie",
				"focus_areas": ["psoriasis", "eczeem"], "city": "Amsterdam",
				"languages": ["nl", "en"], "types": ["video", "in_person"],
				"rating": 4.8, "rating_count": 120,
				"_geo": {"lat": 52.3676, "lng": 4.9041},
				"price_video": 6500, "price_in_person": 9000, "price_min": 6500,
				"next_video": `+u(2*time.Hour)+`, "next_in_person": `+u(72*time.Hour)+`, "next_available": `+u(2*time.Hour)+`
			}`)
		}
	}
}

func TestMeiliUpsertConditionDocuments(t *testing.T) {
	f := newFakeMeili(t)
	m := openFake(t, f)
	f.requests()
	err := m.UpsertConditions(t.Context(), []ConditionDoc{{
		Slug: "eczeem", Lang: "NL", Name: "Eczeem", Summary: "Droge huid.", Body: "Tekst.",
		Synonyms: []string{"dauwworm"}, Letter: "e",
	}})
	if err != nil {
		t.Fatalf("UpsertConditions: %v", err)
	}
	reqs := f.requests()
	if got := reqLines(reqs); !slices.Equal(got, []string{"POST /indexes/t_conditions/documents", "GET /tasks/4"}) {
		t.Fatalf("requests %v", got)
	}
	jsonEqual(t, "condition", reqs[0].Body, `[{"id": "nl_eczeem", "slug": "eczeem", "lang": "nl", "name": "Eczeem",
		"name_key": "eczeem", "summary": "Droge huid.", "body": "Tekst.", "synonyms": ["dauwworm"], "letter": "E"}]`)
}

func TestMeiliUpsertRejectsBadDocuments(t *testing.T) {
	f := newFakeMeili(t)
	m := openFake(t, f)
	f.requests()
	bad := []DoctorDoc{
		{ID: "has/slash"},
		{ID: "ok", Types: []string{"phone"}},
		{ID: "ok", Lat: 95},
		{ID: "ok", Rating: 7, RatingCount: 1},
	}
	for _, d := range bad {
		if err := m.UpsertDoctors(t.Context(), []DoctorDoc{d}); err == nil {
			t.Errorf("UpsertDoctors(%+v): no error", d)
		}
	}
	if reqs := f.requests(); len(reqs) != 0 {
		t.Errorf("sent %v for invalid documents", reqLines(reqs))
	}
}

func TestMeiliFailedTaskIsAnError(t *testing.T) {
	f := newFakeMeili(t)
	m := openFake(t, f)
	f.failTasks, f.failCode = "documentAdditionOrUpdate", "invalid_document_geo_field"
	err := m.UpsertDoctors(t.Context(), []DoctorDoc{fixtureDoctor(time.Now())})
	if err == nil || !strings.Contains(err.Error(), "invalid_document_geo_field") || !strings.Contains(err.Error(), "failed") {
		t.Errorf("UpsertDoctors with a failing task: %v", err)
	}
}

func TestMeiliAsyncWritesDoNotWait(t *testing.T) {
	f := newFakeMeili(t)
	m := openFake(t, f, WithMeiliAsyncWrites())
	f.requests()
	if err := m.UpsertDoctors(t.Context(), []DoctorDoc{fixtureDoctor(time.Now())}); err != nil {
		t.Fatalf("UpsertDoctors: %v", err)
	}
	if err := m.DeleteDoctor(t.Context(), "doc-01"); err != nil {
		t.Fatalf("DeleteDoctor: %v", err)
	}
	want := []string{"POST /indexes/t_doctors/documents", "DELETE /indexes/t_doctors/documents/doc-01"}
	if got := reqLines(f.requests()); !slices.Equal(got, want) {
		t.Errorf("requests %v, want %v", got, want)
	}
}

func TestMeiliDelete(t *testing.T) {
	f := newFakeMeili(t)
	m := openFake(t, f)
	f.requests()
	if err := m.DeleteDoctor(t.Context(), "doc-01"); err != nil {
		t.Fatalf("DeleteDoctor: %v", err)
	}
	if err := m.DeleteDoctor(t.Context(), "../indexes"); err == nil {
		t.Errorf("DeleteDoctor with a path in the id: no error")
	}
	want := []string{"DELETE /indexes/t_doctors/documents/doc-01", "GET /tasks/4"}
	if got := reqLines(f.requests()); !slices.Equal(got, want) {
		t.Errorf("requests:\n got %v\nwant %v", got, want)
	}
}

// A rebuild fills new indexes and swaps them in: the live indexes keep their
// documents until the swap and never receive a delete-all (which is what an
// API start did before, emptying the index every other instance serves).
func TestMeiliRebuildSwapsWithoutEmptying(t *testing.T) {
	f := newFakeMeili(t)
	m := openFake(t, f)
	base := time.Now()
	old := GenerateDoctors(3, 1, base)
	if err := m.UpsertDoctors(t.Context(), old); err != nil {
		t.Fatalf("UpsertDoctors: %v", err)
	}
	if err := m.UpsertConditions(t.Context(), []ConditionDoc{{Slug: "acne", Lang: "nl", Name: "Acne", Letter: "A"}}); err != nil {
		t.Fatalf("UpsertConditions: %v", err)
	}
	oldIDs := f.docIDs("t_doctors")
	f.requests()

	fresh := fixtureDoctor(base)
	err := m.Rebuild(t.Context(), func(ctx context.Context, w Writer) error {
		if got := f.docIDs("t_doctors"); !slices.Equal(got, oldIDs) {
			t.Errorf("live doctors while rebuilding = %v, want the old %v", got, oldIDs)
		}
		if err := w.UpsertDoctors(ctx, []DoctorDoc{fresh}); err != nil {
			return err
		}
		if got := f.docIDs("t_doctors"); !slices.Equal(got, oldIDs) {
			t.Errorf("live doctors after a rebuild write = %v, want the old %v", got, oldIDs)
		}
		return w.UpsertConditions(ctx, []ConditionDoc{{Slug: "eczeem", Lang: "nl", Name: "Eczeem", Letter: "E"}})
	})
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if got := f.docIDs("t_doctors"); !slices.Equal(got, []string{fresh.ID}) {
		t.Errorf("live doctors after the swap = %v, want [%s]", got, fresh.ID)
	}
	if got := f.docIDs("t_conditions"); !slices.Equal(got, []string{"nl_eczeem"}) {
		t.Errorf("live conditions after the swap = %v", got)
	}
	if got := f.indexNames(); !slices.Equal(got, []string{"t_conditions", "t_doctors"}) {
		t.Errorf("indexes after the rebuild = %v, want only the live two", got)
	}
	reqs := f.requests()
	var swap *fakeReq
	for i, r := range reqs {
		if r.Method == http.MethodDelete && (r.Path == "/indexes/t_doctors/documents" || r.Path == "/indexes/t_conditions/documents") {
			t.Errorf("rebuild sent %s", r)
		}
		if r.Method == http.MethodDelete && (r.Path == "/indexes/t_doctors" || r.Path == "/indexes/t_conditions") {
			t.Errorf("rebuild deleted a live index: %s", r)
		}
		if r.Path == "/swap-indexes" {
			swap = &reqs[i]
		}
	}
	if swap == nil {
		t.Fatalf("no swap-indexes request in %v", reqLines(reqs))
	}
	var pairs []struct {
		Indexes []string `json:"indexes"`
	}
	if err := json.Unmarshal(swap.Body, &pairs); err != nil || len(pairs) != 2 {
		t.Fatalf("swap body %s: %v", swap.Body, err)
	}
	for i, live := range []string{"t_doctors", "t_conditions"} {
		if pairs[i].Indexes[0] != live || !strings.HasPrefix(pairs[i].Indexes[1], live+"_rebuild_") {
			t.Errorf("swap pair %d = %v, want %s with its rebuild", i, pairs[i].Indexes, live)
		}
	}
	// The new doctors index got the settings before any document.
	var sawSettings bool
	for _, r := range reqs {
		if strings.HasPrefix(r.Path, "/indexes/t_doctors_rebuild_") {
			if strings.HasSuffix(r.Path, "/settings") && r.Method == http.MethodPatch {
				jsonEqual(t, "settings of the new doctors index", r.Body, wantDoctorSettingsPatch)
				sawSettings = true
			}
			if strings.HasSuffix(r.Path, "/documents") && !sawSettings {
				t.Errorf("documents sent to the new index before its settings")
			}
		}
	}
	if !sawSettings {
		t.Errorf("no settings for the new doctors index in %v", reqLines(reqs))
	}
}

func TestMeiliRebuildFailureKeepsLiveIndex(t *testing.T) {
	f := newFakeMeili(t)
	m := openFake(t, f)
	if err := m.UpsertDoctors(t.Context(), GenerateDoctors(2, 1, time.Now())); err != nil {
		t.Fatalf("UpsertDoctors: %v", err)
	}
	oldIDs := f.docIDs("t_doctors")
	boom := errors.New("database went away")
	err := m.Rebuild(t.Context(), func(ctx context.Context, w Writer) error {
		if err := w.UpsertDoctors(ctx, []DoctorDoc{fixtureDoctor(time.Now())}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Rebuild = %v, want the fill's error", err)
	}
	if got := f.docIDs("t_doctors"); !slices.Equal(got, oldIDs) {
		t.Errorf("live doctors after a failed rebuild = %v, want %v", got, oldIDs)
	}
	if got := f.indexNames(); !slices.Equal(got, []string{"t_conditions", "t_doctors"}) {
		t.Errorf("indexes after a failed rebuild = %v, want the new ones dropped", got)
	}
}

func TestMeiliSearchConditions(t *testing.T) {
	f := newFakeMeili(t)
	m := openFake(t, f)
	f.searchReply = func(uid string, body map[string]any) any {
		return map[string]any{
			"hits": []map[string]any{
				{"slug": "psoriasis", "name": "Psoriasis", "lang": "nl"},
				{"slug": "eczeem", "name": "Eczeem", "lang": "nl"},
			},
			"query": body["q"], "processingTimeMs": 0, "hitsPerPage": body["hitsPerPage"], "page": 1,
			"totalPages": 2, "totalHits": 3,
		}
	}
	cases := []struct {
		lang, text string
		limit      int
		want       string
	}{
		{"nl", "psoriasus", 5, `{"q": "psoriasus", "filter": "lang = \"nl\"", "page": 1, "hitsPerPage": 5,
			"attributesToRetrieve": ["slug", "name", "lang"], "matchingStrategy": "all", "hybrid": null}`},
		{" NL ", "", 0, `{"q": "", "filter": "lang = \"nl\"", "page": 1, "hitsPerPage": 20, "sort": ["name_key:asc", "id:asc"],
			"attributesToRetrieve": ["slug", "name", "lang"], "matchingStrategy": "all", "hybrid": null}`},
		{"en", "acne", 500, `{"q": "acne", "filter": "lang = \"en\"", "page": 1, "hitsPerPage": 100,
			"attributesToRetrieve": ["slug", "name", "lang"], "matchingStrategy": "all", "hybrid": null}`},
	}
	for _, c := range cases {
		f.requests()
		res, err := m.SearchConditions(t.Context(), c.lang, c.text, c.limit)
		if err != nil {
			t.Fatalf("SearchConditions: %v", err)
		}
		reqs := f.requests()
		if len(reqs) != 1 || reqs[0].String() != "POST /indexes/t_conditions/search" {
			t.Fatalf("requests %v", reqLines(reqs))
		}
		jsonEqual(t, "condition search "+c.text, reqs[0].Body, c.want)
		want := []ConditionHit{{"psoriasis", "Psoriasis", "nl"}, {"eczeem", "Eczeem", "nl"}}
		if res.Total != 3 || !slices.Equal(res.Hits, want) {
			t.Errorf("result %+v", res)
		}
	}
}

func TestOpenChoosesImplementation(t *testing.T) {
	f := newFakeMeili(t)
	idx, err := Open(t.Context(), f.URL(), f.apiKey, "t_", t.TempDir())
	if err != nil {
		t.Fatalf("Open with a Meilisearch URL: %v", err)
	}
	if _, ok := idx.(*Meili); !ok {
		t.Errorf("Open with a Meilisearch URL gave %T", idx)
	}
	if err := idx.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	idx, err = Open(t.Context(), "", "", "t_", t.TempDir())
	if err != nil {
		t.Fatalf("Open without a Meilisearch URL: %v", err)
	}
	if _, ok := idx.(*Bleve); !ok {
		t.Errorf("Open without a Meilisearch URL gave %T", idx)
	}
	if err := idx.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
