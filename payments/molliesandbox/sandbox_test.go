package molliesandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"derma2go/payments/molliesandbox"
)

const key = "test_sandboxTestKey123"

// start runs a sandbox behind httptest.
func start(t *testing.T, opts molliesandbox.Options) (*molliesandbox.Server, string) {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	}
	s := molliesandbox.New(opts)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(s.Close)
	return s, srv.URL
}

// call sends one raw API request.
func call(t *testing.T, method, u, auth, idemKey, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}

// mollieError is Mollie's error object.
type mollieError struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Field  string `json:"field"`
	Links  struct {
		Documentation struct {
			Href string `json:"href"`
			Type string `json:"type"`
		} `json:"documentation"`
	} `json:"_links"`
}

// checkError decodes and checks an error answer.
func checkError(t *testing.T, status int, h http.Header, body []byte, want int) mollieError {
	t.Helper()
	if status != want {
		t.Fatalf("status %d, want %d: %s", status, want, body)
	}
	if ct := h.Get("Content-Type"); ct != "application/hal+json" {
		t.Errorf("Content-Type %q", ct)
	}
	if h.Get("Content-Length") != strconv.Itoa(len(body)) {
		t.Errorf("Content-Length %q for %d bytes", h.Get("Content-Length"), len(body))
	}
	var e mollieError
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	if e.Status != want || e.Title == "" || e.Detail == "" || e.Links.Documentation.Href == "" {
		t.Fatalf("error body %s", body)
	}
	return e
}

const paymentBody = `{"amount":{"currency":"EUR","value":"10.00"},"description":"Email advice","redirectUrl":"https://app.example/r","metadata":{"consultation_id":"c-9"}}`

func TestUnauthorized(t *testing.T) {
	_, base := start(t, molliesandbox.Options{})
	for _, auth := range []string{"", "Bearer", "Bearer ", "Bearer test_", "Bearer live_abcdef", "Basic dGVzdF94Og==", "test_abc"} {
		st, h, b := call(t, http.MethodPost, base+"/v2/payments", auth, "", paymentBody)
		e := checkError(t, st, h, b, http.StatusUnauthorized)
		if e.Title != "Unauthorized Request" {
			t.Errorf("title %q", e.Title)
		}
		st, h, b = call(t, http.MethodGet, base+"/v2/payments/tr_x", auth, "", "")
		checkError(t, st, h, b, http.StatusUnauthorized)
	}
}

func TestPaymentJSON(t *testing.T) {
	_, base := start(t, molliesandbox.Options{PublicURL: "https://sandbox.example/mollie/"})
	st, h, b := call(t, http.MethodPost, base+"/v2/payments", "Bearer "+key, "", paymentBody)
	if st != http.StatusCreated || h.Get("Content-Type") != "application/hal+json" {
		t.Fatalf("create: %d %s %s", st, h.Get("Content-Type"), b)
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	id, _ := p["id"].(string)
	links, _ := p["_links"].(map[string]any)
	checkout, _ := links["checkout"].(map[string]any)
	if p["resource"] != "payment" || p["status"] != "open" || p["mode"] != "test" || p["isCancelable"] != true ||
		p["expiresAt"] == nil || p["createdAt"] == nil || p["paidAt"] != nil ||
		checkout["href"] != "https://sandbox.example/mollie/checkout/"+id {
		t.Fatalf("created payment: %s", b)
	}
	if meta, _ := p["metadata"].(map[string]any); meta["consultation_id"] != "c-9" {
		t.Fatalf("metadata: %s", b)
	}
	if _, err := time.Parse(time.RFC3339, p["createdAt"].(string)); err != nil {
		t.Fatalf("createdAt: %v", err)
	}
}

func TestValidation(t *testing.T) {
	_, base := start(t, molliesandbox.Options{})
	for _, tt := range []struct {
		body, field string
		status      int
	}{
		{`{`, "", http.StatusBadRequest},
		{`{"description":"x","redirectUrl":"https://a.example/"}`, "amount", http.StatusUnprocessableEntity},
		{`{"amount":{"currency":"EUR","value":"10.0"},"description":"x","redirectUrl":"https://a.example/"}`, "amount.value", http.StatusUnprocessableEntity},
		{`{"amount":{"currency":"EUR","value":"10"},"description":"x","redirectUrl":"https://a.example/"}`, "amount.value", http.StatusUnprocessableEntity},
		{`{"amount":{"currency":"EUR","value":"-1.00"},"description":"x","redirectUrl":"https://a.example/"}`, "amount.value", http.StatusUnprocessableEntity},
		{`{"amount":{"currency":"EUR","value":"0.00"},"description":"x","redirectUrl":"https://a.example/"}`, "amount.value", http.StatusUnprocessableEntity},
		{`{"amount":{"currency":"euro","value":"1.00"},"description":"x","redirectUrl":"https://a.example/"}`, "amount.currency", http.StatusUnprocessableEntity},
		{`{"amount":{"currency":"EUR","value":"1.00"},"redirectUrl":"https://a.example/"}`, "description", http.StatusUnprocessableEntity},
		{`{"amount":{"currency":"EUR","value":"1.00"},"description":"x"}`, "redirectUrl", http.StatusUnprocessableEntity},
		{`{"amount":{"currency":"EUR","value":"1.00"},"description":"x","redirectUrl":"javascript:alert(1)"}`, "redirectUrl", http.StatusUnprocessableEntity},
		{`{"amount":{"currency":"EUR","value":"1.00"},"description":"x","redirectUrl":"https://a.example/","webhookUrl":"/relative"}`, "webhookUrl", http.StatusUnprocessableEntity},
		{`{"amount":{"currency":"EUR","value":"1.00"},"description":"x","redirectUrl":"https://a.example/","metadata":"` + strings.Repeat("m", 1100) + `"}`, "metadata", http.StatusUnprocessableEntity},
	} {
		st, h, b := call(t, http.MethodPost, base+"/v2/payments", "Bearer "+key, "", tt.body)
		if e := checkError(t, st, h, b, tt.status); e.Field != tt.field {
			t.Errorf("body %.60s: field %q, want %q", tt.body, e.Field, tt.field)
		}
	}
	st, h, b := call(t, http.MethodGet, base+"/v2/payments/tr_nothere", "Bearer "+key, "", "")
	checkError(t, st, h, b, http.StatusNotFound)
	st, h, b = call(t, http.MethodGet, base+"/v2/customers", "Bearer "+key, "", "")
	checkError(t, st, h, b, http.StatusNotFound)
}

func TestIdempotencyReplaysExactly(t *testing.T) {
	s, base := start(t, molliesandbox.Options{})
	st1, _, b1 := call(t, http.MethodPost, base+"/v2/payments", "Bearer "+key, "k-1", paymentBody)
	st2, _, b2 := call(t, http.MethodPost, base+"/v2/payments", "Bearer "+key, "k-1", paymentBody)
	if st1 != http.StatusCreated || st2 != st1 || !bytes.Equal(b1, b2) {
		t.Fatalf("replay differs:\n%d %s\n%d %s", st1, b1, st2, b2)
	}
	if n := len(s.Payments()); n != 1 {
		t.Fatalf("%d payments, want 1", n)
	}

	// Keys are per API key.
	st3, _, b3 := call(t, http.MethodPost, base+"/v2/payments", "Bearer test_otherAccount", "k-1", paymentBody)
	if st3 != http.StatusCreated || bytes.Equal(b3, b1) {
		t.Fatalf("other API key got the stored answer: %d %s", st3, b3)
	}

	// Failed requests are not stored: a corrected retry goes through.
	st, h, b := call(t, http.MethodPost, base+"/v2/payments", "Bearer "+key, "k-2", `{"description":"x"}`)
	checkError(t, st, h, b, http.StatusUnprocessableEntity)
	if st, _, b := call(t, http.MethodPost, base+"/v2/payments", "Bearer "+key, "k-2", paymentBody); st != http.StatusCreated {
		t.Fatalf("retry after a failure: %d %s", st, b)
	}

	// The same key on another endpoint is refused.
	var p struct{ ID string }
	if err := json.Unmarshal(b1, &p); err != nil {
		t.Fatal(err)
	}
	st, h, b = call(t, http.MethodPost, base+"/v2/payments/"+p.ID+"/refunds", "Bearer "+key, "k-1", `{"amount":{"currency":"EUR","value":"1.00"}}`)
	checkError(t, st, h, b, http.StatusUnprocessableEntity)
	if n := len(s.Payments()); n != 3 {
		t.Fatalf("%d payments, want 3", n)
	}
}

func TestConcurrentIdempotentCreates(t *testing.T) {
	s, base := start(t, molliesandbox.Options{Logger: slog.New(slog.DiscardHandler)})
	var wg sync.WaitGroup
	bodies := make([][]byte, 20)
	for i := range bodies {
		wg.Go(func() {
			_, _, bodies[i] = call(t, http.MethodPost, base+"/v2/payments", "Bearer "+key, "same", paymentBody)
		})
	}
	wg.Wait()
	for _, b := range bodies[1:] {
		if !bytes.Equal(b, bodies[0]) {
			t.Fatalf("answers differ:\n%s\n%s", bodies[0], b)
		}
	}
	if n := len(s.Payments()); n != 1 {
		t.Fatalf("%d payments, want 1", n)
	}
}

func TestWebhookRetries(t *testing.T) {
	var calls atomic.Int32
	done := make(chan string, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		done <- r.PostForm.Get("id")
	}))
	t.Cleanup(hook.Close)

	s, base := start(t, molliesandbox.Options{WebhookRetryDelay: 20 * time.Millisecond})
	body := strings.Replace(paymentBody, `"metadata"`, `"webhookUrl":"`+hook.URL+`","metadata"`, 1)
	st, _, b := call(t, http.MethodPost, base+"/v2/payments", "Bearer "+key, "", body)
	if st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, b)
	}
	id := s.Payments()[0].ID
	if err := s.Complete(t.Context(), id, molliesandbox.StatusPaid); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-done:
		if got != id {
			t.Fatalf("webhook id %q, want %q", got, id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("webhook never succeeded")
	}
	// The attempt is recorded after the receiver answers.
	deadline := time.Now().Add(2 * time.Second)
	for {
		hooks := s.Payments()[0].Webhooks
		if len(hooks) == 3 {
			if hooks[0].StatusCode != http.StatusServiceUnavailable || hooks[0].Error == "" ||
				hooks[2].StatusCode != http.StatusOK || hooks[2].Attempt != 3 || hooks[2].Error != "" {
				t.Fatalf("webhook log %+v", hooks)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook log %+v, want 3 attempts", hooks)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWebhookGivesUp(t *testing.T) {
	var calls atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	t.Cleanup(hook.Close)
	s, base := start(t, molliesandbox.Options{WebhookAttempts: 3, WebhookRetryDelay: 5 * time.Millisecond})
	body := strings.Replace(paymentBody, `"metadata"`, `"webhookUrl":"`+hook.URL+`","metadata"`, 1)
	if st, _, b := call(t, http.MethodPost, base+"/v2/payments", "Bearer "+key, "", body); st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, b)
	}
	if err := s.Complete(t.Context(), s.Payments()[0].ID, molliesandbox.StatusFailed); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if n := calls.Load(); n != 3 {
		t.Fatalf("%d webhook calls, want 3", n)
	}
}

func TestCheckoutForm(t *testing.T) {
	s, base := start(t, molliesandbox.Options{})
	if st, _, b := call(t, http.MethodPost, base+"/v2/payments", "Bearer "+key, "", paymentBody); st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, b)
	}
	id := s.Payments()[0].ID
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range []struct {
		id, status string
		want       int
	}{
		{"tr_unknown", "paid", http.StatusNotFound},
		{id, "bogus", http.StatusBadRequest},
		{id, "", http.StatusBadRequest},
		{id, "canceled", http.StatusSeeOther},
		{id, "paid", http.StatusConflict},
	} {
		res, err := noFollow.PostForm(base+"/checkout/"+tt.id, url.Values{"status": {tt.status}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("POST checkout %s status=%q: %s, want %d", tt.id, tt.status, res.Status, tt.want)
		}
	}
	res, err := http.Get(base + "/checkout/tr_unknown")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("GET unknown checkout: %s", res.Status)
	}
	if got := s.Payments()[0].Status; got != molliesandbox.StatusCanceled {
		t.Fatalf("status %q, want canceled", got)
	}
	// The page of a finished payment has no buttons.
	res, err = http.Get(base + "/checkout/" + id)
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(page), `value="paid"`) || !strings.Contains(string(page), "canceled") {
		t.Fatalf("page of a canceled payment:\n%s", page)
	}
}

func TestInspection(t *testing.T) {
	s, base := start(t, molliesandbox.Options{RefundSettleAfter: -1})
	_, _, b := call(t, http.MethodPost, base+"/v2/payments", "Bearer "+key, "", `{"amount":{"currency":"EUR","value":"20.00"},"description":"<b>Video</b>","redirectUrl":"https://app.example/r"}`)
	var p struct{ ID string }
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if err := s.Complete(t.Context(), p.ID, molliesandbox.StatusPaid); err != nil {
		t.Fatal(err)
	}
	if st, _, b := call(t, http.MethodPost, base+"/v2/payments/"+p.ID+"/refunds", "Bearer "+key, "", `{"amount":{"currency":"EUR","value":"5.00"},"description":"fee"}`); st != http.StatusCreated {
		t.Fatalf("refund: %d %s", st, b)
	}

	res, err := http.Get(base + "/sandbox/payments")
	if err != nil {
		t.Fatal(err)
	}
	var list []molliesandbox.Payment
	err = json.NewDecoder(res.Body).Decode(&list)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != p.ID || list[0].Status != "paid" || list[0].PaidAt == nil ||
		list[0].AmountRefunded.Value != "5.00" || len(list[0].Refunds) != 1 ||
		list[0].Refunds[0].Status != molliesandbox.RefundPending || list[0].Refunds[0].Amount.Value != "5.00" {
		t.Fatalf("GET /sandbox/payments = %+v", list)
	}

	res, err = http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	if !strings.Contains(html, `href="checkout/`+p.ID+`"`) || !strings.Contains(html, "&lt;b&gt;Video&lt;/b&gt;") || strings.Contains(html, "<b>Video") {
		t.Fatalf("index page:\n%s", html)
	}
}
