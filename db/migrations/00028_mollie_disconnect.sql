-- +goose Up
-- A doctor may disconnect their Mollie account (payouts.Service.Disconnect):
-- the row stays, for the payments made on it, with disconnected_at set and
-- its tokens revoked at Mollie and wiped here. New payments use only a
-- connection that is not disconnected; connecting the same organisation
-- again clears disconnected_at.
ALTER TABLE mollie_connections ADD COLUMN disconnected_at timestamptz;

-- +goose Down
ALTER TABLE mollie_connections DROP COLUMN disconnected_at;
