package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"derma2go/db"
	"derma2go/secure"
)

// CancellationQuoteView is what a cancellation request would give now.
type CancellationQuoteView struct {
	Allowed       bool    `json:"allowed"`
	RefundCents   int64   `json:"refund_cents"`
	PaidCents     int64   `json:"paid_cents"`
	AdminFeeCents int64   `json:"admin_fee_cents"`
	Currency      string  `json:"currency"`
	Deadline      *string `json:"refund_deadline"`
	RequestsLeft  int     `json:"requests_left"`
}

// cancellationQuote answers the refund a cancellation request would fix
// now, computed by the workflow's own rule from its live state.
func (s *Server) cancellationQuote(c *gin.Context) {
	row := consultationOf(c)
	q, err := s.care.CancellationQuote(c, row, s.Now())
	if err != nil {
		failCare(c, err)
		return
	}
	v := CancellationQuoteView{Allowed: q.Allowed, RefundCents: q.RefundCents, PaidCents: q.PaidCents,
		AdminFeeCents: q.AdminFeeCents, Currency: row.Currency, RequestsLeft: q.RequestsLeft}
	if !q.Deadline.IsZero() {
		d := q.Deadline.UTC().Format(timeLayout)
		v.Deadline = &d
	}
	c.JSON(http.StatusOK, v)
}

type languageRequest struct {
	Language string `json:"language" validate:"required,oneof=nl en"`
}

// putMyLanguage sets the language of the caller's emails and pages.
func (s *Server) putMyLanguage(c *gin.Context) {
	var req languageRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, p.UserID.String())
	if err := s.Store.SetUserLanguage(c, db.SetUserLanguageParams{ID: p.UserID, Language: req.Language}); err != nil {
		fail(c, err)
		return
	}
	s.me(c)
}

// passwordChangePerAccount caps attempts to change the password of one
// account (each checks the current password).
var passwordChangePerAccount = limitPolicy{every: 10 * time.Second, burst: 20}

type passwordChangeRequest struct {
	CurrentPassword string `json:"current_password" validate:"required,max=128"`
	NewPassword     string `json:"new_password" validate:"required,min=10,max=128"`
}

// changePassword replaces the password after checking the current one; every
// other session of the account is logged out, this one stays.
func (s *Server) changePassword(c *gin.Context) {
	var req passwordChangeRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, p.UserID.String())
	if !s.rateLimited(c, passwordChangePerAccount, "password:"+p.UserID.String()) {
		return
	}
	u, err := s.Store.GetUser(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	if err := secure.CheckPassword(req.CurrentPassword, u.PasswordHash); err != nil {
		fail(c, newProblem(http.StatusForbidden, "password-incorrect", "Password incorrect", "Your current password is not right."))
		return
	}
	hash, err := secure.HashPassword(req.NewPassword, secure.DefaultArgon2)
	if err != nil {
		fail(c, err)
		return
	}
	err = s.Store.Tx(c, func(q *db.Queries) error {
		if err := q.SetPassword(c, db.SetPasswordParams{ID: p.UserID, PasswordHash: hash}); err != nil {
			return err
		}
		return q.RevokeOtherAuthTokens(c, db.RevokeOtherAuthTokensParams{UserID: p.UserID, KeepTokenHash: p.tokenHash})
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
