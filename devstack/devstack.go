// Package devstack is the embedded default of Derma2Go: a private PostgreSQL
// cluster, the Temporal server and Web UI in-process, an SMTP sink, the
// Mollie sandbox, and the API and worker on top — everything on one machine
// with nothing configured. `derma dev` and the integration tests use it.
//
// This package links the Temporal server; only cmd/derma and the integration
// tests import it.
package devstack

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"derma2go/api"
	"derma2go/config"
	"derma2go/db"
	"derma2go/demodata"
	"derma2go/devstack/mailsink"
	"derma2go/devstack/pgcluster"
	"derma2go/devstack/temporalserver"
	"derma2go/payments/molliesandbox"
	"derma2go/platform"
	"derma2go/workflows"
)

// Options configure Start. Empty addresses pick free loopback ports.
type Options struct {
	// Dir holds all state (PostgreSQL data, with TemporalStoreSQLite the
	// Temporal SQLite file, keys).
	Dir string
	// APIAddr, TemporalUIAddr, MailAddr (mail page) and MollieAddr (sandbox)
	// are listen addresses; "" means a free loopback port, "-" (UI only) none.
	APIAddr, TemporalUIAddr, MailAddr, MollieAddr string
	// Logger receives the stack's logs; nil discards them.
	Logger *slog.Logger
	// PaymentHold overrides the default unpaid-hold duration.
	PaymentHold time.Duration
	// ReviewDelay overrides the delay of the review request after completion.
	ReviewDelay time.Duration
	// VideoUDPAddr, VideoTCPAddr (the SFU's ICE ports) and TURNAddr (the
	// embedded TURN server) are UDP/TCP listen addresses; "" means a free
	// loopback port.
	VideoUDPAddr, VideoTCPAddr, TURNAddr string
	// Seed loads the demo data after the migrations, before the search index
	// is built and the API listens, so the API is never up without the
	// doctors (derma dev). Stack.Logins holds the demo logins.
	Seed bool
	// MetricsAddr is the listen address of the Prometheus metrics; "" means a
	// free loopback port.
	MetricsAddr string
	// TrustedProxies is TRUSTED_PROXIES of the API ("" trusts none).
	TrustedProxies string
	// NoConnect leaves Mollie Connect off: every payment is made on the
	// platform's own sandbox account, as without MOLLIE_CLIENT_ID. By
	// default the stack switches Connect on (an OAuth app registered with
	// the sandbox, an application fee of DevApplicationFeeCents) and, with
	// Seed, connects every demo doctor (ConnectDoctors).
	NoConnect bool
	// TemporalStore is where the in-process Temporal server keeps its
	// state: TemporalStorePostgres (two databases of the private PostgreSQL
	// cluster) or TemporalStoreSQLite (one file in Dir). "" takes
	// DEV_TEMPORAL_STORE from the environment, else DefaultTemporalStore.
	TemporalStore string
	// InfraOnly starts only the infrastructure — PostgreSQL (migrated and,
	// with Seed, seeded), Temporal with its UI, the mail sink and the Mollie
	// sandbox — and neither the API nor the worker: separate `derma api`
	// and `derma worker` processes run against it with ProcessEnv.
	InfraOnly bool
}

// The Temporal stores of Options.TemporalStore.
const (
	TemporalStorePostgres = "postgres"
	TemporalStoreSQLite   = "sqlite"
	// DefaultTemporalStore: measured on this 2-core machine
	// (BenchmarkTemporalStores, docs/benchmarks.md), PostgreSQL was not
	// faster than SQLite — the CPU, not SQLite's one connection, bounds
	// throughput here — and SQLite starts the server sooner.
	DefaultTemporalStore = TemporalStoreSQLite
)

// Databases of the private PostgreSQL cluster that hold the Temporal
// server's state with TemporalStorePostgres.
const (
	temporalDatabase           = "temporal"
	temporalVisibilityDatabase = "temporal_visibility"
)

// WorkerVariables size the dev stack's worker and SMTP pool when they are
// set in the process environment, as they size `derma worker`.
var WorkerVariables = []string{"WORKER_WORKFLOW_POLLERS", "WORKER_ACTIVITY_POLLERS", "WORKER_MAX_ACTIVITIES", "WORKER_STICKY_TIMEOUT", "WORKER_WORKFLOW_CACHE", "SMTP_POOL_SIZE"}

// temporalStore resolves Options.TemporalStore.
// TemporalPostgres creates the Temporal server's two databases in the
// private cluster pg (TemporalStorePostgres) when missing and returns the
// store that points the server at them.
func TemporalPostgres(ctx context.Context, pg *pgcluster.Cluster) (*temporalserver.PostgresStore, error) {
	for _, name := range []string{temporalDatabase, temporalVisibilityDatabase} {
		if _, err := pg.CreateDatabase(ctx, name); err != nil {
			return nil, err
		}
	}
	return &temporalserver.PostgresStore{
		Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(pg.Port())), User: pgcluster.OwnerRole,
		Database: temporalDatabase, VisibilityDatabase: temporalVisibilityDatabase,
	}, nil
}

func temporalStore(opt string) (string, error) {
	if opt == "" {
		opt = os.Getenv("DEV_TEMPORAL_STORE")
	}
	switch opt {
	case "":
		return DefaultTemporalStore, nil
	case TemporalStorePostgres, TemporalStoreSQLite:
		return opt, nil
	}
	return "", fmt.Errorf("devstack: DEV_TEMPORAL_STORE %q: want %s or %s", opt, TemporalStorePostgres, TemporalStoreSQLite)
}

// Stack is a running development platform.
type Stack struct {
	Config   config.Config
	PG       *pgcluster.Cluster
	Temporal *temporalserver.Server
	Mail     *mailsink.Sink
	Mollie   *molliesandbox.Server
	Platform *platform.Platform

	// APIURL, MailURL, MollieURL, MetricsURL are the base URLs of the HTTP listeners.
	APIURL, MailURL, MollieURL, MetricsURL string
	// Logins are the demo logins, when Options.Seed was set.
	Logins []demodata.Login
	// Dir is the absolute directory of the stack's state.
	Dir string
	// TemporalStore is the store the Temporal server runs on
	// (TemporalStorePostgres or TemporalStoreSQLite).
	TemporalStore string
	// ProcessEnv is the configuration the stack's own API and worker run
	// with, as environment variables.
	ProcessEnv map[string]string

	logger  *slog.Logger
	servers []*http.Server
	worker  *platform.Worker
	stops   []func() error
}

// Start brings the whole stack up. Stop it with Stop.
func Start(ctx context.Context, opts Options) (_ *Stack, err error) {
	s := &Stack{logger: opts.Logger}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.Stop())
		}
	}()
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("devstack: %w", err)
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("devstack: %w", err)
	}
	s.Dir = dir

	listeners := map[string]net.Listener{}
	for name, addr := range map[string]string{"api": opts.APIAddr, "mail": opts.MailAddr, "mollie": opts.MollieAddr, "metrics": opts.MetricsAddr} {
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range listeners {
				_ = l.Close()
			}
			return nil, fmt.Errorf("devstack: listen %s on %s: %w", name, addr, err)
		}
		listeners[name] = l
	}
	s.APIURL = baseURL(listeners["api"])
	s.MailURL = baseURL(listeners["mail"])
	s.MollieURL = baseURL(listeners["mollie"])
	s.MetricsURL = baseURL(listeners["metrics"])

	if s.TemporalStore, err = temporalStore(opts.TemporalStore); err != nil {
		return nil, err
	}
	if s.PG, err = pgcluster.Start(ctx, pgcluster.Options{Dir: filepath.Join(dir, "pg"), Database: "derma"}); err != nil {
		return nil, err
	}
	s.stops = append(s.stops, s.PG.Stop)
	temporalOpts := temporalserver.Options{DBFile: filepath.Join(dir, "temporal.db")}
	if s.TemporalStore == TemporalStorePostgres {
		pgStore, err := TemporalPostgres(ctx, s.PG)
		if err != nil {
			return nil, err
		}
		temporalOpts = temporalserver.Options{Postgres: pgStore}
	}

	uiAddr := opts.TemporalUIAddr
	switch uiAddr {
	case "":
		uiAddr = "127.0.0.1:0"
	case "-":
		uiAddr = ""
	}
	temporalOpts.Namespace, temporalOpts.FrontendAddr, temporalOpts.UIAddr = "default", "127.0.0.1:0", uiAddr
	temporalOpts.SearchAttributes = workflows.SearchAttributeTypes()
	temporalOpts.Logger = s.logger.With("component", "temporal-server")
	temporalOpts.CodecEndpoint = s.APIURL + api.TemporalCodecPath
	if s.Temporal, err = temporalserver.Start(ctx, temporalOpts); err != nil {
		return nil, err
	}
	s.stops = append(s.stops, s.Temporal.Stop)

	if s.Mail, err = mailsink.StartPersistent("127.0.0.1:0", filepath.Join(dir, "mail"), s.logger.With("component", "mailsink")); err != nil {
		return nil, err
	}
	s.stops = append(s.stops, s.Mail.Close)

	if s.Mollie, err = molliesandbox.Open(molliesandbox.Options{
		PublicURL: s.MollieURL, StateFile: filepath.Join(dir, "mollie.json"), Logger: s.logger.With("component", "mollie-sandbox"),
		Apps: []molliesandbox.App{{ID: devConnectClientID, Secret: devConnectClientSecret, RedirectURL: s.APIURL + platform.ConnectRedirectPath}},
	}); err != nil {
		return nil, err
	}
	s.stops = append(s.stops, func() error { s.Mollie.Close(); return nil })

	dataKey, lookupKey, err := loadOrCreateKeys(filepath.Join(dir, "keys.env"))
	if err != nil {
		return nil, err
	}
	turnSecret, err := randomKey()
	if err != nil {
		return nil, err
	}
	env := map[string]string{
		"DATABASE_URL":       s.PG.URL("derma"),
		"TEMPORAL_ADDRESS":   s.Temporal.FrontendAddress(),
		"TEMPORAL_NAMESPACE": s.Temporal.Namespace(),
		"SMTP_URL":           s.Mail.SMTPURL(),
		"MAIL_FROM":          "Derma2Go <no-reply@derma2go.test>",
		"MOLLIE_API_KEY":     "test_derma2godevsandbox00000000000",
		"MOLLIE_BASE_URL":    s.MollieURL,
		"PUBLIC_URL":         s.APIURL,
		"DERMA_DATA_KEY":     dataKey,
		"DERMA_LOOKUP_KEY":   lookupKey,
		"LISTEN_ADDR":        listeners["api"].Addr().String(),
		"SEARCH_DIR":         filepath.Join(dir, "search"),
		"SUPPORT_EMAIL":      "support@derma2go.test",
		"VIDEO_UDP_ADDR":     orLoopback(opts.VideoUDPAddr),
		"VIDEO_TCP_ADDR":     orLoopback(opts.VideoTCPAddr),
		"VIDEO_TURN_ADDR":    orLoopback(opts.TURNAddr),
		"VIDEO_TURN_SECRET":  turnSecret,
		"METRICS_ADDR":       listeners["metrics"].Addr().String(),
		"TRUSTED_PROXIES":    opts.TrustedProxies,
	}
	if ui := s.Temporal.UIURL(); ui != "" {
		// The UI decodes payloads through the API's codec endpoint.
		env["TEMPORAL_UI_ORIGIN"] = ui
	}
	if !opts.NoConnect {
		env["MOLLIE_CLIENT_ID"] = devConnectClientID
		env["MOLLIE_CLIENT_SECRET"] = devConnectClientSecret
		env["MOLLIE_AUTHORIZE_URL"] = s.MollieURL + "/oauth2/authorize"
		env["MOLLIE_APPLICATION_FEE_CENTS"] = fmt.Sprint(DevApplicationFeeCents)
	}
	for _, k := range WorkerVariables {
		// The worker's size may be tried on the dev stack as in production.
		if v := os.Getenv(k); v != "" {
			env[k] = v
		}
	}
	if opts.PaymentHold > 0 {
		env["PAYMENT_HOLD"] = opts.PaymentHold.String()
	}
	if opts.ReviewDelay > 0 {
		env["REVIEW_DELAY"] = opts.ReviewDelay.String()
	}
	if s.Config, err = config.Parse(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		return nil, fmt.Errorf("devstack: %w", err)
	}
	s.ProcessEnv = env
	if s.Platform, err = platform.Open(ctx, s.Config, s.logger); err != nil {
		return nil, err
	}
	s.stops = append(s.stops, func() error { s.Platform.Close(); return nil })
	if err := db.MigrateURL(ctx, s.PG.OwnerURL("derma")); err != nil {
		return nil, err
	}
	if opts.Seed {
		if s.Logins, err = demodata.Seed(ctx, s.Platform.Store, s.Platform.Fields); err != nil {
			return nil, err
		}
	}
	if opts.InfraOnly {
		s.serve(listeners["mail"], s.Mail.Handler())
		s.serve(listeners["mollie"], s.Mollie.Handler())
		if opts.Seed {
			if _, err := s.ConnectDoctors(ctx); err != nil {
				return nil, err
			}
		}
		_ = listeners["api"].Close()
		_ = listeners["metrics"].Close()
		return s, nil
	}
	if err := s.Platform.OpenSearch(ctx); err != nil {
		return nil, err
	}
	searchCtx, stopSearch := context.WithCancel(context.WithoutCancel(ctx))
	s.stops = append(s.stops, func() error { stopSearch(); return nil })
	if err := s.Platform.ServeSearch(searchCtx); err != nil {
		return nil, err
	}
	s.Platform.ServeLive(searchCtx)

	if err := s.Platform.OpenVideo(); err != nil {
		return nil, err
	}
	roomsCtx, stopRooms := context.WithCancel(context.WithoutCancel(ctx))
	s.stops = append(s.stops, func() error { stopRooms(); return nil })
	go s.Platform.FollowRooms(roomsCtx, platform.RoomSweep)

	s.serve(listeners["mail"], s.Mail.Handler())
	s.serve(listeners["mollie"], s.Mollie.Handler())
	if opts.Seed {
		if _, err := s.ConnectDoctors(ctx); err != nil {
			return nil, err
		}
	}
	if err := s.StartWorker(); err != nil {
		return nil, err
	}
	s.serve(listeners["metrics"], s.Platform.MetricsHandler())
	s.serve(listeners["api"], s.Platform.APIHandler())
	return s, nil
}

// StartWorker starts the Temporal worker (again, after StopWorker).
func (s *Stack) StartWorker() error {
	if s.worker != nil {
		return errors.New("devstack: worker already running")
	}
	w, err := s.Platform.NewWorker()
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("devstack: worker: %w", err)
	}
	s.worker = w
	return nil
}

// StopWorker stops the Temporal worker, as if its process had died; the
// workflows wait on the server until a worker is back.
func (s *Stack) StopWorker() {
	if s.worker != nil {
		s.worker.Stop()
		s.worker = nil
	}
}

func (s *Stack) serve(l net.Listener, h http.Handler) {
	srv := platform.NewHTTPServer(l.Addr().String(), h, s.Config.HTTP)
	s.servers = append(s.servers, srv)
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("devstack: http server stopped", "addr", srv.Addr, "err", err)
		}
	}()
}

// Stop shuts everything down in reverse order.
func (s *Stack) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var errs []error
	for _, srv := range s.servers {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("devstack: shutdown %s: %w", srv.Addr, err))
		}
	}
	s.servers = nil
	s.StopWorker()
	for i := len(s.stops) - 1; i >= 0; i-- {
		if err := s.stops[i](); err != nil {
			errs = append(errs, err)
		}
	}
	s.stops = nil
	return errors.Join(errs...)
}

func baseURL(l net.Listener) string {
	addr := l.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}

// loadOrCreateKeys keeps the development encryption keys in a file, so data
// written in one run can be read in the next.
func loadOrCreateKeys(path string) (dataKey, lookupKey string, err error) {
	if b, err := os.ReadFile(path); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
			switch k {
			case "DERMA_DATA_KEY":
				dataKey = v
			case "DERMA_LOOKUP_KEY":
				lookupKey = v
			}
		}
		if dataKey != "" && lookupKey != "" {
			return dataKey, lookupKey, nil
		}
	}
	k1, err := randomKey()
	if err != nil {
		return "", "", err
	}
	if lookupKey, err = randomKey(); err != nil {
		return "", "", err
	}
	dataKey = "dev1:" + k1
	content := fmt.Sprintf("# Development keys of derma dev. Never use them in production.\nDERMA_DATA_KEY=%s\nDERMA_LOOKUP_KEY=%s\n", dataKey, lookupKey)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		return "", "", fmt.Errorf("devstack: %w", err)
	}
	return dataKey, lookupKey, nil
}

// randomKey is 32 random bytes in base64.
func randomKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("devstack: key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// orLoopback is addr, or a free loopback port when addr is "".
func orLoopback(addr string) string {
	if addr == "" {
		return "127.0.0.1:0"
	}
	return addr
}
