-- name: ListPatientConsultationsWithDoctor :many
-- A patient's consultations, newest first, with the doctor's name for the list.
SELECT sqlc.embed(consultations), doctors.display_name AS doctor_name
FROM consultations
JOIN doctors ON doctors.user_id = consultations.doctor_id
WHERE consultations.patient_id = $1
ORDER BY consultations.created_at DESC
LIMIT 200;

-- name: SetAdviceNotifyOnly :exec
UPDATE consultations SET advice_notify_only = @notify_only WHERE id = @id;
