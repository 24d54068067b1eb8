package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"derma2go/demodata"
)

// client is one user of the public HTTP API (through the load balancer),
// with an address of its own in X-Forwarded-For so that limits per source
// hold per user, as between real users.
type client struct {
	base, token, source string
	st                  *stats
}

var sourceSeq atomic.Int64

func newSource() string {
	n := sourceSeq.Add(1)
	return fmt.Sprintf("198.%d.%d.%d", 18+(n>>16)&1, (n>>8)&0xff, n&0xff)
}

var httpClient = &http.Client{Timeout: 45 * time.Second}

// reply is one answered exchange.
type reply struct {
	status int
	body   []byte
}

func (r reply) decode(v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("decode %d %s: %w", r.status, r.body, err)
	}
	return nil
}

// once sends one request and reads the answer.
func (c *client) once(ctx context.Context, method, path string, body any, header map[string]string) (reply, error) {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return reply{}, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(raw))
	if err != nil {
		return reply{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("X-Forwarded-For", c.source)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := httpClient.Do(req)
	if err != nil {
		c.st.count("transport error", method+" "+routeOf(path))
		return reply{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.st.count("transport error", method+" "+routeOf(path))
		return reply{}, err
	}
	if res.StatusCode >= 500 {
		c.st.count(fmt.Sprintf("HTTP %d", res.StatusCode), method+" "+routeOf(path))
	}
	return reply{status: res.StatusCode, body: b}, nil
}

// do sends a request until it is answered below 500 (a transport error or
// a 5xx is what a killed instance, database or Temporal server gives; the
// request is sent again after a pause) or ctx ends.
func (c *client) do(ctx context.Context, method, path string, body any, header map[string]string) (reply, error) {
	for attempt := 0; ; attempt++ {
		r, err := c.once(ctx, method, path, body, header)
		if err == nil && r.status < 500 && r.status != http.StatusTooManyRequests {
			return r, nil
		}
		if ctx.Err() != nil {
			if err == nil {
				err = fmt.Errorf("%s %s: %d %s", method, path, r.status, r.body)
			}
			return r, fmt.Errorf("%w (%w)", err, ctx.Err())
		}
		sleep(ctx, min(time.Duration(attempt+1)*200*time.Millisecond, 2*time.Second))
	}
}

// expect sends a request (as do) and wants one of the statuses.
func (c *client) expect(ctx context.Context, method, path string, body any, want ...int) (reply, error) {
	r, err := c.do(ctx, method, path, body, nil)
	if err != nil {
		return r, err
	}
	for _, w := range want {
		if r.status == w {
			return r, nil
		}
	}
	return r, fmt.Errorf("%s %s → %d, want %v: %s", method, path, r.status, want, r.body)
}

// routeOf is path with its ids replaced, for counting errors per route.
func routeOf(path string) string {
	path, _, _ = strings.Cut(path, "?")
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if len(p) == 36 && strings.Count(p, "-") == 4 {
			parts[i] = ":id"
		}
	}
	return strings.Join(parts, "/")
}

// session is the answer to a login.
type session struct {
	Token string `json:"token"`
	User  struct {
		ID           string `json:"id"`
		Role         string `json:"role"`
		SecondFactor string `json:"second_factor"`
	} `json:"user"`
}

// login logs in with a password and, for an account with an authenticator
// (every demo doctor has the demo secret), gives the current code.
func (c *client) login(ctx context.Context, email, password, totpSecret string) (session, error) {
	var s session
	r, err := c.expect(ctx, "POST", "/v1/auth/login", map[string]any{"email": email, "password": password}, http.StatusOK)
	if err != nil {
		return s, err
	}
	if err := r.decode(&s); err != nil {
		return s, err
	}
	c.token = s.Token
	if s.User.SecondFactor != "required" {
		return s, nil
	}
	for attempt := 0; ; attempt++ {
		code, err := totpCode(totpSecret, time.Now())
		if err != nil {
			return s, err
		}
		r, err := c.do(ctx, "POST", "/v1/auth/second-factor", map[string]any{"code": code}, nil)
		if err != nil {
			return s, err
		}
		if r.status == http.StatusOK {
			return s, nil
		}
		if attempt == 2 {
			return s, fmt.Errorf("second factor of %s: %d %s", email, r.status, r.body)
		}
		// A code counts once per account: wait for the next one.
		sleep(ctx, totpPeriod-time.Duration(time.Now().UnixNano()%int64(totpPeriod))+50*time.Millisecond)
	}
}

// doctorPassword is the demo doctors' password (demodata).
const doctorPassword = "doctor-demo-2026"

// loginDoctor logs demo doctor i in.
func loginDoctor(ctx context.Context, base string, st *stats, i int) (*client, string, error) {
	c := &client{base: base, source: newSource(), st: st}
	s, err := c.login(ctx, demodata.DoctorEmail(i), doctorPassword, demoTOTPSecret)
	return c, s.User.ID, err
}

// stats counts what the clients met: errors per route, retries.
type stats struct {
	mu     sync.Mutex
	counts map[string]map[string]int
}

func (s *stats) count(what, route string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts = map[string]map[string]int{}
	}
	if s.counts[what] == nil {
		s.counts[what] = map[string]int{}
	}
	s.counts[what][route]++
}

// postForm presses a button of the sandbox's hosted checkout page, as a
// browser does (the sandbox is never killed).
func postForm(ctx context.Context, target string, form url.Values) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	noRedirect := &http.Client{Timeout: 45 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}
