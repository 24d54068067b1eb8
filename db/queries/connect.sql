-- name: InsertOAuthState :exec
INSERT INTO mollie_oauth_states (state_hash, doctor_id, expires_at) VALUES ($1, $2, $3);

-- name: ConsumeOAuthState :one
-- Takes a state once: only the doctor it was issued to, only before it expires.
DELETE FROM mollie_oauth_states
WHERE state_hash = $1 AND doctor_id = $2 AND expires_at > sqlc.arg(now)::timestamptz
RETURNING doctor_id;

-- name: DeleteExpiredOAuthStates :exec
DELETE FROM mollie_oauth_states WHERE expires_at <= sqlc.arg(now)::timestamptz;

-- name: UpsertMollieConnection :one
INSERT INTO mollie_connections (id, doctor_id, organization_id, organization_name_enc, profile_id,
    access_token_enc, refresh_token_enc, access_expires_at, scope, connected_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (doctor_id, organization_id) DO UPDATE SET
    organization_name_enc = EXCLUDED.organization_name_enc, profile_id = EXCLUDED.profile_id,
    access_token_enc = EXCLUDED.access_token_enc, refresh_token_enc = EXCLUDED.refresh_token_enc,
    access_expires_at = EXCLUDED.access_expires_at, scope = EXCLUDED.scope, connected_at = EXCLUDED.connected_at,
    disconnected_at = NULL
RETURNING *;

-- name: GetMollieConnectionByOrganization :one
SELECT * FROM mollie_connections WHERE doctor_id = $1 AND organization_id = $2;

-- name: CurrentMollieConnection :one
-- The connection new payments go to: the newest one not disconnected.
SELECT * FROM mollie_connections WHERE doctor_id = $1 AND disconnected_at IS NULL ORDER BY connected_at DESC, id LIMIT 1;

-- name: GetMollieConnectionForUpdate :one
SELECT * FROM mollie_connections WHERE id = $1 FOR UPDATE;

-- name: SetMollieConnectionTokens :exec
UPDATE mollie_connections SET access_token_enc = $2, refresh_token_enc = $3, access_expires_at = $4,
    refreshed_at = sqlc.arg(now)::timestamptz
WHERE id = $1;

-- name: SetPaymentConnection :exec
UPDATE payments SET connection_id = $2, application_fee_cents = $3 WHERE id = $1;

-- name: PaymentConnection :one
SELECT connection_id FROM payments WHERE id = $1;

-- name: ConnectedDoctors :many
-- The doctors among the given ones that have a connected Mollie account.
SELECT DISTINCT doctor_id FROM mollie_connections WHERE doctor_id = ANY(sqlc.arg(doctor_ids)::uuid[]) AND disconnected_at IS NULL;

-- name: DoctorsWithoutMollieConnection :many
SELECT d.user_id, d.display_name FROM doctors d
WHERE NOT EXISTS (SELECT 1 FROM mollie_connections m WHERE m.doctor_id = d.user_id)
ORDER BY d.user_id;
