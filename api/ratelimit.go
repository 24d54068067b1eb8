package api

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limitPolicy is a token bucket: burst requests at once, refilled at every.
type limitPolicy struct {
	every time.Duration
	burst int
}

// Rate-limit policies of the sensitive endpoints. Keys combine the client IP
// and, where known, the account, so one attacker cannot lock out a user from
// elsewhere and one IP cannot spray many accounts.
var (
	loginPerAccount = limitPolicy{every: 30 * time.Second, burst: 5}
	loginPerIP      = limitPolicy{every: 3 * time.Second, burst: 30}
	resetPerAccount = limitPolicy{every: 20 * time.Minute, burst: 3}
	resetPerIP      = limitPolicy{every: time.Minute, burst: 10}
)

// limiters keeps one token bucket per (policy, key), in memory. Each API
// instance limits on its own; behind a load balancer the effective limit is
// multiplied by the number of instances.
type limiters struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiters(now func() time.Time) *limiters {
	return &limiters{now: now, buckets: map[string]*bucket{}}
}

// allow takes one token from the bucket of key under policy p; when none is
// left it reports how long to wait.
func (l *limiters) allow(p limitPolicy, key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.sweep) > 10*time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > time.Hour {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(p.every), p.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}
