package api

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"strings"
	"testing"
)

// TestEverySecondFactorProblemIsWorded: every problem text of two-factor
// sign-in has a title and reads differently in Dutch and English; every
// problemText declared in secondfactor.go is among the walked texts; and the
// file answers no problem except through them (no newProblem, tooMany or
// errXxx with an English-only text).
func TestEverySecondFactorProblemIsWorded(t *testing.T) {
	walked := map[problemText]bool{}
	for _, tx := range secondFactorTexts {
		walked[tx] = true
		nl, en := problemTextsNL[tx.detail], tx.detail
		if tx.title == "" || nl == "" || en == "" || nl == en {
			t.Errorf("%q: nl %q, en %q", tx.title, nl, en)
		}
		for _, english := range []string{" the ", " your ", "Enter ", "first", "code of"} {
			if strings.Contains(nl, english) {
				t.Errorf("%q: the Dutch text %q reads English (%q)", tx.title, nl, english)
			}
		}
		if strings.Count(nl, "%") != strings.Count(en, "%") {
			t.Errorf("%q: nl and en take different arguments: %q, %q", tx.title, nl, en)
		}
	}
	fset := gotoken.NewFileSet()
	f, err := parser.ParseFile(fset, "secondfactor.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			for _, v := range n.Values {
				if lit, ok := v.(*ast.CompositeLit); ok {
					if id, ok := lit.Type.(*ast.Ident); ok && id.Name == "problemText" {
						declared++
					}
				}
			}
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok {
				switch id.Name {
				case "newProblem", "tooMany", "errTooMany", "errForbidden", "errConflict", "errBadRequest":
					t.Errorf("%s: %s answers a problem that is not localised", fset.Position(n.Pos()), id.Name)
				}
			}
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "rateLimited" {
				t.Errorf("%s: rateLimited answers an English-only 429", fset.Position(n.Pos()))
			}
		}
		return true
	})
	if declared != len(walked) {
		t.Errorf("secondfactor.go declares %d texts, secondFactorTexts walks %d distinct ones", declared, len(walked))
	}
}
