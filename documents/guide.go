package documents

import (
	"bytes"
	"fmt"
	"time"
)

// Guide is the doctors' getting-started guide as printed: one language,
// its sections in order.
type Guide struct {
	Title       string
	Intro       string
	GeneratedAt time.Time
	Sections    []GuideSection
}

// GuideSection is one printed step: a title, its paragraphs and list items
// (plain text, a list item starting with "• ") and the address of the
// dashboard page that does it.
type GuideSection struct {
	Title      string
	Paragraphs []string
	Page       string
}

// GuidePDF renders the guide.
func GuidePDF(g Guide) ([]byte, error) {
	pdf, tr := letterhead(g.Title, g.GeneratedAt)
	if g.Intro != "" {
		pdf.MultiCell(0, 5, tr(g.Intro), "", "L", false)
		pdf.Ln(3)
	}
	for i, s := range g.Sections {
		pdf.SetFont("Helvetica", "B", 12)
		pdf.CellFormat(0, 8, tr(s.Title), "T", 1, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		for _, p := range s.Paragraphs {
			pdf.MultiCell(0, 5, tr(p), "", "L", false)
			pdf.Ln(1)
		}
		if s.Page != "" {
			pdf.SetFont("Helvetica", "I", 9)
			pdf.CellFormat(0, 5, tr(s.Page), "", 1, "L", false, 0, s.Page)
			pdf.SetFont("Helvetica", "", 10)
		}
		if i < len(g.Sections)-1 {
			pdf.Ln(3)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("documents: guide pdf: %w", err)
	}
	return buf.Bytes(), nil
}
