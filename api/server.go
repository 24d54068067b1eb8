// Package api is Derma2Go's REST API (/v1): Gin routes, one file per
// resource, and the middleware every request passes (request id, logs,
// metrics, problems, auth, audit).
package api

import (
	"context"
	_ "embed"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"derma2go/care"
	"derma2go/conditions"
	"derma2go/db"
	"derma2go/live"
	"derma2go/mail"
	"derma2go/media"
	"derma2go/payments"
	"derma2go/payouts"
	"derma2go/privacy"
	"derma2go/search"
	"derma2go/secure"
	"derma2go/secure/payloadcodec"
	"derma2go/waitlist"
)

// OpenAPISpec is the API description served at /openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPISpec []byte

// HealthChecker reports whether a dependency is ready (Temporal, for one).
type HealthChecker func(ctx context.Context) error

// Deps are the API's dependencies.
type Deps struct {
	Store    *db.Store
	Fields   *secure.Fields
	Links    *secure.Links
	Mail     mail.Sender
	Payments *payments.Client
	// Payouts picks the Mollie account of each payment and keeps doctors'
	// Mollie Connect connections; nil uses Payments for every payment.
	Payouts *payouts.Service
	Engine  Engine
	// Search is the doctor and condition index.
	Search search.Index
	// Conditions is the skin-condition catalog and the DermaWizard.
	Conditions *conditions.Catalog
	Logger     *slog.Logger
	PublicURL  string
	// SupportEmail receives the complaints about the service that the
	// contact form takes (SUPPORT_EMAIL); empty sends none.
	SupportEmail string
	// Temporal reports whether the Temporal frontend answers (for /readyz).
	Temporal HealthChecker
	// SearchReady reports whether the search index holds the data (for
	// /readyz); nil means the API serves no search.
	SearchReady HealthChecker
	// PaymentHold is how long a slot is held while the patient pays.
	PaymentHold time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Registry receives the API's metrics; nil makes a private one. The API
	// does not serve them: see MetricsHandler.
	Registry *prometheus.Registry
	// PhotoDecodes caps the photos decoded at the same time (0: 2).
	PhotoDecodes int
	// HandlerTimeout bounds each request's handler (0: defaultHandlerTimeout);
	// the photo upload has photoHandlerTimeout.
	HandlerTimeout time.Duration
	// Live is the process's live-event hub (event streams); nil answers
	// the streams with 503.
	Live *live.Hub
	// Video is the SFU; nil answers the video routes with 503.
	Video *VideoRooms
	// TrustedProxies are the addresses (IPs or CIDRs) whose X-Forwarded-For
	// names the client; with none, the client is the connection's peer.
	TrustedProxies []string
	// MaxUnpaidBookings caps a patient's unpaid future appointments; 0 means 3.
	MaxUnpaidBookings int
	// Waitlist is the offer chains' timing (new availability starts them).
	Waitlist waitlist.Config
	// Retention are the retention periods an erasure tells the patient
	// (zero RecordYears: 20).
	Retention privacy.Retention
	// PatientIdle and StaffIdle end a session unused for that long: a
	// patient's (0: DefaultPatientIdle) and a doctor's or admin's (0:
	// DefaultStaffIdle).
	PatientIdle, StaffIdle time.Duration
	// PayloadCodec opens and seals Temporal payloads for the Temporal UI's
	// codec endpoint; nil answers it with 503.
	PayloadCodec *payloadcodec.Codec
	// TemporalUIOrigin is the only origin the codec endpoint answers with
	// CORS headers (TEMPORAL_UI_ORIGIN); empty allows none.
	TemporalUIOrigin string
}

// Server holds the API's dependencies and limiters.
type Server struct {
	Deps
	limits *limiters
	photos *media.Cleaner
	care   *care.Service
	// jobSlots bounds the work done after the answer (see background).
	jobSlots chan struct{}
	// streams counts the open event streams per caller.
	streams streamSlots
	// auditObjects are the object types the routes write to the audit log.
	auditObjects map[string]bool
	// audits writes the requests' audit rows, concurrent ones together.
	audits *auditBatcher
}

// defaultHandlerTimeout bounds a handler when Deps.HandlerTimeout is unset.
const defaultHandlerTimeout = 30 * time.Second

// maxJSONBody is the default cap of request bodies (JSON); routes that take
// more set their own with bodyLimit.
const maxJSONBody = 1 << 20

// New builds the HTTP handler of the whole API.
func New(d Deps) http.Handler {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Registry == nil {
		d.Registry = NewRegistry()
	}
	if d.HandlerTimeout <= 0 {
		d.HandlerTimeout = defaultHandlerTimeout
	}
	if d.PhotoDecodes <= 0 {
		d.PhotoDecodes = 2
	}
	if d.MaxUnpaidBookings <= 0 {
		d.MaxUnpaidBookings = 3
	}
	if d.PatientIdle <= 0 {
		d.PatientIdle = DefaultPatientIdle
	}
	if d.StaffIdle <= 0 {
		d.StaffIdle = DefaultStaffIdle
	}
	s := &Server{Deps: d, limits: newLimiters(d.Now), photos: media.NewCleaner(d.PhotoDecodes),
		care:     &care.Service{Store: care.PG{DB: d.Store}, Engine: d.Engine, Fields: d.Fields},
		jobSlots: make(chan struct{}, backgroundJobs)}
	s.audits = &auditBatcher{write: func(ctx context.Context, rows []db.InsertAuditEventParams) error {
		return s.Store.InsertAuditEvents(ctx, rows)
	}}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		// config.Parse checked the list; should gin still refuse it, trust nobody.
		d.Logger.Error("api: trusted proxies refused, trusting none", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
	metrics := newHTTPMetrics(d.Registry)
	r.Use(withRequestID(d.Logger), accessLog(), metrics.middleware(), recoverProblem(),
		securityHeaders(strings.HasPrefix(d.PublicURL, "https://")), limitBody(maxJSONBody), deadline(d.HandlerTimeout))
	r.NoRoute(s.webClient())
	r.NoMethod(func(c *gin.Context) {
		fail(c, newProblem(http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed",
			"This resource does not accept %s.", c.Request.Method))
	})
	s.mount(r)
	return r
}

// NewRegistry is a Prometheus registry with the Go runtime and process
// collectors, for Deps.Registry and MetricsHandler.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// MetricsHandler serves reg in Prometheus' format. It belongs on its own
// listener (METRICS_ADDR), never on the public API.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	checks := gin.H{"postgres": "ok", "temporal": "ok"}
	ready := true
	if err := s.Store.Pool.Ping(ctx); err != nil {
		logger(c).WarnContext(ctx, "readiness: postgres", "err", err)
		checks["postgres"], ready = "unavailable", false
	}
	if s.Temporal == nil {
		checks["temporal"], ready = "not configured", false
	} else if err := s.Temporal(ctx); err != nil {
		logger(c).WarnContext(ctx, "readiness: temporal", "err", err)
		checks["temporal"], ready = "unavailable", false
	}
	if s.SearchReady != nil {
		checks["search"] = "ok"
		if err := s.SearchReady(ctx); err != nil {
			logger(c).WarnContext(ctx, "readiness: search", "err", err)
			checks["search"], ready = "unavailable", false
		}
	}
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	c.JSON(status, gin.H{"ready": ready, "checks": checks})
}
