-- name: SlotTakenAt :one
-- Whether a live consultation of the doctor holds the moment at: the
-- booking's cheap first check (the exclusion constraint
-- consultations_no_overlap, whose partial index this uses, still decides).
SELECT EXISTS (
    SELECT 1 FROM consultations
    WHERE doctor_id = @doctor_id AND slot @> @at::timestamptz
      AND slot IS NOT NULL AND status NOT IN ('cancelled', 'expired', 'declined', 'payment_failed')
) AS taken;
