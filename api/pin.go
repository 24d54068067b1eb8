package api

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"derma2go/db"
	"derma2go/secure"
)

// The PIN unlocks the medical parts of a patient's portal (advice,
// prescriptions, documents) for one session, on top of the login. Wrong PINs
// count per session: five in a row lock that session's PIN for a quarter of
// an hour, and every further wrong PIN doubles the lock. Other sessions of
// the account are not affected, so whoever holds one stolen session cannot
// lock the owner out; opening another session takes the password, which can
// set a new PIN anyway.
const (
	pinUnlockLifetime = 15 * time.Minute
	pinMaxFailures    = 5
)

// pinLockout is the lock after the fifth wrong PIN of a session and after
// each one beyond it.
var pinLockout = backoffPolicy{free: pinMaxFailures, base: 15 * time.Minute, max: 24 * time.Hour}

// pinPerSession caps PIN calls per session; the lockout after five wrong
// PINs is the main guard, this limit only slows a script down.
var pinPerSession = limitPolicy{every: 10 * time.Second, burst: 20}

type setPINRequest struct {
	PIN      string `json:"pin" validate:"required,numeric,min=4,max=8"`
	Password string `json:"password" validate:"required,max=128"`
}

// setPIN sets or changes the PIN; the account password confirms it.
func (s *Server) setPIN(c *gin.Context) {
	var req setPINRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, p.UserID.String())
	if !s.rateLimited(c, pinPerSession, "pin:"+hex.EncodeToString(p.tokenHash)) {
		return
	}
	u, err := s.Store.GetUser(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	if err := secure.CheckPassword(req.Password, u.PasswordHash); err != nil {
		fail(c, newProblem(http.StatusForbidden, "password-incorrect", "Password incorrect", "Confirm the PIN with your account password."))
		return
	}
	hash, err := secure.HashPassword(req.PIN, secure.DefaultArgon2)
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.Store.Tx(c, func(q *db.Queries) error {
		if err := q.SetPIN(c, db.SetPINParams{ID: p.UserID, PinHash: textOf(hash)}); err != nil {
			return err
		}
		return q.ClearSessionPINLocks(c, p.UserID)
	}); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type unlockRequest struct {
	PIN string `json:"pin" validate:"required,numeric,min=4,max=8"`
}

// unlockPIN checks the PIN and unlocks the medical parts for this session.
func (s *Server) unlockPIN(c *gin.Context) {
	var req unlockRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, p.UserID.String())
	if !s.rateLimited(c, pinPerSession, "pin:"+hex.EncodeToString(p.tokenHash)) {
		return
	}
	now := s.Now()
	var verdict error
	err := s.Store.Tx(c, func(q *db.Queries) error {
		sess, err := q.GetAuthTokenForUpdate(c, p.tokenHash)
		if err != nil {
			return err
		}
		u, err := q.GetUser(c, p.UserID)
		if err != nil {
			return err
		}
		switch {
		case !u.PinHash.Valid:
			verdict = newProblem(http.StatusConflict, "pin-not-set", "No PIN set", "Set a PIN first (PUT /v1/me/pin).")
			return nil
		case sess.PinLockedUntil != nil && sess.PinLockedUntil.After(now):
			c.Header("Retry-After", fmt.Sprint(int(math.Ceil(sess.PinLockedUntil.Sub(now).Seconds()))))
			verdict = newProblem(http.StatusLocked, "pin-locked", "PIN locked",
				"Too many wrong PINs in this session. Try again later, log in again, or set a new PIN with your password (PUT /v1/me/pin).")
			return nil
		}
		if err := secure.CheckPassword(req.PIN, u.PinHash.String); err != nil {
			if !errors.Is(err, secure.ErrMismatch) {
				return err
			}
			failures := sess.PinFailures + 1
			params := db.RecordSessionPINFailureParams{TokenHash: p.tokenHash, Failures: failures}
			if lock := pinLockout.delay(int(failures)); lock > 0 {
				until := now.Add(lock)
				params.LockedUntil = &until
			}
			verdict = newProblem(http.StatusForbidden, "pin-incorrect", "PIN incorrect",
				fmt.Sprintf("The PIN is wrong; %d attempts left before it locks.", max(pinMaxFailures-int(failures), 0)))
			return q.RecordSessionPINFailure(c, params)
		}
		until := now.Add(pinUnlockLifetime)
		return q.UnlockSession(c, db.UnlockSessionParams{TokenHash: p.tokenHash, UnlockedUntil: &until})
	})
	if err != nil {
		fail(c, err)
		return
	}
	if verdict != nil {
		fail(c, verdict)
		return
	}
	c.JSON(http.StatusOK, gin.H{"unlocked_until": now.Add(pinUnlockLifetime).UTC().Truncate(time.Second)})
}

// pinProblem is why the caller may not see medical parts now, or nil. A
// logged-in patient needs the PIN unlocked in this session; guests, who come
// with a signed per-consultation link, and doctors are not asked.
func (s *Server) pinProblem(c *gin.Context) error {
	p := currentPrincipal(c)
	switch {
	case p == nil || p.Role != RolePatient:
		return nil
	case !p.hasPIN:
		return newProblem(http.StatusForbidden, "pin-required", "PIN required",
			"Medical records are protected by a personal PIN: set one (PUT /v1/me/pin), then unlock (POST /v1/me/pin/unlock).")
	case p.pinUnlockedUntil == nil || !p.pinUnlockedUntil.After(s.Now()):
		return newProblem(http.StatusForbidden, "pin-locked-session", "Unlock with your PIN",
			"Unlock the medical part of your portal with your PIN (POST /v1/me/pin/unlock).")
	}
	return nil
}

// requirePIN guards a route of the medical parts (intake, photos, advice,
// documents, prescriptions) with the PIN; see pinProblem.
func (s *Server) requirePIN() gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := s.pinProblem(c); err != nil {
			fail(c, err)
			return
		}
		c.Next()
	}
}
