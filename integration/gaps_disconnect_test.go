package integration

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"derma2go/db"
	"derma2go/payments"
)

// Demo doctors of the disconnect tests: one with a paid booking, one the
// audit walk disconnects.
const (
	gapsDisconnectDoctor      = 115
	gapsAuditDisconnectDoctor = 116
)

// reconnectDoctor connects the doctor again to the sandbox organisation of
// their newest connection, through the consent page.
func reconnectDoctor(t *testing.T, doctor *apiClient, doctorID string) {
	t.Helper()
	back := clickThroughAs(t, doctor, organizationOf(t, doctorID), true)
	complete(doctor, back).expect(t, http.StatusOK)
}

// ensureConnected connects the doctor again unless they are connected (a
// cleanup after a disconnect).
func ensureConnected(t *testing.T, doctor *apiClient, doctorID string) {
	t.Helper()
	var st payoutState
	doctor.do("GET", "/v1/doctor/payments/connection", nil).expect(t, http.StatusOK).decode(t, &st)
	if !st.Connected {
		reconnectDoctor(t, doctor, doctorID)
	}
}

// refreshTokenOf is the stored refresh token of the doctor's live connection.
func refreshTokenOf(t *testing.T, doctorID string) string {
	t.Helper()
	var enc []byte
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT refresh_token_enc FROM mollie_connections WHERE doctor_id = $1 AND disconnected_at IS NULL", doctorID).Scan(&enc); err != nil {
		t.Fatal(err)
	}
	rt, err := stack.Platform.Fields.DecryptString(db.FieldMollieRefreshToken, enc)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// TestDoctorDisconnectsMollie: a doctor with a paid video booking on their
// connected account cannot disconnect it (409 connect-open, in Dutch,
// naming how many); once the doctor cancelled it and the refund went
// through the account, the disconnect succeeds: the dashboard state says
// not connected, the refresh token is revoked at Mollie and wiped in the
// database, patients are refused for types paid online, and a second
// disconnect is a 404. Connecting the same organisation again makes the
// doctor bookable again.
func TestDoctorDisconnectsMollie(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, gapsDisconnectDoctor)
	var st payoutState
	doctor.do("GET", "/v1/doctor/payments/connection", nil).expect(t, http.StatusOK).decode(t, &st)
	if !st.Connected {
		t.Fatalf("doctor %d starts unconnected: %+v", gapsDisconnectDoctor, st)
	}
	patient, _ := registerPatient(t, newEmail("gaps-disconnect"), "gaps-disconnect-1")
	id, slot := bookPaidVideo(t, patient, doctorID, time.Now())

	p := doctor.do("DELETE", "/v1/doctor/payments/connection", nil).expect(t, http.StatusConflict).problem(t)
	if !strings.HasSuffix(p.Type, "/connect-open") || !strings.Contains(p.Detail, "nog 1 betaalde consulten") {
		t.Fatalf("disconnect with an open booking: %+v", p)
	}
	doctor.do("GET", "/v1/doctor/payments/connection", nil).expect(t, http.StatusOK).decode(t, &st)
	if !st.Connected {
		t.Fatal("a refused disconnect disconnected")
	}

	doctor.do("POST", "/v1/doctor/consultations/"+id+"/cancel", nil).expect(t, http.StatusOK)
	waitFor(t, "the refund issued at Mollie", func() bool {
		return count(t, "refunds WHERE consultation_id = '"+id+"' AND mollie_refund_id IS NOT NULL") == 1
	})
	waitConsultation(t, patient, id, "cancelled")

	rt := refreshTokenOf(t, doctorID)
	doctor.do("DELETE", "/v1/doctor/payments/connection", nil).expect(t, http.StatusOK).decode(t, &st)
	if st.Connected || !st.Required {
		t.Fatalf("after disconnecting: %+v", st)
	}
	t.Cleanup(func() { ensureConnected(t, doctor, doctorID) })
	doctor.do("GET", "/v1/doctor/payments/connection", nil).expect(t, http.StatusOK).decode(t, &st)
	if st.Connected {
		t.Fatalf("the dashboard still shows a connection: %+v", st)
	}
	if _, err := stack.Platform.Payouts.Connect.Refresh(context.Background(), rt); !errors.Is(err, payments.ErrInvalidGrant) {
		t.Fatalf("the old refresh token still refreshes: %v", err)
	}
	if n := count(t, "mollie_connections WHERE doctor_id = '"+doctorID+"' AND disconnected_at IS NOT NULL AND refresh_token_enc = '\\x'"); n != 1 {
		t.Fatalf("%d disconnected rows with wiped tokens, want 1", n)
	}
	res := patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": firstSlotFromAs(t, doctor, doctorID, slot.Add(time.Minute)).Format(time.RFC3339)})
	if p := res.expect(t, http.StatusConflict).problem(t); !strings.HasSuffix(p.Type, "/doctor-not-connected") {
		t.Fatalf("booking a disconnected doctor: %+v", p)
	}
	doctor.do("DELETE", "/v1/doctor/payments/connection", nil).expect(t, http.StatusNotFound).problem(t)
	patient.do("DELETE", "/v1/doctor/payments/connection", nil).expect(t, http.StatusForbidden).problem(t)

	reconnectDoctor(t, doctor, doctorID)
	doctor.do("GET", "/v1/doctor/payments/connection", nil).expect(t, http.StatusOK).decode(t, &st)
	if !st.Connected {
		t.Fatalf("connecting again: %+v", st)
	}
	bookPaidVideo(t, patient, doctorID, slot.Add(time.Minute))
}
