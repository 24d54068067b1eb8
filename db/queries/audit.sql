-- name: InsertAuditEvent :exec
INSERT INTO audit_events (actor_id, actor_role, on_behalf_of, patient_id, object_type, object_id,
                          action, outcome, route, request_id, client_ip, user_agent)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: ListAuditEventsForPatient :many
SELECT * FROM audit_events WHERE patient_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2;

-- name: ListConsultationPatients :many
SELECT id, patient_id FROM consultations WHERE id = ANY(@ids::uuid[]);
