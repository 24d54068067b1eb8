package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"derma2go/api"
	"derma2go/devstack"
	"derma2go/devstack/mailsink"
)

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

func openAPIRouter(t *testing.T) routers.Router {
	t.Helper()
	specOnce.Do(func() {
		// The small pages are HTML: their body is checked as a string.
		openapi3filter.RegisterBodyDecoder("text/html", func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
			b, err := io.ReadAll(body)
			return string(b), err
		})
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(api.OpenAPISpec)
		if err != nil {
			specErr = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			specErr = err
			return
		}
		doc.Servers = nil // match paths regardless of host
		specRouter, specErr = gorillamux.NewRouter(doc)
	})
	if specErr != nil {
		t.Fatalf("openapi.yaml: %v", specErr)
	}
	return specRouter
}

// apiClient calls the API and checks every exchange against the spec.
type apiClient struct {
	t     *testing.T
	token string
	// base is the API's URL; "" means the shared stack's.
	base string
	// want5xx lets 5xx answers through (to test them); otherwise they fail the test.
	want5xx bool
	// timeout, when set, fails an exchange that takes longer.
	timeout time.Duration
	// header is sent with every request (e.g. Idempotency-Key).
	header http.Header
	// source is the client address the test stack's trusted proxy (the
	// loopback) reports in X-Forwarded-For; "" sends none.
	source string
}

// newClient is a client with an address of its own, so the limits per
// source of one test do not spill into another.
func newClient(t *testing.T) *apiClient { return &apiClient{t: t, source: newSource()} }

var sourceSeq atomic.Int64

// newSource returns a fresh address from 198.18.0.0/15 (RFC 2544, for tests).
func newSource() string {
	n := sourceSeq.Add(1)
	return fmt.Sprintf("198.%d.%d.%d", 18+(n>>16)&1, (n>>8)&0xff, n&0xff)
}

// response is a finished exchange.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// problem decodes a problem response and checks its media type.
func (r response) problem(t *testing.T) api.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, api.ProblemContentType) {
		t.Fatalf("content type %q, want %s; body %s", ct, api.ProblemContentType, r.Body)
	}
	var p api.Problem
	r.decode(t, &p)
	if p.Status != r.Status || p.Title == "" || p.Type == "" {
		t.Fatalf("malformed problem %+v for status %d", p, r.Status)
	}
	return p
}

// do sends a JSON request that must conform to the spec.
func (c *apiClient) do(method, path string, body any) response {
	c.t.Helper()
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			c.t.Fatal(err)
		}
	}
	return c.exchange(method, path, "application/json", raw, true)
}

// raw sends a body as is (for malformed input); the request is not
// validated, the response still is.
func (c *apiClient) raw(method, path, contentType string, body []byte) response {
	c.t.Helper()
	return c.exchange(method, path, contentType, body, false)
}

func (c *apiClient) exchange(method, path, contentType string, body []byte, validateRequest bool) response {
	c.t.Helper()
	ctx := context.Background()
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	base := c.base
	if base == "" {
		base = stack.APIURL
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if c.source != "" {
		req.Header.Set("X-Forwarded-For", c.source)
	}
	route, pathParams, err := openAPIRouter(c.t).FindRoute(req)
	if err != nil {
		c.t.Fatalf("%s %s is not in openapi.yaml: %v", method, path, err)
	}
	input := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if validateRequest {
		if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
			c.t.Fatalf("request %s %s violates openapi.yaml: %v", method, path, err)
		}
		// The validator may have rewritten the body with the spec's defaults; send the original.
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	resBody, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input, Status: res.StatusCode, Header: res.Header,
		Body:    io.NopCloser(bytes.NewReader(resBody)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}); err != nil {
		c.t.Fatalf("response %d to %s %s violates openapi.yaml: %v\n%s", res.StatusCode, method, path, err, resBody)
	}
	if res.StatusCode >= 500 && !c.want5xx {
		c.t.Fatalf("%s %s → %d: %s", method, path, res.StatusCode, resBody)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: resBody}
}

// expect fails the test unless the response has status want.
func (r response) expect(t *testing.T, want int) response {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
	return r
}

func bytesReader(s string) *bytes.Reader { return bytes.NewReader([]byte(s)) }

// decodeBody reads a JSON response body into v and closes it.
func decodeBody(res *http.Response, v any) error {
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

var emailSeq atomic.Int64

// registerRaw registers a patient on the shared stack without a *testing.T,
// confirms the address and returns a login token.
func registerRaw(email, password string) (string, error) {
	return registerOn(stack, email, password)
}

// registerOn registers a patient on st from a fresh source address, opens
// the confirmation link from the caught mail, logs in and returns the token.
func registerOn(st *devstack.Stack, email, password string) (string, error) {
	source := newSource()
	post := func(path string, body any, out any) (int, error) {
		b, _ := json.Marshal(body)
		req, err := http.NewRequest("POST", st.APIURL+path, bytes.NewReader(b))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", source)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		if out != nil && res.StatusCode < 300 {
			if err := json.NewDecoder(res.Body).Decode(out); err != nil {
				return res.StatusCode, err
			}
		}
		return res.StatusCode, nil
	}
	if code, err := post("/v1/auth/register", map[string]string{"email": email, "password": password, "name": "Bench Patiënt"}, nil); err != nil || code != http.StatusAccepted {
		return "", fmt.Errorf("register: status %d (%v)", code, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msg, err := st.Mail.WaitFor(ctx, func(m mailsink.Message) bool { return sentTo(m, email) && verifyLink.MatchString(m.Text) })
	if err != nil {
		return "", fmt.Errorf("no confirmation mail to %s: %w", email, err)
	}
	token, err := url.QueryUnescape(verifyLink.FindStringSubmatch(msg.Text)[1])
	if err != nil {
		return "", err
	}
	if code, err := post("/v1/auth/email/verify", map[string]string{"token": token}, nil); err != nil || code != http.StatusNoContent {
		return "", fmt.Errorf("verify: status %d (%v)", code, err)
	}
	var s session
	if code, err := post("/v1/auth/login", map[string]string{"email": email, "password": password}, &s); err != nil || code != http.StatusOK {
		return "", fmt.Errorf("login: status %d (%v)", code, err)
	}
	return s.Token, nil
}

// verifyLink finds the confirmation link in a mail.
var verifyLink = regexp.MustCompile(`https?://[^\s"<>]+/verify-email\?token=([A-Za-z0-9_%-]+)`)

// sentTo reports whether m went to the address to.
func sentTo(m mailsink.Message, to string) bool {
	for _, rcpt := range m.To {
		if strings.EqualFold(strings.Trim(rcpt, "<>"), to) {
			return true
		}
	}
	return false
}
