package mailsink

import (
	"log/slog"
	"net/smtp"
	"slices"
	"testing"
)

// Caught mail survives a restart of the sink (derma dev keeps it under
// .derma/mail): the same IDs, envelopes, decoded parts and raw bytes; new
// mail continues the IDs, and Clear is kept too. Before, the sink kept mail
// in memory only and a restart lost it.
func TestPersistentSinkSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s, err := StartPersistent("127.0.0.1:0", dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := smtp.SendMail(s.Addr(), nil, "bounce@derma2go.test", []string{"patient@example.test", "bcc@example.test"}, []byte(handMade)); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	send(t, s, "second@example.test", "tweede")
	before := s.Messages()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = StartPersistent("127.0.0.1:0", dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	after := s.Messages()
	if len(after) != 2 {
		t.Fatalf("after restart: %d messages, want 2", len(after))
	}
	for i := range before {
		b, a := before[i], after[i]
		if a.ID != b.ID || a.Subject != b.Subject || a.From != b.From || !slices.Equal(a.To, b.To) ||
			a.Text != b.Text || a.HTML != b.HTML || len(a.Attachments) != len(b.Attachments) ||
			string(a.Raw) != string(b.Raw) || !a.ReceivedAt.Equal(b.ReceivedAt) {
			t.Errorf("message %d after restart:\n got %+v\nwant %+v", i, a, b)
		}
	}
	send(t, s, "third@example.test", "derde")
	if got := s.Messages(); got[len(got)-1].ID != 3 {
		t.Errorf("new message after restart has ID %d, want 3", got[len(got)-1].ID)
	}
	s.Clear()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = StartPersistent("127.0.0.1:0", dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("second restart: %v", err)
	}
	defer s.Close()
	if n := len(s.Messages()); n != 0 {
		t.Errorf("after Clear and restart: %d messages, want 0", n)
	}
	send(t, s, "fourth@example.test", "vierde")
	if got := s.Messages(); len(got) != 1 || got[0].ID != 4 {
		t.Errorf("after Clear and restart: %+v, want one message with ID 4", got)
	}
}
