package mail

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
)

// scriptedServer is an SMTP server that speaks just enough of the protocol
// and, after reading a whole message, does what end says: "lose" closes the
// connection without answering the message's end, "hangup" answers 250 and
// then closes before RSET and QUIT are answered, "refuse" answers 451. It
// returns the address and a channel that receives each whole message.
func scriptedServer(t *testing.T, end string) (string, <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	got := make(chan string, 4)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serveScript(conn, end, got)
		}
	}()
	return ln.Addr().String(), got
}

func serveScript(conn net.Conn, end string, got chan<- string) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(s string) bool { _, err := conn.Write([]byte(s + "\r\n")); return err == nil }
	if !say("220 localhost ESMTP scripted") {
		return
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		switch verb {
		case "EHLO", "HELO":
			say("250-localhost")
			say("250 8BITMIME")
		case "MAIL", "RCPT", "NOOP":
			say("250 OK")
		case "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			got <- b.String()
			switch end {
			case "lose":
				return
			case "hangup":
				say("250 queued")
				return
			case "refuse":
				say("451 4.3.0 try again later")
			default:
				say("250 queued")
			}
		case "RSET":
			say("250 OK")
		case "QUIT":
			say("221 bye")
			return
		default:
			// RFC 5321's reply to a command this scripted relay does not know.
			say("500 5.5.1 command unrecognized")
		}
	}
}

// TestSendOutcomeAfterTheWholeMessage: the three ways a send can end once
// the whole message is written. A connection lost before the answer leaves
// the outcome open (MaybeDelivered); a 250 followed by a broken RSET or QUIT
// is a delivered message (no error, or the caller sends it again); a 451 is
// a refusal, certainly not delivered. The stable Message-ID goes out as set.
func TestSendOutcomeAfterTheWholeMessage(t *testing.T) {
	id := MessageIDFor("consultation/x/email/review_request/patient", "Derma2Go <noreply@derma2go.test>")
	if !strings.HasSuffix(id, "@derma2go.test") || id != MessageIDFor("consultation/x/email/review_request/patient", "noreply@derma2go.test") {
		t.Fatalf("MessageIDFor = %q: not stable or not at the sender's domain", id)
	}
	m := Message{To: []string{"a@example.test"}, Subject: "x", Text: "x", MessageID: id}
	for _, c := range []struct {
		end                  string
		wantErr, wantUnknown bool
	}{{"lose", true, true}, {"hangup", false, false}, {"refuse", true, false}, {"ok", false, false}} {
		t.Run(c.end, func(t *testing.T) {
			addr, got := scriptedServer(t, c.end)
			err := newTestSender(t, "smtp://"+addr).Send(context.Background(), m)
			if (err != nil) != c.wantErr || MaybeDelivered(err) != c.wantUnknown {
				t.Fatalf("err = %v, MaybeDelivered = %v; want error %v, unknown %v", err, MaybeDelivered(err), c.wantErr, c.wantUnknown)
			}
			if msg := <-got; !strings.Contains(msg, "Message-ID: <"+id+">") {
				t.Fatalf("the message lacks its Message-ID:\n%s", msg)
			}
			if c.wantUnknown && !strings.Contains(err.Error(), "outcome unknown") {
				t.Errorf("the error does not say the outcome is unknown: %v", err)
			}
		})
	}
	if MaybeDelivered(errors.New("other")) || MaybeDelivered(nil) {
		t.Fatal("MaybeDelivered of an error that is no DeliveryError")
	}
}
