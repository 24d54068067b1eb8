-- Walk-in hours are the doctor's availability rules and exceptions of type
-- walk_in; these read and replace only those.

-- name: ListWalkInRules :many
SELECT * FROM availability_rules WHERE doctor_id = $1 AND consultation_type = 'walk_in'
ORDER BY weekday, start_time;

-- name: ListWalkInExceptions :many
SELECT * FROM availability_exceptions WHERE doctor_id = $1 AND consultation_type = 'walk_in'
ORDER BY day, start_time NULLS FIRST;

-- name: DeleteWalkInRules :exec
DELETE FROM availability_rules WHERE doctor_id = $1 AND consultation_type = 'walk_in';

-- name: DeleteWalkInExceptions :exec
DELETE FROM availability_exceptions WHERE doctor_id = $1 AND consultation_type = 'walk_in';

-- name: SetWalkInSession :exec
UPDATE consultations SET walkin_opens = @opens, walkin_closes = @closes, updated_at = now()
WHERE id = @id AND consultation_type = 'walk_in';

-- name: GetWalkInStats :one
SELECT * FROM walkin_stats WHERE doctor_id = $1;

-- name: InsertWalkInSession :execrows
INSERT INTO walkin_sessions (consultation_id, doctor_id, seconds) VALUES ($1, $2, $3)
ON CONFLICT (consultation_id) DO NOTHING;

-- name: AddWalkInSessionToStats :one
INSERT INTO walkin_stats (doctor_id, sessions, avg_seconds) VALUES (@doctor_id, 1, @seconds::double precision)
ON CONFLICT (doctor_id) DO UPDATE
SET sessions = walkin_stats.sessions + 1,
    avg_seconds = walkin_stats.avg_seconds + (EXCLUDED.avg_seconds - walkin_stats.avg_seconds) / (walkin_stats.sessions + 1),
    updated_at = now()
RETURNING *;

