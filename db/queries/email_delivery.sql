-- name: ClaimEmail :one
-- Claims dedup_key for one send (activities.deliver); no row when the key
-- was claimed before.
INSERT INTO sent_emails (dedup_key, consultation_id, template, state, message_id, sent_at)
VALUES ($1, $2, $3, 'sending', $4, NULL)
ON CONFLICT (dedup_key) DO NOTHING
RETURNING dedup_key;

-- name: GetEmailDelivery :one
SELECT * FROM sent_emails WHERE dedup_key = $1;

-- name: ResendEmail :exec
-- Counts one more send of an email whose earlier send has an unknown outcome.
UPDATE sent_emails SET sends = sends + 1, claimed_at = now()
WHERE dedup_key = $1 AND state = 'sending';

-- name: MarkEmailSent :exec
UPDATE sent_emails SET state = 'sent', sent_at = now()
WHERE dedup_key = $1 AND state = 'sending';

-- name: ReleaseEmailClaim :exec
-- Removes the claim of a send that certainly failed (nothing reached the relay).
DELETE FROM sent_emails WHERE dedup_key = $1 AND state = 'sending' AND sends = 1;

-- name: CountEmailDeliveries :many
-- The deliveries by state and number of sends (cmd/chaos reports them).
SELECT state, sends, count(*)::bigint AS n FROM sent_emails GROUP BY state, sends ORDER BY state, sends;
