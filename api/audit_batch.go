package api

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"derma2go/db"
)

// auditBatcher writes the audit rows of concurrent requests together, by
// group commit: the request that finds no write in flight writes every row
// queued so far in one round trip and then hands the turn to the first
// request that queued meanwhile. Each request still waits until its own
// rows are in the database; a lone request writes at once, as before.
type auditBatcher struct {
	write func(ctx context.Context, rows []db.InsertAuditEventParams) error

	mu      sync.Mutex
	writing bool
	queue   []*auditWrite
}

// auditWrite is one request's rows and where its outcome is told.
type auditWrite struct {
	rows []db.InsertAuditEventParams
	done chan error
}

// errAuditTurn tells a queued request that it writes the next batch.
var errAuditTurn = errors.New("api: the audit batch is yours to write")

// Write stores rows (one request's, all or none) and returns once they are
// written or have failed.
func (b *auditBatcher) Write(ctx context.Context, rows []db.InsertAuditEventParams) error {
	w := &auditWrite{rows: rows, done: make(chan error, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, w)
	turn := !b.writing
	b.writing = true
	b.mu.Unlock()
	if !turn {
		if err := <-w.done; !errors.Is(err, errAuditTurn) {
			return err
		}
	}
	b.mu.Lock()
	batch := b.queue
	b.queue = nil
	b.mu.Unlock()
	b.lead(ctx, batch)
	return <-w.done
}

// lead writes batch and hands the turn on. Should the write panic, every
// request of the batch is told and the turn still goes on, so no later
// request waits for a writer that is gone.
func (b *auditBatcher) lead(ctx context.Context, batch []*auditWrite) {
	defer func() {
		if r := recover(); r != nil {
			for _, w := range batch {
				select {
				case w.done <- fmt.Errorf("api: audit write panicked: %v", r):
				default:
				}
			}
			b.handOver()
			panic(r)
		}
	}()
	b.flush(ctx, batch)
	b.handOver()
}

// handOver gives the turn to the first queued request, or ends it.
func (b *auditBatcher) handOver() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) > 0 {
		b.queue[0].done <- errAuditTurn
		return
	}
	b.writing = false
}

// flush writes batch in one call; when that fails, each request's rows
// are written on their own, so one bad request loses no other's rows.
func (b *auditBatcher) flush(ctx context.Context, batch []*auditWrite) {
	if len(batch) > 1 {
		var rows []db.InsertAuditEventParams
		for _, w := range batch {
			rows = append(rows, w.rows...)
		}
		if b.write(ctx, rows) == nil {
			for _, w := range batch {
				w.done <- nil
			}
			return
		}
	}
	for _, w := range batch {
		w.done <- b.write(ctx, w.rows)
	}
}
