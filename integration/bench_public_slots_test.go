package integration

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// BenchmarkPublicSlotsRead: 8 anonymous visitors read one listed doctor's
// free in-person slots (GET /v1/doctors/{id}/slots, the profile's calendar
// and the booking page's re-read after a 409) 250 times each. Reports the
// reads per second, p50/p99 and the PostgreSQL pool acquires per read (the
// listing check and the schedule).
func BenchmarkPublicSlotsRead(b *testing.B) {
	const visitors, reads = 8, 250
	doctor := benchDoctor(b, benchRaceDoctors[0])
	url := fmt.Sprintf("%s/v1/doctors/%s/slots?type=in_person", stack.APIURL, doctor)
	get := func() (time.Duration, error) {
		t0 := time.Now()
		res, err := http.Get(url)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("slots: %s", res.Status)
		}
		return time.Since(t0), nil
	}
	if _, err := get(); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		pool0 := stack.Platform.Store.Pool.Stat()
		var mu sync.Mutex
		var lat []time.Duration
		var failed error
		var wg sync.WaitGroup
		began := time.Now()
		for range visitors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range reads {
					d, err := get()
					mu.Lock()
					if err != nil {
						failed = err
					}
					lat = append(lat, d)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(began)
		if failed != nil {
			b.Fatal(failed)
		}
		pool := stack.Platform.Store.Pool.Stat()
		pct := func(p float64) float64 { return percentileMs(lat, p) }
		perRead := float64(pool.AcquireCount()-pool0.AcquireCount()) / float64(len(lat))
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "reads/s")
		b.ReportMetric(pct(0.5), "p50-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
		b.ReportMetric(perRead, "acquires/read")
		b.Logf("%d reads by %d visitors in %s: p50 %.2f ms, p99 %.2f ms, %.1f pool acquires a read; load average %s",
			len(lat), visitors, elapsed.Round(time.Millisecond), pct(0.5), pct(0.99), perRead, loadAverage())
	}
}
