package platform

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"derma2go/api"
	"derma2go/config"
)

const shutdownGrace = 10 * time.Second

// NewLogger returns the JSON structured logger at level (debug|info|warn|error).
func NewLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// NewDevLogger is the logger of `derma dev`: JSON lines on w at level and
// above (quiet by default), plus the API's one line per request, whatever
// the level, so a developer sees each request once.
func NewDevLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelWarn
	}
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo})
	return slog.New(devHandler{Handler: h, level: l})
}

// devHandler passes records at level and above, and access-log records.
type devHandler struct {
	slog.Handler
	level slog.Level
}

func (h devHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level || (l >= slog.LevelInfo && h.Handler.Enabled(ctx, l))
}

func (h devHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < h.level && r.Message != api.AccessLogMessage {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h devHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return devHandler{Handler: h.Handler.WithAttrs(attrs), level: h.level}
}

func (h devHandler) WithGroup(name string) slog.Handler {
	return devHandler{Handler: h.Handler.WithGroup(name), level: h.level}
}

// NewHTTPServer is an http.Server with the configured timeouts, which
// every listener of ours uses; a zero timeout takes its default.
func NewHTTPServer(addr string, h http.Handler, t config.HTTPTimeouts) *http.Server {
	def := config.DefaultHTTPTimeouts
	or := func(d, fallback time.Duration) time.Duration {
		if d > 0 {
			return d
		}
		return fallback
	}
	return &http.Server{
		Addr: addr, Handler: h,
		ReadHeaderTimeout: or(t.ReadHeader, def.ReadHeader),
		ReadTimeout:       or(t.Read, def.Read),
		WriteTimeout:      or(t.Write, def.Write),
		IdleTimeout:       or(t.Idle, def.Idle),
	}
}
