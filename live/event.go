// Package live carries the live events of consultations (status changes,
// doctor delays, chat, presence, walk-in queue positions) from whoever
// causes them to every API instance that serves a client of that
// consultation or doctor.
//
// Events travel through PostgreSQL LISTEN/NOTIFY on one channel
// (Channel). Publishing is a pg_notify in the transaction that changes the
// record, so an event goes out if and only if the change commits, and every
// API instance hears it: each process holds one listener connection (Hub)
// and fans the events out in memory to its subscribers (the open
// Server-Sent Event streams). A payload carries ids and small fields only,
// never chat text, so it stays far below PostgreSQL's 8000-byte limit; a
// stream reads a chat message from the record when it delivers it.
//
// A subscriber may miss events: the listener connection drops (the hub
// reconnects and tells every subscriber to resync) or the subscriber is too
// slow (its buffer is full: it is told to resync). Resyncing means reading
// the current state from the record again; events are hints, the record is
// the truth.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"derma2go/db"
)

// Channel is the NOTIFY channel of every live event.
const Channel = "derma_live"

// MaxPayload bounds the JSON of one event. PostgreSQL refuses payloads of
// 8000 bytes and more; events are ids and small fields, far below this.
const MaxPayload = 2000

// Type is the kind of a live event; it is also the SSE event name.
type Type string

// Event types.
const (
	// TypeStatus: the consultation's status changed (Status).
	TypeStatus Type = "status"
	// TypeDelay: the doctor announced a delay (Delay).
	TypeDelay Type = "delay"
	// TypeChat: a chat message was stored (Chat: its id, not its text).
	TypeChat Type = "chat"
	// TypePresence: a side of the consultation sent a heartbeat (Presence).
	TypePresence Type = "presence"
	// TypeQueue: a walk-in patient's queue position or ETA changed (Queue).
	TypeQueue Type = "queue"
	// TypeMessage: a message was stored in a patient-doctor thread
	// (Message: its id, not its content). Events of threads name ThreadID
	// instead of ConsultationID.
	TypeMessage Type = "message"
	// TypeThread: a thread was closed, reopened or read (Thread).
	TypeThread Type = "thread"
	// TypeWaitlistOffer: a freed slot is offered to a waitlisted patient
	// (WaitlistOffer); the event names the patient, not a consultation.
	TypeWaitlistOffer Type = "waitlist_offer"
)

// Roles of the two sides of a consultation (chat authors, presence).
const (
	RolePatient = "patient"
	RoleDoctor  = "doctor"
)

// Connection grades a client reports with its heartbeat; ConnectionUnknown
// is shown for a side that is offline or never graded its connection.
const (
	ConnectionGood    = "good"
	ConnectionFair    = "fair"
	ConnectionPoor    = "poor"
	ConnectionUnknown = "unknown"
)

// Event is one live event. Exactly the field of its Type is set.
type Event struct {
	Type           Type      `json:"type"`
	ConsultationID uuid.UUID `json:"consultation_id"`
	DoctorID       uuid.UUID `json:"doctor_id"`
	Status         *Status   `json:"status,omitempty"`
	Delay          *Delay    `json:"delay,omitempty"`
	Chat           *ChatRef  `json:"chat,omitempty"`
	Presence       *Presence `json:"presence,omitempty"`
	Queue          *Queue    `json:"queue,omitempty"`
	// ThreadID names the message thread of TypeMessage and TypeThread
	// events (which have no ConsultationID).
	ThreadID uuid.UUID    `json:"thread_id,omitzero"`
	Message  *MessageRef  `json:"message,omitempty"`
	Thread   *ThreadState `json:"thread,omitempty"`
	// PatientID names the patient of an event that belongs to no
	// consultation yet (TypeWaitlistOffer).
	PatientID     uuid.UUID      `json:"patient_id,omitzero"`
	WaitlistOffer *WaitlistOffer `json:"waitlist_offer,omitempty"`
}

// MessageRef is the payload of TypeMessage: which message was stored, by
// which side.
type MessageRef struct {
	ID       uuid.UUID `json:"id"`
	Seq      int64     `json:"seq"`
	FromRole string    `json:"from_role"`
	At       time.Time `json:"at"`
}

// ThreadState is the payload of TypeThread: the thread's status, and which
// side read the other's messages up to ReadSeq (0: no read).
type ThreadState struct {
	Status  string    `json:"status"`
	ReadBy  string    `json:"read_by,omitempty"`
	ReadSeq int64     `json:"read_seq,omitempty"`
	At      time.Time `json:"at"`
}

// Status is the payload of TypeStatus.
type Status struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

// Delay is the payload of TypeDelay: the whole announced delay and the
// expected start it gives.
type Delay struct {
	Minutes       int        `json:"minutes"`
	ExpectedStart *time.Time `json:"expected_start,omitempty"`
	At            time.Time  `json:"at"`
}

// ChatRef is the payload of TypeChat: which message was stored, by whom.
type ChatRef struct {
	ID       uuid.UUID `json:"id"`
	FromRole string    `json:"from_role"`
	At       time.Time `json:"at"`
}

// Presence is the payload of TypePresence: a heartbeat of Role. Online is
// false when a side says it leaves.
type Presence struct {
	Role       string    `json:"role"`
	Online     bool      `json:"online"`
	Connection string    `json:"connection"`
	At         time.Time `json:"at"`
}

// Queue is the payload of TypeQueue.
type Queue struct {
	Position   int `json:"position"`
	ETAMinutes int `json:"eta_minutes"`
}

// ErrTooLarge is returned when an event does not fit MaxPayload.
var ErrTooLarge = errors.New("live: event payload too large")

// validate checks that the event names its consultation and doctor and
// carries the one payload of its type.
func (e Event) validate() error {
	threadEvent := e.Type == TypeMessage || e.Type == TypeThread
	switch {
	case e.Type == TypeWaitlistOffer:
		if e.PatientID == uuid.Nil || e.DoctorID == uuid.Nil || e.ConsultationID != uuid.Nil || e.ThreadID != uuid.Nil {
			return errors.New("live: waitlist event without its patient or doctor")
		}
	case e.DoctorID == uuid.Nil || (threadEvent && (e.ThreadID == uuid.Nil || e.ConsultationID != uuid.Nil)) ||
		(!threadEvent && (e.ConsultationID == uuid.Nil || e.ThreadID != uuid.Nil)):
		return errors.New("live: event without its consultation or thread, or doctor")
	}
	set := 0
	for _, p := range []bool{e.Status != nil, e.Delay != nil, e.Chat != nil, e.Presence != nil, e.Queue != nil,
		e.Message != nil, e.Thread != nil, e.WaitlistOffer != nil} {
		if p {
			set++
		}
	}
	ok := set == 1
	switch e.Type {
	case TypeStatus:
		ok = ok && e.Status != nil
	case TypeDelay:
		ok = ok && e.Delay != nil
	case TypeChat:
		ok = ok && e.Chat != nil
	case TypePresence:
		ok = ok && e.Presence != nil
	case TypeQueue:
		ok = ok && e.Queue != nil
	case TypeMessage:
		ok = ok && e.Message != nil
	case TypeThread:
		ok = ok && e.Thread != nil
	case TypeWaitlistOffer:
		ok = ok && e.WaitlistOffer != nil
	default:
		ok = false
	}
	if !ok {
		return fmt.Errorf("live: event of type %q with the wrong payload", e.Type)
	}
	return nil
}

// Encode returns the event's NOTIFY payload.
func (e Event) Encode() (string, error) {
	if err := e.validate(); err != nil {
		return "", err
	}
	b, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("live: encode: %w", err)
	}
	if len(b) > MaxPayload {
		return "", fmt.Errorf("%w: %d bytes", ErrTooLarge, len(b))
	}
	return string(b), nil
}

// Decode parses a NOTIFY payload.
func Decode(payload string) (Event, error) {
	var e Event
	if err := json.Unmarshal([]byte(payload), &e); err != nil {
		return Event{}, fmt.Errorf("live: decode: %w", err)
	}
	if err := e.validate(); err != nil {
		return Event{}, err
	}
	return e, nil
}

// Publish sends ev on Channel through q. Inside a transaction (q from
// db.Store.Tx) it is delivered when the transaction commits and never if it
// rolls back.
func Publish(ctx context.Context, q *db.Queries, ev Event) error {
	payload, err := ev.Encode()
	if err != nil {
		return err
	}
	if err := q.NotifyLive(ctx, payload); err != nil {
		return fmt.Errorf("live: notify: %w", err)
	}
	return nil
}

// PublishQueue tells the walk-in patient of consultationID (with doctor
// doctorID) their queue position (1 = next) and the estimated wait. Call it
// in the transaction that records the queue change, so the event goes out
// only if the change is stored.
func PublishQueue(ctx context.Context, q *db.Queries, consultationID, doctorID uuid.UUID, position, etaMinutes int) error {
	if position < 0 || etaMinutes < 0 {
		return fmt.Errorf("live: queue position %d, eta %d: must not be negative", position, etaMinutes)
	}
	return Publish(ctx, q, Event{Type: TypeQueue, ConsultationID: consultationID, DoctorID: doctorID,
		Queue: &Queue{Position: position, ETAMinutes: etaMinutes}})
}
