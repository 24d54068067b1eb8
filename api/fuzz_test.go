package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"derma2go/domain"
)

// bodyRoutes are the routes of the table that decode a JSON body, sorted
// by "METHOD path".
func bodyRoutes() []routeSpec {
	var out []routeSpec
	for _, r := range (&Server{}).routeTable() {
		if r.body != nil {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return routeKey(out[i]) < routeKey(out[j]) })
	return out
}

func routeKey(r routeSpec) string { return r.method + " " + r.path }

// pickRoute returns the route named key, or, for any other key (what the
// fuzzer makes of it), one chosen by its hash.
func pickRoute(routes []routeSpec, key string) routeSpec {
	for _, r := range routes {
		if routeKey(r) == key {
			return r
		}
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return routes[int(h.Sum32()%uint32(len(routes)))]
}

// requestWith is a gin context for a request with body and content type,
// its body capped at limit as the engine's middleware caps it.
func requestWith(method, contentType string, body []byte, limit int64) *gin.Context {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(method, "/fuzz", bytes.NewReader(body))
	c.Request.Header.Set("Content-Type", contentType)
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	return c
}

// checkProblem fails unless err is a client error: a *problemError with a
// 4xx status, as fail would answer it. Anything else becomes a 500.
func checkProblem(t *testing.T, what string, err error) {
	t.Helper()
	var p *problemError
	if !errors.As(err, &p) {
		t.Fatalf("%s: %T %v is not a problem (answered 500)", what, err, err)
	}
	if p.status < 400 || p.status > 499 {
		t.Fatalf("%s: status %d, want 4xx (%v)", what, p.status, err)
	}
	for _, f := range p.fields {
		if f.Field == "" || f.Reason == "" {
			t.Fatalf("%s: field problem without a field or reason: %+v", what, p.fields)
		}
	}
}

// FuzzRequestBodies decodes fuzzed bodies into the request type of every
// route of the table that takes JSON (routeSpec.body), as the handlers do:
// decodeJSON must answer a 4xx problem or a value that survives a round
// trip, never panic or fail otherwise.
func FuzzRequestBodies(f *testing.F) {
	gin.SetMode(gin.ReleaseMode)
	routes := bodyRoutes()
	for _, r := range routes {
		f.Add(routeKey(r), []byte(`{}`))
	}
	f.Fuzz(func(t *testing.T, key string, body []byte) {
		r := pickRoute(routes, key)
		typ := reflect.TypeOf(r.body)
		dst := reflect.New(typ).Interface()
		err := decodeJSON(requestWith(r.method, "application/json", body, maxJSONBody), dst)
		if err != nil {
			checkProblem(t, routeKey(r), err)
			return
		}
		// What was accepted encodes and is accepted again.
		again, err := json.Marshal(dst)
		if err != nil {
			t.Fatalf("%s: accepted %q but cannot encode it: %v", routeKey(r), body, err)
		}
		if err := decodeJSON(requestWith(r.method, "application/json", again, 1<<30), reflect.New(typ).Interface()); err != nil {
			t.Fatalf("%s: accepted %q, but not its encoding %s: %v", routeKey(r), body, again, err)
		}
	})
}

// FuzzIntake validates fuzzed answers against both intake forms: a 4xx
// problem or canonical JSON that validates again to itself and is an
// answer to the form's built-in questionnaire (domain.BuiltinQuestionnaire),
// as which the intake is shown and exported.
func FuzzIntake(f *testing.F) {
	f.Add("short", []byte(`{"complaint":"A red, scaly patch on my elbow","location":"elbow","duration":"months","question":"Is this psoriasis?"}`))
	f.Add("detailed", []byte(`{"complaint":"A red, scaly patch on my elbow","location":"elbow","duration":"weeks","question":"What is it?","symptoms":["itch"],"age_years":40}`))
	f.Fuzz(func(t *testing.T, kind string, answers []byte) {
		if kind != "short" {
			kind = "detailed"
		}
		canonical, err := validateIntake(kind, answers)
		if err != nil {
			checkProblem(t, "intake "+kind, err)
			return
		}
		again, err := validateIntake(kind, canonical)
		if err != nil {
			t.Fatalf("canonical %s form %s refused: %v", kind, canonical, err)
		}
		if !bytes.Equal(again, canonical) {
			t.Fatalf("canonical form is not stable: %s → %s", canonical, again)
		}
		if _, errs := domain.CheckAnswers(domain.BuiltinQuestionnaire(domain.FormKind(kind)), canonical); errs != nil {
			t.Fatalf("canonical %s form %s is no answer to its built-in questionnaire: %v", kind, canonical, errs)
		}
	})
}

// FuzzMollieWebhook parses fuzzed webhook requests: a 4xx problem or a
// trimmed payment id of at most 64 bytes.
func FuzzMollieWebhook(f *testing.F) {
	gin.SetMode(gin.ReleaseMode)
	f.Add("application/x-www-form-urlencoded", []byte("id=tr_WDqYK6vllg"))
	f.Add("application/json", []byte(`{"id":"tr_1"}`))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		id, err := webhookPaymentID(requestWith(http.MethodPost, contentType, body, maxJSONBody))
		if err != nil {
			checkProblem(t, "webhook", err)
			return
		}
		if id == "" || len(id) > 64 || strings.TrimSpace(id) != id {
			t.Fatalf("webhook id %q accepted", id)
		}
	})
}

// TestEveryDecodedTypeIsARouteBody keeps FuzzRequestBodies complete: every
// type the package decodes a request body into (decodeJSON, directly or
// through a helper that passes its argument on) is some route's body in
// the route table, and every declared body is decoded somewhere.
func TestEveryDecodedTypeIsARouteBody(t *testing.T) {
	decoded := decodedTypes(t)
	declared := map[string]bool{}
	for _, r := range bodyRoutes() {
		declared[reflect.TypeOf(r.body).Name()] = true
	}
	for name, where := range decoded {
		if !declared[name] {
			t.Errorf("%s decodes a %s, but no route of routeTable declares body: %s{}; add it to the route that takes it", where, name, name)
		}
	}
	for name := range declared {
		if _, ok := decoded[name]; !ok {
			t.Errorf("a route declares body %s{}, which no handler decodes", name)
		}
	}
	if len(decoded) < 10 {
		t.Fatalf("found only %d decoded types: the scan is broken", len(decoded))
	}
}

// decodedTypes scans the package's non-test files for variables whose
// address reaches decodeJSON, and returns their type names with where they
// are decoded.
func decodedTypes(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := gotoken.NewFileSet()
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, file)
	}
	// decoders are decodeJSON and the functions that pass one of their
	// parameters to it as the destination.
	decoders := map[string]bool{"decodeJSON": true}
	for _, file := range parsed {
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			params := map[string]bool{}
			for _, p := range fn.Type.Params.List {
				for _, n := range p.Names {
					params[n.Name] = true
				}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && calleeName(call) == "decodeJSON" && len(call.Args) == 2 {
					if id, ok := call.Args[1].(*ast.Ident); ok && params[id.Name] {
						decoders[fn.Name.Name] = true
					}
				}
				return true
			})
		}
	}
	out := map[string]string{}
	for _, file := range parsed {
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			vars := map[string]string{}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if spec, ok := n.(*ast.ValueSpec); ok {
					if typ, ok := spec.Type.(*ast.Ident); ok {
						for _, name := range spec.Names {
							vars[name.Name] = typ.Name
						}
					}
				}
				return true
			})
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || !decoders[calleeName(call)] {
					return true
				}
				for _, arg := range call.Args {
					if u, ok := arg.(*ast.UnaryExpr); ok && u.Op == gotoken.AND {
						if id, ok := u.X.(*ast.Ident); ok && vars[id.Name] != "" {
							out[vars[id.Name]] = fset.Position(call.Pos()).String()
						}
					}
				}
				return true
			})
		}
	}
	return out
}

// calleeName is the name of a called function or method.
func calleeName(call *ast.CallExpr) string {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		return fn.Name
	case *ast.SelectorExpr:
		return fn.Sel.Name
	}
	return ""
}
