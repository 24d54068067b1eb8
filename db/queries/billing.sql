-- name: NextInvoiceNumber :one
INSERT INTO invoice_counters (doctor_id, last_number) VALUES ($1, 1)
ON CONFLICT (doctor_id) DO UPDATE SET last_number = invoice_counters.last_number + 1
RETURNING last_number;

-- name: CreateInvoice :one
INSERT INTO invoices (id, doctor_id, number, consultation_id, amount_cents, currency, paid_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING *;

-- name: GetInvoiceByConsultation :one
SELECT * FROM invoices WHERE consultation_id = $1;

-- name: GetInvoice :one
SELECT * FROM invoices WHERE id = $1;

-- name: ListDoctorInvoices :many
SELECT * FROM invoices WHERE doctor_id = $1 ORDER BY number DESC LIMIT 500;

-- name: CreateRefund :one
INSERT INTO refunds (id, idempotency_key, consultation_id, payment_id, amount_cents, reason, status)
VALUES ($1, $2, $3, $4, $5, $6, 'creating')
ON CONFLICT (idempotency_key) DO UPDATE SET updated_at = refunds.updated_at
RETURNING *;

-- name: SetRefundMollie :one
UPDATE refunds SET mollie_refund_id = $2, status = $3, updated_at = now() WHERE id = $1 RETURNING *;

-- name: GetRefundByKey :one
SELECT * FROM refunds WHERE idempotency_key = $1;

-- name: SumRefunded :one
SELECT COALESCE(sum(amount_cents), 0)::bigint FROM refunds
WHERE consultation_id = $1 AND status NOT IN ('failed', 'canceled');

-- name: SetRefundStatus :exec
UPDATE refunds SET status = $2, updated_at = now() WHERE mollie_refund_id = $1;

-- name: ListOpenRefunds :many
SELECT * FROM refunds WHERE consultation_id = $1 AND status NOT IN ('refunded', 'failed', 'canceled') ORDER BY created_at;

-- name: MarkInvoicePaid :execrows
UPDATE invoices SET paid_at = COALESCE(paid_at, @paid_at::timestamptz) WHERE consultation_id = @consultation_id;
