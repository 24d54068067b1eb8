package mailsink

import (
	"encoding/json"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Handler returns the web interface and JSON API:
//
//	GET    /                                  HTML list, newest first
//	GET    /messages/{id}                     HTML view of one message
//	GET    /messages/{id}/raw                 the message as received (.eml)
//	GET    /messages/{id}/attachments/{n}     download attachment n (0-based)
//	GET    /api/messages[?to=addr]            JSON list, newest first, without bodies;
//	                                          to= keeps messages with that recipient
//	                                          (case-insensitive, exact address)
//	GET    /api/messages/{id}                 JSON message with text, html and headers
//	DELETE /api/messages                      forget all messages (204)
//
// Pages use relative links, so the handler also works under a path prefix
// (mounted with http.StripPrefix).
func (s *Sink) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.serveIndex)
	mux.HandleFunc("GET /messages/{id}", s.serveMessage)
	mux.HandleFunc("GET /messages/{id}/raw", s.serveRaw)
	mux.HandleFunc("GET /messages/{id}/attachments/{n}", s.serveAttachment)
	mux.HandleFunc("GET /api/messages", s.apiList)
	mux.HandleFunc("GET /api/messages/{id}", s.apiMessage)
	mux.HandleFunc("DELETE /api/messages", s.apiClear)
	return securityHeaders(mux)
}

// securityHeaders keeps caught mail from running script in the sink's origin.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'none'; object-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data: http: https:")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// Summary is the JSON form of a message in GET /api/messages.
type Summary struct {
	// ID identifies the message in /api/messages/{id}.
	ID int `json:"id"`
	// ReceivedAt is when the sink accepted the message (UTC).
	ReceivedAt time.Time `json:"received_at"`
	// From is the decoded From header.
	From string `json:"from"`
	// To holds the envelope recipients.
	To []string `json:"to"`
	// Subject is the decoded subject.
	Subject string `json:"subject"`
	// Attachments describe the attached files (without content).
	Attachments []Attachment `json:"attachments"`
}

// summary returns the list form of m.
func summary(m Message) Summary {
	return Summary{ID: m.ID, ReceivedAt: m.ReceivedAt, From: m.From, To: m.To, Subject: m.Subject, Attachments: m.Attachments}
}

// newestFirst returns the kept messages, newest first, optionally only those
// sent to the address to.
func (s *Sink) newestFirst(to string) []Message {
	msgs := s.Messages()
	slices.Reverse(msgs)
	to = normalizeAddr(to)
	if to == "" {
		return msgs
	}
	return slices.DeleteFunc(msgs, func(m Message) bool {
		return !slices.ContainsFunc(m.To, func(r string) bool { return normalizeAddr(r) == to })
	})
}

// normalizeAddr lower-cases an address and strips blanks and angle brackets.
func normalizeAddr(a string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(a), "<>"))
}

// apiList serves GET /api/messages.
func (s *Sink) apiList(w http.ResponseWriter, r *http.Request) {
	msgs := s.newestFirst(r.URL.Query().Get("to"))
	out := make([]Summary, len(msgs))
	for i, m := range msgs {
		out[i] = summary(m)
	}
	writeJSON(w, http.StatusOK, out)
}

// apiMessage serves GET /api/messages/{id}.
func (s *Sink) apiMessage(w http.ResponseWriter, r *http.Request) {
	m, ok := s.lookup(r)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such message"})
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// apiClear serves DELETE /api/messages.
func (s *Sink) apiClear(w http.ResponseWriter, _ *http.Request) {
	s.Clear()
	w.WriteHeader(http.StatusNoContent)
}

// lookup finds the message named by the {id} path value.
func (s *Sink) lookup(r *http.Request) (Message, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		return Message{}, false
	}
	return s.Message(id)
}

// writeJSON writes v as indented JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// The status line is out; an encoding error can only be a broken connection.
	_ = enc.Encode(v)
}

// serveIndex serves the HTML list.
func (s *Sink) serveIndex(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("to")
	s.render(w, indexPage, map[string]any{"Messages": s.newestFirst(to), "To": to, "Max": MaxMessages})
}

// serveMessage serves the HTML view of one message.
func (s *Sink) serveMessage(w http.ResponseWriter, r *http.Request) {
	m, ok := s.lookup(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.render(w, messagePage, m)
}

// serveRaw serves the message as received.
func (s *Sink) serveRaw(w http.ResponseWriter, r *http.Request) {
	m, ok := s.lookup(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "message/rfc822")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": fmt.Sprintf("message-%d.eml", m.ID)}))
	_, _ = w.Write(m.Raw) // a write error means the client went away
}

// serveAttachment serves one attachment as a download.
func (s *Sink) serveAttachment(w http.ResponseWriter, r *http.Request) {
	m, ok := s.lookup(r)
	n, err := strconv.Atoi(r.PathValue("n"))
	if !ok || err != nil || n < 0 || n >= len(m.Attachments) {
		http.NotFound(w, r)
		return
	}
	a := m.Attachments[n]
	ctype := a.ContentType
	if _, _, err := mime.ParseMediaType(ctype); err != nil || ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})
	if disp == "" {
		disp = "attachment"
	}
	w.Header().Set("Content-Disposition", disp)
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Data)))
	_, _ = w.Write(a.Data) // a write error means the client went away
}

// render executes a page template.
func (s *Sink) render(w http.ResponseWriter, t *template.Template, data any) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		s.logger.Error("render page", "page", t.Name(), "err", err)
		http.Error(w, "render failed: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(b.String())) // a write error means the client went away
}

// pageFuncs are shared by the page templates.
var pageFuncs = template.FuncMap{
	"join": strings.Join,
	"when": func(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") },
	"size": func(n int) string {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d B", n)
	},
	// srcdoc makes links in the previewed HTML open in a new tab.
	"srcdoc": func(html string) string { return `<base target="_blank">` + html },
}

// pageStyle is the CSS shared by both pages.
const pageStyle = `<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2933;background:#f3f5f7}
header{background:#0f766e;color:#fff;padding:12px 24px}
header a{color:#fff;text-decoration:none;font-weight:bold}
main{padding:16px 24px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e1e6eb;vertical-align:top}
th{background:#eef2f5;font-weight:600}
tr:hover td{background:#f7fafc}
a{color:#0f766e}
.muted{color:#7b8794}
iframe{width:100%;height:640px;border:1px solid #e1e6eb;background:#fff}
pre{white-space:pre-wrap;word-wrap:break-word;background:#fff;border:1px solid #e1e6eb;padding:12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#fff;padding:12px;border:1px solid #e1e6eb}
dt{color:#52606d}
dd{margin:0}
.error{color:#b42318}
</style>`

// indexPage lists messages, newest first.
var indexPage = template.Must(template.New("index").Funcs(pageFuncs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10">
<title>Mail sink ({{len .Messages}})</title>` + pageStyle + `</head>
<body><header><a href="./">Derma2Go mail sink</a></header>
<main>
<form method="get" action="./"><label>Recipient <input name="to" value="{{.To}}" placeholder="someone@example.test"></label> <button>Filter</button>{{if .To}} <a href="./">all</a>{{end}}</form>
<p class="muted">{{len .Messages}} message(s); the newest {{.Max}} are kept. JSON: <a href="api/messages">api/messages</a>.</p>
<table>
<tr><th>Received</th><th>To</th><th>Subject</th><th>Attachments</th></tr>
{{range .Messages}}<tr>
<td class="muted">{{when .ReceivedAt}}</td>
<td>{{join .To ", "}}</td>
<td><a href="messages/{{.ID}}">{{if .Subject}}{{.Subject}}{{else}}(no subject){{end}}</a>{{if .ParseError}} <span class="error">(partly undecodable)</span>{{end}}</td>
<td>{{len .Attachments}}</td>
</tr>
{{else}}<tr><td colspan="4" class="muted">No mail yet.</td></tr>
{{end}}</table>
</main></body></html>
`))

// messagePage shows one message: headers, HTML preview, text and attachments.
var messagePage = template.Must(template.New("message").Funcs(pageFuncs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{.Subject}} – mail sink</title>` + pageStyle + `</head>
<body><header><a href="../">← Derma2Go mail sink</a></header>
<main>
<h1>{{if .Subject}}{{.Subject}}{{else}}(no subject){{end}}</h1>
<dl>
<dt>From</dt><dd>{{.From}}</dd>
<dt>To</dt><dd>{{join .To ", "}}</dd>
<dt>Received</dt><dd>{{when .ReceivedAt}}</dd>
<dt>Message</dt><dd>#{{.ID}} · <a href="{{.ID}}/raw">raw .eml</a> · <a href="../api/messages/{{.ID}}">JSON</a></dd>
{{if .Attachments}}<dt>Attachments</dt><dd>{{$id := .ID}}{{range $i, $a := .Attachments}}<a href="{{$id}}/attachments/{{$i}}">{{$a.Name}}</a> <span class="muted">({{$a.ContentType}}, {{size $a.Size}})</span><br>{{end}}</dd>{{end}}
{{if .ParseError}}<dt>Decoding</dt><dd class="error">{{.ParseError}}</dd>{{end}}
</dl>
{{if .HTML}}<h2>HTML</h2>
<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="{{srcdoc .HTML}}" title="HTML part"></iframe>{{end}}
{{if .Text}}<h2>Text</h2>
<pre>{{.Text}}</pre>{{end}}
</main></body></html>
`))
