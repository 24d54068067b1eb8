package videotest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/secure"
	"derma2go/video"
)

func startSFU(t *testing.T) (*video.SFU, *video.Tokens, string) {
	t.Helper()
	tokens := video.NewTokens(secure.NewLinks([]byte("0123456789abcdef0123456789abcdef")), nil)
	s, err := video.New(video.Options{UDPAddr: "127.0.0.1:0", IncludeLoopback: true, Tokens: tokens})
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

func join(t *testing.T, url string, tokens *video.Tokens, id uuid.UUID, role video.Role) *Peer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tok := tokens.Sign(video.Grant{ConsultationID: id, Role: role, Expires: time.Now().Add(time.Hour)})
	p, _, err := Dial(ctx, url+"?token="+tok, role)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// rejoin is join retried while the SFU still holds the role (409), for up
// to 5 s.
func rejoin(t *testing.T, url string, tokens *video.Tokens, id uuid.UUID, role video.Role) *Peer {
	t.Helper()
	tok := tokens.Sign(video.Grant{ConsultationID: id, Role: role, Expires: time.Now().Add(time.Hour)})
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		p, resp, err := Dial(ctx, url+"?token="+tok, role)
		cancel()
		if err == nil {
			t.Cleanup(p.Close)
			return p
		}
		if resp == nil || resp.StatusCode != http.StatusConflict || time.Now().After(deadline) {
			t.Fatalf("rejoin: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func within(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPeersDecodeEachOthersCamera: the helper's peers decode the picture of
// the other role once admitted (and, before, the patient its own).
func TestPeersDecodeEachOthersCamera(t *testing.T) {
	s, tokens, url := startSFU(t)
	id := uuid.New()
	patient := join(t, url, tokens, id, video.RolePatient)
	doctor := join(t, url, tokens, id, video.RoleDoctor)
	within(t, 10*time.Second, "the patient decodes their own camera", func() bool { return patient.Frames(video.RolePatient) > 10 })
	if n := patient.Frames(video.RoleDoctor) + doctor.Frames(video.RolePatient); n != 0 {
		t.Fatalf("%d frames crossed before admission", n)
	}
	s.Admit(id)
	within(t, 10*time.Second, "the patient decodes the doctor", func() bool { return patient.Frames(video.RoleDoctor) > 10 })
	within(t, 10*time.Second, "the doctor decodes the patient", func() bool { return doctor.Frames(video.RolePatient) > 10 })
	if doctor.Frames(video.RoleDoctor) != 0 || !patient.Admitted() || patient.Err() != nil || doctor.Err() != nil {
		t.Fatalf("doctor's echo %d, admitted %v, errors %v %v", doctor.Frames(video.RoleDoctor), patient.Admitted(), patient.Err(), doctor.Err())
	}
}

// TestMediaComesBackAfterTheNetworkIsCut: a patient whose UDP path is cut
// until its ICE connection fails gets media back by an ICE restart; a
// client that gives up on the socket rejoins with a new one.
func TestMediaComesBackAfterTheNetworkIsCut(t *testing.T) {
	s, tokens, url := startSFU(t)
	id := uuid.New()
	s.Admit(id)
	patient := join(t, url, tokens, id, video.RolePatient)
	doctor := join(t, url, tokens, id, video.RoleDoctor)
	within(t, 10*time.Second, "media both ways", func() bool {
		return patient.Frames(video.RoleDoctor) > 10 && doctor.Frames(video.RolePatient) > 10
	})

	patient.CutNetwork()
	within(t, 10*time.Second, "the patient's ICE fails", func() bool { return patient.ICEState().String() == "failed" })
	before := patient.Frames(video.RoleDoctor)
	time.Sleep(500 * time.Millisecond)
	if n := patient.Frames(video.RoleDoctor) - before; n > 2 {
		t.Fatalf("%d frames arrived over a cut path", n)
	}
	patient.RestoreNetwork()
	patient.Restart()
	within(t, 10*time.Second, "media after the ICE restart", func() bool {
		return patient.Frames(video.RoleDoctor) > before+10 && doctor.Frames(video.RolePatient) > 20
	})

	// Full rejoin: the patient drops the channel and joins again. Until the
	// SFU has seen the old channel close, the role is taken (409); the web
	// client rejoins with a backoff, and so does this one.
	patient.Close()
	again := rejoin(t, url, tokens, id, video.RolePatient)
	within(t, 10*time.Second, "media after a rejoin", func() bool { return again.Frames(video.RoleDoctor) > 10 })
}
