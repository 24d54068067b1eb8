-- GDPR rights and retention (migration 00027).

-- name: SetPrivacyConsent :exec
UPDATE users SET privacy_version = @version, privacy_accepted_at = now(), updated_at = now() WHERE id = @id;

-- name: ActiveConsultationsOfPatient :many
-- The patient's consultations that are not in a final status (domain.Status.Final).
SELECT id, consultation_type, status, slot, created_at FROM consultations
WHERE patient_id = @patient_id
  AND status NOT IN ('payment_failed', 'expired', 'completed', 'declined', 'cancelled', 'no_show')
ORDER BY created_at;

-- name: RecordRetentionStart :one
-- The last moment of the patient's medical record: the latest consultation
-- (its start, completion or creation) or record entry. NULL: no record.
SELECT (max(t) IS NOT NULL)::boolean AS has_record, coalesce(max(t), 'epoch')::timestamptz AS last_at FROM (
    SELECT greatest(c.created_at, c.completed_at, upper(c.slot)) AS t FROM consultations c WHERE c.patient_id = @patient_id
    UNION ALL SELECT n.created_at FROM record_notes n WHERE n.patient_id = @patient_id
    UNION ALL SELECT d.created_at FROM record_diagnoses d WHERE d.patient_id = @patient_id
    UNION ALL SELECT m.created_at FROM thread_messages m JOIN message_threads th ON th.id = m.thread_id WHERE th.patient_id = @patient_id
) AS s;

-- name: LockUserForErasure :one
SELECT * FROM users WHERE id = $1 AND role = 'patient' FOR UPDATE;

-- name: EraseSessions :exec
DELETE FROM auth_tokens WHERE user_id = $1;

-- name: ErasePasswordResets :exec
DELETE FROM password_resets WHERE user_id = $1;

-- name: EraseEmailVerifications :exec
DELETE FROM email_verifications WHERE user_id = $1;

-- name: EraseRecoveryCodes :exec
DELETE FROM recovery_codes WHERE user_id = $1;

-- name: EraseFavourites :exec
DELETE FROM favourites WHERE user_id = $1;

-- name: EraseConditionComments :exec
DELETE FROM condition_comments WHERE user_id = $1;

-- name: EraseMessageSettings :exec
DELETE FROM message_settings WHERE user_id = $1;

-- name: EraseWaitlistOffers :exec
DELETE FROM waitlist_offers WHERE patient_id = $1;

-- name: EraseWaitlistEntries :exec
DELETE FROM waitlist_entries WHERE patient_id = $1;

-- name: EraseContactMessages :exec
DELETE FROM contact_messages WHERE user_id = $1;

-- name: EraseReviews :many
-- Deletes the patient's reviews and answers what each gave, so the doctors'
-- ratings can be taken back.
DELETE FROM reviews WHERE patient_id = $1 RETURNING doctor_id, rating;

-- name: TakeBackRating :exec
UPDATE doctors SET rating_sum = rating_sum - @rating::int, rating_count = rating_count - 1, updated_at = now()
WHERE user_id = @doctor_id AND rating_count > 0;

-- name: AnonymiseUser :exec
-- The account is gone: no address, password, PIN or second factor; the
-- name and birth date stay encrypted as the identity of the retained record.
UPDATE users SET email_hash = @email_hash, email_enc = @email_enc, password_hash = '!erased',
    pin_hash = NULL, pin_failures = 0, pin_locked_until = NULL, email_verified_at = NULL,
    totp_secret_enc = NULL, totp_pending_enc = NULL, totp_enabled_at = NULL,
    erased_at = now(), updated_at = now()
WHERE id = @id;

-- name: ErasedPatientsPastRetention :many
-- Erased accounts whose record ended before the cutoff (or that have none).
SELECT u.id FROM users u
WHERE u.erased_at IS NOT NULL AND u.role = 'patient'
  AND coalesce((SELECT max(greatest(c.created_at, c.completed_at, upper(c.slot))) FROM consultations c WHERE c.patient_id = u.id), '-infinity') < @cutoff
  AND coalesce((SELECT max(n.created_at) FROM record_notes n WHERE n.patient_id = u.id), '-infinity') < @cutoff
  AND coalesce((SELECT max(d.created_at) FROM record_diagnoses d WHERE d.patient_id = u.id), '-infinity') < @cutoff
ORDER BY u.erased_at LIMIT @max_rows;

-- name: DeleteExpiredSessions :execrows
DELETE FROM auth_tokens WHERE expires_at < @cutoff OR revoked_at < @cutoff;

-- name: DeleteExpiredPasswordResets :execrows
DELETE FROM password_resets WHERE expires_at < @cutoff OR used_at < @cutoff;

-- name: DeleteExpiredEmailVerifications :execrows
DELETE FROM email_verifications WHERE expires_at < @cutoff OR used_at < @cutoff;

-- name: AbandonedConsultations :many
-- Consultations that ended without a payment (the hold expired or the
-- payment failed) before the cutoff and still hold the patient's data.
SELECT c.id FROM consultations c
WHERE c.status IN ('expired', 'payment_failed') AND c.paid_at IS NULL AND c.updated_at < @cutoff
  AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.consultation_id = c.id AND p.status IN ('paid', 'authorized'))
  AND (c.guest_email_enc IS NOT NULL OR c.guest_name_enc IS NOT NULL OR c.guest_birth_date_enc IS NOT NULL
       OR EXISTS (SELECT 1 FROM consultation_intakes i WHERE i.consultation_id = c.id)
       OR EXISTS (SELECT 1 FROM consultation_photos ph WHERE ph.consultation_id = c.id)
       OR EXISTS (SELECT 1 FROM questionnaire_responses q WHERE q.consultation_id = c.id))
ORDER BY c.updated_at LIMIT @max_rows;

-- name: DeleteConsultationIntake :exec
DELETE FROM consultation_intakes WHERE consultation_id = $1;

-- name: DeleteConsultationPhotos :exec
DELETE FROM consultation_photos WHERE consultation_id = $1;

-- name: DeleteQuestionnaireResponse :exec
DELETE FROM questionnaire_responses WHERE consultation_id = $1;

-- name: ClearGuestIdentity :exec
UPDATE consultations SET guest_email_enc = NULL, guest_name_enc = NULL, guest_birth_date_enc = NULL, updated_at = updated_at
WHERE id = $1;

-- name: PruneAuditLog :one
SELECT audit_prune(@cutoff::timestamptz)::bigint AS removed;

-- name: ListAuditChainAnchors :many
SELECT shard, seq, row_hash FROM audit_chain_anchors ORDER BY shard;
