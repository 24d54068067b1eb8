package integration

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"derma2go/api"
)

// TestEveryWriteRouteRejectsBadJSON sends malformed JSON, a JSON array, an
// object of wrong types and a body over the limit to every POST and PUT
// route of the API description, as a caller allowed to use it, and checks
// each answer is a 4xx problem and no record was written.
func TestEveryWriteRouteRejectsBadJSON(t *testing.T) {
	ac := newAdviceCase(t, 9)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	admin, _ := loginAs(t, "admin@derma2go.test", "admin-demo-2026")
	patient, _ := loginAs(t, "patient@derma2go.test", "patient-demo-2026")
	ids := map[string]string{"id": ac.id, "slug": "acne", "doctorId": ac.doctorID, "photoId": ac.id, "docId": ac.id,
		"file": ac.id + ".pdf"}

	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPISpec)
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string]string{
		"malformed":   `{"a": `,
		"array":       `[1, 2]`,
		"wrong types": `{"email": 1, "password": [], "text": {}, "rating": "five", "answers": 3, "rules": "x", "fees": 1, "state": 2, "body": 3, "reason": 4, "minutes": "x", "medication": 5, "type": 6, "subject": 7, "message": 8, "status": 9}`,
		"huge":        `{"text": "` + strings.Repeat("x", 2<<20) + `"}`,
	}
	tables := []string{"users", "consultations", "consultation_intakes", "consultation_photos", "advice", "prescriptions",
		"reviews", "condition_comments", "availability_rules", "doctor_fees", "favourites", "refunds", "contact_messages",
		"message_threads", "thread_messages", "message_settings", "questionnaire_versions", "questionnaire_responses"}
	before := map[string]int{}
	for _, tb := range tables {
		before[tb] = count(t, tb)
	}
	walked := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if (method != "POST" && method != "PUT" && method != "PATCH") || op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
				continue
			}
			caller := &apiClient{t: t, token: patient.token}
			concrete := path
			switch {
			case strings.HasPrefix(path, "/v1/doctor/"):
				caller = ac.doctor
			case strings.HasPrefix(path, "/v1/admin/"):
				caller = admin
			case strings.HasPrefix(path, "/v1/consultations/{id}"):
				caller = newClient(t)
				concrete = path + "?access=" + ac.access
			}
			for name, v := range ids {
				concrete = strings.ReplaceAll(concrete, "{"+name+"}", v)
			}
			for kind, body := range bodies {
				res := (&apiClient{t: t, token: caller.token}).raw(method, concrete, "application/json", []byte(body))
				if res.Status < 400 || res.Status >= 500 {
					t.Errorf("%s %s with %s body → %d", method, concrete, kind, res.Status)
					continue
				}
				res.problem(t)
			}
			walked++
		}
	}
	if walked < 15 {
		t.Fatalf("walked only %d write operations", walked)
	}
	for _, tb := range tables {
		if got := count(t, tb); got != before[tb] {
			t.Errorf("%s: %d rows → %d after bad input", tb, before[tb], got)
		}
	}
}
