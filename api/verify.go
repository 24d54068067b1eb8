package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/mail"
	"derma2go/secure"
	"derma2go/web"
)

const (
	// verifyLifetime is how long a link to confirm an email address works.
	verifyLifetime = 48 * time.Hour
	// accountAnswerFloor is the least time register and forgot-password take,
	// whatever the address: with the address-dependent work done in the
	// background, what is left differs by a database read or write, which
	// the floor hides.
	accountAnswerFloor = 200 * time.Millisecond
	// backgroundJobs caps the account work and mails done after the answer.
	backgroundJobs = 8
)

// resendPerUser caps how often a patient asks for a new confirmation link.
var resendPerUser = limitPolicy{every: 20 * time.Minute, burst: 3}

// evenOut waits until accountAnswerFloor has passed since start (real time).
func evenOut(start time.Time) {
	time.Sleep(time.Until(start.Add(accountAnswerFloor)))
}

// answerEvenly writes a JSON answer no sooner than accountAnswerFloor after start.
func answerEvenly(c *gin.Context, start time.Time, status int, body any) {
	evenOut(start)
	c.JSON(status, body)
}

// sendLater hands a mail to a background sender, so how long the SMTP
// server takes shows in no response time. Failures are logged with attrs
// (never the address).
func (s *Server) sendLater(c *gin.Context, msg mail.Message, attrs ...any) {
	s.background(c, func(ctx context.Context, log *slog.Logger) {
		if err := s.Mail.Send(ctx, msg); err != nil {
			log.ErrorContext(ctx, "account mail not sent", append(attrs, "err", err)...)
		}
	})
}

// background runs fn after the request, with the request's logger and a
// context that outlives it (one minute at most). At most backgroundJobs run
// at once; the request waits for a free place, so a flood slows down its
// senders instead of piling up work. It reports false, having answered, if
// the client went away while waiting.
func (s *Server) background(c *gin.Context, fn func(ctx context.Context, log *slog.Logger)) bool {
	select {
	case s.jobSlots <- struct{}{}:
	case <-c.Request.Context().Done():
		fail(c, errUnavailable("The server is busy. Try again in a moment."))
		return false
	}
	log := logger(c)
	ctx := context.WithoutCancel(c.Request.Context())
	go func() {
		defer func() { <-s.jobSlots }()
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		fn(ctx, log)
	}()
	return true
}

// newVerification stores a fresh single-use confirmation token for user.
func (s *Server) newVerification(ctx context.Context, q *db.Queries, user uuid.UUID) (string, error) {
	token, hash, err := secure.NewToken()
	if err != nil {
		return "", err
	}
	return token, q.CreateEmailVerification(ctx, db.CreateEmailVerificationParams{
		TokenHash: hash, UserID: user, ExpiresAt: s.Now().Add(verifyLifetime),
	})
}

// mailVerification sends the confirmation link.
func (s *Server) mailVerification(ctx context.Context, log *slog.Logger, user uuid.UUID, email, name, lang, token string) {
	msg, err := mail.Render(lang, mail.TemplateVerifyEmail, mail.VerifyEmailData{
		Name:        name,
		VerifyURL:   web.Links{Base: s.PublicURL}.VerifyEmail(token),
		ExpiresDays: int(verifyLifetime.Hours() / 24),
	})
	if err != nil {
		log.ErrorContext(ctx, "verification mail not rendered", "user_id", user, "err", err)
		return
	}
	msg.To = []string{email}
	if err := s.Mail.Send(ctx, msg); err != nil {
		log.ErrorContext(ctx, "verification mail not sent", "user_id", user, "err", err)
	}
}

type verifyRequest struct {
	Token string `json:"token" validate:"required,max=128"`
}

// verifyEmail confirms an address with the token of its link; the token and
// every other open link of the account are used up.
func (s *Server) verifyEmail(c *gin.Context) {
	var req verifyRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	var userID uuid.UUID
	err := s.Store.Tx(c, func(q *db.Queries) error {
		var err error
		if userID, err = q.UseEmailVerification(c, secure.HashToken(req.Token)); err != nil {
			return err
		}
		if err := q.MarkEmailVerified(c, userID); err != nil {
			return err
		}
		return q.InvalidateEmailVerifications(c, userID)
	})
	if errors.Is(err, db.ErrNotFound) {
		fail(c, newProblem(http.StatusBadRequest, "verify-token-invalid", "Confirmation link invalid",
			"This confirmation link is unknown, used or expired. Log in and ask for a new one."))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	auditSubject(c, userID, userID.String())
	c.Status(http.StatusNoContent)
}

// resendVerification mails a new confirmation link to the logged-in user.
func (s *Server) resendVerification(c *gin.Context) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, p.UserID.String())
	u, err := s.Store.GetUser(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	if u.EmailVerifiedAt != nil {
		fail(c, newProblem(http.StatusConflict, "email-verified", "Address confirmed already", "Your email address is confirmed already."))
		return
	}
	if !s.rateLimited(c, resendPerUser, "verify-resend:"+p.UserID.String()) {
		return
	}
	view, err := s.userView(u)
	if err != nil {
		fail(c, err)
		return
	}
	email, name, lang := view.Email, view.Name, u.Language
	if !s.background(c, func(ctx context.Context, log *slog.Logger) {
		var token string
		if err := s.Store.Tx(ctx, func(q *db.Queries) error {
			var err error
			token, err = s.newVerification(ctx, q, u.ID)
			return err
		}); err != nil {
			log.ErrorContext(ctx, "new confirmation link not stored", "user_id", u.ID, "err", err)
			return
		}
		s.mailVerification(ctx, log, u.ID, email, name, lang, token)
	}) {
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"status": "accepted", "detail": "A new confirmation link is on its way."})
}

// errEmailUnverified refuses a booking before the address is confirmed.
func errEmailUnverified() error {
	return newProblem(http.StatusForbidden, "email-unverified", "Confirm your email address first",
		"Open the link we mailed you when you registered to confirm your address, then book. "+
			"No mail? Ask for a new link: POST /v1/me/email/verification.")
}
