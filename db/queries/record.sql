-- The medical record (EMR). A consultation belongs to a patient's record
-- once it became care: anything but an unpaid checkout (awaiting_payment,
-- payment_failed, or expired without a payment). Every query reads one
-- patient's record, across all doctors (sqlc.narg doctor_id NULL, the
-- patient's own view) or with one doctor (the doctor's view).

-- name: RecordConsultations :many
SELECT sqlc.embed(c), d.display_name AS doctor_name
FROM consultations c
JOIN doctors d ON d.user_id = c.doctor_id
WHERE c.patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR c.doctor_id = sqlc.narg(doctor_id))
  AND c.status NOT IN ('awaiting_payment', 'payment_failed')
  AND NOT (c.status = 'expired' AND c.paid_at IS NULL)
ORDER BY COALESCE(lower(c.slot), c.created_at), c.created_at, c.id;

-- name: RecordIntakes :many
SELECT i.* FROM consultation_intakes i
JOIN consultations c ON c.id = i.consultation_id
WHERE c.patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR c.doctor_id = sqlc.narg(doctor_id))
ORDER BY i.submitted_at, i.consultation_id;

-- name: RecordPhotos :many
SELECT p.id, p.consultation_id, p.content_type, p.size_bytes, p.width, p.height, p.created_at
FROM consultation_photos p
JOIN consultations c ON c.id = p.consultation_id
WHERE c.patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR c.doctor_id = sqlc.narg(doctor_id))
ORDER BY p.created_at, p.id;

-- name: RecordAdvice :many
SELECT a.* FROM advice a
JOIN consultations c ON c.id = a.consultation_id
WHERE c.patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR c.doctor_id = sqlc.narg(doctor_id))
  AND a.published_at IS NOT NULL
ORDER BY a.published_at, a.id;

-- name: RecordPrescriptions :many
SELECT p.* FROM prescriptions p
JOIN consultations c ON c.id = p.consultation_id
WHERE c.patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR c.doctor_id = sqlc.narg(doctor_id))
ORDER BY p.created_at, p.id;

-- name: RecordInvoices :many
SELECT i.* FROM invoices i
JOIN consultations c ON c.id = i.consultation_id
WHERE c.patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR c.doctor_id = sqlc.narg(doctor_id))
ORDER BY i.issued_at, i.id;

-- name: RecordCreditNotes :many
SELECT n.* FROM credit_notes n
JOIN consultations c ON c.id = n.consultation_id
WHERE c.patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR c.doctor_id = sqlc.narg(doctor_id))
ORDER BY n.issued_at, n.id;

-- name: RecordChat :many
SELECT m.* FROM consultation_chat m
JOIN consultations c ON c.id = m.consultation_id
WHERE c.patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR c.doctor_id = sqlc.narg(doctor_id))
ORDER BY m.seq;

-- name: RecordNotes :many
SELECT * FROM record_notes
WHERE patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR doctor_id = sqlc.narg(doctor_id))
ORDER BY created_at, id;

-- name: RecordDiagnoses :many
SELECT * FROM record_diagnoses
WHERE patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR doctor_id = sqlc.narg(doctor_id))
ORDER BY created_at, id;

-- name: CreateRecordNote :one
INSERT INTO record_notes (id, doctor_id, patient_id, consultation_id, text_enc)
VALUES ($1, $2, $3, $4, $5)
RETURNING *;

-- name: CreateRecordDiagnosis :one
INSERT INTO record_diagnoses (id, doctor_id, patient_id, consultation_id, code_system, data_enc)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING *;

-- name: DoctorTreatsPatient :one
-- Whether the patient has a consultation with the doctor in their record.
SELECT EXISTS (
    SELECT 1 FROM consultations c
    WHERE c.patient_id = @patient_id AND c.doctor_id = @doctor_id
      AND c.status NOT IN ('awaiting_payment', 'payment_failed')
      AND NOT (c.status = 'expired' AND c.paid_at IS NULL)
);

-- name: DoctorPatients :many
-- The patients (accounts) with a consultation with the doctor in their
-- record, the most recent first.
SELECT c.patient_id::uuid AS patient_id, count(*) AS consultations,
       max(COALESCE(lower(c.slot), c.created_at))::timestamptz AS last_at
FROM consultations c
WHERE c.doctor_id = @doctor_id AND c.patient_id IS NOT NULL
  AND c.status NOT IN ('awaiting_payment', 'payment_failed')
  AND NOT (c.status = 'expired' AND c.paid_at IS NULL)
GROUP BY c.patient_id
ORDER BY last_at DESC
LIMIT 500;

-- name: RecordThreads :many
-- The patient's message threads (messaging), with one doctor or all.
SELECT * FROM message_threads
WHERE patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR doctor_id = sqlc.narg(doctor_id))
ORDER BY created_at, id;

-- name: RecordThreadMessages :many
-- Every message of those threads, in order.
SELECT m.* FROM thread_messages m
JOIN message_threads t ON t.id = m.thread_id
WHERE t.patient_id = @patient_id
  AND (sqlc.narg(doctor_id)::uuid IS NULL OR t.doctor_id = sqlc.narg(doctor_id))
ORDER BY m.seq;
