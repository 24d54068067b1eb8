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
