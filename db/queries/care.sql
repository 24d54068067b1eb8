-- name: CreateIntakeIfAbsent :execrows
INSERT INTO consultation_intakes (consultation_id, form_kind, answers_enc) VALUES ($1, $2, $3)
ON CONFLICT (consultation_id) DO NOTHING;
