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

// backoffPolicy makes every failure beyond the first free ones double the
// wait before the next attempt: base after the first, capped at max. A
// record idle for forget is dropped.
type backoffPolicy struct {
	free   int
	base   time.Duration
	max    time.Duration
	forget time.Duration
}

// delay is the wait before the next attempt after failures failures.
func (p backoffPolicy) delay(failures int) time.Duration {
	if failures < p.free {
		return 0
	}
	d := p.base
	for range failures - p.free {
		d *= 2
		if d >= p.max {
			return p.max
		}
	}
	return min(d, p.max)
}

// Rate-limit policies of the sensitive endpoints.
//
// Logins back off per account and source together, so a stranger guessing
// a password from elsewhere slows only themselves, never the account's owner;
// a looser cap per source stops one address from spraying many accounts.
// Only failed logins count against either.
var (
	loginBackoff   = backoffPolicy{free: 3, base: time.Second, max: 15 * time.Minute, forget: 24 * time.Hour}
	loginPerSource = limitPolicy{every: 2 * time.Second, burst: 30}
	resetPerEmail  = limitPolicy{every: 20 * time.Minute, burst: 3}
	resetPerSource = limitPolicy{every: time.Minute, burst: 10}
	// registerPerSource and guestPerSource cap new accounts and guest
	// consultations from one address: a household or a practice behind one
	// NAT fits, a script does not.
	registerPerSource = limitPolicy{every: 6 * time.Minute, burst: 10}
	guestPerSource    = limitPolicy{every: 3 * time.Minute, burst: 10}
)

// limiters keeps token buckets and failure records per key, in memory. Each
// API instance limits on its own; behind a load balancer the effective limit
// is multiplied by the number of instances.
type limiters struct {
	mu       sync.Mutex
	now      func() time.Time
	buckets  map[string]*bucket
	failures map[string]*failureRecord
	sweep    time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

type failureRecord struct {
	n      int
	last   time.Time
	forget time.Duration
}

func newLimiters(now func() time.Time) *limiters {
	return &limiters{now: now, buckets: map[string]*bucket{}, failures: map[string]*failureRecord{}}
}

// sweepLocked drops idle buckets and failure records now and then.
func (l *limiters) sweepLocked(now time.Time) {
	if now.Sub(l.sweep) <= 10*time.Minute {
		return
	}
	for k, b := range l.buckets {
		if now.Sub(b.seen) > time.Hour {
			delete(l.buckets, k)
		}
	}
	for k, f := range l.failures {
		if now.Sub(f.last) > f.forget {
			delete(l.failures, k)
		}
	}
	l.sweep = now
}

func (l *limiters) bucketLocked(p limitPolicy, key string, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(p.every), p.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	return b
}

// allow takes one token from the bucket of key under policy p; when none is
// left it reports how long to wait.
func (l *limiters) allow(p limitPolicy, key string) (bool, time.Duration) {
	_, ok, wait := l.take(p, key)
	return ok, wait
}

// token is a token taken from a bucket, to give back if the attempt it paid
// for turns out not to count (a successful login).
type token struct {
	l *limiters
	r *rate.Reservation
}

// giveBack returns the token to its bucket.
func (t token) giveBack() {
	if t.r == nil {
		return
	}
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	t.r.CancelAt(t.l.now())
}

// take is allow that can give the token back later.
func (l *limiters) take(p limitPolicy, key string) (token, bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweepLocked(now)
	r := l.bucketLocked(p, key, now).lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return token{}, false, d
	}
	return token{l: l, r: r}, true, 0
}

// backoffWait is how long key must still wait under p before its next
// attempt; 0 means it may try now.
func (l *limiters) backoffWait(p backoffPolicy, key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweepLocked(now)
	f, ok := l.failures[key]
	if !ok {
		return 0
	}
	return max(f.last.Add(p.delay(f.n)).Sub(now), 0)
}

// failed records a failed attempt of key under p.
func (l *limiters) failed(p backoffPolicy, key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, ok := l.failures[key]
	if !ok {
		f = &failureRecord{forget: p.forget}
		l.failures[key] = f
	}
	f.n++
	f.last = l.now()
}

// succeeded forgets the failures of key.
func (l *limiters) succeeded(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}
