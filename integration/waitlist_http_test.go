package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"derma2go/api"
	"derma2go/demodata"
)

// waitlistRoutes are the routes of the waitlist in the route table.
func waitlistRoutes(t *testing.T) []api.RouteInfo {
	t.Helper()
	var out []api.RouteInfo
	for _, r := range api.Routes() {
		if strings.Contains(r.Path, "/waitlist") {
			out = append(out, r)
		}
	}
	if len(out) < 8 {
		t.Fatalf("only %d waitlist routes in the table", len(out))
	}
	return out
}

// TestWaitlistRoutesRefuseOtherPeople walks every waitlist route of the
// route table with Ann's real entry and open offer as another patient, a
// doctor, an admin and a stranger: another patient's answers are 404 (her
// own list shows nothing of Ann's), doctors and admins are refused the
// patient's routes (403), patients and admins the doctor's (403), a
// stranger everything (401); every refused access to Ann's entry or offer
// is audited naming Ann. Nothing of it touched the offer: Ann accepts it
// afterwards and books the slot. The slot starts within 24 hours, so her
// cancellation of the waitlist booking refunds nothing (the 24-hour rule
// holds for waitlist bookings as for any), and the doctor's confirmation
// issues no refund.
func TestWaitlistRoutesRefuseOtherPeople(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, 113)
	slot := firstSlotFrom(t, doctorID, time.Now().Add(5*time.Hour))
	booker, _ := registerPatient(t, newEmail("wlauthz-booker"), "waitlist-password-1")
	var b booking
	booker.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, booker, b.ID, "scheduled")

	annEmail := newEmail("wlauthz-ann")
	ann, annSession := registerPatient(t, annEmail, "waitlist-password-1")
	entry := joinWaitlist(t, ann, doctorID, slot)
	booker.do("POST", "/v1/consultations/"+b.ID+"/cancellation", map[string]any{"reason": "schedule_conflict"}).expect(t, http.StatusOK)
	confirmed := time.Now()
	doctor.do("POST", "/v1/doctor/consultations/"+b.ID+"/cancellation/confirm", nil).expect(t, http.StatusOK)
	_, offerID := offerMail(t, annEmail, confirmed)

	intruder, intruderSession := registerPatient(t, newEmail("wlauthz-intruder"), "waitlist-password-1")
	admin, _ := loginAs(t, "admin@derma2go.test", "admin-demo-2026")
	otherDoctor, _ := loginAs(t, demodata.DoctorEmail(112), "doctor-demo-2026")
	stranger := newClient(t)

	concrete := func(path string) string {
		if strings.Contains(path, "/offers/") {
			return strings.ReplaceAll(path, ":id", offerID)
		}
		return strings.ReplaceAll(path, ":id", entry.ID)
	}
	call := func(c *apiClient, r api.RouteInfo) response {
		p := concrete(r.Path)
		if strings.HasSuffix(p, "/events") {
			return c.streamHead(p)
		}
		var body []byte
		if r.Method == "POST" {
			body = []byte(`{}`)
		}
		return c.raw(r.Method, p, "application/json", body)
	}
	doctorRoute := func(r api.RouteInfo) bool { return strings.HasPrefix(r.Path, "/v1/doctor/") }
	walked := 0
	for _, r := range waitlistRoutes(t) {
		label := r.Method + " " + r.Path
		// A stranger is asked to log in, everywhere.
		if res := call(stranger, r); res.Status != http.StatusUnauthorized {
			t.Errorf("%s as a stranger → %d, want 401: %s", label, res.Status, res.Body)
		}
		if doctorRoute(r) {
			for who, c := range map[string]*apiClient{"a patient": ann, "an admin": admin} {
				if res := call(c, r); res.Status != http.StatusForbidden {
					t.Errorf("%s as %s → %d, want 403: %s", label, who, res.Status, res.Body)
				}
			}
			walked++
			continue
		}
		for who, c := range map[string]*apiClient{"a doctor": doctor, "another doctor": otherDoctor, "an admin": admin} {
			if res := call(c, r); res.Status != http.StatusForbidden {
				t.Errorf("%s as %s → %d, want 403: %s", label, who, res.Status, res.Body)
			}
		}
		// Another patient: her own list (joining is hers to do) or not found.
		switch {
		case r.Path == "/v1/me/waitlist" && r.Method == "POST", strings.HasSuffix(r.Path, "/events"):
		case r.Path == "/v1/me/waitlist" && r.Method == "GET":
			if l := myWaitlist(t, intruder); len(l) != 0 {
				t.Errorf("another patient's waitlist shows %+v", l)
			}
		default:
			res := call(intruder, r)
			if res.Status != http.StatusNotFound {
				t.Errorf("%s as another patient → %d, want 404: %s", label, res.Status, res.Body)
				break
			}
			res.problem(t)
			// The attempt is in Ann's access log: the row names her.
			rows := auditRowsOf(t, res.Header.Get("X-Request-ID"))
			if len(rows) != 1 || rows[0].PatientID != annSession.User.ID || rows[0].ActorID != intruderSession.User.ID ||
				rows[0].Outcome != http.StatusNotFound || rows[0].ObjectType != r.AuditObject || rows[0].Action != r.AuditAction ||
				rows[0].ObjectID != lastParam(r.Path, concrete(r.Path)) {
				t.Errorf("%s as another patient: audit rows %+v, want one naming Ann (%s) and the object", label, rows, annSession.User.ID)
			}
		}
		walked++
	}
	if walked != len(waitlistRoutes(t)) {
		t.Fatalf("walked %d of %d routes", walked, len(waitlistRoutes(t)))
	}
	// An id nobody has is not found and names the caller only.
	res := intruder.do("GET", "/v1/me/waitlist/offers/00000000-0000-4000-8000-000000000000", nil).expect(t, http.StatusNotFound)
	if rows := auditRowsOf(t, res.Header.Get("X-Request-ID")); len(rows) != 1 || rows[0].PatientID != intruderSession.User.ID {
		t.Errorf("a read of an offer nobody has: audit rows %+v, want the caller named", rows)
	}
	intruder.do("DELETE", "/v1/me/waitlist/not-a-uuid", nil).expect(t, http.StatusNotFound).problem(t)
	intruder.do("POST", "/v1/me/waitlist/offers/not-a-uuid/decline", nil).expect(t, http.StatusNotFound).problem(t)

	// Ann's entry and offer are untouched by all of it.
	var offer waitlistOffer
	ann.do("GET", "/v1/me/waitlist/offers/"+offerID, nil).expect(t, http.StatusOK).decode(t, &offer)
	if offer.Status != "open" {
		t.Fatalf("Ann's offer after the walk: %+v", offer)
	}
	if l := myWaitlist(t, ann); len(l) != 1 || l[0].ID != entry.ID || l[0].Offer == nil || l[0].Offer.ID != offerID {
		t.Fatalf("Ann's waitlist after the walk: %+v", l)
	}
	var nb booking
	ann.do("POST", "/v1/me/waitlist/offers/"+offerID+"/accept", nil).expect(t, http.StatusCreated).decode(t, &nb)
	payCheckout(t, nb.CheckoutURL)
	waitConsultation(t, ann, nb.ID, "scheduled")

	// Within 24 hours of the start: nothing back, and none issued.
	var state struct {
		CancellationRefundCents *int64 `json:"cancellation_refund_cents"`
	}
	ann.do("POST", "/v1/consultations/"+nb.ID+"/cancellation", map[string]any{"reason": "schedule_conflict"}).
		expect(t, http.StatusOK).decode(t, &state)
	if state.CancellationRefundCents == nil || *state.CancellationRefundCents != 0 {
		t.Fatalf("refund fixed at a request %s before the start: %v, want 0", time.Until(slot).Round(time.Minute), state.CancellationRefundCents)
	}
	doctor.do("POST", "/v1/doctor/consultations/"+nb.ID+"/cancellation/confirm", nil).expect(t, http.StatusOK)
	waitConsultation(t, ann, nb.ID, "cancelled")
	if paid, refunded := sandboxMoney(t, nb.ID); paid != 6000 || refunded != 0 {
		t.Fatalf("sandbox after the late cancellation: paid %d, refunded %d; want 6000 and 0", paid, refunded)
	}
	var refunds int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT count(*) FROM refunds WHERE consultation_id = $1", nb.ID).Scan(&refunds); err != nil {
		t.Fatal(err)
	}
	if refunds != 0 {
		t.Fatalf("%d refunds recorded for a cancellation within 24 hours", refunds)
	}
}

// TestWaitlistJoinRejectsBadInput sends each kind of bad join to the API:
// every answer is a 4xx problem (field problems name the field; the
// duplicate's text is Dutch by default, English for an English account), and only
// the one good join is stored, which the patient then leaves.
func TestWaitlistJoinRejectsBadInput(t *testing.T) {
	_, doctorID := roundTheClockDoctor(t, 113)
	p, s := registerPatient(t, newEmail("wlbad"), "waitlist-password-1")
	ams := amsterdam(t)
	today := time.Now().In(ams)
	day := func(n int) string { return today.AddDate(0, 0, n).Format("2006-01-02") }
	good := func() map[string]any {
		return map[string]any{"doctor_id": doctorID, "type": "video", "earliest": day(0), "latest": day(7), "time_of_day": "morning"}
	}
	cases := []struct {
		name   string
		change func(m map[string]any)
		status int
		field  string
	}{
		{"unknown doctor", func(m map[string]any) { m["doctor_id"] = "00000000-0000-4000-8000-000000000000" }, 422, "doctor_id"},
		{"a patient as doctor", func(m map[string]any) { m["doctor_id"] = s.User.ID }, 422, "doctor_id"},
		{"doctor not a uuid", func(m map[string]any) { m["doctor_id"] = "dr-who" }, 422, "doctor_id"},
		{"email advice has no slots", func(m map[string]any) { m["type"] = "email_advice" }, 422, "type"},
		{"walk-in has no waitlist", func(m map[string]any) { m["type"] = "walk_in" }, 422, "type"},
		{"no such day", func(m map[string]any) { m["earliest"] = today.Format("2006") + "-02-30" }, 422, "earliest"},
		{"not a date", func(m map[string]any) { m["latest"] = "next week" }, 422, "latest"},
		{"backwards", func(m map[string]any) { m["earliest"], m["latest"] = day(5), day(4) }, 422, "latest"},
		{"in the past", func(m map[string]any) { m["earliest"], m["latest"] = day(-10), day(-1) }, 422, "latest"},
		{"beyond 180 days", func(m map[string]any) { m["latest"] = day(181) }, 422, "latest"},
		{"unknown time of day", func(m map[string]any) { m["time_of_day"] = "night" }, 422, "time_of_day"},
		{"missing latest", func(m map[string]any) { delete(m, "latest") }, 422, "latest"},
		{"an unknown field", func(m map[string]any) { m["position"] = 1 }, 422, "position"},
	}
	for _, c := range cases {
		body := good()
		c.change(body)
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		res := p.raw("POST", "/v1/me/waitlist", "application/json", raw)
		if res.Status != c.status {
			t.Errorf("%s → %d, want %d: %s", c.name, res.Status, c.status, res.Body)
			continue
		}
		res.problem(t)
		if c.field != "" && !strings.Contains(string(res.Body), `"`+c.field+`"`) {
			t.Errorf("%s: the problem does not name %s: %s", c.name, c.field, res.Body)
		}
	}
	if l := myWaitlist(t, p); len(l) != 0 {
		t.Fatalf("bad joins stored entries: %+v", l)
	}
	var e waitlistEntry
	p.do("POST", "/v1/me/waitlist", good()).expect(t, http.StatusCreated).decode(t, &e)
	res := p.do("POST", "/v1/me/waitlist", good()).expect(t, http.StatusConflict)
	if !strings.Contains(string(res.Body), "U staat al op de wachtlijst") {
		t.Errorf("the duplicate's problem is not in Dutch: %s", res.Body)
	}
	// The account's language decides.
	p.do("PUT", "/v1/me/language", map[string]any{"language": "en"}).expect(t, http.StatusOK)
	res = p.do("POST", "/v1/me/waitlist", good()).expect(t, http.StatusConflict)
	if !strings.Contains(string(res.Body), "You are on this doctor's waitlist") {
		t.Errorf("the duplicate's problem is not in English: %s", res.Body)
	}
	if l := myWaitlist(t, p); len(l) != 1 || l[0].ID != e.ID {
		t.Fatalf("entries after the duplicates: %+v", l)
	}
	p.do("DELETE", "/v1/me/waitlist/"+e.ID, nil).expect(t, http.StatusNoContent)
	p.do("DELETE", "/v1/me/waitlist/"+e.ID, nil).expect(t, http.StatusNotFound).problem(t)
	if l := myWaitlist(t, p); len(l) != 0 {
		t.Fatalf("entries after leaving: %+v", l)
	}
}

// TestWaitlistOffersNewHours: a doctor with no free video time adds hours
// through PUT /v1/doctor/availability; the soonest new slot that matches
// the waiting patient's wish (mornings) is held and offered by email, not
// the earlier afternoon one. A second save that opens nothing offers
// nothing more.
func TestWaitlistOffersNewHours(t *testing.T) {
	doctor, s := loginAs(t, demodata.DoctorEmail(112), "doctor-demo-2026")
	doctorID := s.User.ID
	doctor.do("PUT", "/v1/doctor/availability", map[string]any{"rules": []any{}}).expect(t, http.StatusOK)
	doctor.do("PUT", "/v1/doctor/fees", map[string]any{"fees": []map[string]any{
		{"type": "video", "amount_cents": 6000, "duration_minutes": 15},
	}}).expect(t, http.StatusOK)
	ams := amsterdam(t)
	now := time.Now().In(ams)
	tomorrow, after := now.AddDate(0, 0, 1), now.AddDate(0, 0, 2)
	email := newEmail("wlhours")
	p, _ := registerPatient(t, email, "waitlist-password-1")
	p.do("POST", "/v1/me/waitlist", map[string]any{"doctor_id": doctorID, "type": "video", "earliest": now.Format("2006-01-02"),
		"latest": now.AddDate(0, 0, 3).Format("2006-01-02"), "time_of_day": "morning"}).expect(t, http.StatusCreated)

	rules := []map[string]any{
		{"type": "video", "weekday": int(tomorrow.Weekday()), "start": "14:00", "end": "14:30"},
		{"type": "video", "weekday": int(after.Weekday()), "start": "09:00", "end": "09:30"},
	}
	saved := time.Now()
	doctor.do("PUT", "/v1/doctor/availability", map[string]any{"rules": rules}).expect(t, http.StatusOK)
	_, offerID := offerMail(t, email, saved)
	var offer waitlistOffer
	p.do("GET", "/v1/me/waitlist/offers/"+offerID, nil).expect(t, http.StatusOK).decode(t, &offer)
	want := time.Date(after.Year(), after.Month(), after.Day(), 9, 0, 0, 0, ams)
	if offer.Status != "open" || offer.SlotStart != want.UTC().Format(time.RFC3339) {
		t.Fatalf("offer %+v, want the new morning slot %s", offer, want.UTC().Format(time.RFC3339))
	}
	for _, it := range freeSlots(t, doctorID, "video").Items {
		if it.Start.Equal(want) {
			t.Fatal("the offered slot is listed as free")
		}
	}
	if hs := holdStatus(t, doctorID, want); len(hs) != 1 || hs[0] != "held" {
		t.Fatalf("holds of the offered slot: %v", hs)
	}

	// Saving the same hours again opens nothing: no second chain.
	doctor.do("PUT", "/v1/doctor/availability", map[string]any{"rules": rules}).expect(t, http.StatusOK)
	var holds int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT count(*) FROM waitlist_holds WHERE doctor_id = $1", doctorID).Scan(&holds); err != nil {
		t.Fatal(err)
	}
	if holds != 1 {
		t.Fatalf("%d holds after saving the same hours again, want 1", holds)
	}
}
