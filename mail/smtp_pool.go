package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	gomailsmtp "github.com/wneessen/go-mail/smtp"
)

// DefaultPoolSize is how many idle connections an SMTPSender keeps
// without SetPoolSize.
const DefaultPoolSize = 4

// poolIdleFor is how long a connection may wait idle in the pool: below
// the idle timeouts of common relays, so that most reuses find it open.
const poolIdleFor = 20 * time.Second

// SetPoolSize sets how many idle connections s keeps for later sends
// (SMTP_POOL_SIZE); 0 opens a connection per message and closes it after.
// Call it before the first Send.
func (s *SMTPSender) SetPoolSize(n int) { s.pool.size = max(n, 0) }

// Close closes the idle connections (QUIT). Sends after it work, on new
// connections, which are pooled again.
func (s *SMTPSender) Close() error {
	var errs []error
	for _, c := range s.pool.drain() {
		if err := c.client.CloseWithSMTPClient(c.smtp); err != nil {
			errs = append(errs, err)
		}
		_ = c.conn.Close()
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("mail: close idle connections to %s: %w", s.Addr(), err)
	}
	return nil
}

// smtpConn is one SMTP session: greeted, through STARTTLS and AUTH.
type smtpConn struct {
	client *gomail.Client
	smtp   *gomailsmtp.Client
	conn   net.Conn
	idle   time.Time // when it went back to the pool
}

// dial opens a session; ctx bounds the dial, the greeting, TLS and AUTH.
func (s *SMTPSender) dial(ctx context.Context) (*smtpConn, error) {
	c := &smtpConn{}
	stop := func() bool { return true }
	client, err := s.client(s.dialer(func(conn net.Conn) {
		c.conn = conn
		// Until the session is set up, ctx also bounds the greeting, TLS
		// and AUTH: once it is done, pending reads and writes fail.
		stop = context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	}))
	if err != nil {
		return nil, err
	}
	c.client = client
	c.smtp, err = client.DialToSMTPClientWithContext(ctx)
	stop()
	if err != nil {
		if c.conn != nil {
			_ = c.conn.Close()
		}
		return nil, fmt.Errorf("dial failed: %w", err)
	}
	return c, nil
}

// send sends msg on c: MAIL, RCPT, DATA and, once the server has taken it,
// RSET. Once ctx is done, pending reads and writes fail at once.
func (c *smtpConn) send(ctx context.Context, msg *gomail.Msg) error {
	stop := context.AfterFunc(ctx, func() { _ = c.conn.SetDeadline(time.Now()) })
	defer stop()
	if err := c.client.SendWithSMTPClient(c.smtp, msg); err != nil {
		return fmt.Errorf("send failed: %w", err)
	}
	return nil
}

// close drops the connection without QUIT: it failed, or its context ended.
func (c *smtpConn) close() { _ = c.conn.Close() }

// staleConn reports whether err is a pooled connection found closed: the
// first command (MAIL FROM) failed without any reply from the server.
func staleConn(err error) bool {
	var se *gomail.SendError
	return errors.As(err, &se) && (se.Reason == gomail.ErrSMTPMailFrom || se.Reason == gomail.ErrConnCheck) && se.ErrorCode() == 0
}

// connPool keeps up to size idle connections, the most recently used
// first out.
type connPool struct {
	mu   sync.Mutex
	size int
	idle []*smtpConn
}

// take returns an idle connection that has not waited too long, or nil.
func (p *connPool) take() *smtpConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.idle) > 0 {
		c := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if time.Since(c.idle) < poolIdleFor {
			return c
		}
		// Older ones went idle before it: close them all.
		for _, old := range append(p.idle, c) {
			old.close()
		}
		p.idle = nil
	}
	return nil
}

// put keeps c for the next send, or closes it when the pool is full.
func (p *connPool) put(c *smtpConn) {
	p.mu.Lock()
	if len(p.idle) < p.size {
		c.idle = time.Now()
		p.idle = append(p.idle, c)
		c = nil
	}
	p.mu.Unlock()
	if c != nil {
		_ = c.client.CloseWithSMTPClient(c.smtp)
		c.close()
	}
}

// drain empties the pool and returns what it held.
func (p *connPool) drain() []*smtpConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.idle
	p.idle = nil
	return out
}
