package api

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// TestRouteTableIsTheRouter walks the Gin router against routeTable and
// api/openapi.yaml: every registered route is declared in the table exactly
// once with the same handler, every declared route is registered, and the
// spec's security agrees with the table (a route that needs a role asks for
// a bearer token only; a route open to guests or the public allows none).
func TestRouteTableIsTheRouter(t *testing.T) {
	s := &Server{Deps: Deps{}}
	engine := New(Deps{}).(*gin.Engine)
	table := map[string]routeSpec{}
	for _, r := range s.routeTable() {
		key := r.method + " " + r.path
		if _, dup := table[key]; dup {
			t.Errorf("%s is declared twice", key)
		}
		table[key] = r
	}
	routed := map[string]bool{}
	for _, ri := range engine.Routes() {
		key := ri.Method + " " + ri.Path
		routed[key] = true
		r, ok := table[key]
		if !ok {
			t.Errorf("%s is routed but not declared in routeTable", key)
			continue
		}
		if want := funcName(r.handler); ri.Handler != want {
			t.Errorf("%s runs %s, the table declares %s", key, ri.Handler, want)
		}
	}
	for key := range table {
		if !routed[key] {
			t.Errorf("%s is declared but not routed", key)
		}
	}

	doc, err := openapi3.NewLoader().LoadFromData(OpenAPISpec)
	if err != nil {
		t.Fatal(err)
	}
	for key, r := range table {
		item := doc.Paths.Find(ginToOpenAPI(r.path))
		if item == nil || item.GetOperation(r.method) == nil {
			t.Errorf("%s is not in openapi.yaml", key)
			continue
		}
		op := item.GetOperation(r.method)
		if !strings.HasPrefix(r.path, "/v1/") {
			continue
		}
		anonymous, bearer := securityOf(doc, op)
		switch {
		case r.roles != nil && (anonymous || !bearer):
			t.Errorf("%s needs the roles %v, the spec should ask for a bearer token only", key, r.roles)
		case r.roles == nil && !anonymous:
			t.Errorf("%s is open without a login, the spec should allow no security ({})", key)
		}
		if op.Responses.Status(401) == nil {
			t.Errorf("%s: a bad token is a 401 on every /v1 route, the spec should describe it", key)
		}
		if r.pin && op.Responses.Status(403) == nil {
			t.Errorf("%s needs the PIN, the spec should describe its 403", key)
		}
	}
}

// TestRouteTableRules checks the rules every declaration follows: routes on
// someone's consultation or invoice have a scope and an audit entry; the PIN
// guards exactly the medical parts a patient reaches (intake, photos,
// advice, documents, prescriptions, invoices as documents, chat,
// questionnaire answers) and the same kind
// of object has the same protection on every route.
func TestRouteTableRules(t *testing.T) {
	s := &Server{Deps: Deps{}}
	medical := map[string]bool{"intake": true, "photo": true, "advice": true, "document": true, "prescription": true, "invoice": true,
		"chat": true, "record": true, "message": true, "message_file": true, "message_events": true, "message_thread": true,
		"questionnaire_response": true,
		// The GDPR export holds the whole record.
		"export": true}
	pinOf := map[string]bool{}
	for _, r := range s.routeTable() {
		key := r.method + " " + r.path
		onObject := strings.Contains(r.path, "/consultations/:id") || strings.HasPrefix(r.path, "/v1/doctor/invoices/")
		if onObject && (r.scope == scopeNone || !r.audit.audited()) {
			t.Errorf("%s reaches someone's consultation or invoice without a scope or an audit entry", key)
		}
		patientReaches := r.scope == scopeConsultation || r.scope == scopeConsultationParticipant || r.scope == scopeThread
		if r.scope == scopeThread && !strings.Contains(r.path, ":threadId") {
			t.Errorf("%s has the thread scope but no :threadId", key)
		}
		if (patientReaches || r.scope == scopeDoctorConsultation) && r.scope != scopeThread && !strings.Contains(r.path, ":id") {
			t.Errorf("%s has a consultation scope but no :id", key)
		}
		if r.audit.audited() && !oneOf(r.audit.action, actionCreate, actionRead, actionUpdate, actionDelete, actionExport, actionSearch) {
			t.Errorf("%s audits the unknown action %q", key, r.audit.action)
		}
		// A patient's own medical record (GET /v1/me/record…) is behind the PIN too.
		selfMedical := r.scope == scopeSelf && medical[r.audit.object]
		if selfMedical != (r.scope == scopeSelf && r.pin) {
			t.Errorf("%s: pin = %v for the patient's own %s", key, r.pin, r.audit.object)
		}
		if r.pin && !patientReaches && !selfMedical {
			t.Errorf("%s asks for the PIN outside the patient's consultation", key)
		}
		if !patientReaches {
			continue
		}
		if want := medical[r.audit.object]; r.pin != want {
			t.Errorf("%s: pin = %v, want %v for %s", key, r.pin, want, r.audit.object)
		}
		if prev, seen := pinOf[r.audit.object]; seen && prev != r.pin {
			t.Errorf("%s protects %s differently from another route", key, r.audit.object)
		}
		pinOf[r.audit.object] = r.pin
	}
}

func securityOf(doc *openapi3.T, op *openapi3.Operation) (anonymous, bearer bool) {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	if len(reqs) == 0 {
		return true, false
	}
	for _, req := range reqs {
		if len(req) == 0 {
			anonymous = true
		}
		if _, ok := req["bearer"]; ok {
			bearer = true
		}
	}
	return anonymous, bearer
}

func funcName(h gin.HandlerFunc) string {
	return runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
}
