-- +goose Up
-- The admin fee that applied when the appointment was booked: a later
-- change of the doctor's fee does not change a booked appointment's refund.
ALTER TABLE consultations ADD COLUMN admin_fee_cents integer NOT NULL DEFAULT 0 CHECK (admin_fee_cents >= 0);
-- The start after the doctor's announced delay (NULL: on time).
ALTER TABLE consultations ADD COLUMN expected_start timestamptz;

-- Prescriptions, encrypted (medication, strength, dosage, duration, instructions).
CREATE TABLE prescriptions (
    id              uuid PRIMARY KEY,
    consultation_id uuid NOT NULL REFERENCES consultations (id),
    doctor_id       uuid NOT NULL REFERENCES doctors (user_id),
    data_enc        bytea NOT NULL,
    send_by_email   boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX prescriptions_consultation_idx ON prescriptions (consultation_id);

-- +goose Down
DROP TABLE prescriptions;
ALTER TABLE consultations DROP COLUMN expected_start;
ALTER TABLE consultations DROP COLUMN admin_fee_cents;
