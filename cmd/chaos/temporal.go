package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"derma2go/devstack/temporalserver"
	"derma2go/workflows"
)

// runTemporal is `chaos temporal`: the Temporal server (SQLite file
// persistence, or with -pg the private PostgreSQL cluster's two Temporal
// databases) in a process of its own, so that the monkey can kill -9 it.
// It writes its pid to -ready once the frontend serves.
func runTemporal(args []string) error {
	fs := flag.NewFlagSet("temporal", flag.ContinueOnError)
	dbFile := fs.String("db", "", "SQLite file of the server's state")
	addr := fs.String("addr", "127.0.0.1:7233", "frontend address")
	ready := fs.String("ready", "", "file to write the pid to once serving")
	pgAddr := fs.String("pg", "", "host:port of the PostgreSQL server holding the state instead of -db")
	pgUser := fs.String("pg-user", "", "its user")
	pgDB := fs.String("pg-db", "", "its database of executions")
	pgVisibility := fs.String("pg-visibility-db", "", "its database of visibility records")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var pg *temporalserver.PostgresStore
	if *pgAddr != "" {
		pg = &temporalserver.PostgresStore{Addr: *pgAddr, User: *pgUser, Database: *pgDB, VisibilityDatabase: *pgVisibility}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := temporalserver.Start(ctx, temporalserver.Options{
		DBFile: *dbFile, Postgres: pg, Namespace: "default", FrontendAddr: *addr,
		SearchAttributes: workflows.SearchAttributeTypes(), Logger: logger,
	})
	if err != nil {
		return err
	}
	if *ready != "" {
		if err := os.WriteFile(*ready, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
			return fmt.Errorf("chaos temporal: %w", err)
		}
	}
	<-ctx.Done()
	if *ready != "" {
		_ = os.Remove(*ready)
	}
	return srv.Stop()
}
