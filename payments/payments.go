// Package payments is Derma2Go's wrapper around Mollie's payments API, built
// on the Go client github.com/VictorAvelar/mollie-api-go/v4. The rest of the
// application uses this package only: amounts are int64 cents, statuses are
// plain strings, unknown or forged ids are ErrNotFound, and every other API
// failure is an *APIError wrapped with the operation that failed.
//
// The Mollie client has no setting for its base URL; New overwrites the
// client's exported BaseURL field (which must end in "/") when a base URL is
// given, so the same code talks to api.mollie.com in production and to
// derma2go/payments/molliesandbox in development and tests.
package payments

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/VictorAvelar/mollie-api-go/v4/mollie"
)

// Payment statuses, as Mollie reports them.
const (
	StatusOpen       = "open"
	StatusPending    = "pending"
	StatusAuthorized = "authorized"
	StatusPaid       = "paid"
	StatusCanceled   = "canceled"
	StatusExpired    = "expired"
	StatusFailed     = "failed"
)

// Refund statuses, as Mollie reports them.
const (
	RefundQueued     = "queued"
	RefundPending    = "pending"
	RefundProcessing = "processing"
	RefundRefunded   = "refunded"
	RefundFailed     = "failed"
	RefundCanceled   = "canceled"
)

// DefaultCurrency is used when CreatePayment.Currency is empty.
const DefaultCurrency = "EUR"

// metadataConsultationID is the metadata key holding the consultation id.
const metadataConsultationID = "consultation_id"

// metadataIdempotencyKey is the refund metadata key holding the
// idempotency key the refund was created with.
const metadataIdempotencyKey = "idempotency_key"

// requestTimeout bounds one HTTP exchange with Mollie (the caller's context
// may end it earlier).
const requestTimeout = 30 * time.Second

// maxRefundPages bounds the pages ListRefunds follows.
const maxRefundPages = 100

// ErrNotFound is returned (wrapped) when Mollie does not know the payment or
// refund, and for ids that cannot be Mollie ids at all (such as a forged id
// from a webhook), which are rejected without calling Mollie.
var ErrNotFound = errors.New("payments: not found")

// ErrUnreachable is matched (errors.Is) by a call that got no answer from
// Mollie at all: no connection, a connection broken mid-exchange, no answer
// within the request timeout. The caller's own context ending matches it
// too (the transport cannot tell); callers tell that case by their context.
var ErrUnreachable = errors.New("payments: Mollie unreachable")

// APIError is an error answer from the Mollie API. A 404 or 410 answer
// matches ErrNotFound with errors.Is. It never contains the API key.
type APIError struct {
	// StatusCode is the HTTP status, such as 401 or 422.
	StatusCode int
	// Title is Mollie's short title, such as "Unprocessable Entity".
	Title string
	// Detail is Mollie's explanation.
	Detail string
	// Field names the request field at fault, if Mollie said so.
	Field string
}

// Error describes the answer.
func (e *APIError) Error() string {
	msg := fmt.Sprintf("mollie: %d %s: %s", e.StatusCode, e.Title, e.Detail)
	if e.Field != "" {
		msg += " (field " + e.Field + ")"
	}
	return msg
}

// Is makes a 404 or 410 answer match ErrNotFound.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && (e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusGone)
}

// CreatePayment describes a payment to create.
type CreatePayment struct {
	// AmountCents is the amount to pay in cents; it must be positive.
	AmountCents int64
	// Currency is an ISO 4217 code with two decimals; empty means EUR.
	Currency string
	// Description is shown to the patient and on bank statements.
	Description string
	// RedirectURL is where Mollie sends the patient after the checkout.
	RedirectURL string
	// WebhookURL is where Mollie POSTs id=<paymentId> on status changes.
	WebhookURL string
	// ConsultationID is stored in the payment's metadata.
	ConsultationID string
	// IdempotencyKey, when set, makes a retried call return the payment
	// created by the first one instead of creating another.
	IdempotencyKey string
	// ApplicationFeeCents is the platform's fee (Mollie Connect): only for
	// a connected account's client, at most AmountCents; 0 means none.
	ApplicationFeeCents int64
	// ApplicationFeeDescription describes the fee on the account's
	// statement.
	ApplicationFeeDescription string
}

// Payment is a Mollie payment as Derma2Go sees it.
type Payment struct {
	// ID is Mollie's id, "tr_…".
	ID string
	// Status is one of the Status constants.
	Status string
	// AmountCents is the amount of the payment.
	AmountCents int64
	// AmountRefundedCents is what has been refunded so far (zero until paid).
	AmountRefundedCents int64
	// Currency is the ISO 4217 code of both amounts.
	Currency string
	// CheckoutURL is the hosted checkout page; empty once the payment is no
	// longer open.
	CheckoutURL string
	// ConsultationID is read back from the payment's metadata.
	ConsultationID string
	// PaidAt is when the payment was paid, or nil.
	PaidAt *time.Time
	// ApplicationFeeCents is the platform's fee on a connected payment.
	ApplicationFeeCents int64
}

// Refund is a Mollie refund of a payment.
type Refund struct {
	// ID is Mollie's id, "re_…".
	ID string
	// PaymentID is the refunded payment.
	PaymentID string
	// Status is one of the Refund constants.
	Status string
	// AmountCents is the refunded amount, in the payment's currency.
	AmountCents int64
	// IdempotencyKey is the key the refund was created with, read back
	// from its metadata ("" for a refund made elsewhere). Mollie forgets
	// Idempotency-Key headers after a while; the metadata stays, so a
	// caller can find the refund a lost answer created (ListRefunds).
	IdempotencyKey string
}

// Client calls Mollie. It is safe for concurrent use.
type Client struct {
	mc     *mollie.Client
	apiKey string
	// profileID is set for a connected account's client (an OAuth access
	// token, see Connect.Client): its payments are made on that profile.
	profileID string
}

// New returns a Client authenticating with apiKey ("test_…" or "live_…").
// An empty baseURL means Mollie's real API (https://api.mollie.com/);
// otherwise it is the absolute http(s) URL of a Mollie-compatible server,
// such as the sandbox, with or without a trailing slash.
func New(apiKey, baseURL string) (*Client, error) {
	return newClient(apiKey, baseURL, false)
}

// newClient is New for an API key or an access token; testmode makes the
// Mollie client ask for test mode on every call with an access token.
func newClient(apiKey, baseURL string, testmode bool) (*Client, error) {
	apiKey = strings.TrimSpace(apiKey)
	if apiKey == "" {
		return nil, errors.New("payments: empty Mollie API key")
	}
	hc := &http.Client{
		Timeout:   requestTimeout,
		Transport: &idempotencyTransport{base: http.DefaultTransport},
	}
	// An empty auth variable name keeps the client from reading a token
	// from the environment: the key comes from our configuration only.
	mc, err := mollie.NewClient(hc, mollie.NewConfig(testmode, ""))
	if err != nil {
		return nil, fmt.Errorf("payments: creating Mollie client: %w", err)
	}
	if err := mc.WithAuthenticationValue(apiKey); err != nil {
		return nil, fmt.Errorf("payments: setting Mollie API key: %w", err)
	}
	if baseURL != "" {
		u, err := parseBaseURL(baseURL)
		if err != nil {
			return nil, err
		}
		mc.BaseURL = u
	}
	return &Client{mc: mc, apiKey: apiKey}, nil
}

// parseBaseURL validates a Mollie base URL and gives it the trailing slash
// the client needs.
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("payments: invalid Mollie base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("payments: invalid Mollie base URL %q: want an absolute http(s) URL without query", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, nil
}

// CreatePayment creates an open payment; send the patient to its
// CheckoutURL.
func (c *Client) CreatePayment(ctx context.Context, in CreatePayment) (Payment, error) {
	const op = "create payment"
	if in.AmountCents <= 0 {
		return Payment{}, fmt.Errorf("payments: %s: amount must be positive, got %d cents", op, in.AmountCents)
	}
	currency := in.Currency
	if currency == "" {
		currency = DefaultCurrency
	}
	if !validCurrency(currency) {
		return Payment{}, fmt.Errorf("payments: %s: invalid currency %q", op, currency)
	}
	req := mollie.CreatePayment{
		Amount:      &mollie.Amount{Currency: currency, Value: FormatCents(in.AmountCents)},
		Description: in.Description,
		RedirectURL: in.RedirectURL,
		WebhookURL:  in.WebhookURL,
	}
	if in.ConsultationID != "" {
		req.Metadata = map[string]string{metadataConsultationID: in.ConsultationID}
	}
	if c.profileID != "" {
		req.ProfileID = c.profileID
	}
	switch {
	case in.ApplicationFeeCents < 0 || in.ApplicationFeeCents > in.AmountCents:
		return Payment{}, fmt.Errorf("payments: %s: application fee of %d cents outside 0..%d", op, in.ApplicationFeeCents, in.AmountCents)
	case in.ApplicationFeeCents > 0 && c.profileID == "":
		return Payment{}, fmt.Errorf("payments: %s: an application fee needs a connected account", op)
	case in.ApplicationFeeCents > 0:
		desc := in.ApplicationFeeDescription
		if desc == "" {
			desc = "Derma2Go"
		}
		req.ApplicationFee = &mollie.ApplicationFee{
			Amount: &mollie.Amount{Currency: currency, Value: FormatCents(in.ApplicationFeeCents)}, Description: desc,
		}
	}
	res, p, err := c.mc.Payments.Create(withIdempotencyKey(ctx, in.IdempotencyKey), req, nil)
	if err != nil {
		return Payment{}, c.wrap(op, res, err)
	}
	return toPayment(op, p)
}

// GetPayment fetches a payment. This is how a webhook's id is turned into
// trusted state.
func (c *Client) GetPayment(ctx context.Context, id string) (Payment, error) {
	const op = "get payment"
	if !validID(id, "tr_") {
		return Payment{}, fmt.Errorf("payments: %s %q: %w", op, id, ErrNotFound)
	}
	res, p, err := c.mc.Payments.Get(ctx, id, nil)
	if err != nil {
		return Payment{}, c.wrap(op+" "+id, res, err)
	}
	return toPayment(op, p)
}

// CancelPayment cancels an open payment. Mollie refuses (an *APIError with
// status 422) once the payment is no longer open.
func (c *Client) CancelPayment(ctx context.Context, id string) error {
	const op = "cancel payment"
	if !validID(id, "tr_") {
		return fmt.Errorf("payments: %s %q: %w", op, id, ErrNotFound)
	}
	res, _, err := c.mc.Payments.Cancel(ctx, id)
	if err != nil {
		return c.wrap(op+" "+id, res, err)
	}
	return nil
}

// CreateRefund refunds amountCents of a paid payment, in the payment's
// currency. Mollie refuses (an *APIError with status 422) more than the
// amount paid minus what was already refunded. With an idempotencyKey, a
// retried call returns the refund created by the first one as long as
// Mollie remembers the key; the key is also stored in the refund's
// metadata (Refund.IdempotencyKey) for finding it later.
func (c *Client) CreateRefund(ctx context.Context, paymentID string, amountCents int64, description, idempotencyKey string) (Refund, error) {
	op := "create refund of " + paymentID
	if !validID(paymentID, "tr_") {
		return Refund{}, fmt.Errorf("payments: %s: %w", op, ErrNotFound)
	}
	if amountCents <= 0 {
		return Refund{}, fmt.Errorf("payments: %s: amount must be positive, got %d cents", op, amountCents)
	}
	// The refund must be in the payment's currency, which the caller does
	// not pass: read it from Mollie.
	res, p, err := c.mc.Payments.Get(ctx, paymentID, nil)
	if err != nil {
		return Refund{}, c.wrap(op+": reading the payment", res, err)
	}
	if p == nil || p.Amount == nil || p.Amount.Currency == "" {
		return Refund{}, fmt.Errorf("payments: %s: Mollie's payment has no currency", op)
	}
	req := mollie.CreatePaymentRefund{
		Amount:      &mollie.Amount{Currency: p.Amount.Currency, Value: FormatCents(amountCents)},
		Description: description,
	}
	if idempotencyKey != "" {
		req.Metadata = map[string]string{metadataIdempotencyKey: idempotencyKey}
	}
	res, rf, err := c.mc.Refunds.CreatePaymentRefund(withIdempotencyKey(ctx, idempotencyKey), paymentID, req, nil)
	if err != nil {
		return Refund{}, c.wrap(op, res, err)
	}
	return toRefund(op, paymentID, rf)
}

// GetRefund fetches one refund of a payment.
func (c *Client) GetRefund(ctx context.Context, paymentID, refundID string) (Refund, error) {
	op := "get refund " + refundID + " of " + paymentID
	if !validID(paymentID, "tr_") || !validID(refundID, "re_") {
		return Refund{}, fmt.Errorf("payments: get refund %q of %q: %w", refundID, paymentID, ErrNotFound)
	}
	res, rf, err := c.mc.Refunds.GetPaymentRefund(ctx, paymentID, refundID, nil)
	if err != nil {
		return Refund{}, c.wrap(op, res, err)
	}
	return toRefund(op, paymentID, rf)
}

// ListRefunds returns every refund of a payment, in Mollie's order (newest
// first), following Mollie's pagination.
func (c *Client) ListRefunds(ctx context.Context, paymentID string) ([]Refund, error) {
	op := "list refunds of " + paymentID
	if !validID(paymentID, "tr_") {
		return nil, fmt.Errorf("payments: list refunds of %q: %w", paymentID, ErrNotFound)
	}
	opts := &mollie.ListRefundsOptions{Limit: 250}
	out := []Refund{}
	for range maxRefundPages {
		rl, err := c.listRefundsPage(ctx, op, paymentID, opts)
		if err != nil {
			return nil, err
		}
		for _, rf := range rl.Embedded.Refunds {
			r, err := toRefund(op, paymentID, rf)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		from, err := nextCursor(rl.Links.Next)
		if err != nil {
			return nil, fmt.Errorf("payments: %s: %w", op, err)
		}
		if from == "" {
			return out, nil
		}
		opts = &mollie.ListRefundsOptions{Limit: opts.Limit, From: from}
	}
	return nil, fmt.Errorf("payments: %s: more than %d pages", op, maxRefundPages)
}

// listRefundsPage fetches one page of refunds.
func (c *Client) listRefundsPage(ctx context.Context, op, paymentID string, opts *mollie.ListRefundsOptions) (*mollie.RefundsList, error) {
	res, rl, err := c.mc.Refunds.ListPaymentRefunds(ctx, paymentID, opts)
	if err != nil {
		return nil, c.wrap(op, res, err)
	}
	if rl == nil {
		return nil, fmt.Errorf("payments: %s: empty answer from Mollie", op)
	}
	return rl, nil
}

// nextCursor extracts the "from" cursor of a next-page link ("" if none).
func nextCursor(next *mollie.URL) (string, error) {
	if next == nil || next.Href == "" {
		return "", nil
	}
	u, err := url.Parse(next.Href)
	if err != nil {
		return "", fmt.Errorf("invalid next-page link: %w", err)
	}
	from := u.Query().Get("from")
	if from == "" {
		return "", fmt.Errorf("next-page link %q has no cursor", next.Href)
	}
	return from, nil
}

// wrap turns a failed client call into our error: *APIError for an answer
// from Mollie, the client's error otherwise, never containing the API key.
func (c *Client) wrap(op string, res *mollie.Response, err error) error {
	var be *mollie.BaseError
	switch {
	case errors.As(err, &be):
		return fmt.Errorf("payments: %s: %w", op, &APIError{
			StatusCode: be.Status,
			Title:      c.redact(be.Title),
			Detail:     c.redact(be.Detail),
			Field:      c.redact(be.Field),
		})
	case res != nil && res.Response != nil && res.StatusCode >= http.StatusMultipleChoices:
		// An error answer whose body is not a Mollie error object (a proxy's
		// HTML page, say): keep the status, drop the body.
		return fmt.Errorf("payments: %s: %w", op, &APIError{
			StatusCode: res.StatusCode,
			Title:      http.StatusText(res.StatusCode),
			Detail:     "the answer is not a Mollie error object",
		})
	}
	if c.apiKey != "" && strings.Contains(err.Error(), c.apiKey) {
		// Never expected (the key travels in a header), but a key must not
		// reach a log through an error message.
		return fmt.Errorf("payments: %s: %s", op, c.redact(err.Error()))
	}
	if transportFailed(err) {
		return fmt.Errorf("payments: %s: %w: %w", op, ErrUnreachable, err)
	}
	return fmt.Errorf("payments: %s: %w", op, err)
}

// transportFailed reports whether err is the HTTP client's failure to
// exchange a request (*url.Error: dial, TLS, a broken connection, the
// client's timeout) rather than a bad answer.
func transportFailed(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue)
}

// redact removes the API key from s.
func (c *Client) redact(s string) string {
	return strings.ReplaceAll(s, c.apiKey, "[redacted]")
}

// toPayment converts the client's payment.
func toPayment(op string, p *mollie.Payment) (Payment, error) {
	if p == nil || p.ID == "" {
		return Payment{}, fmt.Errorf("payments: %s: empty payment in Mollie's answer", op)
	}
	if p.Amount == nil {
		return Payment{}, fmt.Errorf("payments: %s: payment %s has no amount", op, p.ID)
	}
	amount, err := ParseCents(p.Amount.Value)
	if err != nil {
		return Payment{}, fmt.Errorf("payments: %s: payment %s: %w", op, p.ID, err)
	}
	out := Payment{
		ID:          p.ID,
		Status:      p.Status,
		AmountCents: amount,
		Currency:    p.Amount.Currency,
		PaidAt:      p.PaidAt,
	}
	if p.AmountRefunded != nil {
		out.AmountRefundedCents, err = ParseCents(p.AmountRefunded.Value)
		if err != nil {
			return Payment{}, fmt.Errorf("payments: %s: payment %s: refunded: %w", op, p.ID, err)
		}
	}
	if p.Links.Checkout != nil {
		out.CheckoutURL = p.Links.Checkout.Href
	}
	if p.ApplicationFee != nil && p.ApplicationFee.Amount != nil {
		out.ApplicationFeeCents, err = ParseCents(p.ApplicationFee.Amount.Value)
		if err != nil {
			return Payment{}, fmt.Errorf("payments: %s: payment %s: application fee: %w", op, p.ID, err)
		}
	}
	if m, ok := p.Metadata.(map[string]any); ok {
		out.ConsultationID, _ = m[metadataConsultationID].(string)
	}
	return out, nil
}

// toRefund converts the client's refund.
func toRefund(op, paymentID string, rf *mollie.Refund) (Refund, error) {
	if rf == nil || rf.ID == "" {
		return Refund{}, fmt.Errorf("payments: %s: empty refund in Mollie's answer", op)
	}
	if rf.Amount == nil {
		return Refund{}, fmt.Errorf("payments: %s: refund %s has no amount", op, rf.ID)
	}
	amount, err := ParseCents(rf.Amount.Value)
	if err != nil {
		return Refund{}, fmt.Errorf("payments: %s: refund %s: %w", op, rf.ID, err)
	}
	out := Refund{ID: rf.ID, PaymentID: rf.PaymentID, Status: string(rf.Status), AmountCents: amount}
	if m, ok := rf.Metadata.(map[string]any); ok {
		out.IdempotencyKey, _ = m[metadataIdempotencyKey].(string)
	}
	if out.PaymentID == "" {
		out.PaymentID = paymentID
	}
	return out, nil
}

// validID reports whether id can be a Mollie id with prefix: the prefix then
// 1 to 64 ASCII letters or digits. Anything else (slashes, dots, query
// characters) could steer the request to another path and is refused before
// any call.
func validID(id, prefix string) bool {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || rest == "" || len(rest) > 64 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		b := rest[i]
		if (b < 'a' || b > 'z') && (b < 'A' || b > 'Z') && (b < '0' || b > '9') {
			return false
		}
	}
	return true
}

// validCurrency reports whether s looks like an ISO 4217 code.
func validCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// idempotencyKeyCtx is the context key holding a call's idempotency key.
type idempotencyKeyCtx struct{}

// withIdempotencyKey returns ctx carrying key ("" leaves ctx unchanged).
func withIdempotencyKey(ctx context.Context, key string) context.Context {
	if key == "" {
		return ctx
	}
	return context.WithValue(ctx, idempotencyKeyCtx{}, key)
}

// idempotencyTransport sets the Idempotency-Key header of a POST from the
// request's context. The Mollie client can only generate keys itself (one
// generator per client, no per-call value), while our keys must be chosen by
// the caller so that retries of one business operation share them.
type idempotencyTransport struct {
	base http.RoundTripper
}

// RoundTrip adds the header, on a copy of the request, and sends it.
func (t *idempotencyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	key, _ := req.Context().Value(idempotencyKeyCtx{}).(string)
	if key == "" || req.Method != http.MethodPost {
		return t.base.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Set(mollie.IdempotencyKeyHeader, key)
	return t.base.RoundTrip(r)
}
