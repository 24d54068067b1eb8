// Package mail sends Derma2Go's transactional email.
//
// It has two halves that callers combine:
//
//   - Render turns one of the embedded templates (Dutch "nl" or English "en") and
//     its data into a Message with Subject, Text and HTML filled in.
//   - A Sender delivers a Message. SMTPSender is the production implementation,
//     built on github.com/wneessen/go-mail; the development stack points it at the
//     SMTP sink in devstack/mailsink.
//
// Callers set Message.To (and attachments such as an .ics invitation or a PDF)
// on the rendered message before sending it.
package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	netmail "net/mail"
	"strings"
)

// Header fields of operator alerts (activities.NotifyOperator): the
// integration ("smtp", "mollie") and the incident ("smtp/3"), the same on
// the "keeps failing" and the "works again" mail of one incident.
const (
	HeaderAlert    = "X-Derma2Go-Alert"
	HeaderIncident = "X-Derma2Go-Incident"
)

// Message is one email, independent of the transport that delivers it.
type Message struct {
	// To lists the recipient addresses (RFC 5322, with or without display name).
	To []string
	// Subject is the single-line subject.
	Subject string
	// Text is the plain-text body. At least one of Text and HTML must be set;
	// with both, the message is sent as multipart/alternative.
	Text string
	// HTML is the HTML body.
	HTML string
	// Attachments are added after the body parts.
	Attachments []Attachment
	// MessageID is the Message-ID without angle brackets, e.g.
	// "3f2a…@derma2go.nl". A message sent again after an unknown outcome
	// carries the one of its first send (MessageIDFor), so receivers can
	// tell it is the same message. Empty gives a random one.
	MessageID string
	// Headers are extra header fields such as "Reply-To" or "X-Derma2Go-Consultation".
	// Structural fields (From, To, Subject, Content-Type, ...) cannot be set here.
	Headers map[string]string
}

// Attachment is a file attached to a Message.
type Attachment struct {
	// Name is the file name shown to the recipient, e.g. "invitation.ics".
	Name string
	// ContentType is the MIME type including parameters, e.g.
	// "text/calendar; method=REQUEST" or "application/pdf". When empty it is
	// derived from the extension of Name.
	ContentType string
	// Data is the file content.
	Data []byte
}

// Sender delivers messages. Implementations are safe for concurrent use.
type Sender interface {
	// Send delivers m, or returns an error saying why it could not.
	Send(ctx context.Context, m Message) error
}

// MessageIDFor is the stable Message-ID of the email identified by key
// (a dedup key): a hash of the key at the domain of from (MAIL_FROM), so
// that it carries nothing personal and is the same on every attempt.
func MessageIDFor(key, from string) string {
	domain := "derma2go.invalid"
	if a, err := netmail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			domain = d
		}
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:20]) + "@" + domain
}

// MaybeDelivered reports whether err, returned by a Sender, leaves open
// whether the message was delivered: the whole message was handed over and
// the connection broke (or the context ended) before the server's answer
// to it arrived. Any other error means the server did not take the message.
func MaybeDelivered(err error) bool {
	var d *DeliveryError
	return errors.As(err, &d) && d.MaybeDelivered
}
