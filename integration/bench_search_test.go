package integration

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"derma2go/care"
	"derma2go/db"
	"derma2go/demodata"
	"derma2go/domain"
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
	connectBenchDoctors(b)
	// The statistics autovacuum would have gathered by now on a database
	// that grew over time, so the planner does not plan for empty tables.
	if _, err := stack.Platform.Store.Pool.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	// The stack's follower applies the seeding's outbox entries first, so
	// that it does not index the same doctors beside the timed rebuild.
	started, deadline := time.Now(), time.Now().Add(10*time.Minute)
	for err := stack.Platform.Indexer.Ready(ctx); err != nil; err = stack.Platform.Indexer.Ready(ctx) {
		if time.Now().After(deadline) {
			b.Fatalf("the search index did not catch up with the seeded doctors: %v", err)
		}
	}
	b.Logf("the index followed the seeded doctors' changes after %s", time.Since(started).Round(time.Millisecond))
	return n
}

// connectBenchDoctors gives every doctor without a Mollie account a
// connection row, so that with Mollie Connect on (as in the stack) the
// seeded doctors are listed and indexed like the demo doctors. The tokens
// are sealed placeholders: no benchmark pays a seeded doctor, and going
// through the sandbox's consent page for 9,800 doctors would take minutes.
func connectBenchDoctors(b *testing.B) {
	b.Helper()
	f := stack.Platform.Fields
	name, err := f.EncryptString(db.FieldMollieOrgName, "Praktijk (benchmark)")
	if err != nil {
		b.Fatal(err)
	}
	access, err := f.EncryptString(db.FieldMollieAccessToken, "access_benchmark")
	if err != nil {
		b.Fatal(err)
	}
	refresh, err := f.EncryptString(db.FieldMollieRefreshToken, "refresh_benchmark")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := stack.Platform.Store.Pool.Exec(context.Background(), `
		INSERT INTO mollie_connections (id, doctor_id, organization_id, organization_name_enc, profile_id,
		    access_token_enc, refresh_token_enc, access_expires_at)
		SELECT gen_random_uuid(), d.user_id, 'org_bench_' || d.user_id, $1, 'pfl_bench', $2, $3, now() + interval '1 year'
		FROM doctors d
		WHERE NOT EXISTS (SELECT 1 FROM mollie_connections m WHERE m.doctor_id = d.user_id)`, name, access, refresh); err != nil {
		b.Fatal(err)
	}
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
		if listed := listedDoctors(b); indexed != listed || listed < n-10 {
			b.Fatalf("indexed %d of %d doctors, %d of them listed", indexed, n, listed)
		}
		b.ReportMetric(time.Since(started).Seconds(), "rebuild-s")
	}
}

// listedDoctors counts the listed doctors (domain.Listed) and logs those
// that are not, with what they miss.
func listedDoctors(b *testing.B) int {
	b.Helper()
	ctx := context.Background()
	rows, err := stack.Platform.Store.Pool.Query(ctx, `SELECT user_id FROM doctors`)
	if err != nil {
		b.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		b.Fatal(err)
	}
	setups, err := care.DoctorSetups(ctx, stack.Platform.Store.Queries, ids, stack.Platform.Payouts.Enabled())
	if err != nil {
		b.Fatal(err)
	}
	listed := 0
	for id, s := range setups {
		if missing := domain.Missing(domain.Checklist(s)); len(missing) > 0 {
			b.Logf("doctor %s is not listed: misses %v", id, missing)
			continue
		}
		listed++
	}
	return listed
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
	pct := func(p float64) float64 { return percentileMs(lat, p) }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.Logf("%d requests: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms", len(lat), pct(0.5), pct(0.95), pct(0.99))
}
