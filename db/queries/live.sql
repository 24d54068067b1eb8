-- name: NotifyLive :exec
-- Sends a live event on the derma_live channel; delivered when (and only
-- if) the surrounding transaction commits.
SELECT pg_notify('derma_live', @payload::text);

-- name: LockConsultationLive :one
-- The fields a live event is made of, with the row locked for the rest of
-- the transaction.
SELECT id, doctor_id, patient_id, consultation_type, status, expected_start, slot
FROM consultations WHERE id = $1 FOR UPDATE;

-- name: GetConsultationLive :one
SELECT id, doctor_id, patient_id, consultation_type, status, expected_start, slot
FROM consultations WHERE id = $1;

-- name: CreateChatMessage :one
INSERT INTO consultation_chat (id, consultation_id, from_role, author_id, text_enc)
VALUES ($1, $2, $3, $4, $5)
RETURNING *;

-- name: ListChatMessages :many
SELECT * FROM consultation_chat WHERE consultation_id = $1 ORDER BY seq LIMIT 1000;

-- name: ListChatMessagesAfter :many
SELECT * FROM consultation_chat WHERE consultation_id = $1 AND seq > $2 ORDER BY seq LIMIT 1000;

-- name: GetChatMessage :one
SELECT * FROM consultation_chat WHERE id = $1 AND consultation_id = $2;

-- name: UpsertPresence :one
INSERT INTO consultation_presence (consultation_id, role, connection, seen_at)
VALUES ($1, $2, $3, now())
ON CONFLICT (consultation_id, role) DO UPDATE SET connection = EXCLUDED.connection, seen_at = EXCLUDED.seen_at
RETURNING *;

-- name: ListPresence :many
SELECT * FROM consultation_presence WHERE consultation_id = $1 ORDER BY role;

-- name: DoctorWaitingRoom :many
-- The doctor's video and walk-in consultations in or near the waiting room:
-- waiting (a walk-in: queued or called) or in session, or scheduled to start (with any delay) between
-- @window_from and @window_to; with the patient's last heartbeat.
SELECT sqlc.embed(c), p.connection AS patient_connection, p.seen_at AS patient_seen_at
FROM consultations c
LEFT JOIN consultation_presence p ON p.consultation_id = c.id AND p.role = 'patient'
WHERE c.doctor_id = @doctor_id
  AND c.consultation_type IN ('video', 'walk_in')
  AND (c.status IN ('waiting', 'in_session', 'queued', 'called')
       OR (c.status IN ('scheduled', 'cancellation_requested')
           AND COALESCE(c.expected_start, lower(c.slot)) >= @window_from::timestamptz
           AND COALESCE(c.expected_start, lower(c.slot)) < @window_to::timestamptz))
ORDER BY COALESCE(c.expected_start, lower(c.slot), c.created_at), c.created_at
LIMIT 200;

-- name: LatestChatMessage :one
SELECT * FROM consultation_chat WHERE consultation_id = $1 ORDER BY seq DESC LIMIT 1;
