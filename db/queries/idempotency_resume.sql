-- name: AttachIdempotencyKey :exec
-- Records, in the transaction that inserts it, the consultation a claimed
-- key's request is creating, so that a retry after a lost answer resumes it.
UPDATE idempotency_keys SET consultation_id = $3
WHERE scope = $1 AND key = $2 AND response_status = '';

-- name: AbandonIdempotencyKey :exec
-- A request that failed after creating its consultation, with an outcome it
-- cannot know (the workflow engine may have started the workflow): a retry
-- may take the key over at once and resume that consultation.
UPDATE idempotency_keys SET created_at = 'epoch'
WHERE scope = $1 AND key = $2 AND response_status = '' AND consultation_id IS NOT NULL;

-- name: TakeOverIdempotencyKey :execrows
-- A retry takes over a key whose request never answered (abandoned, or its
-- process died) and was claimed at or before stale.
UPDATE idempotency_keys SET created_at = sqlc.arg(now)
WHERE scope = sqlc.arg(scope) AND key = sqlc.arg(key) AND response_status = '' AND created_at <= sqlc.arg(stale);
