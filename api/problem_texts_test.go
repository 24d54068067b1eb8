package api

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// textRules says where a package's texts that reach a client as a problem
// are written: the argument index of calls to funcs (by name), and the
// field of composite literals of types (by name; a positional literal by
// index), and the error texts inside funcs whose errors become a reason.
type textRules struct {
	calls     map[string][]int
	fields    map[string]string
	positions map[string][]int
	errorsIn  []string
	// returns: funcs whose returned literals are texts (subjectName).
	returns []string
	// typedConsts: types whose constants a text names (a consultation's
	// status in "this consultation is %s").
	typedConsts []string
}

// problemTextRules are the places in api/ and in the packages whose errors
// become problems (their Reason/Detail goes to the client as is).
var problemTextRules = map[string]textRules{
	".": {
		calls: map[string][]int{
			"errBadRequest": {0}, "errUnauthorized": {0}, "errForbidden": {0}, "errNotFound": {0},
			"errConflict": {0}, "errTooMany": {0}, "errUnavailable": {0}, "newProblem": {2, 3},
			"tooMany": {2}, "translate": {1},
		},
		fields:    map[string]string{"FieldProblem": "Reason"},
		positions: map[string][]int{"problemText": {0, 1}, "fieldText": {1}},
		returns:   []string{"subjectName", "reason", "vocabularyReason"},
	},
	"../availability": {calls: map[string][]int{"bad": {1}}, fields: map[string]string{"RuleError": "Reason"}},
	"../waitlist":     {positions: map[string][]int{"FieldError": {1}}, fields: map[string]string{"FieldError": "Reason"}},
	"../messaging":    {calls: map[string][]int{"invalid": {1}}, fields: map[string]string{"FieldError": "Reason"}},
	"../search":       {calls: map[string][]int{"qerr": {1}}},
	"../accounts":     {errorsIn: []string{"ParseBirthDate"}},
	"../care":         {calls: map[string][]int{"refuse": {1}}, fields: map[string]string{"FieldError": "Reason"}},
	"../domain":       {calls: map[string][]int{"add": {1}}, fields: map[string]string{"FieldError": "Reason"}, typedConsts: []string{"Status"}},
	// Refusals of workflow Updates reach the client as the detail of a 409.
	"../workflows": {calls: map[string][]int{
		"NewApplicationErrorWithOptions": {0}, "queueRefusal": {0}, "invalidInput": {0}, "invalidState": {0},
		"closedError": {0}, "outsideWindow": {0}, "requireType": {0}, "validateMark": {1},
	}},
	"../conditions": {fields: map[string]string{"AnswerError": "Reason"}},
}

// problemText is a text found in the source, with where it is.
type foundText struct {
	text string
	pos  gotoken.Position
	// bad is why the expression cannot be looked up (a concatenation).
	bad string
}

// TestEveryProblemTextHasDutch walks the Go source of api/ and of the
// packages whose errors become problems for every text that reaches a
// client in a problem (title, detail, field reason) and requires a Dutch
// entry in the catalog for it.
func TestEveryProblemTextHasDutch(t *testing.T) {
	var missing []string
	n := 0
	for dir, rules := range problemTextRules {
		for _, ft := range collectProblemTexts(t, dir, rules) {
			n++
			switch {
			case ft.bad != "":
				t.Errorf("%s: %s", ft.pos, ft.bad)
			case len(verbsOf(ft.text)) > 0 && verbRE.ReplaceAllString(ft.text, "") == "":
				// "%s": a text passed on as it is.
			case problemTextsNL[ft.text] == "":
				missing = append(missing, ft.text)
				t.Errorf("%s: no Dutch for %q", ft.pos, ft.text)
			}
		}
	}
	if n < 200 {
		t.Errorf("found only %d problem texts: the walk misses call sites", n)
	}
	if len(missing) > 0 && os.Getenv("PRINT_MISSING") != "" {
		slices.Sort(missing)
		for _, m := range slices.Compact(missing) {
			t.Logf("\t%s: \"\",", strconv.Quote(m))
		}
	}
}

// TestDutchKeepsTheVerbs: every catalog entry's Dutch has the fmt verbs of
// its English, in the same order (the values are filled in by position).
func TestDutchKeepsTheVerbs(t *testing.T) {
	for en, nl := range problemTextsNL {
		if strings.TrimSpace(nl) == "" {
			t.Errorf("%q: empty Dutch", en)
		}
		if !slices.Equal(verbsOf(en), verbsOf(nl)) {
			t.Errorf("%q has verbs %v, its Dutch %q has %v", en, verbsOf(en), nl, verbsOf(nl))
		}
	}
}

func collectProblemTexts(t *testing.T, dir string, rules textRules) []foundText {
	t.Helper()
	fset := gotoken.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
	}
	w := &textWalker{fset: fset, rules: rules, pkgValues: map[string][]ast.Expr{}, funcs: map[string]*ast.FuncDecl{}}
	for _, f := range parsed {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if vs, ok := s.(*ast.ValueSpec); ok && vs.Type != nil && slices.Contains(rules.typedConsts, typeName(vs.Type)) {
						for _, v := range vs.Values {
							w.text(v, nil)
						}
					}
					if vs, ok := s.(*ast.ValueSpec); ok {
						for i, name := range vs.Names {
							if i < len(vs.Values) {
								w.pkgValues[name.Name] = append(w.pkgValues[name.Name], vs.Values[i])
							}
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil {
					w.funcs[d.Name.Name] = d
				}
			}
		}
	}
	for _, f := range parsed {
		for _, d := range f.Decls {
			w.walkDecl(d)
		}
	}
	for _, name := range rules.returns {
		if fd := w.funcs[name]; fd != nil {
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if r, ok := n.(*ast.ReturnStmt); ok {
					for _, e := range r.Results {
						w.text(e, nil)
					}
				}
				return true
			})
		}
	}
	for _, name := range rules.errorsIn {
		if fd := w.funcs[name]; fd != nil {
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && (isSel(call.Fun, "fmt", "Errorf") || isSel(call.Fun, "errors", "New")) {
					w.text(call.Args[0], nil)
				}
				return true
			})
		}
	}
	return w.found
}

type textWalker struct {
	fset      *gotoken.FileSet
	rules     textRules
	pkgValues map[string][]ast.Expr
	funcs     map[string]*ast.FuncDecl
	found     []foundText
}

func (w *textWalker) walkDecl(d ast.Decl) {
	locals := map[string][]ast.Expr{}
	if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						locals[name.Name] = append(locals[name.Name], vs.Values[i])
					}
				}
			}
			if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
				for i, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						locals[id.Name] = append(locals[id.Name], as.Rhs[i])
					}
				}
			}
			return true
		})
	}
	ast.Inspect(d, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			name := ""
			switch f := n.Fun.(type) {
			case *ast.Ident:
				name = f.Name
			case *ast.SelectorExpr:
				name = f.Sel.Name
			}
			for _, i := range w.rules.calls[name] {
				if i < len(n.Args) {
					w.text(n.Args[i], locals)
				}
			}
		case *ast.CompositeLit:
			if n.Type != nil {
				w.composite(n, typeName(n.Type), locals)
			}
		}
		return true
	})
}

// composite records the texts of a composite literal of type typ, and of
// the literals inside it whose type is left out ([]FieldProblem{{...}}).
func (w *textWalker) composite(n *ast.CompositeLit, typ string, locals map[string][]ast.Expr) {
	elem := ""
	switch t := n.Type.(type) {
	case *ast.ArrayType:
		elem = typeName(t.Elt)
	case *ast.MapType:
		elem = typeName(t.Value)
	}
	field, keyed := w.rules.fields[typ]
	positions := w.rules.positions[typ]
	for i, el := range n.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok && keyed && k.Name == field {
				w.text(kv.Value, locals)
			}
			el = kv.Value
		} else if slices.Contains(positions, i) {
			w.text(el, locals)
		}
		if inner, ok := el.(*ast.CompositeLit); ok && inner.Type == nil && elem != "" {
			w.composite(inner, elem, locals)
		}
	}
}

// text records the texts e can be: a literal, a format of fmt.Sprintf, a
// local or package constant or variable set to those.
func (w *textWalker) text(e ast.Expr, locals map[string][]ast.Expr) {
	w.textDepth(e, locals, 0)
}

func (w *textWalker) textDepth(e ast.Expr, locals map[string][]ast.Expr, depth int) {
	if depth > 4 {
		return
	}
	pos := w.fset.Position(e.Pos())
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == gotoken.STRING {
			s, err := strconv.Unquote(e.Value)
			if err != nil {
				panic(err)
			}
			if s != "" {
				w.found = append(w.found, foundText{text: s, pos: pos})
			}
		}
	case *ast.ParenExpr:
		w.textDepth(e.X, locals, depth)
	case *ast.BinaryExpr:
		if s, ok := literalSum(e); ok {
			w.found = append(w.found, foundText{text: s, pos: pos})
		} else if e.Op == gotoken.ADD && hasStringLit(e) {
			w.found = append(w.found, foundText{pos: pos,
				bad: "a text built with + cannot be looked up in the catalog: write it as a format"})
		}
	case *ast.CallExpr:
		if isSel(e.Fun, "fmt", "Sprintf") && len(e.Args) > 0 {
			w.textDepth(e.Args[0], locals, depth+1)
		}
	case *ast.Ident:
		values := locals[e.Name]
		if len(values) == 0 {
			values = w.pkgValues[e.Name]
		}
		for _, v := range values {
			w.textDepth(v, locals, depth+1)
		}
	}
}

// literalSum is the text of "a" + "b" (constants the compiler joins).
func literalSum(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != gotoken.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != gotoken.ADD {
			return "", false
		}
		a, ok1 := literalSum(e.X)
		b, ok2 := literalSum(e.Y)
		return a + b, ok1 && ok2
	}
	return "", false
}

func hasStringLit(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if l, ok := n.(*ast.BasicLit); ok && l.Kind == gotoken.STRING {
			found = true
		}
		return true
	})
	return found
}

func isSel(e ast.Expr, pkg, name string) bool {
	s, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := s.X.(*ast.Ident)
	return ok && id.Name == pkg && s.Sel.Name == name
}

func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.StarExpr:
		return typeName(e.X)
	}
	return ""
}
