// Package waitlist holds the use cases of doctors' waitlists (issue 14):
// joining, listing and leaving an entry, the facts a freed slot is matched
// with, and starting the offer chain of a freed slot
// (workflows.WaitlistOfferWorkflow). The API, the activities and the
// platform's engine share it; the rules themselves are in package domain.
package waitlist

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/workflows"
)

// Config is the chain timing (WAITLIST_OFFER_WAIT, WAITLIST_CUTOFF); zero
// fields take the workflow defaults.
type Config struct {
	OfferWait time.Duration
	Cutoff    time.Duration
}

func (c Config) cutoff() time.Duration {
	if c.Cutoff == 0 {
		return workflows.DefaultWaitlistCutoff
	}
	return c.Cutoff
}

func (c Config) offerWait() time.Duration {
	if c.OfferWait == 0 {
		return workflows.DefaultWaitlistOfferWait
	}
	return c.OfferWait
}

// SlotDay is the calendar day a slot starting at start falls on in zone, as
// entries' windows are dated.
func SlotDay(start time.Time, zone *time.Location) pgtype.Date {
	y, m, d := start.In(zone).Date()
	return pgtype.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), Valid: true}
}

// Zone is a doctor's zone (UTC when it cannot be loaded).
func Zone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return z
}

// Matching counts the active entries a slot of the doctor could be offered
// to now.
func Matching(ctx context.Context, q *db.Queries, doctorID uuid.UUID, typ string, start time.Time, zone *time.Location, now time.Time) (int64, error) {
	n, err := q.CountMatchingWaitlistEntries(ctx, db.CountMatchingWaitlistEntriesParams{
		DoctorID: doctorID, ConsultationType: typ, Now: now, Day: SlotDay(start, zone),
		Part: string(domain.PartOfDay(start, zone)),
	})
	if err != nil {
		return 0, fmt.Errorf("waitlist: matching entries: %w", err)
	}
	return n, nil
}

// Worth reports whether a slot starting at start can still be offered at
// now: an offer of at least the minimum window fits before the cutoff.
func (c Config) Worth(start, now time.Time) bool {
	return workflows.WaitlistOfferWindow(now, start, c.offerWait(), c.cutoff()) > 0
}

// Input is the chain input of a freed slot.
func (c Config) Input(doctorID uuid.UUID, typ string, start, end time.Time, trigger string) workflows.WaitlistOfferInput {
	return workflows.WaitlistOfferInput{DoctorID: doctorID.String(), Type: domain.ConsultationType(typ), Start: start.UTC(),
		End: end.UTC(), Trigger: trigger, OfferWait: c.OfferWait, Cutoff: c.Cutoff}
}

// StartChain starts the offer chain of a freed slot; a chain already
// running for the slot is kept (and reported as not started).
func StartChain(ctx context.Context, c client.Client, in workflows.WaitlistOfferInput) (bool, error) {
	if c == nil {
		return false, errors.New("waitlist: no Temporal client")
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.WaitlistOfferWorkflowID(in.DoctorID, in.Start),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		// The slot may be freed again after the chain ended (the accepted
		// booking is cancelled): a new run.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		// The chain ends before the start; this bounds a stuck one.
		WorkflowExecutionTimeout: max(time.Until(in.Start), 0) + 24*time.Hour,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.ConsultationTypeKey.ValueSet(string(in.Type)),
			workflows.DoctorIDKey.ValueSet(in.DoctorID),
		),
	}, workflows.WaitlistOfferWorkflowType, in)
	if err != nil {
		return false, fmt.Errorf("waitlist: start chain: %w", err)
	}
	// USE_EXISTING answers with the running chain's run id.
	return run.GetRunID() != "", nil
}

// OfferFreed starts the chain of a freed slot if it is still worth offering
// and entries match it; it reports whether a chain runs for it now.
func OfferFreed(ctx context.Context, q *db.Queries, c client.Client, cfg Config, in workflows.WaitlistOfferInput, now time.Time) (bool, error) {
	doctorID, err := uuid.Parse(in.DoctorID)
	if err != nil {
		return false, fmt.Errorf("waitlist: doctor id: %w", err)
	}
	if !cfg.Worth(in.Start, now) {
		return false, nil
	}
	d, err := q.GetDoctor(ctx, doctorID)
	if err != nil {
		return false, fmt.Errorf("waitlist: doctor: %w", err)
	}
	n, err := Matching(ctx, q, doctorID, string(in.Type), in.Start, Zone(d.TimeZone), now)
	if err != nil || n == 0 {
		return false, err
	}
	return StartChain(ctx, c, in)
}
