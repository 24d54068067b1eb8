package mail

import (
	"context"
	"fmt"
	"testing"
)

// sendN sends n small messages one after the other.
func sendN(t *testing.T, s *SMTPSender, n int, subject string) {
	t.Helper()
	for i := range n {
		if err := s.Send(context.Background(), Message{To: []string{fmt.Sprintf("p%d@example.test", i)},
			Subject: fmt.Sprintf("%s %d", subject, i), Text: "x"}); err != nil {
			t.Fatalf("send %s %d: %v", subject, i, err)
		}
	}
}

// Messages sent one after the other share one connection (no dial,
// greeting, TLS, AUTH and QUIT per message); each still arrives apart.
func TestSMTPSenderReusesItsConnection(t *testing.T) {
	be := &testBackend{}
	s := newTestSender(t, "smtp://"+startServer(t, be, serverOpts{}))
	sendN(t, s, 5, "pooled")
	if got := len(be.messages()); got != 5 {
		t.Fatalf("server got %d messages, want 5", got)
	}
	if got := len(be.connections()); got != 1 {
		t.Fatalf("5 sends opened %d connections, want 1", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	sendN(t, s, 1, "after close")
	if got := len(be.connections()); got != 2 {
		t.Fatalf("a send after Close used %d connections in all, want a new one (2)", got)
	}
}

// A pooled connection the server has closed meanwhile (its idle timeout,
// a restart) is noticed at MAIL FROM and replaced: the send succeeds,
// once.
func TestSMTPSenderRedialsAConnectionTheServerClosed(t *testing.T) {
	be := &testBackend{}
	s := newTestSender(t, "smtp://"+startServer(t, be, serverOpts{}))
	sendN(t, s, 1, "first")
	for _, c := range be.connections() {
		_ = c.Close()
	}
	sendN(t, s, 1, "second")
	if got := len(be.messages()); got != 2 {
		t.Fatalf("server got %d messages, want 2", got)
	}
	if got := len(be.connections()); got != 2 {
		t.Fatalf("%d connections, want 2 (the closed one replaced)", got)
	}
}

// SetPoolSize(0) opens a connection per message, as before the pool.
func TestSMTPSenderWithoutPool(t *testing.T) {
	be := &testBackend{}
	s := newTestSender(t, "smtp://"+startServer(t, be, serverOpts{}))
	s.SetPoolSize(0)
	sendN(t, s, 3, "unpooled")
	if got := len(be.connections()); got != 3 {
		t.Fatalf("3 sends without a pool opened %d connections, want 3", got)
	}
}

// BenchmarkSMTPSend sends one message per iteration to a loopback server,
// with the pool and without (a connection per message), in plain SMTP and
// in implicit TLS with AUTH as to a relay: the time a connection's setup
// costs each email.
func BenchmarkSMTPSend(b *testing.B) {
	serverTLS, clientTLS := selfSigned(b)
	for _, tc := range []struct {
		name string
		pool int
		tls  bool
	}{{"plain/pool", DefaultPoolSize, false}, {"plain/no-pool", 0, false}, {"tls-auth/pool", DefaultPoolSize, true}, {"tls-auth/no-pool", 0, true}} {
		b.Run(tc.name, func(b *testing.B) {
			be := &testBackend{}
			var s *SMTPSender
			if tc.tls {
				be.user, be.pass, be.mechs = "u", "bench-secret", []string{"PLAIN"}
				s = newTestSender(b, "smtps://u:bench-secret@"+startServer(b, be, serverOpts{tls: serverTLS, implicitTLS: true}))
				s.tlsConfig = clientTLS
			} else {
				s = newTestSender(b, "smtp://"+startServer(b, be, serverOpts{}))
			}
			s.SetPoolSize(tc.pool)
			m := Message{To: []string{"p@example.test"}, Subject: "bench", Text: "x", HTML: "<p>x</p>"}
			for b.Loop() {
				if err := s.Send(context.Background(), m); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(be.connections()))/float64(len(be.messages())), "conns/msg")
		})
	}
}
