package workflows

import "time"

// CancellationNotice is how long before the start a patient must request a
// cancellation to be refunded (DESIGN §5): requested at least this long
// before the start, the amount paid minus the doctor's admin fee is
// refunded; later, nothing.
const CancellationNotice = 24 * time.Hour

// CancellationRefund returns what a patient who requests the cancellation of
// an appointment starting at start, at requestedAt, gets back of paidCents
// once the doctor confirms (or the request is confirmed automatically at the
// start). Eligibility is fixed at the request: requested CancellationNotice
// or more before the start, the refund is paidCents minus adminFeeCents,
// never below zero; requested later, it is zero. An in-person appointment,
// paid afterwards by invoice, has paidCents 0 and so refunds nothing.
//
// Both instants are compared as instants (elapsed time), so a daylight-saving
// change between the request and the start neither grants nor takes away an
// hour.
func CancellationRefund(requestedAt, start time.Time, paidCents, adminFeeCents int64) int64 {
	if paidCents <= 0 || start.Sub(requestedAt) < CancellationNotice {
		return 0
	}
	return max(paidCents-max(adminFeeCents, 0), 0)
}

// CancellationQuote is what a patient's cancellation request made now would
// give: whether the workflow would take it, and the refund it would fix.
// The request itself (UpdateRequestCancellation) stays the judge; the quote
// lets a client show the refund before the patient confirms.
type CancellationQuote struct {
	// Allowed: the appointment is scheduled, has not started, and the
	// patient has requests left.
	Allowed bool
	// RefundCents is CancellationRefund at now; PaidCents and AdminFeeCents
	// are what it was computed from.
	RefundCents   int64
	PaidCents     int64
	AdminFeeCents int64
	// Deadline is the last instant a request still refunds (the start minus
	// CancellationNotice); zero without a scheduled start.
	Deadline time.Time
	// RequestsLeft is how many more requests the patient may make.
	RequestsLeft int
}

// QuoteCancellation computes the CancellationQuote of an appointment's live
// state at now, with the same rule the workflow applies at the request.
func QuoteCancellation(st ConsultationState, now time.Time) CancellationQuote {
	q := CancellationQuote{
		AdminFeeCents: st.AdminFeeCents,
		RequestsLeft:  max(MaxCancellationRequests-st.CancellationRequests, 0),
	}
	if st.PaymentStatus == PaymentPaid {
		q.PaidCents = st.AmountCents
	}
	if st.ScheduledStart == nil {
		return q
	}
	start := *st.ScheduledStart
	q.Deadline = start.Add(-CancellationNotice)
	q.Allowed = st.Status == StatusScheduled && now.Before(start) && q.RequestsLeft > 0
	if q.Allowed {
		q.RefundCents = CancellationRefund(now, start, q.PaidCents, q.AdminFeeCents)
	}
	return q
}
