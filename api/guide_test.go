package api

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"derma2go/web"
)

// TestGuidePDFHoldsEverySectionInBothLanguages renders the downloadable
// guide in Dutch and English and checks that it is a complete PDF whose
// text holds its title and every section's title and page, in that
// language.
func TestGuidePDFHoldsEverySectionInBothLanguages(t *testing.T) {
	tr := fpdf.New("P", "mm", "A4", "").UnicodeTranslatorFromDescriptor("")
	has := func(b []byte, s string) bool {
		esc := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(tr(s))
		return bytes.Contains(b, []byte(esc))
	}
	links := web.Links{Base: "https://derma2go.test"}
	for _, lang := range web.GuideLanguages {
		pdf, err := guidePDF(lang, guideTitles[lang], links, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) ||
			!bytes.Contains(pdf, []byte("/Type /Page")) || !bytes.Contains(pdf, []byte("xref")) {
			t.Fatalf("%s: not a complete PDF", lang)
		}
		if !has(pdf, guideTitles[lang][0]) {
			t.Errorf("%s: the PDF lacks its title %q", lang, guideTitles[lang][0])
		}
		sections, err := web.Guide(lang)
		if err != nil || len(sections) < 10 {
			t.Fatalf("%s: %d sections: %v", lang, len(sections), err)
		}
		for _, s := range sections {
			if !has(pdf, s.Title) {
				t.Errorf("%s: the PDF lacks the section %q", lang, s.Title)
			}
			if !has(pdf, links.Page(s.Link)) {
				t.Errorf("%s: the PDF lacks the page of %q (%s)", lang, s.Title, s.Link)
			}
		}
	}
	// The other language's titles are not in it.
	nl, _ := guidePDF("nl", guideTitles["nl"], links, time.Now())
	if has(nl, guideTitles["en"][0]) {
		t.Error("the Dutch PDF holds the English title")
	}
}

func TestGuideParagraphs(t *testing.T) {
	got := guideParagraphs("Eerst **dit** en\n[dat](/doctor).\n\n- een\n- twee\n1. drie")
	want := []string{"Eerst dit en dat.", "• een", "• twee", "• drie"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("guideParagraphs = %q, want %q", got, want)
	}
}
