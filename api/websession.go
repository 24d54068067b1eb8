package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"derma2go/db"
	"derma2go/secure"
)

// Web sessions. The web client never holds a token in script: it logs in
// with the header "X-Derma-Session: cookie", and the API puts the session
// token in an httpOnly, SameSite=Lax cookie (Secure except on a loopback
// http:// public URL, where browsers would drop it) and answers the session
// without the token. The same token store backs cookie and bearer sessions.
//
// CSRF: a request authenticated by the cookie with an unsafe method must
// carry X-CSRF-Token equal to the csrf cookie, a value derived from the
// session token (so a cookie planted by a sibling site does not match).
// SameSite=Lax keeps the session cookie off cross-site subrequests too, and
// still sends it when the reader follows an email link. The one exception:
// the Temporal UI's codec routes accept, instead of the header, a request
// whose Origin is TEMPORAL_UI_ORIGIN (temporalUICORS).
const (
	sessionModeHeader = "X-Derma-Session"
	csrfHeader        = "X-CSRF-Token"
)

// webCookies names the two cookies; the __Host- prefix (which requires
// Secure) pins them to this host and path.
type webCookies struct {
	session, csrf string
	secure        bool
}

func (s *Server) webCookies() webCookies {
	if cookieSecure(s.PublicURL) {
		return webCookies{session: "__Host-derma_session", csrf: "__Host-derma_csrf", secure: true}
	}
	return webCookies{session: "derma_session", csrf: "derma_csrf"}
}

// cookieSecure is false only for an http:// public URL on a loopback host
// (local development); everywhere else the cookies are Secure.
func cookieSecure(publicURL string) bool {
	u, err := url.Parse(publicURL)
	if err != nil || u.Scheme != "http" {
		return true
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// csrfToken is the CSRF value of a session token.
func csrfToken(sessionToken string) string {
	sum := sha256.Sum256([]byte("derma2go csrf\x00" + sessionToken))
	return hex.EncodeToString(sum[:])
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// authenticateCookie resolves the session cookie, if one is sent, to its
// user. A dead cookie is cleared and the request goes on anonymously (the
// route decides whether it needs a login). It returns false when it has
// answered the request (a CSRF failure).
func (s *Server) authenticateCookie(c *gin.Context) bool {
	names := s.webCookies()
	token, err := c.Cookie(names.session)
	if err != nil || token == "" {
		return true
	}
	if len(token) > 128 {
		s.clearSessionCookies(c)
		return true
	}
	p, err := s.loadSession(c, secure.HashToken(token))
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		s.clearSessionCookies(c)
		return true
	}
	if err != nil {
		fail(c, fmt.Errorf("authenticate cookie: %w", err))
		return false
	}
	if !safeMethod(c.Request.Method) && !fromTrustedOrigin(c) {
		sent := c.GetHeader(csrfHeader)
		if subtle.ConstantTimeCompare([]byte(sent), []byte(csrfToken(token))) != 1 {
			fail(c, newProblem(http.StatusForbidden, "csrf-failed", "Request not confirmed",
				"Send the %s header with the value of the %s cookie.", csrfHeader, names.csrf))
			return false
		}
	}
	c.Set(ctxPrincipal, p)
	return true
}

// respondSession answers a new session: as JSON with the token for bearer
// clients, or, when the client asked for a cookie session, with the token
// in the httpOnly cookie and an empty token in the JSON.
func (s *Server) respondSession(c *gin.Context, status int, sess sessionView) {
	if c.GetHeader(sessionModeHeader) == "cookie" {
		s.setSessionCookies(c, sess.Token, sess.ExpiresAt)
		sess.Token = ""
	}
	c.JSON(status, sess)
}

func (s *Server) setSessionCookies(c *gin.Context, token string, expires time.Time) {
	names := s.webCookies()
	maxAge := int(expires.Sub(s.Now()).Seconds())
	http.SetCookie(c.Writer, &http.Cookie{Name: names.session, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: names.secure, SameSite: http.SameSiteLaxMode})
	http.SetCookie(c.Writer, &http.Cookie{Name: names.csrf, Value: csrfToken(token), Path: "/", MaxAge: maxAge,
		Secure: names.secure, SameSite: http.SameSiteStrictMode})
}

// clearSessionCookies removes both cookies (at logout, or when the
// session they name has died).
func (s *Server) clearSessionCookies(c *gin.Context) {
	names := s.webCookies()
	for _, n := range []string{names.session, names.csrf} {
		http.SetCookie(c.Writer, &http.Cookie{Name: n, Value: "", Path: "/", MaxAge: -1,
			HttpOnly: n == names.session, Secure: names.secure, SameSite: http.SameSiteLaxMode})
	}
}
