-- +goose Up
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE users (
    id               uuid PRIMARY KEY,
    role             text NOT NULL CHECK (role IN ('patient', 'doctor', 'admin')),
    email_hash       bytea NOT NULL UNIQUE,
    email_enc        bytea NOT NULL,
    name_hash        bytea NOT NULL,
    name_enc         bytea NOT NULL,
    password_hash    text NOT NULL,
    language         text NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    pin_hash         text,
    pin_failures     integer NOT NULL DEFAULT 0,
    pin_locked_until timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_name_hash_idx ON users (name_hash);

CREATE TABLE auth_tokens (
    token_hash   bytea PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX auth_tokens_user_idx ON auth_tokens (user_id);

CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE TABLE doctors (
    user_id          uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    display_name     text NOT NULL,
    specialty        text NOT NULL DEFAULT 'Dermatoloog',
    bio              text NOT NULL DEFAULT '',
    focus_areas      text[] NOT NULL DEFAULT '{}',
    languages        text[] NOT NULL DEFAULT '{nl}',
    city             text NOT NULL,
    address          text NOT NULL DEFAULT '',
    latitude         double precision NOT NULL,
    longitude        double precision NOT NULL,
    time_zone        text NOT NULL DEFAULT 'Europe/Amsterdam',
    photo_url        text NOT NULL DEFAULT '',
    admin_fee_cents  integer NOT NULL DEFAULT 0 CHECK (admin_fee_cents >= 0),
    advice_sla_days  integer NOT NULL DEFAULT 1 CHECK (advice_sla_days IN (1, 2)),
    rating_sum       integer NOT NULL DEFAULT 0,
    rating_count     integer NOT NULL DEFAULT 0,
    mollie_profile_id text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE doctor_fees (
    doctor_id         uuid NOT NULL REFERENCES doctors (user_id) ON DELETE CASCADE,
    consultation_type text NOT NULL CHECK (consultation_type IN ('email_advice', 'video', 'walk_in', 'in_person')),
    amount_cents      integer NOT NULL CHECK (amount_cents >= 0),
    duration_minutes  integer NOT NULL DEFAULT 15 CHECK (duration_minutes BETWEEN 5 AND 240),
    PRIMARY KEY (doctor_id, consultation_type)
);

-- Weekly availability per consultation type, in the doctor's own time zone.
-- walk_in rules are the doctor's walk-in opening hours.
CREATE TABLE availability_rules (
    id                uuid PRIMARY KEY,
    doctor_id         uuid NOT NULL REFERENCES doctors (user_id) ON DELETE CASCADE,
    consultation_type text NOT NULL CHECK (consultation_type IN ('video', 'walk_in', 'in_person')),
    weekday           smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6), -- 0 = Sunday
    start_time        time NOT NULL,
    end_time          time NOT NULL,
    CHECK (start_time < end_time)
);
CREATE INDEX availability_rules_doctor_idx ON availability_rules (doctor_id);

CREATE TABLE availability_exceptions (
    id                uuid PRIMARY KEY,
    doctor_id         uuid NOT NULL REFERENCES doctors (user_id) ON DELETE CASCADE,
    day               date NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('off', 'extra')),
    consultation_type text CHECK (consultation_type IN ('video', 'walk_in', 'in_person')),
    start_time        time,
    end_time          time,
    CHECK (kind = 'off' OR (start_time IS NOT NULL AND end_time IS NOT NULL AND start_time < end_time AND consultation_type IS NOT NULL))
);
CREATE INDEX availability_exceptions_doctor_idx ON availability_exceptions (doctor_id, day);

CREATE TABLE consultations (
    id                uuid PRIMARY KEY,
    doctor_id         uuid NOT NULL REFERENCES doctors (user_id),
    patient_id        uuid REFERENCES users (id),
    guest_email_enc   bytea,
    guest_email_hash  bytea,
    consultation_type text NOT NULL CHECK (consultation_type IN ('email_advice', 'video', 'walk_in', 'in_person')),
    advice_form       text CHECK (advice_form IN ('short', 'detailed')),
    status            text NOT NULL,
    language          text NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    amount_cents      integer NOT NULL CHECK (amount_cents >= 0),
    currency          text NOT NULL DEFAULT 'EUR',
    slot              tstzrange,
    hold_expires_at   timestamptz,
    due_at            timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (patient_id IS NOT NULL OR guest_email_hash IS NOT NULL),
    CHECK (consultation_type IN ('email_advice', 'walk_in') OR slot IS NOT NULL),
    -- No double booking: two live consultations of one doctor never overlap.
    -- A slot held while the patient pays counts as live until the hold ends.
    CONSTRAINT consultations_no_overlap EXCLUDE USING gist (doctor_id WITH =, slot WITH &&)
        WHERE (slot IS NOT NULL AND status NOT IN ('cancelled', 'expired', 'declined', 'payment_failed'))
);
CREATE INDEX consultations_doctor_idx ON consultations (doctor_id, status);
CREATE INDEX consultations_patient_idx ON consultations (patient_id);

CREATE TABLE payments (
    id              text PRIMARY KEY,            -- Mollie payment id (tr_…)
    consultation_id uuid NOT NULL REFERENCES consultations (id),
    amount_cents    integer NOT NULL CHECK (amount_cents >= 0),
    currency        text NOT NULL DEFAULT 'EUR',
    status          text NOT NULL,
    checkout_url    text NOT NULL DEFAULT '',
    paid_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_consultation_idx ON payments (consultation_id);

CREATE TABLE refunds (
    id              uuid PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,
    consultation_id uuid NOT NULL REFERENCES consultations (id),
    payment_id      text NOT NULL REFERENCES payments (id),
    mollie_refund_id text,
    amount_cents    integer NOT NULL CHECK (amount_cents > 0),
    reason          text NOT NULL,
    status          text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invoice_counters (
    doctor_id   uuid PRIMARY KEY REFERENCES doctors (user_id),
    last_number integer NOT NULL DEFAULT 0
);

CREATE TABLE invoices (
    id              uuid PRIMARY KEY,
    doctor_id       uuid NOT NULL REFERENCES doctors (user_id),
    number          integer NOT NULL,
    consultation_id uuid NOT NULL UNIQUE REFERENCES consultations (id),
    amount_cents    integer NOT NULL,
    currency        text NOT NULL DEFAULT 'EUR',
    issued_at       timestamptz NOT NULL DEFAULT now(),
    paid_at         timestamptz,
    UNIQUE (doctor_id, number)
);

-- NEN 7513 access log: append-only.
CREATE TABLE audit_events (
    id             bigserial PRIMARY KEY,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    actor_id       uuid,
    actor_role     text NOT NULL,
    on_behalf_of   uuid,
    patient_id     uuid,
    object_type    text NOT NULL,
    object_id      text NOT NULL DEFAULT '',
    action         text NOT NULL CHECK (action IN ('create', 'read', 'update', 'delete', 'export', 'search')),
    outcome        integer NOT NULL,
    route          text NOT NULL,
    request_id     text NOT NULL,
    client_ip      text NOT NULL,
    user_agent     text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_patient_idx ON audit_events (patient_id, occurred_at);

-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE invoices;
DROP TABLE invoice_counters;
DROP TABLE refunds;
DROP TABLE payments;
DROP TABLE consultations;
DROP TABLE availability_exceptions;
DROP TABLE availability_rules;
DROP TABLE doctor_fees;
DROP TABLE doctors;
DROP TABLE password_resets;
DROP TABLE auth_tokens;
DROP TABLE users;
