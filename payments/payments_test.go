package payments_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"derma2go/payments"
	"derma2go/payments/molliesandbox"
)

const testKey = "test_derma2goSandboxKey123"

// env is a sandbox behind httptest, a webhook receiver and a wrapper client.
type env struct {
	sandbox *molliesandbox.Server
	apiURL  string
	hookURL string
	hooks   chan url.Values
	client  *payments.Client
}

// newEnv starts a sandbox configured by opts (logging to the test output).
func newEnv(t *testing.T, opts molliesandbox.Options) *env {
	t.Helper()
	e := &env{hooks: make(chan url.Values, 64)}
	hookSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			http.Error(w, "want a form POST", http.StatusBadRequest)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case e.hooks <- r.PostForm:
		default:
			t.Errorf("webhook buffer full, dropped %v", r.PostForm)
		}
	}))
	t.Cleanup(hookSrv.Close)
	e.hookURL = hookSrv.URL + "/webhooks/mollie"

	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	e.sandbox = molliesandbox.New(opts)
	apiSrv := httptest.NewServer(e.sandbox.Handler())
	t.Cleanup(apiSrv.Close)
	t.Cleanup(e.sandbox.Close) // runs first: stops background work before the servers go
	e.apiURL = apiSrv.URL

	c, err := payments.New(testKey, apiSrv.URL)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.client = c
	return e
}

// create makes an open payment of amount cents.
func (e *env) create(t *testing.T, cents int64, key string) payments.Payment {
	t.Helper()
	p, err := e.client.CreatePayment(t.Context(), payments.CreatePayment{
		AmountCents:    cents,
		Description:    "Video consultation with dr. Jansen",
		RedirectURL:    "https://app.example/consultations/c-1/paid",
		WebhookURL:     e.hookURL,
		ConsultationID: "c-1",
		IdempotencyKey: key,
	})
	if err != nil {
		t.Fatalf("CreatePayment: %v", err)
	}
	return p
}

// paid makes a paid payment of amount cents and consumes its webhook.
func (e *env) paid(t *testing.T, cents int64) payments.Payment {
	t.Helper()
	p := e.create(t, cents, "")
	if err := e.sandbox.Complete(t.Context(), p.ID, molliesandbox.StatusPaid); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	e.waitHook(t, p.ID)
	return p
}

// waitHook waits for a webhook call carrying id.
func (e *env) waitHook(t *testing.T, id string) {
	t.Helper()
	select {
	case form := <-e.hooks:
		if got := form.Get("id"); got != id || len(form) != 1 {
			t.Fatalf("webhook body = %v, want exactly id=%s", form, id)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no webhook for %s", id)
	}
}

// noHook checks that no webhook arrives for a short while.
func (e *env) noHook(t *testing.T) {
	t.Helper()
	select {
	case form := <-e.hooks:
		t.Fatalf("unexpected webhook %v", form)
	case <-time.After(100 * time.Millisecond):
	}
}

// apiStatus returns the HTTP status of an *payments.APIError in err, or 0.
func apiStatus(err error) int {
	var ae *payments.APIError
	if errors.As(err, &ae) {
		return ae.StatusCode
	}
	return 0
}

func TestCheckoutPaid(t *testing.T) {
	e := newEnv(t, molliesandbox.Options{})
	ctx := t.Context()

	p := e.create(t, 1250, "")
	if p.Status != payments.StatusOpen || p.AmountCents != 1250 || p.Currency != "EUR" ||
		p.ConsultationID != "c-1" || p.PaidAt != nil || p.AmountRefundedCents != 0 {
		t.Fatalf("created payment = %+v", p)
	}
	if !strings.HasPrefix(p.ID, "tr_") {
		t.Errorf("id %q lacks the tr_ prefix", p.ID)
	}
	if want := e.apiURL + "/checkout/" + p.ID; p.CheckoutURL != want {
		t.Fatalf("CheckoutURL = %q, want %q", p.CheckoutURL, want)
	}

	// The checkout page shows the amount, the description and four buttons.
	res, err := http.Get(p.CheckoutURL)
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("checkout page: %s %s", res.Status, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{"EUR 12.50", "Video consultation with dr. Jansen", p.ID,
		`value="paid"`, `value="failed"`, `value="canceled"`, `value="expired"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("checkout page lacks %q", want)
		}
	}

	// Pressing "paid" calls the webhook, then redirects the patient.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = noFollow.PostForm(p.CheckoutURL, url.Values{"status": {"paid"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "https://app.example/consultations/c-1/paid" {
		t.Fatalf("checkout POST: %s, Location %q", res.Status, res.Header.Get("Location"))
	}
	// The first delivery happens before the redirect.
	select {
	case form := <-e.hooks:
		if form.Get("id") != p.ID {
			t.Fatalf("webhook id = %q, want %q", form.Get("id"), p.ID)
		}
	default:
		t.Fatal("webhook not called before the redirect")
	}

	got, err := e.client.GetPayment(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payments.StatusPaid || got.PaidAt == nil || got.CheckoutURL != "" ||
		got.AmountCents != 1250 || got.AmountRefundedCents != 0 || got.ConsultationID != "c-1" {
		t.Fatalf("after paying: %+v", got)
	}
	if time.Since(*got.PaidAt) > time.Minute {
		t.Errorf("PaidAt = %v", got.PaidAt)
	}

	// A second button press is refused; nothing changes, no webhook.
	res, err = noFollow.PostForm(p.CheckoutURL, url.Values{"status": {"failed"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second checkout POST: %s", res.Status)
	}
	e.noHook(t)
}

func TestFinalStatuses(t *testing.T) {
	for _, status := range []string{payments.StatusFailed, payments.StatusCanceled, payments.StatusExpired} {
		t.Run(status, func(t *testing.T) {
			e := newEnv(t, molliesandbox.Options{})
			p := e.create(t, 4500, "")
			if err := e.sandbox.Complete(t.Context(), p.ID, status); err != nil {
				t.Fatal(err)
			}
			e.waitHook(t, p.ID)
			got, err := e.client.GetPayment(t.Context(), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != status || got.PaidAt != nil || got.CheckoutURL != "" {
				t.Fatalf("got %+v, want status %s", got, status)
			}
			err = e.sandbox.Complete(t.Context(), p.ID, molliesandbox.StatusPaid)
			if !errors.Is(err, molliesandbox.ErrNotOpen) {
				t.Fatalf("Complete on a %s payment: %v, want ErrNotOpen", status, err)
			}
			// A refund needs a paid payment.
			_, err = e.client.CreateRefund(t.Context(), p.ID, 100, "refund", "")
			if apiStatus(err) != http.StatusUnprocessableEntity {
				t.Fatalf("refund of a %s payment: %v, want a 422", status, err)
			}
		})
	}
}

func TestCompleteErrors(t *testing.T) {
	e := newEnv(t, molliesandbox.Options{})
	p := e.create(t, 100, "")
	if err := e.sandbox.Complete(t.Context(), p.ID, "authorized"); !errors.Is(err, molliesandbox.ErrInvalidStatus) {
		t.Errorf("Complete(authorized) = %v, want ErrInvalidStatus", err)
	}
	if err := e.sandbox.Complete(t.Context(), "tr_nope", "paid"); !errors.Is(err, molliesandbox.ErrUnknownPayment) {
		t.Errorf("Complete(unknown) = %v, want ErrUnknownPayment", err)
	}
	e.noHook(t)
}

func TestIdempotentCreate(t *testing.T) {
	e := newEnv(t, molliesandbox.Options{})
	first := e.create(t, 2000, "consultation/c-1/payment")
	again := e.create(t, 2000, "consultation/c-1/payment")
	if again != first {
		t.Fatalf("retry with the same key = %+v, want %+v", again, first)
	}
	if n := len(e.sandbox.Payments()); n != 1 {
		t.Fatalf("sandbox holds %d payments after a retried create, want 1", n)
	}
	other := e.create(t, 2000, "consultation/c-2/payment")
	noKey := e.create(t, 2000, "")
	if other.ID == first.ID || noKey.ID == first.ID || noKey.ID == other.ID {
		t.Fatalf("distinct creates share ids: %s %s %s", first.ID, other.ID, noKey.ID)
	}
	if n := len(e.sandbox.Payments()); n != 3 {
		t.Fatalf("sandbox holds %d payments, want 3", n)
	}
}

func TestRefunds(t *testing.T) {
	e := newEnv(t, molliesandbox.Options{})
	ctx := t.Context()
	p := e.paid(t, 1000)

	// Partial refund: pending at first, settles and fires the webhook.
	r1, err := e.client.CreateRefund(ctx, p.ID, 250, "admin fee kept", "consultation/c-1/refund")
	if err != nil {
		t.Fatal(err)
	}
	if r1.Status != payments.RefundPending || r1.AmountCents != 250 || r1.PaymentID != p.ID || !strings.HasPrefix(r1.ID, "re_") {
		t.Fatalf("refund = %+v", r1)
	}
	e.waitHook(t, p.ID)
	got, err := e.client.GetRefund(ctx, p.ID, r1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payments.RefundRefunded || got.AmountCents != 250 {
		t.Fatalf("settled refund = %+v", got)
	}

	// A retried refund with the same key is the same refund.
	again, err := e.client.CreateRefund(ctx, p.ID, 250, "admin fee kept", "consultation/c-1/refund")
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != r1.ID {
		t.Fatalf("retried refund id = %s, want %s", again.ID, r1.ID)
	}
	if n := len(e.sandbox.Payments()[0].Refunds); n != 1 {
		t.Fatalf("%d refunds after a retried create, want 1", n)
	}
	e.noHook(t)

	pay, err := e.client.GetPayment(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if pay.Status != payments.StatusPaid || pay.AmountRefundedCents != 250 {
		t.Fatalf("after partial refund: %+v", pay)
	}

	// More than what is left is refused, and creates nothing.
	_, err = e.client.CreateRefund(ctx, p.ID, 751, "too much", "")
	if apiStatus(err) != http.StatusUnprocessableEntity {
		t.Fatalf("over-refund: %v, want a 422", err)
	}
	if errors.Is(err, payments.ErrNotFound) {
		t.Fatalf("over-refund matches ErrNotFound: %v", err)
	}
	t.Logf("over-refund: %v", err)

	// The rest, exactly, is accepted.
	r2, err := e.client.CreateRefund(ctx, p.ID, 750, "rest", "")
	if err != nil {
		t.Fatal(err)
	}
	e.waitHook(t, p.ID)
	if _, err := e.client.CreateRefund(ctx, p.ID, 1, "one cent more", ""); apiStatus(err) != http.StatusUnprocessableEntity {
		t.Fatalf("refund of a fully refunded payment: %v, want a 422", err)
	}

	list, err := e.client.ListRefunds(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != r2.ID || list[1].ID != r1.ID {
		t.Fatalf("ListRefunds = %+v, want [%s %s]", list, r2.ID, r1.ID)
	}
	for _, r := range list {
		if r.Status != payments.RefundRefunded || r.PaymentID != p.ID {
			t.Errorf("listed refund %+v", r)
		}
	}
	pay, err = e.client.GetPayment(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if pay.AmountRefundedCents != 1000 {
		t.Fatalf("refunded = %d, want 1000", pay.AmountRefundedCents)
	}

	// A payment without refunds lists none (not nil).
	p2 := e.paid(t, 500)
	list, err = e.client.ListRefunds(ctx, p2.ID)
	if err != nil || list == nil || len(list) != 0 {
		t.Fatalf("ListRefunds of a payment without refunds = %v, %v", list, err)
	}
}

func TestRefundSettlesLater(t *testing.T) {
	e := newEnv(t, molliesandbox.Options{RefundSettleAfter: 300 * time.Millisecond})
	ctx := t.Context()
	p := e.paid(t, 1000)
	start := time.Now()
	r, err := e.client.CreateRefund(ctx, p.ID, 1000, "doctor declined", "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.client.GetRefund(ctx, p.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payments.RefundPending {
		t.Fatalf("refund right after creation = %+v, want pending", got)
	}
	// Pending refunds already count: nothing is left to refund.
	if _, err := e.client.CreateRefund(ctx, p.ID, 1, "more", ""); apiStatus(err) != http.StatusUnprocessableEntity {
		t.Fatalf("refund beyond a pending full refund: %v, want a 422", err)
	}
	e.waitHook(t, p.ID)
	if elapsed := time.Since(start); elapsed < 300*time.Millisecond {
		t.Errorf("refund settled after %v, want ≥ 300ms", elapsed)
	}
	got, err = e.client.GetRefund(ctx, p.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payments.RefundRefunded {
		t.Fatalf("refund after settling = %+v", got)
	}
}

func TestListRefundsPaginates(t *testing.T) {
	e := newEnv(t, molliesandbox.Options{RefundSettleAfter: -1, Logger: slog.New(slog.DiscardHandler)})
	ctx := t.Context()
	p := e.paid(t, 10000)
	const n = 260 // more than one page of 250
	for i := range n {
		if _, err := e.client.CreateRefund(ctx, p.ID, 1, "cent", ""); err != nil {
			t.Fatalf("refund %d: %v", i, err)
		}
	}
	list, err := e.client.ListRefunds(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != n {
		t.Fatalf("ListRefunds returned %d refunds, want %d", len(list), n)
	}
	seen := map[string]bool{}
	for _, r := range list {
		if seen[r.ID] {
			t.Fatalf("refund %s listed twice", r.ID)
		}
		seen[r.ID] = true
	}
}

func TestCancelPayment(t *testing.T) {
	e := newEnv(t, molliesandbox.Options{})
	ctx := t.Context()
	p := e.create(t, 3000, "")
	if err := e.client.CancelPayment(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	got, err := e.client.GetPayment(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payments.StatusCanceled {
		t.Fatalf("after cancel: %+v", got)
	}
	if err := e.client.CancelPayment(ctx, p.ID); apiStatus(err) != http.StatusUnprocessableEntity {
		t.Fatalf("second cancel: %v, want a 422", err)
	}
	if err := e.sandbox.Complete(ctx, p.ID, molliesandbox.StatusPaid); !errors.Is(err, molliesandbox.ErrNotOpen) {
		t.Fatalf("paying a canceled payment: %v, want ErrNotOpen", err)
	}
	e.noHook(t)
}

func TestNotFound(t *testing.T) {
	e := newEnv(t, molliesandbox.Options{})
	ctx := t.Context()
	paid := e.paid(t, 1000)

	// Unknown but well-formed ids reach the sandbox and come back as 404.
	_, err := e.client.GetPayment(ctx, "tr_unknown1234")
	if !errors.Is(err, payments.ErrNotFound) || apiStatus(err) != http.StatusNotFound {
		t.Fatalf("GetPayment(unknown) = %v, want ErrNotFound from a 404", err)
	}
	checks := map[string]error{}
	checks["CancelPayment"] = e.client.CancelPayment(ctx, "tr_unknown1234")
	_, checks["CreateRefund"] = e.client.CreateRefund(ctx, "tr_unknown1234", 100, "", "")
	_, checks["GetRefund unknown payment"] = e.client.GetRefund(ctx, "tr_unknown1234", "re_unknown1234")
	_, checks["GetRefund unknown refund"] = e.client.GetRefund(ctx, paid.ID, "re_unknown1234")
	_, checks["ListRefunds"] = e.client.ListRefunds(ctx, "tr_unknown1234")

	// Forged ids (from a webhook body, say) are refused without a request
	// that could reach another path.
	for _, id := range []string{"", "tr_", "abc", "re_abc", "tr_abc/refunds", "tr_../../v2/refunds", "tr_a?x=1", "tr_a#b", "tr_a%2F", "tr_ a", "tr_" + strings.Repeat("a", 65)} {
		_, checks["GetPayment "+id] = e.client.GetPayment(ctx, id)
	}
	_, checks["GetRefund forged refund"] = e.client.GetRefund(ctx, paid.ID, "re_../x")
	for name, err := range checks {
		t.Logf("%s: %v", name, err)
		if !errors.Is(err, payments.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
}

func TestAuthErrors(t *testing.T) {
	e := newEnv(t, molliesandbox.Options{})
	p := e.create(t, 1000, "")

	for _, key := range []string{"live_secretKey0123456789", "test_", "no_prefix_key_123"} {
		c, err := payments.New(key, e.apiURL)
		if err != nil {
			t.Fatalf("New(%q): %v", key, err)
		}
		_, err = c.GetPayment(t.Context(), p.ID)
		if apiStatus(err) != http.StatusUnauthorized || errors.Is(err, payments.ErrNotFound) {
			t.Fatalf("key %q: %v, want a 401", key, err)
		}
		t.Logf("key %q: %v", key, err)
		if strings.Contains(err.Error(), key) {
			t.Fatalf("error %q contains the API key", err)
		}
		_, err = c.CreatePayment(t.Context(), payments.CreatePayment{AmountCents: 100, Description: "x", RedirectURL: "https://app.example/"})
		if apiStatus(err) != http.StatusUnauthorized {
			t.Fatalf("create with key %q: %v, want a 401", key, err)
		}
	}
	if n := len(e.sandbox.Payments()); n != 1 {
		t.Fatalf("unauthorized calls created payments: %d", n)
	}
}

func TestNewValidates(t *testing.T) {
	for _, tt := range []struct{ key, base string }{
		{"", ""},
		{"   ", "http://127.0.0.1:1"},
		{"test_x", "ftp://example.com"},
		{"test_x", "/relative"},
		{"test_x", "http://example.com/?q=1"},
		{"test_x", "://bad"},
	} {
		if _, err := payments.New(tt.key, tt.base); err == nil {
			t.Errorf("New(%q, %q) succeeded, want an error", tt.key, tt.base)
		}
	}
	if _, err := payments.New("test_x", ""); err != nil {
		t.Errorf("New with Mollie's default URL: %v", err)
	}
}

func TestBaseURLWithPathPrefix(t *testing.T) {
	sb := molliesandbox.New(molliesandbox.Options{Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(sb.Close)
	mux := http.NewServeMux()
	mux.Handle("/mollie/", http.StripPrefix("/mollie", sb.Handler()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for _, base := range []string{srv.URL + "/mollie", srv.URL + "/mollie/"} {
		c, err := payments.New(testKey, base)
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.CreatePayment(t.Context(), payments.CreatePayment{AmountCents: 100, Description: "x", RedirectURL: "https://app.example/"})
		if err != nil {
			t.Fatalf("base %s: %v", base, err)
		}
		if _, err := c.GetPayment(t.Context(), p.ID); err != nil {
			t.Fatalf("base %s: %v", base, err)
		}
	}
}

func TestCreatePaymentValidation(t *testing.T) {
	e := newEnv(t, molliesandbox.Options{})
	ctx := t.Context()
	valid := payments.CreatePayment{AmountCents: 100, Description: "x", RedirectURL: "https://app.example/"}

	for name, in := range map[string]payments.CreatePayment{
		"zero amount":     {AmountCents: 0, Description: "x", RedirectURL: "https://app.example/"},
		"negative amount": {AmountCents: -5, Description: "x", RedirectURL: "https://app.example/"},
		"bad currency":    {AmountCents: 100, Currency: "eur", Description: "x", RedirectURL: "https://app.example/"},
	} {
		if _, err := e.client.CreatePayment(ctx, in); err == nil || apiStatus(err) != 0 {
			t.Errorf("%s: %v, want a local error", name, err)
		}
	}
	// The sandbox, like Mollie, wants a description and a redirect URL.
	noDesc := valid
	noDesc.Description = ""
	if _, err := e.client.CreatePayment(ctx, noDesc); apiStatus(err) != http.StatusUnprocessableEntity {
		t.Errorf("no description: %v, want a 422", err)
	}
	noRedirect := valid
	noRedirect.RedirectURL = ""
	if _, err := e.client.CreatePayment(ctx, noRedirect); apiStatus(err) != http.StatusUnprocessableEntity {
		t.Errorf("no redirect URL: %v, want a 422", err)
	}
	if n := len(e.sandbox.Payments()); n != 0 {
		t.Fatalf("invalid creates left %d payments", n)
	}
}

func TestContextCancellation(t *testing.T) {
	e := newEnv(t, molliesandbox.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := e.client.GetPayment(ctx, "tr_abc")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("GetPayment with a canceled context: %v", err)
	}
}

// Mollie forgets Idempotency-Key headers after a while; the refund's
// metadata keeps the key, so the refund created under it can be found by
// listing the payment's refunds.
func TestRefundKeyOutlivesMollieMemory(t *testing.T) {
	e := newEnv(t, molliesandbox.Options{RefundSettleAfter: -1})
	p := e.paid(t, 5000)
	const key = "consultation/c-1/refund/cancellation"
	first, err := e.client.CreateRefund(t.Context(), p.ID, 4000, "refund", key)
	if err != nil {
		t.Fatal(err)
	}
	if first.IdempotencyKey != key {
		t.Fatalf("created refund carries key %q, want %q", first.IdempotencyKey, key)
	}
	e.sandbox.ForgetIdempotencyKeys()
	list, err := e.client.ListRefunds(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != first.ID || list[0].IdempotencyKey != key {
		t.Fatalf("listed refunds %+v, want %s with key %q", list, first.ID, key)
	}
	// With the key forgotten, a repeated create is a new refund: the
	// reason callers must look before they create.
	second, err := e.client.CreateRefund(t.Context(), p.ID, 1000, "refund", key)
	if err != nil {
		t.Fatal(err)
	}
	if second.ID == first.ID {
		t.Fatalf("the sandbox still remembered the key after ForgetIdempotencyKeys")
	}
}
