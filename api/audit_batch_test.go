package api

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"derma2go/db"
)

// TestAuditBatcherWritesQueuedRequestsTogether: while one request's write
// is in flight, the requests that come meanwhile are written in one call
// when it returns, each row once, and every request returns only after its
// own rows are written.
func TestAuditBatcherWritesQueuedRequestsTogether(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var calls [][]db.InsertAuditEventParams
	b := &auditBatcher{write: func(_ context.Context, rows []db.InsertAuditEventParams) error {
		mu.Lock()
		calls = append(calls, rows)
		first := len(calls) == 1
		mu.Unlock()
		if first {
			<-release
		}
		return nil
	}}
	row := func(i int) []db.InsertAuditEventParams {
		return []db.InsertAuditEventParams{{RequestID: string(rune('a' + i))}}
	}
	firstDone := make(chan error, 1)
	go func() { firstDone <- b.Write(context.Background(), row(0)) }()
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(calls) == 1 })

	const queued = 20
	var wg sync.WaitGroup
	returned := make(chan int, queued)
	for i := 1; i <= queued; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := b.Write(context.Background(), row(i)); err != nil {
				t.Errorf("write %d: %v", i, err)
			}
			returned <- i
		}()
	}
	waitUntil(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return len(b.queue) == queued })
	if len(returned) != 0 {
		t.Fatal("a queued request returned before its rows were written")
	}
	close(release)
	wg.Wait()
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || len(calls[1]) != queued {
		t.Fatalf("%d write calls (sizes %v), want the first alone and the %d queued in one", len(calls), sizes(calls), queued)
	}
	seen := map[string]int{}
	for _, c := range calls {
		for _, r := range c {
			seen[r.RequestID]++
		}
	}
	for i := 0; i <= queued; i++ {
		if n := seen[row(i)[0].RequestID]; n != 1 {
			t.Fatalf("row %d written %d times", i, n)
		}
	}
	if b.writing || len(b.queue) != 0 {
		t.Fatal("the batcher is left busy")
	}
}

// TestAuditBatcherFailedBatchFallsBackToEachRequest: a batch the database
// refuses is written again request by request, so only the request whose
// rows are bad gets an error.
func TestAuditBatcherFailedBatchFallsBackToEachRequest(t *testing.T) {
	bad := errors.New("refused")
	release := make(chan struct{})
	var mu sync.Mutex
	n := 0
	b := &auditBatcher{write: func(_ context.Context, rows []db.InsertAuditEventParams) error {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			<-release
		}
		for _, r := range rows {
			if r.RequestID == "bad" {
				return bad
			}
		}
		return nil
	}}
	go func() { _ = b.Write(context.Background(), []db.InsertAuditEventParams{{RequestID: "lead"}}) }()
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return n == 1 })
	errs := make(chan error, 3)
	for _, id := range []string{"good1", "bad", "good2"} {
		go func() {
			errs <- wrapID(id, b.Write(context.Background(), []db.InsertAuditEventParams{{RequestID: id}}))
		}()
	}
	waitUntil(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return len(b.queue) == 3 })
	close(release)
	failed := 0
	for range 3 {
		if err := <-errs; err != nil {
			if !errors.Is(err, bad) || err.Error() != "bad: refused" {
				t.Fatalf("error %v", err)
			}
			failed++
		}
	}
	if failed != 1 || n != 5 {
		t.Fatalf("%d requests failed (want 1), %d write calls (want lead, batch, and 3 alone)", failed, n)
	}
}

// TestAuditBatcherSurvivesAPanickingWrite: when a write panics (the
// request's recovery turns it into a 500), the requests of its batch get an
// error instead of waiting for ever, the panic goes on to the caller, and
// the next request writes at once.
func TestAuditBatcherSurvivesAPanickingWrite(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	n := 0
	b := &auditBatcher{write: func(_ context.Context, rows []db.InsertAuditEventParams) error {
		mu.Lock()
		n++
		call := n
		mu.Unlock()
		if call == 1 {
			<-release
			panic("driver bug")
		}
		return nil
	}}
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		_ = b.Write(context.Background(), []db.InsertAuditEventParams{{RequestID: "lead"}})
	}()
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return n == 1 })
	queued := make(chan error, 1)
	go func() { queued <- b.Write(context.Background(), []db.InsertAuditEventParams{{RequestID: "queued"}}) }()
	waitUntil(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return len(b.queue) == 1 })
	close(release)
	if r := <-panicked; r != "driver bug" {
		t.Fatalf("the leader's panic: %v, want it passed on", r)
	}
	if err := <-queued; err != nil {
		t.Fatalf("the request queued behind the panic: %v, want its rows written by the next turn", err)
	}
	done := make(chan error, 1)
	go func() { done <- b.Write(context.Background(), []db.InsertAuditEventParams{{RequestID: "after"}}) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a write after the panic hangs: the turn was never handed on")
	}
}

func wrapID(id string, err error) error {
	if err == nil {
		return nil
	}
	return &idError{id, err}
}

type idError struct {
	id  string
	err error
}

func (e *idError) Error() string { return e.id + ": " + e.err.Error() }
func (e *idError) Unwrap() error { return e.err }

func sizes(calls [][]db.InsertAuditEventParams) []int {
	var s []int
	for _, c := range calls {
		s = append(s, len(c))
	}
	return s
}

func waitUntil(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}
