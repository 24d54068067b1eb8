package emr

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"derma2go/domain"
)

// Kinds of timeline entries.
const (
	KindConsultation = "consultation"
	KindIntake       = "intake"
	// KindQuestionnaire is a doctor's questionnaire the patient filled in.
	KindQuestionnaire = "questionnaire"
	KindPhoto         = "photo"
	KindAdvice        = "advice"
	KindPrescription  = "prescription"
	KindDocument      = "document"
	KindNote          = "note"
	KindDiagnosis     = "diagnosis"
	KindMessage       = "message"
	// KindThread opens a secure message thread; KindThreadMessage is one of
	// its messages.
	KindThread        = "thread"
	KindThreadMessage = "thread_message"
)

// Entry is one line of the record's timeline.
type Entry struct {
	At             time.Time
	Kind           string
	ID             uuid.UUID
	ConsultationID uuid.NullUUID
	DoctorID       uuid.UUID
	// Title names the entry (the consultation type, the document number,
	// the medication).
	Title string
	// Text is its content (advice, note, diagnosis, message).
	Text string
	// Details are labelled lines (intake answers, dosage).
	Details []Detail
	// CodeSystem and Code: a diagnosis's optional code.
	CodeSystem, Code string
	// DocumentKind: invoice or credit_note for a document.
	DocumentKind string
	// ThreadID is a thread message's thread; File: the message shares a file.
	ThreadID uuid.UUID
	File     bool
}

// Detail is one labelled line of an entry.
type Detail struct {
	Label, Value string
}

var kindOrder = map[string]int{KindConsultation: 0, KindIntake: 1, KindQuestionnaire: 2, KindPhoto: 3, KindMessage: 4, KindAdvice: 5,
	KindDiagnosis: 6, KindNote: 7, KindPrescription: 8, KindDocument: 9, KindThread: 10, KindThreadMessage: 11}

// Timeline is every entry of the record, oldest first.
func (r *Record) Timeline() []Entry {
	doctorOf := make(map[uuid.UUID]uuid.UUID, len(r.Consultations))
	out := make([]Entry, 0, r.Entries())
	for _, c := range r.Consultations {
		doctorOf[c.ID] = c.DoctorID
		e := Entry{At: c.At(), Kind: KindConsultation, ID: c.ID, ConsultationID: some(c.ID), DoctorID: c.DoctorID, Title: c.Type,
			Details: []Detail{{"status", c.Status}, {"doctor", c.DoctorName}}}
		out = append(out, e)
	}
	for _, in := range r.Intakes {
		e := Entry{At: in.SubmittedAt, Kind: KindIntake, ID: in.ConsultationID, ConsultationID: some(in.ConsultationID),
			DoctorID: doctorOf[in.ConsultationID], Title: in.Form}
		for _, a := range in.Answers {
			e.Details = append(e.Details, Detail{a.Key, a.Text()})
		}
		out = append(out, e)
	}
	for _, fq := range r.Questionnaires {
		e := Entry{At: fq.SubmittedAt, Kind: KindQuestionnaire, ID: fq.ConsultationID, ConsultationID: some(fq.ConsultationID),
			DoctorID: fq.DoctorID, Title: fmt.Sprintf("%s (v%d)", fq.Questions.Title, fq.Version)}
		for _, q := range fq.Questions.Questions {
			if v, ok := fq.Answers[q.ID]; ok {
				e.Details = append(e.Details, Detail{q.Label, answerText(q.Kind, v)})
			}
		}
		out = append(out, e)
	}
	for _, p := range r.Photos {
		out = append(out, Entry{At: p.CreatedAt, Kind: KindPhoto, ID: p.ID, ConsultationID: some(p.ConsultationID),
			DoctorID: doctorOf[p.ConsultationID], Title: p.ContentType,
			Details: []Detail{{"size", fmt.Sprintf("%dx%d, %d bytes", p.Width, p.Height, p.SizeBytes)}}})
	}
	for _, m := range r.Messages {
		out = append(out, Entry{At: m.CreatedAt, Kind: KindMessage, ID: m.ID, ConsultationID: some(m.ConsultationID),
			DoctorID: doctorOf[m.ConsultationID], Title: m.FromRole, Text: m.Text})
	}
	for _, a := range r.Advice {
		out = append(out, Entry{At: a.PublishedAt, Kind: KindAdvice, ID: a.ID, ConsultationID: some(a.ConsultationID), DoctorID: a.DoctorID, Text: a.Text})
	}
	for _, d := range r.Diagnoses {
		out = append(out, Entry{At: d.CreatedAt, Kind: KindDiagnosis, ID: d.ID, ConsultationID: d.ConsultationID, DoctorID: d.DoctorID,
			Text: d.Text, CodeSystem: d.CodeSystem, Code: d.Code})
	}
	for _, n := range r.Notes {
		out = append(out, Entry{At: n.CreatedAt, Kind: KindNote, ID: n.ID, ConsultationID: n.ConsultationID, DoctorID: n.DoctorID, Text: n.Text})
	}
	for _, p := range r.Prescriptions {
		title := p.Rx.Medication
		if p.Rx.Strength != "" {
			title += " " + p.Rx.Strength
		}
		e := Entry{At: p.CreatedAt, Kind: KindPrescription, ID: p.ID, ConsultationID: some(p.ConsultationID), DoctorID: p.DoctorID, Title: title,
			Details: []Detail{{"dosage", p.Rx.Dosage}, {"duration_days", fmt.Sprint(p.Rx.DurationDays)}}}
		if p.Rx.Quantity != "" {
			e.Details = append(e.Details, Detail{"quantity", p.Rx.Quantity})
		}
		if p.Rx.Instructions != "" {
			e.Details = append(e.Details, Detail{"instructions", p.Rx.Instructions})
		}
		out = append(out, e)
	}
	for _, d := range r.Documents {
		out = append(out, Entry{At: d.IssuedAt, Kind: KindDocument, ID: d.ID, ConsultationID: some(d.ConsultationID),
			DoctorID: doctorOf[d.ConsultationID], Title: d.Number, DocumentKind: d.Kind})
	}
	threadDoctor := make(map[uuid.UUID]uuid.UUID, len(r.Threads))
	for _, t := range r.Threads {
		threadDoctor[t.ID] = t.DoctorID
		out = append(out, Entry{At: t.CreatedAt, Kind: KindThread, ID: t.ID, DoctorID: t.DoctorID, Title: t.Status})
	}
	for _, m := range r.ThreadMessages {
		e := Entry{At: m.SentAt, Kind: KindThreadMessage, ID: m.ID, DoctorID: threadDoctor[m.ThreadID], Title: m.FromRole, Text: m.Text,
			ThreadID: m.ThreadID, File: m.ContentType != ""}
		if m.Title != "" {
			e.Details = append(e.Details, Detail{"title", m.Title})
		}
		if m.LinkURL != "" {
			e.Details = append(e.Details, Detail{"link", m.LinkURL})
		}
		if m.ContentType != "" {
			e.Details = append(e.Details, Detail{"file", fmt.Sprintf("%s, %d bytes", m.ContentType, m.Size)})
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return kindOrder[out[i].Kind] < kindOrder[out[j].Kind]
	})
	return out
}

// answerText prints a checked answer to a question of kind k.
func answerText(k domain.QuestionKind, v any) string {
	switch x := v.(type) {
	case []string:
		return strings.Join(x, ", ")
	case string:
		if k == domain.QuestionPhoto {
			return "foto / photo " + x
		}
		return x
	}
	return Answer{Value: v}.Text()
}

func some(id uuid.UUID) uuid.NullUUID { return uuid.NullUUID{UUID: id, Valid: true} }
