package integration

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"derma2go/api"
)

// sseEvent is one Server-Sent Event as a client reads it.
type sseEvent struct {
	Type string
	ID   string
	Data json.RawMessage
}

// sseStream is an open event stream read in the background.
type sseStream struct {
	t      *testing.T
	res    *http.Response
	cancel context.CancelFunc
	events chan sseEvent
	mu     sync.Mutex
	// retry is the reconnection delay the server announced (ms), comments
	// counts comment lines (keep-alives).
	retry    string
	comments int
}

var (
	eventSchemasOnce sync.Once
	eventSchemas     map[string]*openapi3.Schema
)

// eventSchema is the spec's schema of an SSE event type.
func eventSchema(t *testing.T, typ string) *openapi3.Schema {
	t.Helper()
	eventSchemasOnce.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPISpec)
		if err != nil {
			t.Fatal(err)
		}
		eventSchemas = map[string]*openapi3.Schema{}
		for name, comp := range map[string]string{"status": "StatusEvent", "delay": "DelayEvent", "chat": "ChatEvent",
			"presence": "PresenceEvent", "queue": "QueueEvent", "message": "ThreadMessage", "thread": "ThreadEvent",
			"inbox": "MessageHintEvent"} {
			eventSchemas[name] = doc.Components.Schemas[comp].Value
		}
	})
	s := eventSchemas[typ]
	if s == nil {
		t.Fatalf("event type %q is not described in openapi.yaml", typ)
	}
	return s
}

// openStream opens an event stream at base+path (base "" = the shared
// stack) with the client's token, or none; header adds e.g. Last-Event-ID.
func openStream(t *testing.T, c *apiClient, base, path string, header http.Header) *sseStream {
	t.Helper()
	if base == "" {
		base = stack.APIURL
	}
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if c != nil && c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		defer res.Body.Close()
		cancel()
		t.Fatalf("GET %s → %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	s := &sseStream{t: t, res: res, cancel: cancel, events: make(chan sseEvent, 256)}
	go s.read()
	t.Cleanup(s.close)
	return s
}

func (s *sseStream) close() {
	s.cancel()
	s.res.Body.Close()
}

func (s *sseStream) read() {
	defer close(s.events)
	sc := bufio.NewScanner(s.res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var ev sseEvent
	var data []string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.Type != "" || len(data) > 0 {
				ev.Data = json.RawMessage(strings.Join(data, "\n"))
				s.events <- ev
			}
			ev, data = sseEvent{}, nil
		case strings.HasPrefix(line, ":"):
			s.mu.Lock()
			s.comments++
			s.mu.Unlock()
		default:
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "event":
				ev.Type = value
			case "id":
				ev.ID = value
			case "data":
				data = append(data, value)
			case "retry":
				s.mu.Lock()
				s.retry = value
				s.mu.Unlock()
			}
		}
	}
}

// next waits for the next event of type typ whose data matches (nil: any),
// skipping others; the data must conform to the spec's schema of the type.
func (s *sseStream) next(typ string, match func(map[string]any) bool) (sseEvent, map[string]any) {
	s.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				s.t.Fatalf("the stream ended while waiting for a %s event", typ)
			}
			var data map[string]any
			if err := json.Unmarshal(ev.Data, &data); err != nil {
				s.t.Fatalf("%s event data %s: %v", ev.Type, ev.Data, err)
			}
			var generic any = data
			if err := eventSchema(s.t, ev.Type).VisitJSON(generic); err != nil {
				s.t.Fatalf("%s event %s violates openapi.yaml: %v", ev.Type, ev.Data, err)
			}
			if ev.Type == typ && (match == nil || match(data)) {
				return ev, data
			}
		case <-deadline:
			s.t.Fatalf("no matching %s event within 30 s", typ)
		}
	}
}

// none checks that no event of type typ matching arrives within d.
func (s *sseStream) none(typ string, match func(map[string]any) bool, d time.Duration) {
	s.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return
			}
			var data map[string]any
			_ = json.Unmarshal(ev.Data, &data)
			if ev.Type == typ && (match == nil || match(data)) {
				s.t.Fatalf("unexpected %s event %s", typ, ev.Data)
			}
		case <-deadline:
			return
		}
	}
}

func field(key string, want any) func(map[string]any) bool {
	return func(d map[string]any) bool { return d[key] == want }
}

// streamHead opens an event stream and returns as soon as the headers are
// in (an open stream never ends); a refusal comes back whole.
func (c *apiClient) streamHead(path string) response {
	c.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", stack.APIURL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	out := response{Status: res.StatusCode, Header: res.Header}
	if res.StatusCode != http.StatusOK {
		if out.Body, err = io.ReadAll(res.Body); err != nil {
			c.t.Fatal(err)
		}
	}
	return out
}
