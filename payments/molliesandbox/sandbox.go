// Package molliesandbox is an in-memory HTTP server that speaks the subset of
// Mollie's v2 API that Derma2Go uses (payments, payment cancellation and
// payment refunds), plus a hosted checkout page on which a developer or a test
// decides how a payment ends. It is meant for `derma dev` and for tests, and
// is driven by the real Mollie Go client,
// github.com/VictorAvelar/mollie-api-go/v4.
//
// # Pointing the Mollie client at the sandbox
//
// The client (v4.16.0) has no configuration option or environment variable
// for its base URL: mollie.NewClient always starts from the constant
// mollie.BaseURL ("https://api.mollie.com/"), and the environment
// (MOLLIE_API_TOKEN / MOLLIE_ORG_TOKEN) only supplies the token. The base URL
// is the exported field (*mollie.Client).BaseURL, a *url.URL that is
// overwritten after construction. It must end with a slash, because requests
// are resolved relative to it ("v2/payments/tr_…"); without the slash every
// call fails with "malformed base url":
//
//	c, err := mollie.NewClient(nil, mollie.NewConfig(false, "")) // "": no token from the environment
//	if err != nil { … }
//	if err := c.WithAuthenticationValue("test_dev"); err != nil { … }
//	if c.BaseURL, err = url.Parse(sandboxURL + "/"); err != nil { … }
//
// derma2go/payments.New(apiKey, baseURL) does exactly this.
//
// # What the sandbox implements
//
//   - POST /v2/payments, GET /v2/payments/{id}, DELETE /v2/payments/{id}
//   - POST /v2/payments/{id}/refunds, GET /v2/payments/{id}/refunds,
//     GET /v2/payments/{id}/refunds/{refundId}
//
// Every API call needs "Authorization: Bearer test_…" (any test key is
// accepted; live keys are refused), otherwise it gets 401 in Mollie's error
// shape. Responses are application/hal+json with an explicit Content-Length
// (the client only decodes an error body when Content-Length is positive).
// All payments are visible to every test key; idempotency keys are scoped per
// API key.
//
// A POST that carries an Idempotency-Key header is answered once: a repeated
// POST with the same key and API key gets the stored first response byte for
// byte and creates nothing. Only successful (2xx) answers are stored: a
// request that failed created nothing, so retrying it is evaluated afresh.
// Reusing a key for a different method or path is refused with 422.
//
// Payments are created "open" and change only through the checkout page
// (GET/POST /checkout/{id}), (*Server).Complete, or DELETE (cancel while
// open). Open payments never expire by themselves. A status change made on
// the checkout page or through Complete is reported to the payment's
// webhookUrl by POSTing the form-encoded body id=<paymentId>, as Mollie does;
// a failed delivery is retried with exponential backoff. Cancelling through
// the API does not call the webhook: the caller already has the answer.
//
// Refunds are only accepted on paid payments and for at most the amount paid
// minus what was already refunded. They are created "pending" and settle to
// "refunded" after Options.RefundSettleAfter, after which the payment's
// webhook is called.
//
// # Keeping state across restarts
//
// A Server made by New keeps everything in memory. Open, given
// Options.StateFile, loads the state from that JSON file and writes it back
// after every change (atomically: temporary file, fsync, rename), so that a
// restarted `derma dev` still knows its payments, refunds and idempotency
// keys. Refunds left pending are settled after a restart; webhook calls that
// were still being retried are not resumed. See Open.
//
// For inspection, GET /sandbox/payments returns every payment with its
// refunds and webhook calls as JSON, (*Server).Payments returns the same
// snapshot, and GET / is a small HTML index with links to the checkout pages.
//
// The sandbox deliberately does not import derma2go/payments: it parses and
// formats amounts with its own strict code, so a bug in the wrapper's money
// conversion cannot hide behind the same bug in the fake.
package molliesandbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Payment statuses the sandbox uses.
const (
	StatusOpen     = "open"
	StatusPaid     = "paid"
	StatusFailed   = "failed"
	StatusCanceled = "canceled"
	StatusExpired  = "expired"
)

// Refund statuses the sandbox uses.
const (
	RefundPending  = "pending"
	RefundRefunded = "refunded"
)

// Defaults for Options fields left zero.
const (
	DefaultWebhookAttempts   = 5
	DefaultWebhookRetryDelay = time.Second
)

// Errors returned by (*Server).Complete.
var (
	ErrUnknownPayment = errors.New("molliesandbox: unknown payment")
	ErrNotOpen        = errors.New("molliesandbox: payment is not open")
	ErrInvalidStatus  = errors.New("molliesandbox: invalid final status (want paid, failed, canceled or expired)")
)

// Options configures a Server. The zero value is usable.
type Options struct {
	// PublicURL is the base URL (scheme, host, optional path, no trailing
	// slash needed) under which the sandbox is reachable; it is used in
	// checkout links and in the _links of API responses. Empty means: derive
	// it from each API request's Host header, which suits httptest servers
	// whose URL is only known after the handler is built.
	PublicURL string
	// HTTPClient sends the webhook calls. Nil means a client with a 10 s
	// timeout.
	HTTPClient *http.Client
	// Logger receives webhook and state-change logs. Nil means slog.Default().
	Logger *slog.Logger
	// RefundSettleAfter is how long a refund stays "pending" before it
	// becomes "refunded" and the payment's webhook is called. Zero settles
	// immediately after creation (asynchronously); a negative value never
	// settles.
	RefundSettleAfter time.Duration
	// WebhookAttempts is how many times a webhook call is tried before the
	// sandbox gives up. Zero means DefaultWebhookAttempts.
	WebhookAttempts int
	// WebhookRetryDelay is the wait before the second attempt; it doubles
	// after every further failure. Zero means DefaultWebhookRetryDelay.
	WebhookRetryDelay time.Duration
	// StateFile is the JSON file in which Open keeps the sandbox's state
	// between runs; its directory must exist. Only Open uses it: New panics
	// when it is set, rather than silently forgetting payments.
	StateFile string
	// Apps are the OAuth apps (Mollie Connect) the sandbox knows; see
	// connect.go.
	Apps []App
	// AccessTokenTTL is the lifetime of OAuth access tokens; zero means
	// DefaultAccessTokenTTL.
	AccessTokenTTL time.Duration
}

// Amount is a Mollie amount: an ISO 4217 currency code and a decimal string
// with the currency's decimals, such as {"EUR", "10.00"}.
type Amount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

// Payment is a snapshot of one sandbox payment with its refunds and webhook
// calls, as returned by (*Server).Payments and GET /sandbox/payments.
type Payment struct {
	ID             string          `json:"id"`
	Status         string          `json:"status"`
	Amount         Amount          `json:"amount"`
	AmountRefunded Amount          `json:"amountRefunded"`
	Description    string          `json:"description"`
	RedirectURL    string          `json:"redirectUrl"`
	CancelURL      string          `json:"cancelUrl,omitempty"`
	WebhookURL     string          `json:"webhookUrl,omitempty"`
	CheckoutURL    string          `json:"checkoutUrl"`
	Metadata       json.RawMessage `json:"metadata,omitempty"`
	CreatedAt      time.Time       `json:"createdAt"`
	PaidAt         *time.Time      `json:"paidAt,omitempty"`
	CanceledAt     *time.Time      `json:"canceledAt,omitempty"`
	ExpiredAt      *time.Time      `json:"expiredAt,omitempty"`
	FailedAt       *time.Time      `json:"failedAt,omitempty"`
	Refunds        []Refund        `json:"refunds"`
	Webhooks       []WebhookCall   `json:"webhooks"`
	// OrganizationID is the connected organisation the payment was created
	// for with an OAuth token; "" for the platform's own payments.
	OrganizationID string `json:"organizationId,omitempty"`
	// ApplicationFee is the platform's fee on a connected payment, or nil.
	ApplicationFee *Amount `json:"applicationFee,omitempty"`
}

// Refund is a snapshot of one refund of a sandbox payment.
type Refund struct {
	ID          string     `json:"id"`
	PaymentID   string     `json:"paymentId"`
	Status      string     `json:"status"`
	Amount      Amount     `json:"amount"`
	Description string     `json:"description,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
	RefundedAt  *time.Time `json:"refundedAt,omitempty"`
}

// WebhookCall records one attempt to call a payment's webhook.
type WebhookCall struct {
	At         time.Time `json:"at"`
	URL        string    `json:"url"`
	Attempt    int       `json:"attempt"`
	StatusCode int       `json:"statusCode,omitempty"`
	Error      string    `json:"error,omitempty"`
}

// Server is the sandbox. Create it with New, or with Open to keep its state
// in a file; it is safe for concurrent use.
type Server struct {
	opts      Options
	log       *slog.Logger
	hc        *http.Client
	handler   http.Handler
	stateFile string // set by Open before first use; "" keeps no file

	saveMu  sync.Mutex    // serializes writes of the state file
	written atomic.Uint64 // value of gen last written to the state file

	ctx    context.Context // cancelled by Close; bounds background work
	cancel context.CancelFunc
	wg     sync.WaitGroup // background goroutines (settlements, webhook retries)

	mu       sync.Mutex // guards everything below
	closed   bool
	gen      uint64 // bumped by every change of the saved state
	payments map[string]*payment
	order    []*payment // creation order
	idem     map[idemKey]*storedResponse
	orgs     map[string]*organization
	tokens   map[string]*oauthToken
	codes    map[string]*authCode // not saved: short-lived
}

// payment is the sandbox's record of one payment.
type payment struct {
	id          string
	amount      int64 // in minor units of currency
	currency    string
	description string
	redirectURL string
	cancelURL   string
	webhookURL  string
	metadata    []byte // raw JSON, nil when absent
	status      string
	base        string // public base URL at creation, for links
	createdAt   time.Time
	expiresAt   time.Time
	paidAt      *time.Time
	canceledAt  *time.Time
	expiredAt   *time.Time
	failedAt    *time.Time
	refunds     []*refund
	webhooks    []WebhookCall
	org         string // connected organisation, "" for the platform
	profileID   string // the organisation's profile, "" for the platform
	feeAmount   int64  // application fee in minor units, 0 for none
	feeDesc     string
}

// refund is the sandbox's record of one refund.
type refund struct {
	id          string
	paymentID   string
	amount      int64
	currency    string
	description string
	metadata    []byte
	status      string
	createdAt   time.Time
	refundedAt  *time.Time
}

// maxWebhookLog bounds the webhook calls remembered per payment.
const maxWebhookLog = 50

// New returns a sandbox configured by opts whose state lives in memory only.
// It panics if opts.StateFile is set: use Open for that.
func New(opts Options) *Server {
	if opts.StateFile != "" {
		panic("molliesandbox: New does not use Options.StateFile; call Open")
	}
	return newServer(opts)
}

// newServer builds a Server without loading any state.
func newServer(opts Options) *Server {
	if opts.WebhookAttempts <= 0 {
		opts.WebhookAttempts = DefaultWebhookAttempts
	}
	if opts.WebhookRetryDelay <= 0 {
		opts.WebhookRetryDelay = DefaultWebhookRetryDelay
	}
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	s := &Server{
		opts:     opts,
		log:      opts.Logger,
		hc:       opts.HTTPClient,
		payments: make(map[string]*payment),
		idem:     make(map[idemKey]*storedResponse),
		orgs:     make(map[string]*organization),
		tokens:   make(map[string]*oauthToken),
		codes:    make(map[string]*authCode),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.hc == nil {
		s.hc = &http.Client{Timeout: 10 * time.Second}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.handler = s.routes()
	return s
}

// Handler returns the HTTP handler serving the API, the checkout pages and
// the inspection endpoints.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops pending refund settlements and webhook retries and waits for
// the background goroutines to end. The handler keeps answering afterwards
// (and a server made by Open keeps saving changes), but no new background
// work is started. With a state file, Close retries a write that failed
// earlier; refunds still pending are settled by the next Open.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	s.persist()
}

// ForgetIdempotencyKeys drops every stored idempotent answer, as Mollie does
// once a key is older than its retention period: a POST repeated with a
// known key afterwards creates something new. Tests use it to check that
// callers do not rely on Mollie remembering keys for ever.
func (s *Server) ForgetIdempotencyKeys() {
	s.mu.Lock()
	clear(s.idem)
	s.gen++
	s.mu.Unlock()
	s.persist()
}

// Payments returns a snapshot of every payment, oldest first, with its
// refunds (oldest first) and webhook calls.
func (s *Server) Payments() []Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Payment, 0, len(s.order))
	for _, p := range s.order {
		out = append(out, p.snapshot())
	}
	return out
}

// Complete moves an open payment to status (paid, failed, canceled or
// expired), exactly as the buttons of the checkout page do, and then calls the
// payment's webhook. The first webhook attempt is made before Complete
// returns, bounded by ctx; if it fails, the remaining attempts continue in the
// background. A webhook failure is logged, not returned: Mollie does not tell
// the customer either. With a state file, the new status is saved before the
// webhook is called.
func (s *Server) Complete(ctx context.Context, paymentID, status string) error {
	hook, _, err := s.finish(paymentID, status)
	if err != nil {
		return err
	}
	s.persist()
	s.notify(ctx, paymentID, hook)
	return nil
}

// finish applies a final status to an open payment and returns its webhook
// and redirect URLs.
func (s *Server) finish(paymentID, status string) (hook, redirect string, err error) {
	switch status {
	case StatusPaid, StatusFailed, StatusCanceled, StatusExpired:
	default:
		return "", "", fmt.Errorf("%w: %q", ErrInvalidStatus, status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[paymentID]
	if !ok {
		return "", "", fmt.Errorf("%w: %q", ErrUnknownPayment, paymentID)
	}
	if p.status != StatusOpen {
		return "", "", fmt.Errorf("%w: %s is %s", ErrNotOpen, paymentID, p.status)
	}
	now := now()
	p.status = status
	s.gen++
	switch status {
	case StatusPaid:
		p.paidAt = &now
	case StatusFailed:
		p.failedAt = &now
	case StatusCanceled:
		p.canceledAt = &now
	case StatusExpired:
		p.expiredAt = &now
	}
	s.log.Info("mollie sandbox: payment status changed", "payment", paymentID, "status", status)
	return p.webhookURL, p.redirectURL, nil
}

// spawnLocked runs fn in a tracked background goroutine bound to the
// server's lifetime. The caller holds s.mu. It reports false after Close.
func (s *Server) spawnLocked(fn func(ctx context.Context)) bool {
	if s.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn(s.ctx)
	}()
	return true
}

// spawn is spawnLocked for callers that do not hold s.mu.
func (s *Server) spawn(fn func(ctx context.Context)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.spawnLocked(fn)
}

// snapshot copies p into its exported form. The caller holds s.mu.
func (p *payment) snapshot() Payment {
	out := Payment{
		ID:             p.id,
		Status:         p.status,
		Amount:         Amount{Currency: p.currency, Value: formatValue(p.amount, p.currency)},
		AmountRefunded: Amount{Currency: p.currency, Value: formatValue(p.refundedAmount(), p.currency)},
		Description:    p.description,
		RedirectURL:    p.redirectURL,
		CancelURL:      p.cancelURL,
		WebhookURL:     p.webhookURL,
		CheckoutURL:    p.checkoutURL(),
		Metadata:       bytes.Clone(p.metadata),
		CreatedAt:      p.createdAt,
		PaidAt:         copyTime(p.paidAt),
		CanceledAt:     copyTime(p.canceledAt),
		ExpiredAt:      copyTime(p.expiredAt),
		FailedAt:       copyTime(p.failedAt),
		Refunds:        make([]Refund, 0, len(p.refunds)),
		Webhooks:       append([]WebhookCall{}, p.webhooks...),
		OrganizationID: p.org,
	}
	if p.feeAmount > 0 {
		out.ApplicationFee = &Amount{Currency: p.currency, Value: formatValue(p.feeAmount, p.currency)}
	}
	for _, r := range p.refunds {
		out.Refunds = append(out.Refunds, Refund{
			ID:          r.id,
			PaymentID:   r.paymentID,
			Status:      r.status,
			Amount:      Amount{Currency: r.currency, Value: formatValue(r.amount, r.currency)},
			Description: r.description,
			CreatedAt:   r.createdAt,
			RefundedAt:  copyTime(r.refundedAt),
		})
	}
	return out
}

// refundedAmount is the sum of the payment's refunds that still count (all
// of them: the sandbox never fails or cancels a refund).
func (p *payment) refundedAmount() int64 {
	var sum int64
	for _, r := range p.refunds {
		sum += r.amount
	}
	return sum
}

// checkoutURL is the hosted checkout page of p.
func (p *payment) checkoutURL() string { return p.base + "/checkout/" + p.id }

// now is the sandbox's clock: UTC, whole seconds, like Mollie's timestamps.
func now() time.Time { return time.Now().UTC().Truncate(time.Second) }

// copyTime returns a pointer to a copy of *t, or nil.
func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// idAlphabet holds the characters of generated ids.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newID returns prefix followed by 10 random alphanumeric characters, like
// Mollie's "tr_WDqYK6vllg".
func newID(prefix string) string {
	const n = 10
	out := make([]byte, 0, len(prefix)+n)
	out = append(out, prefix...)
	var buf [32]byte
	for len(out) < len(prefix)+n {
		// crypto/rand.Read never returns an error (it crashes the program
		// instead), see its documentation.
		_, _ = rand.Read(buf[:])
		for _, b := range buf {
			// Reject bytes that would bias the distribution.
			if int(b) >= 256-256%len(idAlphabet) {
				continue
			}
			out = append(out, idAlphabet[int(b)%len(idAlphabet)])
			if len(out) == len(prefix)+n {
				break
			}
		}
	}
	return string(out)
}
