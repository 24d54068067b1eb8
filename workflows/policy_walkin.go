package workflows

import "time"

// Walk-in defaults.
const (
	// DefaultWalkInAnswerWindow is how long a called walk-in patient has to
	// answer (WALKIN_ANSWER_WINDOW).
	DefaultWalkInAnswerWindow = 2 * time.Minute
	// DefaultWalkInSessionLength is the session length the queue estimates
	// with for a doctor without a measured session and without a walk-in
	// slot length of their own (doctor_fees.duration_minutes of walk_in,
	// which is otherwise the estimate until the first session is measured).
	DefaultWalkInSessionLength = 10 * time.Minute
	// DefaultWalkInContinueAfter is how many events (messages and timers)
	// one run of a queue handles before it continues as new.
	DefaultWalkInContinueAfter = 500
	// walkInCloseGrace: a walk-in consultation still queued or called this
	// long after its session's closing time, which its queue should have
	// refunded at closing, refunds itself (a guard, not the rule).
	walkInCloseGrace = 15 * time.Minute
	// minWalkInSample and maxWalkInSample bound a session length that
	// counts towards the average: a session of seconds (a mis-click) or one
	// nobody ended says nothing about the next patient.
	minWalkInSample = 30 * time.Second
	maxWalkInSample = 2 * time.Hour
)

// WalkInAverage is the running average of session lengths after one more
// measured session: avg over n sessions becomes the average over n+1.
// Samples outside [30 s, 2 h] are not counted (ok false).
func WalkInAverage(avg time.Duration, n int, sample time.Duration) (time.Duration, int, bool) {
	if sample < minWalkInSample || sample > maxWalkInSample {
		return avg, n, false
	}
	if n <= 0 {
		return sample, 1, true
	}
	return avg + (sample-avg)/time.Duration(n+1), n + 1, true
}

// WalkInETA is when the patient at position (1 = next) is expected to be
// called: when the doctor is free — after the session in progress (started
// at inSession, expected to last avg, and never earlier than now) and the
// session of a patient called but not yet answering (another avg) — plus
// avg for each patient ahead.
func WalkInETA(now time.Time, avg time.Duration, inSession *time.Time, called bool, position int) time.Time {
	free := now
	if inSession != nil {
		if end := inSession.Add(avg); end.After(free) {
			free = end
		}
	}
	if called {
		free = free.Add(avg)
	}
	if position > 1 {
		free = free.Add(time.Duration(position-1) * avg)
	}
	return free.UTC()
}
