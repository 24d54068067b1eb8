package integration

import (
	"context"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"derma2go/devstack/mailsink"
)

// Demo doctors 131–139 belong to the waitlist tests.

type waitlistEntry struct {
	ID        string `json:"id"`
	DoctorID  string `json:"doctor_id"`
	Type      string `json:"type"`
	Position  int    `json:"position"`
	ExpiresAt string `json:"expires_at"`
	Offer     *struct {
		ID        string `json:"id"`
		SlotStart string `json:"slot_start"`
		ExpiresAt string `json:"expires_at"`
	} `json:"offer"`
}

type waitlistOffer struct {
	ID             string  `json:"id"`
	Status         string  `json:"status"`
	SlotStart      string  `json:"slot_start"`
	ExpiresAt      string  `json:"expires_at"`
	ConsultationID *string `json:"consultation_id"`
}

// joinWaitlist puts the patient on the doctor's video waitlist for the
// days around slot.
func joinWaitlist(t *testing.T, c *apiClient, doctorID string, slot time.Time) waitlistEntry {
	t.Helper()
	ams := amsterdam(t)
	var e waitlistEntry
	c.do("POST", "/v1/me/waitlist", map[string]any{"doctor_id": doctorID, "type": "video",
		"earliest": slot.In(ams).AddDate(0, 0, -1).Format("2006-01-02"), "latest": slot.In(ams).AddDate(0, 0, 2).Format("2006-01-02")}).
		expect(t, http.StatusCreated).decode(t, &e)
	return e
}

func myWaitlist(t *testing.T, c *apiClient) []waitlistEntry {
	t.Helper()
	var l struct {
		Items []waitlistEntry `json:"items"`
	}
	c.do("GET", "/v1/me/waitlist", nil).expect(t, http.StatusOK).decode(t, &l)
	return l.Items
}

// offerMail waits for the waitlist offer email to the address and returns
// it with the offer id its link names.
func offerMail(t *testing.T, to string, after time.Time) (mailsink.Message, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, err := stack.Mail.WaitFor(ctx, func(m mailsink.Message) bool {
		return len(m.Headers[textproto.CanonicalMIMEHeaderKey("X-Derma2Go-Waitlist-Offer")]) > 0 && m.ReceivedAt.After(after) &&
			len(m.To) > 0 && strings.EqualFold(strings.Trim(m.To[0], "<>"), to)
	})
	if err != nil {
		t.Fatalf("no waitlist offer mail to %s: %v", to, err)
	}
	return m, m.Headers[textproto.CanonicalMIMEHeaderKey("X-Derma2Go-Waitlist-Offer")][0]
}

// offerLink is the link to the offer's page in the email's text.
func offerLink(t *testing.T, m mailsink.Message, offerID string) string {
	t.Helper()
	for _, f := range strings.Fields(m.Text) {
		if strings.Contains(f, "/waitlist/offers/"+offerID) {
			return f
		}
	}
	t.Fatalf("offer mail has no link to offer %s: %s", offerID, m.Text)
	return ""
}

func holdStatus(t *testing.T, doctorID string, slot time.Time) []string {
	t.Helper()
	rows, err := stack.Platform.Store.Pool.Query(context.Background(),
		`SELECT status FROM waitlist_holds WHERE doctor_id = $1 AND lower(slot) = $2 ORDER BY created_at`, doctorID, slot)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestWaitlistOffersACancelledSlotInTurn: a confirmed cancellation holds
// the slot (nobody books it meanwhile) and offers it to the first patient on
// the waitlist by an email whose link opens a page; her decline sends it to
// the second, who accepts and books it through the normal path (paid). The
// 24-hour refund rule holds for that booking, and its confirmed
// cancellation starts a new chain that offers the slot to the first patient
// again.
func TestWaitlistOffersACancelledSlotInTurn(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, 131)
	booker, _ := registerPatient(t, newEmail("wl-booker"), "waitlist-password-1")
	slot := firstSlotFrom(t, doctorID, time.Now().Add(30*time.Hour))
	var b booking
	booker.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, booker, b.ID, "scheduled")

	annEmail, bobEmail := newEmail("wl-ann"), newEmail("wl-bob")
	ann, _ := registerPatient(t, annEmail, "waitlist-password-1")
	bob, _ := registerPatient(t, bobEmail, "waitlist-password-1")
	annEntry := joinWaitlist(t, ann, doctorID, slot)
	bobEntry := joinWaitlist(t, bob, doctorID, slot)
	if annEntry.Position != 1 || bobEntry.Position != 2 {
		t.Fatalf("positions %d, %d; want 1, 2", annEntry.Position, bobEntry.Position)
	}
	var lengths struct {
		Types []struct {
			Type   string `json:"type"`
			Length int    `json:"length"`
		} `json:"types"`
	}
	doctor.do("GET", "/v1/doctor/waitlist", nil).expect(t, http.StatusOK).decode(t, &lengths)
	if len(lengths.Types) != 2 || lengths.Types[0].Type != "video" || lengths.Types[0].Length != 2 ||
		lengths.Types[1].Type != "in_person" || lengths.Types[1].Length != 0 {
		t.Fatalf("doctor's waitlist lengths %+v", lengths.Types)
	}

	booker.do("POST", "/v1/consultations/"+b.ID+"/cancellation", map[string]any{"reason": "schedule_conflict"}).expect(t, http.StatusOK)
	confirmed := time.Now()
	doctor.do("POST", "/v1/doctor/consultations/"+b.ID+"/cancellation/confirm", nil).expect(t, http.StatusOK)
	m, offerID := offerMail(t, annEmail, confirmed)
	t.Logf("first offer sent %s after the confirmation", m.ReceivedAt.Sub(confirmed).Round(time.Millisecond))
	link := offerLink(t, m, offerID)
	if u, err := url.Parse(link); err != nil || u.Path != "/waitlist/offers/"+offerID {
		t.Fatalf("offer link %q is not the offer's page", link)
	}

	// Held: the slot is not free, and a normal booking cannot take it.
	for _, it := range freeSlots(t, doctorID, "video").Items {
		if it.Start.Equal(slot) {
			t.Fatal("the held slot is listed as free")
		}
	}
	other, _ := registerPatient(t, newEmail("wl-other"), "waitlist-password-1")
	other.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusConflict).problem(t)
	// Only Ann may see or answer her offer.
	bob.do("GET", "/v1/me/waitlist/offers/"+offerID, nil).expect(t, http.StatusNotFound).problem(t)
	bob.do("POST", "/v1/me/waitlist/offers/"+offerID+"/accept", nil).expect(t, http.StatusNotFound).problem(t)

	var offer waitlistOffer
	ann.do("GET", "/v1/me/waitlist/offers/"+offerID, nil).expect(t, http.StatusOK).decode(t, &offer)
	if offer.Status != "open" || offer.SlotStart != slot.UTC().Format(time.RFC3339) {
		t.Fatalf("offer %+v", offer)
	}
	if l := myWaitlist(t, ann); len(l) != 1 || l[0].Offer == nil || l[0].Offer.ID != offerID {
		t.Fatalf("Ann's waitlist does not show the offer: %+v", l)
	}
	declined := time.Now()
	ann.do("POST", "/v1/me/waitlist/offers/"+offerID+"/decline", nil).expect(t, http.StatusNoContent)
	ann.do("POST", "/v1/me/waitlist/offers/"+offerID+"/accept", nil).expect(t, http.StatusConflict).problem(t)

	_, bobOffer := offerMail(t, bobEmail, declined)
	var nb booking
	bob.do("POST", "/v1/me/waitlist/offers/"+bobOffer+"/accept", nil).expect(t, http.StatusCreated).decode(t, &nb)
	if nb.CheckoutURL == "" || nb.Status != "awaiting_payment" {
		t.Fatalf("accepted offer booked %+v, want a video booking awaiting payment", nb)
	}
	payCheckout(t, nb.CheckoutURL)
	waitConsultation(t, bob, nb.ID, "scheduled")
	waitFor(t, "the hold to be taken", func() bool {
		s := holdStatus(t, doctorID, slot)
		return len(s) == 1 && s[0] == "taken"
	})
	if l := myWaitlist(t, bob); len(l) != 0 {
		t.Errorf("Bob is still waiting after booking: %+v", l)
	}
	if l := myWaitlist(t, ann); len(l) != 1 || l[0].Position != 1 || l[0].Offer != nil {
		t.Errorf("Ann's entry after declining: %+v", l)
	}

	// The 24-hour rule: cancelled ≥ 24 h ahead, Bob gets the price minus
	// the admin fee back; the freed slot goes to Ann again.
	var fee int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT admin_fee_cents FROM doctors WHERE user_id = $1", doctorID).Scan(&fee); err != nil {
		t.Fatal(err)
	}
	var state struct {
		CancellationRefundCents *int64 `json:"cancellation_refund_cents"`
	}
	bob.do("POST", "/v1/consultations/"+nb.ID+"/cancellation", map[string]any{"reason": "schedule_conflict"}).
		expect(t, http.StatusOK).decode(t, &state)
	if state.CancellationRefundCents == nil || *state.CancellationRefundCents != int64(6000-fee) {
		t.Fatalf("refund fixed at the request: %v, want %d", state.CancellationRefundCents, 6000-fee)
	}
	again := time.Now()
	doctor.do("POST", "/v1/doctor/consultations/"+nb.ID+"/cancellation/confirm", nil).expect(t, http.StatusOK)
	waitRefunded(t, nb.ID, float64(6000-fee)/6000)
	_, annAgain := offerMail(t, annEmail, again)
	if annAgain == offerID {
		t.Fatal("the new chain re-sent the old offer")
	}
	if s := holdStatus(t, doctorID, slot); len(s) != 2 || s[1] != "held" {
		t.Fatalf("holds of the slot: %v, want the taken one and a new one held", s)
	}
}
