-- name: GetConditionReview :one
SELECT r.slug, r.state, r.reviewer_id, r.reviewed_at, r.updated_at, d.display_name AS reviewer_name
FROM condition_reviews r LEFT JOIN doctors d ON d.user_id = r.reviewer_id
WHERE r.slug = $1;

-- name: ListConditionReviews :many
SELECT r.slug, r.state, r.reviewer_id, r.reviewed_at, r.updated_at, d.display_name AS reviewer_name
FROM condition_reviews r LEFT JOIN doctors d ON d.user_id = r.reviewer_id
ORDER BY r.slug;

-- name: SetConditionReview :exec
-- Publishing names the reviewer and the date; any other state clears them.
INSERT INTO condition_reviews (slug, state, reviewer_id, reviewed_at, updated_at)
VALUES (@slug, @state, sqlc.narg(reviewer_id), sqlc.narg(reviewed_at), @now)
ON CONFLICT (slug) DO UPDATE
SET state = EXCLUDED.state, reviewer_id = EXCLUDED.reviewer_id, reviewed_at = EXCLUDED.reviewed_at,
    updated_at = EXCLUDED.updated_at;

-- name: CreateConditionComment :one
INSERT INTO condition_comments (id, slug, user_id, body, created_at)
VALUES ($1, $2, $3, $4, $5)
RETURNING *;

-- name: ListApprovedConditionComments :many
SELECT c.id, c.body, c.created_at, u.role AS author_role, d.display_name AS doctor_name
FROM condition_comments c
JOIN users u ON u.id = c.user_id
LEFT JOIN doctors d ON d.user_id = c.user_id
WHERE c.slug = $1 AND c.status = 'approved'
ORDER BY c.created_at DESC, c.id DESC
LIMIT $2;

-- name: ListConditionCommentsByStatus :many
-- The moderation queue: pending comments oldest first, decided ones newest first.
SELECT c.id, c.slug, c.user_id, c.body, c.status, c.created_at, c.moderated_by, c.moderated_at, u.role AS author_role
FROM condition_comments c JOIN users u ON u.id = c.user_id
WHERE c.status = @status
ORDER BY CASE WHEN @status = 'pending' THEN c.created_at END ASC,
         c.created_at DESC, c.id
LIMIT @max_rows;

-- name: ModerateConditionComment :one
UPDATE condition_comments
SET status = @status, moderated_by = @moderated_by, moderated_at = @moderated_at
WHERE id = @id
RETURNING *;
