package video

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"derma2go/secure"
)

// testSFUOptions starts an SFU with opts (loopback, its own tokens).
func testSFUOptions(t *testing.T, opts Options) (*SFU, *Tokens, string) {
	t.Helper()
	tokens := NewTokens(secure.NewLinks([]byte("0123456789abcdef0123456789abcdef")), nil)
	opts.UDPAddr, opts.IncludeLoopback, opts.Tokens = "127.0.0.1:0", true, tokens
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		srv.Close()
		_ = s.Close()
	})
	return s, tokens, "ws" + strings.TrimPrefix(srv.URL, "http")
}

func testGrant(room uuid.UUID) Grant {
	return Grant{TestRoom: room, Role: RolePatient, Expires: time.Now().Add(time.Minute)}
}

// TestTestTokenIsItsOwnKind: a test token names its room and nothing else;
// it is not a consultation's token, and the consultation's token is not a
// test token, whatever is spliced between them.
func TestTestTokenIsItsOwnKind(t *testing.T) {
	tokens := NewTokens(secure.NewLinks([]byte("0123456789abcdef0123456789abcdef")), nil)
	room := uuid.New()
	g, err := tokens.Verify(tokens.Sign(testGrant(room)))
	if err != nil || !g.Test() || g.TestRoom != room || g.ConsultationID != uuid.Nil || g.Role != RolePatient {
		t.Fatalf("test token verified as %+v, %v", g, err)
	}
	c, err := tokens.Verify(tokens.Sign(grant(room, RoleDoctor)))
	if err != nil || c.Test() || c.ConsultationID != room {
		t.Fatalf("consultation token verified as %+v, %v", c, err)
	}
	// The purpose is signed: renaming it breaks the signature.
	renamed := strings.Replace(tokens.Sign(grant(room, RolePatient)), "video-room.", "video-test.", 1)
	if _, err := tokens.Verify(renamed); err == nil {
		t.Fatal("a consultation token renamed to a test token was accepted")
	}
	expired := tokens.Sign(Grant{TestRoom: room, Role: RolePatient, Expires: time.Now().Add(-time.Second)})
	if _, err := tokens.Verify(expired); err == nil {
		t.Fatal("an expired test token was accepted")
	}
}

// TestTestRoomEchoesApartFromConsultations: a test peer gets its own media
// back in a room of its own, even when its id is a consultation's whose
// patient is in: neither hears the other, the consultation's place stays
// taken by its patient, the test room is not among the consultations' rooms
// (so the workflows' sweep never sees it), and it closes when its peer leaves.
func TestTestRoomEchoesApartFromConsultations(t *testing.T) {
	s, tokens, url := testSFUOptions(t, Options{})
	id := uuid.New()
	patient, _, err := dial(t, url, tokens.Sign(grant(id, RolePatient)))
	if err != nil {
		t.Fatal(err)
	}
	tester, _, err := dial(t, url, tokens.Sign(testGrant(id)))
	if err != nil {
		t.Fatalf("test peer under a consultation's id: %v", err)
	}
	eventually(t, 10*time.Second, "the test peer's echo", func() bool { return tester.count(RolePatient) > 20 })
	eventually(t, 10*time.Second, "the patient's echo", func() bool { return patient.count(RolePatient) > 20 })
	if s.Rooms() != 1 || s.TestRooms() != 1 || !slices.Equal(s.RoomIDs(), []uuid.UUID{id}) {
		t.Fatalf("rooms %d, test rooms %d, ids %v", s.Rooms(), s.TestRooms(), s.RoomIDs())
	}
	if got := testutil.ToFloat64(s.metrics.rooms); got != 1 {
		t.Fatalf("derma_video_rooms = %v with one consultation room and one test room, want 1", got)
	}
	if p, test := testutil.ToFloat64(s.metrics.peers.WithLabelValues(string(RolePatient))), testutil.ToFloat64(s.metrics.peers.WithLabelValues(peerTestLabel)); p != 1 || test != 1 {
		t.Fatalf("derma_video_peers: patient %v, test %v; want the consultation's patient and the test peer apart (1, 1)", p, test)
	}
	// Admitting or ending the consultation does not reach the test room.
	s.Admit(id)
	s.End(id)
	<-patient.closed
	seen := tester.count(RolePatient)
	eventually(t, 5*time.Second, "the test echo after the consultation ended", func() bool { return tester.count(RolePatient) > seen+20 })
	if s.TestRooms() != 1 {
		t.Fatalf("test rooms %d after the consultation ended", s.TestRooms())
	}
	// One peer per test room.
	if _, resp, err := dial(t, url, tokens.Sign(testGrant(id))); err == nil || resp == nil || resp.StatusCode != http.StatusConflict {
		t.Fatalf("a second peer in the test room: err %v, resp %v; want 409", err, resp)
	}
	tester.close()
	eventually(t, 5*time.Second, "the test room closes with its peer", func() bool { return s.TestRooms() == 0 })
	if test := testutil.ToFloat64(s.metrics.peers.WithLabelValues(peerTestLabel)); test != 0 {
		t.Fatalf("derma_video_peers{role=\"test\"} = %v after the test peer left", test)
	}
}

// TestTestRoomLimits: a test room closes its peer after TestRoomLimit, and
// beyond MaxTestRooms a new test is refused with 503 before the upgrade.
func TestTestRoomLimits(t *testing.T) {
	s, tokens, url := testSFUOptions(t, Options{TestRoomLimit: 1500 * time.Millisecond, MaxTestRooms: 1})
	first, _, err := dial(t, url, tokens.Sign(testGrant(uuid.New())))
	if err != nil {
		t.Fatal(err)
	}
	// The upgrade answers before the room is opened behind it.
	eventually(t, 5*time.Second, "the first test room is open", func() bool { return s.TestRooms() == 1 })
	if _, resp, err := dial(t, url, tokens.Sign(testGrant(uuid.New()))); err == nil || resp == nil ||
		resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a test over MaxTestRooms: err %v, resp %v; want 503 with Retry-After", err, resp)
	}
	// A consultation's room is not counted against the tests.
	if _, _, err := dial(t, url, tokens.Sign(grant(uuid.New(), RolePatient))); err != nil {
		t.Fatalf("a consultation room while the tests are full: %v", err)
	}
	select {
	case <-first.closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the test room outlived its limit")
	}
	eventually(t, 5*time.Second, "the test room is gone", func() bool { return s.TestRooms() == 0 })
	again, _, err := dial(t, url, tokens.Sign(testGrant(uuid.New())))
	if err != nil {
		t.Fatalf("a new test after the first closed: %v", err)
	}
	eventually(t, 10*time.Second, "the new test's echo", func() bool { return again.count(RolePatient) > 5 })
}
