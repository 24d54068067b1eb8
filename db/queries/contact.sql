-- name: CreateContactMessage :one
INSERT INTO contact_messages (id, user_id, doctor_id, subject, name_enc, email_enc, email_hash, body_enc, language)
VALUES (@id, sqlc.narg(user_id), sqlc.narg(doctor_id), @subject, @name_enc, @email_enc, @email_hash, @body_enc, @language)
RETURNING *;

-- name: ListContactMessages :many
-- The newest first; an empty status lists every status.
SELECT * FROM contact_messages
WHERE (@status::text = '' OR status = @status::text)
ORDER BY created_at DESC, id
LIMIT @max_rows;

-- name: SetContactMessageStatus :one
UPDATE contact_messages SET status = @status, handled_by = @handled_by, updated_at = now()
WHERE id = @id
RETURNING *;

-- name: GetContactMessage :one
SELECT * FROM contact_messages WHERE id = $1;
