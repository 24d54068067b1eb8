-- +goose Up
-- Messages of the contact and complaint form (package domain: subjects and
-- statuses). The sender's name, address and message are personal data and
-- stored encrypted; email_hash is the keyed lookup of the address. A
-- practitioner complaint may name the doctor it is about; user_id is the
-- sender's account when they were logged in.
CREATE TABLE contact_messages (
    id          uuid PRIMARY KEY,
    user_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    doctor_id   uuid REFERENCES doctors (user_id) ON DELETE SET NULL,
    subject     text NOT NULL CHECK (subject IN ('system_complaint', 'practitioner', 'other')),
    name_enc    bytea NOT NULL,
    email_enc   bytea NOT NULL,
    email_hash  bytea NOT NULL,
    body_enc    bytea NOT NULL,
    language    text NOT NULL CHECK (language IN ('nl', 'en')),
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'closed')),
    handled_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_messages_status_idx ON contact_messages (status, created_at DESC);

-- +goose Down
DROP TABLE contact_messages;
