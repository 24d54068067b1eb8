// Package messaging is secure messaging between a patient and a doctor:
// one thread per pair, opened only once they have a consultation (MayOpen),
// with short texts from both sides and documents the doctor shares (a
// file, a link, one of the pair's prescriptions). A doctor may close a
// thread: the patient can no longer write in it (the doctor still can, and
// may reopen it). Texts, titles, link addresses and files are stored
// encrypted with the field keys; every stored message is published as a
// live event (live.TypeMessage) in the transaction that stores it.
//
// A thread maps onto FHIR R4 Communication: the thread is a header
// Communication and each message a Communication whose partOf names it
// (Communications, fhir.go).
package messaging

import (
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"derma2go/domain"
)

// Thread states.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Kinds of message. Only doctors share files, links and prescriptions.
const (
	KindText         = "text"
	KindFile         = "file"
	KindLink         = "link"
	KindPrescription = "prescription"
)

// Sides of a thread (the same words as live.RolePatient/RoleDoctor).
const (
	RolePatient = "patient"
	RoleDoctor  = "doctor"
)

// Limits of a message.
const (
	// MaxText is the longest text of a message, in characters.
	MaxText = 2000
	// MaxTitle is the longest title of a shared document or link.
	MaxTitle = 200
	// MaxURL is the longest link address.
	MaxURL = 2000
	// MaxFile is the largest shared file, in bytes.
	MaxFile = 10 << 20
)

// Errors of the rules; the API turns them into problems.
var (
	// ErrNoConsultation: the pair has no consultation that opens a thread.
	ErrNoConsultation = errors.New("messaging: no consultation between patient and doctor")
	// ErrClosed: the doctor closed the thread; the patient cannot write.
	ErrClosed = errors.New("messaging: thread closed")
	// ErrNotDoctor: only the doctor shares documents and closes threads.
	ErrNotDoctor = errors.New("messaging: only the doctor may do this")
	// ErrInvalid wraps a message that breaks a limit.
	ErrInvalid = errors.New("messaging: invalid message")
)

// ConsultationFacts is what MayOpen needs of one of the pair's consultations.
type ConsultationFacts struct {
	Type   domain.ConsultationType
	Status domain.Status
	Paid   bool
}

// MayOpen decides whether a patient and a doctor may have a thread: they
// have a consultation that was paid (any type, even when it was cancelled
// and refunded later: they had a care relationship), or an in-person visit
// (paid afterwards) that is booked and not cancelled, or attended. A
// booking that was never paid (awaiting payment, failed, expired) does not
// count.
func MayOpen(cs []ConsultationFacts) bool {
	for _, c := range cs {
		if c.Paid {
			return true
		}
		if c.Type == domain.TypeInPerson {
			switch c.Status {
			case domain.StatusScheduled, domain.StatusCancellationRequested, domain.StatusCompleted:
				return true
			}
		}
	}
	return false
}

// MayWrite decides whether role may post in a thread in status: both sides
// in an open thread; in a closed one only the doctor.
func MayWrite(role, status string) error {
	if status == StatusClosed && role != RoleDoctor {
		return ErrClosed
	}
	return nil
}

// Thread is a thread's header, decrypted.
type Thread struct {
	ID        uuid.UUID
	PatientID uuid.UUID
	DoctorID  uuid.UUID
	Status    string
	CreatedAt time.Time
	ClosedAt  *time.Time
}

// Message is one message of a thread, decrypted. Title, LinkURL,
// ContentType/Size and PrescriptionID are set by kind.
type Message struct {
	ID             uuid.UUID
	ThreadID       uuid.UUID
	Seq            int64
	FromRole       string
	AuthorID       uuid.UUID
	Kind           string
	Text           string
	Title          string
	LinkURL        string
	ContentType    string
	Size           int
	PrescriptionID uuid.UUID
	SentAt         time.Time
	ReadAt         *time.Time
}

// Draft is a message to post.
type Draft struct {
	FromRole string
	AuthorID uuid.UUID
	Kind     string
	Text     string
	// Title of a file or link.
	Title string
	// LinkURL of a link (https).
	LinkURL string
	// File and ContentType of a file (the type sniffed by the caller).
	File        []byte
	ContentType string
	// PrescriptionID of a shared prescription (of one of the pair's
	// consultations: the caller checks).
	PrescriptionID uuid.UUID
}

// Normalise trims the draft's texts and checks it against the limits and
// the kind's fields; errors wrap ErrInvalid (or are ErrNotDoctor).
func (d *Draft) Normalise() error {
	d.Text, d.Title, d.LinkURL = strings.TrimSpace(d.Text), strings.TrimSpace(d.Title), strings.TrimSpace(d.LinkURL)
	if d.Kind == "" {
		d.Kind = KindText
	}
	if d.Kind != KindText && d.FromRole != RoleDoctor {
		return ErrNotDoctor
	}
	if utf8.RuneCountInString(d.Text) > MaxText {
		return invalid("text", "is longer than 2000 characters")
	}
	if utf8.RuneCountInString(d.Title) > MaxTitle {
		return invalid("title", "is longer than 200 characters")
	}
	switch d.Kind {
	case KindText:
		if d.Text == "" {
			return invalid("text", "must not be blank")
		}
	case KindLink:
		if len(d.LinkURL) > MaxURL || !webAddress(d.LinkURL) {
			return invalid("link.url", "must be an https:// address")
		}
		if d.Title == "" {
			d.Title = d.LinkURL
		}
	case KindFile:
		if len(d.File) == 0 || len(d.File) > MaxFile {
			return invalid("file", "must hold 1 byte to 10 MB")
		}
		if d.Title == "" {
			return invalid("title", "must not be blank")
		}
	case KindPrescription:
		if d.PrescriptionID == uuid.Nil {
			return invalid("prescription_id", "is required")
		}
	default:
		return invalid("kind", "is not text, file, link or prescription")
	}
	return nil
}

// FieldError is an ErrInvalid about one field.
type FieldError struct {
	Field, Reason string
}

func (e *FieldError) Error() string { return "messaging: " + e.Field + " " + e.Reason }

// Unwrap makes a FieldError an ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

func invalid(field, reason string) error { return &FieldError{Field: field, Reason: reason} }

// webAddress accepts absolute https links without credentials.
func webAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil
}
