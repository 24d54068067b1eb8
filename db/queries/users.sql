-- name: CreateUser :one
INSERT INTO users (id, role, email_hash, email_enc, name_hash, name_enc, password_hash, language)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING *;

-- name: GetUser :one
SELECT * FROM users WHERE id = $1;

-- name: GetUserByEmailHash :one
SELECT * FROM users WHERE email_hash = $1;

-- name: SetPassword :exec
UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1;

-- name: CountUsersByRole :many
SELECT role, count(*) AS n FROM users GROUP BY role ORDER BY role;

-- name: SetPIN :exec
UPDATE users SET pin_hash = $2, pin_failures = 0, pin_locked_until = NULL, updated_at = now() WHERE id = $1;

-- name: GetUserForUpdate :one
SELECT * FROM users WHERE id = $1 FOR UPDATE;

-- name: RecordPINFailure :exec
UPDATE users SET pin_failures = @failures, pin_locked_until = sqlc.narg(locked_until), updated_at = now() WHERE id = @id;

-- name: ResetPINFailures :exec
UPDATE users SET pin_failures = 0, pin_locked_until = NULL WHERE id = $1 AND (pin_failures <> 0 OR pin_locked_until IS NOT NULL);
