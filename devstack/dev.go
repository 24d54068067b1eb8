package devstack

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"derma2go/demodata"
	"derma2go/platform"
)

// DevOptions configure RunDev.
type DevOptions struct {
	// Dir holds the state kept between runs (.derma).
	Dir string
	// Out receives the banner with every URL and the demo logins.
	Out io.Writer
}

// Fixed development ports, so bookmarks keep working between runs.
const (
	devAPIAddr    = "127.0.0.1:8080"
	devUIAddr     = "127.0.0.1:8233"
	devMailAddr   = "127.0.0.1:8025"
	devMollieAddr = "127.0.0.1:8090"
	// The SFU's ICE ports (UDP, and TCP as fallback) and the TURN server.
	devVideoUDPAddr = "127.0.0.1:7882"
	devVideoTCPAddr = "127.0.0.1:7881"
	devTURNAddr     = "127.0.0.1:3478"
	// devMetricsAddr serves /metrics apart from the API, as in production.
	devMetricsAddr = "127.0.0.1:9090"
)

// RunDev runs the whole platform until ctx ends (Ctrl-C), then shuts down cleanly.
func RunDev(ctx context.Context, opts DevOptions) error {
	started := time.Now()
	logger := platform.NewDevLogger(os.Stderr, envOr("LOG_LEVEL", "warn"))
	s, err := Start(ctx, Options{
		Dir: opts.Dir, APIAddr: devAPIAddr, TemporalUIAddr: devUIAddr, MailAddr: devMailAddr, MollieAddr: devMollieAddr,
		VideoUDPAddr: devVideoUDPAddr, VideoTCPAddr: devVideoTCPAddr, TURNAddr: devTURNAddr,
		MetricsAddr: devMetricsAddr, Logger: logger, Seed: true,
	})
	if err != nil {
		return err
	}
	// "Running" means the API finds the doctors (/readyz agrees).
	if err := waitSearchReady(ctx, s, time.Minute); err != nil {
		return fmt.Errorf("%w (and stop: %v)", err, s.Stop())
	}
	fmt.Fprintf(opts.Out, `
Derma2Go is running (ready in %s). Ctrl-C stops it; data stays in %s/.

  API              %s/v1/doctors
  Health           %s/readyz
  OpenAPI          %s/openapi.yaml
  Metrics          %s/metrics
  Temporal Web UI  %s (store: %s, DEV_TEMPORAL_STORE)
  Caught mail      %s
  Mollie sandbox   %s
  PostgreSQL       %s
  Video signalling %s/v1/video/ws (SFU: ICE udp %s, tcp %s)
  TURN server      %s (short-lived credentials with each room token)

`, time.Since(started).Round(10*time.Millisecond), opts.Dir, s.APIURL, s.APIURL, s.APIURL, s.MetricsURL,
		s.Temporal.UIURL(), s.TemporalStore, s.MailURL, s.MollieURL, s.PG.URL("derma"),
		wsURL(s.APIURL), s.Platform.SFU.UDPAddr(), s.Platform.SFU.TCPAddr(), s.Platform.TURN.URL())
	demodata.PrintLogins(opts.Out, s.Logins)
	<-ctx.Done()
	fmt.Fprintln(opts.Out, "\nStopping…")
	if err := s.Stop(); err != nil {
		return err
	}
	fmt.Fprintln(opts.Out, "Stopped.")
	return nil
}

// waitSearchReady waits until the search index has applied every change.
func waitSearchReady(ctx context.Context, s *Stack, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	for {
		err := s.Platform.Indexer.Ready(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("devstack: search index not ready: %w", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// wsURL is the WebSocket form of an http:// base URL.
func wsURL(base string) string { return "ws" + strings.TrimPrefix(base, "http") }
