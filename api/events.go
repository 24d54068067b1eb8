package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/live"
)

// Server-Sent Event streams of the live events (live package): one per
// consultation for both of its sides, and one per doctor for the waiting
// list. A stream opens with the current state (status, delay, the other
// side's presence), then passes events on as they come; it re-reads the
// state whenever events may have been lost (the listener reconnected, the
// stream fell behind). Chat events carry an SSE id (the message id), so a
// client that reconnects with Last-Event-ID gets the messages it missed.

// Stream timings and limits.
const (
	keepAliveEvery   = 15 * time.Second
	presenceSweep    = 5 * time.Second
	reauthEvery      = time.Minute
	streamRetry      = 3 * time.Second
	maxStreamsPerKey = 5
)

// streamSlots caps the streams open at once per user (or guest link) on
// this instance.
type streamSlots struct {
	mu   sync.Mutex
	open map[string]int
}

func (s *streamSlots) acquire(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open == nil {
		s.open = map[string]int{}
	}
	if s.open[key] >= maxStreamsPerKey {
		return false
	}
	s.open[key]++
	return true
}

func (s *streamSlots) release(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[key]--; s.open[key] <= 0 {
		delete(s.open, key)
	}
}

// Wire forms of the events (the data of each SSE event, JSON).
type (
	// StatusEventView is the data of a status event.
	StatusEventView struct {
		ConsultationID uuid.UUID `json:"consultation_id"`
		Status         string    `json:"status"`
		At             time.Time `json:"at"`
	}
	// DelayEventView is the data of a delay event.
	DelayEventView struct {
		ConsultationID uuid.UUID  `json:"consultation_id"`
		Minutes        int        `json:"minutes"`
		ExpectedStart  *time.Time `json:"expected_start,omitempty"`
		At             time.Time  `json:"at"`
	}
	// PresenceEventView is the data of a presence event.
	PresenceEventView struct {
		ConsultationID uuid.UUID `json:"consultation_id"`
		Role           string    `json:"role"`
		Online         bool      `json:"online"`
		Connection     string    `json:"connection"`
		At             time.Time `json:"at"`
	}
	// QueueEventView is the data of a queue event.
	QueueEventView struct {
		ConsultationID uuid.UUID `json:"consultation_id"`
		Position       int       `json:"position"`
		ETAMinutes     int       `json:"eta_minutes"`
	}
)

// stream is one open event stream.
type stream struct {
	s *Server
	c *gin.Context
	// role is the viewer's side; presence of the other side is shown.
	role string
	// guestToken is the guest link a guest's stream was opened with.
	guestToken string
	presence   *live.PresenceTracker
	// chatSeq is the last chat message delivered, per consultation, and
	// the last thread message, per thread.
	chatSeq map[uuid.UUID]int64
	// thread is the message thread of a thread stream (messages_events.go).
	thread uuid.UUID
}

var errStreamEnded = errors.New("stream ended")

func (st *stream) write(event, id string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if id != "" {
		fmt.Fprintf(&buf, "id: %s\n", id)
	}
	fmt.Fprintf(&buf, "event: %s\ndata: %s\n\n", event, b)
	return st.flush(buf.Bytes())
}

func (st *stream) flush(b []byte) error {
	if _, err := st.c.Writer.Write(b); err != nil {
		return fmt.Errorf("%w: %w", errStreamEnded, err)
	}
	st.c.Writer.Flush()
	return nil
}

// open sends the stream's headers, lifts the server's write deadline for
// this response and writes the audit entry (one per stream).
func (st *stream) open() error {
	h := st.c.Writer.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	if err := http.NewResponseController(st.c.Writer).SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	st.c.Status(http.StatusOK)
	st.s.auditNow(st.c)
	return st.flush(fmt.Appendf(nil, "retry: %d\n\n", streamRetry.Milliseconds()))
}

// stillAllowed re-checks the caller's login (revoked, expired) or guest
// link (expired), refreshing the principal's PIN state.
func (st *stream) stillAllowed(ctx context.Context) bool {
	if st.guestToken != "" {
		_, err := st.s.Links.Verify(st.guestToken, guestLinkPurpose, st.s.Now())
		return err == nil
	}
	p := currentPrincipal(st.c)
	if p == nil {
		return false
	}
	row, err := st.s.Store.GetActiveAuthToken(ctx, p.tokenHash)
	if err != nil {
		return false
	}
	p.hasPIN, p.pinUnlockedUntil = row.HasPin, row.PinUnlockedUntil
	return true
}

// sendChat delivers a stored message once (in seq order per consultation);
// on a patient's stream with the PIN locked, without its text.
func (st *stream) sendChat(ctx context.Context, m db.ConsultationChat) error {
	if m.Seq <= st.chatSeq[m.ConsultationID] {
		return nil
	}
	st.chatSeq[m.ConsultationID] = m.Seq
	v, err := st.s.chatView(m)
	if err != nil {
		return err
	}
	if st.role == live.RolePatient && st.guestToken == "" {
		if !st.stillAllowed(ctx) {
			return errStreamEnded
		}
		if st.s.pinProblem(st.c) != nil {
			v.Text, v.Locked = "", true
		}
	}
	return st.write(string(live.TypeChat), m.ID.String(), v)
}

func (st *stream) sendPresence(consultationID uuid.UUID, p live.Presence) error {
	return st.write(string(live.TypePresence), "", PresenceEventView{ConsultationID: consultationID, Role: p.Role,
		Online: p.Online, Connection: p.Connection, At: p.At})
}

// snapshot sends the current state of one consultation: its status, the
// doctor's delay if one was announced, and the other side's presence.
func (st *stream) snapshot(ctx context.Context, row db.GetConsultationLiveRow, at time.Time) error {
	if err := st.write(string(live.TypeStatus), "", StatusEventView{ConsultationID: row.ID, Status: row.Status, At: at}); err != nil {
		return err
	}
	if row.ExpectedStart != nil {
		if err := st.write(string(live.TypeDelay), "", DelayEventView{ConsultationID: row.ID,
			Minutes: live.DelayMinutes(row.Slot, row.ExpectedStart), ExpectedStart: utc(row.ExpectedStart), At: at}); err != nil {
			return err
		}
	}
	other := live.Presence{Role: otherSide(st.role), Connection: live.ConnectionUnknown, At: at}
	var seenAt time.Time
	ps, err := st.s.Store.ListPresence(ctx, row.ID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.Role == other.Role && live.Online(&p.SeenAt, st.s.Now()) {
			other.Online, other.Connection, other.At, seenAt = true, p.Connection, p.SeenAt.UTC(), p.SeenAt
		}
	}
	st.presence.Seed(row.ID, other, seenAt)
	return st.sendPresence(row.ID, other)
}

func otherSide(role string) string {
	if role == live.RoleDoctor {
		return live.RolePatient
	}
	return live.RoleDoctor
}

// replayChat sends the messages after the last one delivered.
func (st *stream) replayChat(ctx context.Context, consultationID uuid.UUID) error {
	msgs, err := st.s.Store.ListChatMessagesAfter(ctx, db.ListChatMessagesAfterParams{ConsultationID: consultationID,
		Seq: st.chatSeq[consultationID]})
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := st.sendChat(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// deliver passes one live event on.
func (st *stream) deliver(ctx context.Context, e live.Event) error {
	switch e.Type {
	case live.TypeStatus:
		return st.write(string(e.Type), "", StatusEventView{ConsultationID: e.ConsultationID, Status: e.Status.Status, At: e.Status.At})
	case live.TypeDelay:
		return st.write(string(e.Type), "", DelayEventView{ConsultationID: e.ConsultationID, Minutes: e.Delay.Minutes,
			ExpectedStart: e.Delay.ExpectedStart, At: e.Delay.At})
	case live.TypeWaitlistOffer:
		return st.write(string(e.Type), e.WaitlistOffer.OfferID.String(), WaitlistOfferEventView{
			OfferID: e.WaitlistOffer.OfferID, ExpiresAt: e.WaitlistOffer.ExpiresAt})
	case live.TypeQueue:
		return st.write(string(e.Type), "", QueueEventView{ConsultationID: e.ConsultationID, Position: e.Queue.Position,
			ETAMinutes: e.Queue.ETAMinutes})
	case live.TypePresence:
		if e.Presence.Role == st.role {
			return nil
		}
		if p, changed := st.presence.Heartbeat(e.ConsultationID, *e.Presence, st.s.Now()); changed {
			return st.sendPresence(e.ConsultationID, p)
		}
		return nil
	case live.TypeMessage, live.TypeThread:
		return st.deliverThread(ctx, e)
	case live.TypeChat:
		m, err := st.s.Store.GetChatMessage(ctx, db.GetChatMessageParams{ID: e.Chat.ID, ConsultationID: e.ConsultationID})
		if errors.Is(db.Translate(err), db.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return st.sendChat(ctx, m)
	}
	return nil
}

// run passes events on until the client leaves, the login or link ends,
// or the process shuts down; resync re-reads the state.
func (st *stream) run(sub *live.Subscription, resync func(ctx context.Context) error) error {
	ctx := st.c.Request.Context()
	keepAlive := time.NewTicker(keepAliveEvery)
	defer keepAlive.Stop()
	sweep := time.NewTicker(presenceSweep)
	defer sweep.Stop()
	reauth := time.NewTicker(reauthEvery)
	defer reauth.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			return nil
		case <-st.s.Live.Done():
			return nil
		case e := <-sub.Events():
			err = st.deliver(ctx, e)
		case <-sub.Resync():
			err = resync(ctx)
		case <-keepAlive.C:
			err = st.flush([]byte(": keep-alive\n\n"))
		case <-sweep.C:
			for _, ch := range st.presence.Expire(st.s.Now()) {
				if err = st.sendPresence(ch.ConsultationID, ch.Presence); err != nil {
					break
				}
			}
		case <-reauth.C:
			if !st.stillAllowed(ctx) {
				return nil
			}
		}
		if err != nil {
			return err
		}
	}
}

// newStream checks that live events are served and takes one of the
// caller's stream slots; release gives it back.
func (s *Server) newStream(c *gin.Context, key, role string) (st *stream, release func(), ok bool) {
	if s.Live == nil {
		fail(c, errUnavailable("Live events are not served by this instance."))
		return nil, nil, false
	}
	if !s.streams.acquire(key) {
		fail(c, errTooMany(fmt.Sprintf("At most %d event streams may be open at once; close one first.", maxStreamsPerKey)))
		return nil, nil, false
	}
	st = &stream{s: s, c: c, role: role, presence: live.NewPresenceTracker(), chatSeq: map[uuid.UUID]int64{}}
	return st, func() { s.streams.release(key) }, true
}

// endStream logs why a stream ended, unless the client simply left.
func endStream(c *gin.Context, err error) {
	if err != nil && !errors.Is(err, errStreamEnded) && c.Request.Context().Err() == nil {
		logger(c).WarnContext(c, "event stream ended", "err", err)
	}
}

// consultationEvents streams one consultation's live events to either side.
func (s *Server) consultationEvents(c *gin.Context) {
	row := consultationOf(c)
	key := "guest:" + row.ID.String()
	if p := currentPrincipal(c); p != nil && !viaGuestLink(c) {
		key = "user:" + p.UserID.String()
	}
	st, release, ok := s.newStream(c, key, partyRole(c))
	if !ok {
		return
	}
	defer release()
	if viaGuestLink(c) {
		st.guestToken = c.Query("access")
		if st.guestToken == "" {
			st.guestToken = c.GetHeader("X-Access-Token")
		}
	}
	ctx := c.Request.Context()
	// Where the client's chat stands: after the message it saw last
	// (Last-Event-ID), or, for a new stream, after the newest one (the
	// history is GET …/chat).
	if last, err := uuid.Parse(c.GetHeader("Last-Event-ID")); err == nil {
		if m, err := s.Store.GetChatMessage(ctx, db.GetChatMessageParams{ID: last, ConsultationID: row.ID}); err == nil {
			st.chatSeq[row.ID] = m.Seq
		}
	} else if m, err := s.Store.LatestChatMessage(ctx, row.ID); err == nil {
		st.chatSeq[row.ID] = m.Seq
	} else if !errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, err)
		return
	}
	sub := s.Live.Subscribe(live.Filter{Consultation: row.ID})
	defer sub.Close()
	resync := func(ctx context.Context) error {
		cur, err := s.Store.GetConsultationLive(ctx, row.ID)
		if err != nil {
			return err
		}
		if err := st.snapshot(ctx, cur, s.Now().UTC()); err != nil {
			return err
		}
		return st.replayChat(ctx, row.ID)
	}
	if err := st.open(); err != nil {
		endStream(c, err)
		return
	}
	if err := resync(ctx); err != nil {
		endStream(c, err)
		return
	}
	endStream(c, st.run(sub, resync))
}

// doctorEvents streams the live events of all the doctor's consultations,
// opening with the waiting list's state (status, delay, patient presence
// of each consultation on it).
func (s *Server) doctorEvents(c *gin.Context) {
	p := currentPrincipal(c)
	st, release, ok := s.newStream(c, "user:"+p.UserID.String(), live.RoleDoctor)
	if !ok {
		return
	}
	defer release()
	sub := s.Live.Subscribe(live.Filter{Doctor: p.UserID})
	defer sub.Close()
	ctx := c.Request.Context()
	_, shown, err := s.waitingList(ctx, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	for _, r := range shown {
		auditListed(c, r.PatientID, r.ID.String())
	}
	resync := func(ctx context.Context) error {
		_, shown, err := s.waitingList(ctx, p.UserID)
		if err != nil {
			return err
		}
		for _, r := range shown {
			cur := db.GetConsultationLiveRow{ID: r.ID, DoctorID: r.DoctorID, PatientID: r.PatientID,
				ConsultationType: r.ConsultationType, Status: r.Status, ExpectedStart: r.ExpectedStart, Slot: r.Slot}
			if err := st.snapshot(ctx, cur, s.Now().UTC()); err != nil {
				return err
			}
		}
		return nil
	}
	if err := st.open(); err != nil {
		endStream(c, err)
		return
	}
	if err := resync(ctx); err != nil {
		endStream(c, err)
		return
	}
	endStream(c, st.run(sub, resync))
}
