package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/accounts"
	"derma2go/db"
	"derma2go/mail"
	"derma2go/media"
	"derma2go/messaging"
	"derma2go/prescribing"
	"derma2go/web"
)

// Secure messaging (package messaging): one thread per patient-doctor
// pair, reached by both (scopeThread), the patient's side behind the PIN.
// Every stored message is published as a live event, which the thread's
// event stream (GET /v1/threads/{id}/events) and the doctor's dashboard
// stream (GET /v1/doctor/events) pass on.

// Problem texts of messaging, in Dutch and English.
var (
	textNoConsultation = problemText{"No consultation yet",
		"You can send messages once you have had a consultation with this doctor (paid, or a booked visit at the practice)."}

	textThreadClosed = problemText{"Conversation closed",
		"The doctor closed this conversation: you can no longer send messages here. For a new question, book a consultation."}

	textDoctorOnly = problemText{"Doctors only",
		"Only the doctor can share documents and links or close the conversation."}

	textUnknownPrescription = problemText{"Unknown prescription",
		"This prescription does not belong to a consultation of this patient with you."}

	textNotice = problemText{"",
		"Messages are for short questions about a consultation you already had and for documents from your doctor. They are not for new medical advice or emergencies: book a consultation for that, or in an emergency call your GP or 112."}
)

// messageProblem is a messaging problem in the caller's language.
func messageProblem(c *gin.Context, status int, slug string, t problemText) error {
	return walkInProblem(c, requestLanguage(c, ""), status, slug, t)
}

// ThreadView is a thread as its lists and page show it.
type ThreadView struct {
	ID            uuid.UUID  `json:"id"`
	PatientID     uuid.UUID  `json:"patient_id"`
	DoctorID      uuid.UUID  `json:"doctor_id"`
	PatientName   string     `json:"patient_name"`
	DoctorName    string     `json:"doctor_name"`
	Status        string     `json:"status"`
	ClosedAt      *time.Time `json:"closed_at"`
	CreatedAt     time.Time  `json:"created_at"`
	LastMessageAt *time.Time `json:"last_message_at"`
	// Unread is the number of the other side's messages the caller has
	// not read.
	Unread int64 `json:"unread"`
}

// MessageView is a message as both sides see it. Text, title and link are
// left out (Locked) on a patient's stream while the PIN is locked.
type MessageView struct {
	ID             uuid.UUID  `json:"id"`
	ThreadID       uuid.UUID  `json:"thread_id"`
	Seq            int64      `json:"seq"`
	FromRole       string     `json:"from_role"`
	Kind           string     `json:"kind"`
	Text           string     `json:"text"`
	Title          string     `json:"title,omitempty"`
	LinkURL        string     `json:"link_url,omitempty"`
	FileURL        string     `json:"file_url,omitempty"`
	ContentType    string     `json:"content_type,omitempty"`
	Size           int        `json:"size,omitempty"`
	PrescriptionID *uuid.UUID `json:"prescription_id,omitempty"`
	At             time.Time  `json:"at"`
	ReadAt         *time.Time `json:"read_at"`
	Locked         bool       `json:"locked,omitempty"`
}

func (s *Server) messages() messaging.Store { return messaging.Store{DB: s.Store, Fields: s.Fields} }

func (s *Server) messageView(m db.ThreadMessage) (MessageView, error) {
	d, err := s.messages().Decrypt(m)
	if err != nil {
		return MessageView{}, err
	}
	v := MessageView{ID: d.ID, ThreadID: d.ThreadID, Seq: d.Seq, FromRole: d.FromRole, Kind: d.Kind, Text: d.Text,
		Title: d.Title, LinkURL: d.LinkURL, ContentType: d.ContentType, Size: d.Size, At: d.SentAt, ReadAt: utc(d.ReadAt)}
	if d.Kind == messaging.KindFile || d.Kind == messaging.KindPrescription {
		v.FileURL = "/v1/threads/" + d.ThreadID.String() + "/messages/" + d.ID.String() + "/file"
	}
	if d.Kind == messaging.KindPrescription {
		id := d.PrescriptionID
		v.PrescriptionID = &id
	}
	return v, nil
}

// names returns the display names of a thread's doctor and patient.
func (s *Server) threadNames(ctx context.Context, t db.MessageThread) (doctor, patient string, err error) {
	d, err := s.Store.GetDoctor(ctx, t.DoctorID)
	if err != nil {
		return "", "", err
	}
	u, err := s.Store.GetUser(ctx, t.PatientID)
	if err != nil {
		return "", "", err
	}
	pd, err := accounts.Decrypt(s.Fields, u)
	if err != nil {
		return "", "", err
	}
	return d.DisplayName, pd.Name, nil
}

func (s *Server) threadView(ctx context.Context, t db.MessageThread, unread int64) (ThreadView, error) {
	doctor, patient, err := s.threadNames(ctx, t)
	if err != nil {
		return ThreadView{}, err
	}
	return ThreadView{ID: t.ID, PatientID: t.PatientID, DoctorID: t.DoctorID, PatientName: patient, DoctorName: doctor,
		Status: t.Status, ClosedAt: utc(t.ClosedAt), CreatedAt: t.CreatedAt.UTC(), LastMessageAt: utc(t.LastMessageAt), Unread: unread}, nil
}

// failMessaging answers the rules' errors as problems.
func failMessaging(c *gin.Context, err error) {
	var fe *messaging.FieldError
	switch {
	case errors.As(err, &fe):
		fail(c, errValidation(FieldProblem{Field: fe.Field, Reason: fe.Reason}))
	case errors.Is(err, messaging.ErrNoConsultation):
		fail(c, messageProblem(c, http.StatusConflict, "no-consultation", textNoConsultation))
	case errors.Is(err, messaging.ErrClosed):
		fail(c, messageProblem(c, http.StatusConflict, "thread-closed", textThreadClosed))
	case errors.Is(err, messaging.ErrNotDoctor):
		fail(c, messageProblem(c, http.StatusForbidden, "doctor-only", textDoctorOnly))
	default:
		fail(c, err)
	}
}

type openThreadRequest struct {
	DoctorID uuid.UUID `json:"doctor_id" validate:"required"`
}

// patientThreads lists the patient's threads, and the doctors the patient
// may start one with.
func (s *Server) patientThreads(c *gin.Context) {
	p := currentPrincipal(c)
	rows, err := s.Store.PatientThreads(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]ThreadView, 0, len(rows))
	for _, r := range rows {
		v, err := s.threadView(c, r.MessageThread, r.Unread)
		if err != nil {
			fail(c, err)
			return
		}
		items = append(items, v)
		auditListed(c, uuid.NullUUID{UUID: p.UserID, Valid: true}, r.MessageThread.ID.String())
	}
	cands, err := s.Store.MessageableDoctors(c, uuid.NullUUID{UUID: p.UserID, Valid: true})
	if err != nil {
		fail(c, err)
		return
	}
	type doctorRef struct {
		ID   uuid.UUID `json:"id"`
		Name string    `json:"name"`
	}
	doctors := make([]doctorRef, 0, len(cands))
	for _, d := range cands {
		ok, err := s.messages().MayOpenPair(c, s.Store.Queries, p.UserID, d.DoctorID)
		if err != nil {
			fail(c, err)
			return
		}
		if ok {
			doctors = append(doctors, doctorRef{ID: d.DoctorID, Name: d.DisplayName})
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "doctors": doctors})
}

// openThread returns the patient's thread with a doctor (201 when it is
// new), once they have had a consultation.
func (s *Server) openThread(c *gin.Context) {
	var req openThreadRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := currentPrincipal(c)
	s.respondOpened(c, p.UserID, req.DoctorID)
}

// doctorOpenThread returns the doctor's thread with the patient of a
// consultation (201 when it is new).
func (s *Server) doctorOpenThread(c *gin.Context) {
	row := consultationOf(c)
	if !row.PatientID.Valid {
		fail(c, errConflict("A guest has no account to receive messages; write to them by email."))
		return
	}
	s.respondOpened(c, row.PatientID.UUID, row.DoctorID)
}

func (s *Server) respondOpened(c *gin.Context, patientID, doctorID uuid.UUID) {
	t, created, err := s.messages().Open(c, patientID, doctorID)
	if err != nil {
		failMessaging(c, err)
		return
	}
	auditSubject(c, patientID, t.ID.String())
	unread, err := s.Store.CountUnreadFrom(c, db.CountUnreadFromParams{ThreadID: t.ID, FromRole: otherSide(partyOf(c, t))})
	if err != nil {
		fail(c, err)
		return
	}
	v, err := s.threadView(c, t, unread)
	if err != nil {
		fail(c, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.JSON(status, v)
}

// partyOf is the caller's side of a thread.
func partyOf(c *gin.Context, t db.MessageThread) string {
	if p := currentPrincipal(c); p != nil && p.Role == RoleDoctor && p.UserID == t.DoctorID {
		return messaging.RoleDoctor
	}
	return messaging.RolePatient
}

// doctorThreads is the doctor's inbox.
func (s *Server) doctorThreads(c *gin.Context) {
	p := currentPrincipal(c)
	rows, err := s.Store.DoctorThreads(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]ThreadView, 0, len(rows))
	var unread int64
	for _, r := range rows {
		v, err := s.threadView(c, r.MessageThread, r.Unread)
		if err != nil {
			fail(c, err)
			return
		}
		items = append(items, v)
		unread += r.Unread
		auditListed(c, uuid.NullUUID{UUID: r.MessageThread.PatientID, Valid: true}, r.MessageThread.ID.String())
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "unread": unread})
}

// getThread returns a thread with its messages (the newest 500) and the
// fixed notice, in the caller's language.
func (s *Server) getThread(c *gin.Context) {
	t := threadOf(c)
	rows, err := s.Store.ListThreadMessages(c, t.ID)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]MessageView, 0, len(rows))
	var unread int64
	role := partyRole(c)
	for _, m := range rows {
		v, err := s.messageView(m)
		if err != nil {
			fail(c, err)
			return
		}
		if m.FromRole != role && m.ReadAt == nil {
			unread++
		}
		items = append(items, v)
	}
	v, err := s.threadView(c, t, unread)
	if err != nil {
		fail(c, err)
		return
	}
	lang := requestLanguage(c, "")
	notice := translate(lang, textNotice.detail)
	c.Header("Content-Language", lang)
	c.JSON(http.StatusOK, gin.H{"thread": v, "items": items, "notice": notice, "role": role,
		"can_write": messaging.MayWrite(role, t.Status) == nil})
}

type linkRequest struct {
	URL   string `json:"url" validate:"required,max=2000"`
	Title string `json:"title" validate:"max=200"`
}

type postMessageRequest struct {
	Text string `json:"text" validate:"max=2000"`
	// Link shares a web page (doctors only).
	Link *linkRequest `json:"link"`
	// PrescriptionID shares one of the pair's prescriptions (doctors only).
	PrescriptionID *uuid.UUID `json:"prescription_id"`
}

// postMessage stores a text, a link or a shared prescription.
func (s *Server) postMessage(c *gin.Context) {
	t := threadOf(c)
	var req postMessageRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	d := messaging.Draft{FromRole: partyRole(c), AuthorID: currentPrincipal(c).UserID, Kind: messaging.KindText, Text: req.Text}
	switch {
	case req.Link != nil && req.PrescriptionID != nil:
		fail(c, errValidation(FieldProblem{Field: "link", Reason: "cannot be sent together with prescription_id"}))
		return
	case req.Link != nil:
		d.Kind, d.LinkURL, d.Title = messaging.KindLink, req.Link.URL, req.Link.Title
	case req.PrescriptionID != nil:
		d.Kind, d.PrescriptionID = messaging.KindPrescription, *req.PrescriptionID
		if d.FromRole == messaging.RoleDoctor {
			if _, err := s.Store.PairPrescription(c, db.PairPrescriptionParams{ID: *req.PrescriptionID,
				PatientID: uuid.NullUUID{UUID: t.PatientID, Valid: true}, DoctorID: t.DoctorID}); errors.Is(db.Translate(err), db.ErrNotFound) {
				fail(c, messageProblem(c, http.StatusUnprocessableEntity, "unknown-prescription", textUnknownPrescription))
				return
			} else if err != nil {
				fail(c, err)
				return
			}
		}
	}
	s.post(c, t, d)
}

// post stores d in t, answers with the message and sends the recipient's
// email notice when due.
func (s *Server) post(c *gin.Context, t db.MessageThread, d messaging.Draft) {
	posted, err := s.messages().Post(c, t.ID, d)
	if err != nil {
		failMessaging(c, err)
		return
	}
	auditSubject(c, t.PatientID, posted.Message.ID.String())
	v, err := s.messageView(posted.Message)
	if err != nil {
		fail(c, err)
		return
	}
	if posted.FirstUnread {
		recipient := t.PatientID
		if d.FromRole == messaging.RolePatient {
			recipient = t.DoctorID
		}
		s.background(c, func(ctx context.Context, log *slog.Logger) {
			s.mailMessageNotice(ctx, log, recipient, t.ID, d.FromRole)
		})
	}
	c.JSON(http.StatusCreated, v)
}

// mailMessageNotice tells the recipient, if they opted in, that a message
// waits: no content, no names, only the link to the thread's page.
func (s *Server) mailMessageNotice(ctx context.Context, log *slog.Logger, recipient, threadID uuid.UUID, fromRole string) {
	set, err := s.Store.GetMessageSettings(ctx, recipient)
	if errors.Is(db.Translate(err), db.ErrNotFound) || (err == nil && !set.Email) {
		return
	}
	if err != nil {
		log.ErrorContext(ctx, "message notice: settings not read", "err", err)
		return
	}
	u, err := s.Store.GetUser(ctx, recipient)
	if err != nil {
		log.ErrorContext(ctx, "message notice: recipient not read", "err", err)
		return
	}
	d, err := accounts.Decrypt(s.Fields, u)
	if err != nil {
		log.ErrorContext(ctx, "message notice: recipient not decrypted", "err", err)
		return
	}
	links := web.Links{Base: s.PublicURL}
	link := links.Thread(threadID.String())
	if fromRole == messaging.RolePatient {
		link = links.DoctorThread(threadID.String())
	}
	msg, err := mail.Render(u.Language, mail.TemplateMessageReceived, mail.MessageReceivedData{Name: d.Name, MessagesURL: link})
	if err != nil {
		log.ErrorContext(ctx, "message notice not rendered", "err", err)
		return
	}
	msg.To = []string{d.Email}
	if err := s.Mail.Send(ctx, msg); err != nil {
		log.ErrorContext(ctx, "message notice not sent", "user_id", recipient, "err", err)
	}
}

// maxFileBody is a shared file plus the multipart framing around it.
const maxFileBody = messaging.MaxFile + 64<<10

// postFile stores a file the doctor shares (multipart: "file", "title",
// optional "text"): a PDF as sent, a JPEG or PNG re-encoded without its
// metadata; the type is sniffed from the bytes.
func (s *Server) postFile(c *gin.Context) {
	t := threadOf(c)
	fh, err := c.FormFile("file")
	if err != nil {
		if isMaxBytes(err) {
			fail(c, newProblem(http.StatusRequestEntityTooLarge, "too-large", "File too large", "A file may be at most 10 MB."))
			return
		}
		fail(c, errValidation(FieldProblem{Field: "file", Reason: "is required (multipart file field)"}))
		return
	}
	f, err := fh.Open()
	if err != nil {
		fail(c, fmt.Errorf("open upload: %w", err))
		return
	}
	data, err := io.ReadAll(io.LimitReader(f, messaging.MaxFile+1))
	f.Close()
	if err != nil || len(data) > messaging.MaxFile {
		fail(c, newProblem(http.StatusRequestEntityTooLarge, "too-large", "File too large", "A file may be at most 10 MB."))
		return
	}
	ct := http.DetectContentType(data)
	switch ct {
	case "application/pdf":
	case "image/jpeg", "image/png":
		decodeCtx, cancel := context.WithTimeout(c.Request.Context(), photoDecodeWait)
		photo, err := s.photos.Clean(decodeCtx, data)
		cancel()
		if errors.Is(err, media.ErrBusy) {
			fail(c, errUnavailable("Too many images are being processed right now; send it again in a moment."))
			return
		} else if err != nil {
			fail(c, errValidation(FieldProblem{Field: "file", Reason: "cannot be read as a JPEG or PNG image of at most 40 megapixels"}))
			return
		}
		data, ct = photo.Data, photo.ContentType
	default:
		fail(c, newProblem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported file type", "Send a PDF, JPEG or PNG file."))
		return
	}
	s.post(c, t, messaging.Draft{FromRole: partyRole(c), AuthorID: currentPrincipal(c).UserID, Kind: messaging.KindFile,
		Text: c.PostForm("text"), Title: c.PostForm("title"), File: data, ContentType: ct})
}

// messageFile serves a shared file, or a shared prescription as PDF.
func (s *Server) messageFile(c *gin.Context) {
	t := threadOf(c)
	id, err := uuid.Parse(c.Param("messageId"))
	if err != nil {
		fail(c, errNotFound("This message"))
		return
	}
	m, err := s.Store.GetThreadMessage(c, db.GetThreadMessageParams{ID: id, ThreadID: t.ID})
	if errors.Is(db.Translate(err), db.ErrNotFound) || (err == nil && m.Kind != messaging.KindFile && m.Kind != messaging.KindPrescription) {
		fail(c, errNotFound("This message's file"))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	auditSubject(c, t.PatientID, m.ID.String())
	c.Header("X-Content-Type-Options", "nosniff")
	if m.Kind == messaging.KindPrescription {
		p, err := s.Store.PairPrescription(c, db.PairPrescriptionParams{ID: m.PrescriptionID.UUID,
			PatientID: uuid.NullUUID{UUID: t.PatientID, Valid: true}, DoctorID: t.DoctorID})
		if err != nil {
			fail(c, err)
			return
		}
		pdf, err := prescribing.PDF(c, s.Store.Queries, s.Fields, p)
		if err != nil {
			fail(c, err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="prescription-`+p.ID.String()+`.pdf"`)
		c.Data(http.StatusOK, "application/pdf", pdf)
		return
	}
	data, err := s.messages().File(c, m.ID)
	if err != nil {
		fail(c, err)
		return
	}
	ext := map[string]string{"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[m.ContentType.String]
	c.Header("Content-Disposition", `attachment; filename="document-`+m.ID.String()+"."+ext+`"`)
	c.Data(http.StatusOK, m.ContentType.String, data)
}

type readRequest struct {
	// UpToSeq marks the other side's messages up to this seq read; 0 or
	// absent: all of them.
	UpToSeq int64 `json:"up_to_seq" validate:"min=0"`
}

// readThread marks the other side's messages read.
func (s *Server) readThread(c *gin.Context) {
	t := threadOf(c)
	var req readRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	n, err := s.messages().MarkRead(c, t, partyRole(c), req.UpToSeq)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"marked": n})
}

// setThreadStatus closes (open=false) or reopens the doctor's thread.
func (s *Server) setThreadStatus(open bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		t := threadOf(c)
		if partyRole(c) != messaging.RoleDoctor {
			fail(c, messageProblem(c, http.StatusForbidden, "doctor-only", textDoctorOnly))
			return
		}
		out, err := s.messages().SetStatus(c, t.ID, open)
		if err != nil {
			fail(c, err)
			return
		}
		v, err := s.threadView(c, out, 0)
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, v)
	}
}

type messageSettingsRequest struct {
	// Email: send "you have a new message" (without its content) by email.
	Email *bool `json:"email" validate:"required"`
}

// getMessageSettings returns the caller's message settings.
func (s *Server) getMessageSettings(c *gin.Context) {
	set, err := s.Store.GetMessageSettings(c, currentPrincipal(c).UserID)
	if err != nil && !errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"email": set.Email})
}

// putMessageSettings changes the caller's message settings.
func (s *Server) putMessageSettings(c *gin.Context) {
	var req messageSettingsRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	set, err := s.Store.PutMessageSettings(c, db.PutMessageSettingsParams{UserID: currentPrincipal(c).UserID, Email: *req.Email})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"email": set.Email})
}
