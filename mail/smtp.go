package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	gomailsmtp "github.com/wneessen/go-mail/smtp"
)

// ErrInvalidSMTPURL is wrapped by NewSMTPSender when the SMTP URL cannot be used.
var ErrInvalidSMTPURL = errors.New("invalid SMTP URL")

// ErrInvalidMessage is wrapped by Send when a Message cannot be turned into an email.
var ErrInvalidMessage = errors.New("invalid message")

// errInsecureAuth is returned when credentials would cross an unencrypted,
// non-loopback connection.
var errInsecureAuth = errors.New("refusing SMTP AUTH over an unencrypted connection to a non-loopback host")

const (
	// defaultSMTPPort is the submission port used by smtp:// URLs without a port.
	defaultSMTPPort = 587
	// defaultSMTPSPort is the implicit-TLS port used by smtps:// URLs without a port.
	defaultSMTPSPort = 465
	// defaultSendTimeout bounds each network step of a Send; ctx can end it sooner.
	defaultSendTimeout = 30 * time.Second
)

// reservedHeaders may not be set through Message.Headers: they are written by
// the sender itself or define the MIME structure.
var reservedHeaders = []string{
	"Bcc", "Cc", "Content-Disposition", "Content-Transfer-Encoding", "Content-Type",
	"Date", "From", "Message-Id", "Mime-Version", "Return-Path", "Sender", "Subject", "To",
}

// SMTPSender sends messages over SMTP. A Send takes an idle connection of
// its pool or opens one, and gives it back to the pool when it is fit for
// another message; an SMTPSender is safe for concurrent use. Close closes
// the idle connections.
//
// Accepted URLs:
//
//	smtp://[user:pass@]host[:port]   plain SMTP (default port 587); STARTTLS is used
//	                                 when the server offers it, and required when
//	                                 credentials are given for a non-loopback host.
//	                                 Loopback hosts (the dev sink) use no TLS at all.
//	smtps://[user:pass@]host[:port]  implicit TLS (default port 465).
//
// With credentials the sender authenticates with PLAIN (or LOGIN when PLAIN is
// not offered), only over TLS or to a loopback host. User and password may be
// percent-encoded. Error messages never contain the password.
type SMTPSender struct {
	host        string
	port        int
	implicitTLS bool
	loopback    bool
	username    string
	password    string
	from        *netmail.Address
	// tlsConfig overrides the TLS client configuration (tests use it to trust
	// a self-signed certificate). Nil means system roots and ServerName = host.
	tlsConfig *tls.Config
	// pool keeps idle connections for the next Send.
	pool connPool
}

// NewSMTPSender returns a sender for smtpURL that puts from (e.g.
// "Derma2Go <noreply@derma2go.nl>") in the From header and the envelope.
func NewSMTPSender(smtpURL, from string) (*SMTPSender, error) {
	s, err := parseSMTPURL(smtpURL)
	if err != nil {
		return nil, err
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: invalid from address %q: %w", from, err)
	}
	s.from = addr
	s.pool.size = DefaultPoolSize
	return s, nil
}

// parseSMTPURL splits the credentials off by hand before url.Parse sees the
// rest, so that no parse error can echo the password and passwords with
// unescaped special characters still work.
func parseSMTPURL(raw string) (*SMTPSender, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, fmt.Errorf("mail: %w %q: want smtp://host:port or smtps://host:port", ErrInvalidSMTPURL, redactURL(raw))
	}
	s := &SMTPSender{}
	switch strings.ToLower(scheme) {
	case "smtp":
	case "smtps":
		s.implicitTLS = true
	default:
		return nil, fmt.Errorf("mail: %w %q: unsupported scheme %q", ErrInvalidSMTPURL, redactURL(raw), scheme)
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		userinfo := rest[:at]
		rest = rest[at+1:]
		user, pass, hasPass := strings.Cut(userinfo, ":")
		var err error
		if s.username, err = url.PathUnescape(user); err != nil {
			return nil, fmt.Errorf("mail: %w %q: bad percent-encoding in the user name: %w", ErrInvalidSMTPURL, redactURL(raw), err)
		}
		if hasPass {
			if s.password, err = url.PathUnescape(pass); err != nil {
				// The unescape error would quote part of the password: withhold it.
				return nil, fmt.Errorf("mail: %w %q: bad percent-encoding in the password", ErrInvalidSMTPURL, redactURL(raw))
			}
		}
		if s.username == "" {
			return nil, fmt.Errorf("mail: %w %q: credentials without a user name", ErrInvalidSMTPURL, redactURL(raw))
		}
	}
	u, err := url.Parse(scheme + "://" + rest)
	if err != nil {
		return nil, fmt.Errorf("mail: %w %q: %w", ErrInvalidSMTPURL, redactURL(raw), err)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("mail: %w %q: path, query and fragment are not supported", ErrInvalidSMTPURL, redactURL(raw))
	}
	s.host = u.Hostname()
	if s.host == "" {
		return nil, fmt.Errorf("mail: %w %q: missing host", ErrInvalidSMTPURL, redactURL(raw))
	}
	s.port = defaultSMTPPort
	if s.implicitTLS {
		s.port = defaultSMTPSPort
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("mail: %w %q: bad port %q", ErrInvalidSMTPURL, redactURL(raw), p)
		}
		s.port = n
	}
	s.loopback = isLoopbackHost(s.host)
	return s, nil
}

// redactURL hides everything between "://" and the last "@".
func redactURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		if strings.Contains(raw, "@") {
			return "[redacted]"
		}
		return raw
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		return scheme + "://[redacted]@" + rest[at+1:]
	}
	return raw
}

// isLoopbackHost reports whether host names this machine's loopback interface.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Addr returns host:port of the SMTP server.
func (s *SMTPSender) Addr() string {
	return net.JoinHostPort(s.host, strconv.Itoa(s.port))
}

// Send delivers m over an idle connection of the pool (see SetPoolSize),
// else a fresh one. Cancelling ctx aborts the dial and any SMTP exchange
// in progress.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg, err := s.buildMsg(m)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mail: send via %s: %w", s.Addr(), err)
	}
	c, reused := s.pool.take(), true
	if c == nil {
		if c, err = s.dial(ctx); err != nil {
			return s.deliveryError(ctx, err)
		}
		reused = false
	}
	err = c.send(ctx, msg)
	if err != nil && reused && !msg.IsDelivered() && staleConn(err) {
		// The server closed the idle connection (its idle timeout, a
		// restart): nothing was handed over, so dial afresh, once.
		c.close()
		if c, err = s.dial(ctx); err != nil {
			return s.deliveryError(ctx, err)
		}
		err = c.send(ctx, msg)
	}
	if err != nil || ctx.Err() != nil {
		c.close()
	} else {
		s.pool.put(c)
	}
	if err != nil {
		if msg.IsDelivered() {
			// The server accepted the message (250 after its end); what
			// failed was only RSET after it. Reporting an error would make
			// the caller send it again.
			return nil
		}
		return s.deliveryError(ctx, err)
	}
	return nil
}

// client is the go-mail client of a connection: its options (TLS policy,
// AUTH, timeouts) for a dial.
func (s *SMTPSender) client(dial gomail.DialContextFunc) (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithTimeout(defaultSendTimeout),
		gomail.WithDialContextFunc(dial),
		// A fresh connection needs no NOOP before its first message, and a
		// pooled one that went stale fails at MAIL FROM without a reply,
		// which Send answers with a fresh connection (staleConn).
		gomail.WithoutNoop(),
	}
	switch {
	case s.implicitTLS:
		// The dialer already speaks TLS; never try STARTTLS on top of it.
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case s.loopback:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case s.username != "":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.tlsConfig != nil {
		cfg := s.tlsConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = s.host
		}
		opts = append(opts, gomail.WithTLSConfig(cfg))
	}
	if s.username != "" {
		opts = append(opts, gomail.WithSMTPAuthCustom(&smtpAuth{
			username: s.username, password: s.password, host: s.host, loopback: s.loopback,
		}))
	}
	client, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: smtp client for %s: %w", s.Addr(), s.redactErr(err))
	}
	return client, nil
}

// DeliveryError is a failed Send, described without personal data: SMTP
// servers and go-mail echo the recipient's address in their error texts,
// so Error names only the step, the reply codes and the server. The
// original error stays reachable through Unwrap (for errors.Is with
// context errors); never print it where personal data must not go.
type DeliveryError struct {
	// Server is host:port of the SMTP server.
	Server string
	// Step is what failed: "connect", "MAIL FROM", "RCPT TO", "DATA", ...
	Step string
	// Code is the SMTP reply code (e.g. 550), 0 when there was none.
	Code int
	// Enhanced is the enhanced status code (e.g. "5.1.1"), if the server sent one.
	Enhanced string
	// Temporary: a 4xx reply or a network problem; a retry may succeed.
	// A 5xx reply is permanent.
	Temporary bool
	// MaybeDelivered: the whole message was sent and no answer to its end
	// came back (the connection broke or the context ended while waiting
	// for it), so the server may have taken it. See MaybeDelivered.
	MaybeDelivered bool
	// Cause is a short text of a network or context error (these hold no
	// personal data); empty for SMTP replies, whose text is withheld.
	Cause string
	err   error
}

// Error describes the failure without the server's reply text.
func (e *DeliveryError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mail: send via %s failed at %s", e.Server, e.Step)
	if e.Code != 0 {
		fmt.Fprintf(&b, ": SMTP %d", e.Code)
		if e.Enhanced != "" {
			b.WriteString(" " + e.Enhanced)
		}
	}
	if e.Cause != "" {
		b.WriteString(": " + e.Cause)
	}
	if e.MaybeDelivered {
		b.WriteString(" (outcome unknown: the message may have been delivered)")
	} else if e.Temporary {
		b.WriteString(" (temporary)")
	} else {
		b.WriteString(" (permanent)")
	}
	return b.String()
}

// Unwrap returns the original error.
func (e *DeliveryError) Unwrap() error { return e.err }

// sendSteps names go-mail's failure reasons.
var sendSteps = map[gomail.SendErrReason]string{
	gomail.ErrGetSender:     "sender",
	gomail.ErrGetRcpts:      "recipients",
	gomail.ErrSMTPMailFrom:  "MAIL FROM",
	gomail.ErrSMTPRcptTo:    "RCPT TO",
	gomail.ErrSMTPData:      "DATA",
	gomail.ErrSMTPDataClose: "DATA",
	gomail.ErrSMTPReset:     "RSET",
	gomail.ErrWriteContent:  "DATA",
	gomail.ErrConnCheck:     "connection check",
	gomail.ErrNoUnencoded:   "8BITMIME",
}

// deliveryError turns what go-mail returned into a DeliveryError.
func (s *SMTPSender) deliveryError(ctx context.Context, err error) *DeliveryError {
	d := &DeliveryError{Server: s.Addr(), Step: "connect", Temporary: true, err: s.redactErr(err)}
	var se *gomail.SendError
	isSendErr := errors.As(err, &se)
	// Only a failure at the end of DATA without a reply leaves the outcome
	// open; a reply code there (4xx, 5xx) is the server refusing it.
	d.MaybeDelivered = isSendErr && se.Reason == gomail.ErrSMTPDataClose && se.ErrorCode() == 0
	if ctxErr := ctx.Err(); ctxErr != nil {
		d.Cause = ctxErr.Error()
		d.err = fmt.Errorf("%w (%w)", ctxErr, d.err)
		if step, ok := sendSteps[se.Reason]; isSendErr && ok {
			d.Step = step
		}
		return d
	}
	if isSendErr {
		d.Step = "send"
		if step, ok := sendSteps[se.Reason]; ok {
			d.Step = step
		}
		d.Code, d.Enhanced = se.ErrorCode(), se.EnhancedStatusCode()
		d.Temporary = se.IsTemp() || d.Code == 0 || (d.Code >= 400 && d.Code < 500)
		return d
	}
	var smtpErr *textproto.Error
	if errors.As(err, &smtpErr) {
		d.Step, d.Code = "session", smtpErr.Code
		d.Temporary = smtpErr.Code < 500
		return d
	}
	var netErr net.Error
	switch {
	case errors.As(err, &netErr):
		d.Cause = "network error"
		if netErr.Timeout() {
			d.Cause = "timeout"
		}
		var opErr *net.OpError
		if errors.As(err, &opErr) && opErr.Err != nil {
			d.Cause = opErr.Op + ": " + opErr.Err.Error()
		}
	case errors.Is(err, errInsecureAuth):
		d.Step, d.Cause, d.Temporary = "AUTH", errInsecureAuth.Error(), false
	default:
		d.Cause = "SMTP session failed"
	}
	return d
}

// dialer returns a dial function that hands the connection it made to
// dialed, so that each send can tie it to its own context (smtpConn.send).
func (s *SMTPSender) dialer(dialed func(net.Conn)) gomail.DialContextFunc {
	return func(dialCtx context.Context, network, address string) (net.Conn, error) {
		nd := &net.Dialer{}
		var c net.Conn
		var err error
		if s.implicitTLS {
			cfg := s.tlsConfig.Clone()
			if cfg == nil {
				cfg = &tls.Config{MinVersion: tls.VersionTLS12}
			}
			if cfg.ServerName == "" {
				cfg.ServerName = s.host
			}
			c, err = (&tls.Dialer{NetDialer: nd, Config: cfg}).DialContext(dialCtx, network, address)
		} else {
			c, err = nd.DialContext(dialCtx, network, address)
		}
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", address, err)
		}
		dialed(c)
		return c, nil
	}
}

// buildMsg converts m into a go-mail message.
func (s *SMTPSender) buildMsg(m Message) (*gomail.Msg, error) {
	if len(m.To) == 0 {
		return nil, fmt.Errorf("mail: %w: no recipients", ErrInvalidMessage)
	}
	if m.Text == "" && m.HTML == "" {
		return nil, fmt.Errorf("mail: %w: neither text nor HTML body", ErrInvalidMessage)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("mail: %w: line break in subject", ErrInvalidMessage)
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	rcpts := make([]*netmail.Address, 0, len(m.To))
	for _, to := range m.To {
		a, err := netmail.ParseAddress(to)
		if err != nil {
			// The address itself stays out of the error: it is personal data.
			return nil, fmt.Errorf("mail: %w: recipient %d is not a valid address", ErrInvalidMessage, len(rcpts)+1)
		}
		rcpts = append(rcpts, a)
	}
	msg.ToMailAddress(rcpts...)
	msg.Subject(m.Subject)
	msg.SetUserAgent("Derma2Go")

	if err := applyHeaders(msg, m.Headers); err != nil {
		return nil, err
	}
	if m.MessageID != "" {
		if strings.ContainsAny(m.MessageID, "<> \t\r\n") || !strings.Contains(m.MessageID, "@") {
			return nil, fmt.Errorf("mail: %w: bad Message-ID", ErrInvalidMessage)
		}
		msg.SetMessageIDWithValue(m.MessageID)
	}

	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.Text != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	default:
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}

	for i, a := range m.Attachments {
		if a.Name == "" {
			return nil, fmt.Errorf("mail: %w: attachment %d has no name", ErrInvalidMessage, i)
		}
		if strings.ContainsAny(a.ContentType, "\r\n") {
			return nil, fmt.Errorf("mail: %w: attachment %q: line break in content type", ErrInvalidMessage, a.Name)
		}
		var fopts []gomail.FileOption
		if a.ContentType != "" {
			fopts = append(fopts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		}
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), fopts...); err != nil {
			return nil, fmt.Errorf("mail: attach %q: %w", a.Name, err)
		}
	}
	return msg, nil
}

// applyHeaders copies extra header fields onto msg in a stable order.
func applyHeaders(msg *gomail.Msg, headers map[string]string) error {
	keys := make([]string, 0, len(headers))
	for k := range headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := headers[k]
		if !validHeaderName(k) {
			return fmt.Errorf("mail: %w: bad header name %q", ErrInvalidMessage, k)
		}
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("mail: %w: line break in header %q", ErrInvalidMessage, k)
		}
		canon := textproto.CanonicalMIMEHeaderKey(k)
		if slices.Contains(reservedHeaders, canon) {
			return fmt.Errorf("mail: %w: header %q is set by the sender", ErrInvalidMessage, k)
		}
		if canon == "Reply-To" {
			if err := msg.ReplyTo(v); err != nil {
				return fmt.Errorf("mail: %w: Reply-To %q: %w", ErrInvalidMessage, v, err)
			}
			continue
		}
		msg.SetGenHeader(gomail.Header(canon), v)
	}
	return nil
}

// validHeaderName reports whether name is a legal RFC 5322 field name.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 127 || c == ':' {
			return false
		}
	}
	return true
}

// redactErr hides the password in err's message while keeping err in the chain.
func (s *SMTPSender) redactErr(err error) error {
	if err == nil || s.password == "" {
		return err
	}
	msg := err.Error()
	clean := msg
	for _, secret := range []string{s.password, url.PathEscape(s.password), url.QueryEscape(s.password)} {
		if secret != "" {
			clean = strings.ReplaceAll(clean, secret, "[redacted]")
		}
	}
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

// redactedError carries an error whose text had a secret removed.
type redactedError struct {
	msg string
	err error
}

// Error returns the redacted message.
func (e *redactedError) Error() string { return e.msg }

// Unwrap returns the original error for errors.Is and errors.As.
func (e *redactedError) Unwrap() error { return e.err }

// smtpAuth authenticates with PLAIN, or LOGIN when the server offers no PLAIN.
// It refuses to reveal credentials on an unencrypted connection unless the
// server is on loopback. One value serves one connection.
type smtpAuth struct {
	username, password, host string
	loopback                 bool
	mech                     gomailsmtp.Auth
}

// Start picks the mechanism and begins the exchange.
func (a *smtpAuth) Start(server *gomailsmtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !a.loopback {
		return "", nil, errInsecureAuth
	}
	switch {
	case slices.Contains(server.Auth, "PLAIN"):
		// The TLS/loopback check above replaces go-mail's name-based one, so
		// allow "unencrypted" here for loopback addresses it does not know.
		a.mech = gomailsmtp.PlainAuth("", a.username, a.password, a.host, true)
	case slices.Contains(server.Auth, "LOGIN"):
		a.mech = gomailsmtp.LoginAuth(a.username, a.password, a.host, true)
	default:
		return "", nil, fmt.Errorf("server offers neither PLAIN nor LOGIN (offers %q)", strings.Join(server.Auth, " "))
	}
	proto, resp, err := a.mech.Start(server)
	if err != nil {
		return "", nil, fmt.Errorf("start %s auth: %w", proto, err)
	}
	return proto, resp, nil
}

// Next continues the exchange with the chosen mechanism.
func (a *smtpAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if a.mech == nil {
		return nil, errors.New("auth exchange not started")
	}
	resp, err := a.mech.Next(fromServer, more)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return resp, nil
}

// Compile-time checks.
var (
	_ Sender          = (*SMTPSender)(nil)
	_ gomailsmtp.Auth = (*smtpAuth)(nil)
)
