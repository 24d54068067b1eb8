package live

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"derma2go/db"
)

// ChatMessage is a chat message to store: its text already encrypted
// (db.FieldChat).
type ChatMessage struct {
	ConsultationID uuid.UUID
	FromRole       string
	// AuthorID is the author's account; invalid for a guest.
	AuthorID uuid.NullUUID
	TextEnc  []byte
}

// StoreChat stores a chat message in the consultation's record and
// publishes its chat event in the same transaction. The consultation's
// row is locked meanwhile, so the messages of one consultation commit in
// the order of their seq.
func StoreChat(ctx context.Context, store *db.Store, m ChatMessage) (db.ConsultationChat, error) {
	var out db.ConsultationChat
	err := store.Tx(ctx, func(q *db.Queries) error {
		row, err := q.LockConsultationLive(ctx, m.ConsultationID)
		if err != nil {
			return err
		}
		out, err = q.CreateChatMessage(ctx, db.CreateChatMessageParams{ID: uuid.New(), ConsultationID: m.ConsultationID,
			FromRole: m.FromRole, AuthorID: m.AuthorID, TextEnc: m.TextEnc})
		if err != nil {
			return err
		}
		return Publish(ctx, q, Event{Type: TypeChat, ConsultationID: m.ConsultationID, DoctorID: row.DoctorID,
			Chat: &ChatRef{ID: out.ID, FromRole: out.FromRole, At: out.CreatedAt.UTC()}})
	})
	if err != nil {
		return db.ConsultationChat{}, fmt.Errorf("live: store chat: %w", err)
	}
	return out, nil
}

// StorePresence records a heartbeat of role (with its connection grade) and
// publishes its presence event in the same transaction.
func StorePresence(ctx context.Context, store *db.Store, consultationID, doctorID uuid.UUID, role, connection string) (db.ConsultationPresence, error) {
	var out db.ConsultationPresence
	err := store.Tx(ctx, func(q *db.Queries) error {
		var err error
		out, err = q.UpsertPresence(ctx, db.UpsertPresenceParams{ConsultationID: consultationID, Role: role, Connection: connection})
		if err != nil {
			return err
		}
		return Publish(ctx, q, Event{Type: TypePresence, ConsultationID: consultationID, DoctorID: doctorID,
			Presence: &Presence{Role: role, Online: true, Connection: connection, At: out.SeenAt.UTC()}})
	})
	if err != nil {
		return db.ConsultationPresence{}, fmt.Errorf("live: store presence: %w", err)
	}
	return out, nil
}
