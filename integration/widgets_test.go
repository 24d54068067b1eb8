package integration

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"derma2go/api"
	"derma2go/demodata"
	"derma2go/web"
)

// widgetSettings is the answer of /v1/doctor/widgets.
type widgetSettings struct {
	Origins []string `json:"origins"`
}

// TestWidgetOriginsAreCheckedInTheCallersLanguage sends bad embedding
// origins (no https, a path, a wildcard, a CSP or header injection, a
// duplicate, too many) as a doctor and expects a 400 problem in Dutch or
// English naming the origin, with nothing stored; good ones are stored
// normalised.
func TestWidgetOriginsAreCheckedInTheCallersLanguage(t *testing.T) {
	doctor, _ := loginAs(t, demodata.DoctorEmail(106), "doctor-demo-2026")
	doctor.do("PUT", "/v1/doctor/widgets", map[string]any{"origins": []string{"https://huidpraktijk.example.nl"}}).
		expect(t, http.StatusOK)

	bad := []struct {
		origins []string
		field   string
		nl, en  string
	}{
		{[]string{"http://huidpraktijk.example.nl"}, "origins[0]", "moet met https:// beginnen", "must start with https://"},
		{[]string{"https://ok.example.nl", "https://huidpraktijk.example.nl/afspraak"}, "origins[1]", "zonder pad", "without a path"},
		{[]string{"https://*.example.nl"}, "origins[0]", "is geen webadres", "is not a web address"},
		{[]string{"https://a.example.nl; script-src *"}, "origins[0]", "is geen webadres", "is not a web address"},
		{[]string{"https://a.example.nl\r\nX-Frame-Options: ALLOWALL"}, "origins[0]", "is geen webadres", "is not a web address"},
		{[]string{"'self'"}, "origins[0]", "is geen webadres", "is not a web address"},
		{[]string{"https://a.example.nl", "HTTPS://A.EXAMPLE.NL:443/"}, "origins[1]", "staat al eerder", "already in the list"},
		{[]string{"https://user:secret@a.example.nl"}, "origins[0]", "gebruikersnaam", "user name"},
		{[]string{"https://praktijk"}, "origins[0]", "domeinnaam", "domain name"},
		{[]string{"https://a.example.nl:99999"}, "origins[0]", "poortnummer", "port number"},
		{[]string{"https://1.example.nl", "https://2.example.nl", "https://3.example.nl", "https://4.example.nl",
			"https://5.example.nl", "https://6.example.nl", "https://7.example.nl", "https://8.example.nl",
			"https://9.example.nl", "https://10.example.nl", "https://11.example.nl"}, "origins[10]", "hoogstens 10", "at most 10"},
	}
	for _, lang := range []string{"en", "nl"} {
		// The doctor's own language (the web client's switch saves it) is the answer's.
		doctor.do("PUT", "/v1/me/language", map[string]any{"language": lang}).expect(t, http.StatusOK)
		for _, b := range bad {
			want := b.nl
			if lang == "en" {
				want = b.en
			}
			res := doctor.do("PUT", "/v1/doctor/widgets", map[string]any{"origins": b.origins}).expect(t, http.StatusBadRequest)
			p := res.problem(t)
			if !strings.HasSuffix(p.Type, "/invalid-origin") || !strings.Contains(p.Detail, want) ||
				res.Header.Get("Content-Language") != lang || len(p.Errors) != 1 || p.Errors[0].Field != b.field {
				t.Errorf("%q in %s → %+v (Content-Language %q), want %q on %s", b.origins, lang, p,
					res.Header.Get("Content-Language"), want, b.field)
			}
		}
	}
	var got widgetSettings
	doctor.do("GET", "/v1/doctor/widgets", nil).expect(t, http.StatusOK).decode(t, &got)
	if len(got.Origins) != 1 || got.Origins[0] != "https://huidpraktijk.example.nl" {
		t.Fatalf("after the refusals the origins are %v, want the one stored before", got.Origins)
	}

	doctor.do("PUT", "/v1/doctor/widgets", map[string]any{"origins": []string{
		"HTTPS://WWW.Huidpraktijk.example.nl:443/", "https://boeken.example.nl:8443", "http://localhost:5173",
	}}).expect(t, http.StatusOK).decode(t, &got)
	want := []string{"https://www.huidpraktijk.example.nl", "https://boeken.example.nl:8443", "http://localhost:5173"}
	if strings.Join(got.Origins, " ") != strings.Join(want, " ") {
		t.Fatalf("stored %v, want %v", got.Origins, want)
	}
	doctor.raw("PUT", "/v1/doctor/widgets", "application/json", []byte(`{}`)).expect(t, http.StatusUnprocessableEntity)
	// A patient has no widgets.
	patient, _ := registerPatient(t, newEmail("widgets"), "widgets-patient-2026")
	patient.do("PUT", "/v1/doctor/widgets", map[string]any{"origins": []string{}}).expect(t, http.StatusForbidden)
}

// TestOnlyTheWidgetsMayBeFramed: a doctor's widget pages carry CSP
// frame-ancestors with exactly the origins the doctor allowed and no
// X-Frame-Options; a doctor without origins (and an unknown id) gets
// frame-ancestors 'none' and DENY; and every other route of the route
// table, every page of the client, a static file and an unknown path still
// answers frame-ancestors 'none' and X-Frame-Options DENY.
func TestOnlyTheWidgetsMayBeFramed(t *testing.T) {
	allowed, s := loginAs(t, demodata.DoctorEmail(107), "doctor-demo-2026")
	allowed.do("PUT", "/v1/doctor/widgets", map[string]any{"origins": []string{"https://praktijk.example.nl", "http://127.0.0.1:8123"}}).
		expect(t, http.StatusOK)
	closed, cs := loginAs(t, demodata.DoctorEmail(108), "doctor-demo-2026")
	closed.do("PUT", "/v1/doctor/widgets", map[string]any{"origins": []string{}}).expect(t, http.StatusOK)

	get := func(method, path string) *http.Response {
		t.Helper()
		var body *bytes.Reader
		if method == "GET" || method == "HEAD" || method == "DELETE" {
			body = bytes.NewReader(nil)
		} else {
			body = bytes.NewReader([]byte(`{}`))
		}
		req, err := http.NewRequest(method, stack.APIURL+path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", newSource())
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	frameable := func(res *http.Response) string {
		csp := res.Header.Get("Content-Security-Policy")
		for _, d := range strings.Split(csp, ";") {
			if d = strings.TrimSpace(d); strings.HasPrefix(d, "frame-ancestors ") {
				return strings.TrimPrefix(d, "frame-ancestors ")
			}
		}
		return "(none in " + csp + ")"
	}
	unframeable := func(label string, res *http.Response) {
		t.Helper()
		if fa, xfo := frameable(res), res.Header.Get("X-Frame-Options"); fa != "'none'" || xfo != "DENY" {
			t.Errorf("%s → %d: frame-ancestors %s, X-Frame-Options %q; want 'none' and DENY", label, res.StatusCode, fa, xfo)
		}
	}
	wantStatus := http.StatusOK
	if !web.Built() {
		wantStatus = http.StatusServiceUnavailable
	}
	for _, kind := range []string{"booking", "walk-in"} {
		res := get("GET", "/widgets/"+s.User.ID+"/"+kind+"?lang=en")
		if fa := frameable(res); res.StatusCode != wantStatus || fa != "https://praktijk.example.nl http://127.0.0.1:8123" ||
			res.Header.Get("X-Frame-Options") != "" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s widget of a doctor with origins → %d, frame-ancestors %s, X-Frame-Options %q", kind, res.StatusCode, fa,
				res.Header.Get("X-Frame-Options"))
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s widget: CSP %q lost the page policy", kind, csp)
		}
		unframeable(kind+" widget of a doctor without origins", get("GET", "/widgets/"+cs.User.ID+"/"+kind))
		unframeable(kind+" widget of an unknown doctor", get("GET", "/widgets/"+uuid.NewString()+"/"+kind))
		unframeable(kind+" widget of a malformed id", get("GET", "/widgets/not-a-doctor/"+kind))
	}

	walked := 0
	for _, r := range api.Routes() {
		if strings.HasPrefix(r.Path, "/widgets/") {
			continue
		}
		path := r.Path
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, ":") {
				path = strings.Replace(path, seg, uuid.NewString(), 1)
			}
		}
		if strings.HasSuffix(r.Path, "/events") || r.Path == "/v1/video/ws" {
			// Anonymous: refused before any stream starts.
			path += "?x=1"
		}
		unframeable(r.Method+" "+r.Path, get(r.Method, path))
		walked++
	}
	for _, p := range web.Pages() {
		if strings.HasPrefix(p.Path, "/widgets/") {
			continue
		}
		unframeable("page "+p.Path, get("GET", strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(p.Path, ":id", "x"), ":slug", "acne"), ":doctorId", s.User.ID)))
		walked++
	}
	unframeable("an unknown page", get("GET", "/no/such/page"))
	unframeable("an unknown widget kind", get("GET", "/widgets/"+s.User.ID+"/calendar"))
	unframeable("a POST to a widget", get("POST", "/widgets/"+s.User.ID+"/booking"))
	unframeable("the loader script", get("GET", "/widgets/loader.js"))
	if walked < 150 {
		t.Fatalf("walked only %d routes and pages", walked)
	}
}
