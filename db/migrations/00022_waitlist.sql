-- +goose Up
-- Waitlist (issue 14): patients wait for a slot of one doctor and one
-- appointment type within a window of dates; a freed slot is held and
-- offered to them one at a time (WaitlistOfferWorkflow).

-- One entry per patient, doctor and type while it is active. queued_at
-- orders the list (first come, first served); a patient who declines
-- three offers is moved to the end (queued_at = the third decline, the
-- count starts again). expires_at is the end of the latest date in the
-- doctor's zone: the entry stops counting then.
CREATE TABLE waitlist_entries (
    id                uuid PRIMARY KEY,
    patient_id        uuid NOT NULL REFERENCES users (id),
    doctor_id         uuid NOT NULL REFERENCES doctors (user_id),
    consultation_type text NOT NULL CHECK (consultation_type IN ('video', 'in_person')),
    earliest          date NOT NULL,
    latest            date NOT NULL,
    time_of_day       text NOT NULL DEFAULT 'any' CHECK (time_of_day IN ('any', 'morning', 'afternoon', 'evening')),
    expires_at        timestamptz NOT NULL,
    queued_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    declines          integer NOT NULL DEFAULT 0 CHECK (declines >= 0),
    status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left', 'booked')),
    consultation_id   uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (earliest <= latest)
);
CREATE UNIQUE INDEX waitlist_entries_one_per_type ON waitlist_entries (patient_id, doctor_id, consultation_type)
    WHERE status = 'active';
CREATE INDEX waitlist_entries_queue_idx ON waitlist_entries (doctor_id, consultation_type, queued_at)
    WHERE status = 'active';

-- The hold of a freed slot while it is offered: one row per offer chain
-- (workflow run). A held slot counts against the doctor's calendar like a
-- booking: the slots API leaves it out, and no consultation may be
-- inserted over it (the trigger below) until it is taken (by the patient
-- who accepted, in the same transaction as their booking) or released.
CREATE TABLE waitlist_holds (
    id                uuid PRIMARY KEY,
    workflow_id       text NOT NULL,
    run_id            text NOT NULL UNIQUE,
    doctor_id         uuid NOT NULL REFERENCES doctors (user_id),
    consultation_type text NOT NULL CHECK (consultation_type IN ('video', 'in_person')),
    slot              tstzrange NOT NULL,
    held_until        timestamptz NOT NULL,
    status            text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'taken', 'released')),
    outcome           text NOT NULL DEFAULT '',
    consultation_id   uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT waitlist_holds_no_overlap EXCLUDE USING gist (doctor_id WITH =, slot WITH &&) WHERE (status = 'held')
);

-- One offer per entry and chain; an entry has at most one open (or
-- accepted, being booked) offer at a time, whatever chains run.
CREATE TABLE waitlist_offers (
    id              uuid PRIMARY KEY,
    hold_id         uuid NOT NULL REFERENCES waitlist_holds (id),
    entry_id        uuid NOT NULL REFERENCES waitlist_entries (id),
    patient_id      uuid NOT NULL REFERENCES users (id),
    expires_at      timestamptz NOT NULL,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'declined', 'expired', 'booked')),
    answered_at     timestamptz,
    consultation_id uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (hold_id, entry_id)
);
CREATE UNIQUE INDEX waitlist_offers_one_open ON waitlist_offers (entry_id) WHERE status IN ('open', 'accepted');
CREATE INDEX waitlist_offers_patient_idx ON waitlist_offers (patient_id, status);

-- Holds and live consultations of one doctor never overlap. Both sides take
-- the same per-doctor advisory lock before they look at the other table, so
-- of a hold and a booking made at once exactly one wins (the other gets an
-- exclusion violation, which the store answers as a conflict).
-- +goose StatementBegin
CREATE FUNCTION waitlist_slot_lock(doctor uuid) RETURNS void LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(hashtextextended('derma-slot:' || doctor::text, 0));
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION consultations_respect_waitlist_holds() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.slot IS NULL OR NEW.status IN ('cancelled', 'expired', 'declined', 'payment_failed') THEN
        RETURN NEW;
    END IF;
    PERFORM waitlist_slot_lock(NEW.doctor_id);
    IF EXISTS (SELECT 1 FROM waitlist_holds h
               WHERE h.doctor_id = NEW.doctor_id AND h.status = 'held' AND h.held_until > clock_timestamp()
                 AND h.slot && NEW.slot) THEN
        RAISE EXCEPTION 'the slot is held for a waitlist offer' USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER consultations_waitlist_holds BEFORE INSERT ON consultations
    FOR EACH ROW EXECUTE FUNCTION consultations_respect_waitlist_holds();

-- +goose StatementBegin
CREATE FUNCTION waitlist_holds_need_free_slot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM waitlist_slot_lock(NEW.doctor_id);
    IF EXISTS (SELECT 1 FROM consultations c
               WHERE c.doctor_id = NEW.doctor_id AND c.slot IS NOT NULL AND c.slot && NEW.slot
                 AND c.status NOT IN ('cancelled', 'expired', 'declined', 'payment_failed')) THEN
        RAISE EXCEPTION 'the slot is booked' USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER waitlist_holds_free_slot BEFORE INSERT ON waitlist_holds
    FOR EACH ROW EXECUTE FUNCTION waitlist_holds_need_free_slot();

-- +goose Down
DROP TRIGGER waitlist_holds_free_slot ON waitlist_holds;
DROP FUNCTION waitlist_holds_need_free_slot();
DROP TRIGGER consultations_waitlist_holds ON consultations;
DROP FUNCTION consultations_respect_waitlist_holds();
DROP FUNCTION waitlist_slot_lock(uuid);
DROP TABLE waitlist_offers;
DROP TABLE waitlist_holds;
DROP TABLE waitlist_entries;
