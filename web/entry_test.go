package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// entryScripts are the scripts a page load fetches before any lazy page:
// the module index.html names and the chunks it preloads.
var entryScripts = regexp.MustCompile(`(?:src|href)="/(assets/[^"]+\.js)"`)

// TestEntryBundleLeavesTheQuestionnairePageOut: the patient's entry bundle
// (issue 9's budget) does not carry the questionnaire page, which only the
// invitation's link opens: it is loaded when that page is. The portal's list
// of questionnaires to fill in lives in its own small module.
func TestEntryBundleLeavesTheQuestionnairePageOut(t *testing.T) {
	if !Built() {
		t.Skip("web/dist is not built: run make web (make test does)")
	}
	index, err := fs.ReadFile(dist, "dist/index.html")
	if err != nil {
		t.Fatal(err)
	}
	scripts := entryScripts.FindAllStringSubmatch(string(index), -1)
	if len(scripts) == 0 {
		t.Fatalf("index.html names no script:\n%s", index)
	}
	for _, m := range scripts {
		js, err := fs.ReadFile(dist, "dist/"+m[1])
		if err != nil {
			t.Fatal(err)
		}
		// The test id of the page's form (the texts are in the dictionary,
		// which the entry holds for every page).
		if strings.Contains(string(js), "questionnaire-form") {
			t.Errorf("entry script %s carries the questionnaire page", m[1])
		}
	}
}
