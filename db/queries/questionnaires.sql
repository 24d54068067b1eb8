-- name: UpsertQuestionnaire :one
-- Creates the doctor's questionnaire for a type (or makes it active again)
-- and locks its row until the transaction ends, so versions are numbered
-- one at a time.
INSERT INTO questionnaires (id, doctor_id, consultation_type) VALUES ($1, $2, $3)
ON CONFLICT (doctor_id, consultation_type) DO UPDATE SET active = true
RETURNING id;

-- name: LatestQuestionnaireVersion :one
SELECT * FROM questionnaire_versions WHERE questionnaire_id = $1 ORDER BY version DESC LIMIT 1;

-- name: CreateQuestionnaireVersion :exec
INSERT INTO questionnaire_versions (questionnaire_id, version, title, questions) VALUES ($1, $2, $3, $4);

-- name: WithdrawQuestionnaire :execrows
UPDATE questionnaires SET active = false WHERE doctor_id = $1 AND consultation_type = $2 AND active;

-- name: QuestionnaireActive :one
SELECT active FROM questionnaires WHERE id = $1;

-- name: CurrentQuestionnaire :one
-- The version a consultation of this doctor and type fills in now.
SELECT q.id, q.consultation_type, v.version, v.title, v.questions, v.published_at
FROM questionnaires q
JOIN LATERAL (SELECT * FROM questionnaire_versions WHERE questionnaire_id = q.id ORDER BY version DESC LIMIT 1) v ON true
WHERE q.doctor_id = $1 AND q.consultation_type = $2 AND q.active;

-- name: DoctorQuestionnaires :many
SELECT q.id, q.consultation_type, q.active, v.version, v.title, v.questions, v.published_at
FROM questionnaires q
JOIN LATERAL (SELECT * FROM questionnaire_versions WHERE questionnaire_id = q.id ORDER BY version DESC LIMIT 1) v ON true
WHERE q.doctor_id = $1
ORDER BY q.consultation_type;

-- name: CreateQuestionnaireResponseIfAbsent :execrows
INSERT INTO questionnaire_responses (consultation_id, questionnaire_id, version, answers_enc) VALUES ($1, $2, $3, $4)
ON CONFLICT (consultation_id) DO NOTHING;

-- name: GetQuestionnaireResponse :one
-- A stored response with the version it answered.
SELECT r.consultation_id, r.questionnaire_id, r.version, r.answers_enc, r.submitted_at, v.title, v.questions
FROM questionnaire_responses r
JOIN questionnaire_versions v ON v.questionnaire_id = r.questionnaire_id AND v.version = r.version
WHERE r.consultation_id = $1;

-- name: PatientQuestionnairesToFill :many
-- The patient's consultations whose doctor has a questionnaire for their
-- type that is not filled in yet, while it may be (domain.QuestionnaireOpen,
-- by the projected status).
SELECT c.id, c.consultation_type, c.status, c.doctor_id, d.display_name AS doctor_name, c.slot,
       v.title, v.version
FROM consultations c
JOIN doctors d ON d.user_id = c.doctor_id
JOIN questionnaires q ON q.doctor_id = c.doctor_id AND q.consultation_type = c.consultation_type AND q.active
JOIN LATERAL (SELECT * FROM questionnaire_versions WHERE questionnaire_id = q.id ORDER BY version DESC LIMIT 1) v ON true
WHERE c.patient_id = $1
  AND ((c.consultation_type IN ('video', 'in_person') AND c.status IN ('scheduled', 'waiting'))
       OR (c.consultation_type = 'walk_in' AND c.status IN ('queued', 'called')))
  AND NOT EXISTS (SELECT 1 FROM questionnaire_responses r WHERE r.consultation_id = c.id)
ORDER BY lower(c.slot) NULLS LAST, c.created_at;

-- name: ListPhotoIDs :many
SELECT id FROM consultation_photos WHERE consultation_id = $1;
