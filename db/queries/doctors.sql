-- name: CreateDoctor :one
INSERT INTO doctors (user_id, display_name, specialty, bio, focus_areas, languages, city, address,
                     latitude, longitude, time_zone, admin_fee_cents, advice_sla_days)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
RETURNING *;

-- name: GetDoctor :one
SELECT * FROM doctors WHERE user_id = $1;

-- name: ListDoctors :many
SELECT * FROM doctors ORDER BY display_name, user_id LIMIT $1 OFFSET $2;

-- name: CountDoctors :one
SELECT count(*) FROM doctors;

-- name: UpsertDoctorFee :exec
INSERT INTO doctor_fees (doctor_id, consultation_type, amount_cents, duration_minutes)
VALUES ($1, $2, $3, $4)
ON CONFLICT (doctor_id, consultation_type)
DO UPDATE SET amount_cents = EXCLUDED.amount_cents, duration_minutes = EXCLUDED.duration_minutes;

-- name: ListDoctorFees :many
SELECT * FROM doctor_fees WHERE doctor_id = ANY(@doctor_ids::uuid[]) ORDER BY doctor_id, consultation_type;

-- name: CreateAvailabilityRule :exec
INSERT INTO availability_rules (id, doctor_id, consultation_type, weekday, start_time, end_time)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: ListAvailabilityRules :many
SELECT * FROM availability_rules WHERE doctor_id = $1 ORDER BY consultation_type, weekday, start_time;

-- name: DeleteAvailabilityRules :exec
DELETE FROM availability_rules WHERE doctor_id = $1;

-- name: DeleteAvailabilityExceptions :exec
DELETE FROM availability_exceptions WHERE doctor_id = $1;

-- name: CreateAvailabilityException :exec
INSERT INTO availability_exceptions (id, doctor_id, day, kind, consultation_type, start_time, end_time)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: ListAvailabilityExceptions :many
SELECT * FROM availability_exceptions WHERE doctor_id = $1 ORDER BY day, start_time;

-- name: UpdateDoctorProfile :one
UPDATE doctors SET specialty = $2, bio = $3, focus_areas = $4, languages = $5, city = $6, address = $7,
    latitude = $8, longitude = $9, time_zone = $10, photo_url = $11, admin_fee_cents = $12, advice_sla_days = $13,
    updated_at = now()
WHERE user_id = $1
RETURNING *;
