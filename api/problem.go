package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgconn"

	"derma2go/domain"
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
// Handlers return it (or wrap it); fail turns it into the response. Its
// texts are English: the catalog (problem_texts.go) gives their Dutch, and
// fail answers in the request's language.
type problemError struct {
	status int
	slug   string
	title  string
	// detail is a format when args are set: it is translated before the
	// args fill it in.
	detail string
	args   []any
	fields []FieldProblem
	// retryAfter, in seconds, becomes a Retry-After header when set.
	retryAfter int
	// lang, when set, is the language the request chose itself (a form's
	// language field); it goes before the user's and Accept-Language.
	lang string
}

func (e *problemError) Error() string { return e.title + ": " + e.text(string(domain.LanguageEnglish)) }

// text is the detail in lang.
func (e *problemError) text(lang string) string {
	if len(e.args) == 0 {
		return translate(lang, e.detail)
	}
	args := make([]any, len(e.args))
	for i, a := range e.args {
		if ph, ok := a.(phrase); ok {
			a = translate(lang, string(ph))
		}
		args[i] = a
	}
	return fmt.Sprintf(translate(lang, e.detail), args...)
}

// phrase is an argument of a problem's detail that is itself a text of the
// catalog ("This patient"), translated with the detail.
type phrase string

// newProblem is a problem whose detail is a format when args follow (the
// format, not the filled-in text, is the catalog's key).
func newProblem(status int, slug, title, detail string, args ...any) *problemError {
	return &problemError{status: status, slug: slug, title: title, detail: detail, args: args}
}

// inLanguage pins the language of p to lang (the request's own choice).
func (e *problemError) inLanguage(lang string) *problemError {
	e.lang = lang
	return e
}

func errBadRequest(detail string, args ...any) error {
	return newProblem(http.StatusBadRequest, "bad-request", "Bad request", detail, args...)
}

func errValidation(fields ...FieldProblem) error {
	p := newProblem(http.StatusUnprocessableEntity, "validation", "Invalid input", "One or more fields are invalid.")
	p.fields = fields
	return p
}

func errUnauthorized(detail string, args ...any) error {
	return newProblem(http.StatusUnauthorized, "unauthorized", "Unauthorized", detail, args...)
}

func errForbidden(detail string, args ...any) error {
	return newProblem(http.StatusForbidden, "forbidden", "Forbidden", detail, args...)
}

// errNotFound names what is missing with a phrase of the catalog.
func errNotFound(what string) error {
	return newProblem(http.StatusNotFound, "not-found", "Not found", "%s does not exist or is not yours.", phrase(what))
}

func errConflict(detail string, args ...any) error {
	return newProblem(http.StatusConflict, "conflict", "Conflict", detail, args...)
}

func errTooMany(detail string, args ...any) error {
	return newProblem(http.StatusTooManyRequests, "rate-limited", "Too many requests", detail, args...)
}

// retryAfterSeconds is the Retry-After of every 503.
const retryAfterSeconds = 5

func errUnavailable(detail string, args ...any) error {
	p := newProblem(http.StatusServiceUnavailable, "unavailable", "Service unavailable", detail, args...)
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

// fail turns err into a problem response in the request's language
// (requestLanguage; Content-Language says which): title, detail and every
// field's reason come from the catalog. Errors that are not problems are
// logged with the request id and answered with a generic 500: their text
// never reaches the client.
func fail(c *gin.Context, err error) {
	if clientGone(c, err) {
		logger(c).InfoContext(c.Request.Context(), "client closed the request", "err", err)
		_ = c.Error(err)
		c.AbortWithStatus(StatusClientClosedRequest)
		return
	}
	var p *problemError
	if !errors.As(err, &p) && dependencyDown(err) {
		logger(c).WarnContext(c.Request.Context(), "dependency unavailable", "err", err)
		_ = c.Error(err)
		p = errUnavailable("A service we depend on did not answer in time. Try again shortly.").(*problemError)
	}
	if p == nil {
		logger(c).ErrorContext(c.Request.Context(), "request failed", "err", err)
		_ = c.Error(err)
		p = newProblem(http.StatusInternalServerError, "internal", "Internal error",
			"Something went wrong on our side. Quote the request id when contacting support.")
	}
	if p.retryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(p.retryAfter))
	}
	lang := requestLanguage(c, p.lang)
	c.Header("Content-Language", lang)
	var fields []FieldProblem
	if len(p.fields) > 0 {
		fields = make([]FieldProblem, len(p.fields))
		for i, f := range p.fields {
			fields[i] = FieldProblem{Field: f.Field, Reason: translate(lang, f.Reason)}
		}
	}
	writeProblem(c, Problem{
		Type: problemTypeBase + p.slug, Title: translate(lang, p.title), Status: p.status,
		Detail: p.text(lang), Errors: fields,
	})
}

// dependencyDown reports whether err means Temporal or PostgreSQL could not
// be reached, did not answer in time, or went away mid-query (the
// connection cut, the server shutting down or still recovering: SQLSTATE
// classes 08 and 57P), which a retry may cure.
// StatusClientClosedRequest is the status logged for a request whose client
// went away before the answer (nginx's 499): no one reads it, and it is not
// an error of ours.
const StatusClientClosedRequest = 499

// clientGone reports whether err is the cancellation of the request's own
// context: the client closed the connection (a reload, a navigation) while
// the handler was still at work.
func clientGone(c *gin.Context, err error) bool {
	return errors.Is(err, context.Canceled) && errors.Is(c.Request.Context().Err(), context.Canceled)
}

func dependencyDown(err error) bool {
	var connect *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.As(err, &connect):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &netErr), errors.Is(err, pgconn.ErrConnClosed):
		return true
	case errors.As(err, &pgErr):
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P")
	}
	return false
}

const problemTypeBase = "https://derma2go.nl/problems/"
