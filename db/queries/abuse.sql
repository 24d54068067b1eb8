-- name: GetAuthTokenForUpdate :one
SELECT * FROM auth_tokens WHERE token_hash = $1 FOR UPDATE;

-- name: RecordSessionPINFailure :exec
UPDATE auth_tokens SET pin_failures = @failures, pin_locked_until = sqlc.narg(locked_until) WHERE token_hash = @token_hash;

-- name: UnlockSession :exec
UPDATE auth_tokens SET pin_failures = 0, pin_locked_until = NULL, pin_unlocked_until = @unlocked_until WHERE token_hash = @token_hash;

-- name: ClearSessionPINLocks :exec
UPDATE auth_tokens SET pin_failures = 0, pin_locked_until = NULL
WHERE user_id = $1 AND (pin_failures <> 0 OR pin_locked_until IS NOT NULL);

-- name: CreateEmailVerification :exec
INSERT INTO email_verifications (token_hash, user_id, expires_at) VALUES ($1, $2, $3);

-- name: UseEmailVerification :one
UPDATE email_verifications SET used_at = now()
WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
RETURNING user_id;

-- name: MarkEmailVerified :exec
UPDATE users SET email_verified_at = now(), updated_at = now() WHERE id = $1 AND email_verified_at IS NULL;

-- name: InvalidateEmailVerifications :exec
UPDATE email_verifications SET used_at = now() WHERE user_id = $1 AND used_at IS NULL;

-- name: CountUnpaidFutureBookings :one
-- Appointments that hold a doctor's time and are not paid: video holds
-- awaiting payment, and in-person visits (paid afterwards) still ahead.
SELECT count(*) FROM consultations
WHERE patient_id = @patient_id AND slot IS NOT NULL AND upper(slot) > @now::timestamptz
  AND (status = 'awaiting_payment'
       OR (consultation_type = 'in_person' AND status IN ('scheduled', 'waiting', 'cancellation_requested')));
