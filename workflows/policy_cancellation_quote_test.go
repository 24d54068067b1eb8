package workflows

import (
	"testing"
	"time"
)

func TestQuoteCancellation(t *testing.T) {
	start := time.Date(2026, 3, 28, 9, 0, 0, 0, time.UTC)
	scheduled := func(mod func(*ConsultationState)) ConsultationState {
		s := start
		st := ConsultationState{Status: StatusScheduled, AmountCents: 6000, PaymentStatus: PaymentPaid,
			AdminFeeCents: 1500, ScheduledStart: &s}
		if mod != nil {
			mod(&st)
		}
		return st
	}
	tests := []struct {
		name    string
		st      ConsultationState
		now     time.Time
		allowed bool
		refund  int64
		left    int
	}{
		{"two days ahead: paid minus the fee", scheduled(nil), start.Add(-48 * time.Hour), true, 4500, 2},
		{"23 h ahead: allowed, nothing back", scheduled(nil), start.Add(-23 * time.Hour), true, 0, 2},
		{"after the start: not allowed", scheduled(nil), start.Add(time.Minute), false, 0, 2},
		{"in person, unpaid: allowed, nothing back", scheduled(func(s *ConsultationState) { s.PaymentStatus = "" }),
			start.Add(-72 * time.Hour), true, 0, 2},
		{"a request pending: not allowed", scheduled(func(s *ConsultationState) {
			s.Status, s.CancellationRequests = StatusCancellationRequested, 1
		}), start.Add(-72 * time.Hour), false, 0, 1},
		{"rejected once: one left", scheduled(func(s *ConsultationState) { s.CancellationRequests = 1 }),
			start.Add(-72 * time.Hour), true, 4500, 1},
		{"rejected twice: none left", scheduled(func(s *ConsultationState) { s.CancellationRequests = 2 }),
			start.Add(-72 * time.Hour), false, 0, 0},
		{"email advice: no start", ConsultationState{Status: StatusAwaitingAdvice}, start, false, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := QuoteCancellation(tt.st, tt.now)
			if q.Allowed != tt.allowed || q.RefundCents != tt.refund || q.RequestsLeft != tt.left {
				t.Errorf("QuoteCancellation = %+v, want allowed %v refund %d left %d", q, tt.allowed, tt.refund, tt.left)
			}
			if tt.st.ScheduledStart != nil && !q.Deadline.Equal(start.Add(-CancellationNotice)) {
				t.Errorf("deadline %s", q.Deadline)
			}
		})
	}
}
