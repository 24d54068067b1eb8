package activities

import (
	"context"
	"time"

	"derma2go/privacy"
	"derma2go/workflows"
)

// The retention activities, one per job of workflows.RetentionJobs; each
// is idempotent and reads its periods from Retention (RETENTION_*).

// RetainTokens removes ended sessions and links past the grace period.
func (a *Activities) RetainTokens(ctx context.Context, _ workflows.RetentionInput) (workflows.RetentionResult, error) {
	n, err := privacy.PurgeTokens(ctx, a.Store, a.Retention, time.Now())
	return workflows.RetentionResult{Removed: n}, err
}

// RetainOutbox removes processed search outbox rows.
func (a *Activities) RetainOutbox(ctx context.Context, _ workflows.RetentionInput) (workflows.RetentionResult, error) {
	n, err := privacy.PruneOutbox(ctx, a.Store)
	return workflows.RetentionResult{Removed: n}, err
}

// RetainAbandoned removes the data of consultations that ended unpaid.
func (a *Activities) RetainAbandoned(ctx context.Context, _ workflows.RetentionInput) (workflows.RetentionResult, error) {
	n, err := privacy.CleanAbandoned(ctx, a.Store, a.Retention, time.Now())
	return workflows.RetentionResult{Removed: n}, err
}

// RetainErasedRecords removes the records of erased accounts after their retention.
func (a *Activities) RetainErasedRecords(ctx context.Context, _ workflows.RetentionInput) (workflows.RetentionResult, error) {
	n, err := privacy.PurgeErasedRecords(ctx, a.Store, a.Retention, time.Now())
	return workflows.RetentionResult{Removed: n}, err
}

// RetainAudit prunes audit rows past their retention, keeping the chains verifiable.
func (a *Activities) RetainAudit(ctx context.Context, _ workflows.RetentionInput) (workflows.RetentionResult, error) {
	n, err := privacy.PruneAudit(ctx, a.Store, a.Retention, time.Now())
	return workflows.RetentionResult{Removed: n}, err
}
