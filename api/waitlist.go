package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/live"
	"derma2go/waitlist"
	"derma2go/workflows"
)

// WaitlistEngine is the part of the Engine the waitlist uses.
type WaitlistEngine interface {
	// AnswerWaitlistOffer sends UpdateWaitlistAccept or
	// UpdateWaitlistDecline to the chain workflowID; ErrRejected when the
	// offer is no longer open.
	AnswerWaitlistOffer(ctx context.Context, workflowID, update string, offerID uuid.UUID) error
	// WaitlistBooked tells the chain that the accepting patient booked.
	WaitlistBooked(ctx context.Context, workflowID string) error
	// StartWaitlistChain starts the offer chain of a freed slot (a chain
	// running for the slot already is kept).
	StartWaitlistChain(ctx context.Context, in workflows.WaitlistOfferInput) error
}

var (
	textAlreadyWaiting = problemText{"Already on the waitlist",
		"You are on this doctor's waitlist for this kind of appointment already. Leave that entry first to choose other dates."}

	textOfferClosed = problemText{"Offer closed",
		"This offer is no longer open: its time is up or you have answered it already. You stay on the waitlist."}

	textWaitlistPatientsOnly = problemText{"Patients only",
		"Only patients can join a waitlist."}
)

// waitlistProblem is a problem response in the caller's language.
func waitlistProblem(_ *gin.Context, status int, slug string, t problemText) error {
	return newProblem(status, slug, t.title, t.detail)
}

type waitlistRequest struct {
	DoctorID  string `json:"doctor_id" validate:"required,uuid"`
	Type      string `json:"type" validate:"required,oneof=video in_person"`
	Earliest  string `json:"earliest" validate:"required,max=10"`
	Latest    string `json:"latest" validate:"required,max=10"`
	TimeOfDay string `json:"time_of_day" validate:"omitempty,oneof=any morning afternoon evening"`
}

// WaitlistOfferView is an open offer of a freed slot.
type WaitlistOfferView struct {
	ID        uuid.UUID `json:"id"`
	EntryID   uuid.UUID `json:"entry_id"`
	DoctorID  uuid.UUID `json:"doctor_id"`
	Doctor    string    `json:"doctor_name"`
	Type      string    `json:"type"`
	SlotStart string    `json:"slot_start"`
	SlotEnd   string    `json:"slot_end"`
	ExpiresAt string    `json:"expires_at"`
	// Status is open, accepted, declined, expired or booked.
	Status         string     `json:"status"`
	ConsultationID *uuid.UUID `json:"consultation_id,omitempty"`
}

// WaitlistEntryView is one of the patient's waitlist entries.
type WaitlistEntryView struct {
	ID        uuid.UUID          `json:"id"`
	DoctorID  uuid.UUID          `json:"doctor_id"`
	Doctor    string             `json:"doctor_name"`
	Type      string             `json:"type"`
	Earliest  string             `json:"earliest"`
	Latest    string             `json:"latest"`
	TimeOfDay string             `json:"time_of_day"`
	ExpiresAt string             `json:"expires_at"`
	Position  int64              `json:"position"`
	Offer     *WaitlistOfferView `json:"offer,omitempty"`
}

// WaitlistList is the answer to GET /v1/me/waitlist.
type WaitlistList struct {
	Items []WaitlistEntryView `json:"items"`
}

// WaitlistLength is the length of one of a doctor's waitlists.
type WaitlistLength struct {
	Type   string `json:"type"`
	Length int64  `json:"length"`
}

// DoctorWaitlist is the answer to GET /v1/doctor/waitlist.
type DoctorWaitlist struct {
	Types []WaitlistLength `json:"types"`
}

func dateString(t time.Time) string { return t.Format("2006-01-02") }

// joinWaitlist puts the patient on a doctor's waitlist for one type of
// appointment and a window of dates.
func (s *Server) joinWaitlist(c *gin.Context) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, "")
	var req waitlistRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	entry, err := waitlist.Join(c, s.Store, waitlist.JoinRequest{
		PatientID: p.UserID, DoctorID: uuid.MustParse(req.DoctorID), Type: req.Type,
		Earliest: req.Earliest, Latest: req.Latest, TimeOfDay: req.TimeOfDay,
	}, s.Now())
	var field *waitlist.FieldError
	switch {
	case errors.As(err, &field):
		fail(c, errValidation(FieldProblem{Field: field.Field, Reason: field.Reason}))
		return
	case errors.Is(err, waitlist.ErrUnknownDoctor):
		fail(c, errValidation(FieldProblem{Field: "doctor_id", Reason: "is not a known doctor"}))
		return
	case errors.Is(err, waitlist.ErrAlreadyWaiting):
		fail(c, waitlistProblem(c, http.StatusConflict, "waitlist-already-joined", textAlreadyWaiting))
		return
	case err != nil:
		fail(c, err)
		return
	}
	auditSubject(c, p.UserID, entry.ID.String())
	views, err := s.waitlistViews(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	for _, v := range views {
		if v.ID == entry.ID {
			c.JSON(http.StatusCreated, v)
			return
		}
	}
	fail(c, fmt.Errorf("waitlist: entry %s not listed after joining", entry.ID))
}

// listWaitlist lists the patient's entries with their positions and open
// offers.
func (s *Server) listWaitlist(c *gin.Context) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, "")
	views, err := s.waitlistViews(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	for _, v := range views {
		auditListed(c, uuid.NullUUID{UUID: p.UserID, Valid: true}, v.ID.String())
	}
	c.JSON(http.StatusOK, WaitlistList{Items: views})
}

func (s *Server) waitlistViews(ctx context.Context, patientID uuid.UUID) ([]WaitlistEntryView, error) {
	now := s.Now()
	entries, err := s.Store.ListMyWaitlistEntries(ctx, db.ListMyWaitlistEntriesParams{PatientID: patientID, Now: now})
	if err != nil {
		return nil, fmt.Errorf("waitlist: entries: %w", err)
	}
	offers, err := s.Store.ListOpenOffersOf(ctx, db.ListOpenOffersOfParams{PatientID: patientID, Now: now})
	if err != nil {
		return nil, fmt.Errorf("waitlist: offers: %w", err)
	}
	names := s.doctorNames(ctx)
	out := make([]WaitlistEntryView, 0, len(entries))
	for _, e := range entries {
		v := WaitlistEntryView{ID: e.ID, DoctorID: e.DoctorID, Doctor: names(e.DoctorID), Type: e.ConsultationType,
			Earliest: dateString(e.Earliest.Time), Latest: dateString(e.Latest.Time), TimeOfDay: e.TimeOfDay,
			ExpiresAt: e.ExpiresAt.UTC().Format(timeLayout), Position: int64(e.Position)}
		for _, o := range offers {
			if o.EntryID == e.ID {
				v.Offer = &WaitlistOfferView{ID: o.ID, EntryID: o.EntryID, DoctorID: o.DoctorID, Doctor: v.Doctor,
					Type: o.ConsultationType, SlotStart: o.SlotStart.UTC().Format(timeLayout), SlotEnd: o.SlotEnd.UTC().Format(timeLayout),
					ExpiresAt: o.ExpiresAt.UTC().Format(timeLayout), Status: o.Status}
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// doctorNames returns a lookup of doctors' display names, cached for one
// request; a name that cannot be read is empty (the id identifies).
func (s *Server) doctorNames(ctx context.Context) func(uuid.UUID) string {
	cache := map[uuid.UUID]string{}
	return func(id uuid.UUID) string {
		if n, ok := cache[id]; ok {
			return n
		}
		d, err := s.Store.GetDoctor(ctx, id)
		if err != nil {
			return ""
		}
		cache[id] = d.DisplayName
		return d.DisplayName
	}
}

// leaveWaitlist removes one of the patient's entries.
func (s *Server) leaveWaitlist(c *gin.Context) {
	p := currentPrincipal(c)
	id, err := uuid.Parse(c.Param("id"))
	auditSubject(c, p.UserID, c.Param("id"))
	if err != nil {
		fail(c, errNotFound("This waitlist entry"))
		return
	}
	n, err := s.Store.LeaveWaitlist(c, db.LeaveWaitlistParams{ID: id, PatientID: p.UserID})
	if err != nil {
		fail(c, err)
		return
	}
	if n == 0 {
		// Another patient's entry: the attempt is in that patient's access log.
		if e, err := s.Store.GetWaitlistEntry(c, id); err == nil {
			auditSubject(c, e.PatientID, id.String())
		}
		fail(c, errNotFound("This waitlist entry"))
		return
	}
	c.Status(http.StatusNoContent)
}

// myOffer loads an offer of the caller; anyone else's is not found.
func (s *Server) myOffer(c *gin.Context) (db.GetWaitlistOfferRow, bool) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, c.Param("id"))
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		fail(c, errNotFound("This offer"))
		return db.GetWaitlistOfferRow{}, false
	}
	o, err := s.Store.GetWaitlistOffer(c, id)
	switch {
	case errors.Is(db.Translate(err), db.ErrNotFound):
		fail(c, errNotFound("This offer"))
		return db.GetWaitlistOfferRow{}, false
	case err == nil && o.PatientID != p.UserID:
		// Another patient's offer: the attempt is in that patient's access log.
		auditSubject(c, o.PatientID, id.String())
		fail(c, errNotFound("This offer"))
		return db.GetWaitlistOfferRow{}, false
	case err != nil:
		fail(c, err)
		return db.GetWaitlistOfferRow{}, false
	}
	return o, true
}

func (s *Server) offerView(c *gin.Context, o db.GetWaitlistOfferRow) (WaitlistOfferView, error) {
	d, err := s.Store.GetDoctor(c, o.DoctorID)
	if err != nil {
		return WaitlistOfferView{}, fmt.Errorf("waitlist: doctor: %w", err)
	}
	v := WaitlistOfferView{ID: o.ID, EntryID: o.EntryID, DoctorID: o.DoctorID, Doctor: d.DisplayName, Type: o.ConsultationType,
		SlotStart: o.SlotStart.UTC().Format(timeLayout), SlotEnd: o.SlotEnd.UTC().Format(timeLayout),
		ExpiresAt: o.ExpiresAt.UTC().Format(timeLayout), Status: o.Status}
	if o.Status == "open" && !s.Now().Before(o.ExpiresAt) {
		v.Status = "expired"
	}
	if o.ConsultationID.Valid {
		id := o.ConsultationID.UUID
		v.ConsultationID = &id
	}
	return v, nil
}

// getWaitlistOffer shows an offer (the page the offer email links to).
func (s *Server) getWaitlistOffer(c *gin.Context) {
	o, ok := s.myOffer(c)
	if !ok {
		return
	}
	v, err := s.offerView(c, o)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// answerOffer asks the chain to take the answer; its validator refuses an
// offer that is no longer open (409).
func (s *Server) answerOffer(c *gin.Context, o db.GetWaitlistOfferRow, update string) bool {
	if o.Status != "open" || !s.Now().Before(o.ExpiresAt) {
		fail(c, waitlistProblem(c, http.StatusConflict, "waitlist-offer-closed", textOfferClosed))
		return false
	}
	err := s.Engine.AnswerWaitlistOffer(c, o.WorkflowID, update, o.ID)
	if errors.Is(err, ErrRejected) {
		fail(c, waitlistProblem(c, http.StatusConflict, "waitlist-offer-closed", textOfferClosed))
		return false
	} else if err != nil {
		fail(c, err)
		return false
	}
	return true
}

// acceptWaitlistOffer takes the offered slot: the chain records the
// acceptance, then the slot is booked through the normal booking path (with
// the payment for video), which takes the hold in its transaction.
func (s *Server) acceptWaitlistOffer(c *gin.Context) {
	p := currentPrincipal(c)
	if p.Role != RolePatient {
		fail(c, waitlistProblem(c, http.StatusForbidden, "forbidden", textWaitlistPatientsOnly))
		return
	}
	o, ok := s.myOffer(c)
	if !ok || !s.answerOffer(c, o, workflows.UpdateWaitlistAccept) {
		return
	}
	start := o.SlotStart.UTC()
	s.book(c, createConsultationRequest{Type: o.ConsultationType, DoctorID: o.DoctorID.String(), SlotStart: &start}, p,
		&holdClaim{holdID: o.HoldID, offerID: o.ID, entryID: o.EntryID, workflowID: o.WorkflowID})
}

// declineWaitlistOffer passes the slot on to the next patient.
func (s *Server) declineWaitlistOffer(c *gin.Context) {
	o, ok := s.myOffer(c)
	if !ok || !s.answerOffer(c, o, workflows.UpdateWaitlistDecline) {
		return
	}
	c.Status(http.StatusNoContent)
}

// takeHold takes the claim's hold for consultation id inside the booking's
// transaction; an offer that lapsed meanwhile refuses the booking.
func takeHold(ctx context.Context, q *db.Queries, claim *holdClaim, consultationID uuid.UUID) error {
	n, err := q.TakeWaitlistHold(ctx, db.TakeWaitlistHoldParams{HoldID: claim.holdID, OfferID: claim.offerID,
		ConsultationID: uuid.NullUUID{UUID: consultationID, Valid: true}})
	if err != nil {
		return err
	}
	if n == 0 {
		return errConflict("This offer is no longer open: its time is up.")
	}
	booked := uuid.NullUUID{UUID: consultationID, Valid: true}
	if err := q.MarkWaitlistOfferBooked(ctx, db.MarkWaitlistOfferBookedParams{ID: claim.offerID, ConsultationID: booked}); err != nil {
		return err
	}
	return q.MarkWaitlistEntryBooked(ctx, db.MarkWaitlistEntryBookedParams{ID: claim.entryID, ConsultationID: booked})
}

// waitlistBooked tells the chain the slot is booked; the chain checks the
// hold itself, and without the signal it looks after its grace.
func (s *Server) waitlistBooked(c *gin.Context, claim *holdClaim) {
	if err := s.Engine.WaitlistBooked(context.WithoutCancel(c.Request.Context()), claim.workflowID); err != nil {
		logger(c).WarnContext(c.Request.Context(), "waitlist chain not told of the booking", "err", err)
	}
}

// doctorWaitlist is the length of the doctor's waitlists per type.
func (s *Server) doctorWaitlist(c *gin.Context) {
	p := currentPrincipal(c)
	rows, err := s.Store.CountWaitlistByType(c, db.CountWaitlistByTypeParams{DoctorID: p.UserID, Now: s.Now()})
	if err != nil {
		fail(c, err)
		return
	}
	out := DoctorWaitlist{Types: []WaitlistLength{}}
	for _, t := range domain.WaitlistTypes() {
		l := WaitlistLength{Type: string(t)}
		for _, r := range rows {
			if r.ConsultationType == string(t) {
				l.Length = r.Length
			}
		}
		out.Types = append(out.Types, l)
	}
	c.JSON(http.StatusOK, out)
}

// WaitlistOfferEventView is a waitlist_offer event: a slot is offered to
// the patient until ExpiresAt (the offer's page shows it).
type WaitlistOfferEventView struct {
	OfferID   uuid.UUID `json:"offer_id"`
	ExpiresAt time.Time `json:"expires_at"`
}

// waitlistEvents streams the offers made to the patient (waitlist_offer
// events), opening with those open now.
func (s *Server) waitlistEvents(c *gin.Context) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, "")
	st, release, ok := s.newStream(c, "user:"+p.UserID.String(), live.RolePatient)
	if !ok {
		return
	}
	defer release()
	sub := s.Live.Subscribe(live.Filter{Patient: p.UserID})
	defer sub.Close()
	resync := func(ctx context.Context) error {
		offers, err := s.Store.ListOpenOffersOf(ctx, db.ListOpenOffersOfParams{PatientID: p.UserID, Now: s.Now()})
		if err != nil {
			return err
		}
		for _, o := range offers {
			if err := st.write(string(live.TypeWaitlistOffer), o.ID.String(),
				WaitlistOfferEventView{OfferID: o.ID, ExpiresAt: o.ExpiresAt.UTC()}); err != nil {
				return err
			}
		}
		return nil
	}
	if err := st.open(); err != nil {
		endStream(c, err)
		return
	}
	if err := resync(c.Request.Context()); err != nil {
		endStream(c, err)
		return
	}
	endStream(c, st.run(sub, resync))
}
