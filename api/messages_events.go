package api

import (
	"context"
	"errors"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/live"
)

// The live side of messaging: a thread's event stream (both sides) carries
// each new message in full (a "message" event, SSE id = the message id, so
// Last-Event-ID resumes after it) and "thread" events when the thread is
// closed, reopened or read; the doctor's dashboard stream gets a
// content-free "inbox" event for every new message in the doctor's threads
// (inbox badges), and their "thread" events.

// ThreadEventView is the data of a thread event.
type ThreadEventView struct {
	ThreadID uuid.UUID `json:"thread_id"`
	Status   string    `json:"status"`
	ReadBy   string    `json:"read_by,omitempty"`
	ReadSeq  int64     `json:"read_seq,omitempty"`
	At       time.Time `json:"at"`
}

// MessageHintView is the data of an inbox event on the doctor's stream:
// which thread has a new message, never its content.
type MessageHintView struct {
	ThreadID uuid.UUID `json:"thread_id"`
	FromRole string    `json:"from_role"`
	At       time.Time `json:"at"`
}

// sendMessage delivers a stored message once (in seq order); on a
// patient's stream with the PIN locked, without its content.
func (st *stream) sendMessage(ctx context.Context, m db.ThreadMessage) error {
	if m.Seq <= st.chatSeq[m.ThreadID] {
		return nil
	}
	st.chatSeq[m.ThreadID] = m.Seq
	v, err := st.s.messageView(m)
	if err != nil {
		return err
	}
	if st.role == live.RolePatient {
		if !st.stillAllowed(ctx) {
			return errStreamEnded
		}
		if st.s.pinProblem(st.c) != nil {
			v.Text, v.Title, v.LinkURL, v.Locked = "", "", "", true
		}
	}
	return st.write(string(live.TypeMessage), m.ID.String(), v)
}

// deliverThread passes on a thread's events: on a thread stream the
// message itself, on the doctor's dashboard stream only a hint.
func (st *stream) deliverThread(ctx context.Context, e live.Event) error {
	switch {
	case e.Type == live.TypeThread:
		return st.write(string(e.Type), "", ThreadEventView{ThreadID: e.ThreadID, Status: e.Thread.Status,
			ReadBy: e.Thread.ReadBy, ReadSeq: e.Thread.ReadSeq, At: e.Thread.At})
	case st.thread == uuid.Nil:
		return st.write("inbox", "", MessageHintView{ThreadID: e.ThreadID, FromRole: e.Message.FromRole, At: e.Message.At})
	}
	m, err := st.s.Store.GetThreadMessage(ctx, db.GetThreadMessageParams{ID: e.Message.ID, ThreadID: e.ThreadID})
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return st.sendMessage(ctx, m)
}

// threadEvents streams one thread's live events to either side. It opens
// with the thread's state, then the messages after Last-Event-ID (none
// for a new stream: the history is GET /v1/threads/{id}).
func (s *Server) threadEvents(c *gin.Context) {
	t := threadOf(c)
	p := currentPrincipal(c)
	st, release, ok := s.newStream(c, "user:"+p.UserID.String(), partyRole(c))
	if !ok {
		return
	}
	defer release()
	st.thread = t.ID
	ctx := c.Request.Context()
	if last, err := uuid.Parse(c.GetHeader("Last-Event-ID")); err == nil {
		if m, err := s.Store.GetThreadMessage(ctx, db.GetThreadMessageParams{ID: last, ThreadID: t.ID}); err == nil {
			st.chatSeq[t.ID] = m.Seq
		}
	} else if m, err := s.Store.LatestThreadMessage(ctx, t.ID); err == nil {
		st.chatSeq[t.ID] = m.Seq
	} else if !errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, err)
		return
	}
	sub := s.Live.Subscribe(live.Filter{Thread: t.ID})
	defer sub.Close()
	resync := func(ctx context.Context) error {
		cur, err := s.Store.GetThread(ctx, t.ID)
		if err != nil {
			return err
		}
		if err := st.write(string(live.TypeThread), "", ThreadEventView{ThreadID: cur.ID, Status: cur.Status, At: s.Now().UTC()}); err != nil {
			return err
		}
		msgs, err := s.Store.ListThreadMessagesAfter(ctx, db.ListThreadMessagesAfterParams{ThreadID: t.ID, Seq: st.chatSeq[t.ID]})
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if err := st.sendMessage(ctx, m); err != nil {
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
