package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSetPolicyFramesOnlyWithOrigins(t *testing.T) {
	h := http.Header{}
	h.Set("X-Frame-Options", "DENY")
	SetPolicy(h, "default-src 'none'", []string{"https://a.example.nl", "http://localhost:5173"})
	if got := h.Get("Content-Security-Policy"); got != "default-src 'none'; frame-ancestors https://a.example.nl http://localhost:5173" {
		t.Errorf("CSP with origins: %q", got)
	}
	if _, ok := h["X-Frame-Options"]; ok {
		t.Errorf("X-Frame-Options kept with origins: %q", h.Get("X-Frame-Options"))
	}
	SetPolicy(h, "default-src 'none'", nil)
	if h.Get("Content-Security-Policy") != "default-src 'none'; frame-ancestors 'none'" || h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("no origins: %v", h)
	}
	if ContentSecurityPolicy != pagePolicy+"; frame-ancestors 'none'" {
		t.Errorf("page policy %q", ContentSecurityPolicy)
	}
}

func TestServeWidgetNamesTheOrigins(t *testing.T) {
	for _, tc := range []struct {
		origins []string
		fa, xfo string
	}{
		{[]string{"https://a.example.nl"}, "frame-ancestors https://a.example.nl", ""},
		{nil, "frame-ancestors 'none'", "DENY"},
	} {
		rec := httptest.NewRecorder()
		ServeWidget(rec, httptest.NewRequest("GET", "/widgets/x/booking", nil), tc.origins)
		if csp := rec.Header().Get("Content-Security-Policy"); csp != pagePolicy+"; "+tc.fa || rec.Header().Get("X-Frame-Options") != tc.xfo {
			t.Errorf("%v → CSP %q, X-Frame-Options %q", tc.origins, csp, rec.Header().Get("X-Frame-Options"))
		}
	}
	rec := httptest.NewRecorder()
	ServeWidget(rec, httptest.NewRequest("POST", "/widgets/x/booking", nil), []string{"https://a.example.nl"})
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST → %d", rec.Code)
	}
}
