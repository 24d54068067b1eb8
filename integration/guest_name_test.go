package integration

import (
	"net/http"
	"testing"
)

// TestDoctorSeesTheGuestsNameFromIntake: before the form a guest is known
// to the doctor by the email address; once the intake gives a name, the
// consultation page and the inbox show that name, never the address.
func TestDoctorSeesTheGuestsNameFromIntake(t *testing.T) {
	ac := newAdviceCase(t, 63)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	var before struct {
		PatientName string `json:"patient_name"`
		Guest       bool   `json:"guest"`
	}
	ac.doctor.do("GET", "/v1/doctor/consultations/"+ac.id, nil).expect(t, http.StatusOK).decode(t, &before)
	if !before.Guest || before.PatientName != ac.guestEmail {
		t.Fatalf("before the intake: %+v, want the guest's address", before)
	}
	ac.submitIntake()
	ac.waitStatus("awaiting_advice")
	var after struct {
		PatientName string `json:"patient_name"`
	}
	ac.doctor.do("GET", "/v1/doctor/consultations/"+ac.id, nil).expect(t, http.StatusOK).decode(t, &after)
	if after.PatientName != guestName {
		t.Errorf("consultation page names the guest %q, want %q", after.PatientName, guestName)
	}
	var inbox struct {
		Items []struct {
			ID          string `json:"id"`
			PatientName string `json:"patient_name"`
		} `json:"items"`
	}
	ac.doctor.do("GET", "/v1/doctor/consultations", nil).expect(t, http.StatusOK).decode(t, &inbox)
	found := false
	for _, it := range inbox.Items {
		if it.ID == ac.id {
			found = true
			if it.PatientName != guestName {
				t.Errorf("inbox names the guest %q, want %q", it.PatientName, guestName)
			}
		}
	}
	if !found {
		t.Fatalf("the consultation is not in the doctor's inbox")
	}
}
