-- +goose Up

-- GDPR rights and retention (issue 12, items 5 and 6).

-- Consent to the privacy statement, with the version the patient accepted
-- at registration (privacy.StatementVersion), and the erasure of an account
-- (art. 17): erased_at is set when the patient's account, contact data and
-- everything outside the medical record went; the row itself stays (its id,
-- name and birth date identify the retained record) until the record's
-- retention (WGBO, 20 years from the last consultation) ends, when the
-- retention schedule removes it with the whole record.
ALTER TABLE users
    ADD COLUMN privacy_version     text,
    ADD COLUMN privacy_accepted_at timestamptz,
    ADD COLUMN erased_at           timestamptz,
    ADD CHECK ((privacy_version IS NULL) = (privacy_accepted_at IS NULL));
CREATE INDEX users_erased_idx ON users (erased_at) WHERE erased_at IS NOT NULL;

-- Pruning the audit log after its retention without breaking the chain:
-- each chain's removed prefix ends at an anchor, the link number and hash of
-- its last removed row. `derma audit verify` starts a chain there instead of
-- at its genesis hash. Like the heads, the anchors are written only by the
-- owner (through audit_prune); the application's role may read them.
CREATE TABLE audit_chain_anchors (
    shard     smallint PRIMARY KEY CHECK (shard BETWEEN 0 AND 15),
    seq       bigint NOT NULL CHECK (seq > 0),
    row_hash  bytea NOT NULL,
    rows      bigint NOT NULL DEFAULT 0,
    pruned_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON audit_chain_anchors FROM derma_app;
GRANT SELECT ON audit_chain_anchors TO derma_app;

-- The append-only guard lets a DELETE through only inside audit_prune (which
-- runs as the owner and sets derma.audit_prune for its transaction); the
-- application's role has no DELETE privilege on the table in any case.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('derma.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
-- +goose StatementEnd

-- audit_prune removes, from each chain, the longest prefix of rows that
-- occurred before cutoff, and records its last link as the chain's anchor.
-- It locks every head first, so no insert runs while it looks for the
-- prefix. Running it again with the same cutoff removes nothing.
-- +goose StatementBegin
CREATE FUNCTION audit_prune(cutoff timestamptz) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    h audit_chain_heads%ROWTYPE;
    anchored bigint;
    upto bigint;
    last_hash bytea;
    removed bigint;
    total bigint := 0;
BEGIN
    PERFORM set_config('derma.audit_prune', 'on', true);
    PERFORM 1 FROM audit_chain_heads ORDER BY shard FOR UPDATE;
    FOR h IN SELECT * FROM audit_chain_heads ORDER BY shard LOOP
        SELECT coalesce(max(seq), 0) INTO anchored FROM audit_chain_anchors WHERE shard = h.shard;
        SELECT coalesce(min(chain_seq), h.seq + 1) - 1 INTO upto
        FROM audit_events WHERE chain_shard = h.shard AND occurred_at >= cutoff;
        IF upto <= anchored THEN
            CONTINUE;
        END IF;
        SELECT row_hash INTO last_hash FROM audit_events WHERE chain_shard = h.shard AND chain_seq = upto;
        IF last_hash IS NULL THEN
            RAISE EXCEPTION 'audit chain % has no link %', h.shard, upto;
        END IF;
        DELETE FROM audit_events WHERE chain_shard = h.shard AND chain_seq <= upto;
        GET DIAGNOSTICS removed = ROW_COUNT;
        total := total + removed;
        INSERT INTO audit_chain_anchors (shard, seq, row_hash, rows, pruned_at)
        VALUES (h.shard, upto, last_hash, removed, now())
        ON CONFLICT (shard) DO UPDATE SET seq = EXCLUDED.seq, row_hash = EXCLUDED.row_hash,
            rows = audit_chain_anchors.rows + EXCLUDED.rows, pruned_at = EXCLUDED.pruned_at;
    END LOOP;
    PERFORM set_config('derma.audit_prune', 'off', true);
    RETURN total;
END;
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION audit_prune(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_prune(timestamptz) TO derma_app;

-- +goose Down
DROP FUNCTION audit_prune(timestamptz);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
-- +goose StatementEnd
DROP TABLE audit_chain_anchors;
DROP INDEX users_erased_idx;
ALTER TABLE users DROP COLUMN erased_at, DROP COLUMN privacy_accepted_at, DROP COLUMN privacy_version;
