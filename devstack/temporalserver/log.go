package temporalserver

import (
	"context"
	"fmt"
	"log/slog"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// fatalError is the panic value of slogLogger.Fatal. Temporal expects Fatal
// never to return; panicking (instead of os.Exit) lets Start turn a fatal
// error raised on its own goroutine into an ordinary error.
type fatalError struct{ msg string }

func (e fatalError) Error() string { return "temporal server: fatal: " + e.msg }

// slogLogger adapts Temporal's log.Logger onto a *slog.Logger. Records below
// min are dropped before their tags are evaluated, so the server's chatty
// INFO logs cost nothing.
type slogLogger struct {
	l   *slog.Logger
	min slog.Leveler
}

var (
	_ log.Logger     = slogLogger{}
	_ log.WithLogger = slogLogger{}
	// SLogWrapper lets log.NewSlogLogger hand out our slog logger directly.
	_ log.SLogWrapper = slogLogger{}
)

func newSlogLogger(l *slog.Logger, min slog.Leveler) slogLogger {
	return slogLogger{l: l, min: min}
}

func (s slogLogger) enabled(level slog.Level) bool {
	return level >= s.min.Level() && s.l.Enabled(context.Background(), level)
}

func (s slogLogger) log(level slog.Level, msg string, tags []tag.Tag) {
	if !s.enabled(level) {
		return
	}
	s.l.LogAttrs(context.Background(), level, msg, tagsToAttrs(tags)...)
}

func tagsToAttrs(tags []tag.Tag) []slog.Attr {
	attrs := make([]slog.Attr, 0, len(tags))
	for _, t := range tags {
		if t == nil {
			continue
		}
		attrs = append(attrs, slog.Any(t.Key(), t.Value()))
	}
	return attrs
}

// Debug logs at debug level.
func (s slogLogger) Debug(msg string, tags ...tag.Tag) { s.log(slog.LevelDebug, msg, tags) }

// Info logs at info level.
func (s slogLogger) Info(msg string, tags ...tag.Tag) { s.log(slog.LevelInfo, msg, tags) }

// Warn logs at warn level.
func (s slogLogger) Warn(msg string, tags ...tag.Tag) { s.log(slog.LevelWarn, msg, tags) }

// Error logs at error level.
func (s slogLogger) Error(msg string, tags ...tag.Tag) { s.log(slog.LevelError, msg, tags) }

// DPanic logs at error level; it panics only in development builds of
// Temporal's own logger, never here.
func (s slogLogger) DPanic(msg string, tags ...tag.Tag) { s.log(slog.LevelError, msg, tags) }

// Panic logs at error level and panics.
func (s slogLogger) Panic(msg string, tags ...tag.Tag) {
	s.l.LogAttrs(context.Background(), slog.LevelError, msg, tagsToAttrs(tags)...)
	panic(fmt.Sprintf("temporal server: %s", msg))
}

// Fatal logs at error level and panics with a fatalError (see there) that
// carries the message and its tags.
func (s slogLogger) Fatal(msg string, tags ...tag.Tag) {
	attrs := tagsToAttrs(tags)
	s.l.LogAttrs(context.Background(), slog.LevelError, msg, attrs...)
	for _, a := range attrs {
		msg += " " + a.String()
	}
	panic(fatalError{msg: msg})
}

// With returns a logger that adds tags to every record.
func (s slogLogger) With(tags ...tag.Tag) log.Logger {
	args := make([]any, 0, len(tags))
	for _, a := range tagsToAttrs(tags) {
		args = append(args, a)
	}
	return slogLogger{l: s.l.With(args...), min: s.min}
}

// SLog returns the underlying slog logger, filtered at the same level.
func (s slogLogger) SLog() *slog.Logger {
	return slog.New(&minLevelHandler{h: s.l.Handler(), min: s.min})
}

// minLevelHandler drops records below min before passing them on.
type minLevelHandler struct {
	h   slog.Handler
	min slog.Leveler
}

func (m *minLevelHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= m.min.Level() && m.h.Enabled(ctx, level)
}

func (m *minLevelHandler) Handle(ctx context.Context, r slog.Record) error {
	if err := m.h.Handle(ctx, r); err != nil {
		return fmt.Errorf("temporal server log: %w", err)
	}
	return nil
}

func (m *minLevelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &minLevelHandler{h: m.h.WithAttrs(attrs), min: m.min}
}

func (m *minLevelHandler) WithGroup(name string) slog.Handler {
	return &minLevelHandler{h: m.h.WithGroup(name), min: m.min}
}
