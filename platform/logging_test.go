package platform

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"derma2go/api"
)

// derma dev writes exactly one log line per API request at its default
// level (warn), and nothing else at info. Before, the dev logger was a plain
// warn logger and requests left no line at all.
func TestDevLoggerOneLinePerRequest(t *testing.T) {
	var buf bytes.Buffer
	logger := NewDevLogger(&buf, "warn")
	h := api.New(api.Deps{Logger: logger})
	for _, path := range []string{"/healthz", "/openapi.yaml", "/no-such-page"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	logger.Info("some component chatter")
	logger.With("component", "x").Warn("a warning")

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 3 requests and 1 warning:\n%s", len(lines), buf.String())
	}
	for i, line := range lines[:3] {
		var rec struct {
			Msg       string `json:"msg"`
			Route     string `json:"route"`
			Status    int    `json:"status"`
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if rec.Msg != api.AccessLogMessage || rec.Status == 0 || rec.RequestID == "" {
			t.Errorf("line %d = %s, want an access-log record", i, line)
		}
	}
	if !strings.Contains(lines[3], "a warning") {
		t.Errorf("last line = %s, want the warning", lines[3])
	}

	buf.Reset()
	NewDevLogger(&buf, "error").Warn("quiet")
	if buf.Len() != 0 {
		t.Errorf("LOG_LEVEL=error let a warning through: %s", buf.String())
	}
}
