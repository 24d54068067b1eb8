-- name: SetDoctorRegistration :exec
UPDATE doctors SET practice_name = @practice_name, big_number = @big_number, agb_code = @agb_code, updated_at = now()
WHERE user_id = @user_id;

-- name: SetConsultationPaidAt :exec
UPDATE consultations SET paid_at = COALESCE(paid_at, @paid_at::timestamptz), updated_at = now() WHERE id = @id;

-- name: GetPaidPaymentOfConsultation :one
SELECT p.* FROM payments p JOIN consultations c ON c.payment_id = p.id
WHERE c.id = $1 AND p.status = 'paid';

-- name: SetUserBirthDate :exec
UPDATE users SET birth_date_enc = @birth_date_enc, updated_at = now() WHERE id = @id;

-- name: SetGuestIdentity :exec
UPDATE consultations SET guest_name_enc = @guest_name_enc, guest_birth_date_enc = @guest_birth_date_enc, updated_at = now()
WHERE id = @id AND patient_id IS NULL;

-- name: NextCreditNoteNumber :one
INSERT INTO credit_note_counters (doctor_id, last_number) VALUES ($1, 1)
ON CONFLICT (doctor_id) DO UPDATE SET last_number = credit_note_counters.last_number + 1
RETURNING last_number;

-- name: CreateCreditNote :one
INSERT INTO credit_notes (id, doctor_id, number, invoice_id, consultation_id, refund_id, amount_cents, currency)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING *;

-- name: GetCreditNoteByRefund :one
SELECT * FROM credit_notes WHERE refund_id = $1;

-- name: GetCreditNote :one
SELECT * FROM credit_notes WHERE id = $1;

-- name: ListInvoiceCreditNotes :many
SELECT * FROM credit_notes WHERE invoice_id = $1 ORDER BY number;

-- name: ListDoctorCreditNotes :many
SELECT * FROM credit_notes WHERE doctor_id = $1 ORDER BY number DESC LIMIT 500;

-- name: ListConsultationCreditNotes :many
SELECT * FROM credit_notes WHERE consultation_id = $1 ORDER BY number;

-- name: GetConsultationCreditNote :one
SELECT * FROM credit_notes WHERE id = $1 AND consultation_id = $2;
