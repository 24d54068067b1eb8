-- name: DeleteExpiredIdempotencyKeys :execrows
DELETE FROM idempotency_keys WHERE expires_at <= $1;

-- name: ReleaseStaleIdempotencyKey :exec
DELETE FROM idempotency_keys
WHERE scope = $1 AND key = $2 AND (expires_at <= $3 OR (consultation_id IS NULL AND created_at <= $4));

-- name: ClaimIdempotencyKey :execrows
INSERT INTO idempotency_keys (scope, key, request_hash, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (scope, key) DO NOTHING;

-- name: GetIdempotencyKey :one
SELECT * FROM idempotency_keys WHERE scope = $1 AND key = $2;

-- name: CompleteIdempotencyKey :exec
UPDATE idempotency_keys SET consultation_id = $3, response_status = $4, checkout_url = $5
WHERE scope = $1 AND key = $2;

-- name: ReleaseIdempotencyKey :exec
DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND consultation_id IS NULL;
