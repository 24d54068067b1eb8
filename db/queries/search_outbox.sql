-- The search index's outbox, read by snapshot (see migration 00013).

-- name: OutboxSnapshot :one
-- The current snapshot and how far the outbox has been pruned; in a
-- REPEATABLE READ transaction, the snapshot the following reads use.
SELECT pg_current_snapshot()::text AS snapshot, pruned_below::text AS pruned_below
FROM search_outbox_prune;

-- name: OutboxDoctorsSince :many
-- The doctors of the rows not visible in an earlier snapshot.
SELECT DISTINCT doctor_id FROM search_outbox
WHERE xid >= pg_snapshot_xmin(sqlc.arg(since)::text::pg_snapshot)
  AND NOT pg_visible_in_snapshot(xid, sqlc.arg(since)::text::pg_snapshot);

-- name: OutboxPendingSince :one
-- How many rows are not visible in an earlier snapshot.
SELECT count(*) FROM search_outbox
WHERE xid >= pg_snapshot_xmin(sqlc.arg(since)::text::pg_snapshot)
  AND NOT pg_visible_in_snapshot(xid, sqlc.arg(since)::text::pg_snapshot);

-- name: PruneOutbox :one
-- Deletes the rows whose transaction finished before the snapshot of the
-- previous prune, if that was at least min_age ago, and moves the mark.
WITH advanced AS (
    UPDATE search_outbox_prune
    SET pruned_below = pg_snapshot_xmin(snapshot), snapshot = pg_current_snapshot(), taken_at = now()
    WHERE taken_at <= now() - make_interval(secs => sqlc.arg(min_age_seconds)::double precision)
    RETURNING pruned_below
), deleted AS (
    DELETE FROM search_outbox WHERE xid < (SELECT pruned_below FROM advanced) RETURNING 1
)
SELECT count(*) FROM deleted;
