package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/accounts"
	"derma2go/db"
	"derma2go/mail"
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
		hash := secure.HashToken(token)
		row, err := s.Store.GetActiveAuthToken(c, hash)
		if errors.Is(db.Translate(err), db.ErrNotFound) {
			c.Header("WWW-Authenticate", `Bearer error="invalid_token"`)
			fail(c, errUnauthorized("The token is unknown, expired or revoked. Log in again."))
			return
		}
		if err != nil {
			fail(c, fmt.Errorf("authenticate: %w", err))
			return
		}
		c.Set(ctxPrincipal, &principal{UserID: row.UserID, Role: row.Role, Language: row.Language, tokenHash: hash,
			hasPIN: row.HasPin, pinUnlockedUntil: row.PinUnlockedUntil})
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
}

// UserView is a user as the API shows it to that user.
type UserView struct {
	ID        uuid.UUID `json:"id"`
	Role      string    `json:"role"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Language  string    `json:"language"`
	HasPIN    bool      `json:"has_pin"`
	CreatedAt time.Time `json:"created_at"`
}

type sessionView struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      UserView  `json:"user"`
}

func (s *Server) register(c *gin.Context) {
	var req registerRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if req.Language == "" {
		req.Language = "nl"
	}
	hash, err := secure.HashPassword(req.Password, secure.DefaultArgon2)
	if err != nil {
		fail(c, err)
		return
	}
	params, err := accounts.NewUser(s.Fields, RolePatient, req.Email, req.Name, hash, req.Language)
	if err != nil {
		fail(c, err)
		return
	}
	var sess sessionView
	err = s.Store.Tx(c, func(q *db.Queries) error {
		u, err := q.CreateUser(c, params)
		if err != nil {
			return err
		}
		sess, err = s.openSession(c, q, u)
		return err
	})
	if errors.Is(err, db.ErrConflict) {
		fail(c, errConflict("An account with this email address exists already. Log in or reset the password."))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	auditSubject(c, sess.User.ID, sess.User.ID.String())
	s.respondSession(c, http.StatusCreated, sess)
}

func (s *Server) openSession(c *gin.Context, q *db.Queries, u db.User) (sessionView, error) {
	token, hash, err := secure.NewToken()
	if err != nil {
		return sessionView{}, err
	}
	expires := s.Now().Add(tokenLifetime).UTC().Truncate(time.Second)
	if err := q.CreateAuthToken(c, db.CreateAuthTokenParams{TokenHash: hash, UserID: u.ID, ExpiresAt: expires}); err != nil {
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
		HasPIN: u.PinHash.Valid, CreatedAt: u.CreatedAt.UTC()}, nil
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
	if !s.rateLimited(c, loginPerIP, "login-ip:"+c.ClientIP()) ||
		!s.rateLimited(c, loginPerAccount, "login:"+secure.NormaliseLookup(req.Email)) {
		return
	}
	u, err := s.Store.GetUserByEmailHash(c, accounts.EmailLookup(s.Fields, req.Email))
	if err = db.Translate(err); errors.Is(err, db.ErrNotFound) {
		_ = secure.CheckPassword(req.Password, dummyHash)
		fail(c, errUnauthorized("Email address or password is wrong."))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	if err := secure.CheckPassword(req.Password, u.PasswordHash); err != nil {
		if !errors.Is(err, secure.ErrMismatch) {
			logger(c).ErrorContext(c, "stored password hash unreadable", "user_id", u.ID, "err", err)
		}
		fail(c, errUnauthorized("Email address or password is wrong."))
		return
	}
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
		c.Header("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		fail(c, errTooMany("Too many attempts. Try again later."))
	}
	return ok
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
// 202 whether or not the address has an account, so it reveals nothing.
func (s *Server) forgotPassword(c *gin.Context) {
	var req forgotRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if !s.rateLimited(c, resetPerIP, "reset-ip:"+c.ClientIP()) ||
		!s.rateLimited(c, resetPerAccount, "reset:"+secure.NormaliseLookup(req.Email)) {
		return
	}
	accepted := gin.H{"status": "accepted", "detail": "If an account exists for this address, a reset link is on its way."}
	u, err := s.Store.GetUserByEmailHash(c, accounts.EmailLookup(s.Fields, req.Email))
	if err = db.Translate(err); errors.Is(err, db.ErrNotFound) {
		c.JSON(http.StatusAccepted, accepted)
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
	if err := s.Mail.Send(c, msg); err != nil {
		// Answering differently here would reveal that the account exists.
		logger(c).ErrorContext(c, "password reset mail not sent", "user_id", u.ID, "err", err)
	}
	c.JSON(http.StatusAccepted, accepted)
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
	c.JSON(http.StatusOK, view)
}

// AccessLogEntry is one access to the caller's data, as the caller sees it.
type AccessLogEntry struct {
	At         time.Time `json:"at"`
	ActorRole  string    `json:"actor_role"`
	ActorID    *string   `json:"actor_id"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Action     string    `json:"action"`
	Outcome    int       `json:"outcome"`
	ClientIP   string    `json:"client_ip"`
}

// accessLog lists who accessed the caller's data (NEN 7513 inspection right).
func (s *Server) accessLog(c *gin.Context) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, p.UserID.String())
	rows, err := s.Store.ListAuditEventsForPatient(c, db.ListAuditEventsForPatientParams{
		PatientID: uuid.NullUUID{UUID: p.UserID, Valid: true}, Limit: 500,
	})
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]AccessLogEntry, 0, len(rows))
	for _, r := range rows {
		e := AccessLogEntry{At: r.OccurredAt.UTC(), ActorRole: r.ActorRole, ObjectType: r.ObjectType,
			ObjectID: r.ObjectID, Action: r.Action, Outcome: int(r.Outcome), ClientIP: r.ClientIp}
		if r.ActorID.Valid {
			id := r.ActorID.UUID.String()
			e.ActorID = &id
		}
		out = append(out, e)
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}
