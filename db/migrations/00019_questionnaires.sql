-- +goose Up
-- Doctors' intake questionnaires, one per doctor and consultation type
-- (package domain: QuestionnaireTypes). The questions are the doctor's own
-- text, not patient data, and are kept in the clear; every published change
-- is a new version, and versions are never changed or removed, so a filled
-- form always reads with the questions it answered. A withdrawn
-- questionnaire (active = false) is no longer offered.
CREATE TABLE questionnaires (
    id                uuid PRIMARY KEY,
    doctor_id         uuid NOT NULL REFERENCES doctors (user_id) ON DELETE CASCADE,
    consultation_type text NOT NULL CHECK (consultation_type IN ('video', 'walk_in', 'in_person')),
    active            boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (doctor_id, consultation_type)
);
CREATE TABLE questionnaire_versions (
    questionnaire_id uuid NOT NULL REFERENCES questionnaires (id) ON DELETE CASCADE,
    version          integer NOT NULL CHECK (version > 0),
    title            text NOT NULL,
    questions        jsonb NOT NULL CHECK (jsonb_typeof(questions) = 'array'),
    published_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (questionnaire_id, version)
);

-- A consultation's answers to one version, encrypted like the intake
-- (context questionnaire_responses.answers). One per consultation.
CREATE TABLE questionnaire_responses (
    consultation_id  uuid PRIMARY KEY REFERENCES consultations (id),
    questionnaire_id uuid NOT NULL,
    version          integer NOT NULL,
    answers_enc      bytea NOT NULL,
    submitted_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (questionnaire_id, version) REFERENCES questionnaire_versions (questionnaire_id, version)
);

-- +goose Down
DROP TABLE questionnaire_responses;
DROP TABLE questionnaire_versions;
DROP TABLE questionnaires;
