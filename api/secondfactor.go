package api

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/accounts"
	"derma2go/db"
	"derma2go/secure"
)

// Two-factor sign-in (TOTP, RFC 6238) and sessions.
//
// A login with the password opens a session. For doctors and admins, and
// for patients who turned two-factor sign-in on, that session is pending
// until the second factor is given in it (POST /v1/auth/second-factor, a
// code of the authenticator app or a recovery code): a pending session
// reaches only the routes that lead to the second factor (routeSpec
// beforeSecondFactor); every other route that needs a login or touches
// patient data answers 403 second-factor-required. A doctor or admin
// without an authenticator enrols in the pending session (POST
// /v1/me/second-factor, then …/confirm with the first code), which gives
// the second factor for that session.
//
// Sessions end after an idle time: DefaultPatientIdle for patients,
// DefaultStaffIdle for doctors and admins (SESSION_IDLE_PATIENT,
// SESSION_IDLE_STAFF), on top of the 30-day lifetime.

// Default idle lifetimes of sessions.
const (
	DefaultPatientIdle = 7 * 24 * time.Hour
	DefaultStaffIdle   = 30 * time.Minute
)

// sessionTouchEvery is how stale last_seen_at may get before a request
// writes it again (one write a minute per active session, not one per request).
const sessionTouchEvery = time.Minute

// totpIssuer names the service in the authenticator app.
const totpIssuer = "Derma2Go"

// secondFactorBackoff slows down guessing codes per account: five wrong
// codes are free, then each one doubles the wait, from 30 s up to an hour.
// A session's own calls are capped too (secondFactorPerSession).
var (
	secondFactorBackoff    = backoffPolicy{free: 5, base: 30 * time.Second, max: time.Hour, forget: 24 * time.Hour}
	secondFactorPerSession = limitPolicy{every: 10 * time.Second, burst: 10}
)

// States of a session's second factor (UserView.SecondFactor).
const (
	secondFactorNotNeeded = "not_needed"
	secondFactorRequired  = "required"
	secondFactorEnrol     = "enrolment_required"
	secondFactorVerified  = "verified"
)

// staffRole: doctors and admins must sign in with a second factor.
func staffRole(role string) bool { return role == RoleDoctor || role == RoleAdmin }

func secondFactorState(role string, enabled, given bool) string {
	switch {
	case given:
		return secondFactorVerified
	case enabled:
		return secondFactorRequired
	case staffRole(role):
		return secondFactorEnrol
	}
	return secondFactorNotNeeded
}

// secondFactorPending reports whether this session still owes the second factor.
func (p *principal) secondFactorPending() bool {
	return p.secondFactorAt == nil && (p.totpEnabled || staffRole(p.Role))
}

// loadSession resolves a live session (not revoked, not expired, not idle
// too long for its role) to its caller, and notes that it was used.
func (s *Server) loadSession(c *gin.Context, hash []byte) (*principal, error) {
	row, err := s.Store.GetActiveSession(c, db.GetActiveSessionParams{TokenHash: hash,
		PatientIdleSeconds: int64(s.PatientIdle / time.Second), StaffIdleSeconds: int64(s.StaffIdle / time.Second)})
	if err != nil {
		return nil, err
	}
	if s.Now().Sub(row.LastSeenAt) > sessionTouchEvery {
		if err := s.Store.TouchSession(c, hash); err != nil {
			return nil, err
		}
	}
	return &principal{UserID: row.UserID, Role: row.Role, Language: row.Language, tokenHash: hash,
		hasPIN: row.HasPin, pinUnlockedUntil: row.PinUnlockedUntil, sessionID: row.ID,
		totpEnabled: row.TotpEnabled, secondFactorAt: row.SecondFactorAt}, nil
}

// secondFactorGate runs after authenticate. On a route that needs the
// second factor a pending session is refused; a route that leads to it
// keeps the pending session; on a public route it counts as no login.
func (s *Server) secondFactorGate(r routeSpec) gin.HandlerFunc {
	enforce := r.needsSecondFactor()
	return func(c *gin.Context) {
		p := currentPrincipal(c)
		if p != nil && p.secondFactorPending() && !r.beforeSecondFactor {
			if enforce {
				fail(c, errSecondFactor(c, p))
				return
			}
			c.Set(ctxPrincipal, (*principal)(nil))
		}
		c.Next()
	}
}

// The problems of two-factor sign-in (their Dutch is in the catalog). Every problem
// this file answers is one of these (TestEverySecondFactorProblemIsWorded).
var (
	textSecondFactorOwed = problemText{"Second factor required",
		"Enter the code of your authenticator app or a recovery code first (POST /v1/auth/second-factor)."}

	textSecondFactorStaff = problemText{"Second factor required",
		"Doctors and administrators sign in with a second factor: set up an authenticator app first (POST /v1/me/second-factor)."}

	textSecondFactorNotEnrolled = problemText{"No authenticator set up",
		"Set up an authenticator app first (POST /v1/me/second-factor)."}

	textRecoveryNotEnrolled = problemText{"No authenticator set up",
		"Recovery codes belong to two-factor sign-in: set up an authenticator app first (POST /v1/me/second-factor)."}

	textSecondFactorIncorrect = problemText{"Code incorrect",
		"The code is wrong, already used or expired. Enter the current code of your authenticator app, or a recovery code."}

	textNewAuthenticatorIncorrect = problemText{"Code incorrect",
		"The code does not match the new authenticator. Check the phone's time and enter the current code."}

	textSecondFactorNotStarted = problemText{"No authenticator being set up",
		"Start setting up an authenticator app first (POST /v1/me/second-factor)."}

	textSecondFactorMandatory = problemText{"Second factor mandatory",
		"Doctors and administrators cannot sign in without a second factor. Set up a new authenticator instead (POST /v1/me/second-factor)."}

	textSecondFactorPassword = problemText{"Password incorrect",
		"Confirm with your account password."}

	textSecondFactorBackoff = problemText{"Too many requests",
		"Too many wrong codes for this account. Wait %d seconds before trying again."}

	textSecondFactorRate = problemText{"Too many requests",
		"Too many attempts in this session. Wait %d seconds before trying again."}

	textSecondFactorCodeMissing = problemText{"Second factor required",
		"Two-factor sign-in is on for your account: confirm with the current code of your authenticator app or a recovery code as well (%s)."}
)

// secondFactorTexts are all of the above, for the test that walks them.
var secondFactorTexts = []problemText{textSecondFactorOwed, textSecondFactorStaff, textSecondFactorNotEnrolled,
	textRecoveryNotEnrolled, textSecondFactorIncorrect, textNewAuthenticatorIncorrect, textSecondFactorNotStarted,
	textSecondFactorMandatory, textSecondFactorPassword, textSecondFactorBackoff, textSecondFactorRate,
	textSecondFactorCodeMissing}

func errSecondFactor(c *gin.Context, p *principal) error {
	t := textSecondFactorOwed
	if !p.totpEnabled {
		t = textSecondFactorStaff
	}
	return localProblem(c, requestLanguage(c, ""), http.StatusForbidden, "second-factor-required", t)
}

// secondFactorStep is a call of a second-factor handler: the caller, the
// account and the language of its problems.
type secondFactorStep struct {
	p    *principal
	u    db.User
	lang string
}

// fail answers a second-factor problem in the caller's language.
func (st secondFactorStep) fail(c *gin.Context, status int, slug string, t problemText, args ...any) {
	fail(c, localProblem(c, st.lang, status, slug, t, args...))
}

// refusal is why a second-factor handler turns a caller down at once.
type refusal struct {
	status int
	slug   string
	text   problemText
}

// refuseIf is the refusal r when cond holds, else none.
func refuseIf(cond bool, status int, slug string, t problemText) *refusal {
	if !cond {
		return nil
	}
	return &refusal{status, slug, t}
}

// beginSecondFactor is the common start of the second-factor handlers: it
// decodes the body into req (nil: none), names the caller as the audit
// subject, lets refuse turn the call down before any limit is spent (nil:
// never), applies the limits of code checks and loads the account. On false
// the problem is answered.
func (s *Server) beginSecondFactor(c *gin.Context, req any, refuse func(*principal) *refusal) (secondFactorStep, bool) {
	if req != nil {
		if err := decodeJSON(c, req); err != nil {
			fail(c, err)
			return secondFactorStep{}, false
		}
	}
	p := currentPrincipal(c)
	st := secondFactorStep{p: p, lang: requestLanguage(c, "")}
	auditSubject(c, p.UserID, p.UserID.String())
	if refuse != nil {
		if r := refuse(p); r != nil {
			st.fail(c, r.status, r.slug, r.text)
			return st, false
		}
	}
	if !s.secondFactorAllowed(c, p, st.lang) {
		return st, false
	}
	u, err := s.Store.GetUser(c, p.UserID)
	if err != nil {
		fail(c, err)
		return st, false
	}
	st.u = u
	return st, true
}

type secondFactorRequest struct {
	// Code is the six digits of the authenticator app, or a recovery code.
	Code string `json:"code" validate:"required,max=32"`
}

// giveSecondFactor checks a code of the authenticator app (each code is
// good once) or an unused recovery code, and marks the session as having
// given the second factor.
func (s *Server) giveSecondFactor(c *gin.Context) {
	var req secondFactorRequest
	st, ok := s.beginSecondFactor(c, &req, func(p *principal) *refusal {
		return refuseIf(!p.totpEnabled, http.StatusConflict, "second-factor-not-enrolled", textSecondFactorNotEnrolled)
	})
	if !ok {
		return
	}
	left, ok := s.codeConfirms(c, st, req.Code, textSecondFactorIncorrect)
	if !ok {
		return
	}
	if err := s.Store.MarkSessionSecondFactor(c, st.p.tokenHash); err != nil {
		fail(c, err)
		return
	}
	view, err := s.userView(st.u)
	if err != nil {
		fail(c, err)
		return
	}
	view.SecondFactor = secondFactorVerified
	c.JSON(http.StatusOK, gin.H{"user": view, "recovery_codes_left": left})
}

// secondFactorAllowed applies the limits of code checks: the account's
// backoff after wrong codes and the session's rate.
func (s *Server) secondFactorAllowed(c *gin.Context, p *principal, lang string) bool {
	wait := s.limits.backoffWait(secondFactorBackoff, "2fa:"+p.UserID.String())
	t := textSecondFactorBackoff
	if wait <= 0 {
		var ok bool
		if ok, wait = s.limits.allow(secondFactorPerSession, "2fa-session:"+hex.EncodeToString(p.tokenHash)); ok {
			return true
		}
		t = textSecondFactorRate
	}
	secs := int(math.Ceil(wait.Seconds()))
	c.Header("Retry-After", fmt.Sprint(secs))
	fail(c, localProblem(c, lang, http.StatusTooManyRequests, "rate-limited", t, secs))
	return false
}

// codeConfirms checks code as the second factor of st's account (see
// checkSecondFactor) and counts a wrong one towards the account's backoff,
// answering the problem wrong (in st's language). It answers how many
// recovery codes are left.
func (s *Server) codeConfirms(c *gin.Context, st secondFactorStep, code string, wrong problemText) (int64, bool) {
	ok, left, err := s.checkSecondFactor(c, st.u, code)
	if err != nil {
		fail(c, err)
		return 0, false
	}
	if !ok {
		s.limits.failed(secondFactorBackoff, "2fa:"+st.p.UserID.String())
		st.fail(c, http.StatusForbidden, "second-factor-incorrect", wrong)
		return 0, false
	}
	s.limits.succeeded("2fa:" + st.p.UserID.String())
	return left, true
}

// stepUp asks a fresh second factor for a grave step of a patient who
// turned two-factor sign-in on (the erasure, the export), on top of the
// session's: code is the authenticator or recovery code the request
// carries, where names the field or header it goes in. It is checked as at
// sign-in, with the same backoff. Without two-factor sign-in it lets the
// step through. On false the problem is answered.
func (s *Server) stepUp(c *gin.Context, p *principal, u db.User, code, where string) bool {
	if u.TotpEnabledAt == nil {
		return true
	}
	st := secondFactorStep{p: p, u: u, lang: requestLanguage(c, "")}
	if strings.TrimSpace(code) == "" {
		st.fail(c, http.StatusForbidden, "second-factor-code-required", textSecondFactorCodeMissing, where)
		return false
	}
	if !s.secondFactorAllowed(c, p, st.lang) {
		return false
	}
	_, ok := s.codeConfirms(c, st, code, textSecondFactorIncorrect)
	return ok
}

// checkSecondFactor reports whether code is the current authenticator code
// of u (not used before) or one of u's unused recovery codes, using it up,
// and how many recovery codes are left. Sign-in and every step that asks
// the second factor again go through it.
func (s *Server) checkSecondFactor(c *gin.Context, u db.User, code string) (bool, int64, error) {
	code = strings.TrimSpace(code)
	ok := false
	if len(code) == 6 && strings.Trim(code, "0123456789") == "" {
		secret, err := s.Fields.DecryptString(db.FieldTOTPSecret, u.TotpSecretEnc)
		if err != nil {
			return false, 0, err
		}
		if step, match := secure.MatchTOTP(secret, code, s.Now()); match {
			n, err := s.Store.UseTOTPStep(c, db.UseTOTPStepParams{ID: u.ID, Step: step})
			if err != nil {
				return false, 0, err
			}
			ok = n == 1
		}
	} else {
		n, err := s.Store.UseRecoveryCode(c, db.UseRecoveryCodeParams{UserID: u.ID, CodeHash: secure.HashRecoveryCode(code)})
		if err != nil {
			return false, 0, err
		}
		ok = n == 1
	}
	left, err := s.Store.CountRecoveryCodes(c, u.ID)
	return ok, left, err
}

type enrolRequest struct {
	Password string `json:"password" validate:"required,max=128"`
}

// enrolSecondFactor starts setting up an authenticator app: a new secret,
// kept aside until its first code confirms it, shown as a QR code (a PNG
// data URL) and as text. Someone with a pending session of an account that
// has an authenticator already cannot replace it; the password confirms.
func (s *Server) enrolSecondFactor(c *gin.Context) {
	var req enrolRequest
	st, ok := s.beginSecondFactor(c, &req, func(p *principal) *refusal {
		return refuseIf(p.totpEnabled && p.secondFactorAt == nil, http.StatusForbidden, "second-factor-required", textSecondFactorOwed)
	})
	if !ok || !s.passwordConfirms(c, st, req.Password) {
		return
	}
	secret, err := secure.NewTOTPSecret()
	if err != nil {
		fail(c, err)
		return
	}
	sealed, err := s.Fields.EncryptString(db.FieldTOTPPending, secret)
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.Store.SetPendingTOTP(c, db.SetPendingTOTPParams{ID: st.u.ID, TotpPendingEnc: sealed}); err != nil {
		fail(c, err)
		return
	}
	view, err := s.userView(st.u)
	if err != nil {
		fail(c, err)
		return
	}
	uri := secure.TOTPURI(totpIssuer, view.Email, secret)
	png, err := secure.TOTPQRCode(uri, 240)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"secret": secret, "otpauth_uri": uri,
		"qr_code": "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)})
}

// passwordConfirms checks the account password for a change of the second
// factor; a wrong one counts as a wrong code.
func (s *Server) passwordConfirms(c *gin.Context, st secondFactorStep, password string) bool {
	if err := secure.CheckPassword(password, st.u.PasswordHash); err != nil {
		s.limits.failed(secondFactorBackoff, "2fa:"+st.p.UserID.String())
		st.fail(c, http.StatusForbidden, "password-incorrect", textSecondFactorPassword)
		return false
	}
	return true
}

type confirmSecondFactorRequest struct {
	Code string `json:"code" validate:"required,numeric,len=6"`
}

// confirmSecondFactor turns the authenticator on with its first code, gives
// the second factor for this session, and answers ten new recovery codes
// (shown this once; only their hashes are kept).
func (s *Server) confirmSecondFactor(c *gin.Context) {
	var req confirmSecondFactorRequest
	st, ok := s.beginSecondFactor(c, &req, nil)
	if !ok {
		return
	}
	p, u := st.p, st.u
	if u.TotpPendingEnc == nil {
		st.fail(c, http.StatusConflict, "second-factor-not-started", textSecondFactorNotStarted)
		return
	}
	secret, err := s.Fields.DecryptString(db.FieldTOTPPending, u.TotpPendingEnc)
	if err != nil {
		fail(c, err)
		return
	}
	step, ok := secure.MatchTOTP(secret, req.Code, s.Now())
	if !ok {
		s.limits.failed(secondFactorBackoff, "2fa:"+p.UserID.String())
		st.fail(c, http.StatusForbidden, "second-factor-incorrect", textNewAuthenticatorIncorrect)
		return
	}
	codes, err := secure.NewRecoveryCodes(secure.RecoveryCodeCount)
	if err != nil {
		fail(c, err)
		return
	}
	err = s.Store.Tx(c, func(q *db.Queries) error {
		if err := accounts.ActivateTOTP(c, q, s.Fields, u.ID, secret, step); err != nil {
			return err
		}
		if err := replaceRecoveryCodes(c, q, u.ID, codes); err != nil {
			return err
		}
		return q.MarkSessionSecondFactor(c, p.tokenHash)
	})
	if err != nil {
		fail(c, err)
		return
	}
	s.limits.succeeded("2fa:" + p.UserID.String())
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"recovery_codes": codes})
}

func replaceRecoveryCodes(c *gin.Context, q *db.Queries, userID uuid.UUID, codes []string) error {
	if err := q.DeleteRecoveryCodes(c, userID); err != nil {
		return err
	}
	for _, code := range codes {
		if err := q.InsertRecoveryCode(c, db.InsertRecoveryCodeParams{UserID: userID, CodeHash: secure.HashRecoveryCode(code)}); err != nil {
			return err
		}
	}
	return nil
}

// newRecoveryCodes replaces the recovery codes with ten new ones; the
// password confirms.
func (s *Server) newRecoveryCodes(c *gin.Context) {
	var req enrolRequest
	st, ok := s.beginSecondFactor(c, &req, nil)
	if !ok {
		return
	}
	if st.u.TotpEnabledAt == nil {
		st.fail(c, http.StatusConflict, "second-factor-not-enrolled", textRecoveryNotEnrolled)
		return
	}
	if !s.passwordConfirms(c, st, req.Password) {
		return
	}
	codes, err := secure.NewRecoveryCodes(secure.RecoveryCodeCount)
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.Store.Tx(c, func(q *db.Queries) error { return replaceRecoveryCodes(c, q, st.u.ID, codes) }); err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"recovery_codes": codes})
}

type disableSecondFactorRequest struct {
	Password string `json:"password" validate:"required,max=128"`
	Code     string `json:"code" validate:"required,max=32"`
}

// disableSecondFactor turns two-factor sign-in off for a patient (password
// and a current code confirm); doctors and admins cannot.
func (s *Server) disableSecondFactor(c *gin.Context) {
	var req disableSecondFactorRequest
	st, ok := s.beginSecondFactor(c, &req, func(p *principal) *refusal {
		return refuseIf(staffRole(p.Role), http.StatusForbidden, "second-factor-mandatory", textSecondFactorMandatory)
	})
	if !ok {
		return
	}
	if st.u.TotpEnabledAt == nil {
		c.Status(http.StatusNoContent)
		return
	}
	if !s.passwordConfirms(c, st, req.Password) {
		return
	}
	if _, ok := s.codeConfirms(c, st, req.Code, textSecondFactorIncorrect); !ok {
		return
	}
	if err := s.Store.Tx(c, func(q *db.Queries) error {
		if err := q.DisableTOTP(c, st.u.ID); err != nil {
			return err
		}
		return q.DeleteRecoveryCodes(c, st.u.ID)
	}); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// SessionView is one of the caller's sessions.
type SessionView struct {
	ID         uuid.UUID `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	// ExpiresAt is when it ends unless used again: the idle limit of the
	// role or the absolute lifetime, whichever comes first.
	ExpiresAt    time.Time `json:"expires_at"`
	ClientIP     string    `json:"client_ip"`
	UserAgent    string    `json:"user_agent"`
	Current      bool      `json:"current"`
	SecondFactor bool      `json:"second_factor"`
}

// listSessions lists the caller's live sessions, the current one marked.
func (s *Server) listSessions(c *gin.Context) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, p.UserID.String())
	rows, err := s.Store.ListSessions(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	idle := s.PatientIdle
	if staffRole(p.Role) {
		idle = s.StaffIdle
	}
	now := s.Now()
	out := make([]SessionView, 0, len(rows))
	for _, r := range rows {
		ends := r.LastSeenAt.Add(idle)
		if r.ExpiresAt.Before(ends) {
			ends = r.ExpiresAt
		}
		if !ends.After(now) {
			continue
		}
		out = append(out, SessionView{ID: r.ID, CreatedAt: r.CreatedAt.UTC(), LastSeenAt: r.LastSeenAt.UTC(),
			ExpiresAt: ends.UTC().Truncate(time.Second), ClientIP: r.ClientIp, UserAgent: r.UserAgent,
			Current: string(r.TokenHash) == string(p.tokenHash), SecondFactor: r.SecondFactorAt != nil})
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// revokeSession ends one of the caller's sessions (the current one too,
// which is a logout).
func (s *Server) revokeSession(c *gin.Context) {
	p := currentPrincipal(c)
	auditPatient(c, uuid.NullUUID{UUID: p.UserID, Valid: true})
	id, err := uuid.Parse(c.Param("id"))
	var n int64
	if err == nil {
		n, err = s.Store.RevokeSession(c, db.RevokeSessionParams{UserID: p.UserID, ID: id})
		if err != nil {
			fail(c, err)
			return
		}
	}
	if n == 0 {
		fail(c, errNotFound("This session"))
		return
	}
	if id == p.sessionID {
		s.clearSessionCookies(c)
	}
	c.Status(http.StatusNoContent)
}
