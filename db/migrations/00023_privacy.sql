-- +goose Up

-- Tamper evidence of the audit log. Every row carries the SHA-256 of its
-- own fields chained to the hash of the previous row of its chain. There are
-- 16 chains (shards), and a transaction's rows join the chain of its
-- transaction id modulo 16: transactions running at the same time have
-- neighbouring ids, so they lock different head rows instead of queueing on
-- one.
-- audit_chain_heads holds each chain's last sequence number and hash, so a
-- deleted last row is noticed too. The trigger function runs as the table
-- owner (SECURITY DEFINER): the application's role cannot write the heads,
-- cannot skip the trigger, and cannot choose the chain fields (they are
-- overwritten). `derma audit verify` (auditlog.Verify) recomputes every hash
-- in Go from the row's fields.
ALTER TABLE audit_events
    ADD COLUMN chain_shard smallint,
    ADD COLUMN chain_seq   bigint,
    ADD COLUMN prev_hash   bytea,
    ADD COLUMN row_hash    bytea;

CREATE TABLE audit_chain_heads (
    shard    smallint PRIMARY KEY CHECK (shard BETWEEN 0 AND 15),
    seq      bigint NOT NULL,
    row_hash bytea NOT NULL
);
-- Each chain starts from a genesis hash that names it.
INSERT INTO audit_chain_heads (shard, seq, row_hash)
SELECT s, 0, sha256(convert_to('derma2go audit chain ' || s, 'UTF8')) FROM generate_series(0, 15) AS s;

-- audit_field encodes one field for the hash: '-' for NULL, else the byte
-- length, a colon and the text (so no two rows share an encoding).
-- +goose StatementBegin
CREATE FUNCTION audit_field(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v IS NULL THEN '-' ELSE octet_length(v)::text || ':' || v END
$$;
-- +goose StatementEnd

-- audit_row_hash is the hash of a row given the previous hash of its chain.
-- +goose StatementBegin
CREATE FUNCTION audit_row_hash(prev bytea, e audit_events) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN sha256(prev || convert_to(
        audit_field(e.chain_shard::text) || audit_field(e.chain_seq::text) || audit_field(e.id::text) ||
        audit_field(to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')) ||
        audit_field(e.actor_id::text) || audit_field(e.actor_role) || audit_field(e.on_behalf_of::text) ||
        audit_field(e.patient_id::text) || audit_field(e.object_type) || audit_field(e.object_id) ||
        audit_field(e.action) || audit_field(e.outcome::text) || audit_field(e.route) ||
        audit_field(e.request_id) || audit_field(e.client_ip) || audit_field(e.user_agent), 'UTF8'));
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    head audit_chain_heads%ROWTYPE;
BEGIN
    SELECT * INTO head FROM audit_chain_heads WHERE shard = txid_current() % 16 FOR UPDATE;
    NEW.chain_shard := head.shard;
    NEW.chain_seq := head.seq + 1;
    NEW.prev_hash := head.row_hash;
    NEW.row_hash := audit_row_hash(head.row_hash, NEW);
    UPDATE audit_chain_heads SET seq = NEW.chain_seq, row_hash = NEW.row_hash WHERE shard = head.shard;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- Rows from before the chain join chain 0 in the order they were written.
ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update;
-- +goose StatementBegin
DO $$
DECLARE
    r audit_events%ROWTYPE;
    head audit_chain_heads%ROWTYPE;
BEGIN
    FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
        SELECT * INTO head FROM audit_chain_heads WHERE shard = 0;
        r.chain_shard := 0;
        r.chain_seq := head.seq + 1;
        r.prev_hash := head.row_hash;
        r.row_hash := audit_row_hash(head.row_hash, r);
        UPDATE audit_events SET chain_shard = r.chain_shard, chain_seq = r.chain_seq,
            prev_hash = r.prev_hash, row_hash = r.row_hash WHERE id = r.id;
        UPDATE audit_chain_heads SET seq = r.chain_seq, row_hash = r.row_hash WHERE shard = 0;
    END LOOP;
END $$;
-- +goose StatementEnd
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update;

ALTER TABLE audit_events
    ALTER COLUMN chain_shard SET NOT NULL,
    ALTER COLUMN chain_seq SET NOT NULL,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN row_hash SET NOT NULL;
CREATE UNIQUE INDEX audit_events_chain_idx ON audit_events (chain_shard, chain_seq);
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_chain();

REVOKE ALL ON audit_chain_heads FROM derma_app;
GRANT SELECT ON audit_chain_heads TO derma_app;

-- Searches of the log by actor (the admin search, a doctor's own view).
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at);
CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at);

-- Two-factor sign-in (TOTP, RFC 6238). The secret is encrypted like the
-- other personal fields; totp_pending_enc holds a secret being enrolled until
-- its first code confirms it. totp_last_step is the last time step whose
-- code was accepted: a code is good once.
ALTER TABLE users
    ADD COLUMN totp_secret_enc  bytea,
    ADD COLUMN totp_pending_enc bytea,
    ADD COLUMN totp_enabled_at  timestamptz,
    ADD COLUMN totp_last_step   bigint NOT NULL DEFAULT 0;

-- Single-use recovery codes: only their SHA-256 is stored.
CREATE TABLE recovery_codes (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- Sessions: an id to name one in the list (the token hash stays secret),
-- when the second factor was given in it, when it was last used (idle
-- lifetime), and where it was opened.
ALTER TABLE auth_tokens
    ADD COLUMN id             uuid NOT NULL DEFAULT gen_random_uuid(),
    ADD COLUMN second_factor_at timestamptz,
    ADD COLUMN last_seen_at   timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN client_ip      text NOT NULL DEFAULT '',
    ADD COLUMN user_agent     text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX auth_tokens_id_idx ON auth_tokens (id);

-- +goose Down
DROP INDEX auth_tokens_id_idx;
ALTER TABLE auth_tokens DROP COLUMN user_agent, DROP COLUMN client_ip, DROP COLUMN last_seen_at,
    DROP COLUMN second_factor_at, DROP COLUMN id;
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN totp_last_step, DROP COLUMN totp_enabled_at, DROP COLUMN totp_pending_enc,
    DROP COLUMN totp_secret_enc;
DROP INDEX audit_events_occurred_idx;
DROP INDEX audit_events_actor_idx;
DROP TRIGGER audit_events_chain ON audit_events;
DROP INDEX audit_events_chain_idx;
DROP FUNCTION audit_events_chain();
DROP FUNCTION audit_row_hash(bytea, audit_events);
DROP FUNCTION audit_field(text);
DROP TABLE audit_chain_heads;
ALTER TABLE audit_events DROP COLUMN row_hash, DROP COLUMN prev_hash, DROP COLUMN chain_seq, DROP COLUMN chain_shard;
