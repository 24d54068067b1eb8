package mailsink

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"unicode/utf8"
)

// maxDepth bounds multipart nesting so a hostile message cannot recurse forever.
const maxDepth = 10

// wordDecoder decodes RFC 2047 encoded words; it understands UTF-8,
// US-ASCII and ISO-8859-1 and leaves words in other charsets as they are.
var wordDecoder = &mime.WordDecoder{}

// parse decodes raw into a Message (without ID, To, Raw and ReceivedAt).
// It never fails: whatever cannot be decoded is described in ParseError.
func parse(raw []byte) Message {
	var m Message
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		m.ParseError = fmt.Sprintf("read message: %v", err)
		return m
	}
	m.Headers = make(map[string][]string, len(msg.Header))
	for k, vs := range msg.Header {
		for _, v := range vs {
			m.Headers[k] = append(m.Headers[k], decodeHeader(v))
		}
	}
	m.Subject = decodeHeader(msg.Header.Get("Subject"))
	if from := msg.Header.Get("From"); from != "" {
		if addrs, err := msg.Header.AddressList("From"); err == nil && len(addrs) > 0 {
			names := make([]string, len(addrs))
			for i, a := range addrs {
				names[i] = formatAddress(a)
			}
			m.From = strings.Join(names, ", ")
		} else {
			m.From = decodeHeader(from)
		}
	}
	p := &partWalker{msg: &m}
	if err := p.walk(textproto.MIMEHeader(msg.Header), msg.Body, 0); err != nil {
		p.errs = append(p.errs, err)
	}
	if err := errors.Join(p.errs...); err != nil {
		m.ParseError = err.Error()
	}
	return m
}

// formatAddress renders a as "Name <addr>" without RFC 2047 encoding.
func formatAddress(a *netmail.Address) string {
	if a.Name == "" {
		return a.Address
	}
	return a.Name + " <" + a.Address + ">"
}

// decodeHeader decodes encoded words in v, returning v unchanged when it
// cannot be decoded.
func decodeHeader(v string) string {
	d, err := wordDecoder.DecodeHeader(v)
	if err != nil {
		return v
	}
	return d
}

// partWalker fills msg from the MIME tree.
type partWalker struct {
	msg  *Message
	errs []error
}

// walk handles one entity: recursing into multiparts, keeping the first
// text/plain and text/html body and collecting everything else as attachments.
func (p *partWalker) walk(h textproto.MIMEHeader, body io.Reader, depth int) error {
	ctype := h.Get("Content-Type")
	if ctype == "" {
		ctype = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		// Per RFC 2045 an unreadable type counts as text/plain; keep going.
		p.errs = append(p.errs, fmt.Errorf("content type %q: %w", ctype, err))
		mediaType, params = "text/plain", map[string]string{}
	}

	if strings.HasPrefix(mediaType, "multipart/") {
		if depth >= maxDepth {
			return fmt.Errorf("multipart nested deeper than %d levels", maxDepth)
		}
		boundary := params["boundary"]
		if boundary == "" {
			return fmt.Errorf("%s without boundary", mediaType)
		}
		mr := multipart.NewReader(body, boundary)
		for {
			part, err := mr.NextRawPart() // we decode transfer encodings ourselves
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", mediaType, err)
			}
			if err := p.walk(part.Header, part, depth+1); err != nil {
				p.errs = append(p.errs, err)
			}
		}
	}

	data, err := decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s body: %w", mediaType, err))
	}

	disposition, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	name = decodeHeader(name)

	isAttachment := strings.EqualFold(disposition, "attachment") || name != ""
	switch {
	case !isAttachment && mediaType == "text/plain" && p.msg.Text == "":
		p.msg.Text = normalizeNewlines(toUTF8(data, params["charset"]))
		return nil
	case !isAttachment && mediaType == "text/html" && p.msg.HTML == "":
		p.msg.HTML = normalizeNewlines(toUTF8(data, params["charset"]))
		return nil
	}
	if name == "" {
		name = fmt.Sprintf("attachment-%d%s", len(p.msg.Attachments)+1, extensionFor(mediaType))
	}
	p.msg.Attachments = append(p.msg.Attachments, Attachment{
		Name:        name,
		ContentType: decodeHeader(ctype),
		Size:        len(data),
		Data:        data,
	})
	return nil
}

// decodeTransfer undoes a Content-Transfer-Encoding. On a decoding error it
// returns what could be decoded together with the error.
func decodeTransfer(encoding string, body io.Reader) ([]byte, error) {
	var r io.Reader
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		// The standard decoder skips CR and LF; strip other stray blanks too.
		raw, err := io.ReadAll(body)
		if err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
		clean := bytes.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, raw)
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, clean)
		if err != nil {
			return out[:n], fmt.Errorf("base64: %w", err)
		}
		return out[:n], nil
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	default: // 7bit, 8bit, binary or absent
		r = body
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return data, fmt.Errorf("decode %s: %w", encoding, err)
	}
	return data, nil
}

// toUTF8 converts text in charset to UTF-8. UTF-8, US-ASCII and ISO-8859-1
// are supported; other charsets are passed through, with invalid UTF-8
// sequences replaced.
func toUTF8(data []byte, charset string) string {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "iso-8859-1", "iso_8859-1", "latin1":
		var b strings.Builder
		b.Grow(len(data))
		for _, c := range data {
			b.WriteRune(rune(c))
		}
		return b.String()
	}
	if utf8.Valid(data) {
		return string(data)
	}
	return strings.ToValidUTF8(string(data), "\uFFFD")
}

// normalizeNewlines turns CRLF into LF.
func normalizeNewlines(s string) string {
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// extensionFor guesses a file extension for an unnamed part.
func extensionFor(mediaType string) string {
	switch mediaType {
	case "text/plain":
		return ".txt"
	case "text/html":
		return ".html"
	case "text/calendar":
		return ".ics"
	case "message/rfc822":
		return ".eml"
	}
	if exts, err := mime.ExtensionsByType(mediaType); err == nil && len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}
