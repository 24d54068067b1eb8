package video

import "github.com/prometheus/client_golang/prometheus"

// metrics are the SFU's Prometheus series.
type metrics struct {
	rooms           prometheus.Gauge
	peers           *prometheus.GaugeVec
	receivedBytes   *prometheus.CounterVec
	forwardedBytes  *prometheus.CounterVec
	receivedPackets *prometheus.CounterVec
	lostPackets     *prometheus.CounterVec
	forwardDelay    *prometheus.HistogramVec
	packetLoss      *prometheus.HistogramVec
}

// forwardDelayBuckets are the bounds of derma_video_forward_delay_seconds:
// fine below a millisecond, where a healthy SFU is, and up to 100 ms.
var forwardDelayBuckets = []float64{
	.000025, .00005, .0001, .00015, .0002, .0003, .0005, .00075,
	.001, .0015, .002, .003, .004, .005, .0075, .01, .02, .05, .1,
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		rooms: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "derma_video_rooms", Help: "Open video rooms.",
		}),
		peers: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "derma_video_peers", Help: "Connected video peers by role.",
		}, []string{"role"}),
		receivedBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "derma_video_received_bytes_total", Help: "RTP bytes received from publishers by kind (rate() is the incoming bitrate).",
		}, []string{"kind"}),
		forwardedBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "derma_video_forwarded_bytes_total", Help: "RTP bytes forwarded to receivers by kind, once per receiver (rate() is the outgoing bitrate).",
		}, []string{"kind"}),
		receivedPackets: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "derma_video_received_packets_total", Help: "RTP packets received from publishers by kind.",
		}, []string{"kind"}),
		lostPackets: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "derma_video_lost_packets_total", Help: "RTP packets missing on the way in (gaps in the publishers' sequence numbers) by kind.",
		}, []string{"kind"}),
		forwardDelay: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "derma_video_forward_delay_seconds",
			Help:    "Time from an RTP packet's arrival on the SFU's UDP socket to its write to the receivers.",
			Buckets: forwardDelayBuckets,
		}, []string{"kind"}),
		packetLoss: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "derma_video_packet_loss_ratio", Help: "Fraction of packets lost on the way out, as reported by receivers (RTCP receiver reports).",
			Buckets: []float64{0, .01, .02, .05, .1, .2, .5, 1},
		}, []string{"kind"}),
	}
	if reg != nil {
		reg.MustRegister(m.rooms, m.peers, m.receivedBytes, m.forwardedBytes, m.receivedPackets, m.lostPackets, m.forwardDelay, m.packetLoss)
	}
	return m
}

// trackMetrics are one kind's series, resolved once per forwarded track so
// the per-packet path does no label lookup.
type trackMetrics struct {
	receivedBytes, forwardedBytes, receivedPackets, lostPackets prometheus.Counter
	delay                                                       prometheus.Observer
}

func (m *metrics) track(kind string) trackMetrics {
	return trackMetrics{
		receivedBytes:   m.receivedBytes.WithLabelValues(kind),
		forwardedBytes:  m.forwardedBytes.WithLabelValues(kind),
		receivedPackets: m.receivedPackets.WithLabelValues(kind),
		lostPackets:     m.lostPackets.WithLabelValues(kind),
		delay:           m.forwardDelay.WithLabelValues(kind),
	}
}

// sequence follows a publisher's RTP sequence numbers to count the packets
// that never arrived.
type sequence struct {
	started bool
	highest uint16
}

// next takes the sequence number of a received packet and returns how many
// packets it shows missing: the gap when it jumps ahead, 0 when it follows
// on or is late (a late or retransmitted packet was counted missing when
// the gap opened, so a reordering counts once as a loss).
func (s *sequence) next(seq uint16) int {
	if !s.started {
		s.started, s.highest = true, seq
		return 0
	}
	d := seq - s.highest
	if d == 0 || d >= 1<<15 {
		return 0
	}
	s.highest = seq
	return int(d) - 1
}
