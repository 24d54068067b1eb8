package searchtest

import (
	"context"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"derma2go/search"
)

// RunContract runs the behaviour every search.Index must have. open returns
// a new, empty index; it is called once for the read-only tests and once for
// each test that changes documents, and should register its own cleanup.
func RunContract(t *testing.T, open func(t *testing.T) search.Index) {
	t.Run("read", func(t *testing.T) {
		idx := open(t)
		seed(t, idx)
		t.Run("typos", func(t *testing.T) { testTypos(t, idx) })
		t.Run("filters", func(t *testing.T) { testFilters(t, idx) })
		t.Run("geo", func(t *testing.T) { testGeo(t, idx) })
		t.Run("sorts", func(t *testing.T) { testSorts(t, idx) })
		t.Run("pagination", func(t *testing.T) { testPagination(t, idx) })
		t.Run("facets", func(t *testing.T) { testFacets(t, idx) })
		t.Run("validation", func(t *testing.T) { testValidation(t, idx) })
		t.Run("conditions", func(t *testing.T) { testConditions(t, idx) })
	})
	t.Run("delete", func(t *testing.T) {
		idx := open(t)
		seed(t, idx)
		testDelete(t, idx)
	})
	t.Run("rebuild and swap", func(t *testing.T) {
		idx := open(t)
		seed(t, idx)
		testRebuild(t, idx)
	})
	t.Run("update changes results", func(t *testing.T) {
		idx := open(t)
		seed(t, idx)
		testUpdate(t, idx)
	})
}

func seed(t *testing.T, idx search.Index) {
	t.Helper()
	if err := idx.UpsertDoctors(t.Context(), Doctors()); err != nil {
		t.Fatalf("UpsertDoctors: %v", err)
	}
	if err := idx.UpsertConditions(t.Context(), Conditions()); err != nil {
		t.Fatalf("UpsertConditions: %v", err)
	}
}

func find(t *testing.T, idx search.Index, q search.DoctorQuery) search.DoctorResult {
	t.Helper()
	res, err := idx.SearchDoctors(t.Context(), q)
	if err != nil {
		t.Fatalf("SearchDoctors(%+v): %v", q, err)
	}
	return res
}

func ids(res search.DoctorResult) []string {
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func sorted(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return out
}

// wantSet checks that res holds exactly want (in any order) and that Total agrees.
func wantSet(t *testing.T, what string, res search.DoctorResult, want ...string) {
	t.Helper()
	got := sorted(ids(res))
	if !slices.Equal(got, sorted(want)) {
		t.Errorf("%s: got %v, want %v", what, got, sorted(want))
	}
	if res.Total != len(want) {
		t.Errorf("%s: Total = %d, want %d", what, res.Total, len(want))
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

func testTypos(t *testing.T, idx search.Index) {
	cases := []struct {
		text    string
		exact   []string // the complete result, when set
		include []string
		exclude []string
	}{
		// Prefix of the last word (and two typos allowed at 10 letters).
		{text: "dermatolog", include: []string{"doc-01", "doc-02", "doc-05", "doc-08", "doc-10"}, exclude: []string{"doc-04"}},
		// Two typos (a swap written as two edits) in a 9-letter city.
		{text: "Amstredam", exact: []string{"doc-01", "doc-02"}},
		// One typo on a focus area.
		{text: "psoriasus", exact: []string{"doc-01", "doc-05", "doc-09"}},
		// Every word must match.
		{text: "psoriasus amsterdam", exact: []string{"doc-01"}},
		{text: "Yilmas", exact: []string{"doc-06"}},
		// Swapped letters count as one typo.
		{text: "ezceem", exact: []string{"doc-01", "doc-03", "doc-10"}},
		{text: "eczeem", exact: []string{"doc-01", "doc-03", "doc-10"}},
		{text: "de vri", exact: []string{"doc-01"}},
		// Accents and case do not matter.
		{text: "PSORIÁSIS", exact: []string{"doc-01", "doc-05", "doc-09"}},
		{text: "xyzzyq", exact: []string{}},
	}
	for _, c := range cases {
		res := find(t, idx, search.DoctorQuery{Text: c.text, PerPage: 100})
		got := ids(res)
		if c.exact != nil {
			wantSet(t, "text "+c.text, res, c.exact...)
			continue
		}
		for _, id := range c.include {
			if !slices.Contains(got, id) {
				t.Errorf("text %q: %s missing from %v", c.text, id, got)
			}
		}
		for _, id := range c.exclude {
			if slices.Contains(got, id) {
				t.Errorf("text %q: %s should not match (got %v)", c.text, id, got)
			}
		}
	}
	// A name match ranks first.
	if got := ids(find(t, idx, search.DoctorQuery{Text: "vries"})); len(got) == 0 || got[0] != "doc-01" {
		t.Errorf("text vries: got %v, want doc-01 first", got)
	}
}

func testFilters(t *testing.T, idx search.Index) {
	cases := []struct {
		name string
		q    search.DoctorQuery
		want []string
	}{
		{"type", search.DoctorQuery{Type: search.TypeVideo}, []string{"doc-01", "doc-02", "doc-05", "doc-06", "doc-08", "doc-09"}},
		{"type and max price", search.DoctorQuery{Type: search.TypeVideo, MaxPriceCents: 6000}, []string{"doc-02", "doc-06", "doc-09"}},
		{"max price over cheapest type", search.DoctorQuery{MaxPriceCents: 3000}, []string{"doc-05", "doc-07"}},
		{"city", search.DoctorQuery{City: "amsterdam"}, []string{"doc-01", "doc-02"}},
		{"city upper case", search.DoctorQuery{City: "AMSTERDAM"}, []string{"doc-01", "doc-02"}},
		{"city with space", search.DoctorQuery{City: "Den Haag"}, []string{"doc-05"}},
		{"city with quote", search.DoctorQuery{City: `Den "Haag`}, []string{}},
		{"language", search.DoctorQuery{Language: "tr"}, []string{"doc-06"}},
		{"language upper case", search.DoctorQuery{Language: "DE"}, []string{"doc-03", "doc-07"}},
		{"min rating inclusive", search.DoctorQuery{MinRating: 4.6}, []string{"doc-01", "doc-03", "doc-08", "doc-09"}},
		{"available before, any type", search.DoctorQuery{AvailableBefore: ptrTime(Base.Add(3 * hour))}, []string{"doc-01", "doc-02", "doc-03", "doc-09"}},
		{"available before, per type", search.DoctorQuery{Type: search.TypeVideo, AvailableBefore: ptrTime(Base.Add(3 * hour))}, []string{"doc-01", "doc-09"}},
		{"available strictly before", search.DoctorQuery{Type: search.TypeVideo, AvailableBefore: ptrTime(Base.Add(2 * hour))}, []string{"doc-09"}},
		{"combined", search.DoctorQuery{Type: search.TypeInPerson, Language: "en", MinRating: 4.75}, []string{"doc-01", "doc-03"}},
		{"text and city", search.DoctorQuery{Text: "acne", City: "Rotterdam"}, []string{"doc-06"}},
		{"nothing", search.DoctorQuery{City: "Zierikzee"}, []string{}},
	}
	for _, c := range cases {
		c.q.PerPage = 100
		wantSet(t, c.name, find(t, idx, c.q), c.want...)
	}
}

func near(p search.GeoPoint) *search.GeoPoint { return &p }

func testGeo(t *testing.T, idx search.Index) {
	cases := []struct {
		name string
		q    search.DoctorQuery
		want []string
	}{
		{"15 km around the Dam", search.DoctorQuery{Near: near(Dam), RadiusKm: 15}, []string{"doc-01", "doc-02", "doc-10"}},
		{"40 km around Utrecht", search.DoctorQuery{Near: near(UtrechtCentre), RadiusKm: 40}, []string{"doc-01", "doc-02", "doc-04", "doc-10"}},
		{"25 km around Rotterdam, video", search.DoctorQuery{Near: near(RotterdamCentre), RadiusKm: 25, Type: search.TypeVideo}, []string{"doc-05", "doc-06"}},
	}
	all := map[string]search.DoctorDoc{}
	for _, d := range Doctors() {
		all[d.ID] = d
	}
	for _, c := range cases {
		c.q.PerPage = 100
		res := find(t, idx, c.q)
		wantSet(t, c.name, res, c.want...)
		for _, h := range res.Hits {
			d := all[h.ID]
			want := search.HaversineKm(*c.q.Near, search.GeoPoint{Lat: d.Lat, Lng: d.Lng})
			if h.DistanceKm == nil {
				t.Errorf("%s: %s has no distance", c.name, h.ID)
				continue
			}
			if math.Abs(*h.DistanceKm-want) > 0.05+0.005*want {
				t.Errorf("%s: %s at %.3f km, want %.3f", c.name, h.ID, *h.DistanceKm, want)
			}
			if *h.DistanceKm > c.q.RadiusKm {
				t.Errorf("%s: %s at %.3f km is outside the radius", c.name, h.ID, *h.DistanceKm)
			}
		}
	}
	// Without Near there is no distance.
	for _, h := range find(t, idx, search.DoctorQuery{}).Hits {
		if h.DistanceKm != nil {
			t.Errorf("hit %s has a distance without near", h.ID)
		}
	}
}

func testSorts(t *testing.T, idx search.Index) {
	cases := []struct {
		name string
		q    search.DoctorQuery
		want []string // exact order
		tail []string // then these, in any order
	}{
		{name: "price of a type", q: search.DoctorQuery{Type: search.TypeVideo, Sort: search.SortPrice},
			want: []string{"doc-09", "doc-02", "doc-06", "doc-01", "doc-05", "doc-08"}},
		{name: "cheapest price, ties by id", q: search.DoctorQuery{Sort: search.SortPrice},
			want: []string{"doc-07", "doc-05", "doc-02", "doc-06", "doc-09", "doc-10", "doc-03", "doc-01", "doc-08", "doc-04"}},
		{name: "rating then count", q: search.DoctorQuery{Sort: search.SortRating},
			want: []string{"doc-03", "doc-01", "doc-08", "doc-09", "doc-04", "doc-06", "doc-10", "doc-02", "doc-07", "doc-05"}},
		{name: "soonest, any type, none last", q: search.DoctorQuery{Sort: search.SortSoonest},
			want: []string{"doc-03", "doc-02", "doc-09", "doc-01", "doc-07", "doc-06", "doc-10", "doc-08", "doc-04", "doc-05"}},
		{name: "soonest of a type", q: search.DoctorQuery{Type: search.TypeInPerson, Sort: search.SortSoonest},
			want: []string{"doc-08", "doc-01", "doc-10", "doc-04"}, tail: []string{"doc-03", "doc-07"}},
		{name: "distance", q: search.DoctorQuery{Near: near(RotterdamCentre), Sort: search.SortDistance},
			want: []string{"doc-03", "doc-06", "doc-05", "doc-04", "doc-10", "doc-02", "doc-01", "doc-08", "doc-09", "doc-07"}},
		{name: "rating with text", q: search.DoctorQuery{Text: "psoriasis", Sort: search.SortRating},
			want: []string{"doc-01", "doc-09", "doc-05"}},
		{name: "price with filter", q: search.DoctorQuery{Language: "en", Sort: search.SortPrice, MaxPriceCents: 7000},
			want: []string{"doc-06", "doc-09", "doc-03", "doc-01"}},
	}
	for _, c := range cases {
		c.q.PerPage = 100
		res := find(t, idx, c.q)
		got := ids(res)
		if len(got) != len(c.want)+len(c.tail) {
			t.Errorf("%s: got %v, want %v then %v", c.name, got, c.want, c.tail)
			continue
		}
		if !slices.Equal(got[:len(c.want)], c.want) {
			t.Errorf("%s: got %v, want %v first", c.name, got, c.want)
		}
		if !slices.Equal(sorted(got[len(c.want):]), sorted(c.tail)) {
			t.Errorf("%s: got %v, want %v last", c.name, got, c.tail)
		}
	}
	// Distances come back in ascending order with the distance sort.
	res := find(t, idx, search.DoctorQuery{Near: near(Dam), Sort: search.SortDistance})
	prev := -1.0
	for _, h := range res.Hits {
		if h.DistanceKm == nil || *h.DistanceKm < prev {
			t.Fatalf("distance sort: hits %v not in ascending distance", ids(res))
		}
		prev = *h.DistanceKm
	}
}

func testPagination(t *testing.T, idx search.Index) {
	queries := []search.DoctorQuery{
		{},
		{Sort: search.SortRating},
		{Sort: search.SortPrice},
		{Sort: search.SortSoonest},
		{Text: "dr"},
		{Near: near(UtrechtCentre), Sort: search.SortDistance},
	}
	for _, base := range queries {
		full := base
		full.PerPage = 100
		all := ids(find(t, idx, full))
		if len(all) != 10 {
			t.Fatalf("%+v: %d hits on one page, want 10", base, len(all))
		}
		var paged []string
		for page := 1; page <= 4; page++ {
			q := base
			q.Page, q.PerPage = page, 3
			res := find(t, idx, q)
			if res.Total != 10 {
				t.Errorf("%+v page %d: Total = %d, want 10", base, page, res.Total)
			}
			wantLen := 3
			if page == 4 {
				wantLen = 1
			}
			if len(res.Hits) != wantLen {
				t.Errorf("%+v page %d: %d hits, want %d", base, page, len(res.Hits), wantLen)
			}
			paged = append(paged, ids(res)...)
		}
		if !slices.Equal(paged, all) {
			t.Errorf("%+v: pages give %v, one page gives %v", base, paged, all)
		}
		q := base
		q.Page, q.PerPage = 5, 3
		if res := find(t, idx, q); len(res.Hits) != 0 || res.Total != 10 {
			t.Errorf("%+v page past the end: %d hits, Total %d", base, len(res.Hits), res.Total)
		}
	}
	if res := find(t, idx, search.DoctorQuery{}); len(res.Hits) != 10 {
		t.Errorf("default page size: %d hits, want all 10", len(res.Hits))
	}
}

func testFacets(t *testing.T, idx search.Index) {
	res := find(t, idx, search.DoctorQuery{Facets: true, PerPage: 1})
	want := map[string]map[string]int{
		search.FacetCity: {"Amsterdam": 2, "Rotterdam": 2, "Utrecht": 1, "Den Haag": 1, "Groningen": 1,
			"Eindhoven": 1, "Maastricht": 1, "Amstelveen": 1},
		search.FacetLanguages: {"nl": 10, "en": 6, "de": 2, "fr": 2, "tr": 1, "ar": 1},
		search.FacetTypes: {search.TypeEmailAdvice: 3, search.TypeVideo: 6, search.TypeWalkIn: 3,
			search.TypeInPerson: 6},
	}
	checkFacets(t, "all doctors", res.Facets, want)

	res = find(t, idx, search.DoctorQuery{Facets: true, Type: search.TypeVideo, Language: "en"})
	want = map[string]map[string]int{
		search.FacetCity:      {"Amsterdam": 1, "Rotterdam": 1, "Eindhoven": 1, "Maastricht": 1},
		search.FacetLanguages: {"nl": 4, "en": 4, "tr": 1, "ar": 1, "fr": 1},
		search.FacetTypes:     {search.TypeVideo: 4, search.TypeInPerson: 2, search.TypeWalkIn: 1},
	}
	checkFacets(t, "video in English", res.Facets, want)

	res = find(t, idx, search.DoctorQuery{Facets: true, City: "Zierikzee"})
	checkFacets(t, "no match", res.Facets, map[string]map[string]int{
		search.FacetCity: {}, search.FacetLanguages: {}, search.FacetTypes: {},
	})

	if res := find(t, idx, search.DoctorQuery{}); res.Facets != nil {
		t.Errorf("facets not asked for, got %v", res.Facets)
	}
}

func checkFacets(t *testing.T, what string, got, want map[string]map[string]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: facets %v, want %v", what, got, want)
		return
	}
	for name, w := range want {
		if !maps.Equal(got[name], w) {
			t.Errorf("%s: facet %s = %v, want %v", what, name, got[name], w)
		}
	}
}

func testValidation(t *testing.T, idx search.Index) {
	cases := []struct {
		q     search.DoctorQuery
		field string
	}{
		{search.DoctorQuery{Sort: search.SortDistance}, "sort"},
		{search.DoctorQuery{RadiusKm: 5}, "radius_km"},
		{search.DoctorQuery{Near: near(Dam), RadiusKm: -1}, "radius_km"},
		{search.DoctorQuery{MaxPriceCents: -1}, "max_price_cents"},
		{search.DoctorQuery{PerPage: 101}, "per_page"},
		{search.DoctorQuery{Page: -1}, "page"},
		{search.DoctorQuery{Sort: "cheapest"}, "sort"},
		{search.DoctorQuery{Type: "phone"}, "type"},
		{search.DoctorQuery{Near: &search.GeoPoint{Lat: 91, Lng: 4}}, "near.lat"},
		{search.DoctorQuery{Near: &search.GeoPoint{Lat: 52, Lng: -181}}, "near.lng"},
		{search.DoctorQuery{MinRating: 6}, "min_rating"},
		{search.DoctorQuery{Language: `nl" OR id EXISTS`}, "language"},
		{search.DoctorQuery{Text: strings.Repeat("a", search.MaxTextLen+1)}, "text"},
	}
	for _, c := range cases {
		_, err := idx.SearchDoctors(t.Context(), c.q)
		var qe *search.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("%+v: error %v, want *search.QueryError", c.q, err)
			continue
		}
		if qe.Field != c.field {
			t.Errorf("%+v: QueryError on %q, want %q", c.q, qe.Field, c.field)
		}
	}
}

func condSlugs(res search.ConditionResult) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Slug)
	}
	return out
}

func testConditions(t *testing.T, idx search.Index) {
	cases := []struct {
		lang, text string
		first      string
	}{
		{"nl", "psoriasus", "psoriasis"},
		{"nl", "eczeen", "eczeem"},
		{"nl", "rosasea", "rosacea"},
		{"nl", "couperoze", "rosacea"},
		{"en", "eczma", "eczema"},
		{"en", "hievs", "hives"},
		{"en", "melanoma", "skin-cancer"},
		{"en", "Psoriasis", "psoriasis"},
	}
	for _, c := range cases {
		res, err := idx.SearchConditions(t.Context(), c.lang, c.text, 5)
		if err != nil {
			t.Fatalf("SearchConditions(%s, %q): %v", c.lang, c.text, err)
		}
		if len(res.Hits) == 0 || res.Hits[0].Slug != c.first {
			t.Errorf("SearchConditions(%s, %q) = %v, want %s first", c.lang, c.text, condSlugs(res), c.first)
			continue
		}
		for _, h := range res.Hits {
			if h.Lang != c.lang {
				t.Errorf("SearchConditions(%s, %q): hit %s in %s", c.lang, c.text, h.Slug, h.Lang)
			}
		}
		if res.Hits[0].Name == "" {
			t.Errorf("SearchConditions(%s, %q): hit without a name", c.lang, c.text)
		}
	}

	res, err := idx.SearchConditions(t.Context(), "nl", "", 0)
	if err != nil {
		t.Fatalf("SearchConditions(nl, all): %v", err)
	}
	wantAll := []string{"acne", "eczeem", "huidkanker", "netelroos", "psoriasis", "rosacea"}
	if !slices.Equal(condSlugs(res), wantAll) || res.Total != 6 {
		t.Errorf("all nl conditions = %v (Total %d), want %v by name", condSlugs(res), res.Total, wantAll)
	}
	if res.Hits[0].Name != "Acne" || res.Hits[0].Lang != "nl" {
		t.Errorf("first nl condition = %+v, want Acne in nl", res.Hits[0])
	}

	res, err = idx.SearchConditions(t.Context(), "en", "", 2)
	if err != nil {
		t.Fatalf("SearchConditions(en, limit 2): %v", err)
	}
	if !slices.Equal(condSlugs(res), []string{"acne", "eczema"}) || res.Total != 6 {
		t.Errorf("en conditions, limit 2 = %v (Total %d), want [acne eczema] of 6", condSlugs(res), res.Total)
	}

	res, err = idx.SearchConditions(t.Context(), "de", "", 10)
	if err != nil {
		t.Fatalf("SearchConditions(de): %v", err)
	}
	if len(res.Hits) != 0 || res.Total != 0 {
		t.Errorf("de conditions = %v, want none", condSlugs(res))
	}
}

func testDelete(t *testing.T, idx search.Index) {
	if err := idx.DeleteDoctor(t.Context(), "doc-01"); err != nil {
		t.Fatalf("DeleteDoctor: %v", err)
	}
	wantSet(t, "psoriasus after delete", find(t, idx, search.DoctorQuery{Text: "psoriasus"}), "doc-05", "doc-09")
	if res := find(t, idx, search.DoctorQuery{}); res.Total != 9 {
		t.Errorf("Total after delete = %d, want 9", res.Total)
	}
	res := find(t, idx, search.DoctorQuery{Facets: true})
	if got := res.Facets[search.FacetCity]["Amsterdam"]; got != 1 {
		t.Errorf("Amsterdam facet after delete = %d, want 1", got)
	}
	for _, id := range []string{"doc-01", "no-such-doctor"} {
		if err := idx.DeleteDoctor(t.Context(), id); err != nil {
			t.Errorf("DeleteDoctor(%s) of a missing doctor: %v", id, err)
		}
	}
}

// testRebuild fills a new copy with part of the data and checks that
// searches keep answering from the old documents until the swap, that the
// new documents replace the old ones completely, and that a failed rebuild
// leaves the live index as it was.
func testRebuild(t *testing.T, idx search.Index) {
	all := Doctors()
	kept := []search.DoctorDoc{Doctor("doc-01"), Doctor("doc-03"), Doctor("doc-10")}
	err := idx.Rebuild(t.Context(), func(ctx context.Context, w search.Writer) error {
		if res := find(t, idx, search.DoctorQuery{}); res.Total != len(all) {
			t.Errorf("while rebuilding, before writes: %d doctors, want the old %d", res.Total, len(all))
		}
		if err := w.UpsertDoctors(ctx, kept); err != nil {
			return err
		}
		if err := w.UpsertConditions(ctx, Conditions()[:1]); err != nil {
			return err
		}
		if res := find(t, idx, search.DoctorQuery{}); res.Total != len(all) {
			t.Errorf("while rebuilding, after writes: %d doctors, want the old %d", res.Total, len(all))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	wantSet(t, "after rebuild", find(t, idx, search.DoctorQuery{}), "doc-01", "doc-03", "doc-10")
	conds, err := idx.SearchConditions(t.Context(), Conditions()[0].Lang, "", 50)
	if err != nil {
		t.Fatalf("SearchConditions after rebuild: %v", err)
	}
	if conds.Total != 1 || conds.Hits[0].Slug != Conditions()[0].Slug {
		t.Errorf("conditions after rebuild = %v, want only %s", condSlugs(conds), Conditions()[0].Slug)
	}
	// Settings survive: filters, sorts, geo and typo tolerance still work.
	wantSet(t, "type after rebuild", find(t, idx, search.DoctorQuery{Type: search.TypeWalkIn}), "doc-03", "doc-10")
	wantSet(t, "typo after rebuild", find(t, idx, search.DoctorQuery{Text: "Amstredam"}), "doc-01")
	wantSet(t, "radius after rebuild", find(t, idx, search.DoctorQuery{Near: near(Dam), RadiusKm: 15}), "doc-01", "doc-10")
	if got := ids(find(t, idx, search.DoctorQuery{Sort: search.SortRating, PerPage: 2})); !slices.Equal(got, []string{"doc-03", "doc-01"}) {
		t.Errorf("rating sort after rebuild = %v", got)
	}
	// The live index takes writes after the swap.
	if err := idx.UpsertDoctors(t.Context(), []search.DoctorDoc{Doctor("doc-02")}); err != nil {
		t.Fatalf("UpsertDoctors after rebuild: %v", err)
	}
	wantSet(t, "upsert after rebuild", find(t, idx, search.DoctorQuery{}), "doc-01", "doc-02", "doc-03", "doc-10")

	boom := errors.New("the database went away")
	err = idx.Rebuild(t.Context(), func(ctx context.Context, w search.Writer) error {
		if err := w.UpsertDoctors(ctx, all[:1]); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("failed Rebuild = %v, want the fill's error", err)
	}
	wantSet(t, "after a failed rebuild", find(t, idx, search.DoctorQuery{}), "doc-01", "doc-02", "doc-03", "doc-10")

	// A rebuild from everything restores the full index.
	if err := idx.Rebuild(t.Context(), func(ctx context.Context, w search.Writer) error {
		if err := w.UpsertDoctors(ctx, all); err != nil {
			return err
		}
		return w.UpsertConditions(ctx, Conditions())
	}); err != nil {
		t.Fatalf("full Rebuild: %v", err)
	}
	if res := find(t, idx, search.DoctorQuery{}); res.Total != len(all) {
		t.Errorf("after a full rebuild: %d doctors, want %d", res.Total, len(all))
	}
	conds, err = idx.SearchConditions(t.Context(), "nl", "psoriasus", 5)
	if err != nil {
		t.Fatalf("SearchConditions after full rebuild: %v", err)
	}
	if len(conds.Hits) == 0 || conds.Hits[0].Slug != "psoriasis" {
		t.Errorf("condition after full rebuild = %v", condSlugs(conds))
	}
}

func testUpdate(t *testing.T, idx search.Index) {
	// Upserting the same documents again does not duplicate them.
	seed(t, idx)
	if res := find(t, idx, search.DoctorQuery{}); res.Total != 10 {
		t.Fatalf("after a second upsert: %d doctors, want 10", res.Total)
	}

	d09 := Doctor("doc-09")
	d09.PriceCents = map[string]int64{search.TypeVideo: 9000}
	d05 := Doctor("doc-05")
	d05.NextSlot = map[string]time.Time{search.TypeVideo: Base.Add(10 * time.Minute)}
	d03 := Doctor("doc-03")
	d03.NextSlot = nil
	if err := idx.UpsertDoctors(t.Context(), []search.DoctorDoc{d09, d05, d03}); err != nil {
		t.Fatalf("UpsertDoctors: %v", err)
	}

	got := ids(find(t, idx, search.DoctorQuery{Type: search.TypeVideo, Sort: search.SortPrice}))
	if want := []string{"doc-02", "doc-06", "doc-01", "doc-05", "doc-08", "doc-09"}; !slices.Equal(got, want) {
		t.Errorf("video by price after update = %v, want %v", got, want)
	}
	wantSet(t, "max price after update", find(t, idx, search.DoctorQuery{Type: search.TypeVideo, MaxPriceCents: 6000}), "doc-02", "doc-06")

	got = ids(find(t, idx, search.DoctorQuery{Sort: search.SortSoonest}))
	if want := []string{"doc-05", "doc-02", "doc-09", "doc-01"}; len(got) != 10 || !slices.Equal(got[:4], want) || got[9] != "doc-03" {
		t.Errorf("soonest after update = %v, want %v first and doc-03 last", got, want)
	}
	wantSet(t, "available after update", find(t, idx, search.DoctorQuery{AvailableBefore: ptrTime(Base.Add(3 * hour))}),
		"doc-01", "doc-02", "doc-05", "doc-09")
	wantSet(t, "video available after update", find(t, idx, search.DoctorQuery{Type: search.TypeVideo, AvailableBefore: ptrTime(Base.Add(3 * hour))}),
		"doc-01", "doc-05", "doc-09")
}
