-- +goose Up
-- The NEN 7513 views read the audit log by period (the admin's search over
-- everyone) and by the person who acted (the admin's search for one user).
CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at);

-- +goose Down
DROP INDEX audit_events_actor_idx;
DROP INDEX audit_events_occurred_idx;
