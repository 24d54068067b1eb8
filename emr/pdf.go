package emr

import (
	"fmt"

	"derma2go/documents"
)

// kindTitles are the printed names of the timeline's kinds (Dutch / English).
var kindTitles = map[string]string{
	KindConsultation:  "Consult / Consultation",
	KindIntake:        "Vragenlijst / Intake",
	KindQuestionnaire: "Vragenlijst van de arts / Doctor's questionnaire",
	KindPhoto:         "Foto / Photo",
	KindAdvice:        "Advies / Advice",
	KindPrescription:  "Recept / Prescription",
	KindDocument:      "Document",
	KindNote:          "Notitie / Note",
	KindDiagnosis:     "Diagnose / Diagnosis",
	KindMessage:       "Bericht / Message",
	KindThread:        "Berichtendraad / Message thread",
	KindThreadMessage: "Beveiligd bericht / Secure message",
}

// PDF renders the record with its timeline. forDoctor prints the doctor's
// practice in the header (the doctor's record of one practice); otherwise
// the record is the patient's own, across doctors.
func (r *Record) PDF(forDoctor bool) ([]byte, error) {
	m := documents.MedicalRecord{PatientName: r.Patient.Name, PatientBirthDate: r.Patient.BirthDate, GeneratedAt: r.GeneratedAt}
	if forDoctor && len(r.Doctors) > 0 {
		d := r.Doctors[0]
		m.Practice = []string{d.PracticeName, d.Name, d.Address, d.City}
	}
	names := map[string]string{}
	for _, d := range r.Doctors {
		names[d.ID.String()] = d.Name
	}
	for _, e := range r.Timeline() {
		title := kindTitles[e.Kind]
		if e.Title != "" {
			title += ": " + e.Title
		}
		re := documents.RecordEntry{At: e.At, Title: title, Text: e.Text}
		if !forDoctor {
			if n := names[e.DoctorID.String()]; n != "" && e.Kind == KindConsultation {
				re.Title += " (" + n + ")"
			}
		}
		for _, d := range e.Details {
			if d.Label == "doctor" {
				continue
			}
			re.Rows = append(re.Rows, documents.Row{Label: d.Label, Value: d.Value})
		}
		if e.Code != "" {
			re.Rows = append(re.Rows, documents.Row{Label: "code", Value: fmt.Sprintf("%s %s", codeName(e.CodeSystem), e.Code)})
		}
		m.Entries = append(m.Entries, re)
	}
	return documents.MedicalRecordPDF(m)
}

func codeName(system string) string {
	switch system {
	case CodeICD10:
		return "ICD-10"
	case CodeSNOMED:
		return "SNOMED CT"
	}
	return system
}
