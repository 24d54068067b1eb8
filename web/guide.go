package web

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
)

// The doctors' getting-started guide is Markdown per language
// (content/guide/<lang>/NN-<id>.md, in the order of their names): a front
// matter block (id, title, category, link) and a body in the FAQ's subset
// of Markdown. The dashboard's page (/doctor/guide) builds it into the
// client; the API renders the same files as the downloadable PDF.

//go:embed content/guide
var guideFiles embed.FS

// GuideSection is one step of the guide.
type GuideSection struct {
	ID, Title, Category string
	// Link is the dashboard page where the doctor does this step.
	Link string
	// Body is the section's Markdown.
	Body string
}

// GuideLanguages are the languages the guide is written in.
var GuideLanguages = []string{"nl", "en"}

// Guide returns the guide's sections in lang, in order.
func Guide(lang string) ([]GuideSection, error) {
	if !slices.Contains(GuideLanguages, lang) {
		return nil, fmt.Errorf("web: no guide in %q", lang)
	}
	dir := "content/guide/" + lang
	names, err := fs.Glob(guideFiles, dir+"/*.md")
	if err != nil {
		return nil, fmt.Errorf("web: guide: %w", err)
	}
	slices.Sort(names)
	out := make([]GuideSection, 0, len(names))
	for _, name := range names {
		data, err := guideFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("web: guide: %w", err)
		}
		s, err := parseGuideSection(string(data))
		if err != nil {
			return nil, fmt.Errorf("web: guide %s: %w", path.Base(name), err)
		}
		out = append(out, s)
	}
	return out, nil
}

func parseGuideSection(text string) (GuideSection, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	rest, ok := strings.CutPrefix(text, "---\n")
	if !ok {
		return GuideSection{}, fmt.Errorf("no front matter")
	}
	front, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return GuideSection{}, fmt.Errorf("front matter not closed")
	}
	var s GuideSection
	for _, line := range strings.Split(front, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return s, fmt.Errorf("front matter line %q is not key: value", line)
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "id":
			s.ID = v
		case "title":
			s.Title = v
		case "category":
			s.Category = v
		case "link":
			s.Link = v
		default:
			return s, fmt.Errorf("unknown front matter key %q", k)
		}
	}
	s.Body = strings.TrimSpace(body)
	if s.ID == "" || s.Title == "" || s.Category == "" || s.Link == "" || s.Body == "" {
		return s, fmt.Errorf("needs id, title, category, link and a body")
	}
	return s, nil
}

var (
	mdLinkRun   = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)
	mdStrongRun = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// PlainText is a line of the guide's Markdown as plain text: links become
// their text, bold marks go.
func PlainText(line string) string {
	return mdStrongRun.ReplaceAllString(mdLinkRun.ReplaceAllString(line, "$1"), "$1")
}
