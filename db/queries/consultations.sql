-- name: CreateConsultation :one
INSERT INTO consultations (id, doctor_id, patient_id, guest_email_enc, guest_email_hash, consultation_type,
                           advice_form, status, language, amount_cents, slot, hold_expires_at, admin_fee_cents)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
RETURNING *;

-- name: DeleteUnstartedConsultation :exec
DELETE FROM consultations WHERE id = $1 AND status_seq = 0 AND payment_id IS NULL;

-- name: CreatePrescription :exec
INSERT INTO prescriptions (id, consultation_id, doctor_id, data_enc, send_by_email) VALUES ($1, $2, $3, $4, $5);

-- name: ListPrescriptions :many
SELECT * FROM prescriptions WHERE consultation_id = $1 ORDER BY created_at, id;

-- name: GetPrescription :one
SELECT * FROM prescriptions WHERE id = $1 AND consultation_id = $2;

-- name: DeleteConsultation :exec
DELETE FROM consultations WHERE id = $1 AND status = 'awaiting_payment' AND payment_id IS NULL;

-- name: GetConsultation :one
SELECT * FROM consultations WHERE id = $1;

-- name: GetConsultationForUpdate :one
SELECT * FROM consultations WHERE id = $1 FOR UPDATE;

-- name: ListPatientConsultations :many
SELECT * FROM consultations WHERE patient_id = $1 ORDER BY created_at DESC LIMIT 200;

-- name: ListDoctorConsultations :many
SELECT * FROM consultations
WHERE doctor_id = @doctor_id
  AND (sqlc.narg(status)::text IS NULL OR status = sqlc.narg(status))
  AND (sqlc.narg(consultation_type)::text IS NULL OR consultation_type = sqlc.narg(consultation_type))
ORDER BY COALESCE(due_at, lower(slot), created_at), created_at
LIMIT 200;

-- name: RecordTransition :execrows
UPDATE consultations
SET status = @status,
    status_seq = @seq,
    status_reason = @reason,
    due_at = COALESCE(sqlc.narg(due_at), due_at),
    expected_start = COALESCE(sqlc.narg(expected_start), expected_start),
    payment_id = COALESCE(sqlc.narg(payment_id), payment_id),
    paid_at = CASE WHEN @status::text = 'awaiting_intake' THEN COALESCE(paid_at, @at::timestamptz) ELSE paid_at END,
    completed_at = CASE WHEN @status::text = 'completed' THEN COALESCE(completed_at, @at::timestamptz) ELSE completed_at END,
    updated_at = now()
WHERE id = @id AND status_seq < @seq;

-- name: SetConsultationPayment :exec
UPDATE consultations SET payment_id = $2, updated_at = now() WHERE id = $1;

-- name: UpsertPayment :exec
INSERT INTO payments (id, consultation_id, amount_cents, currency, status, checkout_url, paid_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status,
    paid_at = COALESCE(EXCLUDED.paid_at, payments.paid_at), updated_at = now();

-- name: GetPayment :one
SELECT * FROM payments WHERE id = $1;

-- name: SetPaymentStatus :exec
UPDATE payments SET status = $2, paid_at = COALESCE(sqlc.narg(paid_at), paid_at), updated_at = now() WHERE id = $1;

-- name: InsertSupportAlert :exec
INSERT INTO support_alerts (consultation_id, code, detail) VALUES ($1, $2, $3)
ON CONFLICT (consultation_id, code) DO NOTHING;

-- name: CreateIntake :exec
INSERT INTO consultation_intakes (consultation_id, form_kind, answers_enc) VALUES ($1, $2, $3);

-- name: GetIntake :one
SELECT * FROM consultation_intakes WHERE consultation_id = $1;

-- name: CreatePhoto :exec
INSERT INTO consultation_photos (id, consultation_id, content_type, size_bytes, width, height, data_enc)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: CountPhotos :one
SELECT count(*) FROM consultation_photos WHERE consultation_id = $1;

-- name: ListPhotos :many
SELECT id, consultation_id, content_type, size_bytes, width, height, created_at
FROM consultation_photos WHERE consultation_id = $1 ORDER BY created_at, id;

-- name: GetPhoto :one
SELECT * FROM consultation_photos WHERE id = $1 AND consultation_id = $2;

-- name: CreateAdvice :exec
INSERT INTO advice (id, consultation_id, doctor_id, text_enc) VALUES ($1, $2, $3, $4);

-- name: DeleteDraftAdvice :exec
DELETE FROM advice WHERE id = $1 AND published_at IS NULL;

-- name: PublishAdvice :one
UPDATE advice SET published_at = COALESCE(published_at, now())
WHERE id = $1 AND consultation_id = $2
RETURNING *;

-- name: GetPublishedAdvice :one
SELECT * FROM advice WHERE consultation_id = $1 AND published_at IS NOT NULL;

