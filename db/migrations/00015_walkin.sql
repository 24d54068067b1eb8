-- +goose Up
-- Walk-in statuses (package domain): queued in the doctor's walk-in queue,
-- called by the doctor and expected to answer.
ALTER TABLE consultations DROP CONSTRAINT consultations_status_check;
ALTER TABLE consultations ADD CONSTRAINT consultations_status_check CHECK (status IN (
    'awaiting_payment', 'payment_failed', 'expired', 'awaiting_intake', 'awaiting_advice', 'answered',
    'completed', 'declined', 'cancelled', 'scheduled', 'waiting', 'in_session', 'no_show',
    'cancellation_requested', 'queued', 'called'));

-- The walk-in opening session (its start and end) a walk-in consultation
-- was paid for; its queue workflow is walkin-<doctor>-<opens>.
ALTER TABLE consultations ADD COLUMN walkin_opens timestamptz;
ALTER TABLE consultations ADD COLUMN walkin_closes timestamptz;
ALTER TABLE consultations ADD CONSTRAINT consultations_walkin_session_check
    CHECK ((walkin_opens IS NULL) = (walkin_closes IS NULL) AND (walkin_opens IS NULL OR walkin_opens < walkin_closes));

-- Measured walk-in session lengths: one row per held session (so a retried
-- activity counts a session once) and the doctor's running average, from
-- which the queue estimates waiting times.
CREATE TABLE walkin_sessions (
    consultation_id uuid PRIMARY KEY REFERENCES consultations (id) ON DELETE CASCADE,
    doctor_id       uuid NOT NULL REFERENCES doctors (user_id) ON DELETE CASCADE,
    seconds         integer NOT NULL CHECK (seconds >= 0),
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE walkin_stats (
    doctor_id   uuid PRIMARY KEY REFERENCES doctors (user_id) ON DELETE CASCADE,
    sessions    integer NOT NULL DEFAULT 0 CHECK (sessions >= 0),
    avg_seconds double precision NOT NULL DEFAULT 0 CHECK (avg_seconds >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE walkin_stats;
DROP TABLE walkin_sessions;
ALTER TABLE consultations DROP CONSTRAINT consultations_walkin_session_check;
ALTER TABLE consultations DROP COLUMN walkin_closes;
ALTER TABLE consultations DROP COLUMN walkin_opens;
ALTER TABLE consultations DROP CONSTRAINT consultations_status_check;
ALTER TABLE consultations ADD CONSTRAINT consultations_status_check CHECK (status IN (
    'awaiting_payment', 'payment_failed', 'expired', 'awaiting_intake', 'awaiting_advice', 'answered',
    'completed', 'declined', 'cancelled', 'scheduled', 'waiting', 'in_session', 'no_show',
    'cancellation_requested'));
