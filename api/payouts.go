package api

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/care"
	"derma2go/domain"
	"derma2go/payments"
	"derma2go/payouts"
)

// Problems of Mollie Connect, in Dutch and English.
var (
	textDoctorNotBookable = problemText{"Doctor not bookable yet",
		"This doctor is not ready to see patients yet. Choose another doctor or try again later."}
	textDoctorNotConnected = problemText{"Doctor cannot be paid online yet",
		"This doctor cannot receive online payments yet, so this type of consultation cannot be booked now. Choose another doctor or a visit at the practice."}

	textConnectOff = problemText{"Mollie Connect is off",
		"This platform receives every payment itself; there is no Mollie account to connect."}

	textConnectState = problemText{"Connection not recognised",
		"You did not start this connection, or it was completed or has expired. Start connecting again from the dashboard."}

	textConnectDenied = problemText{"Access denied at Mollie",
		"You did not grant access at Mollie; your account is not connected."}

	textConnectOpen = problemText{"Consultations still open on this account",
		"%d paid consultations still run through your Mollie account, and their refunds go through it. You can disconnect it once they are finished."}

	textConnectNone = problemText{"No Mollie account connected",
		"No Mollie account is connected."}

	textConnectCode = problemText{"Mollie refused the connection",
		"Mollie refused the connection (the code was used or has expired). Start connecting again."}
)

// checkPayable refuses a booking of type typ with a doctor who is not
// bookable for it (domain.BookableFor, the rule the search index lists
// doctors by): with Mollie Connect on, a type paid online needs a connected
// account (doctor-not-connected, as before); any other required step of the
// doctor's getting-started checklist still open refuses it too
// (doctor-not-bookable).
func (s *Server) checkPayable(c *gin.Context, doctorID uuid.UUID, typ, chosenLang string) error {
	items, err := care.DoctorChecklist(c, s.Store.Queries, doctorID, s.Payouts.Enabled())
	if err != nil {
		return err
	}
	missing := domain.BookableFor(items, domain.ConsultationType(typ))
	if slices.Contains(missing, domain.ItemPayouts) {
		return walkInProblem(c, requestLanguage(c, chosenLang), http.StatusConflict, "doctor-not-connected", textDoctorNotConnected)
	}
	if len(missing) > 0 {
		return walkInProblem(c, requestLanguage(c, chosenLang), http.StatusConflict, "doctor-not-bookable", textDoctorNotBookable)
	}
	return nil
}

// PayoutConnection is the doctor's Mollie Connect state.
type PayoutConnection struct {
	// Required: Mollie Connect is on, so the doctor must connect an account
	// to be booked for consultations paid online.
	Required bool `json:"required"`
	// Connected: payments go to the doctor's own Mollie account.
	Connected        bool       `json:"connected"`
	OrganizationName string     `json:"organization_name,omitempty"`
	ConnectedAt      *time.Time `json:"connected_at,omitempty"`
}

// connectStartResponse is the consent page to send the browser to.
type connectStartResponse struct {
	AuthorizeURL string `json:"authorize_url"`
}

// connectCompleteRequest is what Mollie sent back to the redirect page.
type connectCompleteRequest struct {
	State string `json:"state" validate:"required,max=200"`
	Code  string `json:"code" validate:"max=256"`
	Error string `json:"error" validate:"max=100"`
}

// payoutConnection handles GET /v1/doctor/payments/connection.
func (s *Server) payoutConnection(c *gin.Context) {
	p := currentPrincipal(c)
	out := PayoutConnection{Required: s.Payouts.Enabled()}
	conn, found, err := s.Payouts.Status(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	auditSubject(c, uuid.Nil, p.UserID.String())
	if found {
		auditSubject(c, uuid.Nil, conn.ID.String())
		at := conn.ConnectedAt.UTC()
		out.Connected, out.OrganizationName, out.ConnectedAt = true, conn.OrganizationName, &at
	}
	c.JSON(http.StatusOK, out)
}

// startConnect handles POST /v1/doctor/payments/connect.
func (s *Server) startConnect(c *gin.Context) {
	p := currentPrincipal(c)
	if !s.Payouts.Enabled() {
		fail(c, walkInProblem(c, requestLanguage(c, ""), http.StatusConflict, "connect-off", textConnectOff))
		return
	}
	auditSubject(c, uuid.Nil, p.UserID.String())
	u, err := s.Payouts.Start(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, connectStartResponse{AuthorizeURL: u})
}

// completeConnect handles POST /v1/doctor/payments/connect/complete.
func (s *Server) completeConnect(c *gin.Context) {
	var req connectCompleteRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := currentPrincipal(c)
	auditSubject(c, uuid.Nil, p.UserID.String())
	lang := requestLanguage(c, "")
	if !s.Payouts.Enabled() {
		fail(c, walkInProblem(c, lang, http.StatusConflict, "connect-off", textConnectOff))
		return
	}
	if req.Code == "" && req.Error == "" {
		fail(c, errValidation(FieldProblem{Field: "code", Reason: "is required unless Mollie sent an error"}))
		return
	}
	conn, err := s.Payouts.Complete(c, p.UserID, req.State, req.Code, req.Error)
	switch {
	case errors.Is(err, payouts.ErrBadState):
		fail(c, walkInProblem(c, lang, http.StatusBadRequest, "connect-state", textConnectState))
		return
	case errors.Is(err, payouts.ErrDenied):
		fail(c, walkInProblem(c, lang, http.StatusConflict, "connect-denied", textConnectDenied))
		return
	case errors.Is(err, payments.ErrInvalidGrant):
		fail(c, walkInProblem(c, lang, http.StatusBadRequest, "connect-code", textConnectCode))
		return
	case err != nil:
		logger(c).WarnContext(c, "mollie connect not completed", "err", err)
		fail(c, errUnavailable("Mollie could not be reached to complete the connection; start connecting again."))
		return
	}
	auditSubject(c, uuid.Nil, conn.ID.String())
	at := conn.ConnectedAt.UTC()
	c.JSON(http.StatusOK, PayoutConnection{Required: true, Connected: true, OrganizationName: conn.OrganizationName, ConnectedAt: &at})
}

// disconnectPayouts handles DELETE /v1/doctor/payments/connection.
func (s *Server) disconnectPayouts(c *gin.Context) {
	p := currentPrincipal(c)
	lang := requestLanguage(c, "")
	if !s.Payouts.Enabled() {
		fail(c, walkInProblem(c, lang, http.StatusConflict, "connect-off", textConnectOff))
		return
	}
	auditSubject(c, uuid.Nil, p.UserID.String())
	if conn, found, err := s.Payouts.Status(c, p.UserID); err != nil {
		fail(c, err)
		return
	} else if found {
		auditSubject(c, uuid.Nil, conn.ID.String())
	}
	found, err := s.Payouts.Disconnect(c, p.UserID)
	var open *payouts.OpenPaymentsError
	switch {
	case errors.As(err, &open):
		fail(c, walkInProblem(c, lang, http.StatusConflict, "connect-open", textConnectOpen, open.Open))
		return
	case err != nil:
		fail(c, err)
		return
	case !found:
		fail(c, walkInProblem(c, lang, http.StatusNotFound, "not-found", textConnectNone))
		return
	}
	c.JSON(http.StatusOK, PayoutConnection{Required: true})
}
