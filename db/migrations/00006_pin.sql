-- +goose Up
-- A PIN unlocks the medical parts of the portal for one session (token) for
-- a while, on top of the login.
ALTER TABLE auth_tokens ADD COLUMN pin_unlocked_until timestamptz;

-- +goose Down
ALTER TABLE auth_tokens DROP COLUMN pin_unlocked_until;
