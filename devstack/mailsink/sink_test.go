package mailsink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"strings"
	"sync"
	"testing"
	"time"

	"derma2go/mail"
)

func startSink(t *testing.T) *Sink {
	t.Helper()
	s, err := Start("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// crlf turns the LF line ends of a Go string literal into CRLF.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// handMade is a message as a typical mail client would write it: nested
// multiparts, quoted-printable and base64 bodies, encoded words in the subject
// and in a file name, an RFC 2231 file name and an ISO-8859-1 text part.
var handMade = crlf(`From: =?UTF-8?Q?Dr=2E_Ren=C3=A9e_Jansen?= <renee@derma2go.test>
To: patient@example.test
Subject: =?UTF-8?B?VXcgYWR2aWVzIOKAkyDDqcOpbiBzdGFw?= =?UTF-8?Q?_verder?=
X-Derma2Go-Consultation: c-42
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

This is a multi-part message in MIME format.
--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

Beste pati=C3=ABnt,

Dit is een lange regel die met een zachte regelafbreking is gecodeerd, zoda=
t hij toch heel blijft.
--inner
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: base64

PHA+QmVzdGUgcGF0acOrbnQsPC9wPg==
--inner--
--outer
Content-Type: text/calendar; method=REQUEST; name="=?UTF-8?Q?afspraak_=C3=A9=C3=A9n.ics?="
Content-Disposition: attachment; filename="=?UTF-8?Q?afspraak_=C3=A9=C3=A9n.ics?="
Content-Transfer-Encoding: base64

QkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVRVUVTVA0KRU5EOlZDQUxFTkRBUg0K
--outer
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''recept%20%C3%A9%C3%A9n.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQKAAEC/yVFT0YK
--outer
Content-Type: text/plain; charset=ISO-8859-1
Content-Disposition: attachment; filename=notes.txt
Content-Transfer-Encoding: quoted-printable

caf=E9
--outer--
`)

func TestNetSMTPMessageIsDecoded(t *testing.T) {
	s := startSink(t)
	if err := smtp.SendMail(s.Addr(), nil, "bounce@derma2go.test", []string{"patient@example.test", "bcc@example.test"}, []byte(handMade)); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	msgs := s.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	m := msgs[0]
	if m.ParseError != "" {
		t.Errorf("ParseError: %s", m.ParseError)
	}
	if m.ID != 1 || m.ReceivedAt.IsZero() || string(m.Raw) != handMade {
		t.Errorf("ID=%d ReceivedAt=%v raw equal=%v", m.ID, m.ReceivedAt, string(m.Raw) == handMade)
	}
	if m.Subject != "Uw advies – één stap verder" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if m.From != "Dr. Renée Jansen <renee@derma2go.test>" {
		t.Errorf("From = %q", m.From)
	}
	if strings.Join(m.To, ",") != "patient@example.test,bcc@example.test" {
		t.Errorf("To = %v", m.To)
	}
	wantText := "Beste patiënt,\n\nDit is een lange regel die met een zachte regelafbreking is gecodeerd, zodat hij toch heel blijft."
	if m.Text != wantText {
		t.Errorf("Text = %q\nwant   %q", m.Text, wantText)
	}
	if m.HTML != "<p>Beste patiënt,</p>" {
		t.Errorf("HTML = %q", m.HTML)
	}
	if got := m.Headers["X-Derma2go-Consultation"]; len(got) != 1 || got[0] != "c-42" {
		t.Errorf("Headers = %v", m.Headers)
	}
	want := []struct{ name, ctype, data string }{
		{"afspraak één.ics", `text/calendar; method=REQUEST; name="afspraak één.ics"`, "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"},
		{"recept één.pdf", "application/pdf", "%PDF-1.4\n\x00\x01\x02\xff%EOF\n"},
		{"notes.txt", "text/plain; charset=ISO-8859-1", "caf\xe9"},
	}
	if len(m.Attachments) != len(want) {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	for i, w := range want {
		a := m.Attachments[i]
		if a.Name != w.name || a.ContentType != w.ctype || string(a.Data) != w.data || a.Size != len(w.data) {
			t.Errorf("attachment %d = %q %q %q (%d)", i, a.Name, a.ContentType, a.Data, a.Size)
		}
	}
}

func TestGoMailMessageIsDecoded(t *testing.T) {
	s := startSink(t)
	sender, err := mail.NewSMTPSender(s.SMTPURL(), "Derma2Go <no-reply@derma2go.test>")
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.Render(mail.LangNL, mail.TemplateAdviceAnswered, mail.AdviceAnsweredData{
		PatientName: "Sanne de Vries", DoctorName: "dr. Renée Jansen",
		Advice: "Smeer twee keer per dag.\nGeen hete douches.", PortalURL: "https://derma2go.test/portal",
	})
	if err != nil {
		t.Fatal(err)
	}
	m.To = []string{"Sanne de Vries <Sanne@Example.test>"}
	pdf := []byte("%PDF-1.4\n" + strings.Repeat("\x00\xff binary ", 200))
	m.Attachments = []mail.Attachment{
		{Name: "uitnodiging.ics", ContentType: "text/calendar; method=REQUEST", Data: []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")},
		{Name: "recept.pdf", ContentType: "application/pdf", Data: pdf},
	}
	if err := sender.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got, err := s.WaitFor(context.Background(), func(Message) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if got.ParseError != "" {
		t.Errorf("ParseError: %s", got.ParseError)
	}
	if got.Subject != m.Subject {
		t.Errorf("Subject = %q, want %q", got.Subject, m.Subject)
	}
	if got.From != "Derma2Go <no-reply@derma2go.test>" || strings.Join(got.To, ",") != "Sanne@Example.test" {
		t.Errorf("From = %q, To = %v", got.From, got.To)
	}
	if strings.TrimSpace(got.Text) != strings.TrimSpace(m.Text) {
		t.Errorf("Text differs:\n%q\n%q", got.Text, m.Text)
	}
	if strings.TrimSpace(got.HTML) != strings.TrimSpace(m.HTML) {
		t.Errorf("HTML differs")
	}
	if len(got.Attachments) != 2 {
		t.Fatalf("attachments = %+v", got.Attachments)
	}
	if a := got.Attachments[0]; a.Name != "uitnodiging.ics" || !strings.HasPrefix(a.ContentType, "text/calendar; method=REQUEST") {
		t.Errorf("ics = %q %q", a.Name, a.ContentType)
	}
	if a := got.Attachments[1]; a.Name != "recept.pdf" || string(a.Data) != string(pdf) || a.Size != len(pdf) {
		t.Errorf("pdf = %q size %d", a.Name, a.Size)
	}
}

func TestAuthIsAcceptedAndIgnored(t *testing.T) {
	s := startSink(t)
	auth := smtp.PlainAuth("", "anyone", "anything", "127.0.0.1")
	msg := crlf("From: a@example.test\nTo: b@example.test\nSubject: auth\n\nhallo\n")
	if err := smtp.SendMail(s.Addr(), auth, "a@example.test", []string{"b@example.test"}, []byte(msg)); err != nil {
		t.Fatalf("SendMail with AUTH: %v", err)
	}
	sender, err := mail.NewSMTPSender("smtp://user:pass@"+s.Addr(), "a@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := sender.Send(context.Background(), mail.Message{To: []string{"b@example.test"}, Subject: "login", Text: "x"}); err != nil {
		t.Fatalf("go-mail with AUTH: %v", err)
	}
	if n := len(s.Messages()); n != 2 {
		t.Fatalf("got %d messages", n)
	}
	if s.Messages()[0].Text != "hallo\n" {
		t.Errorf("Text = %q", s.Messages()[0].Text)
	}
}

// send delivers a minimal message with net/smtp.
func send(t *testing.T, s *Sink, to, subject string) {
	t.Helper()
	msg := crlf(fmt.Sprintf("From: sender@example.test\nTo: %s\nSubject: %s\nContent-Type: text/plain; charset=utf-8\n\nbody of %s\n", to, subject, subject))
	if err := smtp.SendMail(s.Addr(), nil, "sender@example.test", []string{to}, []byte(msg)); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
}

func TestWaitFor(t *testing.T) {
	s := startSink(t)
	send(t, s, "early@example.test", "early")

	// A message that is already there is found at once.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := s.WaitFor(ctx, func(m Message) bool { return m.Subject == "early" })
	if err != nil || m.Subject != "early" {
		t.Fatalf("WaitFor(existing) = %q, %v", m.Subject, err)
	}

	// A message that arrives later wakes the waiter.
	type result struct {
		m   Message
		err error
	}
	done := make(chan result, 1)
	calls := make(map[int]int)
	var mu sync.Mutex
	go func() {
		m, err := s.WaitFor(ctx, func(m Message) bool {
			mu.Lock()
			calls[m.ID]++
			mu.Unlock()
			return m.Subject == "late"
		})
		done <- result{m, err}
	}()
	time.Sleep(50 * time.Millisecond) // let the waiter block first (not required for correctness)
	send(t, s, "other@example.test", "unrelated")
	send(t, s, "late@example.test", "late")
	r := <-done
	if r.err != nil || r.m.Subject != "late" || r.m.To[0] != "late@example.test" {
		t.Fatalf("WaitFor(later) = %+v, %v", r.m, r.err)
	}
	mu.Lock()
	for id, n := range calls {
		if n != 1 {
			t.Errorf("match saw message %d %d times", id, n)
		}
	}
	mu.Unlock()

	// Nothing matching: the context decides.
	short, cancelShort := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancelShort()
	if _, err := s.WaitFor(short, func(Message) bool { return false }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitFor(no match) err = %v", err)
	}
}

func TestCloseWakesWaiters(t *testing.T) {
	s, err := Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := s.WaitFor(context.Background(), func(Message) bool { return false })
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("err = %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("WaitFor still blocked after Close")
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := smtp.SendMail(s.Addr(), nil, "a@example.test", []string{"b@example.test"}, []byte("Subject: x\r\n\r\nx\r\n")); err == nil {
		t.Fatal("closed sink still accepts mail")
	}
}

func TestKeepsAtMostMaxMessages(t *testing.T) {
	s := startSink(t)
	raw := []byte(crlf("Subject: n\n\nx\n"))
	for range MaxMessages + 5 {
		s.store("a@example.test", []string{"b@example.test"}, raw)
	}
	msgs := s.Messages()
	if len(msgs) != MaxMessages {
		t.Fatalf("kept %d messages, want %d", len(msgs), MaxMessages)
	}
	if msgs[0].ID != 6 || msgs[len(msgs)-1].ID != MaxMessages+5 {
		t.Fatalf("kept IDs %d..%d", msgs[0].ID, msgs[len(msgs)-1].ID)
	}
	if _, ok := s.Message(5); ok {
		t.Fatal("dropped message still found")
	}
}

func TestConcurrentSenders(t *testing.T) {
	s := startSink(t)
	var wg sync.WaitGroup
	const n = 20
	for i := range n {
		wg.Go(func() {
			msg := crlf(fmt.Sprintf("Subject: msg %d\n\nx\n", i))
			if err := smtp.SendMail(s.Addr(), nil, "a@example.test", []string{fmt.Sprintf("p%d@example.test", i)}, []byte(msg)); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() { _ = s.Messages() })
	}
	wg.Wait()
	if got := len(s.Messages()); got != n {
		t.Fatalf("got %d messages, want %d", got, n)
	}
}

func TestUndecodableMessageIsKept(t *testing.T) {
	s := startSink(t)
	bad := crlf("Subject: broken\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!not base64!!!\n--b--\n")
	if err := smtp.SendMail(s.Addr(), nil, "a@example.test", []string{"b@example.test"}, []byte(bad)); err != nil {
		t.Fatal(err)
	}
	m := s.Messages()[0]
	if m.Subject != "broken" || m.ParseError == "" || string(m.Raw) != bad {
		t.Fatalf("Subject=%q ParseError=%q", m.Subject, m.ParseError)
	}
}

func TestHTTPAPI(t *testing.T) {
	s := startSink(t)
	send(t, s, "Alice@Example.test", "first for alice")
	send(t, s, "bob@example.test", "for bob")
	send(t, s, "alice@example.test", "second for alice")
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	get := func(path string, v any) *http.Response {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if v != nil && resp.StatusCode == http.StatusOK {
			if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
				t.Fatalf("decode %s: %v", path, err)
			}
		}
		return resp
	}

	var all []map[string]any
	get("/api/messages", &all)
	if len(all) != 3 || all[0]["subject"] != "second for alice" || all[2]["subject"] != "first for alice" {
		t.Fatalf("list = %v", all)
	}
	if _, ok := all[0]["text"]; ok {
		t.Error("list includes bodies")
	}

	var alice []Summary
	get("/api/messages?to=ALICE@example.TEST", &alice)
	if len(alice) != 2 || alice[0].Subject != "second for alice" || alice[1].Subject != "first for alice" {
		t.Fatalf("filtered = %+v", alice)
	}
	var nobody []Summary
	get("/api/messages?to=alice", &nobody)
	if len(nobody) != 0 {
		t.Fatalf("partial address matched: %+v", nobody)
	}

	var one map[string]any
	get(fmt.Sprintf("/api/messages/%d", alice[1].ID), &one)
	if one["subject"] != "first for alice" || one["text"] != "body of first for alice\n" || one["html"] != "" {
		t.Fatalf("message = %v", one)
	}
	if _, ok := one["Raw"]; ok {
		t.Error("raw bytes exposed in JSON")
	}
	if resp := get("/api/messages/999", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing message: %d", resp.StatusCode)
	}
	if resp := get("/api/messages/abc", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("bad id: %d", resp.StatusCode)
	}

	req, err := http.NewRequest(http.MethodDelete, srv.URL+"/api/messages", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE status %d", resp.StatusCode)
	}
	var empty []Summary
	get("/api/messages", &empty)
	if len(empty) != 0 || len(s.Messages()) != 0 {
		t.Fatalf("after DELETE: %v", empty)
	}
	send(t, s, "carol@example.test", "after clear")
	if m := s.Messages(); len(m) != 1 || m[0].ID != 4 {
		t.Fatalf("IDs restarted after clear: %+v", m)
	}
}

func TestHTMLPages(t *testing.T) {
	s := startSink(t)
	raw := crlf(`From: Derma2Go <no-reply@derma2go.test>
To: x@example.test
Subject: <script>alert("subject")</script>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: multipart/alternative; boundary=a

--a
Content-Type: text/plain; charset=utf-8

plain <b>text</b>
--a
Content-Type: text/html; charset=utf-8

<p onclick="x()">Hallo &amp; "welkom"</p><script>evil()</script>
--a--
--b
Content-Type: text/html; name="page.html"
Content-Disposition: attachment; filename="page.html"

<script>alert(1)</script>
--b--
`)
	if err := smtp.SendMail(s.Addr(), nil, "a@example.test", []string{"x@example.test"}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	body := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(b)
	}

	resp, index := body("/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(index, `href="messages/1"`) || !strings.Contains(index, "x@example.test") {
		t.Fatalf("index %d:\n%s", resp.StatusCode, index)
	}
	if strings.Contains(index, `<script>alert("subject")`) || !strings.Contains(index, "&lt;script&gt;") {
		t.Errorf("subject not escaped on index:\n%s", index)
	}
	if resp.Header.Get("Content-Security-Policy") == "" {
		t.Error("no CSP header")
	}

	resp, page := body("/messages/1")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("message page %d", resp.StatusCode)
	}
	for _, want := range []string{`<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="`, "plain &lt;b&gt;text&lt;/b&gt;", `href="1/attachments/0"`, "page.html", `href="1/raw"`} {
		if !strings.Contains(page, want) {
			t.Errorf("message page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "<script>evil()") || strings.Contains(page, `<p onclick`) {
		t.Errorf("HTML part not confined to the escaped srcdoc:\n%s", page)
	}

	resp, att := body("/messages/1/attachments/0")
	if resp.StatusCode != http.StatusOK || att != "<script>alert(1)</script>" {
		t.Fatalf("attachment %d %q", resp.StatusCode, att)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "page.html") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if resp, _ := body("/messages/1/attachments/1"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing attachment: %d", resp.StatusCode)
	}
	if resp, rawBody := body("/messages/1/raw"); resp.StatusCode != http.StatusOK || rawBody != raw {
		t.Errorf("raw %d", resp.StatusCode)
	}
	if resp, _ := body("/messages/2"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing message page: %d", resp.StatusCode)
	}
	if resp, _ := body("/nope"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
}

func TestURLs(t *testing.T) {
	s := startSink(t)
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") || s.SMTPURL() != "smtp://"+s.Addr() {
		t.Fatalf("Addr=%q SMTPURL=%q", s.Addr(), s.SMTPURL())
	}
	if _, err := Start("127.0.0.1:-1", nil); err == nil {
		t.Fatal("Start on a bad address succeeded")
	}
}

func TestRefuseRecipient(t *testing.T) {
	s := startSink(t)
	s.RefuseRecipient("Refused@Example.test")
	msg := []byte(crlf("Subject: hi\n\nbody\n"))
	err := smtp.SendMail(s.Addr(), nil, "from@example.test", []string{"refused@example.test"}, msg)
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("refused recipient: err = %v, want a 550", err)
	}
	if n := len(s.Messages()); n != 0 {
		t.Fatalf("%d messages caught for a refused recipient", n)
	}
	s.AcceptRecipient("refused@example.test")
	if err := smtp.SendMail(s.Addr(), nil, "from@example.test", []string{"refused@example.test"}, msg); err != nil {
		t.Fatalf("accepted again: %v", err)
	}
	if n := len(s.Messages()); n != 1 {
		t.Fatalf("%d messages caught, want 1", n)
	}
}

func TestLoseReply(t *testing.T) {
	s := startSink(t)
	s.LoseReply("Lost@Example.test", "review")
	other := []byte(crlf("Subject: invoice\n\nbody\n"))
	if err := smtp.SendMail(s.Addr(), nil, "from@example.test", []string{"lost@example.test"}, other); err != nil {
		t.Fatalf("a message the rule does not match: %v", err)
	}
	msg := []byte(crlf("Subject: a review request\n\nbody\n"))
	if err := smtp.SendMail(s.Addr(), nil, "from@example.test", []string{"lost@example.test"}, msg); err == nil {
		t.Fatal("the matching message was answered")
	}
	if err := smtp.SendMail(s.Addr(), nil, "from@example.test", []string{"lost@example.test"}, msg); err != nil {
		t.Fatalf("the rule applied twice: %v", err)
	}
	if n := len(s.Messages()); n != 3 {
		t.Fatalf("%d messages caught, want 3 (the one without a reply is kept)", n)
	}
}

func TestKeepAtMost(t *testing.T) {
	s := startSink(t)
	s.KeepAtMost(MaxMessages * 3)
	raw := []byte(crlf("Subject: n\n\nx\n"))
	for range MaxMessages + 5 {
		s.store("a@example.test", []string{"b@example.test"}, raw)
	}
	if n := len(s.Messages()); n != MaxMessages+5 {
		t.Fatalf("kept %d messages, want all %d", n, MaxMessages+5)
	}
	s.KeepAtMost(2)
	s.store("a@example.test", []string{"b@example.test"}, raw)
	if msgs := s.Messages(); len(msgs) != 2 || msgs[1].ID != MaxMessages+6 {
		t.Fatalf("kept %d messages after KeepAtMost(2)", len(msgs))
	}
}
