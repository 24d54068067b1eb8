package molliesandbox

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
)

// maxFormBytes bounds the checkout form.
const maxFormBytes = 4 << 10

// pageStyle is shared by the sandbox's HTML pages.
const pageStyle = `<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d1d1f}
main{max-width:56rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
.badge{display:inline-block;background:#ffe58f;border-radius:6px;padding:.15rem .5rem;font-size:.8rem}
.amount{font-size:2rem;font-weight:600;margin:.5rem 0}
.buttons{display:flex;gap:.5rem;flex-wrap:wrap;margin-top:1rem}
button{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:8px;cursor:pointer;color:#fff}
button[value=paid]{background:#2e7d32}button[value=failed]{background:#c62828}
button[value=canceled]{background:#6d4c41}button[value=expired]{background:#546e7a}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e3e3;font-size:.9rem}
code{font-size:.9em}
</style>`

// checkoutTmpl renders the hosted checkout page of one payment.
var checkoutTmpl = template.Must(template.New("checkout").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Mollie sandbox checkout · {{.P.ID}}</title>` + pageStyle + `</head>
<body><main>
<p class="badge">Mollie sandbox · test mode</p>
{{with .Message}}<p role="alert"><strong>{{.}}</strong></p>{{end}}
<h1 id="description">{{.P.Description}}</h1>
<p class="amount" id="amount">{{.P.Amount.Currency}} {{.P.Amount.Value}}</p>
<p>Payment <code id="payment-id">{{.P.ID}}</code> · status <strong id="status">{{.P.Status}}</strong></p>
{{if eq .P.Status "open"}}
<p>Choose how this test payment ends:</p>
<form method="post" class="buttons">
<button type="submit" name="status" value="paid">Paid</button>
<button type="submit" name="status" value="failed">Failed</button>
<button type="submit" name="status" value="canceled">Canceled</button>
<button type="submit" name="status" value="expired">Expired</button>
</form>
{{else}}
<p>This payment is {{.P.Status}}.{{if .P.RedirectURL}} <a href="{{.P.RedirectURL}}">Return to the merchant</a>.{{end}}</p>
{{end}}
<p><a href="../">All sandbox payments</a></p>
</main></body></html>
`))

// indexTmpl renders the list of all payments.
var indexTmpl = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Mollie sandbox</title>` + pageStyle + `</head>
<body><main>
<p class="badge">Mollie sandbox · test mode</p>
<h1>Payments</h1>
<p>API: point the Mollie client's base URL here with a <code>test_…</code> key. JSON: <a href="sandbox/payments">sandbox/payments</a>.</p>
{{if .}}
<table>
<thead><tr><th>Payment</th><th>Status</th><th>Amount</th><th>Refunded</th><th>Description</th><th>Created (UTC)</th><th>Last webhook</th></tr></thead>
<tbody>
{{range .}}<tr id="{{.ID}}">
<td><a href="checkout/{{.ID}}"><code>{{.ID}}</code></a></td>
<td>{{.Status}}</td>
<td>{{.Amount.Currency}} {{.Amount.Value}}</td>
<td>{{.AmountRefunded.Value}}{{range .Refunds}}<br><code>{{.ID}}</code> {{.Amount.Value}} {{.Status}}{{end}}</td>
<td>{{.Description}}</td>
<td>{{.CreatedAt.Format "2006-01-02 15:04:05"}}</td>
<td>{{.LastWebhook}}</td>
</tr>{{end}}
</tbody></table>
{{else}}<p>No payments yet.</p>{{end}}
</main></body></html>
`))

// indexRow is one row of indexTmpl.
type indexRow struct {
	Payment
	LastWebhook string
}

// checkoutView is the data of checkoutTmpl.
type checkoutView struct {
	P       Payment
	Message string
}

// checkoutPage handles GET /checkout/{id}.
func (s *Server) checkoutPage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.payment(r.PathValue("id"))
	if !ok {
		http.Error(w, "Unknown payment.", http.StatusNotFound)
		return
	}
	s.render(w, http.StatusOK, checkoutTmpl, checkoutView{P: p})
}

// checkoutSubmit handles POST /checkout/{id}: it ends the payment with the
// chosen status, calls the webhook and sends the customer to redirectUrl.
func (s *Server) checkoutSubmit(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Invalid form: "+err.Error(), http.StatusBadRequest)
		return
	}
	hook, redirect, err := s.finish(id, r.PostForm.Get("status"))
	switch {
	case errors.Is(err, ErrUnknownPayment):
		http.Error(w, "Unknown payment.", http.StatusNotFound)
		return
	case errors.Is(err, ErrInvalidStatus):
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	case errors.Is(err, ErrNotOpen):
		p, _ := s.payment(id)
		s.render(w, http.StatusConflict, checkoutTmpl, checkoutView{P: p, Message: "This payment is no longer open."})
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.persist() // the new status is on disk before anyone is told about it
	// The webhook is called before the customer is sent back, so that the
	// merchant usually knows the outcome when the redirect arrives. The
	// server's context is used: a customer closing the tab must not cut the
	// merchant's notification short.
	s.notify(s.ctx, id, hook)
	http.Redirect(w, r, redirect, http.StatusSeeOther)
}

// indexPage handles GET /: every payment, newest first.
func (s *Server) indexPage(w http.ResponseWriter, _ *http.Request) {
	ps := s.Payments()
	slices.Reverse(ps)
	rows := make([]indexRow, 0, len(ps))
	for _, p := range ps {
		row := indexRow{Payment: p, LastWebhook: "–"}
		if n := len(p.Webhooks); n > 0 {
			last := p.Webhooks[n-1]
			row.LastWebhook = fmt.Sprintf("attempt %d: %d", last.Attempt, last.StatusCode)
			if last.Error != "" {
				row.LastWebhook = fmt.Sprintf("attempt %d: %s", last.Attempt, last.Error)
			}
		}
		rows = append(rows, row)
	}
	s.render(w, http.StatusOK, indexTmpl, rows)
}

// payment returns a snapshot of one payment.
func (s *Server) payment(id string) (Payment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	if !ok {
		return Payment{}, false
	}
	return p.snapshot(), true
}

// render executes t into a buffer first, so that a template error becomes a
// 500 instead of a half-written page.
func (s *Server) render(w http.ResponseWriter, status int, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.log.Error("mollie sandbox: rendering page", "template", t.Name(), "err", err)
		http.Error(w, "rendering page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w) // the client went away; nothing to do
}
