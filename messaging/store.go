package messaging

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/live"
	"derma2go/secure"
)

// Store keeps the threads in PostgreSQL, encrypting with Fields.
type Store struct {
	DB     *db.Store
	Fields *secure.Fields
}

// MayOpenPair reads the pair's consultations and applies MayOpen.
func (s Store) MayOpenPair(ctx context.Context, q *db.Queries, patientID, doctorID uuid.UUID) (bool, error) {
	rows, err := q.PairConsultations(ctx, db.PairConsultationsParams{PatientID: uuid.NullUUID{UUID: patientID, Valid: true}, DoctorID: doctorID})
	if err != nil {
		return false, fmt.Errorf("messaging: consultations of the pair: %w", err)
	}
	facts := make([]ConsultationFacts, 0, len(rows))
	for _, r := range rows {
		facts = append(facts, ConsultationFacts{Type: domain.ConsultationType(r.ConsultationType),
			Status: domain.Status(r.Status), Paid: r.PaidAt != nil})
	}
	return MayOpen(facts), nil
}

// Open returns the pair's thread, creating it when the pair may have one
// (created reports that); without a consultation that opens a thread it
// returns ErrNoConsultation.
func (s Store) Open(ctx context.Context, patientID, doctorID uuid.UUID) (t db.MessageThread, created bool, err error) {
	if t, err = s.DB.GetThreadByPair(ctx, db.GetThreadByPairParams{PatientID: patientID, DoctorID: doctorID}); err == nil {
		return t, false, nil
	} else if !errors.Is(db.Translate(err), db.ErrNotFound) {
		return db.MessageThread{}, false, fmt.Errorf("messaging: thread of the pair: %w", err)
	}
	ok, err := s.MayOpenPair(ctx, s.DB.Queries, patientID, doctorID)
	if err != nil {
		return db.MessageThread{}, false, err
	}
	if !ok {
		return db.MessageThread{}, false, ErrNoConsultation
	}
	id := uuid.New()
	if err := s.DB.CreateThreadIfAbsent(ctx, db.CreateThreadIfAbsentParams{ID: id, PatientID: patientID, DoctorID: doctorID}); err != nil {
		return db.MessageThread{}, false, fmt.Errorf("messaging: create thread: %w", db.Translate(err))
	}
	t, err = s.DB.GetThreadByPair(ctx, db.GetThreadByPairParams{PatientID: patientID, DoctorID: doctorID})
	if err != nil {
		return db.MessageThread{}, false, fmt.Errorf("messaging: thread of the pair: %w", err)
	}
	return t, t.ID == id, nil
}

// Posted is the result of Post.
type Posted struct {
	Message db.ThreadMessage
	// FirstUnread: the recipient had no unread message in the thread
	// before this one (the moment for an email notice).
	FirstUnread bool
}

func sealOpt(f *secure.Fields, ctx, v string) ([]byte, error) {
	if v == "" {
		return nil, nil
	}
	return f.EncryptString(ctx, v)
}

// Post stores a message (checked with Normalise and MayWrite under the
// thread's lock), its file if any, and publishes its live event, all in one
// transaction.
func (s Store) Post(ctx context.Context, threadID uuid.UUID, d Draft) (Posted, error) {
	if err := d.Normalise(); err != nil {
		return Posted{}, err
	}
	textEnc, err := s.Fields.EncryptString(db.FieldMessageText, d.Text)
	if err != nil {
		return Posted{}, err
	}
	titleEnc, err := sealOpt(s.Fields, db.FieldMessageTitle, d.Title)
	if err != nil {
		return Posted{}, err
	}
	linkEnc, err := sealOpt(s.Fields, db.FieldMessageLink, d.LinkURL)
	if err != nil {
		return Posted{}, err
	}
	var fileEnc []byte
	if d.Kind == KindFile {
		if fileEnc, err = s.Fields.Encrypt(db.FieldMessageFile, d.File); err != nil {
			return Posted{}, err
		}
	}
	var out Posted
	err = s.DB.Tx(ctx, func(q *db.Queries) error {
		t, err := q.LockThread(ctx, threadID)
		if err != nil {
			return err
		}
		if err := MayWrite(d.FromRole, t.Status); err != nil {
			return err
		}
		unread, err := q.CountUnreadFrom(ctx, db.CountUnreadFromParams{ThreadID: t.ID, FromRole: d.FromRole})
		if err != nil {
			return err
		}
		p := db.CreateThreadMessageParams{ID: uuid.New(), ThreadID: t.ID, FromRole: d.FromRole, AuthorID: d.AuthorID,
			Kind: d.Kind, TextEnc: textEnc, TitleEnc: titleEnc, LinkUrlEnc: linkEnc}
		if d.Kind == KindFile {
			p.ContentType = pgtype.Text{String: d.ContentType, Valid: true}
			p.SizeBytes = pgtype.Int4{Int32: int32(len(d.File)), Valid: true}
		}
		if d.Kind == KindPrescription {
			p.PrescriptionID = uuid.NullUUID{UUID: d.PrescriptionID, Valid: true}
		}
		m, err := q.CreateThreadMessage(ctx, p)
		if err != nil {
			return err
		}
		if fileEnc != nil {
			if err := q.CreateThreadFile(ctx, db.CreateThreadFileParams{MessageID: m.ID, DataEnc: fileEnc}); err != nil {
				return err
			}
		}
		if err := q.TouchThread(ctx, db.TouchThreadParams{ID: t.ID, LastMessageAt: &m.CreatedAt}); err != nil {
			return err
		}
		out = Posted{Message: m, FirstUnread: unread == 0}
		return live.Publish(ctx, q, live.Event{Type: live.TypeMessage, ThreadID: t.ID, DoctorID: t.DoctorID,
			Message: &live.MessageRef{ID: m.ID, Seq: m.Seq, FromRole: m.FromRole, At: m.CreatedAt.UTC()}})
	})
	if err != nil {
		return Posted{}, fmt.Errorf("messaging: post: %w", err)
	}
	return out, nil
}

// MarkRead marks the other side's messages up to seq upTo (0: all) as read
// by reader and, when any changed, publishes a thread event. It returns how
// many it marked.
func (s Store) MarkRead(ctx context.Context, t db.MessageThread, reader string, upTo int64) (int, error) {
	other := RoleDoctor
	if reader == RoleDoctor {
		other = RolePatient
	}
	if upTo <= 0 {
		upTo = 1<<63 - 1
	}
	var n int
	err := s.DB.Tx(ctx, func(q *db.Queries) error {
		ids, err := q.MarkThreadRead(ctx, db.MarkThreadReadParams{ThreadID: t.ID, FromRole: other, UpToSeq: upTo})
		if err != nil || len(ids) == 0 {
			return err
		}
		n = len(ids)
		last, err := q.LatestThreadMessage(ctx, t.ID)
		if err != nil {
			return err
		}
		return live.Publish(ctx, q, live.Event{Type: live.TypeThread, ThreadID: t.ID, DoctorID: t.DoctorID,
			Thread: &live.ThreadState{Status: t.Status, ReadBy: reader, ReadSeq: min(upTo, last.Seq), At: time.Now().UTC()}})
	})
	if err != nil {
		return 0, fmt.Errorf("messaging: mark read: %w", err)
	}
	return n, nil
}

// SetStatus closes (open=false) or reopens the thread and publishes the
// change; a thread already in that state is returned unchanged.
func (s Store) SetStatus(ctx context.Context, threadID uuid.UUID, open bool) (db.MessageThread, error) {
	var out db.MessageThread
	err := s.DB.Tx(ctx, func(q *db.Queries) error {
		t, err := q.LockThread(ctx, threadID)
		if err != nil {
			return err
		}
		if (t.Status == StatusOpen) == open {
			out = t
			return nil
		}
		if open {
			out, err = q.ReopenThread(ctx, threadID)
		} else {
			out, err = q.CloseThread(ctx, threadID)
		}
		if err != nil {
			return err
		}
		return live.Publish(ctx, q, live.Event{Type: live.TypeThread, ThreadID: out.ID, DoctorID: out.DoctorID,
			Thread: &live.ThreadState{Status: out.Status, At: time.Now().UTC()}})
	})
	if err != nil {
		return db.MessageThread{}, fmt.Errorf("messaging: set status: %w", err)
	}
	return out, nil
}

// ThreadOf turns a row into a Thread.
func ThreadOf(t db.MessageThread) Thread {
	return Thread{ID: t.ID, PatientID: t.PatientID, DoctorID: t.DoctorID, Status: t.Status, CreatedAt: t.CreatedAt.UTC(), ClosedAt: t.ClosedAt}
}

func openOpt(f *secure.Fields, ctx string, b []byte) (string, error) {
	if b == nil {
		return "", nil
	}
	return f.DecryptString(ctx, b)
}

// Decrypt opens a stored message.
func (s Store) Decrypt(m db.ThreadMessage) (Message, error) {
	text, err := s.Fields.DecryptString(db.FieldMessageText, m.TextEnc)
	if err != nil {
		return Message{}, fmt.Errorf("messaging: message %s: %w", m.ID, err)
	}
	title, err := openOpt(s.Fields, db.FieldMessageTitle, m.TitleEnc)
	if err != nil {
		return Message{}, fmt.Errorf("messaging: message %s: %w", m.ID, err)
	}
	link, err := openOpt(s.Fields, db.FieldMessageLink, m.LinkUrlEnc)
	if err != nil {
		return Message{}, fmt.Errorf("messaging: message %s: %w", m.ID, err)
	}
	return Message{ID: m.ID, ThreadID: m.ThreadID, Seq: m.Seq, FromRole: m.FromRole, AuthorID: m.AuthorID, Kind: m.Kind,
		Text: text, Title: title, LinkURL: link, ContentType: m.ContentType.String, Size: int(m.SizeBytes.Int32),
		PrescriptionID: m.PrescriptionID.UUID, SentAt: m.CreatedAt.UTC(), ReadAt: m.ReadAt}, nil
}

// File returns the decrypted bytes of a file message.
func (s Store) File(ctx context.Context, messageID uuid.UUID) ([]byte, error) {
	enc, err := s.DB.GetThreadFile(ctx, messageID)
	if err != nil {
		return nil, fmt.Errorf("messaging: file: %w", err)
	}
	return s.Fields.Decrypt(db.FieldMessageFile, enc)
}

// Load returns a thread and its messages (the newest 500, oldest first),
// decrypted: what an export of the record (FHIR Communications) needs.
func (s Store) Load(ctx context.Context, threadID uuid.UUID) (Thread, []Message, error) {
	t, err := s.DB.GetThread(ctx, threadID)
	if err != nil {
		return Thread{}, nil, fmt.Errorf("messaging: thread: %w", err)
	}
	rows, err := s.DB.ListThreadMessages(ctx, threadID)
	if err != nil {
		return Thread{}, nil, fmt.Errorf("messaging: messages: %w", err)
	}
	msgs := make([]Message, 0, len(rows))
	for _, r := range rows {
		m, err := s.Decrypt(r)
		if err != nil {
			return Thread{}, nil, err
		}
		msgs = append(msgs, m)
	}
	return ThreadOf(t), msgs, nil
}

// ThreadOfPair returns the id of the pair's thread; ok is false when they
// have none.
func (s Store) ThreadOfPair(ctx context.Context, patientID, doctorID uuid.UUID) (id uuid.UUID, ok bool, err error) {
	t, err := s.DB.GetThreadByPair(ctx, db.GetThreadByPairParams{PatientID: patientID, DoctorID: doctorID})
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return uuid.Nil, false, nil
	}
	if err != nil {
		return uuid.Nil, false, fmt.Errorf("messaging: thread of the pair: %w", err)
	}
	return t.ID, true, nil
}
