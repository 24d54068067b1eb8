-- name: InviteDoctor :exec
-- A doctor an admin invited: the practice city only, no location yet (the
-- doctor completes the profile), so the checklist keeps them unlisted.
INSERT INTO doctors (user_id, display_name, city, latitude, longitude, big_number, languages, invited_by, invited_at)
VALUES (@user_id, @display_name, @city, 0, 0, @big_number, @languages::text[], @invited_by, @invited_at::timestamptz);

-- name: DoctorSetups :many
-- The checklist's inputs of the doctors ids in one round trip: the
-- profile, the fee of each type, the types with weekly hours, the second
-- factor, a live Mollie connection and the questionnaires on offer.
SELECT d.user_id, d.bio, d.city, d.address, d.languages, d.latitude, d.longitude, d.photo_url, d.admin_fee_cents,
       COALESCE(fees.types, '{}')::text[] AS fee_types, COALESCE(fees.cents, '{}')::int[] AS fee_cents,
       COALESCE((SELECT array_agg(DISTINCT r.consultation_type) FROM availability_rules r WHERE r.doctor_id = d.user_id), '{}')::text[] AS hour_types,
       (u.totp_enabled_at IS NOT NULL)::bool AS second_factor,
       EXISTS (SELECT 1 FROM mollie_connections m WHERE m.doctor_id = d.user_id AND m.disconnected_at IS NULL)::bool AS payouts_connected,
       (SELECT count(*) FROM questionnaires q WHERE q.doctor_id = d.user_id AND q.active)::int AS questionnaires
FROM doctors d JOIN users u ON u.id = d.user_id
LEFT JOIN LATERAL (
    SELECT array_agg(f.consultation_type ORDER BY f.consultation_type) AS types,
           array_agg(f.amount_cents ORDER BY f.consultation_type) AS cents
    FROM doctor_fees f WHERE f.doctor_id = d.user_id
) fees ON true
WHERE d.user_id = ANY(@ids::uuid[]);

-- name: AdminListDoctors :many
-- Every doctor for the admins' page: the invited ones first, newest first.
SELECT d.user_id, d.display_name, d.city, d.big_number, d.invited_at, u.email_enc,
       (u.totp_enabled_at IS NOT NULL)::bool AS second_factor
FROM doctors d JOIN users u ON u.id = d.user_id
ORDER BY d.invited_at DESC NULLS LAST, d.display_name, d.user_id
LIMIT $1 OFFSET $2;
