package integration

import (
	"context"

	"net/http"
	"net/url"
	"sort"
	"testing"
	"time"

	"derma2go/demodata"
)

// seededForBench makes sure the database holds at least 10,000 doctors.
func seededForBench(b *testing.B) int {
	b.Helper()
	ctx := context.Background()
	var n int
	if err := stack.Platform.Store.Pool.QueryRow(ctx, "SELECT count(*) FROM doctors").Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n < 10_000 {
		started := time.Now()
		if err := demodata.SeedDoctors(ctx, stack.Platform.Store, stack.Platform.Fields, 10_000-n, "bench-doctor", 42); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %d doctors in %s", 10_000-n, time.Since(started).Round(time.Millisecond))
		n = 10_000
	}
	return n
}

// BenchmarkReindexFromPostgres rebuilds the embedded index from Postgres
// with 10,000 doctors: profiles, fees and next free slots computed from
// their weekly rules. Target: ≤ 15 s.
func BenchmarkReindexFromPostgres(b *testing.B) {
	n := seededForBench(b)
	b.ResetTimer()
	for range b.N {
		started := time.Now()
		indexed, err := stack.Platform.Indexer.Rebuild(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if indexed < n {
			b.Fatalf("indexed %d of %d doctors", indexed, n)
		}
		b.ReportMetric(time.Since(started).Seconds(), "rebuild-s")
	}
}

// BenchmarkDoctorSearchAPI measures GET /v1/doctors end to end (HTTP, the
// index, profiles from Postgres) over a mix of text, typo, filter, geo and
// sort queries with 10,000 doctors indexed.
func BenchmarkDoctorSearchAPI(b *testing.B) {
	seededForBench(b)
	if _, err := stack.Platform.Indexer.Rebuild(context.Background()); err != nil {
		b.Fatal(err)
	}
	soon := url.QueryEscape(time.Now().AddDate(0, 0, 7).Format("2006-01-02"))
	queries := []string{
		"q=dermatoloog", "q=Amstredam", "q=psoriasis&type=video", "q=eczeem&sort=rating",
		"type=video&max_price=6000&sort=price", "city=Utrecht&language=en", "min_rating=0&sort=rating&facets=true",
		"near=52.3676,4.9041&radius_km=10&sort=distance", "near=51.9244,4.4777&radius_km=25&type=in_person",
		"type=video&available_before=" + soon + "&sort=soonest", "language=tr&facets=true", "page=3&per_page=20",
	}
	const rounds = 20
	var lat []time.Duration
	b.ResetTimer()
	for range b.N {
		for range rounds {
			for _, q := range queries {
				started := time.Now()
				res, err := http.Get(stack.APIURL + "/v1/doctors?" + q)
				if err != nil {
					b.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("%s → %d", q, res.StatusCode)
				}
				lat = append(lat, time.Since(started))
			}
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.Logf("%d requests: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms", len(lat), pct(0.5), pct(0.95), pct(0.99))
}
