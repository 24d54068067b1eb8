-- +goose Up
ALTER TABLE consultations ADD COLUMN payment_id text;
ALTER TABLE consultations ADD COLUMN paid_at timestamptz;
ALTER TABLE consultations ADD COLUMN completed_at timestamptz;
-- The workflow's transition counter: a late retry never overwrites a newer status.
ALTER TABLE consultations ADD COLUMN status_seq integer NOT NULL DEFAULT 0;
ALTER TABLE consultations ADD COLUMN status_reason text NOT NULL DEFAULT '';

-- The intake form, encrypted (medical data).
CREATE TABLE consultation_intakes (
    consultation_id uuid PRIMARY KEY REFERENCES consultations (id),
    form_kind       text NOT NULL CHECK (form_kind IN ('short', 'detailed')),
    answers_enc     bytea NOT NULL,
    submitted_at    timestamptz NOT NULL DEFAULT now()
);

-- Photos, re-encoded without metadata and encrypted.
CREATE TABLE consultation_photos (
    id              uuid PRIMARY KEY,
    consultation_id uuid NOT NULL REFERENCES consultations (id),
    content_type    text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    size_bytes      integer NOT NULL CHECK (size_bytes > 0),
    width           integer NOT NULL,
    height          integer NOT NULL,
    data_enc        bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consultation_photos_consultation_idx ON consultation_photos (consultation_id);

-- The doctor's written advice, encrypted; published once the workflow accepts it.
CREATE TABLE advice (
    id              uuid PRIMARY KEY,
    consultation_id uuid NOT NULL REFERENCES consultations (id),
    doctor_id       uuid NOT NULL REFERENCES doctors (user_id),
    text_enc        bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz
);
CREATE UNIQUE INDEX advice_one_published ON advice (consultation_id) WHERE published_at IS NOT NULL;

-- Emails sent by activities, so a retried or replayed send is not sent twice.
CREATE TABLE sent_emails (
    dedup_key       text PRIMARY KEY,
    consultation_id uuid REFERENCES consultations (id),
    template        text NOT NULL,
    sent_at         timestamptz NOT NULL DEFAULT now()
);

-- Operator alerts raised by workflows where money or care needs a human.
CREATE TABLE support_alerts (
    id              bigserial PRIMARY KEY,
    consultation_id uuid NOT NULL REFERENCES consultations (id),
    code            text NOT NULL,
    detail          text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    UNIQUE (consultation_id, code)
);

-- +goose Down
DROP TABLE support_alerts;
DROP TABLE sent_emails;
DROP TABLE advice;
DROP TABLE consultation_photos;
DROP TABLE consultation_intakes;
ALTER TABLE consultations DROP COLUMN status_reason;
ALTER TABLE consultations DROP COLUMN status_seq;
ALTER TABLE consultations DROP COLUMN completed_at;
ALTER TABLE consultations DROP COLUMN paid_at;
ALTER TABLE consultations DROP COLUMN payment_id;
