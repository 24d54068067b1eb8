package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/availability"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/schedule"
	"derma2go/secure"
	"derma2go/web"
	"derma2go/workflows"
)

// The online walk-in clinic. A doctor's walk-in hours are their
// availability rules and exceptions of type walk_in (the same model, laid
// out by availability.Windows); each window is an opening session with its
// own queue workflow. The queue is the judge of the queue (join, call,
// answer, pause, close); the consultation's own workflow of its status.

// walkInLookahead is how far ahead the next opening session is looked for.
const walkInLookahead = 8 * 24 * time.Hour

// WalkInStart is what the engine needs to start a walk-in consultation.
type WalkInStart struct {
	ConsultationID uuid.UUID
	DoctorID       uuid.UUID
	AmountCents    int64
	Opens, Closes  time.Time
	TimeZone       string
	Language       string
}

// WalkInSession names one opening session of a doctor (its queue).
type WalkInSession struct {
	DoctorID uuid.UUID
	Opens    time.Time
	// Closes is needed only to start a queue nobody joined yet (closing
	// such a session early).
	Closes time.Time
}

// WalkInEngine is the part of the Engine the walk-in clinic uses.
type WalkInEngine interface {
	// StartWalkIn starts the consultation's workflow and returns the
	// checkout URL.
	StartWalkIn(ctx context.Context, in WalkInStart) (checkoutURL string, err error)
	// WalkInQueue queries a session's queue; ok is false when nobody has
	// joined it yet.
	WalkInQueue(ctx context.Context, q WalkInSession) (st workflows.WalkInQueueState, ok bool, err error)
	// WalkInAct sends a queue Update and decodes its result into out;
	// ErrRejected when the queue refuses (or nobody joined the session:
	// except UpdateWalkInClose, which closes it all the same).
	WalkInAct(ctx context.Context, q WalkInSession, name string, arg, out any) error
}

var (
	textWalkInNotOffered = problemText{"Walk-in not offered",
		"This doctor does not hold an online walk-in clinic."}

	textWalkInClosed = problemText{"Walk-in closed",
		"This doctor's online walk-in clinic is closed now.%s"}

	textWalkInClosedEarly = problemText{"Walk-in closed",
		"The doctor closed today's walk-in clinic early.%s"}

	textWalkInFull = problemText{"Walk-in queue full",
		"The queue is full: your turn would come after closing time (%s). Nothing has been charged."}

	textWalkInNoSession = problemText{"No walk-in session open",
		"No walk-in session is open now."}

	textWalkInNextOpens = problemText{"", " The next walk-in session starts %s."}
)

// walkInProblem is the problem t in lang (fail translates it).
func walkInProblem(_ *gin.Context, lang string, status int, slug string, t problemText, args ...any) error {
	return newProblem(status, slug, t.title, t.detail, args...).inLanguage(lang)
}

// requestLanguage is the language to answer in: the request's choice, the
// user's, the first of Accept-Language we speak, Dutch.
func requestLanguage(c *gin.Context, chosen string) string {
	if chosen == "nl" || chosen == "en" {
		return chosen
	}
	if p := currentPrincipal(c); p != nil && (p.Language == "nl" || p.Language == "en") {
		return p.Language
	}
	for _, part := range strings.Split(c.GetHeader("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "nl"):
			return "nl"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return string(domain.LanguageDutch)
}

// walkInSchedule is a doctor's walk-in schedule around now.
type walkInSchedule struct {
	doctor  *schedule.Doctor
	fee     db.DoctorFee
	offered bool
	// current is the session open now (open) or the next one (ok).
	current  availability.Interval
	open, ok bool
	next     availability.Interval
	nextOK   bool
	windows  []availability.Interval
	zoneName string
}

// loadWalkIn reads a doctor's walk-in hours and fee; found is false for an
// unknown doctor.
func (s *Server) loadWalkIn(ctx context.Context, doctorID uuid.UUID, now time.Time) (*walkInSchedule, bool, error) {
	doctors, err := schedule.Load(ctx, s.Store.Queries, []uuid.UUID{doctorID}, now.Add(-24*time.Hour), now.Add(walkInLookahead))
	if err != nil {
		return nil, false, err
	}
	d, ok := doctors[doctorID]
	if !ok {
		return nil, false, nil
	}
	ws := &walkInSchedule{doctor: d, zoneName: d.Row.TimeZone}
	ws.fee, ws.offered = d.Fee(string(domain.TypeWalkIn))
	ws.windows, err = availability.Windows(availability.Query{Rules: d.Rules, Exceptions: d.Exceptions,
		Type: availability.TypeWalkIn, Zone: d.Zone, From: now, To: now.Add(walkInLookahead)})
	if err != nil {
		return nil, false, err
	}
	ws.current, ws.open, ws.ok = availability.OpenAt(ws.windows, now)
	if ws.ok {
		ws.next, _, ws.nextOK = availability.OpenAt(ws.windows, ws.current.End)
	}
	return ws, true, nil
}

// nextOpening is the sentence naming the next session after the current
// one (or the next one when closed), in the doctor's zone.
func (ws *walkInSchedule) nextOpening(lang string) string {
	at, ok := ws.current.Start, ws.ok && !ws.open
	if ws.open {
		at, ok = ws.next.Start, ws.nextOK
	}
	if !ok {
		return ""
	}
	local := at.In(ws.doctor.Zone).Format("2006-01-02 15:04")
	return fmt.Sprintf(translate(lang, textWalkInNextOpens.detail), local)
}

func (ws *walkInSchedule) session() WalkInSession {
	return WalkInSession{DoctorID: ws.doctor.Row.UserID, Opens: ws.current.Start, Closes: ws.current.End}
}

// WalkInView is a doctor's walk-in clinic as the public sees it.
type WalkInView struct {
	DoctorID uuid.UUID `json:"doctor_id"`
	Offered  bool      `json:"offered"`
	// Open: a session is open now and takes patients.
	Open bool `json:"open"`
	// OpensAt and ClosesAt: the session open now, or else the next one.
	OpensAt  *time.Time `json:"opens_at"`
	ClosesAt *time.Time `json:"closes_at"`
	TimeZone string     `json:"time_zone"`
	// AmountCents is the walk-in fee, paid before joining.
	AmountCents int32  `json:"amount_cents"`
	Currency    string `json:"currency"`
	QueueLength int    `json:"queue_length"`
	// ETA is when a patient joining now is expected to be called, and
	// WaitMinutes how long that is from now (open sessions only).
	ETA                   *time.Time `json:"eta"`
	WaitMinutes           *int       `json:"wait_minutes"`
	AverageSessionMinutes *int       `json:"average_session_minutes"`
	Paused                bool       `json:"paused"`
	ClosedEarly           bool       `json:"closed_early"`
}

// walkInView builds the public view; the queue is asked only while open.
func (s *Server) walkInView(ctx context.Context, ws *walkInSchedule, now time.Time) (WalkInView, *workflows.WalkInQueueState, error) {
	v := WalkInView{DoctorID: ws.doctor.Row.UserID, Offered: ws.offered, TimeZone: ws.zoneName, Currency: "EUR"}
	if !ws.offered {
		return v, nil, nil
	}
	v.AmountCents = ws.fee.AmountCents
	if ws.ok {
		v.OpensAt, v.ClosesAt = &ws.current.Start, &ws.current.End
	}
	if !ws.open {
		return v, nil, nil
	}
	v.Open = true
	st, found, err := s.Engine.WalkInQueue(ctx, ws.session())
	if err != nil {
		return v, nil, err
	}
	if !found {
		est := time.Duration(ws.fee.DurationMinutes) * time.Minute
		if est <= 0 {
			est = workflows.DefaultWalkInSessionLength
		}
		st = workflows.WalkInQueueState{Opens: ws.current.Start, Closes: ws.current.End, Waiting: []workflows.WalkInPosition{},
			AverageSession: est, NewPatientETA: now.UTC()}
	}
	v.QueueLength = len(st.Waiting)
	v.Paused, v.ClosedEarly = st.Paused, st.ClosedEarly
	if st.Closed {
		v.Open = false
		return v, &st, nil
	}
	eta := st.NewPatientETA.UTC()
	wait := max(int(eta.Sub(now).Round(time.Minute)/time.Minute), 0)
	avg := int(st.AverageSession.Round(time.Minute) / time.Minute)
	v.ETA, v.WaitMinutes, v.AverageSessionMinutes = &eta, &wait, &avg
	return v, &st, nil
}

// doctorWalkIn is GET /v1/doctors/{id}/walk-in.
func (s *Server) doctorWalkIn(c *gin.Context) {
	id, ok := s.shownDoctor(c)
	if !ok {
		return
	}
	now := s.Now()
	ws, found, err := s.loadWalkIn(c, id, now)
	if err != nil {
		fail(c, err)
		return
	}
	if !found {
		fail(c, errNotFound("This doctor"))
		return
	}
	v, _, err := s.walkInView(c, ws, now)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// bookWalkIn creates a walk-in consultation during an open session: guests
// allowed, paid at once, queued by the workflow on payment.
func (s *Server) bookWalkIn(c *gin.Context, req createConsultationRequest, p *principal) {
	switch {
	case p == nil && req.GuestEmail == "":
		fail(c, errValidation(FieldProblem{Field: "guest_email", Reason: "is required without a login"}))
		return
	case p != nil && p.Role != RolePatient:
		fail(c, errForbidden("Only patients book consultations."))
		return
	case p != nil && req.GuestEmail != "":
		fail(c, errValidation(FieldProblem{Field: "guest_email", Reason: "must be empty when logged in"}))
		return
	case req.SlotStart != nil:
		fail(c, errValidation(FieldProblem{Field: "slot_start", Reason: "must be empty: a walk-in joins the queue of the session open now"}))
		return
	}
	lang := requestLanguage(c, req.Language)
	now := s.Now()
	doctorID := uuid.MustParse(req.DoctorID)
	ws, found, err := s.loadWalkIn(c, doctorID, now)
	if err != nil {
		fail(c, err)
		return
	}
	if !found {
		fail(c, errValidation(FieldProblem{Field: "doctor_id", Reason: "is not a known doctor"}))
		return
	}
	if !ws.offered {
		fail(c, walkInProblem(c, lang, http.StatusUnprocessableEntity, "walk-in-not-offered", textWalkInNotOffered))
		return
	}
	if err := s.checkPayable(c, doctorID, req.Type, lang); err != nil {
		fail(c, err)
		return
	}
	if !ws.open {
		fail(c, walkInProblem(c, lang, http.StatusConflict, "walk-in-closed", textWalkInClosed, ws.nextOpening(lang)))
		return
	}
	_, queue, err := s.walkInView(c, ws, now)
	if err != nil {
		fail(c, err)
		return
	}
	if queue != nil && queue.Closed {
		fail(c, walkInProblem(c, lang, http.StatusConflict, "walk-in-closed", textWalkInClosedEarly, ws.nextOpening(lang)))
		return
	}
	if queue != nil && !queue.NewPatientETA.Before(ws.current.End) {
		fail(c, walkInProblem(c, lang, http.StatusConflict, "walk-in-full", textWalkInFull,
			ws.current.End.In(ws.doctor.Zone).Format("15:04")))
		return
	}
	params := db.CreateConsultationParams{
		ID: uuid.New(), DoctorID: doctorID, ConsultationType: req.Type,
		Status: statusAwaitingPayment, Language: lang, AmountCents: ws.fee.AmountCents,
	}
	if p != nil {
		params.PatientID = uuid.NullUUID{UUID: p.UserID, Valid: true}
	} else {
		email := secure.NormaliseLookup(req.GuestEmail)
		if params.GuestEmailEnc, err = s.Fields.EncryptString(db.FieldGuestEmail, email); err != nil {
			fail(c, err)
			return
		}
		params.GuestEmailHash = s.Fields.Lookup(db.FieldGuestEmail, email)
	}
	opens, closes := ws.current.Start, ws.current.End
	err = s.Store.Tx(c, func(q *db.Queries) error {
		if _, err := q.CreateConsultation(c, params); err != nil {
			return err
		}
		if err := q.SetWalkInSession(c, db.SetWalkInSessionParams{ID: params.ID, Opens: &opens, Closes: &closes}); err != nil {
			return err
		}
		return attachIdempotency(c, q, params.ID)
	})
	if err != nil {
		fail(c, err)
		return
	}
	auditSubject(c, params.PatientID.UUID, params.ID.String())
	checkout, err := s.Engine.StartWalkIn(c, WalkInStart{ConsultationID: params.ID, DoctorID: doctorID,
		AmountCents: int64(ws.fee.AmountCents), Opens: opens, Closes: closes, TimeZone: ws.zoneName, Language: lang})
	if err != nil {
		ctx := context.WithoutCancel(c.Request.Context())
		if !keepForRetry(c, err) {
			if delErr := s.Store.DeleteConsultation(ctx, params.ID); delErr != nil {
				err = errors.Join(err, delErr)
			}
		}
		fail(c, fmt.Errorf("start walk-in %s: %w", params.ID, err))
		return
	}
	out := ConsultationCreated{ID: params.ID, Status: statusAwaitingPayment, CheckoutURL: checkout}
	if p == nil {
		out.AccessToken = s.Links.Sign(guestLinkPurpose, params.ID.String(), s.Now().Add(guestLinkLifetime))
		out.AccessLink = web.Links{Base: s.PublicURL}.Consultation(params.ID.String(), out.AccessToken)
	}
	c.Set(ctxCreated, out)
	c.JSON(http.StatusCreated, out)
}

// ConsultationWalkIn is the walk-in part of a consultation's view.
type ConsultationWalkIn struct {
	OpensAt  time.Time `json:"opens_at"`
	ClosesAt time.Time `json:"closes_at"`
	// Place is waiting, called, in_session or gone (out of the queue);
	// unknown while the queue cannot be asked.
	Place string `json:"place"`
	// Position (1 = next) and ETA while waiting; AnswerBy while called.
	Position *int       `json:"position"`
	ETA      *time.Time `json:"eta"`
	AnswerBy *time.Time `json:"answer_by"`
	Skips    int        `json:"skips"`
	// Reason says why a cancelled walk-in left the queue (refunded in
	// full): ReasonWalkInAbsent or ReasonWalkInClosed; empty otherwise.
	Reason string `json:"reason,omitempty"`
}

// walkInSessionOf is the session a walk-in consultation was paid for.
func walkInSessionOf(row db.Consultation) (WalkInSession, bool) {
	if row.ConsultationType != string(domain.TypeWalkIn) || row.WalkinOpens == nil || row.WalkinCloses == nil {
		return WalkInSession{}, false
	}
	return WalkInSession{DoctorID: row.DoctorID, Opens: row.WalkinOpens.UTC(), Closes: row.WalkinCloses.UTC()}, true
}

// consultationWalkIn adds the live place in the queue while the patient
// waits (the queue's query); a queue that does not answer leaves the place
// unknown rather than failing the page.
func (s *Server) consultationWalkIn(ctx context.Context, row db.Consultation) *ConsultationWalkIn {
	sess, ok := walkInSessionOf(row)
	if !ok {
		return nil
	}
	v := &ConsultationWalkIn{OpensAt: sess.Opens, ClosesAt: sess.Closes, Place: string(workflows.PlaceGone)}
	if row.Status == string(domain.StatusCancelled) &&
		(row.StatusReason == workflows.ReasonWalkInAbsent || row.StatusReason == workflows.ReasonWalkInClosed) {
		v.Reason = row.StatusReason
	}
	if st := domain.Status(row.Status); st == domain.StatusAwaitingPayment {
		v.Place = "not_joined"
		return v
	} else if st == domain.StatusInSession {
		v.Place = string(workflows.PlaceInSession)
		return v
	} else if !domain.WalkInWaiting(st) && st.Final() {
		return v
	}
	q, found, err := s.Engine.WalkInQueue(ctx, sess)
	if err != nil || !found {
		v.Place = "unknown"
		return v
	}
	pos := q.Position(row.ID.String())
	v.Place, v.Skips = string(pos.Place), pos.Skips
	if pos.Position > 0 {
		n := pos.Position
		v.Position = &n
	}
	v.ETA, v.AnswerBy = utc(pos.ETA), utc(pos.AnswerBy)
	return v
}

// answerWalkIn is the patient's answer to the doctor's call: the session
// starts (the queue decides whether the call still stands).
func (s *Server) answerWalkIn(c *gin.Context) {
	row := consultationOf(c)
	sess, ok := walkInSessionOf(row)
	if !ok {
		fail(c, errConflict("Only a walk-in consultation answers a call."))
		return
	}
	var st workflows.WalkInQueueState
	err := s.Engine.WalkInAct(c, sess, workflows.UpdateWalkInAnswer, workflows.WalkInAnswer{ConsultationID: row.ID.String()}, &st)
	if err != nil {
		failWalkIn(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": row.ID, "place": st.Position(row.ID.String()).Place})
}

// failWalkIn answers a queue refusal with 409 and its reason.
func failWalkIn(c *gin.Context, err error) {
	if errors.Is(err, ErrRejected) {
		fail(c, errConflict(strings.TrimPrefix(strings.TrimPrefix(err.Error(), ErrRejected.Error()), ": ")))
		return
	}
	fail(c, err)
}

type walkInHoursBody struct {
	Rules      []walkInRuleBody      `json:"rules" validate:"max=100,dive"`
	Exceptions []walkInExceptionBody `json:"exceptions" validate:"max=366,dive"`
}

type walkInRuleBody struct {
	Weekday int    `json:"weekday" validate:"gte=0,lte=6"`
	Start   string `json:"start" validate:"required,len=5"`
	End     string `json:"end" validate:"required,len=5"`
}

type walkInExceptionBody struct {
	Day   string `json:"day" validate:"required,len=10"`
	Kind  string `json:"kind" validate:"required,oneof=off extra"`
	Start string `json:"start,omitempty" validate:"omitempty,len=5"`
	End   string `json:"end,omitempty" validate:"omitempty,len=5"`
}

// WalkInSessionView is one opening session.
type WalkInSessionView struct {
	OpensAt  time.Time `json:"opens_at"`
	ClosesAt time.Time `json:"closes_at"`
}

// getWalkInHours returns the doctor's walk-in hours and the sessions they
// make in the coming week.
func (s *Server) getWalkInHours(c *gin.Context) {
	doctor := currentPrincipal(c).UserID
	rules, err := s.Store.ListWalkInRules(c, doctor)
	if err != nil {
		fail(c, err)
		return
	}
	exceptions, err := s.Store.ListWalkInExceptions(c, doctor)
	if err != nil {
		fail(c, err)
		return
	}
	out := gin.H{}
	rb, eb := []walkInRuleBody{}, []walkInExceptionBody{}
	for _, r := range rules {
		ar := schedule.RuleOf(r)
		rb = append(rb, walkInRuleBody{Weekday: int(ar.Weekday), Start: ar.Start.String(), End: ar.End.String()})
	}
	for _, e := range exceptions {
		ae := schedule.ExceptionOf(e)
		b := walkInExceptionBody{Day: ae.Day.String(), Kind: ae.Kind}
		if e.StartTime.Valid {
			b.Start, b.End = ae.Start.String(), ae.End.String()
		}
		eb = append(eb, b)
	}
	out["rules"], out["exceptions"] = rb, eb
	now := s.Now()
	ws, found, err := s.loadWalkIn(c, doctor, now)
	if err != nil {
		fail(c, err)
		return
	}
	sessions := []WalkInSessionView{}
	if found {
		out["time_zone"] = ws.zoneName
		for _, w := range ws.windows {
			if w.Start.Before(now.Add(7 * 24 * time.Hour)) {
				sessions = append(sessions, WalkInSessionView{OpensAt: w.Start, ClosesAt: w.End})
			}
		}
	}
	out["sessions"] = sessions
	c.JSON(http.StatusOK, out)
}

// putWalkInHours replaces the doctor's walk-in rules and exceptions (and
// only those) in one transaction, validated as availability of type walk_in.
func (s *Server) putWalkInHours(c *gin.Context) {
	var req walkInHoursBody
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	as := availabilityBody{}
	for _, r := range req.Rules {
		as.Rules = append(as.Rules, ruleBody{Type: availability.TypeWalkIn, Weekday: r.Weekday, Start: r.Start, End: r.End})
	}
	for _, e := range req.Exceptions {
		as.Exceptions = append(as.Exceptions, exceptionBody{Day: e.Day, Kind: e.Kind, Type: availability.TypeWalkIn, Start: e.Start, End: e.End})
	}
	rules, exceptions, err := parseAvailability(as)
	if err != nil {
		fail(c, err)
		return
	}
	doctor := currentPrincipal(c).UserID
	err = s.Store.Tx(c, func(q *db.Queries) error {
		if err := q.DeleteWalkInRules(c, doctor); err != nil {
			return err
		}
		if err := q.DeleteWalkInExceptions(c, doctor); err != nil {
			return err
		}
		return insertAvailability(c, q, doctor, rules, exceptions)
	})
	if err != nil {
		fail(c, err)
		return
	}
	s.getWalkInHours(c)
}

// DoctorWalkInView is the doctor's view of the walk-in session open now.
type DoctorWalkInView struct {
	Open        bool       `json:"open"`
	OpensAt     *time.Time `json:"opens_at"`
	ClosesAt    *time.Time `json:"closes_at"`
	Paused      bool       `json:"paused"`
	Closed      bool       `json:"closed"`
	ClosedEarly bool       `json:"closed_early"`
	// Waiting is the queue in order; Called the patient called and not
	// yet answering; InSession the patient being seen.
	Waiting               []DoctorWalkInEntry `json:"waiting"`
	Called                *DoctorWalkInEntry  `json:"called"`
	InSession             *DoctorWalkInEntry  `json:"in_session"`
	AverageSessionMinutes *int                `json:"average_session_minutes"`
	MeasuredSessions      int                 `json:"measured_sessions"`
}

// DoctorWalkInEntry is one patient of the doctor's queue.
type DoctorWalkInEntry struct {
	ConsultationID string     `json:"consultation_id"`
	Position       int        `json:"position,omitempty"`
	ETA            *time.Time `json:"eta,omitempty"`
	AnswerBy       *time.Time `json:"answer_by,omitempty"`
	Skips          int        `json:"skips"`
}

func entryOf(p workflows.WalkInPosition) DoctorWalkInEntry {
	return DoctorWalkInEntry{ConsultationID: p.ConsultationID, Position: p.Position, ETA: utc(p.ETA), AnswerBy: utc(p.AnswerBy), Skips: p.Skips}
}

func doctorWalkInView(ws *walkInSchedule, st *workflows.WalkInQueueState) DoctorWalkInView {
	v := DoctorWalkInView{Waiting: []DoctorWalkInEntry{}, Open: ws.open}
	if ws.ok {
		v.OpensAt, v.ClosesAt = &ws.current.Start, &ws.current.End
	}
	if st == nil {
		return v
	}
	v.Paused, v.Closed, v.ClosedEarly = st.Paused, st.Closed, st.ClosedEarly
	v.Open = ws.open && !st.Closed
	for _, p := range st.Waiting {
		v.Waiting = append(v.Waiting, entryOf(p))
	}
	if st.Called != nil {
		e := entryOf(*st.Called)
		v.Called = &e
	}
	if st.InSession != nil {
		e := entryOf(*st.InSession)
		v.InSession = &e
	}
	avg := int(st.AverageSession.Round(time.Minute) / time.Minute)
	v.AverageSessionMinutes, v.MeasuredSessions = &avg, st.MeasuredSessions
	return v
}

// doctorWalkInQueue is GET /v1/doctor/walk-in: the session open now and
// its queue.
func (s *Server) doctorWalkInQueue(c *gin.Context) {
	now := s.Now()
	ws, _, err := s.loadWalkIn(c, currentPrincipal(c).UserID, now)
	if err != nil {
		fail(c, err)
		return
	}
	var st *workflows.WalkInQueueState
	if ws.open {
		q, found, err := s.Engine.WalkInQueue(c, ws.session())
		if err != nil {
			fail(c, err)
			return
		}
		if found {
			st = &q
		}
	}
	c.JSON(http.StatusOK, doctorWalkInView(ws, st))
}

// walkInAct is a doctor's action on the session open now (call next,
// pause, resume, close early); the queue's validator decides.
func (s *Server) walkInAct(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		now := s.Now()
		lang := requestLanguage(c, "")
		ws, _, err := s.loadWalkIn(c, currentPrincipal(c).UserID, now)
		if err != nil {
			fail(c, err)
			return
		}
		if !ws.open {
			fail(c, walkInProblem(c, lang, http.StatusConflict, "walk-in-closed", textWalkInNoSession))
			return
		}
		var called workflows.WalkInCallResult
		var st workflows.WalkInQueueState
		out := any(&st)
		if name == workflows.UpdateWalkInCallNext {
			out = &called
		}
		if err := s.Engine.WalkInAct(c, ws.session(), name, nil, out); err != nil {
			failWalkIn(c, err)
			return
		}
		if name == workflows.UpdateWalkInCallNext {
			q, _, err := s.Engine.WalkInQueue(c, ws.session())
			if err != nil {
				fail(c, err)
				return
			}
			st = q
		}
		v := doctorWalkInView(ws, &st)
		if name == workflows.UpdateWalkInCallNext {
			c.JSON(http.StatusOK, gin.H{"called": called.ConsultationID, "answer_by": called.AnswerBy.UTC(), "queue": v})
			return
		}
		c.JSON(http.StatusOK, v)
	}
}
