-- +goose Up
-- Mollie Connect: a doctor's own Mollie account (organisation), connected
-- once through OAuth. The tokens are encrypted with the field keys
-- (db.FieldMollieAccessToken, db.FieldMollieRefreshToken); the access token
-- is refreshed before access_expires_at. A doctor who connects again to the
-- same organisation updates its row; another organisation adds a row, and
-- the newest (connected_at) is the one new payments go to, while payments
-- made earlier keep the connection they were made with (for their status
-- and refunds).
CREATE TABLE mollie_connections (
    id                    uuid PRIMARY KEY,
    doctor_id             uuid NOT NULL REFERENCES doctors (user_id) ON DELETE CASCADE,
    organization_id       text NOT NULL CHECK (organization_id <> ''),
    organization_name_enc bytea NOT NULL,
    profile_id            text NOT NULL CHECK (profile_id <> ''),
    access_token_enc      bytea NOT NULL,
    refresh_token_enc     bytea NOT NULL,
    access_expires_at     timestamptz NOT NULL,
    scope                 text NOT NULL DEFAULT '',
    connected_at          timestamptz NOT NULL DEFAULT now(),
    refreshed_at          timestamptz,
    UNIQUE (doctor_id, organization_id)
);
CREATE INDEX mollie_connections_current_idx ON mollie_connections (doctor_id, connected_at DESC);

-- The state of a started authorization (CSRF protection of the OAuth
-- callback): a keyed hash of the random state, the doctor it was issued to,
-- used once, before it expires.
CREATE TABLE mollie_oauth_states (
    state_hash bytea PRIMARY KEY,
    doctor_id  uuid NOT NULL REFERENCES doctors (user_id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);
CREATE INDEX mollie_oauth_states_expiry_idx ON mollie_oauth_states (expires_at);

-- Which account a payment was created on: a doctor's connection, or the
-- platform's own account (NULL); and the platform's application fee on it.
ALTER TABLE payments ADD COLUMN connection_id uuid REFERENCES mollie_connections (id);
ALTER TABLE payments ADD COLUMN application_fee_cents integer NOT NULL DEFAULT 0 CHECK (application_fee_cents >= 0);

-- +goose Down
ALTER TABLE payments DROP COLUMN application_fee_cents;
ALTER TABLE payments DROP COLUMN connection_id;
DROP TABLE mollie_oauth_states;
DROP TABLE mollie_connections;
