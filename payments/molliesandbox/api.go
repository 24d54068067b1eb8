package molliesandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// halJSON is the content type of every API response, errors included.
const halJSON = "application/hal+json"

// maxBodyBytes bounds API request bodies.
const maxBodyBytes = 64 << 10

// maxMetadataBytes is Mollie's limit on the size of metadata.
const maxMetadataBytes = 1024

// maxDescription is Mollie's limit on the length of a description.
const maxDescription = 255

// paymentLifetime is how long an open payment would stay payable at Mollie;
// the sandbox only reports it as expiresAt.
const paymentLifetime = 15 * time.Minute

// Documentation links put in _links, as Mollie does.
const (
	docErrors   = "https://docs.mollie.com/overview/handling-errors"
	docAuth     = "https://docs.mollie.com/overview/authentication"
	docPayment  = "https://docs.mollie.com/reference/get-payment"
	docRefund   = "https://docs.mollie.com/reference/get-refund"
	docRefunds  = "https://docs.mollie.com/reference/list-refunds"
	profileID   = "pfl_sandbox0000"
	listDefault = 50
	listMax     = 250
)

// idemKey identifies a stored response: idempotency keys are per API key.
type idemKey struct {
	apiKey string
	key    string
}

// storedResponse is the first answer to an idempotent POST.
type storedResponse struct {
	method string
	path   string
	resp   apiResponse
}

// apiRequest is what an API handler gets: the request, its already read body
// and the public base URL for links.
type apiRequest struct {
	r    *http.Request
	body []byte
	base string
	acct account
}

// apiResponse is a complete API answer, kept as bytes so that it can be
// replayed exactly for a repeated idempotent request.
type apiResponse struct {
	status int
	body   []byte
}

// apiHandler answers one API call. It runs with s.mu held.
type apiHandler func(req apiRequest) apiResponse

// link is a HAL link.
type link struct {
	Href string `json:"href"`
	Type string `json:"type"`
}

// amountJSON is Mollie's amount object.
type amountJSON struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

// errorJSON is Mollie's error object.
type errorJSON struct {
	Status int             `json:"status"`
	Title  string          `json:"title"`
	Detail string          `json:"detail"`
	Field  string          `json:"field,omitempty"`
	Links  map[string]link `json:"_links"`
}

// paymentJSON is Mollie's payment object, as far as the sandbox fills it.
type paymentJSON struct {
	Resource        string              `json:"resource"`
	ID              string              `json:"id"`
	Mode            string              `json:"mode"`
	CreatedAt       string              `json:"createdAt"`
	Amount          amountJSON          `json:"amount"`
	AmountRefunded  *amountJSON         `json:"amountRefunded,omitempty"`
	AmountRemaining *amountJSON         `json:"amountRemaining,omitempty"`
	Description     string              `json:"description"`
	Method          *string             `json:"method"`
	Metadata        json.RawMessage     `json:"metadata"`
	Status          string              `json:"status"`
	IsCancelable    bool                `json:"isCancelable"`
	ExpiresAt       string              `json:"expiresAt,omitempty"`
	PaidAt          string              `json:"paidAt,omitempty"`
	CanceledAt      string              `json:"canceledAt,omitempty"`
	ExpiredAt       string              `json:"expiredAt,omitempty"`
	FailedAt        string              `json:"failedAt,omitempty"`
	ProfileID       string              `json:"profileId"`
	SequenceType    string              `json:"sequenceType"`
	RedirectURL     string              `json:"redirectUrl"`
	CancelURL       string              `json:"cancelUrl,omitempty"`
	WebhookURL      string              `json:"webhookUrl,omitempty"`
	ApplicationFee  *applicationFeeJSON `json:"applicationFee,omitempty"`
	Links           map[string]link     `json:"_links"`
}

// refundJSON is Mollie's refund object.
type refundJSON struct {
	Resource         string          `json:"resource"`
	ID               string          `json:"id"`
	Mode             string          `json:"mode"`
	Amount           amountJSON      `json:"amount"`
	SettlementAmount amountJSON      `json:"settlementAmount"`
	Status           string          `json:"status"`
	CreatedAt        string          `json:"createdAt"`
	Description      string          `json:"description"`
	Metadata         json.RawMessage `json:"metadata"`
	PaymentID        string          `json:"paymentId"`
	Links            map[string]link `json:"_links"`
}

// refundListJSON is Mollie's paginated list of refunds.
type refundListJSON struct {
	Count    int `json:"count"`
	Embedded struct {
		Refunds []refundJSON `json:"refunds"`
	} `json:"_embedded"`
	Links map[string]*link `json:"_links"`
}

// routes builds the sandbox's mux.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/payments", s.api(s.createPayment))
	mux.HandleFunc("GET /v2/payments/{id}", s.api(s.getPayment))
	mux.HandleFunc("DELETE /v2/payments/{id}", s.api(s.cancelPayment))
	mux.HandleFunc("POST /v2/payments/{id}/refunds", s.api(s.createRefund))
	mux.HandleFunc("GET /v2/payments/{id}/refunds", s.api(s.listRefunds))
	mux.HandleFunc("GET /v2/payments/{id}/refunds/{refundId}", s.api(s.getRefund))
	mux.HandleFunc("GET /v2/organizations/me", s.api(s.currentOrganization))
	mux.HandleFunc("GET /v2/profiles", s.api(s.listProfiles))
	mux.HandleFunc("GET /oauth2/authorize", s.authorizePage)
	mux.HandleFunc("POST /oauth2/authorize", s.authorizeSubmit)
	mux.HandleFunc("POST /oauth2/tokens", s.tokenGrant)
	mux.HandleFunc("DELETE /oauth2/tokens", s.revokeToken)
	mux.HandleFunc("/v2/", s.api(func(apiRequest) apiResponse {
		return errorResponse(http.StatusNotFound, "The requested resource or endpoint does not exist in the sandbox.", "")
	}))
	mux.HandleFunc("GET /checkout/{id}", s.checkoutPage)
	mux.HandleFunc("POST /checkout/{id}", s.checkoutSubmit)
	mux.HandleFunc("GET /sandbox/payments", s.listPaymentsJSON)
	mux.HandleFunc("GET /{$}", s.indexPage)
	return mux
}

// api wraps an apiHandler with authentication, body reading and idempotency.
func (s *Server) api(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			writeAPI(w, errorResponse(http.StatusBadRequest, "The request body could not be read: "+err.Error(), ""))
			return
		}
		ik := r.Header.Get("Idempotency-Key")

		s.mu.Lock()
		acct, ok := s.authenticateLocked(r)
		if !ok {
			s.mu.Unlock()
			s.log.Debug("mollie sandbox: api call without a test API key or valid access token", "method", r.Method, "path", r.URL.Path)
			writeAPI(w, unauthorized())
			return
		}
		req := apiRequest{r: r, body: body, base: s.baseURL(r), acct: acct}
		var resp apiResponse
		switch {
		case r.Method != http.MethodPost || ik == "":
			resp = h(req)
		default:
			k := idemKey{apiKey: acct.scope, key: ik}
			if st, ok := s.idem[k]; ok {
				if st.method == r.Method && st.path == r.URL.Path {
					s.log.Debug("mollie sandbox: idempotent replay", "path", r.URL.Path, "idempotencyKey", ik)
					resp = st.resp
				} else {
					resp = errorResponse(http.StatusUnprocessableEntity,
						"The Idempotency-Key was already used for a different request.", "")
				}
				break
			}
			resp = h(req)
			if resp.status >= 200 && resp.status < 300 {
				s.idem[k] = &storedResponse{method: r.Method, path: r.URL.Path, resp: resp}
				s.gen++
			}
		}
		s.mu.Unlock()
		// Saved before answering: what the caller was told exists survives
		// a restart. Reads changed nothing, so persist returns at once.
		s.persist()

		s.log.Debug("mollie sandbox: api call", "method", r.Method, "path", r.URL.Path, "status", resp.status)
		writeAPI(w, resp)
	}
}

// paymentOf returns the payment id of the caller's account (a payment of
// another account does not exist for it). The caller holds s.mu.
func (s *Server) paymentOf(req apiRequest, id string) (*payment, bool) {
	p, ok := s.payments[id]
	if !ok || p.org != req.acct.org {
		return nil, false
	}
	return p, true
}

// baseURL is the public base URL for links in answers to r.
func (s *Server) baseURL(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// writeAPI sends resp with Mollie's content type and an explicit length.
func writeAPI(w http.ResponseWriter, resp apiResponse) {
	w.Header().Set("Content-Type", halJSON)
	w.Header().Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body) // the client went away; nothing to do
}

// jsonResponse encodes v as an API answer with status.
func jsonResponse(status int, v any) apiResponse {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only sandbox-built values are encoded here; failing is a bug.
		panic(fmt.Sprintf("molliesandbox: encoding response: %v", err))
	}
	return apiResponse{status: status, body: buf.Bytes()}
}

// errorResponse is an error answer in Mollie's shape.
func errorResponse(status int, detail, field string) apiResponse {
	return jsonResponse(status, errorJSON{
		Status: status,
		Title:  titleFor(status),
		Detail: detail,
		Field:  field,
		Links:  map[string]link{"documentation": {Href: docErrors, Type: "text/html"}},
	})
}

// unauthorized is the answer to a call without a valid test API key.
func unauthorized() apiResponse {
	return jsonResponse(http.StatusUnauthorized, errorJSON{
		Status: http.StatusUnauthorized,
		Title:  "Unauthorized Request",
		Detail: "Missing authentication, or failed to authenticate (the sandbox accepts test API keys, Bearer test_…, and its unexpired OAuth access tokens)",
		Links:  map[string]link{"documentation": {Href: docAuth, Type: "text/html"}},
	})
}

// titleFor returns Mollie's error title for status.
func titleFor(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "Unauthorized Request"
	case http.StatusUnprocessableEntity:
		return "Unprocessable Entity"
	default:
		return http.StatusText(status)
	}
}

// invalid is a 422 answer about field.
func invalid(field, detail string) apiResponse {
	return errorResponse(http.StatusUnprocessableEntity, detail, field)
}

// paymentNotFound is the 404 answer for an unknown payment id.
func paymentNotFound(id string) apiResponse {
	return errorResponse(http.StatusNotFound, fmt.Sprintf("No payment exists with token %s.", id), "")
}

// timestamp formats t the way Mollie does ("2024-03-20T09:13:37+00:00").
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-07:00") }

// timestampPtr formats *t, or returns "" for nil.
func timestampPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return timestamp(*t)
}

// checkURL validates an optional absolute http(s) URL field.
func checkURL(field, raw string, required bool) *apiResponse {
	if raw == "" {
		if required {
			r := invalid(field, fmt.Sprintf("The %s is required.", field))
			return &r
		}
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r := invalid(field, fmt.Sprintf("The %s is not a valid absolute http(s) URL.", field))
		return &r
	}
	return nil
}

// normalizeMetadata returns the metadata to store (nil for absent or null)
// or an error answer.
func normalizeMetadata(raw json.RawMessage) ([]byte, *apiResponse) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil, nil
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, trimmed); err != nil {
		r := invalid("metadata", "The metadata is not valid JSON.")
		return nil, &r
	}
	if compact.Len() > maxMetadataBytes {
		r := invalid("metadata", fmt.Sprintf("The metadata is larger than %d bytes.", maxMetadataBytes))
		return nil, &r
	}
	return compact.Bytes(), nil
}

// parseAmount validates a request's amount object.
func parseAmount(a *amountJSON) (int64, string, *apiResponse) {
	if a == nil {
		r := invalid("amount", "The amount is required.")
		return 0, "", &r
	}
	if !validCurrency(a.Currency) {
		r := invalid("amount.currency", "The amount contains an invalid currency.")
		return 0, "", &r
	}
	v, err := parseValue(a.Value, a.Currency)
	if err != nil {
		r := invalid("amount.value", "The amount contains an invalid value: "+err.Error()+".")
		return 0, "", &r
	}
	if v <= 0 {
		r := invalid("amount.value", "The amount must be greater than zero.")
		return 0, "", &r
	}
	return v, a.Currency, nil
}

// createPayment handles POST /v2/payments.
func (s *Server) createPayment(req apiRequest) apiResponse {
	var in struct {
		Amount      *amountJSON     `json:"amount"`
		Description string          `json:"description"`
		RedirectURL string          `json:"redirectUrl"`
		CancelURL   string          `json:"cancelUrl"`
		WebhookURL  string          `json:"webhookUrl"`
		Metadata    json.RawMessage `json:"metadata"`
		ProfileID   string          `json:"profileId"`
		Testmode    bool            `json:"testmode"`
		// ApplicationFee is Mollie Connect's platform fee.
		ApplicationFee *applicationFeeJSON `json:"applicationFee"`
	}
	if err := json.Unmarshal(req.body, &in); err != nil {
		return errorResponse(http.StatusBadRequest, "The request body is not valid JSON: "+err.Error(), "")
	}
	if bad := requireTestmode(req, in.Testmode); bad != nil {
		return *bad
	}
	amount, currency, bad := parseAmount(in.Amount)
	if bad != nil {
		return *bad
	}
	fee, feeDesc, bad := s.checkConnectFields(req, in.ProfileID, in.ApplicationFee, amount, currency)
	if bad != nil {
		return *bad
	}
	switch desc := strings.TrimSpace(in.Description); {
	case desc == "":
		return invalid("description", "The description is required.")
	case len([]rune(in.Description)) > maxDescription:
		return invalid("description", fmt.Sprintf("The description is longer than %d characters.", maxDescription))
	}
	if bad := checkURL("redirectUrl", in.RedirectURL, true); bad != nil {
		return *bad
	}
	if bad := checkURL("cancelUrl", in.CancelURL, false); bad != nil {
		return *bad
	}
	if bad := checkURL("webhookUrl", in.WebhookURL, false); bad != nil {
		return *bad
	}
	meta, bad := normalizeMetadata(in.Metadata)
	if bad != nil {
		return *bad
	}

	id := newID("tr_")
	for s.payments[id] != nil {
		id = newID("tr_")
	}
	created := now()
	p := &payment{
		id:          id,
		amount:      amount,
		currency:    currency,
		description: in.Description,
		redirectURL: in.RedirectURL,
		cancelURL:   in.CancelURL,
		webhookURL:  in.WebhookURL,
		metadata:    meta,
		status:      StatusOpen,
		base:        req.base,
		createdAt:   created,
		expiresAt:   created.Add(paymentLifetime),
		org:         req.acct.org,
		profileID:   in.ProfileID,
		feeAmount:   fee,
		feeDesc:     feeDesc,
	}
	s.payments[id] = p
	s.order = append(s.order, p)
	s.gen++
	s.log.Info("mollie sandbox: payment created", "payment", id, "amount", formatValue(amount, currency),
		"currency", currency, "checkout", p.checkoutURL())
	return jsonResponse(http.StatusCreated, p.toJSON())
}

// getPayment handles GET /v2/payments/{id}.
func (s *Server) getPayment(req apiRequest) apiResponse {
	if bad := requireTestmode(req, false); bad != nil {
		return *bad
	}
	id := req.r.PathValue("id")
	p, ok := s.paymentOf(req, id)
	if !ok {
		return paymentNotFound(id)
	}
	return jsonResponse(http.StatusOK, p.toJSON())
}

// cancelPayment handles DELETE /v2/payments/{id}: only open payments can be
// canceled.
func (s *Server) cancelPayment(req apiRequest) apiResponse {
	if bad := requireTestmode(req, false); bad != nil {
		return *bad
	}
	id := req.r.PathValue("id")
	p, ok := s.paymentOf(req, id)
	if !ok {
		return paymentNotFound(id)
	}
	if p.status != StatusOpen {
		return errorResponse(http.StatusUnprocessableEntity,
			fmt.Sprintf("The payment cannot be canceled: its status is %q.", p.status), "")
	}
	t := now()
	p.status = StatusCanceled
	p.canceledAt = &t
	s.gen++
	s.log.Info("mollie sandbox: payment canceled through the API", "payment", id)
	return jsonResponse(http.StatusOK, p.toJSON())
}

// createRefund handles POST /v2/payments/{id}/refunds.
func (s *Server) createRefund(req apiRequest) apiResponse {
	id := req.r.PathValue("id")
	p, ok := s.paymentOf(req, id)
	if !ok {
		return paymentNotFound(id)
	}
	var in struct {
		Amount      *amountJSON     `json:"amount"`
		Description string          `json:"description"`
		Metadata    json.RawMessage `json:"metadata"`
		Testmode    bool            `json:"testmode"`
	}
	if err := json.Unmarshal(req.body, &in); err != nil {
		return errorResponse(http.StatusBadRequest, "The request body is not valid JSON: "+err.Error(), "")
	}
	if bad := requireTestmode(req, in.Testmode); bad != nil {
		return *bad
	}
	if p.status != StatusPaid {
		return errorResponse(http.StatusUnprocessableEntity,
			fmt.Sprintf("The payment %s cannot be refunded: its status is %q.", id, p.status), "")
	}
	amount, currency, bad := parseAmount(in.Amount)
	if bad != nil {
		return *bad
	}
	if currency != p.currency {
		return invalid("amount.currency", fmt.Sprintf("The refund currency must be %s, the currency of the payment.", p.currency))
	}
	if len([]rune(in.Description)) > maxDescription {
		return invalid("description", fmt.Sprintf("The description is longer than %d characters.", maxDescription))
	}
	meta, bad := normalizeMetadata(in.Metadata)
	if bad != nil {
		return *bad
	}
	remaining := p.amount - p.refundedAmount()
	if amount > remaining {
		return invalid("amount", fmt.Sprintf("The amount of the refund (%s %s) is higher than the amount that can still be refunded (%s %s).",
			currency, formatValue(amount, currency), currency, formatValue(remaining, currency)))
	}

	rf := &refund{
		id:          newID("re_"),
		paymentID:   id,
		amount:      amount,
		currency:    currency,
		description: in.Description,
		metadata:    meta,
		status:      RefundPending,
		createdAt:   now(),
	}
	p.refunds = append(p.refunds, rf)
	s.gen++
	s.log.Info("mollie sandbox: refund created", "payment", id, "refund", rf.id, "amount", formatValue(amount, currency))
	s.scheduleSettleLocked(p, rf)
	return jsonResponse(http.StatusCreated, rf.toJSON(p.base))
}

// getRefund handles GET /v2/payments/{id}/refunds/{refundId}.
func (s *Server) getRefund(req apiRequest) apiResponse {
	if bad := requireTestmode(req, false); bad != nil {
		return *bad
	}
	id, rid := req.r.PathValue("id"), req.r.PathValue("refundId")
	p, ok := s.paymentOf(req, id)
	if !ok {
		return paymentNotFound(id)
	}
	for _, rf := range p.refunds {
		if rf.id == rid {
			return jsonResponse(http.StatusOK, rf.toJSON(p.base))
		}
	}
	return errorResponse(http.StatusNotFound, fmt.Sprintf("No refund exists with token %s.", rid), "")
}

// listRefunds handles GET /v2/payments/{id}/refunds, newest first, with
// Mollie's limit/from cursor pagination.
func (s *Server) listRefunds(req apiRequest) apiResponse {
	if bad := requireTestmode(req, false); bad != nil {
		return *bad
	}
	id := req.r.PathValue("id")
	p, ok := s.paymentOf(req, id)
	if !ok {
		return paymentNotFound(id)
	}
	q := req.r.URL.Query()
	limit := listDefault
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > listMax {
			return errorResponse(http.StatusBadRequest, fmt.Sprintf("Invalid limit %q: it must be between 1 and %d.", v, listMax), "limit")
		}
		limit = n
	}
	newest := make([]*refund, 0, len(p.refunds))
	for i := len(p.refunds) - 1; i >= 0; i-- {
		newest = append(newest, p.refunds[i])
	}
	start := 0
	if from := q.Get("from"); from != "" {
		start = -1
		for i, rf := range newest {
			if rf.id == from {
				start = i
				break
			}
		}
		if start < 0 {
			return errorResponse(http.StatusBadRequest, fmt.Sprintf("Invalid cursor %q: no such refund of this payment.", from), "from")
		}
	}
	end := min(start+limit, len(newest))

	var out refundListJSON
	out.Embedded.Refunds = make([]refundJSON, 0, end-start)
	for _, rf := range newest[start:end] {
		out.Embedded.Refunds = append(out.Embedded.Refunds, rf.toJSON(p.base))
	}
	out.Count = len(out.Embedded.Refunds)
	listURL := p.base + "/v2/payments/" + p.id + "/refunds"
	out.Links = map[string]*link{
		"self":          {Href: listURL + "?limit=" + strconv.Itoa(limit), Type: halJSON},
		"previous":      nil,
		"next":          nil,
		"documentation": {Href: docRefunds, Type: "text/html"},
	}
	if end < len(newest) {
		out.Links["next"] = &link{
			Href: listURL + "?from=" + url.QueryEscape(newest[end].id) + "&limit=" + strconv.Itoa(limit),
			Type: halJSON,
		}
	}
	return jsonResponse(http.StatusOK, out)
}

// toJSON renders p as Mollie's payment object. The caller holds s.mu.
func (p *payment) toJSON() paymentJSON {
	self := p.base + "/v2/payments/" + p.id
	out := paymentJSON{
		Resource:     "payment",
		ID:           p.id,
		Mode:         "test",
		CreatedAt:    timestamp(p.createdAt),
		Amount:       amountJSON{Currency: p.currency, Value: formatValue(p.amount, p.currency)},
		Description:  p.description,
		Metadata:     json.RawMessage("null"),
		Status:       p.status,
		IsCancelable: p.status == StatusOpen,
		PaidAt:       timestampPtr(p.paidAt),
		CanceledAt:   timestampPtr(p.canceledAt),
		ExpiredAt:    timestampPtr(p.expiredAt),
		FailedAt:     timestampPtr(p.failedAt),
		ProfileID:    profileID,
		SequenceType: "oneoff",
		RedirectURL:  p.redirectURL,
		CancelURL:    p.cancelURL,
		WebhookURL:   p.webhookURL,
		Links: map[string]link{
			"self":          {Href: self, Type: halJSON},
			"dashboard":     {Href: p.base + "/#" + p.id, Type: "text/html"},
			"documentation": {Href: docPayment, Type: "text/html"},
		},
	}
	if p.metadata != nil {
		out.Metadata = json.RawMessage(p.metadata)
	}
	if p.org != "" {
		out.ProfileID = p.profileID
	}
	if p.feeAmount > 0 {
		out.ApplicationFee = &applicationFeeJSON{
			Amount:      &amountJSON{Currency: p.currency, Value: formatValue(p.feeAmount, p.currency)},
			Description: p.feeDesc,
		}
	}
	if p.status == StatusOpen {
		out.ExpiresAt = timestamp(p.expiresAt)
		out.Links["checkout"] = link{Href: p.checkoutURL(), Type: "text/html"}
	}
	if p.status == StatusPaid {
		refunded := p.refundedAmount()
		out.AmountRefunded = &amountJSON{Currency: p.currency, Value: formatValue(refunded, p.currency)}
		out.AmountRemaining = &amountJSON{Currency: p.currency, Value: formatValue(p.amount-refunded, p.currency)}
	}
	if len(p.refunds) > 0 {
		out.Links["refunds"] = link{Href: self + "/refunds", Type: halJSON}
	}
	return out
}

// toJSON renders rf as Mollie's refund object. The caller holds s.mu.
func (rf *refund) toJSON(base string) refundJSON {
	paymentURL := base + "/v2/payments/" + rf.paymentID
	out := refundJSON{
		Resource:         "refund",
		ID:               rf.id,
		Mode:             "test",
		Amount:           amountJSON{Currency: rf.currency, Value: formatValue(rf.amount, rf.currency)},
		SettlementAmount: amountJSON{Currency: rf.currency, Value: formatValue(-rf.amount, rf.currency)},
		Status:           rf.status,
		CreatedAt:        timestamp(rf.createdAt),
		Description:      rf.description,
		Metadata:         json.RawMessage("null"),
		PaymentID:        rf.paymentID,
		Links: map[string]link{
			"self":          {Href: paymentURL + "/refunds/" + rf.id, Type: halJSON},
			"payment":       {Href: paymentURL, Type: halJSON},
			"documentation": {Href: docRefund, Type: "text/html"},
		},
	}
	if rf.metadata != nil {
		out.Metadata = json.RawMessage(rf.metadata)
	}
	return out
}

// listPaymentsJSON handles GET /sandbox/payments.
func (s *Server) listPaymentsJSON(w http.ResponseWriter, _ *http.Request) {
	body, err := json.Marshal(s.Payments())
	if err != nil {
		http.Error(w, "encoding payments: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(append(body, '\n')) // the client went away; nothing to do
}
