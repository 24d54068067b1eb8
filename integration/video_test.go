package integration

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"derma2go/api"
	"derma2go/demodata"
)

// videoCase is a paid video appointment of a round-the-clock doctor, with
// the slot starting within minutes (so the waiting room is open).
type videoCase struct {
	id      string
	patient *apiClient
	doctor  *apiClient
}

func newVideoCase(t *testing.T, doctorIndex int) *videoCase {
	t.Helper()
	doctor, doctorID := roundTheClockDoctor(t, doctorIndex)
	patient, _ := registerPatient(t, newEmail("videoroom"), "videoroom-password-1")
	slot := firstSlotFrom(t, doctorID, time.Now())
	var b booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339), "language": "en"}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, patient, b.ID, "scheduled")
	return &videoCase{id: b.ID, patient: patient, doctor: doctor}
}

func (v *videoCase) tokenPath() string { return "/v1/consultations/" + v.id + "/video-token" }

// token fetches a room token as c, which must get want.
func (v *videoCase) token(t *testing.T, c *apiClient, want int) api.VideoTokenView {
	t.Helper()
	res := c.do("POST", v.tokenPath(), nil).expect(t, want)
	var tok api.VideoTokenView
	if want == http.StatusOK {
		res.decode(t, &tok)
	} else {
		res.problem(t)
	}
	return tok
}

// TestVideoTokenFollowsTheWorkflow: room tokens only while the workflow
// has the patient waiting or in session, for the patient and the doctor of
// the consultation; a 409 in the caller's language otherwise.
func TestVideoTokenFollowsTheWorkflow(t *testing.T) {
	v := newVideoCase(t, 171)

	// Booked and paid, but not checked in: no room yet, said in the
	// patient's language (the account's, Dutch) or, to a guest link, the
	// consultation's (English).
	p := v.patient.do("POST", v.tokenPath(), nil).expect(t, http.StatusConflict).problem(t)
	if !strings.HasSuffix(p.Type, "/video-room-closed") || !strings.Contains(p.Detail, "wachtkamer") {
		t.Fatalf("before check-in: %+v", p)
	}
	guest := v.tokenPath() + "?access=" + url.QueryEscape(stack.Platform.Links.Sign("consultation", v.id, time.Now().Add(time.Hour)))
	if p := newClient(t).do("POST", guest, nil).expect(t, http.StatusConflict).problem(t); !strings.Contains(p.Detail, "waiting room") {
		t.Fatalf("before check-in, to the guest link: %+v", p)
	}
	v.doctor.do("POST", v.tokenPath(), nil).expect(t, http.StatusConflict).problem(t)

	v.patient.do("POST", "/v1/consultations/"+v.id+"/checkin", nil).expect(t, http.StatusOK)
	pt := v.token(t, v.patient, http.StatusOK)
	dt := v.token(t, v.doctor, http.StatusOK)
	if pt.Role != "patient" || dt.Role != "doctor" || pt.Admitted || pt.Token == "" || pt.Token == dt.Token {
		t.Fatalf("tokens: patient %+v, doctor %+v", pt, dt)
	}
	wantWS := "ws" + strings.TrimPrefix(stack.APIURL, "http") + "/v1/video/ws?token=" + url.QueryEscape(pt.Token)
	if pt.WSURL != wantWS {
		t.Fatalf("ws_url %q, want %q", pt.WSURL, wantWS)
	}
	expires, err := time.Parse(time.RFC3339, pt.ExpiresAt)
	if err != nil || expires.Before(time.Now().Add(29*time.Minute)) || expires.After(time.Now().Add(31*time.Minute)) {
		t.Fatalf("expires_at %q (%v), want 30 minutes from now", pt.ExpiresAt, err)
	}
	var turn *api.ICEServerView
	for i, s := range pt.ICEServers {
		if strings.HasPrefix(s.URLs[0], "turn:") {
			turn = &pt.ICEServers[i]
		}
	}
	if turn == nil || turn.Username == "" || turn.Credential == "" {
		t.Fatalf("ice_servers %+v lack the TURN server with credentials", pt.ICEServers)
	}

	// Another patient and another doctor get nothing.
	intruder, _ := registerPatient(t, newEmail("videointruder"), "videointruder-password-1")
	intruder.do("POST", v.tokenPath(), nil).expect(t, http.StatusNotFound)
	otherDoctor, _ := loginAs(t, demodata.DoctorEmail(173), "doctor-demo-2026")
	otherDoctor.do("POST", v.tokenPath(), nil).expect(t, http.StatusNotFound)

	var gt api.VideoTokenView
	if newClient(t).do("POST", guest, nil).expect(t, http.StatusOK).decode(t, &gt); gt.Role != "patient" || gt.Token == "" {
		t.Fatalf("guest link token: %+v", gt)
	}
	v.doctor.do("POST", "/v1/doctor/consultations/"+v.id+"/start", nil).expect(t, http.StatusOK)
	if pt = v.token(t, v.patient, http.StatusOK); !pt.Admitted {
		t.Fatalf("in session, not admitted: %+v", pt)
	}
	v.doctor.do("POST", "/v1/doctor/consultations/"+v.id+"/end", nil).expect(t, http.StatusOK)
	v.doctor.do("POST", v.tokenPath(), nil).expect(t, http.StatusConflict).problem(t)
	// The patient's language (Dutch by default) for a logged-in patient.
	if p := v.patient.do("POST", v.tokenPath(), nil).expect(t, http.StatusConflict).problem(t); !strings.Contains(p.Detail, "wachtkamer") {
		t.Fatalf("after the session, in the patient's language: %+v", p)
	}
}
