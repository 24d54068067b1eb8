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

import "context"

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
