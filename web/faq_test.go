package web

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"derma2go/workflows"
)

// faqEntry is one FAQ file as the client reads it (web/src/faq.ts).
type faqEntry struct {
	file                      string
	id, title, category, link string
	body                      string
}

var faqCategories = []string{"consult", "booking", "account", "portal", "cancelling", "money", "technical", "privacy", "contact"}

func readFAQ(t *testing.T, lang string) map[string]faqEntry {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("content", "faq", lang, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no FAQ files for %s: %v", lang, err)
	}
	out := map[string]faqEntry{}
	for _, f := range files {
		e, err := parseFAQ(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if prev, dup := out[e.id]; dup {
			t.Errorf("%s: id %q already used by %s", f, e.id, prev.file)
		}
		out[e.id] = e
	}
	return out
}

// parseFAQ reads one FAQ file; its front matter and body are the guide's
// format (parseGuideSection), the checks after it the FAQ's own.
func parseFAQ(path string) (faqEntry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return faqEntry{}, err
	}
	sec, err := parseGuideSection(string(data))
	e := faqEntry{file: path, id: sec.ID, title: sec.Title, category: sec.Category, link: sec.Link, body: sec.Body}
	if err != nil {
		return e, err
	}
	if want := strings.TrimSuffix(filepath.Base(path), ".md"); e.id != want {
		return e, fmt.Errorf("id %q differs from the file name %q", e.id, want)
	}
	if !slices.Contains(faqCategories, e.category) {
		return e, fmt.Errorf("category %q is none of %v", e.category, faqCategories)
	}
	if strings.ContainsAny(e.body, "<>") {
		return e, fmt.Errorf("the answer holds < or >: the client renders Markdown only, never HTML")
	}
	return e, nil
}

var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// checkPageLinks fails unless the text's page link and the Markdown links
// of its body (at least one) are pages of routes.json.
func checkPageLinks(t *testing.T, name, link, body string) {
	t.Helper()
	targets := []string{link}
	for _, m := range mdLink.FindAllStringSubmatch(body, -1) {
		targets = append(targets, m[1])
	}
	if len(targets) < 2 {
		t.Errorf("%s: the body links to no page", name)
	}
	for _, to := range targets {
		if page, ok := Match(to); !ok || !strings.HasPrefix(to, "/") {
			t.Errorf("%s links to %q, which is no page of routes.json (%q)", name, to, page)
		}
	}
}

// TestFAQContent checks the FAQ's Markdown (web/content/faq): every file
// parses, both languages answer the same questions, and every link (the
// entry's page and those in its answer) opens a page of the client.
func TestFAQContent(t *testing.T) {
	nl, en := readFAQ(t, "nl"), readFAQ(t, "en")
	for id := range nl {
		if _, ok := en[id]; !ok {
			t.Errorf("%s is only in Dutch", id)
		}
	}
	for id := range en {
		if _, ok := nl[id]; !ok {
			t.Errorf("%s is only in English", id)
		}
	}
	for _, set := range []map[string]faqEntry{nl, en} {
		for _, e := range set {
			if e.category != nl[e.id].category || e.link != nl[e.id].link {
				t.Errorf("%s: category or page differ between the languages", e.file)
			}
			checkPageLinks(t, e.file, e.link, e.body)
		}
	}
	for _, topic := range []string{"consult-types", "payment", "account-or-guest", "booking", "after-booking",
		"prescriptions-pin", "cancelling", "reimbursement", "complaints", "data-security", "account-recovery"} {
		if _, ok := nl[topic]; !ok {
			t.Errorf("the FAQ lacks the topic %s", topic)
		}
	}
}

// TestFAQCancellationRuleIsTheWorkflows checks that the cancellation answer
// states the notice the workflow applies (workflows.CancellationNotice).
func TestFAQCancellationRuleIsTheWorkflows(t *testing.T) {
	h := int(workflows.CancellationNotice.Hours())
	for lang, want := range map[string]string{"nl": fmt.Sprintf("%d uur", h), "en": fmt.Sprintf("%d hours", h)} {
		e := readFAQ(t, lang)["cancelling"]
		if strings.Count(e.body, want) < 2 {
			t.Errorf("%s cancelling answer does not state the %s rule (both sides of it): %q", lang, want, e.body)
		}
	}
}
