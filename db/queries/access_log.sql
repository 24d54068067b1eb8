-- name: ListAccessLines :many
-- The NEN 7513 view of one patient's data in [from_at, to_at): identical
-- accesses (same person, role, on whose behalf, object, action and outcome)
-- on one calendar day in the Netherlands merged into one line with a count.
SELECT (occurred_at AT TIME ZONE 'Europe/Amsterdam')::date AS day,
       actor_id, actor_role, on_behalf_of, object_type, object_id, action, outcome,
       count(*)::integer AS times,
       min(occurred_at)::timestamptz AS first_at,
       max(occurred_at)::timestamptz AS last_at,
       (array_agg(client_ip ORDER BY occurred_at DESC))[1]::text AS client_ip
FROM audit_events
WHERE patient_id = @patient_id AND occurred_at >= @from_at AND occurred_at < @to_at
GROUP BY day, actor_id, actor_role, on_behalf_of, object_type, object_id, action, outcome
ORDER BY last_at DESC, object_type, action
LIMIT @max_lines;

-- name: SearchAuditEvents :many
-- The admin's search over the whole audit log, newest first; a NULL filter
-- matches everything.
SELECT id, occurred_at, actor_id, actor_role, on_behalf_of, patient_id, object_type, object_id,
       action, outcome, route, client_ip
FROM audit_events
WHERE occurred_at >= @from_at AND occurred_at < @to_at
  AND (sqlc.narg(actor_id)::uuid IS NULL OR actor_id = sqlc.narg(actor_id))
  AND (sqlc.narg(patient_id)::uuid IS NULL OR patient_id = sqlc.narg(patient_id))
  AND (sqlc.narg(object_type)::text IS NULL OR object_type = sqlc.narg(object_type))
  AND (sqlc.narg(action)::text IS NULL OR action = sqlc.narg(action))
ORDER BY occurred_at DESC, id DESC
LIMIT @max_rows OFFSET @skip_rows;

-- name: ListAccessActors :many
-- Who the ids of an access view are: role, encrypted name, and for a doctor
-- the practice (display name and city).
SELECT u.id, u.role, u.name_enc, d.display_name AS doctor_name, d.city AS doctor_city
FROM users u LEFT JOIN doctors d ON d.user_id = u.id
WHERE u.id = ANY(@ids::uuid[]);
