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
	"derma2go/video"
)

// testRoomToken asks the API for a test-room token as c.
func testRoomToken(t *testing.T, c *apiClient) api.VideoTestTokenView {
	t.Helper()
	var tok api.VideoTestTokenView
	c.do("POST", "/v1/video/test-token", nil).expect(t, http.StatusOK).decode(t, &tok)
	return tok
}

// TestVideoTestRoomThroughTheAPI: anyone (no login) gets a test-room token
// from the API; a real pion peer joins with it and decodes its own camera
// coming back. The room is none of the consultations' rooms, a sweep of the
// rooms against the workflows leaves it alone, a consultation's token
// naming it is refused, and it closes when its peer leaves.
func TestVideoTestRoomThroughTheAPI(t *testing.T) {
	tok := testRoomToken(t, newClient(t))
	if tok.Token == "" || tok.MaxSeconds != int(video.DefaultTestRoomLimit/time.Second) {
		t.Fatalf("test token %+v", tok)
	}
	expires, err := time.Parse(time.RFC3339, tok.ExpiresAt)
	if err != nil || expires.After(time.Now().Add(61*time.Second)) || expires.Before(time.Now().Add(50*time.Second)) {
		t.Fatalf("expires_at %q (%v), want a minute from now", tok.ExpiresAt, err)
	}
	turn := false
	for _, s := range tok.ICEServers {
		turn = turn || (strings.HasPrefix(s.URLs[0], "turn:") && s.Username != "" && s.Credential != "")
	}
	if !turn {
		t.Fatalf("ice_servers %+v lack the TURN server with credentials", tok.ICEServers)
	}
	ws, err := url.Parse(tok.WSURL)
	if err != nil {
		t.Fatal(err)
	}
	room := uuid.MustParse(ws.Query().Get("room"))
	sfu := stack.Platform.SFU

	peer, _ := dialRoom(t, tok.WSURL, video.RolePatient)
	waitFor(t, "the test peer decodes its own camera", func() bool { return peer.Frames(video.RolePatient) > 10 })
	if !sfu.TestRoomOpen(room) || sfu.RoomOpen(room) {
		t.Fatalf("test room open %v, consultation room open %v; want the test room among the tests only", sfu.TestRoomOpen(room), sfu.RoomOpen(room))
	}
	for _, id := range sfu.RoomIDs() {
		if id == room {
			t.Fatal("the test room is listed among the consultations' rooms")
		}
	}
	// One sweep as FollowRooms makes every few seconds: it would end a room
	// whose workflow does not exist, which a test room's never does.
	stack.Platform.SweepRooms(context.Background())
	seen := peer.Frames(video.RolePatient)
	waitFor(t, "the echo after a sweep", func() bool { return peer.Frames(video.RolePatient) > seen+10 })

	// A consultation's token for the test room's id: no such consultation, 410.
	forged := video.NewTokens(stack.Platform.Links, nil).Sign(video.Grant{ConsultationID: room, Role: video.RolePatient, Expires: time.Now().Add(time.Hour)})
	base := strings.SplitN(tok.WSURL, "?", 2)[0] + "?token="
	if _, status := dialRoom(t, base+url.QueryEscape(forged), video.RolePatient); status != http.StatusGone {
		t.Fatalf("a consultation token naming the test room: %d, want 410", status)
	}
	// A second peer with the same test token: the room has one place.
	if _, status := dialRoom(t, tok.WSURL, video.RolePatient); status != http.StatusConflict {
		t.Fatalf("a second peer in the test room: %d, want 409", status)
	}
	seen = peer.Frames(video.RolePatient)
	waitFor(t, "the echo goes on", func() bool { return peer.Frames(video.RolePatient) > seen+10 })
	if peer.Err() != nil {
		t.Fatalf("signalling error: %v", peer.Err())
	}

	peer.Close()
	waitFor(t, "the test room closes with its peer", func() bool { return !sfu.TestRoomOpen(room) })
	if sfu.RoomOpen(room) {
		t.Fatal("a consultation room opened under the test room's id")
	}
}

// testRoomsApartFromConsultation is called while the consultation id's
// patient waits in its room: a test token naming that id gets a test room
// of its own (101, not 409 for the patient's taken place) and the
// consultation's room count does not move.
func testRoomsApartFromConsultation(t *testing.T, id string, wsURL string) {
	t.Helper()
	sfu := stack.Platform.SFU
	consultation := uuid.MustParse(id)
	if !sfu.RoomOpen(consultation) {
		t.Fatal("the consultation's room is not open while its patient waits")
	}
	token := video.NewTokens(stack.Platform.Links, nil).Sign(video.Grant{TestRoom: consultation, Role: video.RolePatient, Expires: time.Now().Add(time.Minute)})
	base := strings.SplitN(wsURL, "?", 2)[0] + "?token="
	tester, status := dialRoom(t, base+url.QueryEscape(token), video.RolePatient)
	if status != http.StatusSwitchingProtocols {
		t.Fatalf("a test token naming a consultation with its patient in: %d, want 101 into a test room", status)
	}
	waitFor(t, "the test peer's own echo", func() bool { return tester.Frames(video.RolePatient) > 5 })
	if !sfu.TestRoomOpen(consultation) || !sfu.RoomOpen(consultation) {
		t.Fatalf("test room open %v, consultation room open %v; want both, apart", sfu.TestRoomOpen(consultation), sfu.RoomOpen(consultation))
	}
	tester.Close()
	waitFor(t, "the test room closes", func() bool { return !sfu.TestRoomOpen(consultation) })
	if !sfu.RoomOpen(consultation) {
		t.Fatal("the consultation's room closed with the test room")
	}
}

// TestVideoTestTokenRateLimited: one address gets ten test tokens in a row;
// the next is 429 problem+json with Retry-After, in Dutch or (asked) in
// English, and another address is not affected.
func TestVideoTestTokenRateLimited(t *testing.T) {
	source := newClient(t)
	for range 10 {
		testRoomToken(t, source)
	}
	res := source.do("POST", "/v1/video/test-token", nil).expect(t, http.StatusTooManyRequests)
	if p := res.problem(t); res.Header.Get("Retry-After") == "" || !strings.Contains(p.Detail, "Probeer het over") {
		t.Fatalf("Dutch 429: Retry-After %q, %+v", res.Header.Get("Retry-After"), p)
	}
	english := &apiClient{t: t, source: source.source, header: http.Header{"Accept-Language": {"en-GB,en;q=0.9"}}}
	if p := english.do("POST", "/v1/video/test-token", nil).expect(t, http.StatusTooManyRequests).problem(t); !strings.Contains(p.Detail, "Try again in") {
		t.Fatalf("English 429: %+v", p)
	}
	testRoomToken(t, newClient(t))
}
