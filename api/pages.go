package api

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgtype"
)

// Derma2Go has no web front end in this repository; these two small pages
// are where links in emails and Mollie's redirect land, so a patient is never
// sent to a dead end.

var pageTemplates = template.Must(template.New("pages").Parse(`
{{define "head"}}<!doctype html><html lang="{{if .}}{{.}}{{else}}nl{{end}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Derma2Go</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1d2b36}
h1{color:#0b6e6e}input,button{font:inherit;padding:.5rem;margin:.25rem 0;width:100%}button{background:#0b6e6e;color:#fff;border:0}</style>
</head><body><h1>Derma2Go</h1>{{end}}
{{define "reset"}}{{template "head" ""}}
<p>Kies een nieuw wachtwoord (minstens 10 tekens). / Choose a new password (at least 10 characters).</p>
<form id="f"><input type="password" id="pw" minlength="10" maxlength="128" required autocomplete="new-password">
<button>Opslaan / Save</button></form><p id="out" role="status"></p>
<script>
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const token = new URLSearchParams(location.search).get('token') || '';
  const res = await fetch('/v1/auth/password/reset', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({token, password: document.getElementById('pw').value})});
  document.getElementById('out').textContent = res.ok
    ? 'Uw wachtwoord is gewijzigd. / Your password has been changed.'
    : ((await res.json()).detail || 'Er ging iets mis. / Something went wrong.');
});
</script></body></html>{{end}}
{{define "paid"}}{{template "head" .}}
{{if ne . "en"}}<p>Dank u. Zodra de betaling is bevestigd, ontvangt u een e-mail met de volgende stap.</p>{{end}}
{{if ne . "nl"}}<p>Thank you. As soon as the payment is confirmed you will receive an email with the next step.</p>{{end}}
</body></html>{{end}}`))

func (s *Server) resetPage(c *gin.Context) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
	c.Status(http.StatusOK)
	if err := pageTemplates.ExecuteTemplate(c.Writer, "reset", nil); err != nil {
		logger(c).ErrorContext(c, "page", "err", err)
	}
}

// paymentReturn is where Mollie sends the patient back. It speaks the
// consultation's language, which the payment's redirect URL carries
// (lang=nl|en); without one (payments created before) it says both.
func (s *Server) paymentReturn(c *gin.Context) {
	lang := ""
	switch c.Query("lang") {
	case "nl", "en":
		lang = c.Query("lang")
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(http.StatusOK)
	if err := pageTemplates.ExecuteTemplate(c.Writer, "paid", lang); err != nil {
		logger(c).ErrorContext(c, "page", "err", err)
	}
}

// textOf is a nullable text: NULL for "".
func textOf(s string) pgtype.Text { return pgtype.Text{String: s, Valid: s != ""} }
