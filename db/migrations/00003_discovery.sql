-- +goose Up
-- Reviews: one per completed consultation, by its patient.
CREATE TABLE reviews (
    id              uuid PRIMARY KEY,
    consultation_id uuid NOT NULL UNIQUE REFERENCES consultations (id),
    doctor_id       uuid NOT NULL REFERENCES doctors (user_id),
    patient_id      uuid REFERENCES users (id), -- NULL: a guest's review
    rating          smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body            text NOT NULL DEFAULT '' CHECK (length(body) <= 2000),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reviews_doctor_idx ON reviews (doctor_id, created_at DESC);

CREATE TABLE favourites (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    doctor_id  uuid NOT NULL REFERENCES doctors (user_id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, doctor_id)
);

-- Transactional outbox of the search index: every change that alters a
-- doctor's search document enqueues the doctor in the same transaction, so
-- the index can never miss one. The indexer drains it (LISTEN search_outbox
-- wakes it) and prunes old rows.
CREATE TABLE search_outbox (
    id          bigserial PRIMARY KEY,
    doctor_id   uuid NOT NULL,
    enqueued_at timestamptz NOT NULL DEFAULT now()
);

-- +goose StatementBegin
CREATE FUNCTION search_outbox_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row record;
    doctor uuid;
BEGIN
    IF TG_OP = 'DELETE' THEN row := OLD; ELSE row := NEW; END IF;
    IF TG_TABLE_NAME = 'doctors' THEN
        doctor := row.user_id;
    ELSE
        doctor := row.doctor_id;
    END IF;
    INSERT INTO search_outbox (doctor_id) VALUES (doctor);
    PERFORM pg_notify('search_outbox', '');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER doctors_search AFTER INSERT OR UPDATE OR DELETE ON doctors
    FOR EACH ROW EXECUTE FUNCTION search_outbox_enqueue();
CREATE TRIGGER doctor_fees_search AFTER INSERT OR UPDATE OR DELETE ON doctor_fees
    FOR EACH ROW EXECUTE FUNCTION search_outbox_enqueue();
CREATE TRIGGER availability_rules_search AFTER INSERT OR UPDATE OR DELETE ON availability_rules
    FOR EACH ROW EXECUTE FUNCTION search_outbox_enqueue();
CREATE TRIGGER availability_exceptions_search AFTER INSERT OR UPDATE OR DELETE ON availability_exceptions
    FOR EACH ROW EXECUTE FUNCTION search_outbox_enqueue();
-- Bookings change the next free slot; only slotted consultations matter.
CREATE TRIGGER consultations_search_insert AFTER INSERT ON consultations
    FOR EACH ROW WHEN (NEW.slot IS NOT NULL) EXECUTE FUNCTION search_outbox_enqueue();
CREATE TRIGGER consultations_search_update AFTER UPDATE OF slot, status ON consultations
    FOR EACH ROW WHEN (NEW.slot IS NOT NULL OR OLD.slot IS NOT NULL) EXECUTE FUNCTION search_outbox_enqueue();
CREATE TRIGGER consultations_search_delete AFTER DELETE ON consultations
    FOR EACH ROW WHEN (OLD.slot IS NOT NULL) EXECUTE FUNCTION search_outbox_enqueue();

-- +goose Down
DROP TRIGGER consultations_search_delete ON consultations;
DROP TRIGGER consultations_search_update ON consultations;
DROP TRIGGER consultations_search_insert ON consultations;
DROP TRIGGER availability_exceptions_search ON availability_exceptions;
DROP TRIGGER availability_rules_search ON availability_rules;
DROP TRIGGER doctor_fees_search ON doctor_fees;
DROP TRIGGER doctors_search ON doctors;
DROP FUNCTION search_outbox_enqueue();
DROP TABLE search_outbox;
DROP TABLE favourites;
DROP TABLE reviews;
