package api

import (
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"derma2go/documents"
	"derma2go/web"
)

// guideTitles are the printed guide's title and introduction per language.
var guideTitles = map[string][2]string{
	"nl": {"Aan de slag met Derma2Go", "Van de eerste keer inloggen tot uw eerste consult. Elke stap noemt de pagina van het dashboard waar u hem doet."},
	"en": {"Getting started with Derma2Go", "From signing in for the first time to your first consultation. Each step names the dashboard page where you do it."},
}

var textGuideLanguage = problemText{"Unknown language",
	"The guide is written in Dutch (nl) and English (en)."}

var listItem = regexp.MustCompile(`^(?:-|\d+\.)\s+`)

// doctorGuidePDF renders the getting-started guide (web/content/guide) in
// ?lang= (the doctor's language when absent) as a PDF.
func (s *Server) doctorGuidePDF(c *gin.Context) {
	lang := c.Query("lang")
	if lang == "" {
		lang = requestLanguage(c, currentPrincipal(c).Language)
	}
	head, ok := guideTitles[lang]
	if !ok {
		fail(c, walkInProblem(c, requestLanguage(c, ""), http.StatusBadRequest, "guide-language", textGuideLanguage))
		return
	}
	pdf, err := guidePDF(lang, head, web.Links{Base: s.PublicURL}, s.Now())
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="derma2go-guide-`+lang+`.pdf"`)
	c.Header("Content-Language", lang)
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// guidePDF renders the guide in lang under head (title, introduction),
// naming each step's page under links.
func guidePDF(lang string, head [2]string, links web.Links, now time.Time) ([]byte, error) {
	sections, err := web.Guide(lang)
	if err != nil {
		return nil, err
	}
	g := documents.Guide{Title: head[0], Intro: head[1], GeneratedAt: now}
	for _, sec := range sections {
		g.Sections = append(g.Sections, documents.GuideSection{
			Title: sec.Title, Paragraphs: guideParagraphs(sec.Body), Page: links.Page(sec.Link),
		})
	}
	return documents.GuidePDF(g)
}

// guideParagraphs splits a section's Markdown into plain paragraphs, each
// list item one of its own behind a bullet.
func guideParagraphs(body string) []string {
	var out, para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, web.PlainText(strings.Join(para, " ")))
			para = nil
		}
	}
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			flush()
		case listItem.MatchString(line):
			flush()
			out = append(out, "• "+web.PlainText(listItem.ReplaceAllString(line, "")))
		default:
			para = append(para, line)
		}
	}
	flush()
	return out
}
