-- name: CreateAuthToken :exec
INSERT INTO auth_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3);

-- name: GetActiveAuthToken :one
SELECT t.user_id, u.role, u.language, t.pin_unlocked_until, (u.pin_hash IS NOT NULL)::boolean AS has_pin
FROM auth_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now();

-- name: UnlockAuthToken :exec
UPDATE auth_tokens SET pin_unlocked_until = $2 WHERE token_hash = $1;

-- name: RevokeAuthToken :exec
UPDATE auth_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL;

-- name: RevokeUserAuthTokens :exec
UPDATE auth_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL;

-- name: CreatePasswordReset :exec
INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3);

-- name: UsePasswordReset :one
UPDATE password_resets SET used_at = now()
WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
RETURNING user_id;

-- name: InvalidatePasswordResets :exec
UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL;
