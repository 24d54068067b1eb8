// Package platform assembles Derma2Go's processes from a configuration: the
// API handler and the Temporal worker, with their shared dependencies. The
// production commands (`derma api`, `derma worker`) and the development
// stack (`derma dev`, integration tests) build the same thing through it.
package platform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"derma2go/api"
	"derma2go/conditions"
	"derma2go/config"
	"derma2go/db"
	"derma2go/indexer"
	"derma2go/live"
	"derma2go/mail"
	"derma2go/payments"
	"derma2go/payouts"
	"derma2go/privacy"
	"derma2go/search"
	"derma2go/secure"
	"derma2go/secure/payloadcodec"
	"derma2go/video"
	"derma2go/waitlist"
)

// Platform holds the dependencies shared by the API and the worker.
type Platform struct {
	Config   config.Config
	Logger   *slog.Logger
	Store    *db.Store
	Fields   *secure.Fields
	Links    *secure.Links
	Mail     mail.Sender
	Payments *payments.Client
	// Payouts picks the Mollie account of each payment (Mollie Connect).
	Payouts  *payouts.Service
	Temporal client.Client
	// Codec seals every Temporal payload with the field keys; the API's
	// codec endpoint decodes with it for the Temporal UI.
	Codec *payloadcodec.Codec
	// Search is the doctor and condition index; Indexer keeps it in step.
	Search     search.Index
	Indexer    *indexer.Indexer
	Conditions *conditions.Catalog
	// Live is this process's listener for live events (ServeLive); nil
	// in processes that serve no event streams.
	Live *live.Hub
	// Metrics is the Prometheus registry the API and the SFU report to;
	// MetricsHandler serves it on its own listener.
	Metrics *prometheus.Registry
	// SFU is the video SFU and TURN the embedded TURN server (nil when
	// VIDEO_TURN_ADDR is unset), once OpenVideo opened them.
	SFU   *video.SFU
	TURN  *video.TURN
	video *api.VideoRooms
}

// Open connects to PostgreSQL and Temporal and builds the mail and payment
// clients. Close releases them.
func Open(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Platform, error) {
	p := &Platform{Config: cfg, Logger: logger, Metrics: api.NewRegistry()}
	var err error
	if p.Fields, err = secure.NewFields(cfg.DataKeys, cfg.LookupKey); err != nil {
		return nil, err
	}
	p.Links = secure.NewLinks(cfg.LookupKey)
	smtp, err := mail.NewSMTPSender(cfg.SMTPURL, cfg.MailFrom)
	if err != nil {
		return nil, fmt.Errorf("platform: mail: %w", err)
	}
	smtp.SetPoolSize(cfg.SMTPPoolSize)
	p.Mail = smtp
	if p.Payments, err = payments.New(cfg.MollieAPIKey, cfg.MollieBaseURL); err != nil {
		return nil, fmt.Errorf("platform: payments: %w", err)
	}
	if p.Conditions, err = conditions.Load(); err != nil {
		return nil, fmt.Errorf("platform: conditions: %w", err)
	}
	if p.Store, err = db.Open(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	p.Payouts = &payouts.Service{Store: p.Store, Fields: p.Fields, Platform: p.Payments, FeeCents: cfg.Connect.ApplicationFeeCents,
		Logger: logger.With("component", "payouts")}
	if cfg.Connect.Enabled() {
		if p.Payouts.Connect, err = payments.NewConnect(ConnectConfig(cfg)); err != nil {
			p.Store.Close()
			return nil, fmt.Errorf("platform: mollie connect: %w", err)
		}
	}
	// Every payload (inputs, results, signals, queries, memos, failure
	// texts) is sealed with the field keys before it reaches Temporal; the
	// worker is built on this client and inherits its converters.
	p.Codec = payloadcodec.New(p.Fields)
	dc := payloadcodec.DataConverter(p.Codec)
	p.Temporal, err = client.DialContext(ctx, client.Options{
		HostPort:         cfg.TemporalAddress,
		Namespace:        cfg.TemporalNamespace,
		Logger:           sdklog.NewStructuredLogger(logger.With("component", "temporal-client")),
		MetricsHandler:   NewSDKMetrics(p.Metrics),
		DataConverter:    dc,
		FailureConverter: payloadcodec.FailureConverter(dc),
	})
	if err != nil {
		p.Store.Close()
		return nil, fmt.Errorf("platform: temporal %s: %w", cfg.TemporalAddress, err)
	}
	return p, nil
}

// OpenSearch opens the search index (Meilisearch when MEILI_URL is set, the
// embedded index otherwise) and its indexer. Only the process that serves
// search needs it.
func (p *Platform) OpenSearch(ctx context.Context) error {
	idx, err := search.Open(ctx, p.Config.MeiliURL, p.Config.MeiliKey, "derma_", p.Config.SearchDir)
	if err != nil {
		return fmt.Errorf("platform: search: %w", err)
	}
	p.Search = idx
	p.Indexer = &indexer.Indexer{Store: p.Store, Index: idx, Conditions: p.Conditions, Logger: p.Logger.With("component", "indexer"),
		PayoutsRequired: p.Payouts.Enabled()}
	return nil
}

// ServeLive starts the live-event listener (one PostgreSQL connection that
// LISTENs, reconnecting after a loss) until ctx ends. The API's event
// streams need it.
func (p *Platform) ServeLive(ctx context.Context) {
	p.Live = live.NewHub(p.Store.Pool, p.Logger.With("component", "live"))
	go func() {
		if err := p.Live.Run(ctx); err != nil {
			p.Logger.Error("live listener stopped", "err", err)
		}
	}()
}

// Close releases the connections.
func (p *Platform) Close() {
	if err := p.closeVideo(); err != nil {
		p.Logger.Warn("video close", "err", err)
	}
	if p.Search != nil {
		if err := p.Search.Close(); err != nil {
			p.Logger.Warn("search index close", "err", err)
		}
	}
	if p.Temporal != nil {
		p.Temporal.Close()
	}
	if p.Store != nil {
		p.Store.Close()
	}
	if c, ok := p.Mail.(io.Closer); ok {
		if err := c.Close(); err != nil {
			p.Logger.Warn("mail close", "err", err)
		}
	}
}

// APIHandler builds the REST API.
func (p *Platform) APIHandler() http.Handler {
	var searchReady api.HealthChecker
	if p.Indexer != nil {
		searchReady = p.Indexer.Ready
	}
	engine := NewEngine(p.Temporal, p.Config)
	if p.SFU != nil {
		engine = roomFollower{Engine: engine, sfu: p.SFU}
	}
	return api.New(api.Deps{
		SearchReady: searchReady,
		Store:       p.Store, Fields: p.Fields, Links: p.Links, Mail: p.Mail, Logger: p.Logger,
		Payments: p.Payments, Payouts: p.Payouts, PublicURL: p.Config.PublicURL, SupportEmail: p.Config.SupportEmail, Search: p.Search, Conditions: p.Conditions,
		PaymentHold: p.Config.PaymentHold, PhotoDecodes: p.Config.PhotoDecodes, HandlerTimeout: p.Config.HTTP.Handler,
		Registry: p.Metrics, TrustedProxies: p.Config.TrustedProxies, MaxUnpaidBookings: p.Config.MaxUnpaidBookings,
		PatientIdle: p.Config.SessionIdlePatient, StaffIdle: p.Config.SessionIdleStaff,
		Engine: engine, Video: p.video,
		Waitlist:     waitlist.Config{OfferWait: p.Config.WaitlistOfferWait, Cutoff: p.Config.WaitlistCutoff},
		Live:         p.Live,
		Retention:    p.Retention(),
		PayloadCodec: p.Codec, TemporalUIOrigin: p.Config.TemporalUIOrigin,
		Temporal: func(ctx context.Context) error {
			_, err := p.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		},
	})
}

// MetricsHandler serves the Prometheus metrics at /metrics (for METRICS_ADDR)
// and /healthz, the liveness probe of a worker, which has no other listener.
func (p *Platform) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", api.MetricsHandler(p.Metrics))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	return mux
}

// Serve runs handler on addr until ctx ends, then shuts down gracefully.
func Serve(ctx context.Context, srv *http.Server) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return fmt.Errorf("platform: serve %s: %w", srv.Addr, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("platform: shutdown %s: %w", srv.Addr, err)
	}
	return nil
}

// ServeSearch rebuilds the search index from Postgres and then follows the
// outbox until ctx ends. It returns once the rebuild is done; following
// runs in the background.
func (p *Platform) ServeSearch(ctx context.Context) error {
	started := time.Now()
	n, err := p.Indexer.Rebuild(ctx)
	if err != nil {
		return err
	}
	p.Logger.Info("search index rebuilt", "doctors", n, "took", time.Since(started).Round(time.Millisecond))
	go func() {
		if err := p.Indexer.Follow(ctx, 2*time.Second); err != nil {
			p.Logger.Error("search indexer stopped", "err", err)
		}
	}()
	return nil
}

// ConnectRedirectPath is the web-client page Mollie sends a doctor back to
// after the consent page (the OAuth redirect URL to register with Mollie:
// PUBLIC_URL followed by this path).
const ConnectRedirectPath = "/doctor/payouts/connected"

// ConnectConfig is the Mollie Connect app of cfg: its credentials, the
// redirect page, and test mode when the platform's API key is a test key.
func ConnectConfig(cfg config.Config) payments.ConnectConfig {
	return payments.ConnectConfig{
		ClientID: cfg.Connect.ClientID, ClientSecret: cfg.Connect.ClientSecret,
		RedirectURL: cfg.PublicURL + ConnectRedirectPath, AuthorizeURL: cfg.Connect.AuthorizeURL,
		BaseURL: cfg.MollieBaseURL, Testmode: strings.HasPrefix(cfg.MollieAPIKey, "test_"),
	}
}

// Retention are the configured retention periods.
func (p *Platform) Retention() privacy.Retention {
	r := p.Config.Retention
	return privacy.Retention{RecordYears: r.RecordYears, AuditYears: r.AuditYears, TokenGrace: r.TokenGrace, Abandoned: r.Abandoned}
}
