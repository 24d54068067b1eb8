package messaging

import (
	"time"

	"github.com/google/uuid"
)

// FHIR R4 Communication, the fields a thread uses. A thread is one header
// Communication (id = thread id, status in-progress while open, completed
// once closed, no payload); each message is a Communication whose partOf
// references the header, with its sender, recipient, sent and received
// (read) instants and one payload: the text (contentString), a shared file
// or link (contentAttachment; the file's url is where the export's reader
// fetches it), or a prescription (contentReference to its
// MedicationRequest). References are "Patient/<user id>",
// "Practitioner/<doctor id>", "Communication/<id>" and
// "MedicationRequest/<prescription id>".

// FHIRReference is a FHIR Reference.
type FHIRReference struct {
	Reference string `json:"reference"`
	Display   string `json:"display,omitempty"`
}

// FHIRAttachment is a FHIR Attachment.
type FHIRAttachment struct {
	ContentType string `json:"contentType,omitempty"`
	URL         string `json:"url,omitempty"`
	Size        int    `json:"size,omitempty"`
	Title       string `json:"title,omitempty"`
	Creation    string `json:"creation,omitempty"`
}

// FHIRPayload is a Communication.payload (exactly one content field set).
type FHIRPayload struct {
	ContentString     string          `json:"contentString,omitempty"`
	ContentAttachment *FHIRAttachment `json:"contentAttachment,omitempty"`
	ContentReference  *FHIRReference  `json:"contentReference,omitempty"`
}

// FHIRCodeableConcept is a CodeableConcept with text only.
type FHIRCodeableConcept struct {
	Text string `json:"text"`
}

// Communication is a FHIR R4 Communication resource.
type Communication struct {
	ResourceType string               `json:"resourceType"`
	ID           string               `json:"id"`
	PartOf       []FHIRReference      `json:"partOf,omitempty"`
	InResponseTo []FHIRReference      `json:"inResponseTo,omitempty"`
	Status       string               `json:"status"`
	Topic        *FHIRCodeableConcept `json:"topic,omitempty"`
	Subject      *FHIRReference       `json:"subject,omitempty"`
	Sent         string               `json:"sent,omitempty"`
	Received     string               `json:"received,omitempty"`
	Recipient    []FHIRReference      `json:"recipient,omitempty"`
	Sender       *FHIRReference       `json:"sender,omitempty"`
	Payload      []FHIRPayload        `json:"payload,omitempty"`
}

// FHIRNames are the display names the references carry (optional).
type FHIRNames struct {
	Patient, Doctor string
}

// FileURL gives the address an export names for a shared file (nil: none).
type FileURL func(threadID, messageID uuid.UUID) string

func fhirTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Communications maps a thread and its messages onto FHIR R4: the header
// first, then one Communication per message in order. The emr export
// puts them in its Bundle as they are.
func Communications(t Thread, msgs []Message, names FHIRNames, fileURL FileURL) []Communication {
	patient := FHIRReference{Reference: "Patient/" + t.PatientID.String(), Display: names.Patient}
	doctor := FHIRReference{Reference: "Practitioner/" + t.DoctorID.String(), Display: names.Doctor}
	status := "in-progress"
	if t.Status == StatusClosed {
		status = "completed"
	}
	header := Communication{ResourceType: "Communication", ID: t.ID.String(), Status: status,
		Topic: &FHIRCodeableConcept{Text: "Berichten / Messages"}, Subject: &patient,
		Recipient: []FHIRReference{patient, doctor}, Sent: fhirTime(t.CreatedAt)}
	out := make([]Communication, 0, len(msgs)+1)
	out = append(out, header)
	for _, m := range msgs {
		c := Communication{ResourceType: "Communication", ID: m.ID.String(), Status: "completed",
			PartOf: []FHIRReference{{Reference: "Communication/" + t.ID.String()}}, Subject: &patient, Sent: fhirTime(m.SentAt)}
		if m.FromRole == RoleDoctor {
			c.Sender, c.Recipient = &doctor, []FHIRReference{patient}
		} else {
			c.Sender, c.Recipient = &patient, []FHIRReference{doctor}
		}
		if m.ReadAt != nil {
			c.Received = fhirTime(*m.ReadAt)
		}
		if m.Text != "" {
			c.Payload = append(c.Payload, FHIRPayload{ContentString: m.Text})
		}
		switch m.Kind {
		case KindFile:
			a := &FHIRAttachment{ContentType: m.ContentType, Size: m.Size, Title: m.Title, Creation: fhirTime(m.SentAt)}
			if fileURL != nil {
				a.URL = fileURL(t.ID, m.ID)
			}
			c.Payload = append(c.Payload, FHIRPayload{ContentAttachment: a})
		case KindLink:
			c.Payload = append(c.Payload, FHIRPayload{ContentAttachment: &FHIRAttachment{URL: m.LinkURL, Title: m.Title}})
		case KindPrescription:
			c.Payload = append(c.Payload, FHIRPayload{ContentReference: &FHIRReference{Reference: "MedicationRequest/" + m.PrescriptionID.String()}})
		}
		out = append(out, c)
	}
	return out
}
