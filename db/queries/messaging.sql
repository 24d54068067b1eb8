-- name: PairConsultations :many
-- The consultations between a patient and a doctor, for messaging.MayOpen.
SELECT id, consultation_type, status, paid_at FROM consultations
WHERE patient_id = @patient_id AND doctor_id = @doctor_id
ORDER BY created_at DESC LIMIT 200;

-- name: CreateThreadIfAbsent :exec
INSERT INTO message_threads (id, patient_id, doctor_id) VALUES ($1, $2, $3)
ON CONFLICT (patient_id, doctor_id) DO NOTHING;

-- name: GetThreadByPair :one
SELECT * FROM message_threads WHERE patient_id = $1 AND doctor_id = $2;

-- name: GetThread :one
SELECT * FROM message_threads WHERE id = $1;

-- name: LockThread :one
SELECT * FROM message_threads WHERE id = $1 FOR UPDATE;

-- name: CloseThread :one
UPDATE message_threads SET status = 'closed', closed_at = now()
WHERE id = $1 AND status = 'open' RETURNING *;

-- name: ReopenThread :one
UPDATE message_threads SET status = 'open', closed_at = NULL
WHERE id = $1 AND status = 'closed' RETURNING *;

-- name: TouchThread :exec
UPDATE message_threads SET last_message_at = $2 WHERE id = $1;

-- name: CreateThreadMessage :one
INSERT INTO thread_messages (id, thread_id, from_role, author_id, kind, text_enc, title_enc, link_url_enc,
                             content_type, size_bytes, prescription_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING *;

-- name: CreateThreadFile :exec
INSERT INTO thread_files (message_id, data_enc) VALUES ($1, $2);

-- name: GetThreadFile :one
SELECT data_enc FROM thread_files WHERE message_id = $1;

-- name: ListThreadMessages :many
-- The newest 500 messages of a thread, oldest first.
SELECT * FROM (
    SELECT * FROM thread_messages WHERE thread_id = $1 ORDER BY seq DESC LIMIT 500
) newest ORDER BY seq;

-- name: ListThreadMessagesAfter :many
SELECT * FROM thread_messages WHERE thread_id = $1 AND seq > $2 ORDER BY seq LIMIT 500;

-- name: GetThreadMessage :one
SELECT * FROM thread_messages WHERE id = $1 AND thread_id = $2;

-- name: LatestThreadMessage :one
SELECT * FROM thread_messages WHERE thread_id = $1 ORDER BY seq DESC LIMIT 1;

-- name: MarkThreadRead :many
-- Marks as read every message of the other side (@from_role) up to @up_to_seq.
UPDATE thread_messages SET read_at = now()
WHERE thread_id = @thread_id AND from_role = @from_role AND read_at IS NULL AND seq <= @up_to_seq
RETURNING id;

-- name: CountUnreadFrom :one
SELECT count(*) FROM thread_messages WHERE thread_id = $1 AND from_role = $2 AND read_at IS NULL;

-- name: PatientThreads :many
-- The patient's threads with the doctor's name and the doctor's messages
-- the patient has not read.
SELECT sqlc.embed(t), d.display_name,
       (SELECT count(*) FROM thread_messages m WHERE m.thread_id = t.id AND m.from_role = 'doctor' AND m.read_at IS NULL)::bigint AS unread
FROM message_threads t JOIN doctors d ON d.user_id = t.doctor_id
WHERE t.patient_id = $1
ORDER BY COALESCE(t.last_message_at, t.created_at) DESC
LIMIT 200;

-- name: DoctorThreads :many
-- The doctor's inbox: threads, newest activity first, with the patient's
-- messages the doctor has not read.
SELECT sqlc.embed(t),
       (SELECT count(*) FROM thread_messages m WHERE m.thread_id = t.id AND m.from_role = 'patient' AND m.read_at IS NULL)::bigint AS unread
FROM message_threads t
WHERE t.doctor_id = $1
ORDER BY COALESCE(t.last_message_at, t.created_at) DESC
LIMIT 200;

-- name: MessageableDoctors :many
-- Doctors the patient has a consultation with and no thread yet
-- (candidates; messaging.MayOpen decides on each).
SELECT DISTINCT c.doctor_id, d.display_name FROM consultations c JOIN doctors d ON d.user_id = c.doctor_id
WHERE c.patient_id = $1
  AND NOT EXISTS (SELECT 1 FROM message_threads t WHERE t.patient_id = c.patient_id AND t.doctor_id = c.doctor_id)
ORDER BY d.display_name LIMIT 100;

-- name: GetMessageSettings :one
SELECT * FROM message_settings WHERE user_id = $1;

-- name: PutMessageSettings :one
INSERT INTO message_settings (user_id, email, updated_at) VALUES ($1, $2, now())
ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, updated_at = now()
RETURNING *;

-- name: PairPrescription :one
-- A prescription of one of the pair's consultations.
SELECT p.* FROM prescriptions p JOIN consultations c ON c.id = p.consultation_id
WHERE p.id = @id AND c.patient_id = @patient_id AND c.doctor_id = @doctor_id;
