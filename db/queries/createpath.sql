-- name: StoreCreatedPayment :exec
-- A payment just created at Mollie, its account and fee, and the
-- consultation's link to it, in one statement (one round trip): the
-- create path's CreatePayment stores with it. A repeat (same id) updates
-- the status, the account and the fee as the separate statements did.
WITH stored AS (
    INSERT INTO payments (id, consultation_id, amount_cents, currency, status, checkout_url, paid_at,
                          connection_id, application_fee_cents)
    VALUES (@id, @consultation_id, @amount_cents, @currency, @status, @checkout_url, @paid_at,
            @connection_id, @application_fee_cents)
    ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status,
        paid_at = COALESCE(EXCLUDED.paid_at, payments.paid_at),
        connection_id = EXCLUDED.connection_id,
        application_fee_cents = EXCLUDED.application_fee_cents,
        updated_at = now()
    RETURNING id, consultation_id
)
UPDATE consultations c SET payment_id = stored.id, updated_at = now()
FROM stored WHERE c.id = stored.consultation_id;
