// Package indexer keeps the search index in step with Postgres. Search
// documents are derived data: a full Rebuild makes them from Postgres, and
// Follow applies the changes the database enqueues in its transactional
// outbox (search_outbox, filled by triggers in the same transaction as every
// change to a doctor's profile, fees, availability or bookings).
//
// The outbox is read by snapshot, not by row id: each row carries the id of
// the transaction that wrote it, and the indexer remembers the snapshot of
// its last read. The rows it has not applied yet are exactly those not
// visible in that snapshot, whatever order their transactions committed in.
// Pruning deletes only rows that were visible to every snapshot taken after
// the previous prune; an indexer whose snapshot is older than that (it was
// stalled for the prune interval) rebuilds from scratch instead of guessing.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

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
	// PayoutsRequired: Mollie Connect is on, so a doctor paid online is
	// listed only with a connected account (domain.Checklist).
	PayoutsRequired bool

	run sync.Mutex // one Rebuild or CatchUp at a time

	mu       sync.Mutex
	snapshot string // every outbox row visible in it is applied; "" before the first Rebuild
}

const batchSize = 500

// PruneAge is how long an outbox row is kept at least after its transaction
// finished.
const PruneAge = time.Hour

// pruneEvery is how often Follow prunes the outbox.
const pruneEvery = 10 * time.Minute

// readyWait is how long Ready gives the follower to apply pending changes.
const readyWait = 1500 * time.Millisecond

// Rebuild fills a new copy of the index with all doctors and conditions
// from Postgres and swaps it in (searches keep the old documents until
// then), then applies the changes committed while it ran.
func (x *Indexer) Rebuild(ctx context.Context) (int, error) {
	x.run.Lock()
	defer x.run.Unlock()
	n, err := x.rebuild(ctx)
	if err != nil {
		return n, err
	}
	return n, x.catchUp(ctx)
}

func (x *Indexer) rebuild(ctx context.Context) (int, error) {
	snap, err := x.Store.OutboxSnapshot(ctx)
	if err != nil {
		return 0, fmt.Errorf("indexer: %w", err)
	}
	total := 0
	err = x.Index.Rebuild(ctx, func(ctx context.Context, w search.Writer) error {
		if err := x.indexConditions(ctx, w); err != nil {
			return err
		}
		after := uuid.Nil
		for {
			ids, err := x.Store.ListDoctorIDs(ctx, db.ListDoctorIDsParams{UserID: after, Limit: batchSize})
			if err != nil {
				return fmt.Errorf("indexer: %w", err)
			}
			if len(ids) == 0 {
				return nil
			}
			docs, err := ListedDoctorDocs(ctx, x.Store.Queries, ids, x.now(), x.PayoutsRequired)
			if err != nil {
				return err
			}
			if err := w.UpsertDoctors(ctx, docs); err != nil {
				return fmt.Errorf("indexer: upsert: %w", err)
			}
			total += len(docs)
			after = ids[len(ids)-1]
		}
	})
	if err != nil {
		return 0, fmt.Errorf("indexer: rebuild: %w", err)
	}
	x.setSnapshot(snap.Snapshot)
	return total, nil
}

func (x *Indexer) indexConditions(ctx context.Context, w search.Writer) error {
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
	if err := w.UpsertConditions(ctx, docs); err != nil {
		return fmt.Errorf("indexer: conditions: %w", err)
	}
	return nil
}

// indexDoctors (re)writes the documents of ids in the live index; a doctor
// that no longer exists is deleted from it.
func (x *Indexer) indexDoctors(ctx context.Context, ids []uuid.UUID) error {
	docs, err := ListedDoctorDocs(ctx, x.Store.Queries, ids, x.now(), x.PayoutsRequired)
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

// CatchUp applies every outbox change committed since the last read (or
// rebuilds everything, when the outbox was pruned past it).
func (x *Indexer) CatchUp(ctx context.Context) error {
	x.run.Lock()
	defer x.run.Unlock()
	return x.catchUp(ctx)
}

func (x *Indexer) catchUp(ctx context.Context) error {
	since, _ := x.state()
	if since == "" {
		_, err := x.rebuild(ctx)
		return err
	}
	snap, ids, err := x.readSince(ctx, since)
	if err != nil {
		return err
	}
	lost, err := prunedPast(snap.PrunedBelow, since)
	if err != nil {
		return err
	}
	if lost {
		x.logger().WarnContext(ctx, "search outbox was pruned past the indexer's position: rebuilding the index")
		_, err := x.rebuild(ctx)
		return err
	}
	for start := 0; start < len(ids); start += batchSize {
		if err := x.indexDoctors(ctx, ids[start:min(start+batchSize, len(ids))]); err != nil {
			return err
		}
	}
	x.setSnapshot(snap.Snapshot)
	return nil
}

// readSince reads, in one snapshot, that snapshot, the prune mark and the
// doctors of the rows not visible in since.
func (x *Indexer) readSince(ctx context.Context, since string) (db.OutboxSnapshotRow, []uuid.UUID, error) {
	tx, err := x.Store.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return db.OutboxSnapshotRow{}, nil, fmt.Errorf("indexer: outbox: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	q := x.Store.WithTx(tx)
	snap, err := q.OutboxSnapshot(ctx)
	if err != nil {
		return snap, nil, fmt.Errorf("indexer: outbox: %w", err)
	}
	ids, err := q.OutboxDoctorsSince(ctx, since)
	if err != nil {
		return snap, nil, fmt.Errorf("indexer: outbox: %w", err)
	}
	return snap, ids, nil
}

// prunedPast reports whether rows not visible in snapshot may have been
// pruned: pruning deleted every row with an xid below prunedBelow, and the
// rows a snapshot does not see all have an xid of at least its xmin.
func prunedPast(prunedBelow, snapshot string) (bool, error) {
	mark, err := strconv.ParseUint(prunedBelow, 10, 64)
	if err != nil {
		return false, fmt.Errorf("indexer: prune mark %q: %w", prunedBelow, err)
	}
	xminText, _, _ := strings.Cut(snapshot, ":")
	xmin, err := strconv.ParseUint(xminText, 10, 64)
	if err != nil {
		return false, fmt.Errorf("indexer: snapshot %q: %w", snapshot, err)
	}
	return mark > xmin, nil
}

// Ready reports nil when the index holds the data: the first rebuild is done
// and every change committed to the outbox has been applied, or is applied
// within a moment (the follower is woken by a notification). Otherwise it
// says what is missing.
func (x *Indexer) Ready(ctx context.Context) error {
	deadline := time.Now().Add(readyWait)
	for {
		since, built := x.state()
		var pending int64
		if built {
			var err error
			if pending, err = x.Store.OutboxPendingSince(ctx, since); err != nil {
				return fmt.Errorf("indexer: %w", err)
			}
			if pending == 0 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			if !built {
				return errors.New("the search index is being built")
			}
			return fmt.Errorf("the search index has %d changes to apply", pending)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("indexer: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Follow applies outbox entries as they come until ctx ends: it listens for
// the database's notification and also polls, so a lost notification only
// delays an update by the poll interval. It prunes the outbox now and then.
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
			x.logger().ErrorContext(ctx, "search index catch-up failed", "err", err)
		}
		if time.Since(lastPrune) > pruneEvery {
			if _, err := x.Store.PruneOutbox(ctx, PruneAge.Seconds()); err != nil && ctx.Err() == nil {
				x.logger().WarnContext(ctx, "search outbox prune failed", "err", err)
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

func (x *Indexer) state() (snapshot string, built bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.snapshot, x.snapshot != ""
}

func (x *Indexer) setSnapshot(s string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.snapshot = s
}

func (x *Indexer) now() time.Time {
	if x.Now != nil {
		return x.Now()
	}
	return time.Now()
}

func (x *Indexer) logger() *slog.Logger {
	if x.Logger != nil {
		return x.Logger
	}
	return slog.Default()
}
