package mailcheck

import (
	"net/textproto"
	"reflect"
	"testing"

	"derma2go/devstack/mailsink"
	"derma2go/mail"
)

func alert(subject, incident string) mailsink.Message {
	h := map[string][]string{textproto.CanonicalMIMEHeaderKey(mail.HeaderAlert): {"smtp"}}
	if incident != "" {
		h[textproto.CanonicalMIMEHeaderKey(mail.HeaderIncident)] = []string{incident}
	}
	return mailsink.Message{To: []string{"Support@derma2go.test"}, Subject: subject, Headers: h}
}

func about(consultation, to, subject string) mailsink.Message {
	return mailsink.Message{To: []string{to}, Subject: subject,
		Headers: map[string][]string{textproto.CanonicalMIMEHeaderKey("X-Derma2Go-Consultation"): {consultation}}}
}

func withID(m mailsink.Message, id string) mailsink.Message {
	m.Headers[textproto.CanonicalMIMEHeaderKey("Message-ID")] = []string{id}
	return m
}

// Two incidents' alerts (same subject, a "works again" between them) are
// two emails; one incident's alert caught twice is a duplicate, as is any
// other email caught twice for the same consultation and recipient.
func TestDuplicatesKeyAlertsByIncident(t *testing.T) {
	const failing, again = "[Derma2Go] Mail delivery (SMTP) keeps failing", "[Derma2Go] Mail delivery (SMTP) works again"
	for _, tt := range []struct {
		name string
		msgs []mailsink.Message
		want []string
	}{
		{"two incidents", []mailsink.Message{alert(failing, "smtp/1"), alert(again, "smtp/1"), alert(failing, "smtp/2"), alert(again, "smtp/2")}, nil},
		{"one incident's alert twice", []mailsink.Message{alert(failing, "smtp/1"), alert(failing, "smtp/1"), alert(again, "smtp/1")},
			[]string{"2x |support@derma2go.test|" + failing + "|smtp/1"}},
		{"alerts without an incident (older histories) twice", []mailsink.Message{alert(failing, ""), alert(failing, "")},
			[]string{"2x |support@derma2go.test|" + failing + "|"}},
		{"a review request twice", []mailsink.Message{about("c1", "a@x.test", "How was it?"), about("c1", "A@x.test", "How was it?"), about("c2", "a@x.test", "How was it?")},
			[]string{"2x c1|a@x.test|How was it?|"}},
		{"none", []mailsink.Message{about("c1", "a@x.test", "Paid"), about("c1", "a@x.test", "Advice")}, nil},
	} {
		if got, again := Duplicates(tt.msgs); !reflect.DeepEqual(got, tt.want) || len(again) != 0 {
			t.Errorf("%s: %q, %v, want %q and no retransmission", tt.name, got, again, tt.want)
		}
	}
}

// One message caught twice under its one Message-ID is a retransmission,
// not a duplicate; the same email under two Message-IDs is a duplicate.
func TestDuplicatesTellRetransmissionsApart(t *testing.T) {
	invoice := func(id string) mailsink.Message { return withID(about("c1", "a@x.test", "Uw factuur"), id) }
	dups, again := Duplicates([]mailsink.Message{invoice("<k1@derma2go.test>"), invoice("<k1@derma2go.test>"), invoice("<k1@derma2go.test>")})
	want := []Retransmission{{MessageID: "k1@derma2go.test", Copies: 3, Key: "c1|a@x.test|Uw factuur|"}}
	if len(dups) != 0 || !reflect.DeepEqual(again, want) {
		t.Errorf("one Message-ID thrice: %q, %v; want no duplicate and %v", dups, again, want)
	}
	dups, again = Duplicates([]mailsink.Message{invoice("<k1@derma2go.test>"), invoice("<k2@derma2go.test>")})
	if !reflect.DeepEqual(dups, []string{"2x c1|a@x.test|Uw factuur|"}) || len(again) != 0 {
		t.Errorf("two Message-IDs: %q, %v; want a duplicate", dups, again)
	}
}
