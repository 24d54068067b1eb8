-- +goose Up
-- Doctor onboarding: an admin invites a doctor (who sets a password through
-- the emailed link and enrols the second factor); the invitation is
-- recorded on the doctor's row.
ALTER TABLE doctors
    ADD COLUMN invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN invited_at timestamptz;

-- Only doctors whose getting-started checklist is done are searchable
-- (domain.Listed). Two of its inputs live outside the tables the search
-- outbox already follows: the Mollie connection and the second factor, so
-- their changes enqueue the doctor too.
CREATE TRIGGER mollie_connections_search AFTER INSERT OR DELETE ON mollie_connections
    FOR EACH ROW EXECUTE FUNCTION search_outbox_enqueue();
CREATE TRIGGER mollie_connections_disconnect_search AFTER UPDATE OF disconnected_at ON mollie_connections
    FOR EACH ROW WHEN (OLD.disconnected_at IS DISTINCT FROM NEW.disconnected_at)
    EXECUTE FUNCTION search_outbox_enqueue();

-- +goose StatementBegin
CREATE FUNCTION search_outbox_enqueue_doctor_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_outbox (doctor_id) VALUES (NEW.id);
    PERFORM pg_notify('search_outbox', '');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER users_second_factor_search AFTER UPDATE OF totp_enabled_at ON users
    FOR EACH ROW WHEN (NEW.role = 'doctor' AND OLD.totp_enabled_at IS DISTINCT FROM NEW.totp_enabled_at)
    EXECUTE FUNCTION search_outbox_enqueue_doctor_user();

-- +goose Down
DROP TRIGGER users_second_factor_search ON users;
DROP FUNCTION search_outbox_enqueue_doctor_user();
DROP TRIGGER mollie_connections_disconnect_search ON mollie_connections;
DROP TRIGGER mollie_connections_search ON mollie_connections;
ALTER TABLE doctors DROP COLUMN invited_at, DROP COLUMN invited_by;
