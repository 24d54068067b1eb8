-- +goose Up
-- The doctor's own entries in a patient's medical record (EMR): notes and
-- diagnoses. Each belongs to one doctor and one patient (an account; a
-- guest has no record across consultations) and optionally to one of their
-- consultations. Texts are encrypted with the field keys (contexts
-- record_notes.text and record_diagnoses.text). A diagnosis is free text
-- with an optional code: code_system is 'icd10' (WHO ICD-10) or 'snomed'
-- (SNOMED CT); the code itself is not secret but is stored encrypted with
-- the text, since together they are the diagnosis.
CREATE TABLE record_notes (
    id              uuid PRIMARY KEY,
    doctor_id       uuid NOT NULL REFERENCES doctors (user_id),
    patient_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    consultation_id uuid REFERENCES consultations (id) ON DELETE SET NULL,
    text_enc        bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_notes_patient_idx ON record_notes (patient_id, doctor_id, created_at);

CREATE TABLE record_diagnoses (
    id              uuid PRIMARY KEY,
    doctor_id       uuid NOT NULL REFERENCES doctors (user_id),
    patient_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    consultation_id uuid REFERENCES consultations (id) ON DELETE SET NULL,
    code_system     text NOT NULL DEFAULT '' CHECK (code_system IN ('', 'icd10', 'snomed')),
    data_enc        bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_diagnoses_patient_idx ON record_diagnoses (patient_id, doctor_id, created_at);

-- +goose Down
DROP TABLE record_diagnoses;
DROP TABLE record_notes;
