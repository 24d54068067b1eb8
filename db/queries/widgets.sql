-- name: WidgetOrigins :one
-- The origins that may frame a doctor's widgets (none without a row).
SELECT coalesce((SELECT origins FROM widget_settings WHERE doctor_id = $1), '{}')::text[] AS origins;

-- name: PutWidgetOrigins :exec
INSERT INTO widget_settings (doctor_id, origins, updated_at) VALUES ($1, $2, sqlc.arg(now)::timestamptz)
ON CONFLICT (doctor_id) DO UPDATE SET origins = EXCLUDED.origins, updated_at = EXCLUDED.updated_at;
