package privacy

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"derma2go/db"
)

// The retention jobs. Each removes what is past its period at now and
// answers how many rows went; each is idempotent (a second run at the same
// moment removes nothing) and safe to run at the same time as the platform.

// batch bounds the accounts or consultations one transaction handles.
const batch = 100

// PurgeTokens removes sessions that expired or were revoked, and reset,
// confirmation, OAuth-state and idempotency keys that expired or were
// used, longer than the grace period ago.
func PurgeTokens(ctx context.Context, store *db.Store, ret Retention, now time.Time) (int64, error) {
	cutoff := now.Add(-ret.TokenGrace)
	var total int64
	err := store.Tx(ctx, func(q *db.Queries) error {
		for _, step := range []func(context.Context, time.Time) (int64, error){
			q.DeleteExpiredSessions, q.DeleteExpiredPasswordResets, q.DeleteExpiredEmailVerifications,
			q.DeleteExpiredIdempotencyKeys,
		} {
			n, err := step(ctx, cutoff)
			if err != nil {
				return err
			}
			total += n
		}
		return q.DeleteExpiredOAuthStates(ctx, cutoff)
	})
	if err != nil {
		return 0, fmt.Errorf("privacy: tokens: %w", err)
	}
	return total, nil
}

// OutboxMinAge is how long a processed search outbox row stays at least
// (indexer.PruneAge: an indexer stalled for less than that catches up from
// the outbox; one stalled longer rebuilds).
const OutboxMinAge = time.Hour

// PruneOutbox removes processed search outbox rows, with the same mark
// the indexers check (see db PruneOutbox), so no indexer misses a change.
func PruneOutbox(ctx context.Context, store *db.Store) (int64, error) {
	n, err := store.PruneOutbox(ctx, OutboxMinAge.Seconds())
	if err != nil {
		return 0, fmt.Errorf("privacy: outbox: %w", err)
	}
	return n, nil
}

// CleanAbandoned removes the data of consultations that ended without a
// payment (the hold expired or the payment failed) longer ago than the
// abandoned period: the intake, photos and questionnaire answers, and a
// guest's address, name and birth date. The consultation row stays with
// its status (the workflow and the audit log name it).
func CleanAbandoned(ctx context.Context, store *db.Store, ret Retention, now time.Time) (int64, error) {
	var total int64
	for {
		var ids []uuid.UUID
		err := store.Tx(ctx, func(q *db.Queries) error {
			var err error
			ids, err = q.AbandonedConsultations(ctx, db.AbandonedConsultationsParams{Cutoff: now.Add(-ret.Abandoned), MaxRows: batch})
			if err != nil {
				return err
			}
			for _, id := range ids {
				for _, step := range []func(context.Context, uuid.UUID) error{
					q.DeleteConsultationIntake, q.DeleteConsultationPhotos, q.DeleteQuestionnaireResponse, q.ClearGuestIdentity,
				} {
					if err := step(ctx, id); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("privacy: abandoned consultations: %w", err)
		}
		total += int64(len(ids))
		if len(ids) < batch {
			return total, nil
		}
	}
}

// PurgeErasedRecords removes, with Purge, every erased account whose
// medical record's last entry is older than the record's retention: its
// consultations with their photos and documents, messages, notes,
// invoices and the users row itself.
func PurgeErasedRecords(ctx context.Context, store *db.Store, ret Retention, now time.Time) (int64, error) {
	var total int64
	for {
		ids, err := store.ErasedPatientsPastRetention(ctx, db.ErasedPatientsPastRetentionParams{Cutoff: ret.RecordCutoff(now), MaxRows: batch})
		if err != nil {
			return total, fmt.Errorf("privacy: erased records: %w", err)
		}
		for _, id := range ids {
			if err := pgx.BeginFunc(ctx, store.Pool, func(tx pgx.Tx) error { return Purge(ctx, tx, id) }); err != nil {
				return total, fmt.Errorf("privacy: purge %s: %w", id, err)
			}
			total++
		}
		if len(ids) < batch {
			return total, nil
		}
	}
}

// PruneAudit removes, from each chain of the audit log, the rows older
// than the audit retention, recording the chain's new start (an anchor) so
// that `derma audit verify` still checks every remaining link.
func PruneAudit(ctx context.Context, store *db.Store, ret Retention, now time.Time) (int64, error) {
	n, err := store.PruneAuditLog(ctx, now.AddDate(-ret.AuditYears, 0, 0))
	if err != nil {
		return 0, fmt.Errorf("privacy: audit: %w", err)
	}
	return n, nil
}
