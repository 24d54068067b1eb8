-- +goose Up
-- Email verification: a patient confirms the address before booking. Accounts
-- that existed before verification was introduced never had a way to confirm
-- and are taken as confirmed, so no patient loses the ability to book.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
UPDATE users SET email_verified_at = created_at;

-- Single-use verification links (only the SHA-256 of the token is stored).
CREATE TABLE email_verifications (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX email_verifications_user_idx ON email_verifications (user_id);

-- Wrong PINs count per session, not per account: one session's failures
-- lock that session only.
ALTER TABLE auth_tokens ADD COLUMN pin_failures integer NOT NULL DEFAULT 0;
ALTER TABLE auth_tokens ADD COLUMN pin_locked_until timestamptz;

-- +goose Down
ALTER TABLE auth_tokens DROP COLUMN pin_locked_until;
ALTER TABLE auth_tokens DROP COLUMN pin_failures;
DROP TABLE email_verifications;
ALTER TABLE users DROP COLUMN email_verified_at;
