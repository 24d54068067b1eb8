-- Tamper evidence of the audit log (migration 00023).

-- name: ListAuditChainHeads :many
SELECT shard, seq, row_hash FROM audit_chain_heads ORDER BY shard;

-- name: ListAuditChainRows :many
SELECT * FROM audit_events
WHERE chain_shard = @shard AND chain_seq > @after_seq
ORDER BY chain_seq LIMIT @max_rows;

-- Sessions and the second factor.

-- name: CreateSession :one
INSERT INTO auth_tokens (token_hash, user_id, expires_at, client_ip, user_agent)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: GetActiveSession :one
SELECT t.id, t.user_id, u.role, u.language, t.pin_unlocked_until, (u.pin_hash IS NOT NULL)::boolean AS has_pin,
       (u.totp_enabled_at IS NOT NULL)::boolean AS totp_enabled, t.second_factor_at, t.last_seen_at
FROM auth_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = @token_hash AND t.revoked_at IS NULL AND t.expires_at > now()
  AND t.last_seen_at > now() - make_interval(secs => CASE WHEN u.role = 'patient'
      THEN @patient_idle_seconds::bigint ELSE @staff_idle_seconds::bigint END);

-- name: TouchSession :exec
UPDATE auth_tokens SET last_seen_at = now() WHERE token_hash = $1;

-- name: MarkSessionSecondFactor :exec
UPDATE auth_tokens SET second_factor_at = now() WHERE token_hash = $1;

-- name: ListSessions :many
SELECT id, token_hash, created_at, last_seen_at, expires_at, second_factor_at, client_ip, user_agent
FROM auth_tokens
WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
ORDER BY last_seen_at DESC
LIMIT 100;

-- name: RevokeSession :execrows
UPDATE auth_tokens SET revoked_at = now()
WHERE user_id = @user_id AND id = @id AND revoked_at IS NULL;

-- name: SetPendingTOTP :exec
UPDATE users SET totp_pending_enc = $2, updated_at = now() WHERE id = $1;

-- name: EnableTOTP :execrows
UPDATE users SET totp_secret_enc = totp_pending_enc, totp_pending_enc = NULL, totp_enabled_at = now(),
                 totp_last_step = @last_step, updated_at = now()
WHERE id = @id AND totp_pending_enc IS NOT NULL;

-- name: DisableTOTP :exec
UPDATE users SET totp_secret_enc = NULL, totp_pending_enc = NULL, totp_enabled_at = NULL, updated_at = now()
WHERE id = $1;

-- name: UseTOTPStep :execrows
UPDATE users SET totp_last_step = @step WHERE id = @id AND totp_last_step < @step;

-- name: DeleteRecoveryCodes :exec
DELETE FROM recovery_codes WHERE user_id = $1;

-- name: InsertRecoveryCode :exec
INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2);

-- name: UseRecoveryCode :execrows
UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL;

-- name: CountRecoveryCodes :one
SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL;
