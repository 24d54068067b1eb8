-- +goose Up
-- Every email a worker sends is claimed here before the SMTP exchange
-- (state 'sending', with the Message-ID it goes out with) and marked 'sent'
-- once the relay accepted it; a send that certainly failed removes its
-- claim. A row left in 'sending' is an email whose outcome is unknown: the
-- worker died, or the connection broke, between handing the message over
-- and hearing the relay's answer. A retry decides by the kind of message
-- (activities.deliveryOf): at most once skips it, at least once sends it
-- again with the same Message-ID and counts the send in sends.
-- Rows written before this migration are sent.
ALTER TABLE sent_emails
    ADD COLUMN state text NOT NULL DEFAULT 'sent' CHECK (state IN ('sending', 'sent')),
    ADD COLUMN message_id text,
    ADD COLUMN sends integer NOT NULL DEFAULT 1,
    ADD COLUMN claimed_at timestamptz NOT NULL DEFAULT now(),
    ALTER COLUMN sent_at DROP NOT NULL,
    ALTER COLUMN sent_at DROP DEFAULT;

-- +goose Down
DELETE FROM sent_emails WHERE state = 'sending';
ALTER TABLE sent_emails
    ALTER COLUMN sent_at SET DEFAULT now(),
    ALTER COLUMN sent_at SET NOT NULL,
    DROP COLUMN claimed_at,
    DROP COLUMN sends,
    DROP COLUMN message_id,
    DROP COLUMN state;
