-- +goose Up
-- What Dutch insurers and pharmacies need on invoices and prescriptions:
-- the practice, the doctor's BIG registration (11 digits) and AGB code
-- (8 digits). Empty until the doctor fills them in.
ALTER TABLE doctors ADD COLUMN practice_name text NOT NULL DEFAULT '';
ALTER TABLE doctors ADD COLUMN big_number text NOT NULL DEFAULT '' CHECK (big_number ~ '^([0-9]{11})?$');
ALTER TABLE doctors ADD COLUMN agb_code text NOT NULL DEFAULT '' CHECK (agb_code ~ '^([0-9]{8})?$');

-- The patient's date of birth (encrypted, users.birth_date), and a guest's
-- name and date of birth given at intake (encrypted, consultations.guest_*).
ALTER TABLE users ADD COLUMN birth_date_enc bytea;
ALTER TABLE consultations ADD COLUMN guest_name_enc bytea;
ALTER TABLE consultations ADD COLUMN guest_birth_date_enc bytea;

-- Credit notes: one per refund of an invoiced consultation, numbered per
-- doctor without gaps (their own sequence, next to the invoices').
CREATE TABLE credit_note_counters (
    doctor_id   uuid PRIMARY KEY REFERENCES doctors (user_id),
    last_number integer NOT NULL DEFAULT 0
);

CREATE TABLE credit_notes (
    id              uuid PRIMARY KEY,
    doctor_id       uuid NOT NULL REFERENCES doctors (user_id),
    number          integer NOT NULL,
    invoice_id      uuid NOT NULL REFERENCES invoices (id),
    consultation_id uuid NOT NULL REFERENCES consultations (id),
    refund_id       uuid NOT NULL UNIQUE REFERENCES refunds (id),
    amount_cents    integer NOT NULL CHECK (amount_cents > 0),
    currency        text NOT NULL DEFAULT 'EUR',
    issued_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (doctor_id, number)
);
CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id);

-- +goose Down
DROP TABLE credit_notes;
DROP TABLE credit_note_counters;
ALTER TABLE consultations DROP COLUMN guest_birth_date_enc;
ALTER TABLE consultations DROP COLUMN guest_name_enc;
ALTER TABLE users DROP COLUMN birth_date_enc;
ALTER TABLE doctors DROP COLUMN agb_code;
ALTER TABLE doctors DROP COLUMN big_number;
ALTER TABLE doctors DROP COLUMN practice_name;
