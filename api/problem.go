package api

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgconn"
)

// ProblemContentType is the media type of error responses (RFC 9457).
const ProblemContentType = "application/problem+json"

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []FieldProblem `json:"errors,omitempty"`
}

// FieldProblem names one invalid input field.
type FieldProblem struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// problemError is an error that knows the problem response it becomes.
// Handlers return it (or wrap it); writeError turns it into the response.
type problemError struct {
	status int
	slug   string
	title  string
	detail string
	fields []FieldProblem
	// retryAfter, in seconds, becomes a Retry-After header when set.
	retryAfter int
}

func (e *problemError) Error() string { return e.title + ": " + e.detail }

func newProblem(status int, slug, title, detail string) *problemError {
	return &problemError{status: status, slug: slug, title: title, detail: detail}
}

func errBadRequest(detail string) error {
	return newProblem(http.StatusBadRequest, "bad-request", "Bad request", detail)
}

func errValidation(fields ...FieldProblem) error {
	p := newProblem(http.StatusUnprocessableEntity, "validation", "Invalid input", "One or more fields are invalid.")
	p.fields = fields
	return p
}

func errUnauthorized(detail string) error {
	return newProblem(http.StatusUnauthorized, "unauthorized", "Unauthorized", detail)
}

func errForbidden(detail string) error {
	return newProblem(http.StatusForbidden, "forbidden", "Forbidden", detail)
}

func errNotFound(what string) error {
	return newProblem(http.StatusNotFound, "not-found", "Not found", what+" does not exist or is not yours.")
}

func errConflict(detail string) error {
	return newProblem(http.StatusConflict, "conflict", "Conflict", detail)
}

func errTooMany(detail string) error {
	return newProblem(http.StatusTooManyRequests, "rate-limited", "Too many requests", detail)
}

// retryAfterSeconds is the Retry-After of every 503.
const retryAfterSeconds = 5

func errUnavailable(detail string) error {
	p := newProblem(http.StatusServiceUnavailable, "unavailable", "Service unavailable", detail)
	p.retryAfter = retryAfterSeconds
	return p
}

// writeProblem sends p as application/problem+json and stops the chain.
func writeProblem(c *gin.Context, p Problem) {
	p.Instance = c.Request.URL.Path
	p.RequestID = requestID(c)
	if p.Type == "" {
		p.Type = "about:blank"
	}
	c.Header("Content-Type", ProblemContentType)
	c.AbortWithStatusJSON(p.Status, p) // keeps the Content-Type set above
}

// fail turns err into a problem response. Errors that are not problems are
// logged with the request id and answered with a generic 500: their text
// never reaches the client.
func fail(c *gin.Context, err error) {
	var p *problemError
	if !errors.As(err, &p) && dependencyDown(err) {
		logger(c).WarnContext(c.Request.Context(), "dependency unavailable", "err", err)
		_ = c.Error(err)
		p = errUnavailable("A service we depend on did not answer in time. Try again shortly.").(*problemError)
	}
	if p != nil {
		if p.retryAfter > 0 {
			c.Header("Retry-After", strconv.Itoa(p.retryAfter))
		}
		writeProblem(c, Problem{
			Type: problemTypeBase + p.slug, Title: p.title, Status: p.status, Detail: p.detail, Errors: p.fields,
		})
		return
	}
	logger(c).ErrorContext(c.Request.Context(), "request failed", "err", err)
	_ = c.Error(err)
	writeProblem(c, Problem{
		Type: problemTypeBase + "internal", Title: "Internal error", Status: http.StatusInternalServerError,
		Detail: "Something went wrong on our side. Quote the request id when contacting support.",
	})
}

// dependencyDown reports whether err means Temporal or PostgreSQL could not
// be reached, did not answer in time, or went away mid-query (the
// connection cut, the server shutting down or still recovering: SQLSTATE
// classes 08 and 57P), which a retry may cure.
func dependencyDown(err error) bool {
	var connect *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.As(err, &connect):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &netErr):
		return true
	case errors.As(err, &pgErr):
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P")
	}
	return false
}

const problemTypeBase = "https://derma2go.nl/problems/"
