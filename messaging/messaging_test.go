package messaging

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/domain"
)

func TestMayOpen(t *testing.T) {
	cases := []struct {
		name string
		cs   []ConsultationFacts
		want bool
	}{
		{"none", nil, false},
		{"unpaid video", []ConsultationFacts{{Type: domain.TypeVideo, Status: domain.StatusAwaitingPayment}}, false},
		{"failed payment", []ConsultationFacts{{Type: domain.TypeEmailAdvice, Status: domain.StatusPaymentFailed}}, false},
		{"expired hold", []ConsultationFacts{{Type: domain.TypeVideo, Status: domain.StatusExpired}}, false},
		{"paid advice", []ConsultationFacts{{Type: domain.TypeEmailAdvice, Status: domain.StatusAwaitingIntake, Paid: true}}, true},
		{"paid, later cancelled", []ConsultationFacts{{Type: domain.TypeVideo, Status: domain.StatusCancelled, Paid: true}}, true},
		{"in person booked", []ConsultationFacts{{Type: domain.TypeInPerson, Status: domain.StatusScheduled}}, true},
		{"in person attended", []ConsultationFacts{{Type: domain.TypeInPerson, Status: domain.StatusCompleted}}, true},
		{"in person cancelled", []ConsultationFacts{{Type: domain.TypeInPerson, Status: domain.StatusCancelled}}, false},
		{"in person no-show", []ConsultationFacts{{Type: domain.TypeInPerson, Status: domain.StatusNoShow}}, false},
		{"one of several", []ConsultationFacts{{Type: domain.TypeVideo, Status: domain.StatusExpired},
			{Type: domain.TypeWalkIn, Status: domain.StatusCompleted, Paid: true}}, true},
	}
	for _, c := range cases {
		if got := MayOpen(c.cs); got != c.want {
			t.Errorf("%s: MayOpen = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestMayWrite(t *testing.T) {
	if err := MayWrite(RolePatient, StatusOpen); err != nil {
		t.Errorf("patient, open: %v", err)
	}
	if err := MayWrite(RolePatient, StatusClosed); !errors.Is(err, ErrClosed) {
		t.Errorf("patient, closed: %v, want ErrClosed", err)
	}
	if err := MayWrite(RoleDoctor, StatusClosed); err != nil {
		t.Errorf("doctor, closed: %v", err)
	}
}

func TestDraftNormalise(t *testing.T) {
	cases := []struct {
		name  string
		d     Draft
		field string
		not   bool
	}{
		{"blank text", Draft{FromRole: RolePatient, Text: "   "}, "text", false},
		{"long text", Draft{FromRole: RolePatient, Text: strings.Repeat("é", MaxText+1)}, "text", false},
		{"patient link", Draft{FromRole: RolePatient, Kind: KindLink, LinkURL: "https://x.test"}, "", true},
		{"http link", Draft{FromRole: RoleDoctor, Kind: KindLink, LinkURL: "http://x.test"}, "link.url", false},
		{"javascript link", Draft{FromRole: RoleDoctor, Kind: KindLink, LinkURL: "javascript:alert(1)"}, "link.url", false},
		{"link with password", Draft{FromRole: RoleDoctor, Kind: KindLink, LinkURL: "https://u:p@x.test/"}, "link.url", false},
		{"file without title", Draft{FromRole: RoleDoctor, Kind: KindFile, File: []byte("x")}, "title", false},
		{"empty file", Draft{FromRole: RoleDoctor, Kind: KindFile, Title: "Lab"}, "file", false},
		{"prescription without id", Draft{FromRole: RoleDoctor, Kind: KindPrescription}, "prescription_id", false},
		{"unknown kind", Draft{FromRole: RoleDoctor, Kind: "video"}, "kind", false},
	}
	for _, c := range cases {
		err := c.d.Normalise()
		if c.not {
			if !errors.Is(err, ErrNotDoctor) {
				t.Errorf("%s: %v, want ErrNotDoctor", c.name, err)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want an invalid %s", c.name, err, c.field)
		}
	}
	ok := Draft{FromRole: RoleDoctor, Kind: KindLink, LinkURL: " https://www.thuisarts.nl/eczeem ", Text: " see "}
	if err := ok.Normalise(); err != nil || ok.Title != "https://www.thuisarts.nl/eczeem" || ok.Text != "see" {
		t.Errorf("link: %v %+v", err, ok)
	}
	text := Draft{FromRole: RolePatient, Text: " hello "}
	if err := text.Normalise(); err != nil || text.Kind != KindText || text.Text != "hello" {
		t.Errorf("text: %v %+v", err, text)
	}
}

func TestCommunicationsHeaderAndPartOf(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	read := at.Add(time.Hour)
	th := Thread{ID: uuid.New(), PatientID: uuid.New(), DoctorID: uuid.New(), Status: StatusClosed, CreatedAt: at}
	rx := uuid.New()
	msgs := []Message{
		{ID: uuid.New(), FromRole: RolePatient, Kind: KindText, Text: "Is the rash better with the cream?", SentAt: at, ReadAt: &read},
		{ID: uuid.New(), FromRole: RoleDoctor, Kind: KindFile, Text: "Your results", Title: "Lab", ContentType: "application/pdf", Size: 42, SentAt: at},
		{ID: uuid.New(), FromRole: RoleDoctor, Kind: KindLink, LinkURL: "https://www.thuisarts.nl/eczeem", Title: "Eczeem", SentAt: at},
		{ID: uuid.New(), FromRole: RoleDoctor, Kind: KindPrescription, PrescriptionID: rx, SentAt: at},
	}
	cs := Communications(th, msgs, FHIRNames{Patient: "P", Doctor: "D"}, func(tid, mid uuid.UUID) string { return "https://x.test/" + mid.String() })
	if len(cs) != 5 || cs[0].ID != th.ID.String() || cs[0].Status != "completed" || cs[0].PartOf != nil {
		t.Fatalf("header: %+v", cs[0])
	}
	for i, c := range cs[1:] {
		if len(c.PartOf) != 1 || c.PartOf[0].Reference != "Communication/"+th.ID.String() || c.ID != msgs[i].ID.String() {
			t.Errorf("message %d: partOf %+v", i, c.PartOf)
		}
		if len(c.Payload) == 0 {
			t.Errorf("message %d: no payload", i)
		}
	}
	if cs[1].Sender.Reference != "Patient/"+th.PatientID.String() || cs[1].Recipient[0].Reference != "Practitioner/"+th.DoctorID.String() ||
		cs[1].Received != "2026-12-01T11:00:00Z" {
		t.Errorf("patient message: %+v", cs[1])
	}
	if a := cs[2].Payload[1].ContentAttachment; a == nil || a.URL != "https://x.test/"+msgs[1].ID.String() || a.ContentType != "application/pdf" {
		t.Errorf("file: %+v", cs[2].Payload)
	}
	if r := cs[4].Payload[0].ContentReference; r == nil || r.Reference != "MedicationRequest/"+rx.String() {
		t.Errorf("prescription: %+v", cs[4].Payload)
	}
	b, err := json.Marshal(cs[3])
	if err != nil || !strings.Contains(string(b), `"resourceType":"Communication"`) || strings.Contains(string(b), `"received"`) {
		t.Errorf("json: %s %v", b, err)
	}
}
