package worker

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"derma2go/activities"
	"derma2go/workflows"
)

// TestEveryActivityStubIsAMethod checks the typed binding between the
// workflows and their activities: every ActivityStub names an exported
// method of activities.Activities taking (context.Context, In) and
// returning (Out, error) or error, and every exported method is a stub.
func TestEveryActivityStubIsAMethod(t *testing.T) {
	typ := reflect.TypeFor[*activities.Activities]()
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	stubs := map[string]bool{}
	for _, s := range workflows.ActivityStubs {
		stubs[s.Name] = true
		m, ok := typ.MethodByName(s.Name)
		if !ok {
			t.Errorf("activity %s: activities.Activities has no method %s", s.Name, s.Name)
			continue
		}
		ft := m.Type // receiver first
		if ft.NumIn() != 3 || ft.In(1) != ctxType || ft.In(2) != s.In {
			t.Errorf("activity %s: method takes %v, want (context.Context, %v)", s.Name, ft, s.In)
		}
		switch {
		case s.Out == nil && (ft.NumOut() != 1 || ft.Out(0) != errType):
			t.Errorf("activity %s: method returns %v, want error", s.Name, ft)
		case s.Out != nil && (ft.NumOut() != 2 || ft.Out(0) != s.Out || ft.Out(1) != errType):
			t.Errorf("activity %s: method returns %v, want (%v, error)", s.Name, ft, s.Out)
		}
	}
	for i := range typ.NumMethod() {
		if name := typ.Method(i).Name; !stubs[name] {
			t.Errorf("activities.Activities.%s is registered as an activity but has no workflows.ActivityStub", name)
		}
	}
}

// TestEveryActivityNameHasAStub checks that every Activity* name constant
// of package workflows is in workflows.ActivityStubs.
func TestEveryActivityNameHasAStub(t *testing.T) {
	names := activityConstants(t)
	if len(names) == 0 {
		t.Fatal("no Activity* constants found in ../workflows")
	}
	stubs := map[string]bool{}
	for _, s := range workflows.ActivityStubs {
		stubs[s.Name] = true
	}
	for constName, value := range names {
		if !stubs[value] {
			t.Errorf("workflows.%s = %q has no ActivityStub", constName, value)
		}
	}
}

// activityConstants parses package workflows for constants named
// Activity* with a string value.
func activityConstants(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "workflows", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, id := range vs.Names {
				if !strings.HasPrefix(id.Name, "Activity") || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, _ := strconv.Unquote(lit.Value)
					out[id.Name] = v
				}
			}
			return true
		})
	}
	return out
}
