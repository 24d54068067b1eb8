package api

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestSecondFactorRefusalIsDescribed: every route that refuses a session
// owing the second factor lists that 403 in openapi.yaml, and only the
// steps that lead to the second factor (and logout) skip the gate among
// the routes that need a login.
func TestSecondFactorRefusalIsDescribed(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPISpec)
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]bool{}
	for _, r := range Routes() {
		if !r.SecondFactor {
			if r.Roles != nil {
				before[r.Method+" "+r.Path] = true
			}
			continue
		}
		op := doc.Paths.Find(ginToOpenAPI(r.Path)).GetOperation(r.Method)
		if op.Responses.Status(403) == nil {
			t.Errorf("%s %s refuses a session without the second factor (403) but openapi.yaml does not say so", r.Method, r.Path)
		}
	}
	want := map[string]bool{"GET /v1/me": true, "POST /v1/auth/logout": true, "POST /v1/auth/second-factor": true,
		"POST /v1/me/second-factor": true, "POST /v1/me/second-factor/confirm": true}
	for k := range before {
		if !want[k] {
			t.Errorf("%s needs a login but lets a session through that owes the second factor", k)
		}
	}
	for k := range want {
		if !before[k] {
			t.Errorf("%s should be reachable before the second factor", k)
		}
	}
}
