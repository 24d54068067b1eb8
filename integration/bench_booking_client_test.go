package integration

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"
)

// BenchmarkBookingRaceAsTheWebClient is the booking race as the web client
// runs it (web/src/pages/booking.tsx): 200 patients open the calendar of
// the doctor's next 50 free in-person slots at once, each books a random
// free one, and on a 409 "slot just taken" reads the free slots again and
// books another, until one booking succeeds or none is free. Unlike
// BenchmarkBookingRace (each patient tries every slot blindly, about 38
// requests a patient), a patient here asks only for slots that were free a
// moment ago. It fails unless exactly 50 win and nobody is double-booked,
// and reports the bookings' and the slot reads' latencies apart.
func BenchmarkBookingRaceAsTheWebClient(b *testing.B) {
	const patients, wanted = 200, 50
	for iter := range b.N {
		b.StopTimer()
		doctor := benchDoctor(b, benchRaceDoctors[iter%len(benchRaceDoctors)])
		slots := benchSlots(b, doctor, wanted)
		window := fmt.Sprintf("%s/v1/doctors/%s/slots?type=in_person&from=%s&to=%s", stack.APIURL, doctor,
			slots[0].UTC().Format(time.RFC3339), slots[len(slots)-1].Add(time.Second).UTC().Format(time.RFC3339))
		tokens := benchPatients(b, patients)
		load0 := loadAverage()
		b.StartTimer()

		var mu sync.Mutex
		var posts, reads, journeys []time.Duration
		won, conflicts, failed := 0, 0, 0
		var wg sync.WaitGroup
		start := make(chan struct{})
		began := time.Now()
		for i, token := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(i), 11))
				c := &apiClient{token: token}
				<-start
				t0 := time.Now()
				free := slots
				for {
					k := free[rng.IntN(len(free))]
					p0 := time.Now()
					st, _ := c.bookProblem(doctor, "in_person", k)
					d := time.Since(p0)
					mu.Lock()
					posts = append(posts, d)
					switch st {
					case http.StatusCreated:
						won++
						journeys = append(journeys, time.Since(t0))
					case http.StatusConflict:
						conflicts++
					default:
						failed++
					}
					mu.Unlock()
					if st != http.StatusConflict {
						return
					}
					r0 := time.Now()
					page, err := readSlots(window)
					d = time.Since(r0)
					mu.Lock()
					reads = append(reads, d)
					if err != nil {
						failed++
					}
					mu.Unlock()
					if err != nil || len(page) == 0 {
						return
					}
					free = page
				}
			}()
		}
		close(start)
		wg.Wait()
		elapsed := time.Since(began)
		b.StopTimer()

		doubles := doubleBookings(b, doctor)
		if won != wanted || doubles != 0 || failed != 0 {
			b.Fatalf("%d bookings won (want %d), %d requests failed, %d double bookings", won, wanted, failed, doubles)
		}
		pct := percentileMs
		all := append(append([]time.Duration{}, posts...), reads...)
		b.ReportMetric(pct(all, 0.5), "p50-ms")
		b.ReportMetric(pct(all, 0.99), "p99-ms")
		b.ReportMetric(pct(posts, 0.99), "booking-p99-ms")
		b.ReportMetric(pct(reads, 0.99), "slots-p99-ms")
		b.ReportMetric(float64(doubles), "double-bookings")
		b.Logf("%d patients, %d slots: %d won, %d × 409, %d bookings tried and %d slot reads in %s; all requests p50 %.1f ms, p99 %.1f ms; "+
			"bookings p50 %.1f / p99 %.1f ms; slot reads p50 %.1f / p99 %.1f ms; a winner's time to the booking p50 %.1f / p99 %.1f ms; %d double bookings; load average %s → %s",
			patients, wanted, won, conflicts, len(posts), len(reads), elapsed.Round(time.Millisecond), pct(all, 0.5), pct(all, 0.99),
			pct(posts, 0.5), pct(posts, 0.99), pct(reads, 0.5), pct(reads, 0.99), pct(journeys, 0.5), pct(journeys, 0.99), doubles, load0, loadAverage())
	}
}

// readSlots reads the free slots' starts from url (a GET /v1/doctors/{id}/slots).
func readSlots(url string) ([]time.Time, error) {
	res, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	var p slotsPage
	if err := decodeBody(res, &p); err != nil {
		return nil, err
	}
	out := make([]time.Time, len(p.Items))
	for i, s := range p.Items {
		out[i] = s.Start
	}
	return out, nil
}
