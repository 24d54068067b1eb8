package platform

import (
	"io"
	"log/slog"
	"net/http"
	"time"

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
