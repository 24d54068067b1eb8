package search_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"derma2go/search"
)

const benchDoctors = 10000

var benchBase = time.Date(2030, 3, 4, 8, 0, 0, 0, time.UTC)

var (
	benchOnce  sync.Once
	benchIndex *search.Bleve
	benchErr   error
)

// benchBleve returns an in-memory index with 10,000 generated doctors, built
// once per test binary.
func benchBleve(b *testing.B) *search.Bleve {
	b.Helper()
	benchOnce.Do(func() {
		benchIndex, benchErr = search.OpenBleve("")
		if benchErr != nil {
			return
		}
		benchErr = benchIndex.UpsertDoctors(context.Background(), search.GenerateDoctors(benchDoctors, 42, benchBase))
	})
	if benchErr != nil {
		b.Fatalf("build benchmark index: %v", benchErr)
	}
	return benchIndex
}

func benchQueries() []search.DoctorQuery {
	amsterdam := &search.GeoPoint{Lat: 52.3731, Lng: 4.8922}
	utrecht := &search.GeoPoint{Lat: 52.0894, Lng: 5.1100}
	soon := benchBase.Add(48 * time.Hour)
	return []search.DoctorQuery{
		// Text, with and without typos.
		{Text: "dermatolog"},
		{Text: "Amstredam"},
		{Text: "psoriasus"},
		{Text: "de vries"},
		{Text: "acne rotterdam"},
		{Text: "kinderdermatologie eczeem", Facets: true},
		// Short prefixes while typing.
		{Text: "d"},
		{Text: "van d", Type: search.TypeVideo},
		// Filters.
		{Type: search.TypeVideo, MaxPriceCents: 6000},
		{City: "Utrecht", Language: "en", Facets: true},
		{MinRating: 4.5, Type: search.TypeInPerson},
		{AvailableBefore: &soon, Type: search.TypeVideo},
		{Text: "psoriasis", Language: "de", MaxPriceCents: 9000},
		// Geo.
		{Near: amsterdam, RadiusKm: 10},
		{Near: utrecht, RadiusKm: 25, Sort: search.SortDistance},
		{Near: amsterdam, Sort: search.SortDistance, Page: 3},
		// Sorts over many hits.
		{Sort: search.SortPrice},
		{Sort: search.SortRating, Facets: true},
		{Type: search.TypeWalkIn, Sort: search.SortSoonest},
		{Text: "dermatologie", Sort: search.SortPrice, Type: search.TypeVideo},
		{Facets: true, PerPage: 100},
	}
}

// BenchmarkSearchDoctors runs a mix of text, filter, geo and sort queries over
// 10,000 doctors and reports latency percentiles (ms) besides ns/op.
func BenchmarkSearchDoctors(b *testing.B) {
	idx := benchBleve(b)
	queries := benchQueries()
	ctx := context.Background()
	lat := make([]time.Duration, 0, 1024)
	i := 0
	b.ResetTimer()
	for b.Loop() {
		q := queries[i%len(queries)]
		i++
		start := time.Now()
		if _, err := idx.SearchDoctors(ctx, q); err != nil {
			b.Fatalf("SearchDoctors(%+v): %v", q, err)
		}
		lat = append(lat, time.Since(start))
	}
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		k := int(p*float64(len(lat))+0.5) - 1
		k = max(0, min(k, len(lat)-1))
		return float64(lat[k]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkUpsertDoctors measures indexing 10,000 doctors into an empty
// index, in memory and on disk.
func BenchmarkUpsertDoctors(b *testing.B) {
	docs := search.GenerateDoctors(benchDoctors, 42, benchBase)
	for _, disk := range []bool{false, true} {
		name := "memory"
		if disk {
			name = "disk"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				dir := ""
				if disk {
					dir = b.TempDir()
				}
				idx, err := search.OpenBleve(dir)
				if err != nil {
					b.Fatalf("OpenBleve: %v", err)
				}
				b.StartTimer()
				if err := idx.UpsertDoctors(ctx, docs); err != nil {
					b.Fatalf("UpsertDoctors: %v", err)
				}
				b.StopTimer()
				if err := idx.Close(); err != nil {
					b.Fatalf("Close: %v", err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/10k-docs")
		})
	}
}

// TestSearchLatencyPerQuery checks every benchmark query against a 10,000
// doctor index and, with -v, logs its latency; it is the quick view of which
// query is slow. Skipped in -short mode.
func TestSearchLatencyPerQuery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 10,000 doctor index")
	}
	idx, err := search.OpenBleve("")
	if err != nil {
		t.Fatalf("OpenBleve: %v", err)
	}
	defer idx.Close()
	start := time.Now()
	if err := idx.UpsertDoctors(t.Context(), search.GenerateDoctors(benchDoctors, 42, benchBase)); err != nil {
		t.Fatalf("UpsertDoctors: %v", err)
	}
	t.Logf("upsert %d doctors: %v", benchDoctors, time.Since(start))
	for _, q := range benchQueries() {
		var best time.Duration
		var res search.DoctorResult
		for range 5 {
			s := time.Now()
			res, err = idx.SearchDoctors(t.Context(), q)
			if err != nil {
				t.Fatalf("SearchDoctors(%+v): %v", q, err)
			}
			if d := time.Since(s); best == 0 || d < best {
				best = d
			}
		}
		t.Logf("%-8v total %5d  %+v", best.Round(10*time.Microsecond), res.Total, q)
	}
}
