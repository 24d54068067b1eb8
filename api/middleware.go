package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"derma2go/web"
)

const (
	ctxRequestID = "derma.request_id"
	ctxLogger    = "derma.logger"
	headerReqID  = "X-Request-ID"
)

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// withRequestID takes a well-formed X-Request-ID from the caller or makes one,
// echoes it in the response and puts a request-scoped logger in the context.
func withRequestID(base *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(headerReqID)
		if !validRequestID.MatchString(id) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(ctxRequestID, id)
		c.Set(ctxLogger, base.With("request_id", id))
		c.Header(headerReqID, id)
		c.Next()
	}
}

func requestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

func logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// AccessLogMessage is the message of the one log line written per request
// (at info, error for a 5xx).
const AccessLogMessage = "http"

// accessLog writes one structured line per request.
func accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		logger(c).Log(c.Request.Context(), level, AccessLogMessage,
			"method", c.Request.Method, "route", c.FullPath(), "status", status,
			"duration_ms", time.Since(start).Milliseconds(), "bytes", c.Writer.Size())
	}
}

// httpMetrics are the Prometheus series of the HTTP layer.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "derma_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "derma_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
	}
	// A second handler on the same registry (several APIs in one process)
	// shares the series of the first.
	m.requests = registerOnce(reg, m.requests)
	m.duration = registerOnce(reg, m.duration)
	return m
}

// registerOnce registers c, or returns the collector registered already
// under its name.
func registerOnce[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var dup prometheus.AlreadyRegisteredError
		if errors.As(err, &dup) {
			if existing, ok := dup.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(fmt.Sprintf("api: metrics: %v", err))
	}
	return c
}

func (m *httpMetrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.duration.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	}
}

// recoverProblem turns a panic into a logged 500 problem response.
func recoverProblem() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				fail(c, fmt.Errorf("panic: %v", r))
			}
		}()
		c.Next()
	}
}

const ctxRawBody = "derma.raw_body"

// limitBody caps every request body at max, the default for JSON routes; a
// route that takes more (a photo) raises its own cap with bodyLimit. A
// larger body makes reading it fail, which the decoders answer with 413.
func limitBody(max int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil && c.Request.Body != http.NoBody {
			c.Set(ctxRawBody, c.Request.Body)
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, max)
		}
		c.Next()
	}
}

// bodyLimit sets this route's body cap in place of limitBody's default. A
// declared Content-Length above it is refused with 413 before anything is
// read.
func bodyLimit(max int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > max {
			fail(c, newProblem(http.StatusRequestEntityTooLarge, "too-large", "Request body too large",
				fmt.Sprintf("The request body exceeds the limit of this endpoint (%d MiB).", max>>20)))
			return
		}
		if raw, ok := c.Get(ctxRawBody); ok {
			c.Request.Body = http.MaxBytesReader(c.Writer, raw.(io.ReadCloser), max)
		}
		c.Next()
	}
}

const ctxBaseContext = "derma.base_context"

// deadline gives every handler at most d, so that a database or Temporal
// that hangs ends the request (context.DeadlineExceeded, answered 503)
// instead of holding it open; a route that needs longer, because it reads a
// large body, sets its own with handlerTimeout.
func deadline(d time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set(ctxBaseContext, c.Request.Context())
		ctx, cancel := context.WithTimeout(c.Request.Context(), d)
		defer cancel()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// handlerTimeout sets this route's deadline in place of deadline's default;
// d <= 0 takes it away, for a long-lived route such as WebSocket signalling
// (mount it with handlerTimeout(0), or its connection ends after the default).
func handlerTimeout(d time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		base, ok := c.Get(ctxBaseContext)
		if !ok {
			c.Next()
			return
		}
		ctx := base.(context.Context)
		if d > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// apiCSP is the Content-Security-Policy of every API response: nothing may
// load. web.SetPolicy adds that no page may frame it; pages and widgets
// set their own policy through the same function.
const apiCSP = "default-src 'none'"

// hstsValue makes browsers use HTTPS only for two years.
const hstsValue = "max-age=63072000; includeSubDomains"

// securityHeaders sets the headers every response carries; HSTS only when
// the API is served over HTTPS (PUBLIC_URL https://…), since browsers would
// otherwise refuse a plain-HTTP development server for two years.
func securityHeaders(hsts bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		web.SetPolicy(h, apiCSP, nil)
		if hsts {
			h.Set("Strict-Transport-Security", hstsValue)
		}
		c.Next()
	}
}

func isMaxBytes(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}
