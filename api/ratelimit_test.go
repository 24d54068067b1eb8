package api

import (
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (f *fakeClock) now() time.Time          { return f.t }
func (f *fakeClock) advance(d time.Duration) { f.t = f.t.Add(d) }

func TestBackoffDelayDoublesUpToTheCap(t *testing.T) {
	p := backoffPolicy{free: 3, base: time.Second, max: time.Minute}
	want := []time.Duration{0, 0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
		16 * time.Second, 32 * time.Second, time.Minute, time.Minute}
	for n, w := range want {
		if got := p.delay(n); got != w {
			t.Errorf("delay(%d) = %s, want %s", n, got, w)
		}
	}
	if got := p.delay(500); got != time.Minute {
		t.Errorf("delay(500) = %s, want the cap", got)
	}
}

// TestLoginBackoffIsPerAccountAndSource: a stranger's failures slow the
// stranger's pair only; the owner from another source is not delayed, and a
// success clears the pair.
func TestLoginBackoffIsPerAccountAndSource(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	l := newLimiters(clock.now)
	stranger, owner := "login:anna@example.nl|203.0.113.9", "login:anna@example.nl|198.51.100.4"
	for range loginBackoff.free {
		if w := l.backoffWait(loginBackoff, stranger); w != 0 {
			t.Fatalf("free attempt delayed by %s", w)
		}
		l.failed(loginBackoff, stranger)
	}
	if w := l.backoffWait(loginBackoff, stranger); w != time.Second {
		t.Fatalf("after %d failures wait %s, want 1s", loginBackoff.free, w)
	}
	if w := l.backoffWait(loginBackoff, owner); w != 0 {
		t.Fatalf("the owner from another source waits %s", w)
	}
	// Growing: each further failure doubles the wait.
	prev := time.Duration(0)
	for i := range 6 {
		clock.advance(l.backoffWait(loginBackoff, stranger))
		l.failed(loginBackoff, stranger)
		w := l.backoffWait(loginBackoff, stranger)
		if w <= prev {
			t.Fatalf("failure %d: wait %s did not grow from %s", loginBackoff.free+i+1, w, prev)
		}
		prev = w
	}
	if prev != 64*time.Second {
		t.Fatalf("after 9 failures wait %s, want 64s", prev)
	}
	clock.advance(30 * time.Second)
	if w := l.backoffWait(loginBackoff, stranger); w != 34*time.Second {
		t.Fatalf("30 s later wait %s, want 34s", w)
	}
	l.succeeded(stranger)
	if w := l.backoffWait(loginBackoff, stranger); w != 0 {
		t.Fatalf("after a success wait %s", w)
	}
}

// TestPerSourceCapGivesBackSuccesses: the looser per-source cap counts only
// the attempts whose token is kept (failed logins).
func TestPerSourceCapGivesBackSuccesses(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	l := newLimiters(clock.now)
	p := limitPolicy{every: 2 * time.Second, burst: 3}
	for range 10 {
		tok, ok, _ := l.take(p, "src")
		if !ok {
			t.Fatal("a given-back token was not returned")
		}
		tok.giveBack()
	}
	for range 3 {
		if _, ok, _ := l.take(p, "src"); !ok {
			t.Fatal("burst refused early")
		}
	}
	_, ok, wait := l.take(p, "src")
	if ok || wait <= 0 || wait > 2*time.Second {
		t.Fatalf("over the burst: ok %v, wait %s", ok, wait)
	}
	if _, ok, _ := l.take(p, "other-src"); !ok {
		t.Fatal("another source is limited too")
	}
	clock.advance(wait)
	if _, ok, _ := l.take(p, "src"); !ok {
		t.Fatal("refilled token refused")
	}
}

func TestIdleRecordsAreForgotten(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	l := newLimiters(clock.now)
	p := backoffPolicy{free: 0, base: time.Second, max: time.Hour, forget: time.Hour}
	l.failed(p, "k")
	l.allow(limitPolicy{every: time.Second, burst: 1}, "b")
	clock.advance(2 * time.Hour)
	l.backoffWait(p, "other")
	if len(l.failures) != 0 || len(l.buckets) != 0 {
		t.Fatalf("kept %d failure records and %d buckets", len(l.failures), len(l.buckets))
	}
}

// TestPINLockGrowsPerSession: the fifth wrong PIN of a session locks it for
// 15 minutes, each further one doubles the lock, capped at a day.
func TestPINLockGrowsPerSession(t *testing.T) {
	for n, want := range map[int]time.Duration{1: 0, 4: 0, 5: 15 * time.Minute, 6: 30 * time.Minute, 7: time.Hour, 12: 24 * time.Hour} {
		if got := pinLockout.delay(n); got != want {
			t.Errorf("lock after %d wrong PINs: %s, want %s", n, got, want)
		}
	}
}
