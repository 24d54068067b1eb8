// Package mailcheck is the chaos run's check for duplicate emails: it
// keys each email the sink caught by what makes it one message, and lists
// the keys caught more than once.
package mailcheck

import (
	"fmt"
	"net/textproto"
	"sort"
	"strings"

	"derma2go/devstack/mailsink"
	"derma2go/mail"
)

// header is the first value of a header field of m, "" without one.
func header(m mailsink.Message, name string) string {
	if v := m.Headers[textproto.CanonicalMIMEHeaderKey(name)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Consultation is the consultation an email is about
// (X-Derma2Go-Consultation), "" for one about none.
func Consultation(m mailsink.Message) string {
	return header(m, "X-Derma2Go-Consultation")
}

// Key identifies one email: the consultation it is about, its recipients,
// its subject and, for an operator alert, its incident
// (mail.HeaderIncident). Two alerts of two incidents carry the same subject
// and are two emails; one incident's alert caught twice is a duplicate.
func Key(m mailsink.Message) string {
	return strings.Join([]string{Consultation(m), strings.ToLower(strings.Join(m.To, ",")), m.Subject, header(m, mail.HeaderIncident)}, "|")
}

// MessageID is m's Message-ID without its angle brackets, "" without one.
func MessageID(m mailsink.Message) string {
	return strings.Trim(header(m, "Message-ID"), "<> ")
}

// Retransmission is one message the sink caught more than once, every copy
// with the same Message-ID: a send whose outcome the worker could not know
// (it died, or the relay's answer to the end of DATA was lost) and that
// went out again as the same message (RFC 1047; mail readers show one).
type Retransmission struct {
	MessageID string
	Copies    int
	Key       string
}

// Duplicates lists every key caught more than once with two or more
// Message-IDs, as "<n>x <key>", sorted: two messages where one was meant.
// A key caught more than once under one Message-ID is a Retransmission
// instead, listed apart (sorted by Message-ID), for the caller to check
// against its record of resends.
func Duplicates(msgs []mailsink.Message) ([]string, []Retransmission) {
	copies := map[string]int{}
	ids := map[string]map[string]bool{}
	for _, m := range msgs {
		k := Key(m)
		copies[k]++
		if ids[k] == nil {
			ids[k] = map[string]bool{}
		}
		ids[k][MessageID(m)] = true
	}
	var dups []string
	var again []Retransmission
	for k, n := range copies {
		if n < 2 {
			continue
		}
		if len(ids[k]) == 1 && !ids[k][""] {
			for id := range ids[k] {
				again = append(again, Retransmission{MessageID: id, Copies: n, Key: k})
			}
			continue
		}
		dups = append(dups, fmt.Sprintf("%dx %s", n, k))
	}
	sort.Strings(dups)
	sort.Slice(again, func(i, j int) bool { return again[i].MessageID < again[j].MessageID })
	return dups, again
}
