package temporalserver

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

func TestSlogLoggerLevelsAndTags(t *testing.T) {
	var buf bytes.Buffer
	base := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l := newSlogLogger(base, slog.LevelWarn)

	l.Info("quiet info", tag.NewStringTag("k", "v"))
	l.Debug("quiet debug")
	l.Warn("loud warn", tag.NewStringTag("shard", "1"), tag.Error(errors.New("boom")))
	log.With(l, tag.NewStringTag("svc", "history")).Error("loud error")
	log.NewSlogLogger(l).Info("quiet via slog")

	out := buf.String()
	for _, want := range []string{"loud warn", "shard=1", "error=boom", "loud error", "svc=history"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"quiet"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("output has %q:\n%s", unwanted, out)
		}
	}
}

func TestFatalBecomesError(t *testing.T) {
	l := newSlogLogger(slog.New(slog.DiscardHandler), slog.LevelWarn)
	err := catchFatal(func() error {
		l.Fatal("cannot bind", tag.Error(errors.New("address in use")))
		return nil
	})
	var fe fatalError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "cannot bind error=address in use") {
		t.Fatalf("catchFatal = %v, want fatalError", err)
	}
}
