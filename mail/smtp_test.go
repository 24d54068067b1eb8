package mail

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	gomailsmtp "github.com/wneessen/go-mail/smtp"
)

// received is one message as the test server saw it.
type received struct {
	from   string
	to     []string
	data   []byte
	authed string // user name that authenticated, if any
}

// testBackend is a go-smtp backend that records messages.
type testBackend struct {
	user, pass string   // when user is set, MAIL requires authentication
	mechs      []string // advertised AUTH mechanisms
	stall      chan struct{}
	// refuse, when set, answers RCPT TO for the addresses it returns an
	// error for (echoing the address, as real servers do).
	refuse func(to string) error

	mu    sync.Mutex
	msgs  []received
	conns []*smtp.Conn // one per SMTP connection, in order
}

func (b *testBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.mu.Lock()
	b.conns = append(b.conns, c)
	b.mu.Unlock()
	return &testSession{be: b}, nil
}

// connections returns the connections the server has accepted.
func (b *testBackend) connections() []*smtp.Conn {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*smtp.Conn(nil), b.conns...)
}

func (b *testBackend) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

type testSession struct {
	be     *testBackend
	from   string
	to     []string
	authed string
}

func (s *testSession) AuthMechanisms() []string { return s.be.mechs }

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	check := func(username, password string) error {
		if username != s.be.user || password != s.be.pass {
			return errors.New("invalid credentials")
		}
		s.authed = username
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, username, password string) error { return check(username, password) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.be.user != "" && s.authed == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.be.refuse != nil {
		if err := s.be.refuse(to); err != nil {
			return err
		}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	if s.be.stall != nil {
		<-s.be.stall
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.be.mu.Lock()
	s.be.msgs = append(s.be.msgs, received{from: s.from, to: s.to, data: data, authed: s.authed})
	s.be.mu.Unlock()
	return nil
}

func (s *testSession) Reset()        { s.from, s.to = "", nil }
func (s *testSession) Logout() error { return nil }

// loginServer is the server side of the LOGIN mechanism (go-sasl has none).
type loginServer struct {
	check    func(username, password string) error
	step     int
	username string
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		return []byte("Username:"), false, nil
	case 2:
		l.username = string(response)
		return []byte("Password:"), false, nil
	case 3:
		return nil, true, l.check(l.username, string(response))
	}
	return nil, false, errors.New("unexpected LOGIN step")
}

// serverOpts configures startServer.
type serverOpts struct {
	tls          *tls.Config // offered via STARTTLS, or used for implicit TLS
	implicitTLS  bool
	insecureAuth bool // allow AUTH without TLS
}

// startServer runs a go-smtp server for be on a loopback port.
func startServer(t testing.TB, be *testBackend, o serverOpts) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if o.implicitTLS {
		ln = tls.NewListener(ln, o.tls)
	}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = o.insecureAuth
	if !o.implicitTLS {
		srv.TLSConfig = o.tls
	}
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = srv.Serve(ln) }()
	// srv.Close only closes listeners Serve has registered; close ours too.
	t.Cleanup(func() { _ = srv.Close(); _ = ln.Close() })
	return ln.Addr().String()
}

// selfSigned returns a server certificate for 127.0.0.1/localhost and a
// client configuration that trusts it.
func selfSigned(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "localhost"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

const testFrom = "Derma2Go <noreply@derma2go.test>"

func newTestSender(t testing.TB, rawURL string) *SMTPSender {
	t.Helper()
	s, err := NewSMTPSender(rawURL, testFrom)
	if err != nil {
		t.Fatalf("NewSMTPSender: %v", err)
	}
	return s
}

// rendered returns a realistic message with an .ics and a PDF attached.
func rendered(t *testing.T) Message {
	t.Helper()
	m, err := Render(LangNL, TemplateAppointmentInvitation, samples[TemplateAppointmentInvitation])
	if err != nil {
		t.Fatal(err)
	}
	m.To = []string{"Sanne de Vries <sanne@example.test>", "second@example.test"}
	m.Attachments = []Attachment{
		{Name: "afspraak.ics", ContentType: "text/calendar; method=REQUEST", Data: []byte("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n")},
		{Name: "factuur.pdf", Data: []byte("%PDF-1.4\n\x00\x01\x02 binary \xff\n%%EOF\n")},
	}
	m.Headers = map[string]string{"X-Derma2Go-Consultation": "c-1", "Reply-To": "support@derma2go.test"}
	return m
}

func TestSMTPSenderSendsMultipartWithAttachments(t *testing.T) {
	be := &testBackend{}
	addr := startServer(t, be, serverOpts{})
	s := newTestSender(t, "smtp://"+addr)
	m := rendered(t)
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := be.messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages", len(msgs))
	}
	got := msgs[0]
	if got.from != "noreply@derma2go.test" {
		t.Errorf("envelope from = %q", got.from)
	}
	if strings.Join(got.to, ",") != "sanne@example.test,second@example.test" {
		t.Errorf("envelope to = %v", got.to)
	}
	checkParsedMessage(t, got.data, m)
}

// checkParsedMessage parses raw with net/mail and mime/multipart and compares it with m.
func checkParsedMessage(t *testing.T, raw []byte, m Message) {
	t.Helper()
	pm, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("ReadMessage: %v", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(pm.Header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("subject = %q (%v), want %q", subject, err, m.Subject)
	}
	if from, err := pm.Header.AddressList("From"); err != nil || from[0].Address != "noreply@derma2go.test" || from[0].Name != "Derma2Go" {
		t.Errorf("From = %v (%v)", from, err)
	}
	if to, err := pm.Header.AddressList("To"); err != nil || len(to) != 2 || to[0].Name != "Sanne de Vries" {
		t.Errorf("To = %v (%v)", to, err)
	}
	if pm.Header.Get("X-Derma2Go-Consultation") != "c-1" || pm.Header.Get("Reply-To") != "<support@derma2go.test>" {
		t.Errorf("extra headers: X-Derma2Go-Consultation=%q Reply-To=%q", pm.Header.Get("X-Derma2Go-Consultation"), pm.Header.Get("Reply-To"))
	}
	if pm.Header.Get("Message-Id") == "" || pm.Header.Get("Date") == "" {
		t.Error("Message-ID or Date missing")
	}
	mt, params, err := mime.ParseMediaType(pm.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("top-level type %q (%v)", mt, err)
	}
	mr := multipart.NewReader(pm.Body, params["boundary"])

	// Part 1: multipart/alternative with text and HTML.
	alt, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	mt, params, _ = mime.ParseMediaType(alt.Header.Get("Content-Type"))
	if mt != "multipart/alternative" {
		t.Fatalf("first part %q, want multipart/alternative", mt)
	}
	ar := multipart.NewReader(alt, params["boundary"])
	bodies := map[string]string{}
	for {
		p, err := ar.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, cp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if !strings.EqualFold(cp["charset"], "utf-8") {
			t.Errorf("%s charset = %q", ct, cp["charset"])
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		bodies[ct] = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	if strings.TrimSpace(bodies["text/plain"]) != strings.TrimSpace(m.Text) {
		t.Errorf("text part differs:\n%q\nwant\n%q", bodies["text/plain"], m.Text)
	}
	if strings.TrimSpace(bodies["text/html"]) != strings.TrimSpace(m.HTML) {
		t.Errorf("HTML part differs")
	}

	// Then the attachments, base64-encoded.
	for _, want := range m.Attachments {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("attachment %s: %v", want.Name, err)
		}
		ct, cp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		wantCT := want.ContentType
		if wantCT == "" {
			wantCT = mime.TypeByExtension(".pdf")
		}
		wantMT, wantParams, _ := mime.ParseMediaType(wantCT)
		if ct != wantMT || (wantParams["method"] != "" && cp["method"] != wantParams["method"]) {
			t.Errorf("attachment content type %q %v, want %q", ct, cp, wantCT)
		}
		if disp, dp, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition")); disp != "attachment" || dp["filename"] != want.Name {
			t.Errorf("disposition %q %v", disp, dp)
		}
		if p.Header.Get("Content-Transfer-Encoding") != "base64" {
			t.Errorf("attachment encoding %q", p.Header.Get("Content-Transfer-Encoding"))
		}
		data, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		if err != nil || !bytes.Equal(data, want.Data) {
			t.Errorf("attachment %s data = %q (%v)", want.Name, data, err)
		}
	}
	if _, err := mr.NextPart(); !errors.Is(err, io.EOF) {
		t.Errorf("unexpected extra part: %v", err)
	}
}

func TestSMTPSenderTextOnlyAndHTMLOnly(t *testing.T) {
	be := &testBackend{}
	s := newTestSender(t, "smtp://"+startServer(t, be, serverOpts{}))
	for _, m := range []Message{
		{To: []string{"a@example.test"}, Subject: "only text", Text: "hallo"},
		{To: []string{"a@example.test"}, Subject: "only html", HTML: "<p>hallo</p>"},
	} {
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	msgs := be.messages()
	for i, want := range []string{"text/plain", "text/html"} {
		pm, err := netmail.ReadMessage(bytes.NewReader(msgs[i].data))
		if err != nil {
			t.Fatal(err)
		}
		if mt, _, _ := mime.ParseMediaType(pm.Header.Get("Content-Type")); mt != want {
			t.Errorf("message %d type %q, want %q", i, mt, want)
		}
	}
}

func TestSMTPSenderAuthOnLoopback(t *testing.T) {
	const password = "s3cr3t:p@ss/word"
	for _, mech := range []string{sasl.Plain, sasl.Login} {
		t.Run(mech, func(t *testing.T) {
			be := &testBackend{user: "mailer@derma2go.test", pass: password, mechs: []string{mech}}
			addr := startServer(t, be, serverOpts{insecureAuth: true})
			// The user contains "@" and the password ":", "@" and "/": all
			// unescaped, which NewSMTPSender tolerates.
			s := newTestSender(t, "smtp://mailer@derma2go.test:"+password+"@"+addr)
			if err := s.Send(context.Background(), Message{To: []string{"a@example.test"}, Subject: "auth", Text: "x"}); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if msgs := be.messages(); len(msgs) != 1 || msgs[0].authed != "mailer@derma2go.test" {
				t.Fatalf("messages = %+v", msgs)
			}

			bad := newTestSender(t, "smtp://mailer%40derma2go.test:wrong-"+strings.ReplaceAll(password, "/", "%2F")+"@"+addr)
			err := bad.Send(context.Background(), Message{To: []string{"a@example.test"}, Subject: "auth", Text: "x"})
			if err == nil {
				t.Fatal("Send with a wrong password succeeded")
			}
			if strings.Contains(err.Error(), "wrong-") || strings.Contains(err.Error(), "s3cr3t") {
				t.Fatalf("error reveals the password: %v", err)
			}
		})
	}
}

func TestSMTPSenderImplicitTLSWithAuth(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	be := &testBackend{user: "u", pass: "tls-secret", mechs: []string{sasl.Plain}}
	addr := startServer(t, be, serverOpts{tls: serverTLS, implicitTLS: true})
	s := newTestSender(t, "smtps://u:tls-secret@"+addr)
	s.tlsConfig = clientTLS
	s.loopback = false // behave as for a remote server: credentials need TLS
	if err := s.Send(context.Background(), rendered(t)); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if msgs := be.messages(); len(msgs) != 1 || msgs[0].authed != "u" {
		t.Fatalf("messages = %d", len(msgs))
	}

	// Without trusting the certificate the handshake must fail.
	untrusting := newTestSender(t, "smtps://u:tls-secret@"+addr)
	if err := untrusting.Send(context.Background(), rendered(t)); err == nil {
		t.Fatal("Send trusted a self-signed certificate")
	}
}

func TestSMTPSenderSTARTTLSRequiredForRemoteCredentials(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)

	// Server offers STARTTLS: the sender upgrades, then authenticates.
	be := &testBackend{user: "u", pass: "starttls-secret", mechs: []string{sasl.Plain, sasl.Login}}
	s := newTestSender(t, "smtp://u:starttls-secret@"+startServer(t, be, serverOpts{tls: serverTLS}))
	s.tlsConfig = clientTLS
	s.loopback = false
	if err := s.Send(context.Background(), Message{To: []string{"a@example.test"}, Subject: "tls", Text: "x"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if len(be.messages()) != 1 {
		t.Fatal("message not delivered")
	}

	// Server without STARTTLS: the sender must not send the password in clear.
	plain := &testBackend{user: "u", pass: "starttls-secret", mechs: []string{sasl.Plain}}
	s2 := newTestSender(t, "smtp://u:starttls-secret@"+startServer(t, plain, serverOpts{insecureAuth: true}))
	s2.loopback = false
	err := s2.Send(context.Background(), Message{To: []string{"a@example.test"}, Subject: "tls", Text: "x"})
	if err == nil {
		t.Fatal("credentials sent without TLS")
	}
	if strings.Contains(err.Error(), "starttls-secret") {
		t.Fatalf("error reveals the password: %v", err)
	}
	if len(plain.messages()) != 0 {
		t.Fatal("message delivered without TLS")
	}
}

func TestSMTPAuthRefusesUnencryptedRemote(t *testing.T) {
	a := &smtpAuth{username: "u", password: "p", host: "mail.example.test"}
	if _, _, err := a.Start(&gomailsmtp.ServerInfo{Name: "mail.example.test", Auth: []string{"PLAIN"}}); !errors.Is(err, errInsecureAuth) {
		t.Fatalf("err = %v, want errInsecureAuth", err)
	}
	proto, resp, err := a.Start(&gomailsmtp.ServerInfo{Name: "mail.example.test", TLS: true, Auth: []string{"LOGIN", "PLAIN"}})
	if err != nil || proto != "PLAIN" || string(resp) != "\x00u\x00p" {
		t.Fatalf("over TLS: %q %q %v", proto, resp, err)
	}
	if _, _, err := a.Start(&gomailsmtp.ServerInfo{Name: "mail.example.test", TLS: true, Auth: []string{"CRAM-MD5"}}); err == nil {
		t.Fatal("accepted a server without PLAIN or LOGIN")
	}
}

func TestSMTPSenderConcurrentSends(t *testing.T) {
	be := &testBackend{}
	s := newTestSender(t, "smtp://"+startServer(t, be, serverOpts{}))
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- s.Send(context.Background(), Message{
				To: []string{fmt.Sprintf("p%d@example.test", i)}, Subject: fmt.Sprintf("msg %d", i), Text: "x", HTML: "<p>x</p>",
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := len(be.messages()); got != n {
		t.Fatalf("server got %d messages, want %d", got, n)
	}
}

func TestSMTPSenderHonoursContext(t *testing.T) {
	be := &testBackend{stall: make(chan struct{})}
	defer close(be.stall)
	s := newTestSender(t, "smtp://"+startServer(t, be, serverOpts{}))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Send(ctx, Message{To: []string{"a@example.test"}, Subject: "slow", Text: "x"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Send took %v after the deadline", d)
	}

	cancelled, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	if err := s.Send(cancelled, Message{To: []string{"a@example.test"}, Subject: "x", Text: "x"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestSMTPSenderRejectsBadMessages(t *testing.T) {
	s := newTestSender(t, "smtp://127.0.0.1:1")
	for name, m := range map[string]Message{
		"no recipients":      {Subject: "s", Text: "t"},
		"bad recipient":      {To: []string{"not an address"}, Subject: "s", Text: "t"},
		"no body":            {To: []string{"a@example.test"}, Subject: "s"},
		"subject injection":  {To: []string{"a@example.test"}, Subject: "s\r\nBcc: x@evil.test", Text: "t"},
		"header injection":   {To: []string{"a@example.test"}, Subject: "s", Text: "t", Headers: map[string]string{"X-A": "1\r\nBcc: x@evil.test"}},
		"reserved header":    {To: []string{"a@example.test"}, Subject: "s", Text: "t", Headers: map[string]string{"bcc": "x@evil.test"}},
		"bad header name":    {To: []string{"a@example.test"}, Subject: "s", Text: "t", Headers: map[string]string{"X A": "1"}},
		"unnamed attachment": {To: []string{"a@example.test"}, Subject: "s", Text: "t", Attachments: []Attachment{{Data: []byte("x")}}},
	} {
		if err := s.Send(context.Background(), m); !errors.Is(err, ErrInvalidMessage) {
			t.Errorf("%s: err = %v, want ErrInvalidMessage", name, err)
		}
	}
}

func TestNewSMTPSenderParsesURLs(t *testing.T) {
	for _, tc := range []struct {
		url              string
		addr, user, pass string
		implicitTLS      bool
		loopback         bool
	}{
		{url: "smtp://127.0.0.1:2525", addr: "127.0.0.1:2525", loopback: true},
		{url: "smtp://localhost", addr: "localhost:587", loopback: true},
		{url: "smtp://[::1]:25/", addr: "[::1]:25", loopback: true},
		{url: "smtps://mail.example.test", addr: "mail.example.test:465", implicitTLS: true},
		{url: "SMTPS://user:pa%20ss@mail.example.test:2465", addr: "mail.example.test:2465", user: "user", pass: "pa ss", implicitTLS: true},
		{url: "smtp://me%40example.test:p@ss:w/rd@mail.example.test:587", addr: "mail.example.test:587", user: "me@example.test", pass: "p@ss:w/rd"},
		{url: "smtp://user@mail.example.test:25", addr: "mail.example.test:25", user: "user"},
	} {
		s, err := NewSMTPSender(tc.url, testFrom)
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if s.Addr() != tc.addr || s.username != tc.user || s.password != tc.pass || s.implicitTLS != tc.implicitTLS || s.loopback != tc.loopback {
			t.Errorf("%s: got addr=%s user=%q pass=%q tls=%v loopback=%v", tc.url, s.Addr(), s.username, s.password, s.implicitTLS, s.loopback)
		}
	}
}

func TestNewSMTPSenderErrorsHideThePassword(t *testing.T) {
	for _, raw := range []string{
		"http://user:topsecret@mail.example.test",
		"smtp://user:topsecret@mail.example.test:notaport",
		"smtp://user:topsecret@mail.example.test:99999",
		"smtp://user:topsecret@",
		"smtp://:topsecret@mail.example.test",
		"smtp://user:top%zzsecret@mail.example.test",
		"smtp://user:topsecret@mail.example.test/path?x=1",
		"user:topsecret@mail.example.test",
	} {
		_, err := NewSMTPSender(raw, testFrom)
		if !errors.Is(err, ErrInvalidSMTPURL) {
			t.Errorf("%s: err = %v, want ErrInvalidSMTPURL", raw, err)
			continue
		}
		if strings.Contains(err.Error(), "topsecret") || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: error reveals the password: %v", raw, err)
		}
	}
	if _, err := NewSMTPSender("smtp://127.0.0.1:25", "not an address"); err == nil {
		t.Error("bad from address accepted")
	}
}

func TestSMTPSenderConnectErrorHidesPassword(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens here now
	s := newTestSender(t, "smtp://user:hunter2@"+addr)
	err = s.Send(context.Background(), Message{To: []string{"a@example.test"}, Subject: "s", Text: "t"})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v", err)
	}
	wrapped := s.redactErr(fmt.Errorf("server said: hunter2 is wrong"))
	if strings.Contains(wrapped.Error(), "hunter2") || errors.Unwrap(wrapped) == nil {
		t.Fatalf("redactErr: %v", wrapped)
	}
}

func TestSMTPSenderRefusalHidesTheRecipient(t *testing.T) {
	const addr = "jan.jansen@example.test"
	for _, tt := range []struct {
		name      string
		code      int
		enhanced  smtp.EnhancedCode
		temporary bool
	}{
		{"permanent", 550, smtp.EnhancedCode{5, 1, 1}, false},
		{"temporary", 451, smtp.EnhancedCode{4, 3, 0}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			be := &testBackend{refuse: func(to string) error {
				return &smtp.SMTPError{Code: tt.code, EnhancedCode: tt.enhanced, Message: "<" + to + ">: mailbox of Jan Jansen unavailable"}
			}}
			s := newTestSender(t, "smtp://"+startServer(t, be, serverOpts{}))
			err := s.Send(context.Background(), Message{To: []string{"Jan Jansen <" + addr + ">"}, Subject: "x", Text: "x"})
			var de *DeliveryError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v (%T), want a *DeliveryError", err, err)
			}
			if strings.Contains(err.Error(), "jan.jansen") || strings.Contains(err.Error(), "Jansen") {
				t.Errorf("error text names the recipient: %q", err)
			}
			if de.Step != "RCPT TO" || de.Code != tt.code || de.Temporary != tt.temporary {
				t.Errorf("delivery error = %+v", de)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(tt.code)) {
				t.Errorf("error text %q lacks the reply code", err)
			}
		})
	}
}

func TestSMTPSenderBadRecipientHidesTheAddress(t *testing.T) {
	s := newTestSender(t, "smtp://127.0.0.1:1")
	err := s.Send(context.Background(), Message{To: []string{"not an address jan@"}, Subject: "x", Text: "x"})
	if !errors.Is(err, ErrInvalidMessage) || strings.Contains(err.Error(), "jan") {
		t.Fatalf("err = %v", err)
	}
}

func TestSMTPSenderConnectFailureIsTemporary(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	s := newTestSender(t, "smtp://"+addr)
	err = s.Send(context.Background(), Message{To: []string{"a@example.test"}, Subject: "x", Text: "x"})
	var de *DeliveryError
	if !errors.As(err, &de) || !de.Temporary || de.Step != "connect" || strings.Contains(err.Error(), "a@example") {
		t.Fatalf("err = %v (%+v)", err, de)
	}
}
