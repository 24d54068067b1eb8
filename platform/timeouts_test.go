package platform

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"derma2go/api"
	"derma2go/config"
	"derma2go/workflows"
)

// hangingFrontend accepts connections and never answers, like a Temporal
// frontend that hangs.
func hangingFrontend(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				_ = c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				<-done
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() { _ = l.Close(); close(done) })
	return l.Addr().String()
}

func TestEngineCallsGiveUpWithinTheirBound(t *testing.T) {
	c, err := client.NewLazyClient(client.Options{HostPort: hangingFrontend(t), Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const bound = 300 * time.Millisecond
	e := &engine{c: c, callTimeout: bound}
	id := uuid.New()
	calls := map[string]func(ctx context.Context) error{
		"update": func(ctx context.Context) error {
			_, err := e.Update(ctx, id, workflows.UpdateStartSession, nil)
			return err
		},
		"signal": func(ctx context.Context) error { return e.SubmitIntake(ctx, id) },
		"query": func(ctx context.Context) error {
			_, err := e.State(ctx, id)
			return err
		},
		"start": func(ctx context.Context) error {
			_, err := e.StartEmailAdvice(ctx, api.EmailAdviceStart{ConsultationID: id, DoctorID: id, AmountCents: 1, FormKind: "short", SLADays: 1})
			return err
		},
		"start in person": func(ctx context.Context) error {
			_, err := e.StartAppointment(ctx, api.AppointmentStart{ConsultationID: id, DoctorID: id, Type: "in_person"})
			return err
		},
		"prescription": func(ctx context.Context) error { return e.DeliverPrescription(ctx, id, id) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a request with no bound of its own
			defer cancel()
			start := time.Now()
			err := call(ctx)
			if took := time.Since(start); took > bound+2*time.Second {
				t.Fatalf("gave up after %s, bound %s", took, bound)
			}
			if !errors.Is(err, api.ErrUnavailable) {
				t.Fatalf("err = %v, want api.ErrUnavailable", err)
			}
		})
	}
}

func TestHTTPServerTimeoutsFromConfig(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL": "postgres://u@localhost/derma", "SMTP_URL": "smtp://localhost:25", "MOLLIE_API_KEY": "test_x",
		"PUBLIC_URL": "http://localhost", "DERMA_DATA_KEY": "k:" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=",
		"DERMA_LOOKUP_KEY":   "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=",
		"HTTP_WRITE_TIMEOUT": "200ms", "HTTP_READ_HEADER_TIMEOUT": "200ms",
	}
	cfg, err := config.Parse(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	slow := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(600 * time.Millisecond)
		_, _ = io.WriteString(w, "late")
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewHTTPServer(l.Addr().String(), slow, cfg.HTTP)
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()
	if srv.WriteTimeout != 200*time.Millisecond || srv.ReadTimeout != config.DefaultHTTPTimeouts.Read ||
		srv.IdleTimeout != config.DefaultHTTPTimeouts.Idle {
		t.Fatalf("timeouts write %s read %s idle %s", srv.WriteTimeout, srv.ReadTimeout, srv.IdleTimeout)
	}

	// A response later than the write timeout never reaches the client.
	res, err := http.Get("http://" + l.Addr().String() + "/")
	if err == nil {
		body, readErr := io.ReadAll(res.Body)
		res.Body.Close()
		if readErr == nil {
			t.Fatalf("got %d %q after the write timeout", res.StatusCode, body)
		}
	}

	// A client that never finishes its headers is cut off.
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n")
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, _ = io.ReadAll(conn)
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("a half-sent request held the connection for %s", took)
	}
}
