package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	texttemplate "text/template"
)

// Languages supported by Render.
const (
	// LangNL is Dutch, the default language.
	LangNL = "nl"
	// LangEN is English.
	LangEN = "en"
)

// ErrUnknownTemplate is wrapped by Render when no template has the given name.
var ErrUnknownTemplate = errors.New("unknown mail template")

// Template files live in templates/<lang>/<name>.tmpl. Each defines three
// templates: "subject" and "text" (executed with text/template) and "html"
// (executed with html/template inside the shared layout, so values are
// escaped). Files whose name starts with "_" hold shared pieces for their
// language ("footer", "greeting", "signoff", ...); templates/layout.html.tmpl
// is the HTML frame shared by both languages.
//
//go:embed all:templates
var templateFS embed.FS

// layoutFile is the shared HTML frame.
const layoutFile = "templates/layout.html.tmpl"

// compiled holds one template in one language.
type compiled struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// registry maps language → template name → compiled template. It is built at
// package initialisation, so a broken template fails every test and binary.
var registry = mustLoad()

// mustLoad parses every embedded template in every language and panics if one
// is broken or a language lacks a template the other has.
func mustLoad() map[string]map[string]*compiled {
	r, err := load(templateFS)
	if err != nil {
		panic(fmt.Sprintf("mail: loading templates: %v", err))
	}
	return r
}

// load parses all templates found in fsys.
func load(fsys fs.FS) (map[string]map[string]*compiled, error) {
	reg := make(map[string]map[string]*compiled)
	var reference []string
	for _, lang := range []string{LangNL, LangEN} {
		dir := path.Join("templates", lang)
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", dir, err)
		}
		var shared, names []string
		for _, e := range entries {
			n := e.Name()
			if e.IsDir() || !strings.HasSuffix(n, ".tmpl") {
				continue
			}
			if strings.HasPrefix(n, "_") {
				shared = append(shared, path.Join(dir, n))
				continue
			}
			names = append(names, strings.TrimSuffix(n, ".tmpl"))
		}
		slices.Sort(names)
		if reference == nil {
			reference = names
		} else if !slices.Equal(reference, names) {
			return nil, fmt.Errorf("language %q has templates %v, %q has %v", LangNL, reference, lang, names)
		}
		reg[lang] = make(map[string]*compiled, len(names))
		for _, name := range names {
			file := path.Join(dir, name+".tmpl")
			c, err := parseOne(fsys, lang, file, shared)
			if err != nil {
				return nil, err
			}
			reg[lang][name] = c
		}
	}
	if len(reference) == 0 {
		return nil, errors.New("no templates found")
	}
	return reg, nil
}

// parseOne parses file (plus the shared files of its language) twice: with
// text/template for subject and text, with html/template for the HTML part.
func parseOne(fsys fs.FS, lang, file string, shared []string) (*compiled, error) {
	files := append(slices.Clone(shared), file)
	tt, err := texttemplate.New(path.Base(file)).
		Option("missingkey=error").
		Funcs(texttemplate.FuncMap(funcs(lang, false))).
		ParseFS(fsys, files...)
	if err != nil {
		return nil, fmt.Errorf("parse %s (text): %w", file, err)
	}
	ht, err := htmltemplate.New(path.Base(layoutFile)).
		Option("missingkey=error").
		Funcs(htmltemplate.FuncMap(funcs(lang, true))).
		ParseFS(fsys, append([]string{layoutFile}, files...)...)
	if err != nil {
		return nil, fmt.Errorf("parse %s (html): %w", file, err)
	}
	for _, def := range []string{"subject", "text", "footer"} {
		if tt.Lookup(def) == nil {
			return nil, fmt.Errorf("%s: no {{define %q}}", file, def)
		}
	}
	for _, def := range []string{"layout", "html"} {
		if ht.Lookup(def) == nil {
			return nil, fmt.Errorf("%s: no {{define %q}}", file, def)
		}
	}
	return &compiled{text: tt, html: ht}, nil
}

// Names returns the names of all templates, sorted.
func Names() []string {
	names := make([]string, 0, len(registry[LangNL]))
	for n := range registry[LangNL] {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// NormalizeLang maps a language tag to a supported language: "en", "en-GB"
// and "EN" become "en"; anything that is not English becomes "nl".
func NormalizeLang(lang string) string {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(lang)), "-")
	primary, _, _ = strings.Cut(primary, "_")
	if _, ok := registry[primary]; ok {
		return primary
	}
	return LangNL
}

// layoutData is what the shared HTML layout is executed with.
type layoutData struct {
	Lang    string
	Subject string
	Data    any
}

// Render fills Subject, Text and HTML of a Message from template name in lang
// (falling back to Dutch for unsupported languages). data is the template's
// data struct (see the *Data types, e.g. PasswordResetData) or a
// map[string]any with the same keys; a missing key is an error. To,
// Attachments and Headers are left for the caller.
func Render(lang, name string, data any) (Message, error) {
	lang = NormalizeLang(lang)
	c, ok := registry[lang][name]
	if !ok {
		return Message{}, fmt.Errorf("mail: render %q: %w", name, ErrUnknownTemplate)
	}
	var b bytes.Buffer
	if err := c.text.ExecuteTemplate(&b, "subject", data); err != nil {
		return Message{}, fmt.Errorf("mail: render %s/%s subject: %w", lang, name, err)
	}
	subject := strings.Join(strings.Fields(b.String()), " ")
	if subject == "" {
		return Message{}, fmt.Errorf("mail: render %s/%s: empty subject", lang, name)
	}

	b.Reset()
	if err := c.text.ExecuteTemplate(&b, "text", data); err != nil {
		return Message{}, fmt.Errorf("mail: render %s/%s text: %w", lang, name, err)
	}
	b.WriteString("\n\n-- \n")
	if err := c.text.ExecuteTemplate(&b, "footer", nil); err != nil {
		return Message{}, fmt.Errorf("mail: render %s/%s footer: %w", lang, name, err)
	}
	text := tidyText(b.String())

	b.Reset()
	if err := c.html.ExecuteTemplate(&b, "layout", layoutData{Lang: lang, Subject: subject, Data: data}); err != nil {
		return Message{}, fmt.Errorf("mail: render %s/%s html: %w", lang, name, err)
	}
	return Message{Subject: subject, Text: text, HTML: b.String()}, nil
}

// blankLines matches runs of two or more empty lines.
var blankLines = regexp.MustCompile(`\n{3,}`)

// tidyText trims trailing blanks from every line (keeping the "-- " signature
// separator), squeezes runs of empty lines left by conditionals into one and
// trims the whole text.
func tidyText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == "-- " {
			continue
		}
		lines[i] = strings.TrimRight(l, " \t")
	}
	s = blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	return strings.TrimSpace(s) + "\n"
}

// link is the argument of the layout's "button" template.
type link struct {
	URL   string
	Label string
}

// detail is the argument of the layout's "detail" template (one table row).
type detail struct {
	Label string
	Value string
}

// labels translate codes that callers pass in data fields (consultation
// types, advice form kinds) into words. Unknown codes are shown as given.
var labels = map[string]map[string]string{
	LangNL: {
		"email_advice": "e-mailadvies",
		"video":        "videoconsult",
		"walk_in":      "online inloopconsult",
		"in_person":    "consult in de praktijk",
		"short":        "kort formulier",
		"detailed":     "uitgebreid formulier",
	},
	LangEN: {
		"email_advice": "email advice",
		"video":        "video consultation",
		"walk_in":      "online walk-in consultation",
		"in_person":    "in-person consultation",
		"short":        "short form",
		"detailed":     "detailed form",
	},
}

// funcs returns the template functions for lang. Both template engines get
// the same names because each parses the whole file, including the parts
// the other one executes.
func funcs(lang string, html bool) map[string]any {
	return map[string]any{
		// label translates a code such as "video" or "detailed".
		"label": func(code string) string {
			if l, ok := labels[lang][code]; ok {
				return l
			}
			return code
		},
		// greetname is GreetingName: a name fit for a greeting, or "".
		"greetname": GreetingName,
		// plural picks one or many by n.
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
		// link builds the argument of the "button" template.
		"link": func(url, label string) link { return link{URL: url, Label: label} },
		// detail builds the argument of the "detail" template.
		"detail": func(label, value string) detail { return detail{Label: label, Value: value} },
		// nl2br escapes s and turns its line breaks into <br> (HTML only;
		// the text engine returns s unchanged).
		"nl2br": func(s string) any {
			if !html {
				return s
			}
			s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
			// Escaped first, so the only markup in the result is our <br>.
			return htmltemplate.HTML(strings.ReplaceAll(htmltemplate.HTMLEscapeString(s), "\n", "<br>\n")) //nolint:gosec // input escaped above
		},
	}
}
