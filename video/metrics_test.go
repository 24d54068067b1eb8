package video

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
)

func TestSequenceCountsGapsOnce(t *testing.T) {
	var s sequence
	steps := []struct {
		seq  uint16
		lost int
	}{
		{65530, 0}, {65531, 0}, {65534, 2}, // 65532, 65533 missing
		{65533, 0},         // late: counted when the gap opened
		{65534, 0},         // duplicate
		{1, 2},             // wraps: 65535 and 0 missing
		{2, 0}, {40000, 0}, // a jump of half the space or more is "old"
		{12, 9},
	}
	for i, st := range steps {
		if got := s.next(st.seq); got != st.lost {
			t.Fatalf("step %d: next(%d) = %d, want %d", i, st.seq, got, st.lost)
		}
	}
}

func rtpBytes(t *testing.T, ssrc uint32, seq uint16) []byte {
	t.Helper()
	b, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: seq, SSRC: ssrc}, Payload: []byte{1, 2, 3}}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestArrivalsStampRTPOnly(t *testing.T) {
	a := &arrivals{}
	a.observe(rtpBytes(t, 0xdeadbeef, 7))
	at, ok := a.lookup(0xdeadbeef, 7)
	if !ok || at <= 0 || at > monotime() {
		t.Fatalf("lookup of a stamped packet = %d, %v", at, ok)
	}
	if _, ok := a.lookup(0xdeadbeef, 8); ok {
		t.Fatal("a packet never seen was found")
	}
	if _, ok := a.lookup(0xdeadbee0, 7); ok {
		t.Fatal("another SSRC's packet was found")
	}

	// RTCP (a receiver report, packet type 201), STUN (first byte 0–3) and
	// DTLS (20–63) are not stamped, nor is a runt.
	rr := rtpBytes(t, 0x01020304, 0x0506)
	rr[1] = 201
	stunish := rtpBytes(t, 0x01020304, 0x0506)
	stunish[0] = 0x00
	dtls := rtpBytes(t, 0x01020304, 0x0506)
	dtls[0] = 22
	for _, b := range [][]byte{rr, stunish, dtls, rtpBytes(t, 0x01020304, 0x0506)[:11]} {
		a.observe(b)
	}
	if _, ok := a.lookup(0x01020304, 0x0506); ok {
		t.Fatal("a non-RTP datagram was stamped")
	}

	// A slot taken over by another packet no longer answers for the first.
	key, h := arrivalKey(0xdeadbeef, 7)
	a.slots[h].key.Store(key ^ 1)
	if _, ok := a.lookup(0xdeadbeef, 7); ok {
		t.Fatal("an overwritten slot answered")
	}
}

// histogram returns the sample count and sum of a histogram series.
func histogram(t *testing.T, o prometheus.Observer) *dto.Histogram {
	t.Helper()
	var m dto.Metric
	if err := o.(prometheus.Metric).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram()
}

// TestForwardMetricsAreMeasured: a doctor alone in an unadmitted room
// publishes to nobody: received, not forwarded, no delay observed. The
// patient's echo is forwarded, and its delay is measured from the UDP
// socket (the arrival stamps are found for nearly every packet) and stays
// far below a second on loopback.
func TestForwardMetricsAreMeasured(t *testing.T) {
	s, tokens, url, _ := testSFU(t, nil)
	if _, _, err := dial(t, url, tokens.Sign(grant(uuid.New(), RoleDoctor))); err != nil {
		t.Fatal(err)
	}
	received := s.metrics.receivedPackets.WithLabelValues("video")
	eventually(t, 10*time.Second, "the doctor's video reaches the SFU", func() bool { return testutil.ToFloat64(received) > 30 })
	if n := testutil.ToFloat64(s.metrics.forwardedBytes.WithLabelValues("video")); n != 0 {
		t.Fatalf("%v bytes counted as forwarded with nobody to receive them", n)
	}
	delay := s.metrics.forwardDelay.WithLabelValues("video")
	if n := histogram(t, delay).GetSampleCount(); n != 0 {
		t.Fatalf("%d forwarding delays observed with nobody to receive", n)
	}

	misses := s.arrivals.misses.Load()
	patient, _, err := dial(t, url, tokens.Sign(grant(uuid.New(), RolePatient)))
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "echo", func() bool { return patient.count(RolePatient) > 100 })
	h := histogram(t, delay)
	n := h.GetSampleCount()
	if n < 50 {
		t.Fatalf("%d forwarding delays observed, want the echo's", n)
	}
	if mean := h.GetSampleSum() / float64(n); mean <= 0 || mean > 0.1 {
		t.Fatalf("mean forwarding delay %v s", mean)
	}
	if missed := s.arrivals.misses.Load() - misses; float64(missed) > 0.05*float64(n) {
		t.Fatalf("%d of %d forwarded packets had no arrival stamp", missed, n)
	}
	if b := testutil.ToFloat64(s.metrics.forwardedBytes.WithLabelValues("video")); b < 20*1000 {
		t.Fatalf("forwarded video bytes = %v", b)
	}
	if lost := testutil.ToFloat64(s.metrics.lostPackets.WithLabelValues("video")); lost != 0 {
		t.Fatalf("%v packets counted lost on loopback", lost)
	}
	// The patient's receiver reports (one a second) feed the loss on the
	// way out: none on loopback.
	loss := s.metrics.packetLoss.WithLabelValues("video")
	eventually(t, 10*time.Second, "receiver reports", func() bool { return histogram(t, loss).GetSampleCount() >= 2 })
	if sum := histogram(t, loss).GetSampleSum(); sum != 0 {
		t.Fatalf("receivers reported a loss of %v on loopback", sum)
	}
}

// TestLostPacketsCountsThePublishersGaps: a publisher that skips every
// tenth sequence number shows that many packets lost on the way in.
func TestLostPacketsCountsThePublishersGaps(t *testing.T) {
	s, tokens, url, _ := testSFU(t, nil)
	sent := make(chan uint16, 1)
	gappy := func(c *client) {
		track, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "video", "camera")
		if err != nil {
			t.Error(err)
			return
		}
		if _, err := c.pc.AddTrack(track); err != nil {
			t.Error(err)
			return
		}
		go func() {
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			var seq uint16
			for i := 0; ; i++ {
				select {
				case <-c.closed:
					return
				case <-tick.C:
				}
				seq++
				if seq%10 == 0 {
					continue
				}
				pkt := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(i) * 450, Marker: true}, Payload: []byte{0x10, 0, 0, 0, 1, 2, 3, 4}}
				if err := track.WriteRTP(pkt); err != nil {
					t.Logf("write: %v", err)
					return
				}
				if seq == 1001 {
					sent <- seq
				}
			}
		}()
	}
	if _, _, err := dialClient(t, url, tokens.Sign(grant(uuid.New(), RoleDoctor)), webrtc.Configuration{}, gappy); err != nil {
		t.Fatal(err)
	}
	select {
	case <-sent:
	case <-time.After(20 * time.Second):
		t.Fatal("the publisher did not get to packet 1000")
	}
	received := s.metrics.receivedPackets.WithLabelValues("video")
	lost := s.metrics.lostPackets.WithLabelValues("video")
	eventually(t, 10*time.Second, "packets counted", func() bool { return testutil.ToFloat64(received) > 500 })
	r, l := testutil.ToFloat64(received), testutil.ToFloat64(lost)
	if ratio := l / (r + l); ratio < 0.08 || ratio > 0.12 {
		t.Fatalf("%v lost of %v: ratio %.3f, want about 0.10", l, r+l, ratio)
	}
}

// TestCloseResetsTheRoomsGauge: after Close no room is counted open.
func TestCloseResetsTheRoomsGauge(t *testing.T) {
	s, tokens, url, _ := testSFU(t, nil)
	for range 2 {
		if _, _, err := dial(t, url, tokens.Sign(grant(uuid.New(), RolePatient))); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 5*time.Second, "two rooms", func() bool { return testutil.ToFloat64(s.metrics.rooms) == 2 })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if n := testutil.ToFloat64(s.metrics.rooms); n != 0 {
		t.Fatalf("derma_video_rooms = %v after Close", n)
	}
}

// TestUDPSocketBuffersAreEnlarged: the SFU's one UDP socket asks for
// 4 MiB kernel buffers (the kernel's default of ~200 KiB overflowed in the
// benchmark while the reader waited for a CPU); the kernel grants up to
// net.core.rmem_max and reports twice what it granted.
func TestUDPSocketBuffersAreEnlarged(t *testing.T) {
	s, _, _, _ := testSFU(t, nil)
	for _, c := range []struct {
		opt  int
		name string
	}{{syscall.SO_RCVBUF, "rmem_max"}, {syscall.SO_SNDBUF, "wmem_max"}} {
		b, err := os.ReadFile("/proc/sys/net/core/" + c.name)
		if err != nil {
			t.Skipf("no /proc/sys/net/core/%s (not Linux?): %v", c.name, err)
		}
		limit, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		want := 2 * min(limit, udpBuffer)
		raw, err := s.udp.SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var got int
		var gerr error
		if err := raw.Control(func(fd uintptr) { got, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, c.opt) }); err != nil || gerr != nil {
			t.Fatal(err, gerr)
		}
		if got < want {
			t.Fatalf("socket buffer (%s) = %d bytes, want %d", c.name, got, want)
		}
	}
}

// TestSFUAnswersNACKs: a receiver that asks for a video packet again (an
// RTCP NACK, as after a loss) gets it again: the SFU kept the NACK
// responder when it dropped the statistics interceptor.
func TestSFUAnswersNACKs(t *testing.T) {
	_, tokens, url, _ := testSFU(t, nil)
	patient, _, err := dial(t, url, tokens.Sign(grant(uuid.New(), RolePatient)))
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "echo", func() bool { return patient.count(RolePatient) > 50 })
	patient.mu.Lock()
	ssrc, seq := patient.videoSSRC, patient.lastVideoSeq
	once := patient.videoSeqs[seq]
	patient.mu.Unlock()
	if once != 1 {
		t.Fatalf("packet %d received %d times before the NACK", seq, once)
	}
	nack := &rtcp.TransportLayerNack{MediaSSRC: ssrc, Nacks: []rtcp.NackPair{{PacketID: seq}}}
	if err := patient.pc.WriteRTCP([]rtcp.Packet{nack}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the packet again", func() bool {
		patient.mu.Lock()
		defer patient.mu.Unlock()
		return patient.videoSeqs[seq] >= 2
	})
}
