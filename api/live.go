package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/accounts"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/live"
	"derma2go/workflows"
)

// The chat, presence and waiting list of the live consultations (video and
// walk-in). Both sides of a consultation reach them (scopeConsultationParticipant);
// what happens is published through the live package, so every API instance
// streams it (events.go).

// ChatMessageView is a chat message as both sides see it, in the history
// and in chat events. Text is left out (Locked) on a patient's stream while
// the PIN is locked.
type ChatMessageView struct {
	ID             uuid.UUID `json:"id"`
	ConsultationID uuid.UUID `json:"consultation_id"`
	FromRole       string    `json:"from_role"`
	Text           string    `json:"text,omitempty"`
	At             time.Time `json:"at"`
	Locked         bool      `json:"locked,omitempty"`
}

type chatRequest struct {
	Text string `json:"text" validate:"required,max=2000"`
}

func (s *Server) chatView(m db.ConsultationChat) (ChatMessageView, error) {
	text, err := s.Fields.DecryptString(db.FieldChat, m.TextEnc)
	if err != nil {
		return ChatMessageView{}, err
	}
	return ChatMessageView{ID: m.ID, ConsultationID: m.ConsultationID, FromRole: m.FromRole, Text: text, At: m.CreatedAt.UTC()}, nil
}

// waitingRoomOpen reports whether a video consultation's waiting room has
// opened (from DefaultWaitingRoomOpens before the scheduled start).
func (s *Server) waitingRoomOpen(row db.Consultation) bool {
	if !row.Slot.Valid || !row.Slot.Lower.Valid {
		return false
	}
	return !s.Now().Before(row.Slot.Lower.Time.Add(-workflows.DefaultWaitingRoomOpens))
}

// postChat stores a message of either side, encrypted, while the chat is
// open (domain.ChatOpen, asked with the workflow's live status), and
// publishes it as a chat event.
func (s *Server) postChat(c *gin.Context) {
	row := consultationOf(c)
	var req chatRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	text := strings.TrimSpace(req.Text)
	if text == "" {
		fail(c, errValidation(FieldProblem{Field: "text", Reason: "must not be blank"}))
		return
	}
	st, err := s.care.LiveStatus(c, row)
	if err != nil {
		failCare(c, err)
		return
	}
	if !domain.ChatOpen(domain.ConsultationType(row.ConsultationType), st, s.waitingRoomOpen(row)) {
		fail(c, errConflict("The chat is open from the waiting room until the session ends (video and walk-in consultations)."))
		return
	}
	enc, err := s.Fields.EncryptString(db.FieldChat, text)
	if err != nil {
		fail(c, err)
		return
	}
	msg := live.ChatMessage{ConsultationID: row.ID, FromRole: partyRole(c), TextEnc: enc}
	if p := currentPrincipal(c); p != nil && !viaGuestLink(c) {
		msg.AuthorID = uuid.NullUUID{UUID: p.UserID, Valid: true}
	}
	stored, err := live.StoreChat(c, s.Store, msg)
	if err != nil {
		fail(c, err)
		return
	}
	auditSubject(c, row.PatientID.UUID, stored.ID.String())
	v, err := s.chatView(stored)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, v)
}

// listChat returns the consultation's chat in order, to either side,
// whether or not the chat is still open.
func (s *Server) listChat(c *gin.Context) {
	row := consultationOf(c)
	msgs, err := s.Store.ListChatMessages(c, row.ID)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]ChatMessageView, 0, len(msgs))
	for _, m := range msgs {
		v, err := s.chatView(m)
		if err != nil {
			fail(c, err)
			return
		}
		items = append(items, v)
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "open": s.chatOpenNow(c, row)})
}

// chatOpenNow is ChatOpen with the projected status (for display only; a
// message is judged with the live status).
func (s *Server) chatOpenNow(_ context.Context, row db.Consultation) bool {
	return domain.ChatOpen(domain.ConsultationType(row.ConsultationType), domain.Status(row.Status), s.waitingRoomOpen(row))
}

type presenceRequest struct {
	Connection string `json:"connection" validate:"required,oneof=good fair poor"`
}

// postPresence is a heartbeat of either side (the patient's waiting room,
// the doctor's consultation page) with the connection grade the client
// measured. It is stored and published; a side counts as online until
// live.OfflineAfter passes without another.
func (s *Server) postPresence(c *gin.Context) {
	row := consultationOf(c)
	var req presenceRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	typ := domain.ConsultationType(row.ConsultationType)
	if (typ != domain.TypeVideo && typ != domain.TypeWalkIn) || domain.Status(row.Status).Final() {
		fail(c, errConflict("Presence is kept for video and walk-in consultations that have not ended."))
		return
	}
	if _, err := live.StorePresence(c, s.Store, row.ID, row.DoctorID, partyRole(c), req.Connection); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// WaitingRoomItem is one consultation of the doctor's waiting list.
type WaitingRoomItem struct {
	ConsultationView
	PatientName string `json:"patient_name"`
	Guest       bool   `json:"guest"`
	// DelayMinutes is the doctor's announced delay.
	DelayMinutes int `json:"delay_minutes"`
	// PatientOnline: a heartbeat of the patient within live.OfflineAfter.
	PatientOnline     bool       `json:"patient_online"`
	PatientConnection string     `json:"patient_connection"`
	PatientSeenAt     *time.Time `json:"patient_seen_at"`
}

// waitingList is the doctor's video and walk-in consultations of today (in
// the doctor's zone) that are scheduled, or that wait or run now, with the
// patient's presence.
func (s *Server) waitingList(ctx context.Context, doctorID uuid.UUID) ([]WaitingRoomItem, []db.Consultation, error) {
	d, err := s.Store.GetDoctor(ctx, doctorID)
	if err != nil {
		return nil, nil, err
	}
	loc, err := time.LoadLocation(d.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	now := s.Now().In(loc)
	from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	rows, err := s.Store.DoctorWaitingRoom(ctx, db.DoctorWaitingRoomParams{DoctorID: doctorID, WindowFrom: from, WindowTo: from.AddDate(0, 0, 1)})
	if err != nil {
		return nil, nil, err
	}
	items := make([]WaitingRoomItem, 0, len(rows))
	shown := make([]db.Consultation, 0, len(rows))
	for _, r := range rows {
		v, err := s.consultationView(ctx, r.Consultation, false)
		if err != nil {
			return nil, nil, err
		}
		name, err := accounts.PatientName(ctx, s.Store.Queries, s.Fields, r.Consultation)
		if err != nil {
			return nil, nil, err
		}
		it := WaitingRoomItem{ConsultationView: v, PatientName: name, Guest: !r.Consultation.PatientID.Valid,
			DelayMinutes:      live.DelayMinutes(r.Consultation.Slot, r.Consultation.ExpectedStart),
			PatientConnection: live.ConnectionUnknown, PatientSeenAt: utc(r.PatientSeenAt)}
		if live.Online(r.PatientSeenAt, s.Now()) {
			it.PatientOnline, it.PatientConnection = true, r.PatientConnection.String
		}
		items = append(items, it)
		shown = append(shown, r.Consultation)
	}
	return items, shown, nil
}

// doctorWaitingRoom lists the doctor's waiting list.
func (s *Server) doctorWaitingRoom(c *gin.Context) {
	p := currentPrincipal(c)
	items, shown, err := s.waitingList(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	for _, r := range shown {
		auditListed(c, r.PatientID, r.ID.String())
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}
