// Package mailsink is the development SMTP sink: a real SMTP server
// (github.com/emersion/go-smtp) that accepts every message, delivers none,
// and keeps the most recent ones for people (an HTML page) and tests
// (Messages, WaitFor and a JSON API) to read: in memory, and with
// StartPersistent also on disk, so caught mail survives a restart.
//
// It accepts mail without authentication; AUTH PLAIN and LOGIN are offered
// too and accept any credentials, so a sender configured with a user name
// works unchanged. Bind it to loopback.
package mailsink

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// MaxMessages is how many messages a Sink keeps unless told otherwise
// (KeepAtMost); older ones are dropped.
const MaxMessages = 1000

// maxMessageBytes caps one message, attachments included.
const maxMessageBytes = 32 << 20

// ErrClosed is returned by WaitFor when the sink is closed while waiting.
var ErrClosed = errors.New("mailsink: closed")

// Message is one caught email. Text and HTML have CRLF line ends turned into LF.
type Message struct {
	// ID numbers messages from 1 in arrival order; IDs are never reused.
	ID int `json:"id"`
	// ReceivedAt is when the sink accepted the message (UTC).
	ReceivedAt time.Time `json:"received_at"`
	// From is the decoded From header, e.g. "Derma2Go <no-reply@derma2go.test>",
	// or the envelope sender when the header is missing.
	From string `json:"from"`
	// To holds the envelope recipients (RCPT TO), so Cc and Bcc recipients are
	// included. Addresses are bare, without angle brackets.
	To []string `json:"to"`
	// Subject is the decoded subject.
	Subject string `json:"subject"`
	// Text is the first text/plain body part, decoded to UTF-8.
	Text string `json:"text"`
	// HTML is the first text/html body part, decoded to UTF-8.
	HTML string `json:"html"`
	// Attachments are all other leaf parts, and text parts marked as attachments.
	Attachments []Attachment `json:"attachments"`
	// Headers are the top-level header fields, with encoded words decoded and
	// keys in canonical form (textproto.CanonicalMIMEHeaderKey: "X-Derma2go-Consultation").
	Headers map[string][]string `json:"headers"`
	// ParseError says what could not be decoded, if anything. The message is
	// kept either way.
	ParseError string `json:"parse_error,omitempty"`
	// Raw is the message exactly as received.
	Raw []byte `json:"-"`
}

// Attachment is one attached file of a caught message.
type Attachment struct {
	// Name is the decoded file name ("attachment-N" when the part has none).
	Name string `json:"name"`
	// ContentType is the part's full Content-Type, e.g. "text/calendar; method=REQUEST; name=x.ics".
	ContentType string `json:"content_type"`
	// Size is len(Data).
	Size int `json:"size"`
	// Data is the decoded content.
	Data []byte `json:"-"`
}

// clone returns a copy whose slices and maps the caller may modify; attachment
// data and Raw are shared and must be treated as read-only.
func (m Message) clone() Message {
	m.To = append([]string(nil), m.To...)
	m.Attachments = append([]Attachment(nil), m.Attachments...)
	if m.Headers != nil {
		h := make(map[string][]string, len(m.Headers))
		for k, v := range m.Headers {
			h[k] = append([]string(nil), v...)
		}
		m.Headers = h
	}
	return m
}

// Sink is a running SMTP sink. It is safe for concurrent use.
type Sink struct {
	logger *slog.Logger
	ln     net.Listener
	srv    *smtp.Server
	served chan struct{} // closed when Serve returns

	dir string // where messages are kept on disk; "" keeps them in memory only

	mu      sync.Mutex
	msgs    []Message     // oldest first
	nextID  int           // ID of the next message
	changed chan struct{} // closed and replaced whenever a message arrives
	closed  bool
	refused map[string]bool // recipients answered with 550 (RefuseRecipient)
	outage  bool            // every MAIL FROM answered with 421 (SetOutage)
	lose    []loseRule      // messages kept without an answer (LoseReply)
	keep    int             // how many messages are kept (MaxMessages unless KeepAtMost)

	closeOnce sync.Once
	closeErr  error
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves SMTP until Close,
// keeping messages in memory only. A nil logger discards log output.
func Start(addr string, logger *slog.Logger) (*Sink, error) {
	return StartPersistent(addr, "", logger)
}

// StartPersistent is Start with the messages also kept in dir (created when
// missing): each one as <id>.eml, exactly as received, with its envelope in
// <id>.json. The messages found there are loaded first, and IDs continue
// after them. An empty dir keeps messages in memory only.
func StartPersistent(addr, dir string, logger *slog.Logger) (*Sink, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Sink{
		logger:  logger,
		dir:     dir,
		served:  make(chan struct{}),
		nextID:  1,
		changed: make(chan struct{}),
		keep:    MaxMessages,
	}
	if dir != "" {
		if err := s.load(); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mailsink: listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = maxMessageBytes
	s.srv.MaxRecipients = 100
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.EnableSMTPUTF8 = true
	s.srv.ErrorLog = slogAdapter{logger}
	go func() {
		defer close(s.served)
		if err := s.srv.Serve(ln); err != nil {
			logger.Error("smtp server stopped", "err", err)
		}
	}()
	logger.Info("mail sink listening", "smtp", s.SMTPURL())
	return s, nil
}

// Addr returns the host:port the SMTP server listens on.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// SMTPURL returns the URL senders use, e.g. "smtp://127.0.0.1:2525".
func (s *Sink) SMTPURL() string { return "smtp://" + s.Addr() }

// Close stops the SMTP server, drops open connections and wakes every
// WaitFor. Caught messages stay readable. Calling Close again is a no-op.
func (s *Sink) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if err := s.srv.Close(); err != nil {
			errs = append(errs, err)
		}
		// srv.Close only closes listeners that Serve has registered, and the
		// Serve goroutine may not have got that far yet.
		if err := s.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("mailsink: close: %w", err)
		}
		<-s.served
		s.mu.Lock()
		if !s.closed {
			s.closed = true
			close(s.changed)
		}
		s.mu.Unlock()
	})
	return s.closeErr
}

// Messages returns the caught messages, oldest first.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.msgs))
	for i, m := range s.msgs {
		out[i] = m.clone()
	}
	return out
}

// Message returns the message with the given ID, if it is still kept.
func (s *Sink) Message(id int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// IDs ascend, so binary search would do; the list is short enough as is.
	for _, m := range s.msgs {
		if m.ID == id {
			return m.clone(), true
		}
	}
	return Message{}, false
}

// Clear forgets all caught messages (on disk too). IDs keep counting up.
func (s *Sink) Clear() {
	s.mu.Lock()
	dropped := s.msgs
	s.msgs = nil
	next := s.nextID
	s.mu.Unlock()
	if s.dir != "" {
		s.saveNextID(next)
		for _, m := range dropped {
			s.remove(m.ID)
		}
	}
}

// WaitFor returns the oldest kept message for which match returns true,
// waiting for new messages until one matches, ctx is done or the sink is
// closed. match runs without the sink's lock held and sees each message once.
func (s *Sink) WaitFor(ctx context.Context, match func(Message) bool) (Message, error) {
	lastSeen := 0
	for {
		s.mu.Lock()
		var fresh []Message
		for _, m := range s.msgs {
			if m.ID > lastSeen {
				fresh = append(fresh, m.clone())
			}
		}
		wake, closed := s.changed, s.closed
		s.mu.Unlock()

		for _, m := range fresh {
			lastSeen = m.ID
			if match(m) {
				return m, nil
			}
		}
		if closed {
			return Message{}, ErrClosed
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return Message{}, fmt.Errorf("mailsink: wait for message: %w", ctx.Err())
		}
	}
}

// store parses raw and keeps it, dropping the oldest message when full.
func (s *Sink) store(envelopeFrom string, rcpts []string, raw []byte) Message {
	m := parse(raw)
	if m.From == "" {
		m.From = envelopeFrom
	}
	m.To = rcpts
	m.Raw = raw
	m.ReceivedAt = time.Now().UTC()

	s.mu.Lock()
	m.ID = s.nextID
	s.nextID++
	if s.dir != "" {
		// Written before it is visible, so what a reader saw survives a restart.
		if err := s.save(envelopeFrom, m); err != nil {
			s.logger.Warn("mail not kept on disk", "id", m.ID, "err", err)
		}
	}
	s.msgs = append(s.msgs, m)
	var dropped []int
	if over := len(s.msgs) - s.keep; over > 0 {
		for _, old := range s.msgs[:over] {
			dropped = append(dropped, old.ID)
		}
		clear(s.msgs[:over]) // let the dropped messages be collected
		s.msgs = s.msgs[over:]
	}
	if !s.closed {
		close(s.changed)
		s.changed = make(chan struct{})
	}
	s.mu.Unlock()
	for _, id := range dropped {
		s.remove(id)
	}

	attrs := []any{"id", m.ID, "to", strings.Join(m.To, ", "), "subject", m.Subject, "size", len(raw)}
	if m.ParseError != "" {
		attrs = append(attrs, "parse_error", m.ParseError)
	}
	s.logger.Info("mail caught", attrs...)
	return m
}

// backend creates one session per SMTP connection.
type backend struct{ sink *Sink }

// NewSession implements smtp.Backend.
func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{sink: b.sink, conn: c}, nil
}

// session collects one SMTP transaction at a time.
type session struct {
	sink  *Sink
	conn  *smtp.Conn
	from  string
	rcpts []string
}

// AuthMechanisms implements smtp.AuthSession.
func (*session) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

// Auth implements smtp.AuthSession and accepts any credentials.
func (*session) Auth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, _, _ string) error { return nil }), nil
	case sasl.Login:
		return &loginServer{}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// Mail implements smtp.Session.
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.sink.inOutage() {
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "mail sink in a simulated outage, try again later"}
	}
	s.from = from
	return nil
}

// SetOutage makes the sink answer every MAIL FROM with a temporary 421, as
// a relay that is down does, until SetOutage(false); tests use it to make
// every send fail for a while.
func (s *Sink) SetOutage(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outage = on
}

func (s *Sink) inOutage() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.outage
}

// Rcpt implements smtp.Session. A refused recipient gets a permanent 550
// that echoes the address, as real servers' replies do.
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.sink.isRefused(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: "<" + to + ">: recipient refused by the mail sink"}
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

// RefuseRecipient makes the sink answer RCPT TO for addr (compared without
// case) with a permanent 550 until AcceptRecipient; tests use it to make a
// send fail.
func (s *Sink) RefuseRecipient(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refused == nil {
		s.refused = make(map[string]bool)
	}
	s.refused[strings.ToLower(addr)] = true
}

// AcceptRecipient undoes RefuseRecipient.
func (s *Sink) AcceptRecipient(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.refused, strings.ToLower(addr))
}

func (s *Sink) isRefused(addr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused[strings.ToLower(addr)]
}

// Data implements smtp.Session.
func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		s.sink.logger.Warn("mail rejected", "from", s.from, "err", err)
		// go-smtp answers with an *SMTPError's own code (e.g. 552 for a message
		// that is too large) only when it gets that error itself, unwrapped.
		var smtpErr *smtp.SMTPError
		if errors.As(err, &smtpErr) {
			return smtpErr
		}
		return fmt.Errorf("mailsink: read message: %w", err)
	}
	m := s.sink.store(s.from, s.rcpts, raw)
	if s.sink.takeLoseRule(m) {
		// Kept, and the connection drops before the 250 is written: the
		// sender cannot know the message arrived.
		s.sink.logger.Info("mail caught, reply lost on purpose", "id", m.ID)
		_ = s.conn.Conn().Close()
	}
	return nil
}

// loseRule is one LoseReply.
type loseRule struct{ to, subject string }

// KeepAtMost sets how many messages the sink keeps from now on (at least
// one); the oldest beyond it are dropped as new ones arrive. cmd/chaos
// keeps every message of a run, to count duplicates among all of them.
func (s *Sink) KeepAtMost(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keep = max(n, 1)
}

// LoseReply makes the sink keep the next message to addr (compared without
// case) whose subject contains subject, and then drop the connection
// instead of answering it, as when a relay's answer is lost on the way:
// the sender saw the whole message go out and no reply. Tests use it to
// fail a send right after the message was delivered. Each call applies to
// one message.
func (s *Sink) LoseReply(addr, subject string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lose = append(s.lose, loseRule{to: strings.ToLower(addr), subject: subject})
}

// takeLoseRule removes and reports the first LoseReply rule m matches.
func (s *Sink) takeLoseRule(m Message) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.lose {
		for _, to := range m.To {
			if strings.EqualFold(to, r.to) && strings.Contains(m.Subject, r.subject) {
				s.lose = append(s.lose[:i], s.lose[i+1:]...)
				return true
			}
		}
	}
	return false
}

// Reset implements smtp.Session.
func (s *session) Reset() {
	s.from = ""
	s.rcpts = nil
}

// Logout implements smtp.Session.
func (*session) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN; it accepts any credentials.
type loginServer struct{ step int }

// Next implements sasl.Server.
func (l *loginServer) Next([]byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		return []byte("Username:"), false, nil
	case 2:
		return []byte("Password:"), false, nil
	default:
		return nil, true, nil
	}
}

// slogAdapter routes go-smtp's internal errors to slog.
type slogAdapter struct{ l *slog.Logger }

// Printf implements smtp.Logger.
func (a slogAdapter) Printf(format string, v ...any) {
	a.l.Warn(strings.TrimSpace(fmt.Sprintf(format, v...)))
}

// Println implements smtp.Logger.
func (a slogAdapter) Println(v ...any) {
	a.l.Warn(strings.TrimSpace(fmt.Sprintln(v...)))
}
