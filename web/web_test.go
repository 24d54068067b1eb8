package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMatchPages(t *testing.T) {
	cases := map[string]string{
		"/":                               "home",
		"/login":                          "login",
		"/reset-password":                 "resetPassword",
		"/payment-return":                 "paymentReturn",
		"/consultations":                  "portal",
		"/consultations/abc":              "consultation",
		"/consultations/abc/":             "consultation",
		"/consultations/abc/intake":       "intake",
		"/consultations/abc/review":       "review",
		"/consultations/abc/waiting-room": "waitingRoom",
		"/doctor/consultations/abc":       "doctorConsultation",
		"/doctor":                         "doctorHome",
		"/messages/abc":                   "messageThread",
		"/messages/doctor/abc":            "messageDoctor",
		"/doctor/messages/abc":            "doctorMessageThread",
		"/v1/consultations/abc":           "",
		"/consultations/abc/photos":       "",
		"/doctor/consultations":           "",
		"/consultations/abc/intake/extra": "",
		"/does-not-exist":                 "",
	}
	for p, want := range cases {
		got, ok := Match(p)
		if got != want || ok != (want != "") {
			t.Errorf("Match(%q) = %q, %v; want %q", p, got, ok, want)
		}
	}
}

// Every link builder yields an absolute URL on the public base that opens a
// page of the client, never the JSON API.
func TestLinksOpenPages(t *testing.T) {
	l := Links{Base: "https://derma.example/app/"}
	const id, access = "0b7f4a1e-0000-4000-8000-000000000001", "v1.sig+/="
	links := map[string]string{
		"consultation":       l.Consultation(id, ""),
		"guest consultation": l.Consultation(id, access),
		"intake":             l.Intake(id, access),
		"questionnaire":      l.Questionnaire(id, access),
		"review":             l.Review(id, ""),
		"waiting room":       l.WaitingRoom(id, access),
		"doctor":             l.DoctorConsultation(id),
		"portal":             l.Portal(),
		"reset":              l.ResetPassword("tok"),
		"payment return":     l.PaymentReturn(id, "en", access),
		"doctor profile":     l.DoctorProfile(id),
		"admin contact":      l.AdminContact(),
		"thread":             l.Thread(id),
		"message doctor":     l.MessageDoctor(id),
		"doctor thread":      l.DoctorThread(id),
		"waitlist offer":     l.WaitlistOffer(id),
		"waitlist":           l.Waitlist(),
	}
	for name, link := range links {
		u, err := url.Parse(link)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p, ok := strings.CutPrefix(u.Path, "/app")
		if u.Host != "derma.example" || !ok || strings.HasPrefix(p, "/v1") {
			t.Errorf("%s: %s is not a page under the base", name, link)
		}
		if _, ok := Match(p); !ok {
			t.Errorf("%s: %s opens no page", name, link)
		}
	}
	if got := mustQuery(t, links["guest consultation"]).Get("access"); got != access {
		t.Errorf("guest link carries access %q, want %q", got, access)
	}
	if strings.Contains(links["consultation"], "access") || strings.Contains(links["review"], "?") {
		t.Errorf("account links carry a token: %s %s", links["consultation"], links["review"])
	}
	q := mustQuery(t, links["payment return"])
	if q.Get("consultation") != id || q.Get("lang") != "en" || q.Get("access") != access {
		t.Errorf("payment return %s", links["payment return"])
	}
}

func mustQuery(t *testing.T, link string) url.Values {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func TestHandler(t *testing.T) {
	h := newHandler(fstest.MapFS{
		"index.html":         {Data: []byte(`<!doctype html><div id="root"></div>`)},
		"assets/app-1234.js": {Data: []byte("console.log(1)")},
		"favicon.svg":        {Data: []byte("<svg/>")},
		".gitkeep":           {Data: nil},
	})
	get := func(method, target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
		return rec
	}
	page := get("GET", "/consultations/abc?access=x")
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `id="root"`) ||
		!strings.HasPrefix(page.Header().Get("Content-Type"), "text/html") {
		t.Errorf("page: %d %q %q", page.Code, page.Header().Get("Content-Type"), page.Body.String())
	}
	csp := page.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") ||
		strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	if nf := get("GET", "/nope"); nf.Code != http.StatusNotFound || !strings.Contains(nf.Body.String(), `id="root"`) {
		t.Errorf("unknown path: %d", nf.Code)
	}
	asset := get("GET", "/assets/app-1234.js")
	if asset.Code != http.StatusOK || !strings.Contains(asset.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("asset: %d %q", asset.Code, asset.Header().Get("Cache-Control"))
	}
	if hidden := get("GET", "/.gitkeep"); hidden.Code != http.StatusNotFound {
		t.Errorf("dotfile served: %d", hidden.Code)
	}
	if idx := get("GET", "/index.html"); idx.Code != http.StatusNotFound {
		t.Errorf("/index.html: %d (pages are served at their own paths)", idx.Code)
	}
	if post := get("POST", "/login"); post.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST page: %d", post.Code)
	}
	if head := get("HEAD", "/login"); head.Code != http.StatusOK || head.Body.Len() != 0 {
		t.Errorf("HEAD page: %d, %d bytes", head.Code, head.Body.Len())
	}

	bare := newHandler(fstest.MapFS{".gitkeep": {}})
	rec := httptest.NewRecorder()
	bare.ServeHTTP(rec, httptest.NewRequest("GET", "/login", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "make build") {
		t.Errorf("unbuilt client: %d %q", rec.Code, rec.Body.String())
	}
}
