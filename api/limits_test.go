package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgconn"
)

// limitsRouter is a router with the API's global body cap and deadline, and
// routes that report what their handler sees.
func limitsRouter() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.ContextWithFallback = true
	r.Use(limitBody(1<<20), deadline(time.Second))
	read := func(c *gin.Context) {
		n, err := io.Copy(io.Discard, c.Request.Body)
		if isMaxBytes(err) {
			c.String(http.StatusRequestEntityTooLarge, "too large after %d", n)
			return
		}
		c.String(http.StatusOK, "read %d", n)
	}
	r.POST("/json", read)
	r.POST("/photo", bodyLimit(3<<20), read)
	left := func(c *gin.Context) {
		d, ok := c.Deadline()
		if !ok {
			c.String(http.StatusOK, "none")
			return
		}
		c.String(http.StatusOK, "%d", time.Until(d).Round(time.Second)/time.Second)
	}
	r.GET("/default", left)
	r.GET("/long", handlerTimeout(time.Minute), left)
	r.GET("/stream", handlerTimeout(0), left)
	r.GET("/down/:kind", func(c *gin.Context) {
		errs := map[string]error{
			"temporal": fmt.Errorf("start: %w", ErrUnavailable),
			"deadline": fmt.Errorf("query: %w", context.DeadlineExceeded),
			"connect":  &pgconn.ConnectError{},
			"eof":      fmt.Errorf("authenticate: %w", io.ErrUnexpectedEOF), // PostgreSQL went away mid-query
			"other":    errors.New("a bug"),
		}
		fail(c, errs[c.Param("kind")])
	})
	return r
}

func serve(r http.Handler, method, path string, body []byte) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(method, path, bytes.NewReader(body)))
	return w
}

func TestBodyLimitIsPerRoute(t *testing.T) {
	r := limitsRouter()
	twoMiB := make([]byte, 2<<20)
	if w := serve(r, "POST", "/photo", twoMiB); w.Code != http.StatusOK || w.Body.String() != fmt.Sprintf("read %d", len(twoMiB)) {
		t.Errorf("2 MiB photo: %d %s", w.Code, w.Body)
	}
	if w := serve(r, "POST", "/json", twoMiB); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB JSON: %d %s", w.Code, w.Body)
	}
	w := serve(r, "POST", "/photo", make([]byte, 4<<20))
	if w.Code != http.StatusRequestEntityTooLarge || w.Header().Get("Content-Type") != ProblemContentType {
		t.Errorf("4 MiB photo: %d %s", w.Code, w.Body)
	}
}

func TestHandlerDeadlines(t *testing.T) {
	r := limitsRouter()
	for path, want := range map[string]string{"/default": "1", "/long": "60", "/stream": "none"} {
		if w := serve(r, "GET", path, nil); w.Body.String() != want {
			t.Errorf("%s: deadline %q, want %q", path, w.Body, want)
		}
	}
}

func TestDependencyDownIs503WithRetryAfter(t *testing.T) {
	r := limitsRouter()
	for _, kind := range []string{"temporal", "deadline", "connect", "eof"} {
		w := serve(r, "GET", "/down/"+kind, nil)
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" ||
			w.Header().Get("Content-Type") != ProblemContentType {
			t.Errorf("%s: %d Retry-After %q %s", kind, w.Code, w.Header().Get("Retry-After"), w.Body)
		}
	}
	if w := serve(r, "GET", "/down/other", nil); w.Code != http.StatusInternalServerError || w.Header().Get("Retry-After") != "" {
		t.Errorf("other: %d", w.Code)
	}
}
