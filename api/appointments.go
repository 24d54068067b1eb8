package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/prescribing"
	"derma2go/workflows"
)

// Appointment actions are Temporal Updates: the workflow's validator gives
// the immediate yes/no (a refusal is 409) and its handler changes the state.

// actionBody decodes an action's optional JSON body into the Update argument.
type actionBody func(c *gin.Context) (any, error)

type cancellationRequest struct {
	Reason string `json:"reason" validate:"omitempty,patient_cancel_reason"`
}

func newCancellationRequest(c *gin.Context) (any, error) {
	var req cancellationRequest
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			return nil, err
		}
	}
	return workflows.CancellationRequest{Reason: req.Reason}, nil
}

type delayRequest struct {
	Minutes int `json:"minutes" validate:"required,gte=1,lte=180"`
}

func newDelayRequest(c *gin.Context) (any, error) {
	var req delayRequest
	if err := decodeJSON(c, &req); err != nil {
		return nil, err
	}
	return workflows.DoctorDelay{Minutes: req.Minutes}, nil
}

// update sends the named Update with the decoded body and answers with the
// consultation's state: 200, or 409 when the workflow refuses it now.
func (s *Server) update(name string, body actionBody) gin.HandlerFunc {
	return func(c *gin.Context) {
		row := consultationOf(c)
		if !domain.ConsultationType(row.ConsultationType).Appointment() && !walkInSessionUpdate(row, name) {
			fail(c, errConflict("This action belongs to video and in-person appointments."))
			return
		}
		var arg any
		if body != nil {
			var err error
			if arg, err = body(c); err != nil {
				fail(c, err)
				return
			}
		}
		state, err := s.care.Act(c, row, name, arg)
		if err != nil {
			failCare(c, err)
			return
		}
		c.JSON(http.StatusOK, stateView(state))
	}
}

// walkInSessionUpdate reports whether the update is the one a walk-in
// consultation takes from the doctor: ending its session.
func walkInSessionUpdate(row db.Consultation, name string) bool {
	return domain.ConsultationType(row.ConsultationType) == domain.TypeWalkIn && name == workflows.UpdateEndSession
}

// AppointmentStateView is the live state of an appointment after an action.
type AppointmentStateView struct {
	ID                      string  `json:"id"`
	Status                  string  `json:"status"`
	ScheduledStart          *string `json:"scheduled_start,omitempty"`
	ExpectedStart           *string `json:"expected_start,omitempty"`
	CancellationRefundCents *int64  `json:"cancellation_refund_cents,omitempty"`
	// CancellationRequestsLeft is how many more cancellation requests the
	// patient may make (workflows.MaxCancellationRequests).
	CancellationRequestsLeft *int `json:"cancellation_requests_left,omitempty"`
}

func stateView(st workflows.ConsultationState) AppointmentStateView {
	v := AppointmentStateView{ID: st.ConsultationID, Status: string(st.Status)}
	if st.ScheduledStart != nil {
		t := st.ScheduledStart.UTC().Format(timeLayout)
		v.ScheduledStart = &t
	}
	if st.ExpectedStart != nil {
		t := st.ExpectedStart.UTC().Format(timeLayout)
		v.ExpectedStart = &t
	}
	if st.CancellationRequestedAt != nil {
		n := st.CancellationRefundCents
		v.CancellationRefundCents = &n
	}
	if st.ScheduledStart != nil {
		left := max(workflows.MaxCancellationRequests-st.CancellationRequests, 0)
		v.CancellationRequestsLeft = &left
	}
	return v
}

const timeLayout = "2006-01-02T15:04:05Z07:00"

// DocumentView is a document in a consultation.
type DocumentView struct {
	ID        uuid.UUID `json:"id"`
	Kind      string    `json:"kind"`
	CreatedAt string    `json:"created_at"`
	URL       string    `json:"url"`
}

func (s *Server) listDocuments(c *gin.Context) {
	row := consultationOf(c)
	rows, err := s.Store.ListPrescriptions(c, row.ID)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]DocumentView, 0, len(rows)+1)
	for _, p := range rows {
		items = append(items, DocumentView{ID: p.ID, Kind: "prescription", CreatedAt: p.CreatedAt.UTC().Format(timeLayout),
			URL: "/v1/consultations/" + row.ID.String() + "/documents/" + p.ID.String()})
	}
	if inv, err := s.Store.GetInvoiceByConsultation(c, row.ID); err == nil {
		items = append(items, DocumentView{ID: inv.ID, Kind: "invoice", CreatedAt: inv.IssuedAt.UTC().Format(timeLayout),
			URL: "/v1/consultations/" + row.ID.String() + "/invoice.pdf"})
	} else if !errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, err)
		return
	}
	credits, err := s.creditNoteDocuments(c, row.ID)
	if err != nil {
		fail(c, err)
		return
	}
	items = append(items, credits...)
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// getDocument serves a prescription or a credit note as PDF to the
// consultation's patient.
func (s *Server) getDocument(c *gin.Context) {
	row := consultationOf(c)
	id, err := uuid.Parse(c.Param("docId"))
	if err != nil {
		fail(c, errNotFound("This document"))
		return
	}
	p, err := s.Store.GetPrescription(c, db.GetPrescriptionParams{ID: id, ConsultationID: row.ID})
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		s.sendCreditNote(c, row.ID, id)
		return
	} else if err != nil {
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
}
