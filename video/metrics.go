package video

import "github.com/prometheus/client_golang/prometheus"

// metrics are the SFU's Prometheus series.
type metrics struct {
	rooms          prometheus.Gauge
	peers          *prometheus.GaugeVec
	forwardedBytes *prometheus.CounterVec
	forwardDelay   *prometheus.HistogramVec
	packetLoss     *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		rooms: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "derma_video_rooms", Help: "Open video rooms.",
		}),
		peers: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "derma_video_peers", Help: "Connected video peers by role.",
		}, []string{"role"}),
		forwardedBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "derma_video_forwarded_bytes_total", Help: "RTP bytes forwarded by kind (rate() is the bitrate).",
		}, []string{"kind"}),
		forwardDelay: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "derma_video_forward_delay_seconds", Help: "Time from receiving an RTP packet to handing it to the receivers.",
			Buckets: []float64{.00001, .00005, .0001, .0005, .001, .005, .01, .05},
		}, []string{"kind"}),
		packetLoss: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "derma_video_packet_loss_ratio", Help: "Fraction of packets lost as reported by receivers.",
			Buckets: []float64{0, .01, .02, .05, .1, .2, .5, 1},
		}, []string{"kind"}),
	}
	if reg != nil {
		reg.MustRegister(m.rooms, m.peers, m.forwardedBytes, m.forwardDelay, m.packetLoss)
	}
	return m
}
