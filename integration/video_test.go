package integration

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/api"
	"derma2go/demodata"
	"derma2go/video"
	"derma2go/video/videotest"
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
	v := newVideoCase(t, 191)

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
	wantWS := "ws" + strings.TrimPrefix(stack.APIURL, "http") + "/v1/video/ws?room=" + v.id + "&token=" + url.QueryEscape(pt.Token)
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
	otherDoctor, _ := loginAs(t, demodata.DoctorEmail(195), "doctor-demo-2026")
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

// dialRoom connects a real pion peer to the API's signalling endpoint.
func dialRoom(t *testing.T, wsURL string, role video.Role) (*videotest.Peer, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, res, err := videotest.Dial(ctx, wsURL, role)
	if err != nil {
		if res == nil {
			t.Fatalf("dial %s: %v", role, err)
		}
		return nil, res.StatusCode
	}
	t.Cleanup(p.Close)
	return p, http.StatusSwitchingProtocols
}

// videoRooms is the derma_video_rooms gauge of the API's registry.
func videoRooms(t *testing.T) float64 {
	t.Helper()
	families, err := stack.Platform.Metrics.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "derma_video_rooms" {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatal("derma_video_rooms is not in the API's registry")
	return 0
}

// TestVideoSessionThroughTheAPI: a paid video appointment in the waiting
// room; patient and doctor fetch their tokens from the API and connect real
// pion peers to its /v1/video/ws. Until the doctor starts the session
// through the API the patient sees only their own camera; then both decode
// the other's. A second patient connection, an expired or forged token and
// a token of another consultation are refused; ending the session through
// the API closes the room and its peers.
func TestVideoSessionThroughTheAPI(t *testing.T) {
	v := newVideoCase(t, 193)
	v.patient.do("POST", "/v1/consultations/"+v.id+"/checkin", nil).expect(t, http.StatusOK)
	pt := v.token(t, v.patient, http.StatusOK)
	dt := v.token(t, v.doctor, http.StatusOK)
	rooms := videoRooms(t)

	patient, _ := dialRoom(t, pt.WSURL, video.RolePatient)
	doctor, _ := dialRoom(t, dt.WSURL, video.RoleDoctor)
	waitFor(t, "the waiting patient decodes their own camera", func() bool { return patient.Frames(video.RolePatient) > 10 })
	time.Sleep(time.Second)
	if n, m := patient.Frames(video.RoleDoctor), doctor.Frames(video.RolePatient); n != 0 || m != 0 || patient.Admitted() {
		t.Fatalf("before the start: patient decoded %d doctor frames, doctor %d patient frames, admitted %v", n, m, patient.Admitted())
	}
	if got := videoRooms(t); got != rooms+1 {
		t.Fatalf("derma_video_rooms = %v, want %v", got, rooms+1)
	}

	testRoomsApartFromConsultation(t, v.id, pt.WSURL)
	// A second use of the patient's token while the patient is in: 409.
	if _, status := dialRoom(t, pt.WSURL, video.RolePatient); status != http.StatusConflict {
		t.Fatalf("second patient connection: %d, want 409", status)
	}
	tokens := video.NewTokens(stack.Platform.Links, nil)
	base := strings.SplitN(pt.WSURL, "?", 2)[0] + "?token="
	id := uuid.MustParse(v.id)
	expired := tokens.Sign(video.Grant{ConsultationID: id, Role: video.RolePatient, Expires: time.Now().Add(-time.Second)})
	if _, status := dialRoom(t, base+url.QueryEscape(expired), video.RolePatient); status != http.StatusUnauthorized {
		t.Fatalf("expired token: %d, want 401", status)
	}
	forged := strings.Replace(dt.Token, "doctor", "patient", 1)
	if _, status := dialRoom(t, base+url.QueryEscape(forged), video.RolePatient); status != http.StatusUnauthorized {
		t.Fatalf("doctor's token turned patient: %d, want 401", status)
	}
	other := tokens.Sign(video.Grant{ConsultationID: uuid.New(), Role: video.RoleDoctor, Expires: time.Now().Add(time.Hour)})
	if _, status := dialRoom(t, base+url.QueryEscape(other), video.RoleDoctor); status != http.StatusGone {
		t.Fatalf("token of a consultation that is not this one (nor any): %d, want 410", status)
	}

	v.doctor.do("POST", "/v1/doctor/consultations/"+v.id+"/start", nil).expect(t, http.StatusOK)
	waitFor(t, "the patient decodes the doctor's camera", func() bool { return patient.Frames(video.RoleDoctor) > 10 })
	waitFor(t, "the doctor decodes the patient's camera", func() bool { return doctor.Frames(video.RolePatient) > 10 })
	if patient.Err() != nil || doctor.Err() != nil {
		t.Fatalf("signalling errors: %v, %v", patient.Err(), doctor.Err())
	}
	checkMonitoringNames(t, func(name string) bool { return strings.HasPrefix(name, "derma_video_") })

	v.doctor.do("POST", "/v1/doctor/consultations/"+v.id+"/end", nil).expect(t, http.StatusOK)
	for who, p := range map[string]*videotest.Peer{"patient": patient, "doctor": doctor} {
		select {
		case <-p.Done():
		case <-time.After(5 * time.Second):
			t.Fatalf("the %s is still connected after the session ended", who)
		}
	}
	if !strings.Contains(patient.Bye(), "ended") {
		t.Fatalf("goodbye %q", patient.Bye())
	}
	if _, status := dialRoom(t, pt.WSURL, video.RolePatient); status != http.StatusGone {
		t.Fatalf("rejoin after the end: %d, want 410", status)
	}
	if got := videoRooms(t); got != rooms {
		t.Fatalf("derma_video_rooms = %v after the end, want %v", got, rooms)
	}
	v.patient.do("POST", v.tokenPath(), nil).expect(t, http.StatusConflict).problem(t)
}

// TestVideoReconnectThroughTheAPI: in a running session the patient's UDP
// path is cut until ICE fails; an ICE restart over the same signalling
// channel brings the doctor's picture back. Then the patient hangs up and
// rejoins with a fresh token from the API.
func TestVideoReconnectThroughTheAPI(t *testing.T) {
	v := newVideoCase(t, 197)
	v.patient.do("POST", "/v1/consultations/"+v.id+"/checkin", nil).expect(t, http.StatusOK)
	v.doctor.do("POST", "/v1/doctor/consultations/"+v.id+"/start", nil).expect(t, http.StatusOK)
	patient, _ := dialRoom(t, v.token(t, v.patient, http.StatusOK).WSURL, video.RolePatient)
	doctor, _ := dialRoom(t, v.token(t, v.doctor, http.StatusOK).WSURL, video.RoleDoctor)
	waitFor(t, "media both ways", func() bool {
		return patient.Frames(video.RoleDoctor) > 10 && doctor.Frames(video.RolePatient) > 10
	})

	patient.CutNetwork()
	waitFor(t, "the patient's ICE fails", func() bool { return patient.ICEState().String() == "failed" })
	before := patient.Frames(video.RoleDoctor)
	patient.RestoreNetwork()
	patient.Restart()
	waitFor(t, "the doctor's picture after the ICE restart", func() bool { return patient.Frames(video.RoleDoctor) > before+10 })

	patient.Close()
	again, _ := dialRoom(t, v.token(t, v.patient, http.StatusOK).WSURL, video.RolePatient)
	waitFor(t, "the doctor's picture after a rejoin", func() bool { return again.Frames(video.RoleDoctor) > 10 })
	seen := doctor.Frames(video.RolePatient)
	waitFor(t, "the doctor sees the rejoined patient", func() bool { return doctor.Frames(video.RolePatient) > seen+10 })
}
