// Command derma is Derma2Go's one binary.
//
//	derma dev       run the whole platform on this machine, nothing configured
//	derma infra     run only the dev stack's infrastructure, for separate api and worker processes
//	derma api       run the REST API (production; configuration from the environment)
//	derma worker    run the Temporal worker (production)
//	derma migrate   apply database migrations (MIGRATE_DATABASE_URL, else DATABASE_URL)
//	derma seed      load demo data (doctors, an admin, two patients); needs --demo-accounts
//	derma reindex   rebuild the search index from PostgreSQL
//	derma audit verify  check the audit log's hash chains
//	derma probe URL exit 0 when URL answers 2xx (container health checks)
//	derma totp      the current authenticator code of the demo accounts
//	derma help      this text
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"derma2go/auditlog"
	"derma2go/config"
	"derma2go/db"
	"derma2go/demodata"
	"derma2go/devstack"
	"derma2go/platform"
	"derma2go/secure"
)

const usage = `derma — Derma2Go teledermatology platform

Usage: derma <command>

Commands:
  dev       run everything locally: PostgreSQL, Temporal + Web UI, mail sink,
            Mollie sandbox, API and worker, with demo data (data in .derma/)
  infra     run only the infrastructure of dev (PostgreSQL, Temporal + Web UI,
            mail sink, Mollie sandbox; migrated, seeded) and write the
            environment for derma api / derma worker to .derma/infra.env
  api       run the REST API; configuration from environment variables
  worker    run the Temporal worker; configuration from environment variables
  migrate   apply pending database migrations as the owner role (MIGRATE_DATABASE_URL, else DATABASE_URL)
  seed      load demo data into the database (idempotent); its accounts have
            public passwords, so it asks for --demo-accounts (or
            SEED_DEMO_ACCOUNTS=yes): never on a production database
  reindex   rebuild the search index from PostgreSQL
  audit verify
            check the audit log's hash chains (DATABASE_URL); exits non-zero
            and names the first broken link when a row was changed or deleted
  probe URL exit 0 when URL answers 2xx within 3 s (health checks in images
            without a shell, e.g. derma probe http://127.0.0.1:8080/readyz)
  totp [secret]
            print the current authenticator (TOTP) code of secret, by default
            of the demo doctors and admin that derma dev seeds
  help      show this text (derma <command> --help: that command's help)

Environment variables are listed in the README (Configuration).
`

// commandHelp is the help of each command, printed by `derma <command> --help`.
var commandHelp = map[string]string{
	"dev": `Usage: derma dev

Runs the whole platform on this machine with nothing to configure: a private
PostgreSQL cluster, the Temporal server and Web UI, the SMTP sink, the Mollie
sandbox, the API (with the video SFU and a TURN server) and the worker, with
demo data. It prints every URL and the
demo logins, and stops on Ctrl-C. State stays in .derma/ (PostgreSQL data
under /var/lib/derma2go when the postgres user cannot reach .derma/, see
.derma/pg); remove it with make clean.

Environment: LOG_LEVEL (default warn; one line per API request is always
written).
`,
	"infra": `Usage: derma infra

Runs only the infrastructure of derma dev — a private PostgreSQL cluster
(migrated, with the demo data), the Temporal server and Web UI, the SMTP
sink and the Mollie sandbox — and writes the environment that separate
derma api and derma worker processes need to .derma/infra.env (KEY=value
lines; each process adds its own LISTEN_ADDR, METRICS_ADDR, SEARCH_DIR and
VIDEO_* ports). scripts/topology.sh (make topology) starts N APIs and M
workers against it, as in production. Stops on Ctrl-C.
`,
	"api": `Usage: derma api

Runs the REST API. It rebuilds its search index from PostgreSQL at start and
then follows the changes. It also runs the video SFU (ICE on VIDEO_UDP_ADDR and
VIDEO_TCP_ADDR; signalling at /v1/video/ws) and, with VIDEO_TURN_ADDR, an
embedded TURN server. Configuration comes from environment variables (see
the README, Configuration); a missing or malformed one stops the start.
`,
	"worker": `Usage: derma worker

Runs the Temporal worker (workflows and activities). Configuration comes from
environment variables (see the README, Configuration).
`,
	"migrate": `Usage: derma migrate

Applies pending database migrations. Needs DATABASE_URL.
`,
	"seed": `Usage: derma seed

Loads the demo doctors, an admin and two patients (idempotent) and prints
their logins. Configuration comes from environment variables.
`,
	"audit": `Usage: derma audit verify

Checks the tamper evidence of the audit log: every row's SHA-256 is
recomputed from its fields and chained to the previous row of its chain (16
chains); a changed, deleted, inserted or reordered row breaks a link. Prints
each chain's length and head hash (record them elsewhere to notice a log
rewritten as a whole) and, on a broken chain, the first broken link of each
chain, and exits with status 1. Needs DATABASE_URL (the application's role
may read the log).
`,
	"totp": `Usage: derma totp [secret]

Prints the current six-digit authenticator code (RFC 6238, 30-second steps)
of secret (base32), by default of demodata.DemoTOTPSecret: the public secret
of the demo doctors and the demo admin, who sign in with a second factor.
`,
	"reindex": `Usage: derma reindex

Rebuilds the search index from PostgreSQL into a new index and swaps it in;
searches keep answering from the old one meanwhile. Configuration comes from
environment variables.
`,
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "derma:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(out, usage)
		return errors.New("a command is required")
	}
	if args[0] == "audit" && len(args) == 2 && args[1] == "verify" {
		return runAuditVerify(ctx, out)
	}
	if args[0] == "probe" {
		return probe(ctx, args[1:])
	}
	if args[0] == "totp" && (len(args) == 1 || !isHelp(args[1])) {
		return runTOTP(out, args[1:])
	}
	if help, ok := commandHelp[args[0]]; ok && len(args) > 1 {
		if isHelp(args[1]) {
			fmt.Fprint(out, help)
			return nil
		}
		fmt.Fprint(out, help)
		return fmt.Errorf("%s takes no arguments (got %q)", args[0], args[1:])
	}
	switch args[0] {
	case "dev":
		return devstack.RunDev(ctx, devstack.DevOptions{Dir: ".derma", Out: out})
	case "infra":
		return devstack.RunInfra(ctx, devstack.DevOptions{Dir: ".derma", Out: out})
	case "api":
		return runAPI(ctx)
	case "worker":
		return runWorker(ctx)
	case "migrate":
		return runMigrate(ctx)
	case "seed":
		return runSeed(ctx, args[1:])
	case "reindex":
		return runReindex(ctx)
	case "audit":
		fmt.Fprint(out, commandHelp["audit"])
		return errors.New("audit takes a subcommand: derma audit verify")
	case "help", "-h", "--help", "-help":
		if len(args) > 1 {
			if help, ok := commandHelp[args[1]]; ok {
				fmt.Fprint(out, help)
				return nil
			}
		}
		fmt.Fprint(out, usage)
		return nil
	default:
		fmt.Fprint(out, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

func openPlatform(ctx context.Context) (*platform.Platform, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, err
	}
	return platform.Open(ctx, cfg, platform.NewLogger(os.Stderr, cfg.LogLevel))
}

func runAPI(ctx context.Context) error {
	p, err := openPlatform(ctx)
	if err != nil {
		return err
	}
	defer p.Close()
	if err := p.OpenSearch(ctx); err != nil {
		return err
	}
	if err := p.ServeSearch(ctx); err != nil {
		return err
	}
	p.ServeLive(ctx)
	if err := p.OpenVideo(); err != nil {
		return err
	}
	go p.FollowRooms(ctx, platform.RoomSweep)
	p.Logger.Info("api listening", "addr", p.Config.ListenAddr, "video_udp", p.SFU.UDPAddr().String())
	if p.Config.MetricsAddr == "off" {
		return platform.Serve(ctx, platform.NewHTTPServer(p.Config.ListenAddr, p.APIHandler(), p.Config.HTTP))
	}
	p.Logger.Info("metrics listening", "addr", p.Config.MetricsAddr)
	// Either server failing stops both.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	serve := func(addr string, h http.Handler, errc chan<- error) {
		err := platform.Serve(ctx, platform.NewHTTPServer(addr, h, p.Config.HTTP))
		cancel()
		errc <- err
	}
	apiErr, metricsErr := make(chan error, 1), make(chan error, 1)
	go serve(p.Config.MetricsAddr, p.MetricsHandler(), metricsErr)
	go serve(p.Config.ListenAddr, p.APIHandler(), apiErr)
	return errors.Join(<-apiErr, <-metricsErr)
}

func runWorker(ctx context.Context) error {
	p, err := openPlatform(ctx)
	if err != nil {
		return err
	}
	defer p.Close()
	return platform.Run(ctx, p)
}

// runMigrate applies the migrations as the schema's owner role
// (MIGRATE_DATABASE_URL), or through DATABASE_URL when that is unset.
func runTOTP(out io.Writer, args []string) error {
	secret := demodata.DemoTOTPSecret
	switch len(args) {
	case 0:
	case 1:
		secret = strings.ToUpper(strings.ReplaceAll(args[0], " ", ""))
	default:
		return fmt.Errorf("totp takes at most one secret (got %q)", args)
	}
	now := time.Now()
	code, err := secure.TOTPCode(secret, now)
	if err != nil {
		return err
	}
	left := secure.TOTPPeriod - time.Duration(now.Unix()%int64(secure.TOTPPeriod/time.Second))*time.Second
	fmt.Fprintf(out, "%s (valid for %d s more)\n", code, int(left.Seconds()))
	return nil
}

func runAuditVerify(ctx context.Context, out io.Writer) error {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return errors.New("config: DATABASE_URL is required (see README, Configuration)")
	}
	return auditlog.Command(ctx, out, url)
}

func runMigrate(ctx context.Context) error {
	url := os.Getenv("MIGRATE_DATABASE_URL")
	if url == "" {
		url = os.Getenv("DATABASE_URL")
	}
	if url == "" {
		return errors.New("config: MIGRATE_DATABASE_URL or DATABASE_URL is required (see README, Configuration)")
	}
	if err := db.MigrateURL(ctx, url); err != nil {
		return err
	}
	fmt.Println("migrations applied")
	return nil
}

// probe asks one URL and succeeds on a 2xx answer: the health check of a
// container whose image has nothing but this binary.
func probe(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("probe takes one URL, e.g. derma probe http://127.0.0.1:8080/readyz")
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, args[0], nil)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	_ = res.Body.Close()
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("probe: %s answered %s", args[0], res.Status)
	}
	return nil
}

func runSeed(ctx context.Context, args []string) error {
	if err := demodata.Asked(args, os.Getenv); err != nil {
		return err
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	fields, err := secure.NewFields(cfg.DataKeys, cfg.LookupKey)
	if err != nil {
		return err
	}
	store, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer store.Close()
	logins, err := demodata.Seed(ctx, store, fields)
	if err != nil {
		return err
	}
	demodata.PrintLogins(os.Stdout, logins)
	return nil
}

func runReindex(ctx context.Context) error {
	p, err := openPlatform(ctx)
	if err != nil {
		return err
	}
	defer p.Close()
	if err := p.OpenSearch(ctx); err != nil {
		return err
	}
	started := time.Now()
	n, err := p.Indexer.Rebuild(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("reindexed %d doctors and %d conditions in %s\n", n, len(p.Conditions.All()), time.Since(started).Round(time.Millisecond))
	return nil
}
