package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/accounts"
	"derma2go/db"
	"derma2go/mail"
	"derma2go/privacy"
	"derma2go/secure"
	"derma2go/web"
)

const (
	tokenLifetime = 30 * 24 * time.Hour
	resetLifetime = time.Hour
	ctxPrincipal  = "derma.principal"
)

// Roles of users.
const (
	RolePatient = accounts.RolePatient
	RoleDoctor  = accounts.RoleDoctor
	RoleAdmin   = accounts.RoleAdmin
)

// principal is the authenticated caller.
type principal struct {
	UserID    uuid.UUID
	Role      string
	Language  string
	tokenHash []byte
	// hasPIN and pinUnlockedUntil gate the medical parts of the portal.
	hasPIN           bool
	pinUnlockedUntil *time.Time
	// sessionID names the session in the list of sessions.
	sessionID uuid.UUID
	// totpEnabled: the account has two-factor sign-in on; secondFactorAt:
	// when the second factor was given in this session (nil: not yet).
	totpEnabled    bool
	secondFactorAt *time.Time
}

func currentPrincipal(c *gin.Context) *principal {
	if v, ok := c.Get(ctxPrincipal); ok {
		return v.(*principal)
	}
	return nil
}

// authenticate resolves a bearer token, when one is sent, to its user. A
// token that is malformed, unknown, expired or revoked is a 401 even on
// routes that do not need a login: a client should learn that its token died.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		if h == "" {
			if s.authenticateCookie(c) {
				c.Next()
			}
			return
		}
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" || len(token) > 128 {
			c.Header("WWW-Authenticate", `Bearer error="invalid_token"`)
			fail(c, errUnauthorized("Use Authorization: Bearer <token>."))
			return
		}
		p, err := s.loadSession(c, secure.HashToken(token))
		if errors.Is(db.Translate(err), db.ErrNotFound) {
			c.Header("WWW-Authenticate", `Bearer error="invalid_token"`)
			fail(c, errUnauthorized("The token is unknown, expired, idle too long or revoked. Log in again."))
			return
		}
		if err != nil {
			fail(c, fmt.Errorf("authenticate: %w", err))
			return
		}
		c.Set(ctxPrincipal, p)
		c.Next()
	}
}

// requireRole lets the request through only for a logged-in user of one of roles.
func requireRole(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := currentPrincipal(c)
		if p == nil {
			c.Header("WWW-Authenticate", "Bearer")
			fail(c, errUnauthorized("Log in first."))
			return
		}
		for _, r := range roles {
			if p.Role == r {
				c.Next()
				return
			}
		}
		fail(c, errForbidden("Your account cannot use this resource."))
	}
}

type registerRequest struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Password string `json:"password" validate:"required,min=10,max=128"`
	Name     string `json:"name" validate:"required,min=1,max=120"`
	Language string `json:"language" validate:"omitempty,oneof=nl en"`
	// PrivacyVersion is the version of the privacy statement the patient
	// was shown and accepts; empty accepts the current one.
	PrivacyVersion string `json:"privacy_version" validate:"max=32"`
}

// UserView is a user as the API shows it to that user.
type UserView struct {
	ID       uuid.UUID `json:"id"`
	Role     string    `json:"role"`
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	Language string    `json:"language"`
	HasPIN   bool      `json:"has_pin"`
	// EmailVerified tells whether the address is confirmed (needed to book).
	EmailVerified bool      `json:"email_verified"`
	CreatedAt     time.Time `json:"created_at"`
	// TwoFactorEnabled: sign-in asks for an authenticator code.
	TwoFactorEnabled bool `json:"two_factor_enabled"`
	// SecondFactor is the state of this session's second factor (see
	// secondFactorState).
	SecondFactor string `json:"second_factor"`
}

type sessionView struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      UserView  `json:"user"`
}

// registered is the one answer to a registration, whether the address was
// new or had an account already, so the answer reveals nothing.
var registered = gin.H{"status": "accepted",
	"detail": "Check your email: we sent a link to confirm the address. You can log in now; booking needs the confirmed address."}

// register creates a patient account and mails a link to confirm the
// address; for an address that has an account already it changes nothing
// and mails the owner a notice instead. Which of the two happens is decided
// after the answer, in the background (argon2 of the password, the database
// and the mail alike), and the answer comes after the same fixed time: its
// status, body and timing are the same for every address.
func (s *Server) register(c *gin.Context) {
	var req registerRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if secure.IsCommonPassword(req.Password) {
		fail(c, errCommonPassword())
		return
	}
	if req.PrivacyVersion != "" && req.PrivacyVersion != privacy.StatementVersion {
		fail(c, errValidation(FieldProblem{Field: "privacy_version",
			Reason: fmt.Sprintf("is not the current privacy statement (%s): read it again", privacy.StatementVersion)}))
		return
	}
	if !s.rateLimited(c, registerPerSource, "register-src:"+c.ClientIP()) {
		return
	}
	start := time.Now()
	if req.Language == "" {
		req.Language = "nl"
	}
	// The account's id is fixed now, so this request's audit row names it;
	// for an address with an account no user gets the id, and the row
	// names one that never existed (the answer must not differ).
	id := uuid.New()
	auditSubject(c, id, id.String())
	if !s.background(c, func(ctx context.Context, log *slog.Logger) { s.registerNow(ctx, log, req, id) }) {
		return
	}
	answerEvenly(c, start, http.StatusAccepted, registered)
}

// registerNow does the work of a registration after its answer.
func (s *Server) registerNow(ctx context.Context, log *slog.Logger, req registerRequest, id uuid.UUID) {
	hash, err := secure.HashPassword(req.Password, secure.DefaultArgon2)
	if err != nil {
		log.ErrorContext(ctx, "registration: password not hashed", "err", err)
		return
	}
	params, err := accounts.NewUser(s.Fields, RolePatient, req.Email, req.Name, hash, req.Language)
	if err != nil {
		log.ErrorContext(ctx, "registration: user not encrypted", "err", err)
		return
	}
	params.ID = id
	var token string
	err = s.Store.Tx(ctx, func(q *db.Queries) error {
		if _, err := q.CreateUser(ctx, params); err != nil {
			return err
		}
		if err := q.SetPrivacyConsent(ctx, db.SetPrivacyConsentParams{ID: params.ID,
			Version: pgtype.Text{String: privacy.StatementVersion, Valid: true}}); err != nil {
			return err
		}
		token, err = s.newVerification(ctx, q, params.ID)
		return err
	})
	switch {
	case errors.Is(err, db.ErrConflict):
		s.mailAccountExists(ctx, log, params.EmailHash)
	case err != nil:
		log.ErrorContext(ctx, "registration: account not stored", "err", err)
	default:
		log.InfoContext(ctx, "patient registered", "user_id", params.ID)
		s.mailVerification(ctx, log, params.ID, secure.NormaliseLookup(req.Email), strings.TrimSpace(req.Name), req.Language, token)
	}
}

// errCommonPassword refuses a password from the list of the most common ones.
func errCommonPassword() error {
	return errValidation(FieldProblem{Field: "password",
		Reason: "is one of the most common passwords, which are tried first by anyone guessing: choose another"})
}

// mailAccountExists tells the owner of an existing account that someone
// tried to register their address.
func (s *Server) mailAccountExists(ctx context.Context, log *slog.Logger, emailHash []byte) {
	u, err := s.Store.GetUserByEmailHash(ctx, emailHash)
	if err != nil {
		log.ErrorContext(ctx, "registration for an existing account: user not read", "err", err)
		return
	}
	view, err := s.userView(u)
	if err != nil {
		log.ErrorContext(ctx, "registration for an existing account: user not decrypted", "user_id", u.ID, "err", err)
		return
	}
	msg, err := mail.Render(u.Language, mail.TemplateAccountExists, mail.AccountExistsData{
		Name: view.Name, ResetURL: s.PublicURL + "/forgot-password",
	})
	if err != nil {
		log.ErrorContext(ctx, "account-exists mail not rendered", "err", err)
		return
	}
	msg.To = []string{view.Email}
	if err := s.Mail.Send(ctx, msg); err != nil {
		log.ErrorContext(ctx, "account-exists mail not sent", "user_id", u.ID, "err", err)
	}
}

func (s *Server) openSession(c *gin.Context, q *db.Queries, u db.User) (sessionView, error) {
	token, hash, err := secure.NewToken()
	if err != nil {
		return sessionView{}, err
	}
	expires := s.Now().Add(tokenLifetime).UTC().Truncate(time.Second)
	if _, err := q.CreateSession(c, db.CreateSessionParams{TokenHash: hash, UserID: u.ID, ExpiresAt: expires,
		ClientIp: c.ClientIP(), UserAgent: truncate(c.Request.UserAgent(), 256)}); err != nil {
		return sessionView{}, err
	}
	view, err := s.userView(u)
	if err != nil {
		return sessionView{}, err
	}
	return sessionView{Token: token, ExpiresAt: expires, User: view}, nil
}

func (s *Server) userView(u db.User) (UserView, error) {
	d, err := accounts.Decrypt(s.Fields, u)
	if err != nil {
		return UserView{}, err
	}
	return UserView{ID: u.ID, Role: u.Role, Email: d.Email, Name: d.Name, Language: u.Language,
		HasPIN: u.PinHash.Valid, EmailVerified: u.EmailVerifiedAt != nil, CreatedAt: u.CreatedAt.UTC(),
		TwoFactorEnabled: u.TotpEnabledAt != nil, SecondFactor: secondFactorState(u.Role, u.TotpEnabledAt != nil, false)}, nil
}

type loginRequest struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Password string `json:"password" validate:"required,max=128"`
}

// dummyHash keeps a login for an unknown email as slow as one for a known
// email, so response times do not reveal which accounts exist.
var dummyHash, _ = secure.HashPassword("derma2go-timing-equaliser", secure.DefaultArgon2)

func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	source := c.ClientIP()
	pair := "login:" + secure.NormaliseLookup(req.Email) + "|" + source
	if wait := s.limits.backoffWait(loginBackoff, pair); wait > 0 {
		tooMany(c, wait, "Too many failed logins for this account from here. Wait before trying again.")
		return
	}
	tok, ok, wait := s.limits.take(loginPerSource, "login-src:"+source)
	if !ok {
		tooMany(c, wait, "Too many failed logins from your network. Try again later.")
		return
	}
	u, err := s.Store.GetUserByEmailHash(c, accounts.EmailLookup(s.Fields, req.Email))
	if err = db.Translate(err); errors.Is(err, db.ErrNotFound) {
		_ = secure.CheckPassword(req.Password, dummyHash)
		s.limits.failed(loginBackoff, pair)
		fail(c, errUnauthorized("Email address or password is wrong."))
		return
	} else if err != nil {
		tok.giveBack()
		fail(c, err)
		return
	}
	if err := secure.CheckPassword(req.Password, u.PasswordHash); err != nil {
		if !errors.Is(err, secure.ErrMismatch) {
			logger(c).ErrorContext(c, "stored password hash unreadable", "user_id", u.ID, "err", err)
		}
		s.limits.failed(loginBackoff, pair)
		fail(c, errUnauthorized("Email address or password is wrong."))
		return
	}
	s.limits.succeeded(pair)
	tok.giveBack()
	var sess sessionView
	if err := s.Store.Tx(c, func(q *db.Queries) error {
		var err error
		sess, err = s.openSession(c, q, u)
		return err
	}); err != nil {
		fail(c, err)
		return
	}
	s.respondSession(c, http.StatusOK, sess)
}

func (s *Server) rateLimited(c *gin.Context, p limitPolicy, key string) bool {
	ok, wait := s.limits.allow(p, key)
	if !ok {
		tooMany(c, wait, "Too many attempts. Try again later.")
	}
	return ok
}

// tooMany answers 429 with the wait in Retry-After (whole seconds, rounded up).
func tooMany(c *gin.Context, wait time.Duration, detail string) {
	c.Header("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
	fail(c, errTooMany(detail))
}

func (s *Server) logout(c *gin.Context) {
	if err := s.Store.RevokeAuthToken(c, currentPrincipal(c).tokenHash); err != nil {
		fail(c, err)
		return
	}
	s.clearSessionCookies(c)
	c.Status(http.StatusNoContent)
}

type forgotRequest struct {
	Email string `json:"email" validate:"required,email,max=254"`
}

// forgotPassword mails a single-use reset link valid for one hour. It answers
// 202 whether or not the address has an account, after the same minimum
// time, with the mail sent in the background, so it reveals nothing.
func (s *Server) forgotPassword(c *gin.Context) {
	var req forgotRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if !s.rateLimited(c, resetPerSource, "reset-src:"+c.ClientIP()) ||
		!s.rateLimited(c, resetPerEmail, "reset:"+secure.NormaliseLookup(req.Email)) {
		return
	}
	start := time.Now()
	accepted := gin.H{"status": "accepted", "detail": "If an account exists for this address, a reset link is on its way."}
	u, err := s.Store.GetUserByEmailHash(c, accounts.EmailLookup(s.Fields, req.Email))
	if err = db.Translate(err); errors.Is(err, db.ErrNotFound) {
		answerEvenly(c, start, http.StatusAccepted, accepted)
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	token, hash, err := secure.NewToken()
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.Store.CreatePasswordReset(c, db.CreatePasswordResetParams{
		TokenHash: hash, UserID: u.ID, ExpiresAt: s.Now().Add(resetLifetime),
	}); err != nil {
		fail(c, err)
		return
	}
	view, err := s.userView(u)
	if err != nil {
		fail(c, err)
		return
	}
	msg, err := mail.Render(u.Language, mail.TemplatePasswordReset, mail.PasswordResetData{
		Name:           view.Name,
		ResetURL:       web.Links{Base: s.PublicURL}.ResetPassword(token),
		ExpiresMinutes: int(resetLifetime.Minutes()),
	})
	if err != nil {
		fail(c, err)
		return
	}
	msg.To = []string{view.Email}
	s.sendLater(c, msg, "user_id", u.ID)
	answerEvenly(c, start, http.StatusAccepted, accepted)
}

type resetRequest struct {
	Token    string `json:"token" validate:"required,max=128"`
	Password string `json:"password" validate:"required,min=10,max=128"`
}

// resetPassword sets a new password with a reset token, uses the token up and
// revokes every session of the user.
func (s *Server) resetPassword(c *gin.Context) {
	var req resetRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if secure.IsCommonPassword(req.Password) {
		fail(c, errCommonPassword())
		return
	}
	hash, err := secure.HashPassword(req.Password, secure.DefaultArgon2)
	if err != nil {
		fail(c, err)
		return
	}
	var userID uuid.UUID
	err = s.Store.Tx(c, func(q *db.Queries) error {
		var err error
		if userID, err = q.UsePasswordReset(c, secure.HashToken(req.Token)); err != nil {
			return err
		}
		if err := q.SetPassword(c, db.SetPasswordParams{ID: userID, PasswordHash: hash}); err != nil {
			return err
		}
		if err := q.InvalidatePasswordResets(c, userID); err != nil {
			return err
		}
		return q.RevokeUserAuthTokens(c, userID)
	})
	if errors.Is(err, db.ErrNotFound) {
		fail(c, newProblem(http.StatusBadRequest, "reset-token-invalid", "Reset link invalid",
			"This reset link is unknown, used or expired. Ask for a new one."))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	auditSubject(c, userID, userID.String())
	c.Status(http.StatusNoContent)
}

func (s *Server) me(c *gin.Context) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, p.UserID.String())
	u, err := s.Store.GetUser(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	view, err := s.userView(u)
	if err != nil {
		fail(c, err)
		return
	}
	view.SecondFactor = secondFactorState(p.Role, p.totpEnabled, p.secondFactorAt != nil)
	c.JSON(http.StatusOK, view)
}
