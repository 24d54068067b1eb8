-- +goose Up
-- The patient may choose to be told only that the written advice is ready
-- (read in the portal) instead of receiving its text by email.
ALTER TABLE consultations ADD COLUMN advice_notify_only boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE consultations DROP COLUMN advice_notify_only;
