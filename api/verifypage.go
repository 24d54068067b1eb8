package api

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"
)

// verifyTemplate is the page behind the link that confirms an email
// address: it posts the link's token to POST /v1/auth/email/verify and shows
// the outcome. (The web client has no such page yet.)
var verifyTemplate = template.Must(template.New("verify").Parse(`<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Derma2Go</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1d2b36}h1{color:#0b6e6e}</style>
</head><body><h1>Derma2Go</h1>
<p id="out" role="status">Uw e-mailadres wordt bevestigd… / Confirming your email address…</p>
<script>
(async () => {
  const token = new URLSearchParams(location.search).get('token') || '';
  const out = document.getElementById('out');
  try {
    const res = await fetch('/v1/auth/email/verify', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({token})});
    out.textContent = res.ok
      ? 'Uw e-mailadres is bevestigd: u kunt nu consulten boeken. / Your email address is confirmed: you can book consultations now.'
      : ((await res.json()).detail || 'Er ging iets mis. / Something went wrong.');
  } catch (e) {
    out.textContent = 'Er ging iets mis. / Something went wrong.';
  }
})();
</script></body></html>`))

// pageCSP is the Content-Security-Policy of that page: its own inline
// script and style, calls to this API only, and never inside a frame.
const pageCSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'"

func (s *Server) verifyPage(c *gin.Context) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Content-Security-Policy", pageCSP)
	c.Status(http.StatusOK)
	if err := verifyTemplate.Execute(c.Writer, nil); err != nil {
		logger(c).ErrorContext(c, "page", "err", err)
	}
}
