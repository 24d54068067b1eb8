-- name: RecordQuestionnaireResponses :many
-- The doctors' questionnaires filled in for one patient's consultations
-- (sqlc.narg doctor_id: one doctor's, NULL: all), with the version answered.
SELECT r.consultation_id, c.doctor_id, r.questionnaire_id, r.version, r.answers_enc, r.submitted_at, v.title, v.questions
FROM questionnaire_responses r
JOIN consultations c ON c.id = r.consultation_id
JOIN questionnaire_versions v ON v.questionnaire_id = r.questionnaire_id AND v.version = r.version
WHERE c.patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR c.doctor_id = sqlc.narg(doctor_id))
ORDER BY r.submitted_at, r.consultation_id;

-- name: OpenPaidOnConnections :one
-- How many of the doctor's consultations paid (or being paid) on one of
-- their Mollie connections may still need that account: not final, or with
-- a refund not yet issued at Mollie.
SELECT count(DISTINCT c.id)::int AS open
FROM consultations c
JOIN payments p ON p.consultation_id = c.id
JOIN mollie_connections m ON m.id = p.connection_id AND m.doctor_id = c.doctor_id
LEFT JOIN refunds r ON r.payment_id = p.id AND r.mollie_refund_id IS NULL
WHERE c.doctor_id = $1
  AND (c.status NOT IN ('payment_failed', 'expired', 'completed', 'declined', 'cancelled', 'no_show') OR r.id IS NOT NULL);

-- name: LiveMollieConnectionsForUpdate :many
-- The doctor's connections not disconnected, locked until the transaction ends.
SELECT * FROM mollie_connections WHERE doctor_id = $1 AND disconnected_at IS NULL ORDER BY connected_at, id FOR UPDATE;

-- name: DisconnectMollieConnection :exec
-- Marks a connection disconnected and wipes its tokens.
UPDATE mollie_connections SET disconnected_at = sqlc.arg(now)::timestamptz, access_token_enc = '\x', refresh_token_enc = '\x'
WHERE id = $1;
