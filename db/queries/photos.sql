-- name: DeletePhoto :exec
-- Removes a photo the consultation's workflow did not take.
DELETE FROM consultation_photos WHERE id = $1 AND consultation_id = $2;
