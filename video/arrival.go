package video

import (
	"net"
	"net/netip"
	"sync/atomic"
	"time"
)

// arrivals remembers when each RTP packet came off the UDP socket, so the
// forwarding delay covers the whole way through the SFU (the ICE, DTLS/SRTP
// and receiver queues included) and not only the final write. SRTP leaves
// the RTP header in the clear, so the socket reader can key a packet by its
// SSRC and sequence number before pion decrypts it.
//
// It is a fixed table written by the one socket reader and read by the
// forwarders without locks: a slot holds the packet's key and its arrival
// time, and the writer clears the key while it rewrites the time, so a
// reader never pairs a key with another packet's time. A packet whose slot
// was taken over (a hash collision, or one that waited longer than the
// table lasts) is simply not found.
type arrivals struct {
	slots [arrivalSlots]arrivalSlot
	// misses counts the lookups that found no stamp.
	misses atomic.Int64
}

// arrivalSlots is the table size: a slot is reused after 16,384 packets on
// average, far longer than any packet stays in the SFU.
const arrivalSlots = 1 << 14

type arrivalSlot struct {
	key atomic.Uint64
	at  atomic.Int64
}

// epoch is the origin of arrival times (monotonic clock).
var epoch = time.Now()

// monotime is the time since epoch, from the monotonic clock.
func monotime() int64 { return int64(time.Since(epoch)) }

func arrivalKey(ssrc uint32, seq uint16) (uint64, uint32) {
	key := 1<<63 | uint64(ssrc)<<16 | uint64(seq)
	h := (ssrc*0x9E3779B1 ^ uint32(seq)*0x85EBCA6B) >> (32 - 14)
	return key, h
}

// stamp records that an RTP packet of ssrc with sequence number seq
// arrived at monotime at.
func (a *arrivals) stamp(ssrc uint32, seq uint16, at int64) {
	key, h := arrivalKey(ssrc, seq)
	s := &a.slots[h]
	s.key.Store(0)
	s.at.Store(at)
	s.key.Store(key)
}

// lookup returns the arrival time of the packet, if it is still known.
func (a *arrivals) lookup(ssrc uint32, seq uint16) (int64, bool) {
	key, h := arrivalKey(ssrc, seq)
	s := &a.slots[h]
	if s.key.Load() == key {
		at := s.at.Load()
		if s.key.Load() == key {
			return at, true
		}
	}
	a.misses.Add(1)
	return 0, false
}

// observe stamps b if it is an RTP packet (RFC 7983 demultiplexing: the
// first byte of RTP and RTCP is 128–191; RFC 5761: RTCP packet types 192–223
// in the second byte).
func (a *arrivals) observe(b []byte) {
	if len(b) < 12 || b[0] < 128 || b[0] > 191 || (b[1] >= 192 && b[1] <= 223) {
		return
	}
	seq := uint16(b[2])<<8 | uint16(b[3])
	ssrc := uint32(b[8])<<24 | uint32(b[9])<<16 | uint32(b[10])<<8 | uint32(b[11])
	a.stamp(ssrc, seq, monotime())
}

// stampConn is the SFU's UDP socket as the ICE mux sees it: every datagram
// read is stamped in arrivals. It keeps pion's allocation-free
// netip.AddrPort path (ice.AddrPortReaderWriter).
type stampConn struct {
	*net.UDPConn
	arrivals *arrivals
}

// ReadFrom reads a datagram and stamps it.
func (c *stampConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, addr, err := c.UDPConn.ReadFrom(b)
	if err == nil {
		c.arrivals.observe(b[:n])
	}
	return n, addr, err
}

// ReadFromAddrPort reads a datagram and stamps it.
func (c *stampConn) ReadFromAddrPort(b []byte) (int, netip.AddrPort, error) {
	n, addr, err := c.UDPConn.ReadFromUDPAddrPort(b)
	if err == nil {
		c.arrivals.observe(b[:n])
	}
	return n, addr, err
}

// WriteToAddrPort writes a datagram.
func (c *stampConn) WriteToAddrPort(b []byte, addr netip.AddrPort) (int, error) {
	return c.UDPConn.WriteToUDPAddrPort(b, addr)
}
