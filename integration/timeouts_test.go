package integration

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"

	"derma2go/db"
)

// blackhole accepts TCP connections and never answers on them, like a
// Temporal frontend or database host that hangs.
func blackhole(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return l.Addr().String()
}

// closedPort is a loopback address nobody listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// TestHandlersGiveUpWhenTemporalOrPostgresHang runs a second API on the shared
// stack's database whose Temporal client talks to a frontend that never
// answers (and ones whose database hangs or is gone): creating a
// consultation must end within TEMPORAL_CALL_TIMEOUT (HTTP_HANDLER_TIMEOUT
// for the hanging database) with 503, Retry-After and a problem, and leave
// no consultation behind.
func TestHandlersGiveUpWhenTemporalOrPostgresHang(t *testing.T) {
	const bound = 1500 * time.Millisecond
	// The audit entry of the request is written before the response leaves,
	// with its own 5 s bound, which a hanging database also uses up.
	const auditWrite = 5 * time.Second
	hung, err := client.NewLazyClient(client.Options{HostPort: blackhole(t), Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hung.Close)
	var doctor string
	ctx := context.Background()
	if err := stack.Platform.Store.Pool.QueryRow(ctx,
		"SELECT d.user_id FROM doctors d JOIN doctor_fees f ON f.doctor_id = d.user_id AND f.consultation_type = 'email_advice' ORDER BY d.user_id LIMIT 1").
		Scan(&doctor); err != nil {
		t.Fatal(err)
	}
	create := func(t *testing.T, base string) response {
		c := &apiClient{t: t, base: base, want5xx: true, timeout: bound + auditWrite + 5*time.Second}
		start := time.Now()
		res := c.do("POST", "/v1/consultations", map[string]any{
			"type": "email_advice", "doctor_id": doctor, "form": "short", "guest_email": newEmail("hang"),
		})
		if took := time.Since(start); took > bound+auditWrite+2*time.Second {
			t.Fatalf("answered after %s, bound %s", took, bound)
		}
		if res.Status != http.StatusServiceUnavailable {
			t.Fatalf("status %d, want 503: %s", res.Status, res.Body)
		}
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s <= 0 {
			t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
		}
		res.problem(t)
		return res
	}
	count := func() int {
		var n int
		if err := stack.Platform.Store.Pool.QueryRow(ctx, "SELECT count(*) FROM consultations").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("temporal does not answer", func(t *testing.T) {
		p := *stack.Platform
		p.Temporal = hung
		p.Config.TemporalCallTimeout = bound
		srv := httptest.NewServer(p.APIHandler())
		defer srv.Close()
		before := count()
		create(t, srv.URL)
		if after := count(); after != before {
			t.Fatalf("%d consultations left behind", after-before)
		}
	})

	t.Run("database hangs", func(t *testing.T) {
		pool, err := pgxpool.New(ctx, fmt.Sprintf("postgres://derma@%s/derma", blackhole(t)))
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		p := *stack.Platform
		p.Store = &db.Store{Queries: db.New(pool), Pool: pool}
		p.Config.HTTP.Handler = bound
		srv := httptest.NewServer(p.APIHandler())
		defer srv.Close()
		create(t, srv.URL)
	})

	t.Run("database is gone", func(t *testing.T) {
		pool, err := pgxpool.New(ctx, fmt.Sprintf("postgres://derma@%s/derma?connect_timeout=1", closedPort(t)))
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		p := *stack.Platform
		p.Store = &db.Store{Queries: db.New(pool), Pool: pool}
		srv := httptest.NewServer(p.APIHandler())
		defer srv.Close()
		create(t, srv.URL)
	})

	// The shared stack still answers normally.
	newAdviceCase(t, 6)
}
