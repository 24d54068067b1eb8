package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"derma2go/demodata"
	"derma2go/devstack/mailsink"
)

// contactReceipt is the answer to POST /v1/contact.
type contactReceipt struct {
	ID                 string `json:"id"`
	Reference          string `json:"reference"`
	Subject            string `json:"subject"`
	Status             string `json:"status"`
	SentToSupport      bool   `json:"sent_to_support"`
	PractitionerPolicy bool   `json:"practitioner_policy"`
	Practitioner       *struct {
		DoctorID    string `json:"doctor_id"`
		DisplayName string `json:"display_name"`
		ProfileURL  string `json:"profile_url"`
	} `json:"practitioner"`
}

// contactItem is a message in the administrators' list.
type contactItem struct {
	ID        string  `json:"id"`
	Reference string  `json:"reference"`
	Subject   string  `json:"subject"`
	Name      string  `json:"name"`
	Email     string  `json:"email"`
	Message   string  `json:"message"`
	Status    string  `json:"status"`
	UserID    *string `json:"user_id"`
	DoctorID  *string `json:"doctor_id"`
	HandledBy *string `json:"handled_by"`
}

func listContact(t *testing.T, admin *apiClient, status string) []contactItem {
	t.Helper()
	path := "/v1/admin/contact"
	if status != "" {
		path += "?status=" + status
	}
	var list struct {
		Items []contactItem `json:"items"`
	}
	admin.do("GET", path, nil).expect(t, http.StatusOK).decode(t, &list)
	return list.Items
}

func findContact(items []contactItem, id string) *contactItem {
	for i := range items {
		if items[i].ID == id {
			return &items[i]
		}
	}
	return nil
}

// mailWith waits for a mail to to whose text contains every part of want.
func mailWith(t *testing.T, to string, want ...string) mailsink.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, err := stack.Mail.WaitFor(ctx, func(m mailsink.Message) bool {
		if !sentTo(m, to) {
			return false
		}
		for _, w := range want {
			if !strings.Contains(m.Text, w) {
				return false
			}
		}
		return true
	})
	if err != nil {
		t.Fatalf("no mail to %s with %q: %v", to, want, err)
	}
	return m
}

// TestContactFormRoutesEachSubject: a guest's complaint about the service is
// stored encrypted, acknowledged to the guest in Dutch and mailed to
// support; a logged-in patient's complaint about a named practitioner is
// answered (in English) with the complaints procedure and how to reach
// that doctor, and support gets nothing; an administrator sees both in the
// list, sets a status and is recorded as the handler.
func TestContactFormRoutesEachSubject(t *testing.T) {
	support := stack.Platform.Config.SupportEmail
	guestEmail := newEmail("contact-guest")
	var sys contactReceipt
	newClient(t).do("POST", "/v1/contact", map[string]any{
		"name": "Gijs Gast", "email": guestEmail, "subject": "system_complaint",
		"message": "De betaalpagina bleef hangen na het kiezen van iDEAL.",
	}).expect(t, http.StatusCreated).decode(t, &sys)
	if !sys.SentToSupport || sys.PractitionerPolicy || sys.Status != "open" || !strings.HasPrefix(sys.Reference, "C-") {
		t.Fatalf("system complaint receipt %+v", sys)
	}
	ack := mailWith(t, guestEmail, sys.Reference, "supportteam")
	if !strings.Contains(ack.Subject, "ontvangen") {
		t.Errorf("acknowledgement subject %q is not Dutch", ack.Subject)
	}
	mailWith(t, support, sys.Reference, "De betaalpagina bleef hangen", guestEmail)

	var raw []byte
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT body_enc FROM contact_messages WHERE id = $1", sys.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("betaalpagina")) {
		t.Error("the message is stored in clear")
	}

	patientEmail := newEmail("contact-patient")
	patient, ps := registerPatient(t, patientEmail, "contact-password-1")
	_, ds := loginAs(t, demodata.DoctorEmail(60), "doctor-demo-2026")
	var prac contactReceipt
	res := patient.do("POST", "/v1/contact", map[string]any{
		"name": "Pia Patiënt", "email": patientEmail, "subject": "practitioner", "doctor_id": ds.User.ID,
		"message": "The doctor did not answer my follow-up question.", "language": "en",
	}).expect(t, http.StatusCreated)
	res.decode(t, &prac)
	if prac.SentToSupport || !prac.PractitionerPolicy || prac.Practitioner == nil || prac.Practitioner.DoctorID != ds.User.ID ||
		!strings.HasSuffix(prac.Practitioner.ProfileURL, "/doctors/"+ds.User.ID) {
		t.Fatalf("practitioner complaint receipt %+v", prac)
	}
	if got := res.Header.Get("Content-Language"); got != "en" {
		t.Errorf("Content-Language %q, want en", got)
	}
	mailWith(t, patientEmail, prac.Reference, "Wkkgz", "complaints officer", prac.Practitioner.DisplayName,
		"/doctors/"+ds.User.ID)

	var other contactReceipt
	newClient(t).do("POST", "/v1/contact", map[string]any{
		"name": "Olga", "email": guestEmail, "subject": "other", "message": "Do you offer consultations in German?",
	}).expect(t, http.StatusCreated).decode(t, &other)
	if other.SentToSupport || other.PractitionerPolicy {
		t.Fatalf("other receipt %+v", other)
	}
	mailWith(t, guestEmail, other.Reference)
	// Support heard of the system complaint only.
	time.Sleep(300 * time.Millisecond)
	for _, m := range stack.Mail.Messages() {
		if sentTo(m, support) && (strings.Contains(m.Text, prac.Reference) || strings.Contains(m.Text, other.Reference)) {
			t.Errorf("support was mailed about %q", m.Subject)
		}
	}

	admin, as := loginAs(t, "admin@derma2go.test", "admin-demo-2026")
	items := listContact(t, admin, "open")
	got := findContact(items, prac.ID)
	if got == nil || findContact(items, sys.ID) == nil {
		t.Fatalf("open list lacks the messages: %+v", items)
	}
	if got.Name != "Pia Patiënt" || got.Email != patientEmail || got.Subject != "practitioner" ||
		got.UserID == nil || *got.UserID != ps.User.ID || got.DoctorID == nil || *got.DoctorID != ds.User.ID || got.HandledBy != nil {
		t.Errorf("listed message %+v", got)
	}
	if g := findContact(items, sys.ID); g.UserID != nil || g.Message != "De betaalpagina bleef hangen na het kiezen van iDEAL." {
		t.Errorf("guest message listed as %+v", g)
	}

	var updated contactItem
	admin.do("PATCH", "/v1/admin/contact/"+prac.ID, map[string]any{"status": "in_progress"}).
		expect(t, http.StatusOK).decode(t, &updated)
	if updated.Status != "in_progress" || updated.HandledBy == nil || *updated.HandledBy != as.User.ID {
		t.Errorf("after PATCH: %+v", updated)
	}
	if findContact(listContact(t, admin, "open"), prac.ID) != nil {
		t.Error("an in-progress message is still listed as open")
	}
	if findContact(listContact(t, admin, "in_progress"), prac.ID) == nil {
		t.Error("the in-progress list lacks the message")
	}
	if findContact(listContact(t, admin, ""), prac.ID) == nil {
		t.Error("the full list lacks the message")
	}
	admin.do("PATCH", "/v1/admin/contact/"+prac.ID, map[string]any{"status": "closed"}).expect(t, http.StatusOK)
	admin.raw("PATCH", "/v1/admin/contact/"+prac.ID, "application/json", []byte(`{"status":"done"}`)).
		expect(t, http.StatusUnprocessableEntity).problem(t)
	admin.raw("GET", "/v1/admin/contact?status=done", "", nil).expect(t, http.StatusBadRequest).problem(t)
}

// TestContactAdminRoutesRefuseOthers: only administrators list messages and
// change their status; unknown ids are 404.
func TestContactAdminRoutesRefuseOthers(t *testing.T) {
	var r contactReceipt
	newClient(t).do("POST", "/v1/contact", map[string]any{
		"name": "Authz", "email": newEmail("contact-authz"), "subject": "other", "message": "Only admins may read this.",
	}).expect(t, http.StatusCreated).decode(t, &r)
	patient, _ := registerPatient(t, newEmail("contact-nosy"), "contact-password-1")
	doctor, _ := loginAs(t, demodata.DoctorEmail(61), "doctor-demo-2026")
	for who, c := range map[string]*apiClient{"patient": patient, "doctor": doctor, "stranger": newClient(t)} {
		want := http.StatusForbidden
		if who == "stranger" {
			want = http.StatusUnauthorized
		}
		res := c.do("GET", "/v1/admin/contact", nil).expect(t, want)
		if strings.Contains(string(res.Body), "Only admins") {
			t.Errorf("%s read the list", who)
		}
		c.do("PATCH", "/v1/admin/contact/"+r.ID, map[string]any{"status": "closed"}).expect(t, want)
	}
	admin, _ := loginAs(t, "admin@derma2go.test", "admin-demo-2026")
	if m := findContact(listContact(t, admin, ""), r.ID); m == nil || m.Status != "open" {
		t.Fatalf("after the refusals the message is %+v, want open", m)
	}
	admin.do("PATCH", "/v1/admin/contact/00000000-0000-4000-8000-000000000000", map[string]any{"status": "closed"}).
		expect(t, http.StatusNotFound).problem(t)
	admin.do("PATCH", "/v1/admin/contact/not-a-uuid", map[string]any{"status": "closed"}).
		expect(t, http.StatusNotFound).problem(t)
}

// TestContactFormRateLimited: one source may send five messages in a row and
// one address three; the next gets 429 with Retry-After and a text in the
// sender's language, and nothing is stored or mailed.
func TestContactFormRateLimited(t *testing.T) {
	msg := func(email string) map[string]any {
		return map[string]any{"name": "Rate", "email": email, "subject": "other", "message": "Hello there, a question."}
	}
	source := newClient(t)
	for range 5 {
		source.do("POST", "/v1/contact", msg(newEmail("contact-rate"))).expect(t, http.StatusCreated)
	}
	before := count(t, "contact_messages")
	res := source.do("POST", "/v1/contact", msg(newEmail("contact-rate"))).expect(t, http.StatusTooManyRequests)
	p := res.problem(t)
	if res.Header.Get("Retry-After") == "" || !strings.Contains(p.Detail, "Probeer het over") {
		t.Errorf("Dutch 429: Retry-After %q, detail %q", res.Header.Get("Retry-After"), p.Detail)
	}
	english := &apiClient{t: t, source: source.source, header: http.Header{"Accept-Language": {"en-GB,en;q=0.9"}}}
	p = english.do("POST", "/v1/contact", msg(newEmail("contact-rate"))).expect(t, http.StatusTooManyRequests).problem(t)
	if !strings.Contains(p.Detail, "Try again in") {
		t.Errorf("English 429 detail %q", p.Detail)
	}

	// Per address, from ever new sources.
	email := newEmail("contact-rate-one")
	for range 3 {
		newClient(t).do("POST", "/v1/contact", msg(email)).expect(t, http.StatusCreated)
	}
	newClient(t).do("POST", "/v1/contact", msg(strings.ToUpper(email))).expect(t, http.StatusTooManyRequests).problem(t)
	if got := count(t, "contact_messages"); got != before+3 {
		t.Errorf("contact_messages %d → %d, want only the 3 accepted", before, got)
	}
}

// TestContactFormRejectsBadInput: every malformed message is a 4xx problem
// (in the sender's language where the text is ours) and stores nothing.
func TestContactFormRejectsBadInput(t *testing.T) {
	_, ds := loginAs(t, demodata.DoctorEmail(62), "doctor-demo-2026")
	base := func() map[string]any {
		return map[string]any{"name": "Bad", "email": newEmail("contact-bad"), "subject": "practitioner", "message": "Some text."}
	}
	with := func(k string, v any) map[string]any {
		m := base()
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	before := count(t, "contact_messages")
	cases := []struct {
		name   string
		body   map[string]any
		status int
		detail string
	}{
		{"no name", with("name", nil), 422, ""},
		{"blank name", with("name", "   "), 422, "Vul uw naam"},
		{"blank message", with("message", " \n "), 422, "Vul uw naam"},
		{"bad email", with("email", "not-an-address"), 422, ""},
		{"unknown subject", with("subject", "praise"), 422, ""},
		{"long message", with("message", strings.Repeat("x", 5001)), 422, ""},
		{"doctor on another subject", func() map[string]any { m := with("subject", "other"); m["doctor_id"] = ds.User.ID; return m }(), 422, "Alleen een klacht"},
		{"unknown doctor", with("doctor_id", "00000000-0000-4000-8000-000000000000"), 422, "bestaat niet"},
		{"doctor id not a uuid", with("doctor_id", "dr-who"), 422, ""},
		{"unknown field", with("phone", "0612345678"), 422, ""},
	}
	for _, tc := range cases {
		res := newClient(t).raw("POST", "/v1/contact", "application/json", mustJSON(t, tc.body))
		if res.Status != tc.status {
			t.Errorf("%s → %d, want %d: %s", tc.name, res.Status, tc.status, res.Body)
			continue
		}
		if p := res.problem(t); !strings.Contains(p.Detail, tc.detail) {
			t.Errorf("%s: detail %q, want %q", tc.name, p.Detail, tc.detail)
		}
	}
	if got := count(t, "contact_messages"); got != before {
		t.Errorf("contact_messages %d → %d after bad input", before, got)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
