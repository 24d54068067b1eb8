package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Hub is a process's one listener on Channel and the in-memory fan-out to
// its subscribers. Run keeps the listener connected; Subscribe and
// Subscription.Close may be called from any goroutine.
type Hub struct {
	pool   *pgxpool.Pool
	logger *slog.Logger

	mu        sync.Mutex
	subs      map[*Subscription]struct{}
	connected chan struct{} // closed while the listener is connected
	pid       uint32
	done      chan struct{} // closed when Run returns
}

// Buffer is how many events a subscriber may fall behind before it is
// told to resync instead.
const Buffer = 64

// Listener timings: how long to wait for a notification before checking
// the connection, and the backoff between reconnection attempts.
const (
	idleCheck  = 30 * time.Second
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// NewHub returns a hub that listens through a connection of pool. It does
// nothing until Run.
func NewHub(pool *pgxpool.Pool, logger *slog.Logger) *Hub {
	if logger == nil {
		logger = slog.Default()
	}
	return &Hub{pool: pool, logger: logger, subs: map[*Subscription]struct{}{}, connected: make(chan struct{}),
		done: make(chan struct{})}
}

// Filter selects the events of one consultation, of one message thread, of
// every consultation and thread of one doctor, or the waitlist events of one
// patient (set exactly one).
type Filter struct {
	Consultation uuid.UUID
	Thread       uuid.UUID
	Doctor       uuid.UUID
	Patient      uuid.UUID
}

func (f Filter) match(e Event) bool {
	if f.Patient != uuid.Nil {
		return e.PatientID == f.Patient
	}
	if f.Thread != uuid.Nil {
		return e.ThreadID == f.Thread
	}
	if f.Consultation != uuid.Nil {
		return e.ConsultationID == f.Consultation
	}
	if e.Type == TypeWaitlistOffer {
		return false
	}
	return f.Doctor != uuid.Nil && e.DoctorID == f.Doctor
}

// Subscription receives the events of its filter.
type Subscription struct {
	hub    *Hub
	filter Filter
	events chan Event
	resync chan struct{}
	once   sync.Once
}

// Subscribe starts receiving the events that match f.
func (h *Hub) Subscribe(f Filter) *Subscription {
	s := &Subscription{hub: h, filter: f, events: make(chan Event, Buffer), resync: make(chan struct{}, 1)}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Events delivers the subscription's events in the order the hub heard
// them.
func (s *Subscription) Events() <-chan Event { return s.events }

// Resync receives a value when events may have been lost (the listener
// reconnected, or this subscriber fell Buffer events behind): the reader
// should read the current state from the record again.
func (s *Subscription) Resync() <-chan struct{} { return s.resync }

// Close ends the subscription; its channels receive nothing more.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.hub.mu.Lock()
		delete(s.hub.subs, s)
		s.hub.mu.Unlock()
	})
}

func (s *Subscription) signalResync() {
	select {
	case s.resync <- struct{}{}:
	default:
	}
}

// Subscribers is the number of open subscriptions.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// dispatch hands one notification to every matching subscriber without
// ever blocking: a subscriber whose buffer is full is told to resync.
func (h *Hub) dispatch(payload string) {
	ev, err := Decode(payload)
	if err != nil {
		h.logger.Warn("live: notification dropped", "err", err)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if !s.filter.match(ev) {
			continue
		}
		select {
		case s.events <- ev:
		default:
			s.signalResync()
		}
	}
}

// resyncAll tells every subscriber that events may have been lost.
func (h *Hub) resyncAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.signalResync()
	}
}

// Connected returns a channel that is closed while the listener is
// connected (a new one after each loss).
func (h *Hub) Connected() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.connected
}

// Done is closed when Run has returned (the process is shutting down):
// streams end then.
func (h *Hub) Done() <-chan struct{} { return h.done }

// BackendPID is the PostgreSQL backend of the listener connection (0 while
// disconnected).
func (h *Hub) BackendPID() uint32 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pid
}

func (h *Hub) setConnected(pid uint32) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pid = pid
	close(h.connected)
}

func (h *Hub) setDisconnected() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pid = 0
	select {
	case <-h.connected:
		h.connected = make(chan struct{})
	default:
	}
}

// Run listens until ctx ends. It reconnects after any loss of the
// connection, with backoff, and after each reconnection tells every
// subscriber to resync (events sent while it was away are lost).
func (h *Hub) Run(ctx context.Context) error {
	defer close(h.done)
	backoff := minBackoff
	first := true
	for ctx.Err() == nil {
		err := h.listen(ctx, func() {
			if !first {
				h.resyncAll()
			}
			first = false
			backoff = minBackoff
		})
		h.setDisconnected()
		if ctx.Err() != nil {
			break
		}
		h.logger.Warn("live: listener lost, reconnecting", "err", err, "in", backoff)
		// Whatever happens while reconnecting is lost; subscribers learn it
		// now so they do not wait for the reconnection to resync.
		h.resyncAll()
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, maxBackoff)
	}
	return nil
}

// listen holds one listener connection until it fails or ctx ends.
func (h *Hub) listen(ctx context.Context, onConnect func()) error {
	pc, err := h.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("live: acquire: %w", err)
	}
	// The listener's connection leaves the pool for good: it is closed
	// here, never handed to a query.
	conn := pc.Hijack()
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{Channel}.Sanitize()); err != nil {
		return fmt.Errorf("live: listen: %w", err)
	}
	h.setConnected(conn.PgConn().PID())
	onConnect()
	for {
		waitCtx, cancel := context.WithTimeout(ctx, idleCheck)
		n, err := conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err == nil:
			h.dispatch(n.Payload)
		case errors.Is(err, context.DeadlineExceeded):
			pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = conn.Ping(pingCtx)
			cancel()
			if err != nil {
				return fmt.Errorf("live: ping: %w", err)
			}
		default:
			return fmt.Errorf("live: wait: %w", err)
		}
	}
}
