// Package indexer keeps the search index in step with Postgres. Search
// documents are derived data: a full Rebuild makes them from Postgres, and
// Follow applies the changes the database enqueues in its transactional
// outbox (search_outbox, filled by triggers in the same transaction as every
// change to a doctor's profile, fees, availability or bookings).
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"derma2go/conditions"
	"derma2go/db"
	"derma2go/search"
)

// Indexer writes doctors and conditions into a search index.
type Indexer struct {
	Store      *db.Store
	Index      search.Index
	Conditions *conditions.Catalog
	Logger     *slog.Logger
	// Now is the clock of next-slot computation; nil means time.Now.
	Now func() time.Time

	cursor int64
}

const batchSize = 500

// Rebuild drops every document and indexes all doctors and conditions from
// Postgres. Changes enqueued while it runs are picked up by Follow, which
// starts from the outbox position taken before the rebuild.
func (x *Indexer) Rebuild(ctx context.Context) (int, error) {
	head, err := x.Store.OutboxHead(ctx)
	if err != nil {
		return 0, fmt.Errorf("indexer: %w", err)
	}
	if err := x.Index.Reset(ctx); err != nil {
		return 0, fmt.Errorf("indexer: reset: %w", err)
	}
	if err := x.indexConditions(ctx); err != nil {
		return 0, err
	}
	total := 0
	after := uuid.Nil
	for {
		ids, err := x.Store.ListDoctorIDs(ctx, db.ListDoctorIDsParams{UserID: after, Limit: batchSize})
		if err != nil {
			return total, fmt.Errorf("indexer: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		if err := x.indexDoctors(ctx, ids); err != nil {
			return total, err
		}
		total += len(ids)
		after = ids[len(ids)-1]
	}
	x.cursor = head
	return total, nil
}

func (x *Indexer) indexConditions(ctx context.Context) error {
	if x.Conditions == nil {
		return nil
	}
	var docs []search.ConditionDoc
	for _, c := range x.Conditions.All() {
		for _, lang := range []string{"nl", "en"} {
			t := c.Text(lang)
			docs = append(docs, search.ConditionDoc{
				Slug: c.Slug, Lang: lang, Name: t.Name, Summary: t.Summary, Synonyms: t.Synonyms,
				Body: t.WhatItIs + "\n" + t.Symptoms, Letter: c.Letter(lang),
			})
		}
	}
	if err := x.Index.UpsertConditions(ctx, docs); err != nil {
		return fmt.Errorf("indexer: conditions: %w", err)
	}
	return nil
}

// indexDoctors (re)writes the documents of ids; a doctor that no longer
// exists is deleted from the index.
func (x *Indexer) indexDoctors(ctx context.Context, ids []uuid.UUID) error {
	docs, err := DoctorDocs(ctx, x.Store.Queries, ids, x.now())
	if err != nil {
		return err
	}
	found := map[string]bool{}
	for _, d := range docs {
		found[d.ID] = true
	}
	if err := x.Index.UpsertDoctors(ctx, docs); err != nil {
		return fmt.Errorf("indexer: upsert: %w", err)
	}
	for _, id := range ids {
		if !found[id.String()] {
			if err := x.Index.DeleteDoctor(ctx, id.String()); err != nil {
				return fmt.Errorf("indexer: delete %s: %w", id, err)
			}
		}
	}
	return nil
}

// CatchUp applies every outbox entry after the cursor.
func (x *Indexer) CatchUp(ctx context.Context) error {
	for {
		rows, err := x.Store.OutboxAfter(ctx, x.cursor)
		if err != nil {
			return fmt.Errorf("indexer: outbox: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		seen := map[uuid.UUID]bool{}
		var ids []uuid.UUID
		for _, r := range rows {
			if !seen[r.DoctorID] {
				seen[r.DoctorID] = true
				ids = append(ids, r.DoctorID)
			}
		}
		if err := x.indexDoctors(ctx, ids); err != nil {
			return err
		}
		x.cursor = rows[len(rows)-1].ID
	}
}

// Follow applies outbox entries as they come until ctx ends: it listens for
// the database's notification and also polls, so a lost notification only
// delays an update by the poll interval.
func (x *Indexer) Follow(ctx context.Context, poll time.Duration) error {
	conn, err := x.Store.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("indexer: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN search_outbox"); err != nil {
		return fmt.Errorf("indexer: listen: %w", err)
	}
	lastPrune := time.Time{}
	for {
		if err := x.CatchUp(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			x.Logger.ErrorContext(ctx, "search index catch-up failed", "err", err)
		}
		if time.Since(lastPrune) > 10*time.Minute {
			if err := x.Store.PruneOutbox(ctx); err != nil && ctx.Err() == nil {
				x.Logger.WarnContext(ctx, "search outbox prune failed", "err", err)
			}
			lastPrune = time.Now()
		}
		waitCtx, cancel := context.WithTimeout(ctx, poll)
		_, err := conn.Conn().WaitForNotification(waitCtx)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("indexer: wait: %w", err)
		}
	}
}

func (x *Indexer) now() time.Time {
	if x.Now != nil {
		return x.Now()
	}
	return time.Now()
}
