-- +goose Up
-- The search outbox is read by transaction id instead of by row id. Row ids
-- (a sequence) are taken when a row is inserted, not when its transaction
-- commits, so a reader that remembered "the highest id seen" skipped every
-- row whose transaction committed after a later one. Each row now records
-- the id of its transaction (xid8), and a reader remembers the snapshot it
-- read at: the rows it has not seen are exactly those not visible in that
-- snapshot.
ALTER TABLE search_outbox ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX search_outbox_xid_idx ON search_outbox (xid);

-- Pruning: rows whose transaction finished before the snapshot taken at the
-- previous prune (at least an hour earlier) are deleted, and pruned_below
-- records how far. A reader whose snapshot's xmin is below pruned_below may
-- have lost rows and rebuilds the index from scratch instead.
CREATE TABLE search_outbox_prune (
    singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    pruned_below xid8 NOT NULL DEFAULT '0',
    snapshot     pg_snapshot NOT NULL DEFAULT pg_current_snapshot(),
    taken_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO search_outbox_prune DEFAULT VALUES;

-- +goose Down
DROP TABLE search_outbox_prune;
DROP INDEX search_outbox_xid_idx;
ALTER TABLE search_outbox DROP COLUMN xid;
