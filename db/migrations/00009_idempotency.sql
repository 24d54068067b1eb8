-- +goose Up
-- The status vocabulary of package domain (a test compares the two).
ALTER TABLE consultations ADD CONSTRAINT consultations_status_check CHECK (status IN (
    'awaiting_payment', 'payment_failed', 'expired', 'awaiting_intake', 'awaiting_advice', 'answered',
    'completed', 'declined', 'cancelled', 'scheduled', 'waiting', 'in_session', 'no_show',
    'cancellation_requested'));

-- Idempotency-Key of POST /v1/consultations: a retried request (same key,
-- same caller, same body) gets the consultation and checkout of the first.
-- scope is the caller: "user:<id>" or "guest:<keyed hash of the email>".
-- A claim without consultation_id is a request in flight (or one that died:
-- it may be taken over after a while).
CREATE TABLE idempotency_keys (
    scope           text NOT NULL,
    key             text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    request_hash    bytea NOT NULL,
    consultation_id uuid REFERENCES consultations (id) ON DELETE CASCADE,
    response_status text NOT NULL DEFAULT '',
    checkout_url    text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);

-- +goose Down
DROP TABLE idempotency_keys;
ALTER TABLE consultations DROP CONSTRAINT consultations_status_check;
