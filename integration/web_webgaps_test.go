package integration

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"derma2go/demodata"
)

// webgapsDoctor is the demo doctor whose fees, profile and reviews the
// browser test changes (no other test uses it).
const webgapsDoctor = 186

// TestWebPagesInBrowser runs web/e2e/webgaps.mjs in Debian's Chromium
// against the private stack: the contact form (footer link, field errors, a
// guest's complaint about the service, a complaint about a named doctor in
// English), the administrators' contact list and its status, comment
// moderation and condition review as admin, the doctor's fees and admin
// fee, profile, reviews, condition review and a guest's consultation (named
// as the intake did), the patient's account settings (language, password)
// and the portal pages, and the offline message. Every page passes axe-core
// and the keyboard walk. Afterwards the API must hold what the browser did.
func TestWebPagesInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)
	ctx := context.Background()

	// A guest's email advice with this doctor, answered and reviewed.
	ac := newAdviceCase(t, webgapsDoctor)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	ac.submitIntake()
	ac.waitStatus("awaiting_advice")
	ac.answer()
	ac.waitStatus("completed")
	reviewText := "Snel en duidelijk antwoord, dank u. " + ac.id[:8]
	newClient(t).do("POST", ac.guestPath("/review"), map[string]any{"rating": 4, "text": reviewText}).
		expect(t, http.StatusCreated)
	var profile struct {
		Name string `json:"name"`
	}
	newClient(t).do("GET", "/v1/doctors/"+ac.doctorID, nil).expect(t, http.StatusOK).decode(t, &profile)

	// A patient account, and the patient's comment awaiting moderation.
	email, password := newEmail("webgaps"), "webgaps-patient-2026"
	patient, _ := registerPatient(t, email, password)
	conditions := listConditions(t, newClient(t), "?lang=nl")
	cond := conditions.Items[len(conditions.Items)-1]
	var comment struct {
		ID string `json:"id"`
	}
	patient.do("POST", "/v1/conditions/"+cond.Slug+"/comments", map[string]any{"body": "Bij mij hielp een milde zeep. " + ac.id[:8]}).
		expect(t, http.StatusCreated).decode(t, &comment)
	// The condition starts published (the browser sends it back to draft and publishes it again).
	ac.doctor.do("POST", "/v1/doctor/conditions/"+cond.Slug+"/review", map[string]any{"state": "published"}).expect(t, http.StatusOK)

	contactEmail := newEmail("webgaps-contact")
	bio := "Dermatoloog met aandacht voor eczeem bij kinderen. " + ac.id[:8]
	newPassword := "webgaps-new-password-2026"
	out := filepath.Join(root, "web", "e2e", "out", "webgaps")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "webgaps.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_OUT_DIR="+out, "CHROMIUM="+chromiumPath(),
		"E2E_ADMIN_EMAIL=admin@derma2go.test", "E2E_ADMIN_PASSWORD=admin-demo-2026",
		"E2E_DOCTOR_EMAIL="+demodata.DoctorEmail(webgapsDoctor), "E2E_DOCTOR_PASSWORD=doctor-demo-2026",
		"E2E_DOCTOR_ID="+ac.doctorID, "E2E_DOCTOR_NAME="+profile.Name,
		"E2E_PATIENT_EMAIL="+email, "E2E_PATIENT_PASSWORD="+password, "E2E_NEW_PASSWORD="+newPassword,
		"E2E_CONTACT_EMAIL="+contactEmail, "E2E_COMMENT_ID="+comment.ID,
		"E2E_CONDITION_SLUG="+cond.Slug, "E2E_CONDITION_NAME="+cond.Name,
		"E2E_BIO="+bio, "E2E_REVIEW_TEXT="+reviewText,
		"E2E_GUEST_CONSULTATION="+ac.id, "E2E_GUEST_NAME="+guestName, "E2E_GUEST_EMAIL="+ac.guestEmail,
	)
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (output in %s)", err, out)
	}

	// The contact messages the browser sent: stored, the first one in progress.
	var statuses []string
	rows, err := stack.Platform.Store.Pool.Query(ctx, `SELECT subject || ':' || status FROM contact_messages
		WHERE email_hash = $1 ORDER BY created_at`, stack.Platform.Fields.Lookup("contact_messages.email", contactEmail))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, s)
	}
	rows.Close()
	if len(statuses) != 2 || statuses[0] != "system_complaint:in_progress" || statuses[1] != "practitioner:open" {
		t.Errorf("contact messages from the browser: %v, want the service complaint in progress and the practitioner one open", statuses)
	}

	// Fees, admin fee, answer time and profile as saved in the browser.
	var fees struct {
		Fees []struct {
			Type        string `json:"type"`
			AmountCents int    `json:"amount_cents"`
		} `json:"fees"`
	}
	ac.doctor.do("GET", "/v1/doctor/fees", nil).expect(t, http.StatusOK).decode(t, &fees)
	video := 0
	for _, f := range fees.Fees {
		if f.Type == "video" {
			video = f.AmountCents
		}
	}
	if video != 7250 {
		t.Errorf("video fee %d cents, want 7250: %+v", video, fees.Fees)
	}
	var mine struct {
		Bio           string `json:"bio"`
		AdminFeeCents int    `json:"admin_fee_cents"`
		AdviceSLADays int    `json:"advice_sla_days"`
	}
	ac.doctor.do("GET", "/v1/doctor/profile", nil).expect(t, http.StatusOK).decode(t, &mine)
	if mine.Bio != bio || mine.AdminFeeCents != 1250 || mine.AdviceSLADays != 2 {
		t.Errorf("profile after the browser: %+v", mine)
	}

	// The comment approved, the condition published again by this doctor.
	admin, _ := loginAs(t, "admin@derma2go.test", "admin-demo-2026")
	var approved struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	admin.do("GET", "/v1/admin/comments?status=approved", nil).expect(t, http.StatusOK).decode(t, &approved)
	seen := false
	for _, it := range approved.Items {
		seen = seen || it.ID == comment.ID
	}
	if !seen {
		t.Errorf("comment %s was not approved", comment.ID)
	}
	var page conditionPage
	newClient(t).do("GET", "/v1/conditions/"+cond.Slug+"?lang=nl", nil).expect(t, http.StatusOK).decode(t, &page)
	if page.Review.State != "published" || page.Review.ReviewerName != profile.Name {
		t.Errorf("condition %s after the browser: %+v", cond.Slug, page.Review)
	}

	// The language chosen and the new password.
	var s struct {
		User struct {
			Language string `json:"language"`
		} `json:"user"`
	}
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": email, "password": newPassword}).
		expect(t, http.StatusOK).decode(t, &s)
	if s.User.Language != "en" {
		t.Errorf("language after the switch %q, want en", s.User.Language)
	}
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": email, "password": password}).
		expect(t, http.StatusUnauthorized)
}
