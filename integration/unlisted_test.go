package integration

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"derma2go/demodata"
)

// unlistedDoctor is the demo doctor whose profile TestUnlistedDoctorIsNotPublic
// empties (no other test uses it).
const unlistedDoctor = 140

// TestUnlistedDoctorIsNotPublic: a doctor whose checklist misses a required
// step (here the bio of the profile) is unlisted — the public profile
// GET /v1/doctors/{id} answers 404 problem+json in Dutch and English, as an
// unknown id does, while the doctor still reads their own profile and the
// admins' list shows them as not listed; booking them answers 409
// doctor-not-bookable in the language asked for. Their slots, reviews and
// walk-in state are a 404 to anyone but themselves and the admins. Filling
// the bio in again lists them again.
func TestUnlistedDoctorIsNotPublic(t *testing.T) {
	doctor, s := loginAs(t, demodata.DoctorEmail(unlistedDoctor), doctorPassword)
	admin, _ := loginAs(t, adminEmail, adminPassword)
	anon := newClient(t)
	path := "/v1/doctors/" + s.User.ID
	anon.do("GET", path, nil).expect(t, http.StatusOK)

	var p map[string]any
	doctor.do("GET", "/v1/doctor/profile", nil).expect(t, http.StatusOK).decode(t, &p)
	body := map[string]any{}
	for _, k := range []string{"specialty", "bio", "focus_areas", "languages", "city", "address", "location", "time_zone",
		"photo_url", "admin_fee_cents", "advice_sla_days", "practice_name", "big_number", "agb_code"} {
		if v, ok := p[k]; ok && v != nil && v != "" {
			body[k] = v
		}
	}
	bio := body["bio"]
	if bio == nil {
		t.Fatalf("demo doctor %d has no bio to take away: %v", unlistedDoctor, p)
	}
	relist := func() {
		body["bio"] = bio
		doctor.do("PUT", "/v1/doctor/profile", body).expect(t, http.StatusOK)
	}
	t.Cleanup(relist)
	delete(body, "bio")
	doctor.do("PUT", "/v1/doctor/profile", body).expect(t, http.StatusOK)
	var checklist struct {
		Listed  bool     `json:"listed"`
		Missing []string `json:"missing"`
	}
	doctor.do("GET", "/v1/doctor/checklist", nil).expect(t, http.StatusOK).decode(t, &checklist)
	if checklist.Listed || len(checklist.Missing) != 1 || checklist.Missing[0] != "profile" {
		t.Fatalf("checklist without a bio: %+v", checklist)
	}

	for _, tc := range []struct{ lang, title, detail string }{
		{"nl-NL,nl;q=0.9", "Niet gevonden", "Deze arts bestaat niet of is niet van u."},
		{"en-US,en;q=0.9", "Not found", "This doctor does not exist or is not yours."},
	} {
		c := newClient(t)
		c.header = http.Header{"Accept-Language": {tc.lang}}
		res := c.do("GET", path, nil).expect(t, http.StatusNotFound)
		if pr := res.problem(t); pr.Title != tc.title || pr.Detail != tc.detail {
			t.Errorf("unlisted profile (%s): %q %q, want %q %q", tc.lang, pr.Title, pr.Detail, tc.title, tc.detail)
		}
	}
	// The practice's public parts go with the profile: slots, reviews and
	// the walk-in state are a 404 to anyone but the doctor (whose dashboard
	// previews the slots) and the admins.
	viewer, _ := registerVerified(t, newEmail("unlisted-viewer"), "Niet-te-zien-2026")
	for _, part := range []string{"/slots?type=video", "/reviews", "/walk-in"} {
		res := anon.do("GET", path+part, nil).expect(t, http.StatusNotFound)
		if pr := res.problem(t); !strings.HasSuffix(pr.Type, "/not-found") {
			t.Errorf("unlisted %s to anyone: %s", part, pr.Type)
		}
		viewer.do("GET", path+part, nil).expect(t, http.StatusNotFound)
		doctor.do("GET", path+part, nil).expect(t, http.StatusOK)
		admin.do("GET", path+part, nil).expect(t, http.StatusOK)
	}
	// The doctor's own route still shows it, and the admins see the doctor, not listed.
	doctor.do("GET", "/v1/doctor/profile", nil).expect(t, http.StatusOK)
	found := false
	for offset := 0; !found; offset += 100 {
		var page struct {
			Items []struct {
				ID     string `json:"id"`
				Listed bool   `json:"listed"`
			} `json:"items"`
			Page struct{ Total int } `json:"page"`
		}
		admin.do("GET", "/v1/admin/doctors?limit=100&offset="+strconv.Itoa(offset), nil).expect(t, http.StatusOK).decode(t, &page)
		for _, d := range page.Items {
			if d.ID == s.User.ID {
				found = true
				if d.Listed {
					t.Errorf("the admins' list shows the unlisted doctor as listed")
				}
			}
		}
		if offset+100 >= page.Page.Total {
			break
		}
	}
	if !found {
		t.Fatalf("the admins' list lacks the unlisted doctor")
	}

	// Booking the unlisted doctor: 409 doctor-not-bookable, in the language asked for.
	patient, _ := registerVerified(t, newEmail("unlisted-booking"), "Niet-te-boeken-2026")
	for _, tc := range []struct{ lang, title, detail string }{
		{"nl", "Arts nog niet te boeken", "Deze arts is nog niet klaar om patiënten te ontvangen. Kies een andere arts of probeer het later opnieuw."},
		{"en", "Doctor not bookable yet", "This doctor is not ready to see patients yet. Choose another doctor or try again later."},
	} {
		for who, c := range map[string]*apiClient{"guest": newClient(t), "patient": patient} {
			req := map[string]any{"type": "email_advice", "doctor_id": s.User.ID, "form": "short", "language": tc.lang}
			if who == "guest" {
				req["guest_email"] = newEmail("unlisted-guest")
			}
			res := c.do("POST", "/v1/consultations", req).expect(t, http.StatusConflict)
			pr := res.problem(t)
			if !strings.HasSuffix(pr.Type, "/doctor-not-bookable") || pr.Title != tc.title || pr.Detail != tc.detail {
				t.Errorf("%s booking (%s): %s %q %q, want doctor-not-bookable %q %q", who, tc.lang, pr.Type, pr.Title, pr.Detail, tc.title, tc.detail)
			}
			if got := res.Header.Get("Content-Language"); got != tc.lang {
				t.Errorf("%s booking (%s): Content-Language %q", who, tc.lang, got)
			}
		}
	}

	relist()
	anon.do("GET", path, nil).expect(t, http.StatusOK)
	for _, part := range []string{"/slots?type=video", "/reviews", "/walk-in"} {
		anon.do("GET", path+part, nil).expect(t, http.StatusOK)
	}
}

// TestAdminDoctorsArePaged: the admins' list of doctors pages by limit and
// offset with the total, every doctor once across the pages (the seed has
// more than one page), and a bad limit is a 400 problem.
func TestAdminDoctorsArePaged(t *testing.T) {
	admin, _ := loginAs(t, adminEmail, adminPassword)
	type page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		Page struct{ Limit, Offset, Total int } `json:"page"`
	}
	var first page
	admin.do("GET", "/v1/admin/doctors", nil).expect(t, http.StatusOK).decode(t, &first)
	if first.Page.Limit != 20 || first.Page.Offset != 0 || len(first.Items) != 20 || first.Page.Total < 200 {
		t.Fatalf("first page: %d items, page %+v; want 20 of at least 200", len(first.Items), first.Page)
	}
	seen := map[string]bool{}
	total := first.Page.Total
	for offset := 0; offset < total; offset += 100 {
		var p page
		admin.do("GET", "/v1/admin/doctors?limit=100&offset="+strconv.Itoa(offset), nil).expect(t, http.StatusOK).decode(t, &p)
		if p.Page.Limit != 100 || p.Page.Offset != offset {
			t.Fatalf("page at %d: %+v", offset, p.Page)
		}
		for _, d := range p.Items {
			if seen[d.ID] {
				t.Fatalf("doctor %s on two pages", d.ID)
			}
			seen[d.ID] = true
		}
	}
	// Another test may invite a doctor meanwhile; none is lost.
	if len(seen) < total {
		t.Fatalf("%d doctors across the pages, total %d", len(seen), total)
	}
	for _, q := range []string{"limit=0", "limit=101", "offset=-1", "limit=x"} {
		pr := admin.raw("GET", "/v1/admin/doctors?"+q, "", nil).expect(t, http.StatusBadRequest).problem(t)
		if !strings.HasSuffix(pr.Type, "/invalid-parameter") {
			t.Errorf("%s: %s", q, pr.Type)
		}
	}
}
