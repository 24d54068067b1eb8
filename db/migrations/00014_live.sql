-- +goose Up
-- Chat between the patient and the doctor of a consultation, part of its
-- record. The text is encrypted with the field keys (context
-- consultation_chat.text); seq orders the messages. Messages of one
-- consultation are inserted while its row is locked, so seq order is also
-- commit order within a consultation (a reader resuming after a message
-- never misses one that committed later).
CREATE TABLE consultation_chat (
    id              uuid PRIMARY KEY,
    consultation_id uuid NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    seq             bigserial NOT NULL UNIQUE,
    from_role       text NOT NULL CHECK (from_role IN ('patient', 'doctor')),
    author_id       uuid REFERENCES users (id),
    text_enc        bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consultation_chat_order_idx ON consultation_chat (consultation_id, seq);

-- The last heartbeat of each side of a consultation's waiting room or
-- session: online while seen_at is recent, with the connection grade the
-- client measured.
CREATE TABLE consultation_presence (
    consultation_id uuid NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('patient', 'doctor')),
    connection      text NOT NULL CHECK (connection IN ('good', 'fair', 'poor', 'unknown')),
    seen_at         timestamptz NOT NULL,
    PRIMARY KEY (consultation_id, role)
);

-- +goose Down
DROP TABLE consultation_presence;
DROP TABLE consultation_chat;
