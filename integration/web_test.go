package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"derma2go/demodata"
	"derma2go/devstack/mailsink"
	"derma2go/web"
)

// webClient is a browser-like HTTP client: it keeps cookies, follows no
// redirects and sends no bearer token.
type webClient struct {
	t    *testing.T
	jar  map[string]*http.Cookie
	csrf bool
}

func newWebClient(t *testing.T) *webClient { return &webClient{t: t, jar: map[string]*http.Cookie{}} }

func (w *webClient) send(method, path string, header http.Header, body any) (*http.Response, []byte) {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			w.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, stack.APIURL+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	for _, c := range w.jar {
		req.AddCookie(c)
	}
	if w.csrf {
		if c, ok := w.jar["derma_csrf"]; ok {
			req.Header.Set("X-CSRF-Token", c.Value)
		}
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(w.jar, c.Name)
		} else {
			w.jar[c.Name] = c
		}
	}
	if res.StatusCode >= 500 {
		w.t.Fatalf("%s %s → %d: %s", method, path, res.StatusCode, data)
	}
	return res, data
}

// The web client's session: an httpOnly SameSite cookie on the same token
// store, CSRF-checked on unsafe methods, cleared at logout; bearer tokens
// keep working beside it.
func TestWebSessionCookie(t *testing.T) {
	email, password := newEmail("web"), "web-session-2026!"
	// Registration finishes after the 202; the confirmation mail says it has.
	registerVerified(t, email, password)

	w := newWebClient(t)
	res, body := w.send("POST", "/v1/auth/login", http.Header{"X-Derma-Session": {"cookie"}},
		map[string]any{"email": email, "password": password})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("cookie login → %d: %s", res.StatusCode, body)
	}
	var sess session
	if err := json.Unmarshal(body, &sess); err != nil || sess.Token != "" || sess.User.ID == "" {
		t.Fatalf("cookie login answered %s (the token belongs in the cookie only)", body)
	}
	sc, ok := w.jar["derma_session"]
	if !ok || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Path != "/" || sc.Secure {
		t.Fatalf("session cookie %+v (loopback http dev URL: httpOnly, Lax, not Secure)", sc)
	}
	if c, ok := w.jar["derma_csrf"]; !ok || c.HttpOnly || c.Value == "" || c.Value == sc.Value {
		t.Fatalf("csrf cookie %+v", c)
	}

	if res, body := w.send("GET", "/v1/me", nil, nil); res.StatusCode != http.StatusOK || !strings.Contains(string(body), email) {
		t.Fatalf("GET /v1/me by cookie → %d %s", res.StatusCode, body)
	}
	pin := map[string]any{"pin": "2468", "password": password}
	res, body = w.send("PUT", "/v1/me/pin", nil, pin)
	if res.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "csrf-failed") {
		t.Fatalf("unsafe method by cookie without CSRF header → %d %s, want 403 csrf-failed", res.StatusCode, body)
	}
	if res, body := w.send("PUT", "/v1/me/pin", http.Header{"X-CSRF-Token": {"forged"}}, pin); res.StatusCode != http.StatusForbidden {
		t.Fatalf("forged CSRF header → %d %s", res.StatusCode, body)
	}
	w.csrf = true
	if res, body := w.send("PUT", "/v1/me/pin", nil, pin); res.StatusCode != http.StatusNoContent {
		t.Fatalf("with CSRF header → %d %s", res.StatusCode, body)
	}
	if res, body := w.send("POST", "/v1/me/pin/unlock", nil, map[string]any{"pin": "2468"}); res.StatusCode != http.StatusOK {
		t.Fatalf("unlock by cookie → %d %s", res.StatusCode, body)
	}

	// A bearer client of the same account is unaffected.
	bearer, _ := loginAs(t, email, password)
	bearer.do("GET", "/v1/me", nil).expect(t, http.StatusOK)

	old := *w.jar["derma_session"]
	if res, body := w.send("POST", "/v1/auth/logout", nil, nil); res.StatusCode != http.StatusNoContent {
		t.Fatalf("logout → %d %s", res.StatusCode, body)
	}
	if _, ok := w.jar["derma_session"]; ok {
		t.Fatal("logout did not clear the session cookie")
	}
	// The revoked cookie, replayed, is dropped: the caller is anonymous.
	w.jar["derma_session"] = &old
	res, body = w.send("GET", "/v1/me", nil, nil)
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("revoked cookie → %d %s, want 401", res.StatusCode, body)
	}
	if _, ok := w.jar["derma_session"]; ok {
		t.Fatal("a dead session cookie is not cleared")
	}
	bearer.do("GET", "/v1/me", nil).expect(t, http.StatusOK)
}

// The web client is served at / with history-API fallback; the API, the
// spec and the probes are unchanged.
func TestWebPagesServed(t *testing.T) {
	if !web.Built() {
		t.Fatal("the web client is not built into this test binary: run `make build` (npm ci && npm run build in web/)")
	}
	get := func(path string) (*http.Response, string) {
		res, err := http.Get(stack.APIURL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	for _, p := range []string{"/", "/login?next=%2Fconsultations", "/consultations/123", "/doctor/consultations/123",
		"/payment-return?consultation=1&lang=en", "/reset-password?token=x"} {
		res, body := get(p)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(body, `<div id="root">`) {
			t.Errorf("%s → %d %s", p, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if csp := res.Header.Get("Content-Security-Policy"); csp != web.ContentSecurityPolicy {
			t.Errorf("%s: CSP %q", p, csp)
		}
		for _, tag := range scriptTag.FindAllString(body, -1) {
			if !strings.Contains(tag, " src=") {
				t.Errorf("%s: inline script %s in the page", p, tag)
			}
		}
	}
	if res, _ := get("/no/such/page"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown page → %d, want 404", res.StatusCode)
	}
	if res, _ := get("/v1/no-such-route"); res.StatusCode != http.StatusNotFound ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("unknown API route → %d %s, want a 404 problem", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res, body := get("/healthz"); res.StatusCode != http.StatusOK || !strings.Contains(body, `"ok"`) {
		t.Errorf("/healthz → %d %s", res.StatusCode, body)
	}
	if res, body := get("/openapi.yaml"); res.StatusCode != http.StatusOK || !strings.HasPrefix(body, "openapi:") {
		t.Errorf("/openapi.yaml → %d", res.StatusCode)
	}
}

var scriptTag = regexp.MustCompile(`<script[^>]*>`)

var mailLink = regexp.MustCompile(`https?://[^\s"'<>]+`)

// mailLinkProblems opens every link to our own site in every mail the sink
// holds, as a reader without a session would, and names each that does not
// answer a page of the web client (200 text/html, never JSON, never /v1).
func mailLinkProblems(msgs []mailsink.Message) []string {
	var problems []string
	seen := map[string]bool{}
	for _, m := range msgs {
		for _, raw := range mailLink.FindAllString(m.Text+"\n"+m.HTML, -1) {
			link := strings.ReplaceAll(raw, "&amp;", "&")
			if !strings.HasPrefix(link, stack.APIURL) || seen[link] {
				continue
			}
			seen[link] = true
			u, err := url.Parse(link)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%q: %s: %v", m.Subject, link, err))
				continue
			}
			if _, ok := web.Match(u.Path); !ok {
				problems = append(problems, fmt.Sprintf("%q: %s opens no page of the web client", m.Subject, link))
				continue
			}
			res, err := http.Get(link)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%q: %s: %v", m.Subject, link, err))
				continue
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				problems = append(problems, fmt.Sprintf("%q: %s → %d %s", m.Subject, link, res.StatusCode, res.Header.Get("Content-Type")))
			}
		}
	}
	return problems
}

// TestWebClientInBrowser follows links from caught mails in Debian's
// Chromium (web/e2e/run.mjs, playwright-core): a guest's signed link, the
// doctor's dashboard link and a patient's account link, both through login.
func TestWebClientInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "web", "e2e", "run.mjs")
	browserReady(t, root)

	guest := newAdviceCase(t, 20)
	guest.pay("paid")
	guest.waitStatus("awaiting_intake")
	waitForMail(t, guest.guestEmail, "")

	email, password := newEmail("browser"), "browser-patient-2026"
	patient, _ := registerVerified(t, email, password)
	var doctor struct {
		ID string `json:"id"`
	}
	_, ds := loginAs(t, demodata.DoctorEmail(21), "doctor-demo-2026")
	doctor.ID = ds.User.ID
	var created struct {
		CheckoutURL string `json:"checkout_url"`
	}
	patient.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": doctor.ID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &created)
	if res, err := http.PostForm(created.CheckoutURL, url.Values{"status": {"paid"}}); err != nil {
		t.Fatal(err)
	} else {
		res.Body.Close()
	}
	waitForMail(t, email, "")

	photo := filepath.Join(t.TempDir(), "elbow.jpg")
	if err := os.WriteFile(photo, photoJPEG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "web", "e2e", "out")
	cmd := exec.Command("node", script)
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_SINK_URL="+stack.MailURL, "E2E_OUT_DIR="+out,
		"E2E_GUEST_EMAIL="+guest.guestEmail, "E2E_GUEST_CONSULTATION="+guest.id, "E2E_PHOTO="+photo,
		"E2E_DOCTOR_EMAIL="+demodata.DoctorEmail(20), "E2E_DOCTOR_PASSWORD=doctor-demo-2026",
		"E2E_PATIENT_EMAIL="+email, "E2E_PATIENT_PASSWORD="+password, "CHROMIUM="+chromiumPath(),
	)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (screenshots in %s)", err, out)
	}
	var v consultationView
	newClient(t).do("GET", guest.guestPath(""), nil).expect(t, http.StatusOK).decode(t, &v)
	if v.Advice == nil || !strings.Contains(*v.Advice, "plaque psoriasis") {
		t.Fatalf("advice written in the browser did not reach the guest: %+v", v)
	}
}

func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}
