-- +goose Up
-- Secure messaging: one thread per patient-doctor pair (FHIR: a
-- Communication header), its messages the header's partOf children. A
-- thread is opened only once the pair has a consultation
-- (messaging.MayOpen). Texts, link addresses, titles and shared files are
-- encrypted with the field keys (contexts in db/fields_messaging.go).
CREATE TABLE message_threads (
    id              uuid PRIMARY KEY,
    patient_id      uuid NOT NULL REFERENCES users (id),
    doctor_id       uuid NOT NULL REFERENCES doctors (user_id),
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_message_at timestamptz,
    UNIQUE (patient_id, doctor_id),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX message_threads_doctor_idx ON message_threads (doctor_id, last_message_at DESC);

-- A message of either side: text, or (the doctor's) a shared file, a link
-- or a prescription of one of the pair's consultations. seq orders the
-- messages; they are inserted while the thread's row is locked, so seq
-- order is commit order within a thread. read_at is set when the other
-- side reads it.
CREATE TABLE thread_messages (
    id              uuid PRIMARY KEY,
    thread_id       uuid NOT NULL REFERENCES message_threads (id) ON DELETE CASCADE,
    seq             bigserial NOT NULL UNIQUE,
    from_role       text NOT NULL CHECK (from_role IN ('patient', 'doctor')),
    author_id       uuid NOT NULL REFERENCES users (id),
    kind            text NOT NULL CHECK (kind IN ('text', 'file', 'link', 'prescription')),
    text_enc        bytea NOT NULL,
    title_enc       bytea,
    link_url_enc    bytea,
    content_type    text,
    size_bytes      integer,
    prescription_id uuid REFERENCES prescriptions (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    read_at         timestamptz,
    CHECK (kind = 'text' OR from_role = 'doctor'),
    CHECK ((kind = 'link') = (link_url_enc IS NOT NULL)),
    CHECK ((kind = 'prescription') = (prescription_id IS NOT NULL)),
    CHECK ((kind = 'file') = (content_type IS NOT NULL))
);
CREATE INDEX thread_messages_order_idx ON thread_messages (thread_id, seq);
CREATE INDEX thread_messages_unread_idx ON thread_messages (thread_id, from_role) WHERE read_at IS NULL;

-- The bytes of a shared file, apart from the message so that lists never
-- read them.
CREATE TABLE thread_files (
    message_id uuid PRIMARY KEY REFERENCES thread_messages (id) ON DELETE CASCADE,
    data_enc   bytea NOT NULL
);

-- Opt-in: mail "you have a new message" (no content) to this account;
-- without a row, no mail.
CREATE TABLE message_settings (
    user_id    uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email      boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE message_settings;
DROP TABLE thread_files;
DROP TABLE thread_messages;
DROP TABLE message_threads;
