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
