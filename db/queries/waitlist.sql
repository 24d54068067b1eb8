-- Waitlist (issue 14): entries, holds of freed slots and the offers made
-- from them.

-- name: CreateWaitlistEntry :one
INSERT INTO waitlist_entries (id, patient_id, doctor_id, consultation_type, earliest, latest, time_of_day, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING *;

-- name: CloseLapsedWaitlistEntries :exec
-- An entry whose window has passed no longer blocks a new one.
UPDATE waitlist_entries SET status = 'left', updated_at = now()
WHERE patient_id = @patient_id AND doctor_id = @doctor_id AND consultation_type = @consultation_type
  AND status = 'active' AND expires_at <= @now::timestamptz;

-- name: GetWaitlistEntry :one
SELECT * FROM waitlist_entries WHERE id = $1;

-- name: ListMyWaitlistEntries :many
-- The patient's active entries with their position: one more than the
-- active, unexpired entries of the same doctor and type queued before.
SELECT e.*, (SELECT count(*) FROM waitlist_entries o
             WHERE o.doctor_id = e.doctor_id AND o.consultation_type = e.consultation_type
               AND o.status = 'active' AND o.expires_at > @now::timestamptz
               AND (o.queued_at, o.id) < (e.queued_at, e.id))::bigint + 1 AS position
FROM waitlist_entries e
WHERE e.patient_id = @patient_id AND e.status = 'active' AND e.expires_at > @now::timestamptz
ORDER BY e.created_at, e.id;

-- name: LeaveWaitlist :execrows
UPDATE waitlist_entries SET status = 'left', updated_at = now()
WHERE id = @id AND patient_id = @patient_id AND status = 'active';

-- name: CountWaitlistByType :many
-- The length of a doctor's waitlist per appointment type.
SELECT consultation_type, count(*)::bigint AS length
FROM waitlist_entries
WHERE doctor_id = @doctor_id AND status = 'active' AND expires_at > @now::timestamptz
GROUP BY consultation_type ORDER BY consultation_type;

-- name: CountMatchingWaitlistEntries :one
-- How many active entries a freed slot could be offered to.
SELECT count(*)::bigint FROM waitlist_entries
WHERE doctor_id = @doctor_id AND consultation_type = @consultation_type AND status = 'active'
  AND expires_at > @now::timestamptz AND @day::date BETWEEN earliest AND latest
  AND (time_of_day = 'any' OR time_of_day = @part::text);

-- name: NextWaitlistCandidate :one
-- The first matching entry, first come first served, that was not offered
-- this hold yet and has no other offer open.
SELECT e.* FROM waitlist_entries e
WHERE e.doctor_id = @doctor_id AND e.consultation_type = @consultation_type AND e.status = 'active'
  AND e.expires_at > @now::timestamptz AND @day::date BETWEEN e.earliest AND e.latest
  AND (e.time_of_day = 'any' OR e.time_of_day = @part::text)
  AND NOT EXISTS (SELECT 1 FROM waitlist_offers o
                  WHERE o.entry_id = e.id AND (o.hold_id = @hold_id OR o.status IN ('open', 'accepted')))
ORDER BY e.queued_at, e.id
LIMIT 1;

-- name: CreateWaitlistHold :one
INSERT INTO waitlist_holds (id, workflow_id, run_id, doctor_id, consultation_type, slot, held_until)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING *;

-- name: GetWaitlistHoldByRun :one
SELECT * FROM waitlist_holds WHERE run_id = $1;

-- name: GetWaitlistHold :one
SELECT * FROM waitlist_holds WHERE id = $1;

-- name: LockWaitlistHold :one
SELECT * FROM waitlist_holds WHERE id = $1 FOR UPDATE;

-- name: ReleaseStaleWaitlistHolds :exec
-- Holds whose time ran out (their chain was lost) give way to a new one.
UPDATE waitlist_holds SET status = 'released', outcome = 'stale', updated_at = now()
WHERE doctor_id = @doctor_id AND status = 'held' AND held_until <= @now::timestamptz AND slot && @slot::tstzrange;

-- name: ReleaseWaitlistHold :exec
UPDATE waitlist_holds SET status = 'released', outcome = @outcome, updated_at = now()
WHERE id = @id AND status = 'held';

-- name: TakeWaitlistHold :execrows
-- The accepting patient's booking takes the hold in its own transaction,
-- only while their offer is accepted and the hold is still held.
UPDATE waitlist_holds h SET status = 'taken', outcome = 'taken', consultation_id = @consultation_id, updated_at = now()
WHERE h.id = @hold_id AND h.status = 'held'
  AND EXISTS (SELECT 1 FROM waitlist_offers o WHERE o.id = @offer_id AND o.hold_id = h.id AND o.status = 'accepted');

-- name: ListHeldSlotsFor :many
SELECT id, doctor_id, lower(slot)::timestamptz AS starts_at, upper(slot)::timestamptz AS ends_at
FROM waitlist_holds
WHERE doctor_id = ANY(@ids::uuid[]) AND status = 'held' AND held_until > @now::timestamptz
  AND upper(slot) > @from_time::timestamptz;

-- name: CreateWaitlistOffer :one
INSERT INTO waitlist_offers (id, hold_id, entry_id, patient_id, expires_at)
VALUES ($1, $2, $3, $4, $5)
RETURNING *;

-- name: OpenOfferOfHold :one
SELECT * FROM waitlist_offers WHERE hold_id = $1 AND status IN ('open', 'accepted') LIMIT 1;

-- name: GetWaitlistOffer :one
SELECT o.*, h.doctor_id, h.consultation_type, lower(h.slot)::timestamptz AS slot_start,
       upper(h.slot)::timestamptz AS slot_end, h.workflow_id, h.status AS hold_status
FROM waitlist_offers o JOIN waitlist_holds h ON h.id = o.hold_id
WHERE o.id = $1;

-- name: ListOpenOffersOf :many
SELECT o.*, h.doctor_id, h.consultation_type, lower(h.slot)::timestamptz AS slot_start,
       upper(h.slot)::timestamptz AS slot_end
FROM waitlist_offers o JOIN waitlist_holds h ON h.id = o.hold_id
WHERE o.patient_id = @patient_id AND o.status = 'open' AND o.expires_at > @now::timestamptz
ORDER BY o.created_at;

-- name: AnswerWaitlistOffer :execrows
UPDATE waitlist_offers SET status = @status, answered_at = now()
WHERE id = @id AND status = ANY(@from_statuses::text[]);

-- name: MarkWaitlistOfferBooked :exec
UPDATE waitlist_offers SET status = 'booked', consultation_id = @consultation_id WHERE id = @id;

-- name: MarkWaitlistEntryBooked :exec
UPDATE waitlist_entries SET status = 'booked', consultation_id = @consultation_id, updated_at = now() WHERE id = @id;

-- name: AddWaitlistDecline :one
-- A decline counts; the third sends the entry to the end of the list and
-- the count starts again.
UPDATE waitlist_entries SET
    declines = CASE WHEN declines + 1 >= @limit_declines::integer THEN 0 ELSE declines + 1 END,
    queued_at = CASE WHEN declines + 1 >= @limit_declines::integer THEN clock_timestamp() ELSE queued_at END,
    updated_at = now()
WHERE id = @id
RETURNING *;
