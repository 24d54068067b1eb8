package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"
)

// BenchmarkBookingRace: 200 patients race for 50 in-person slots of one
// doctor through the API. Every patient tries the slots in their own random
// order until one succeeds or all are gone. Reports bookings per second,
// p50/p99 latency of the booking requests and the number of double bookings
// found in the database afterwards (must be 0).
func BenchmarkBookingRace(b *testing.B) {
	const patients, wanted = 200, 50
	for iter := range b.N {
		b.StopTimer()
		doctor := benchDoctor(b, benchRaceDoctors[iter%len(benchRaceDoctors)])
		slots := benchSlots(b, doctor, wanted)
		tokens := benchPatients(b, patients)
		load0, pool0 := loadAverage(), stack.Platform.Store.Pool.Stat()
		b.StartTimer()

		var mu sync.Mutex
		var lat, wins, losses []time.Duration
		won, conflicts, localized := 0, 0, 0
		var wg sync.WaitGroup
		start := make(chan struct{})
		began := time.Now()
		for i, token := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				order := rand.New(rand.NewPCG(uint64(i), 9)).Perm(len(slots))
				c := &apiClient{token: token}
				for n, k := range order {
					t0 := time.Now()
					st, p := c.bookProblem(doctor, "in_person", slots[k])
					d := time.Since(t0)
					mu.Lock()
					lat = append(lat, d)
					if st == http.StatusCreated {
						won++
						wins = append(wins, d)
					} else if st == http.StatusConflict {
						conflicts++
						losses = append(losses, d)
						if n == len(order)-1 && (p.Detail == slotTakenNL || p.Detail == slotNotFreeNL) {
							localized++ // a loser's last answer, in its (default) Dutch
						}
					}
					mu.Unlock()
					if st == http.StatusCreated {
						return
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		elapsed := time.Since(began)
		b.StopTimer()

		doubles := doubleBookings(b, doctor)
		if won != wanted || doubles != 0 || localized != patients-wanted {
			b.Fatalf("%d bookings won (want %d), %d losers ended on a Dutch 409 (want %d), %d double bookings",
				won, wanted, localized, patients-wanted, doubles)
		}
		pctOf := percentileMs
		pct := func(p float64) float64 { return pctOf(lat, p) }
		b.ReportMetric(float64(won)/elapsed.Seconds(), "bookings/s")
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "requests/s")
		b.ReportMetric(pct(0.5), "p50-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
		b.ReportMetric(float64(doubles), "double-bookings")
		b.ReportMetric(pctOf(wins, 0.99), "booked-p99-ms")
		b.ReportMetric(pctOf(losses, 0.99), "conflict-p99-ms")
		b.Logf("the %d bookings: p50 %.1f ms, p99 %.1f ms; the %d × 409: p50 %.1f ms, p99 %.1f ms",
			len(wins), pctOf(wins, 0.5), pctOf(wins, 0.99), len(losses), pctOf(losses, 0.5), pctOf(losses, 0.99))
		pool := stack.Platform.Store.Pool.Stat()
		acquires := pool.AcquireCount() - pool0.AcquireCount()
		b.Logf("%d patients, %d slots: %d won, %d × 409 (%d losers' last in Dutch), %d requests in %s; p50 %.1f ms, p99 %.1f ms; %d double bookings; "+
			"PostgreSQL pool of %d: %d acquires, %d waited for a connection, %.1f ms mean acquire; load average %s → %s",
			patients, wanted, won, conflicts, localized, len(lat), elapsed.Round(time.Millisecond), pct(0.5), pct(0.99), doubles,
			pool.MaxConns(), acquires, pool.EmptyAcquireCount()-pool0.EmptyAcquireCount(),
			float64((pool.AcquireDuration()-pool0.AcquireDuration()).Microseconds())/1000/float64(max(1, acquires)), load0, loadAverage())
	}
}

// doubleBookings counts the pairs of the doctor's live consultations whose
// slots overlap.
func doubleBookings(b *testing.B, doctor string) int {
	b.Helper()
	var n int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(), `
		SELECT count(*) FROM consultations a JOIN consultations b
		  ON a.doctor_id = b.doctor_id AND a.id < b.id AND a.slot && b.slot
		WHERE a.doctor_id = $1 AND a.status NOT IN ('cancelled','expired','declined','payment_failed')
		  AND b.status NOT IN ('cancelled','expired','declined','payment_failed')`, doctor).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// benchRaceDoctors are the demo doctors BenchmarkBookingRace books, one
// per iteration in turn (no test uses them).
var benchRaceDoctors = []int{148, 149}

func benchDoctor(b *testing.B, index int) string {
	b.Helper()
	var id string
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		`SELECT u.id FROM users u JOIN doctors d ON d.user_id = u.id ORDER BY d.created_at, u.id OFFSET $1 LIMIT 1`, index).Scan(&id); err != nil {
		b.Fatal(err)
	}
	return id
}

// benchSlots returns the doctor's next n free in-person slots.
func benchSlots(b *testing.B, doctor string, n int) []time.Time {
	b.Helper()
	var out []time.Time
	from := time.Now()
	for len(out) < n {
		res, err := http.Get(fmt.Sprintf("%s/v1/doctors/%s/slots?type=in_person&from=%s", stack.APIURL, doctor, from.UTC().Format(time.RFC3339)))
		if err != nil {
			b.Fatal(err)
		}
		var p slotsPage
		err = decodeBody(res, &p)
		if err != nil || len(p.Items) == 0 {
			b.Fatalf("slots: %v (%d)", err, len(p.Items))
		}
		for _, s := range p.Items {
			if len(out) < n {
				out = append(out, s.Start)
			}
		}
		from = p.Items[len(p.Items)-1].End
	}
	return out
}

func benchPatients(b *testing.B, n int) []string {
	b.Helper()
	tokens := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 8)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			tok, err := registerRaw(newEmail(fmt.Sprintf("bench%d", i)), "bench-password-1")
			if err != nil {
				errs <- err
				return
			}
			tokens[i] = tok
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return tokens
}
