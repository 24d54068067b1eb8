package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/availability"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/schedule"
)

// errTooManyUnpaid refuses a booking over the cap of unpaid appointments.
func errTooManyUnpaid(limit int) error {
	return newProblem(http.StatusConflict, "too-many-unpaid", "Too many unpaid appointments",
		"You have %d appointments ahead that are not paid yet (video bookings awaiting payment, visits at the practice). "+
			"Pay for or cancel one of them before you book another.", limit)
}

// bookAppointment books a video or in-person slot for a logged-in patient.
// The slot must be one of the doctor's free slots now; the database's
// exclusion constraint decides races: of two patients booking one slot at
// once exactly one row is written, the other gets 409. A video booking holds
// the slot while the patient pays; the workflow frees it if the hold ends
// unpaid.
func (s *Server) bookAppointment(c *gin.Context, req createConsultationRequest, p *principal) {
	s.book(c, req, p, nil)
}

var (
	textSlotTaken = problemText{"Conflict",
		"Someone else just booked or is paying for this slot. Pick another one."}
	textSlotNotFree = problemText{"Conflict",
		"This slot is not free: it is taken, held, in the past or outside the doctor's hours."}
)

// holdClaim is the waitlist offer a booking takes its slot from: the
// booking takes the hold in its own transaction, only while the offer is
// accepted and the slot still held.
type holdClaim struct {
	holdID, offerID, entryID uuid.UUID
	workflowID               string
}

// book books a slot as bookAppointment does; with a claim, the slot held
// for the claim's offer counts as free and the hold is taken.
func (s *Server) book(c *gin.Context, req createConsultationRequest, p *principal, claim *holdClaim) {
	if p == nil {
		c.Header("WWW-Authenticate", "Bearer")
		fail(c, errUnauthorized("Log in to book an appointment."))
		return
	}
	if p.Role != RolePatient {
		fail(c, errForbidden("Only patients book consultations."))
		return
	}
	if req.GuestEmail != "" {
		fail(c, errValidation(FieldProblem{Field: "guest_email", Reason: "must be empty: appointments need an account"}))
		return
	}
	if req.SlotStart == nil {
		fail(c, errValidation(FieldProblem{Field: "slot_start", Reason: "is required for video and in_person"}))
		return
	}
	now := s.Now()
	start := req.SlotStart.UTC()
	doctorID := uuid.MustParse(req.DoctorID)
	lang := requestLanguage(c, req.Language)
	// Most requests of a race for slots ask for one already taken: they are
	// answered from one indexed query, without loading the schedule.
	if taken, err := s.Store.SlotTakenAt(c, db.SlotTakenAtParams{DoctorID: doctorID, At: start}); err != nil {
		fail(c, err)
		return
	} else if taken {
		fail(c, localProblem(c, lang, http.StatusConflict, "conflict", textSlotTaken))
		return
	}
	doctors, err := schedule.Load(c, s.Store.Queries, []uuid.UUID{doctorID}, start.Add(-time.Hour), start.Add(time.Hour))
	if err != nil {
		fail(c, err)
		return
	}
	d, ok := doctors[doctorID]
	if !ok {
		fail(c, errValidation(FieldProblem{Field: "doctor_id", Reason: "is not a known doctor"}))
		return
	}
	if claim != nil && !d.WithoutHold(claim.holdID) {
		fail(c, waitlistProblem(c, http.StatusConflict, "waitlist-offer-closed", textOfferClosed))
		return
	}
	fee, ok := d.Fee(req.Type)
	if !ok {
		fail(c, errValidation(FieldProblem{Field: "type", Reason: "is not offered by this doctor"}))
		return
	}
	if err := s.checkPayable(c, doctorID, req.Type, req.Language); err != nil {
		fail(c, err)
		return
	}
	slots, err := availability.Slots(d.Query(fee, start, start.Add(time.Minute), now))
	if err != nil {
		fail(c, err)
		return
	}
	if len(slots) != 1 || !slots[0].Equal(start) {
		fail(c, localProblem(c, lang, http.StatusConflict, "conflict", textSlotNotFree))
		return
	}
	end := start.Add(time.Duration(fee.DurationMinutes) * time.Minute)
	params := db.CreateConsultationParams{
		ID: uuid.New(), DoctorID: doctorID, PatientID: uuid.NullUUID{UUID: p.UserID, Valid: true},
		ConsultationType: req.Type, Status: statusAwaitingPayment, Language: lang, AmountCents: fee.AmountCents,
		AdminFeeCents: d.Row.AdminFeeCents,
		Slot: pgtype.Range[pgtype.Timestamptz]{
			Lower: pgtype.Timestamptz{Time: start, Valid: true}, Upper: pgtype.Timestamptz{Time: end, Valid: true},
			LowerType: pgtype.Inclusive, UpperType: pgtype.Exclusive, Valid: true,
		},
	}
	if domain.ConsultationType(req.Type) == domain.TypeInPerson {
		params.Status = string(domain.StatusScheduled)
	} else {
		hold := now.Add(s.PaymentHold)
		params.HoldExpiresAt = &hold
	}
	err = s.Store.Tx(c, func(q *db.Queries) error {
		// The patient's row is locked, so two bookings at once cannot both
		// slip under the cap.
		u, err := q.GetUserForUpdate(c, p.UserID)
		if err != nil {
			return err
		}
		if u.EmailVerifiedAt == nil {
			return errEmailUnverified()
		}
		unpaid, err := q.CountUnpaidFutureBookings(c, db.CountUnpaidFutureBookingsParams{PatientID: params.PatientID, Now: now})
		if err != nil {
			return err
		}
		if unpaid >= int64(s.MaxUnpaidBookings) {
			return errTooManyUnpaid(s.MaxUnpaidBookings)
		}
		if claim != nil {
			if err := takeHold(c, q, claim, params.ID); err != nil {
				return err
			}
		}
		if _, err := q.CreateConsultation(c, params); err != nil {
			return err
		}
		return attachIdempotency(c, q, params.ID)
	})
	if errors.Is(err, db.ErrConflict) || errors.Is(db.Translate(err), db.ErrConflict) {
		fail(c, localProblem(c, lang, http.StatusConflict, "conflict", textSlotTaken))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	auditSubject(c, p.UserID, params.ID.String())
	checkout, err := s.Engine.StartAppointment(c, AppointmentStart{
		ConsultationID: params.ID, DoctorID: doctorID, Type: req.Type, AmountCents: int64(fee.AmountCents),
		AdminFeeCents: int64(d.Row.AdminFeeCents), Start: start, End: end, TimeZone: d.Row.TimeZone, Language: lang,
	})
	if err != nil {
		ctx := context.WithoutCancel(c.Request.Context())
		if !keepForRetry(c, err) {
			if delErr := s.Store.DeleteUnstartedConsultation(ctx, params.ID); delErr != nil {
				err = errors.Join(err, delErr)
			}
		}
		fail(c, fmt.Errorf("start appointment %s: %w", params.ID, err))
		return
	}
	if claim != nil {
		s.waitlistBooked(c, claim)
	}
	out := ConsultationCreated{ID: params.ID, Status: params.Status, CheckoutURL: checkout}
	c.Set(ctxCreated, out)
	c.JSON(http.StatusCreated, out)
}
