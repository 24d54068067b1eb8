// Package integration tests Derma2Go through HTTP against the real stack of
// devstack: a private PostgreSQL cluster, the Temporal server in-process, the
// SMTP sink over a socket, and the Mollie sandbox driven by the real Mollie
// client. Every request and response is validated against api/openapi.yaml.
package integration

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"derma2go/demodata"
	"derma2go/devstack"
	"derma2go/search"
)

// stack is the platform every test talks to.
var stack *devstack.Stack

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir, err := newStackDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	started := time.Now()
	stack, err = devstack.Start(ctx, devstack.Options{
		Dir: dir, Logger: testLogger(), ReviewDelay: 2 * time.Second,
		// The tests' clients come "through a proxy" on the loopback: each
		// names its own address in X-Forwarded-For (see newClient), so limits
		// per source hold between tests as between real clients.
		TrustedProxies: "127.0.0.1/32,::1/128",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		return 1
	}
	defer func() {
		if err := stack.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "devstack stop:", err)
		}
	}()
	if _, err := demodata.Seed(ctx, stack.Platform.Store, stack.Platform.Fields); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		return 1
	}
	// Mollie Connect is on in the stack: every demo doctor gets a sandbox
	// account of their own through the consent page.
	connectStarted := time.Now()
	connected, err := stack.ConnectDoctors(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "connect doctors:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "integration: %d doctors connected to sandbox Mollie accounts in %s\n", connected, time.Since(connectStarted).Round(time.Millisecond))
	if err := waitIndexed(ctx, demodata.DoctorCount); err != nil {
		fmt.Fprintln(os.Stderr, "search index:", err)
		return 1
	}
	// The browser scripts give the demo doctors' and admin's second factor
	// with this secret (web/e2e/helpers.mjs login).
	if err := os.Setenv("E2E_TOTP_SECRET", demodata.DemoTOTPSecret); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "integration: stack up in %s\n", time.Since(started).Round(time.Millisecond))
	code := m.Run()
	// The guard behind "every link in an email opens a page": whatever the
	// tests that ran sent, each link to our site must answer a page.
	msgs := stack.Mail.Messages()
	problems := mailLinkProblems(msgs)
	fmt.Fprintf(os.Stderr, "integration: mail link guard checked the links of %d mail(s)\n", len(msgs))
	if len(problems) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d mail link(s) open no page of the web client:\n  %s\n",
			len(problems), strings.Join(problems, "\n  "))
		return 1
	}
	return code
}

// newStackDir makes a state directory the postgres user can traverse.
func newStackDir() (string, error) {
	dir, err := os.MkdirTemp("", "derma-it-")
	if err != nil {
		return "", err
	}
	return dir, os.Chmod(dir, 0o755)
}

func testLogger() *slog.Logger {
	level := slog.LevelWarn
	if os.Getenv("DERMA_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// waitIndexed waits until the search index, which follows the database's
// outbox in the background, holds at least n doctors.
func waitIndexed(ctx context.Context, n int) error {
	for {
		res, err := stack.Platform.Search.SearchDoctors(ctx, search.DoctorQuery{PerPage: 1})
		if err == nil && res.Total >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("index holds %d of %d doctors: %w", res.Total, n, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
