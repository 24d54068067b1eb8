-- name: ListDoctorIDs :many
SELECT user_id FROM doctors WHERE user_id > $1 ORDER BY user_id LIMIT $2;

-- name: GetDoctors :many
SELECT * FROM doctors WHERE user_id = ANY(@ids::uuid[]);

-- name: ListAvailabilityRulesFor :many
SELECT * FROM availability_rules WHERE doctor_id = ANY(@ids::uuid[]) ORDER BY doctor_id, consultation_type, weekday, start_time;

-- name: ListAvailabilityExceptionsFor :many
SELECT * FROM availability_exceptions
WHERE doctor_id = ANY(@ids::uuid[]) AND day >= @from_day::date AND day <= @to_day::date
ORDER BY doctor_id, day;

-- name: ListBookedSlotsFor :many
SELECT doctor_id, lower(slot)::timestamptz AS starts_at, upper(slot)::timestamptz AS ends_at
FROM consultations
WHERE doctor_id = ANY(@ids::uuid[]) AND slot IS NOT NULL
  AND status NOT IN ('cancelled', 'expired', 'declined', 'payment_failed')
  AND upper(slot) > @from_time::timestamptz;

-- name: CreateReview :one
INSERT INTO reviews (id, consultation_id, doctor_id, patient_id, rating, body)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING *;

-- name: AddDoctorRating :exec
UPDATE doctors SET rating_sum = rating_sum + @rating::int, rating_count = rating_count + 1, updated_at = now()
WHERE user_id = @doctor_id;

-- name: ListDoctorReviews :many
SELECT r.id, r.rating, r.body, r.created_at, c.consultation_type
FROM reviews r JOIN consultations c ON c.id = r.consultation_id
WHERE r.doctor_id = $1 ORDER BY r.created_at DESC, r.id LIMIT $2 OFFSET $3;

-- name: AddFavourite :exec
INSERT INTO favourites (user_id, doctor_id) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: RemoveFavourite :exec
DELETE FROM favourites WHERE user_id = $1 AND doctor_id = $2;

-- name: ListFavourites :many
SELECT doctor_id FROM favourites WHERE user_id = $1 ORDER BY created_at DESC;
