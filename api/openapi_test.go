package api

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// TestEveryRouteIsInTheSpec keeps api/openapi.yaml and the router in step:
// every Gin route is described, and every described operation is routed.
func TestEveryRouteIsInTheSpec(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPISpec)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is invalid: %v", err)
	}
	engine := New(Deps{}).(*gin.Engine)
	routed := map[string]bool{}
	for _, r := range engine.Routes() {
		path := ginToOpenAPI(r.Path)
		routed[r.Method+" "+path] = true
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("%s %s is routed but not in openapi.yaml", r.Method, path)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !routed[method+" "+path] {
				t.Errorf("%s %s is in openapi.yaml but not routed", method, path)
			}
		}
	}
}

// ginToOpenAPI turns /doctors/:id into /doctors/{id}.
func ginToOpenAPI(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, ":") || strings.HasPrefix(part, "*") {
			parts[i] = "{" + part[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}
