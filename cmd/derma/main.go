// Command derma is Derma2Go's one binary.
//
//	derma dev       run the whole platform on this machine, nothing configured
//	derma api       run the REST API (production; configuration from the environment)
//	derma worker    run the Temporal worker (production)
//	derma migrate   apply database migrations (DATABASE_URL)
//	derma seed      load demo data (doctors, an admin, two patients)
//	derma reindex   rebuild the search index from PostgreSQL
//	derma help      this text
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

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
  api       run the REST API; configuration from environment variables
  worker    run the Temporal worker; configuration from environment variables
  migrate   apply pending database migrations (needs DATABASE_URL)
  seed      load demo data into the database (idempotent)
  reindex   rebuild the search index from PostgreSQL
  help      show this text

Environment variables are listed in the README (Configuration).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "derma:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return errors.New("a command is required")
	}
	switch args[0] {
	case "dev":
		return devstack.RunDev(ctx, devstack.DevOptions{Dir: ".derma", Out: os.Stdout})
	case "api":
		return runAPI(ctx)
	case "worker":
		return runWorker(ctx)
	case "migrate":
		return runMigrate(ctx)
	case "seed":
		return runSeed(ctx)
	case "reindex":
		return runReindex(ctx)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	default:
		fmt.Print(usage)
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
	p.Logger.Info("api listening", "addr", p.Config.ListenAddr)
	return platform.Serve(ctx, platform.NewHTTPServer(p.Config.ListenAddr, p.APIHandler(), p.Config.HTTP))
}

func runWorker(ctx context.Context) error {
	p, err := openPlatform(ctx)
	if err != nil {
		return err
	}
	defer p.Close()
	return platform.Run(ctx, p)
}

func runMigrate(ctx context.Context) error {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return errors.New("config: DATABASE_URL is required (see README, Configuration)")
	}
	store, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	fmt.Println("migrations applied")
	return nil
}

func runSeed(ctx context.Context) error {
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
