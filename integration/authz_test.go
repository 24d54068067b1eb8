package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"derma2go/api"
	"derma2go/demodata"
)

// TestEveryRouteRefusesOtherPeoplesIDs walks every operation of the API
// description that names a consultation or invoice, and calls it as another
// patient, another doctor and a stranger with the ids of someone else's
// consultation: the answer must be 401, 403 or 404, never data.
func TestEveryRouteRefusesOtherPeoplesIDs(t *testing.T) {
	// A's consultation: email advice, paid, with a photo, a form and advice.
	ac := newAdviceCase(t, 7)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	ct, body := multipartPhoto(t, photoJPEG(t))
	newClient(t).raw("POST", ac.guestPath("/photos"), ct, body).expect(t, http.StatusCreated)
	ac.submitIntake()
	ac.waitStatus("awaiting_advice")
	var detail struct {
		PhotoIDs []string `json:"photo_ids"`
	}
	ac.doctor.do("GET", "/v1/doctor/consultations/"+ac.id, nil).expect(t, http.StatusOK).decode(t, &detail)
	var invoiceID string
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT id FROM invoices WHERE consultation_id = $1", ac.id).Scan(&invoiceID); err != nil {
		t.Fatal(err)
	}

	otherPatient, _ := registerPatient(t, newEmail("intruder"), "intruder-password-1")
	otherDoctor, _ := loginAs(t, demodata.DoctorEmail(8), "doctor-demo-2026")
	callers := map[string]*apiClient{"another patient": otherPatient, "another doctor": otherDoctor, "a stranger": newClient(t)}

	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPISpec)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"id": ac.id, "photoId": detail.PhotoIDs[0], "docId": invoiceID, "file": invoiceID + ".pdf"}
	// A message thread of another patient with another doctor.
	mc := newMessagingCase(t, 124)
	mc.bookAdvice(t, true)
	ids["threadId"], ids["messageId"] = walkerThread(t, mc.patient, mc.doctor, mc.doctorID)
	walked := 0
	for path, item := range doc.Paths.Map() {
		if !strings.Contains(path, "/consultations/{id}") && !strings.HasPrefix(path, "/v1/doctor/invoices/") &&
			!strings.HasPrefix(path, "/v1/threads/{threadId}") {
			continue
		}
		for method := range item.Operations() {
			concrete := path
			for name, v := range ids {
				concrete = strings.ReplaceAll(concrete, "{"+name+"}", v)
			}
			for who, c := range callers {
				res := c.raw(method, concrete, "application/json", []byte(`{}`))
				if res.Status != http.StatusNotFound && res.Status != http.StatusForbidden && res.Status != http.StatusUnauthorized {
					t.Errorf("%s %s as %s → %d: %s", method, concrete, who, res.Status, res.Body)
				}
			}
			walked++
		}
	}
	if walked < 20 {
		t.Fatalf("walked only %d operations", walked)
	}
	// The rightful users still get in.
	ac.doctor.do("GET", "/v1/doctor/consultations/"+ac.id, nil).expect(t, http.StatusOK)
	newClient(t).do("GET", ac.guestPath(""), nil).expect(t, http.StatusOK)
}
